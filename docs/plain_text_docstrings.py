"""A griffe extension (mkdocs.yml, mkdocstrings' ``extensions``) for minigrad's plain-text docstrings.

minigrad's docstrings are written to be read with ``help()``: update rules as indented blocks
(Markdown shows them as code), tables of defaults as aligned columns, lists right under the
sentence that introduces them. Markdown would run the last two into a paragraph, so for the
site only (the source is unchanged) this turns

- a paragraph of two or more unindented lines that all split into the same number (three or
  more) of columns separated by two or more spaces into a Markdown table, its first line the
  header;
- a ``- item`` line that directly follows a line of text into a list, by putting a blank line
  before it.
"""

from __future__ import annotations

import re

from griffe import Extension

COLUMNS = re.compile(r"\s{2,}")


def _cells(line: str) -> list[str]:
    return COLUMNS.split(line.strip())


def _as_table(paragraph: list[str]) -> list[str] | None:
    if len(paragraph) < 2 or any(not line or line[0].isspace() for line in paragraph):
        return None
    rows = [_cells(line) for line in paragraph]
    width = len(rows[0])
    if width < 3 or any(len(row) != width for row in rows):
        return None
    escape = lambda cell: cell.replace("|", "\\|")
    lines = ["| " + " | ".join(escape(c) for c in rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows[1:]]
    return lines


def markdown_of(text: str) -> str:
    """The docstring ``text`` with its aligned tables and its lists made Markdown."""
    out: list[str] = []
    paragraph: list[str] = []

    def flush():
        out.extend(_as_table(paragraph) or paragraph)
        paragraph.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
            out.append(line)
            continue
        follows_text = paragraph and not paragraph[-1].startswith("- ") and not paragraph[-1][0].isspace()
        if line.startswith("- ") and follows_text:
            flush()
            out.append("")
        paragraph.append(line)
    flush()
    return "\n".join(out)


class PlainTextDocstrings(Extension):
    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = markdown_of(obj.docstring.value)
