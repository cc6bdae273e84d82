"""The documentation site builds with ``mkdocs build --strict`` (any warning fails, broken
docstrings included), shows every tutorial with each of its figures, and documents the API."""

import base64
import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.ipynb"))
SHOWN = re.compile(r"""\bplot\.show\(\s*\w+\s*,\s*f?["']([^"']+)["']""")  # as in tests/test_tutorials.py


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    seconds = time.perf_counter() - start
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout}\n{build.stderr}"
    print(f"mkdocs build --strict: {seconds:.1f} s")
    return site_dir


def test_the_strict_build_leaves_the_repository_as_it_was(site):
    assert not (ROOT / ".cache").exists(), "the build wrote a cache into the repository"


def test_the_home_page_shows_the_readme_figure(site):
    home = (site / "index.html").read_text()
    assert 'src="compare.png"' in home
    assert (site / "compare.png").is_file()
    assert "minigrad compare" in home


@pytest.mark.parametrize("notebook", TUTORIALS, ids=[path.stem for path in TUTORIALS])
def test_each_tutorial_has_a_page_with_each_of_its_figures(site, notebook):
    page = site / "tutorials" / notebook.stem / "index.html"
    assert page.is_file(), f"no page for {notebook.name}"
    html = page.read_text()
    source = notebook.with_suffix(".py").read_text()
    shown = SHOWN.findall(source)
    inline = re.findall(r'<img[^>]*src="data:image/png;base64,([A-Za-z0-9+/=]{100,})"', html)
    assert len(inline) == len(shown), f"{notebook.name} shows {len(shown)} figures, its page {len(inline)}"
    # every other image on the page (a markdown cell's ![...](figures/NAME.png)) is in the site
    for src in re.findall(r'<img[^>]*src="(?!data:)([^"]+)"', html):
        assert (page.parent / src).resolve().is_file(), f"{notebook.name}'s page shows {src}, missing from the site"
    assert (page.parent / notebook.name).is_file(), "the notebook to download"
    assert f'href="{notebook.name}"' in html, "the download button"
    # the table of contents links to the page's headings
    toc = html[html.index("md-nav--secondary") : html.index('class="md-content"')]
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for anchor in re.findall(r'href="#([^"]+)"', toc):
        assert anchor in ids, f"{notebook.name}: the table of contents links to #{anchor}, which is not on the page"
    index = (site / "tutorials" / "index.html").read_text()
    assert f'href="{notebook.stem}/"' in index, f"the tutorials page does not list {notebook.name}"


def test_the_api_reference_documents_the_public_api(site):
    def page(name):
        return (site / "api" / name / "index.html").read_text()

    optim = page("optim")
    names = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "Rprop", "Adamax", "NAdam", "RAdam"]
    for name in names:
        assert f'id="minigrad.optim.{name}"' in optim, name
    assert "square_avg" in optim or "moving average of g^2" in optim  # RMSprop's rule is shown
    assert '<table>' in optim  # the defaults tables render as tables
    assert 'id="minigrad.Tensor"' in page("tensor")
    assert 'id="minigrad.Tensor.backward"' in page("tensor")
    assert 'id="minigrad.optim.lr_scheduler.StepLR"' in page("lr_scheduler")
    assert 'id="minigrad.nn.Linear"' in page("nn")
    assert 'id="minigrad.utils.data.DataLoader"' in page("utils_data")
    assert 'id="minigrad.plot.show"' in page("plot")
    assert "Additions to the contract" in page("contract")
    assert 'id="minigrad.problems.QuadraticDeep"' in page("problems")
    assert 'id="minigrad.explorer.explore"' in page("explore")


def load_hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    return hooks


def test_the_hook_attaches_each_committed_figure_and_refuses_a_missing_one(tmp_path, monkeypatch):
    import nbformat
    from mkdocs.exceptions import PluginError

    hooks = load_hooks()
    monkeypatch.setattr(hooks, "ROOT", tmp_path)
    monkeypatch.setattr(hooks, "FIGURES", tmp_path / "tutorials" / "figures")
    (tmp_path / "tutorials" / "figures").mkdir(parents=True)
    png = (ROOT / "docs" / "compare.png").read_bytes()
    (tmp_path / "tutorials" / "figures" / "99_a.png").write_bytes(png)
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 99 · A test\n\n![a](figures/99_a.png)"),
            nbformat.v4.new_code_cell('fig = Figure()\nplot.show(fig, "99_a")'),
            nbformat.v4.new_code_cell("print(1)"),
        ]
    )
    path = tmp_path / "tutorials" / "99_test.ipynb"
    nbformat.write(notebook, path)
    shown, linked = hooks.with_figures(path)
    assert linked == ["99_a.png"]
    assert shown.cells[0].source == notebook.cells[0].source
    assert "appear when you run it" in shown.cells[1].source and "python tutorials/99_test.py" in shown.cells[1].source
    [output] = shown.cells[2].outputs
    assert output.output_type == "display_data"
    assert base64.b64decode(output.data["image/png"]) == png
    assert shown.cells[3].outputs == []
    assert hooks.title_of(shown) == "99 · A test"

    notebook.cells[1].source = 'plot.show(fig, "99_missing")'
    nbformat.write(notebook, path)
    with pytest.raises(PluginError, match="99_missing"):
        hooks.with_figures(path)
