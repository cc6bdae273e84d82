"""Every tutorial runs top to bottom in quick mode and writes its figures."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))


def test_there_are_at_least_seven_tutorials_and_an_index():
    assert len(TUTORIALS) >= 7, [t.name for t in TUTORIALS]
    index = (TUTORIALS[0].parent / "README.md").read_text()
    for tutorial in TUTORIALS:
        assert tutorial.name in index, f"{tutorial.name} is missing from tutorials/README.md"
    for figure in re.findall(r"\((figures/[^)]+\.png)\)", index):
        assert (TUTORIALS[0].parent / figure).is_file(), f"the index shows {figure}, which does not exist"


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=lambda path: path.stem)
def test_tutorial_runs_in_quick_mode_and_writes_its_figures(tutorial, tmp_path):
    # The script imports the minigrad of this checkout, as the tests do, not whichever one is installed.
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {
        **os.environ,
        "PYTHONPATH": pythonpath,
        "MINIGRAD_QUICK": "1",
        "MINIGRAD_FIGURES": str(tmp_path),
        "MPLBACKEND": "Agg",
    }
    result = subprocess.run(
        [sys.executable, str(tutorial)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    prefix = tutorial.name[:2]
    figures = sorted(p.name for p in tmp_path.glob(f"{prefix}_*.png"))
    assert figures, f"{tutorial.name} wrote no figure named {prefix}_*.png into MINIGRAD_FIGURES"
    committed = {p.name for p in (tutorial.parent / "figures").glob(f"{prefix}_*.png")}
    assert set(figures) <= committed, f"figures not committed in tutorials/figures: {set(figures) - committed}"


def test_tutorials_use_only_the_public_api():
    for tutorial in TUTORIALS:
        source = tutorial.read_text()
        assert not re.search(r"(from|import)\s+(tests|minigrad\.\w*\._)", source), tutorial.name
        assert not re.search(r"\bmg\._|\b(nn|optim|data|plot)\._", source), tutorial.name
