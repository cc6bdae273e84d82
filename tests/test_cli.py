"""The minigrad command."""

import subprocess
import sys

import pytest

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
    assert result.stderr.strip() == "minigrad: error: unrecognized arguments: --bogus (see minigrad --help)"


def test_compare_end_to_end_in_a_temporary_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "minigrad", "compare", "--epochs", "3", "--quiet", "--out", "figure.png"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "figure.png").stat().st_size > 10_000
    rows = [line.split()[0] for line in result.stdout.splitlines() if line.split()[-1:] == ["ok"]]
    assert rows == ["sgd", "adagrad", "rmsprop", "adam"]
    assert "wrote figure.png" in result.stdout


def test_compare_other_data_and_options(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "minigrad", "compare", "--dataset", "digits", "--optimizers", "momentum,adam",
         "--epochs", "1", "--hidden", "16", "--lr", "adam=0.01", "--seeds", "2", "--quiet", "--out", "d.png"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "digits: 1437 training and 360 test samples, 10 classes; network 64-16-10" in result.stdout
    assert ["adam", "0.01"] in [line.split()[:2] for line in result.stdout.splitlines()]
    assert (tmp_path / "d.png").exists()


@pytest.mark.parametrize(
    "args, reason",
    [
        (["compare", "--optimizers", "sgd,lion"], "unknown optimizer lion; choose from sgd, momentum, adagrad"),
        (["compare", "--dataset", "mnist"], "invalid choice: 'mnist' (choose from"),
        (["compare", "--lr", "adam"], "'adam' is not NAME=VALUE"),
        (["compare", "--lr", "adadelta=1"], "--lr names adadelta, which is not among --optimizers"),
        (["compare", "--epochs", "0"], "argument --epochs: must be a whole number >= 1, got 0"),
        (["compare", "--hidden", "64,x"], "comma-separated list of layer sizes"),
        (["compare", "--seed", "-3"], "argument --seed: must be a whole number >= 0, got -3"),
        (["compare", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_a_one_line_reason(args, reason, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert reason in err and len(err.strip().splitlines()) == 1, err


def test_compare_help_explains_every_flag(capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    for flag in [
        "--dataset",
        "--optimizers",
        "--epochs",
        "--batch-size",
        "--lr",
        "--hidden",
        "--seed",
        "--seeds",
        "--out",
    ]:
        assert flag in out
    assert "adagrad 0.05" in out  # the default learning rates are listed
