"""The minigrad command."""

import subprocess
import sys

import minigrad as mg
from minigrad.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "minigrad", *args], capture_output=True, text=True, timeout=60)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"minigrad {mg.__version__}"


def test_no_command_prints_version_and_help(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"minigrad {mg.__version__}") and "usage: minigrad" in out


def test_unknown_flag_exits_2_with_a_reason():
    result = run("--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr
