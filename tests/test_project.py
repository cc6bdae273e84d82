"""The README's promises hold: CI runs exactly the test command a newcomer is told to run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_verbatim():
    test_commands = [c for c in readme_commands() if "pytest" in c]
    assert len(test_commands) == 1, test_commands
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_commands[0] in ci_lines


def test_self_contained_readme_examples_run(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    blocks = [block for block in blocks if block.startswith("import minigrad as mg")]
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)  # they write figures
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "comparison.png").exists()
