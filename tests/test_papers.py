"""The paper reproductions in tutorials/papers/: each script runs in quick mode, prints the
paper's result next to minigrad's, and asserts the paper's claim (a failed claim fails here,
with the script's own message); each is listed in the folder's README and uses only the public
API."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tutorials" / "papers"
SCRIPTS = sorted(FOLDER.glob("*.py"))


def test_there_are_paper_scripts_and_an_index_naming_each():
    assert len(SCRIPTS) >= 6, [s.name for s in SCRIPTS]
    index = (FOLDER / "README.md").read_text()
    for script in SCRIPTS:
        assert script.name in index, f"{script.name} is missing from tutorials/papers/README.md"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_script_uses_only_the_public_api_and_says_what_it_reproduces(script):
    source = script.read_text()
    assert not re.search(r"(from|import)\s+(tests|minigrad\.\w*\._)", source), script.name
    assert not re.search(r"\bmg\._|\b(nn|optim|data|plot)\._", source), script.name
    docstring = source.split('"""')[1]
    for needed in ("differ", "MINIGRAD_QUICK"):  # where it departs from the paper; its quick mode
        assert needed in docstring, f"{script.name}'s docstring does not say {needed!r}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_script_runs_in_quick_mode_and_its_claim_holds(script, tmp_path):
    env = dict(os.environ, MINIGRAD_QUICK="1", MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    assert "paper" in result.stdout and "minigrad" in result.stdout, result.stdout
    # each "paper" line says where in the paper its result is, or that the paper could not be read
    claims = [line for line in result.stdout.splitlines() if line.strip().startswith("paper")]
    assert claims and all(re.search(r"section|figure|not read", line) for line in claims), claims
    assert "claim holds" in result.stdout, result.stdout
    assert list(tmp_path.iterdir()) == [], "the script wrote files"
