"""The tutorials as learners open them: each is a jupytext pair (a percent-format .py and a
committed .ipynb without outputs) kept in sync; each runs as a notebook with its kernel in
tutorials/, in quick mode, asserting its own claims as it goes; shows every figure inline
in the cell that makes it; and writes nothing but its figures, into tutorials/figures/quick/
(a quick run's figures never replace the committed ones of a full run)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tutorials"
TUTORIALS = sorted(FOLDER.glob("[0-9][0-9]_*.py"))
SHOWN = re.compile(r"""\bplot\.show\(\s*\w+\s*,\s*f?["']([^"']+)["']""")  # plot.show(fig, "04_paths")
SYNC = "jupytext --set-kernel python3 --sync tutorials/*.py"  # what a tutorial's author runs after editing


def figures_shown(source: str) -> list[str]:
    return [name.removesuffix(".png") + ".png" for name in SHOWN.findall(source)]


def test_there_are_tutorials_and_an_index_naming_each():
    assert len(TUTORIALS) >= 7, [t.name for t in TUTORIALS]
    index = (FOLDER / "README.md").read_text()
    for tutorial in TUTORIALS:
        assert tutorial.name in index, f"{tutorial.name} is missing from tutorials/README.md"
    for figure in re.findall(r"\((figures/[^)]+\.png)\)", index):
        assert (FOLDER / figure).is_file(), f"tutorials/README.md shows {figure}, which does not exist"


def test_every_committed_figure_is_made_by_a_tutorial_and_every_figure_shown_is_committed():
    shown = {name for tutorial in TUTORIALS for name in figures_shown(tutorial.read_text())}
    committed = {path.name for path in (FOLDER / "figures").glob("*.png")}
    assert shown - committed == set(), "figures a tutorial shows but tutorials/figures/ lacks (run the tutorial)"
    assert committed - shown == set(), "figures in tutorials/figures/ that no tutorial makes any more"


def test_tutorials_use_only_the_public_api():
    for tutorial in TUTORIALS:
        source = tutorial.read_text()
        assert not re.search(r"(from|import)\s+(tests|minigrad\.\w*\._)", source), tutorial.name
        assert not re.search(r"\bmg\._|\b(nn|optim|data|plot)\._", source), tutorial.name


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=lambda path: path.stem)
def test_notebook_and_script_hold_the_same_cells(tutorial):
    notebook_path = tutorial.with_suffix(".ipynb")
    assert notebook_path.is_file(), f"{notebook_path.name} is missing: run {SYNC}"
    script = jupytext.read(tutorial)
    notebook = nbformat.read(notebook_path, as_version=4)
    cells = lambda nb: [(cell.cell_type, cell.source) for cell in nb.cells]  # noqa: E731
    assert cells(notebook) == cells(script), f"{notebook_path.name} is out of step with {tutorial.name}: run {SYNC}"
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3", f"no kernel set: run {SYNC}"
    with_output = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and cell.outputs]
    assert with_output == [], f"{notebook_path.name} is committed with outputs in cells {with_output}: run {SYNC}"


def files_in(folder: Path) -> dict[Path, tuple[int, int]]:
    return {path: (path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=lambda path: path.stem)
def test_notebook_runs_in_its_folder_shows_each_figure_inline_and_writes_only_figures(tutorial, tmp_path, monkeypatch):
    # A copy of tutorials/ without its figures, so that no run here can touch the committed ones.
    folder = tmp_path / "tutorials"
    shutil.copytree(FOLDER, folder, ignore=shutil.ignore_patterns("figures", "__pycache__", ".ipynb_checkpoints"))
    before = files_in(tmp_path)
    monkeypatch.setenv("MINIGRAD_QUICK", "1")
    monkeypatch.delenv("MINIGRAD_FIGURES", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own default, as a learner has it
    # the kernel imports the minigrad of this checkout, as the tests do, not whichever one is installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(folder / tutorial.with_suffix(".ipynb").name, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute()  # a failed claim (assert) in the tutorial fails here, naming the cell

    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        expected = len(figures_shown(cell.source))
        images = sum("image/png" in output.get("data", {}) for output in cell.outputs)
        assert images == expected, f"cell {index} makes {expected} figures but shows {images} inline:\n{cell.source}"

    after = files_in(tmp_path)
    changed = {path.relative_to(folder) for path in after if after[path] != before.get(path)}
    # Python's own bytecode cache of the exercise checkers (ignored by git) is not the tutorial's doing
    changed = {path for path in changed if "__pycache__" not in path.parts}
    written = {Path("figures", "quick", name) for name in figures_shown(tutorial.read_text())}
    assert changed == written, f"the notebook wrote {sorted(map(str, changed - written))} besides its figures"
    assert set(before) <= set(after), "the notebook deleted files"


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a checkout")
def test_a_quick_runs_figures_are_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "tutorials/figures/quick/04_paths.png"], cwd=ROOT)
    assert ignored.returncode == 0, "tutorials/figures/quick/ is not in .gitignore: a quick run would leave new files"
    kept = subprocess.run(["git", "check-ignore", "-q", "tutorials/figures/04_paths.png"], cwd=ROOT)
    assert kept.returncode == 1, "the committed figures must not be ignored"
