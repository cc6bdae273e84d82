"""mkdocs hooks for the documentation site (mkdocs.yml: ``hooks: [docs/hooks.py]``; not a page).

The tutorials are committed as notebooks without outputs, and running them all takes minutes,
so the site does not execute them. Instead every notebook ``tutorials/NN_name.ipynb`` is copied
into the site with, under each code cell that calls ``plot.show(fig, "NAME")``, the figure that
cell writes: ``tutorials/figures/NAME.png``, attached as an image output, and a note under the
title says that the printed numbers appear when the notebook runs. mkdocs-jupyter then
renders it like any notebook. A markdown cell's ``![...](figures/NAME.png)`` finds the same file
next to the page. A figure that is missing stops the build.

The tutorials are found by name (``tutorials/[0-9][0-9]_*.ipynb``), in order, and fill the
"Tutorials" section of the navigation and the list on ``docs/tutorials/index.md``.
"""

from __future__ import annotations

import atexit
import base64
import html as htmllib
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"
FIGURES = TUTORIALS / "figures"
# the same pattern tests/test_tutorials.py uses: plot.show(fig, "04_paths")
SHOWN = re.compile(r"""\bplot\.show\(\s*\w+\s*,\s*f?["']([^"']+)["']""")
LINKED = re.compile(r"\]\(figures/([^)\s]+)\)")  # a markdown image: ![...](figures/01_graph.png)
HEADING = re.compile(r'<h[1-6][^>]*\bid="([^"]+)"[^>]*>(.*?)</h[1-6]>', re.S)
LIST_MARKER = "<!-- tutorials: the hook lists them here -->"

_build_dir: Path | None = None


def tutorial_notebooks() -> list[Path]:
    """Every tutorial notebook, in the order of its number."""
    return sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))


def figures_shown(source: str) -> list[str]:
    """The figure names a cell's source passes to ``plot.show``, in order."""
    return SHOWN.findall(source)


def title_of(notebook) -> str:
    """The notebook's first level-1 heading ("" if it has none)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def with_figures(path: Path):
    """The notebook at ``path`` with each ``plot.show`` cell's committed figure as its output,
    and the file names of the figures its markdown cells show (``![...](figures/NAME.png)``)."""
    notebook = nbformat.read(path, as_version=4)
    linked = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for name in LINKED.findall(cell.source):
                if not (FIGURES / name).is_file():
                    raise PluginError(f"{path.relative_to(ROOT)} links to figures/{name}, which does not exist")
                linked.append(name)
            continue
        if cell.cell_type != "code":
            continue
        outputs = []
        for name in figures_shown(cell.source):
            png = FIGURES / f"{name}.png"
            if not png.is_file():
                raise PluginError(
                    f"{path.relative_to(ROOT)} shows the figure {name!r} but {png.relative_to(ROOT)} does not "
                    f"exist: run the tutorial (python {path.with_suffix('.py').relative_to(ROOT)}) and commit it"
                )
            data = base64.b64encode(png.read_bytes()).decode("ascii")
            outputs.append(nbformat.v4.new_output("display_data", data={"image/png": data, "text/plain": name}))
        cell.outputs = outputs
    script = path.with_suffix(".py").relative_to(ROOT)
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell(
        f"> This page shows the tutorial's figures from its last full run. The numbers it prints, and "
        f"the claims it checks as it goes, appear when you run it: download the notebook (top right) "
        f"and open it in Jupyter from `tutorials/`, or run `python {script.as_posix()}`."
    ))  # fmt: skip
    return notebook, linked


def on_config(config):
    """Fill the navigation's "Tutorials" section with every tutorial notebook."""
    pages = [f"tutorials/{path.name}" for path in tutorial_notebooks()]
    if not pages:
        raise PluginError(f"no tutorial notebooks (tutorials/[0-9][0-9]_*.ipynb) in {TUTORIALS}")
    for entry in config["nav"] or []:
        if isinstance(entry, dict) and "Tutorials" in entry:
            section = entry["Tutorials"]
            landing = section if isinstance(section, str) else section[0]
            entry["Tutorials"] = [landing, *pages]
            return config
    raise PluginError('mkdocs.yml: the nav has no "Tutorials" section for the hook to fill')


@event_priority(100)  # before mkdocs-jupyter wraps the notebooks as pages
def on_files(files, config):
    """Add each tutorial notebook, with its figures attached, as ``tutorials/NN_name.ipynb``."""
    global _build_dir
    if _build_dir is not None:
        shutil.rmtree(_build_dir, ignore_errors=True)
    _build_dir = Path(tempfile.mkdtemp(prefix="minigrad-docs-"))
    atexit.register(shutil.rmtree, _build_dir, ignore_errors=True)
    (_build_dir / "tutorials").mkdir()
    for path in tutorial_notebooks():
        notebook, linked = with_figures(path)
        nbformat.write(notebook, _build_dir / "tutorials" / path.name)
        files.append(
            File(
                f"tutorials/{path.name}",
                src_dir=str(_build_dir),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
        # a markdown cell's figures/NAME.png, next to the page as next to the notebook
        folder = f"tutorials/{path.stem}" if config["use_directory_urls"] else "tutorials"
        for name in sorted(set(linked)):
            files.append(File.generated(config, f"{folder}/figures/{name}", abs_src_path=str(FIGURES / name)))
    return files


def on_page_markdown(markdown, page, config, files):
    """On the tutorials' landing page, list every tutorial with its title."""
    if LIST_MARKER not in markdown:
        return markdown
    lines = []
    for path in tutorial_notebooks():
        title = title_of(nbformat.read(path, as_version=4)) or path.stem
        lines.append(f"- [{title}]({path.name}): `tutorials/{path.stem}.py`")
    return markdown.replace(LIST_MARKER, "\n".join(lines))


def on_page_content(html, page, config, files):
    """Make a notebook's table of contents match its headings. mkdocs-jupyter builds it from its
    own Markdown conversion, which drops code: "## 6. `mg.gradcheck`" would be listed as "6."
    and link to "#6" while the heading's id is "6-mggradcheck"."""
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    headings = [
        (match.group(1), htmllib.unescape(re.sub(r"<[^>]+>", "", match.group(2).split('<a class="anchor-link"')[0])))
        for match in HEADING.finditer(html)
    ]
    items = []

    def walk(entries):
        for item in entries:
            items.append(item)
            walk(item.children)

    walk(page.toc)
    if len(items) == len(headings):
        for item, (anchor, title) in zip(items, headings, strict=True):
            item.id, item.title = anchor, title.strip()
    return html


def on_shutdown():
    """Remove the notebooks made for the build."""
    global _build_dir
    if _build_dir is not None:
        shutil.rmtree(_build_dir, ignore_errors=True)
        _build_dir = None
