"""The minigrad command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import minigrad as mg
from minigrad.cli import main

# the subprocesses run the minigrad under test, wherever it is, not another one installed
ENV = {**os.environ, "PYTHONPATH": str(Path(mg.__file__).resolve().parents[1])}


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "minigrad", *args], capture_output=True, text=True, timeout=120,
                          env=ENV, **kwargs)  # fmt: skip


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


# In this process, as the installed `minigrad` command runs: each new process costs seconds of imports, and
# `python -m minigrad compare` itself is run by the closed-pipe and no-stdout tests below.
def test_compare_end_to_end_in_a_temporary_folder(tmp_path, monkeypatch, capsys):
    # no extension: a .png is written, as matplotlib would, and the path printed is the one written
    monkeypatch.chdir(tmp_path)
    assert main(["compare", "--epochs", "3", "--quiet", "--out", "figure"]) == 0
    out = capsys.readouterr().out
    written = (tmp_path / "figure.png").resolve()
    assert written.stat().st_size > 10_000
    rows = [line.split()[0] for line in out.splitlines() if line.split()[-1:] == ["ok"]]
    assert rows == ["sgd", "adagrad", "rmsprop", "adam"]
    assert f"wrote {written} (" in out


def test_compare_other_data_and_options(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", "--dataset", "digits", "--optimizers", "momentum,adam", "--epochs", "1", "--hidden", "16",
                 "--lr", "adam=0.01", "--seeds", "2", "--quiet", "--out", "d.png"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "digits: 1437 training and 360 test samples, 10 classes; network 64-16-10" in out
    assert ["adam", "0.01"] in [line.split()[:2] for line in out.splitlines()]
    assert (tmp_path / "d.png").exists()


@pytest.mark.parametrize(
    "args, reason",
    [
        (["compare", "--optimizers", "sgd,lion"], "unknown optimizer lion; choose from sgd, momentum, adagrad"),
        (["compare", "--dataset", "mnist"], "invalid choice: 'mnist' (choose from"),
        (["compare", "--lr", "adam"], "'adam' is not NAME=VALUE"),
        (["compare", "--lr", "adadelta=1"], "--lr names adadelta, which is not among --optimizers"),
        (["compare", "--lr", "sgd=1e400"], "learning rate in 'sgd=1e400' must be a finite positive number, got inf"),
        (["compare", "--lr", "sgd=nan"], "the learning rate in 'sgd=nan' must be a finite positive number, got nan"),
        (["compare", "--lr", "sgd=0"], "the learning rate in 'sgd=0' must be a finite positive number, got 0.0"),
        (["compare", "--lr", "=0.1"], "'=0.1' names no optimizer; write NAME=VALUE, e.g. adam=0.01"),
        (["compare", "--epochs", "0"], "argument --epochs: must be a whole number >= 1, got 0"),
        (["compare", "--hidden", "64,x"], "comma-separated list of layer sizes"),
        (["compare", "--seed", "-3"], "argument --seed: must be a whole number >= 0, got -3"),
        (["compare", "--bogus"], "unrecognized arguments: --bogus"),
        (["compare", "--tune", "--budget", "0"], "argument --budget: must be a whole number >= 1, got 0"),
        (["compare", "--tune", "--budget", "six"], "argument --budget: 'six' is not a whole number"),
        (["compare", "--budget", "3"], "--budget only applies with --tune"),
        (["compare", "--target-loss", "0.1"], "--target-loss only applies with --tune"),
        (["compare", "--tune", "--target-loss", "-1"], "argument --target-loss: must be a positive number, got -1"),
        (["compare", "--tune", "--jobs", "0"], "argument --jobs: must be a whole number >= 1, got 0"),
        (["compare", "--tune", "--results", "/no/such/folder/r.json"],
         "argument --results: the folder /no/such/folder does not exist"),
        (["compare", "--tune", "--results", "/"], "argument --results: / is a folder"),
        (["compare", "--tune", "--results", "compare.png"], "compare.png is also the figure's path (--out)"),
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
        "--drop-last",
        "--out",
    ]:
        assert flag in out
    assert "adagrad 0.05" in out  # the default learning rates are listed
    assert "More jobs than cores is slower, not faster" in " ".join(out.split())
    assert "MODULE:NAME" in " ".join(out.split())  # and how to compare your own optimizer


def test_drop_last_reaches_every_run(tmp_path, monkeypatch, capsys):
    import minigrad.comparison

    results = []
    real_compare = minigrad.comparison.compare

    def spy(*args, **kwargs):
        results.append(real_compare(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(minigrad.comparison, "compare", spy)
    out = tmp_path / "f.svg"
    argv = ["compare", "--dataset", "digits", "--hidden", "8", "--optimizers", "sgd,adam", "--epochs", "1"]
    assert main([*argv, "--drop-last", "--quiet", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # 1437 training digits in batches of 32: 44 whole ones, 29 samples left out
    assert "1 epoch of batches of 32 (29 samples left out of each epoch: --drop-last)" in printed
    assert [len(run.history.loss) for runs in results[0].runs.values() for run in runs] == [44, 44]
    assert out.stat().st_size > 10_000 and f"wrote {out.resolve()} (" in printed


def read_only_folder(tmp):
    folder = tmp / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except PermissionError:
        return folder
    pytest.skip("this user may write in a read-only folder (root, with CAP_DAC_OVERRIDE)")


BAD_OUT = [
    ("missing folder", lambda tmp: tmp / "missing" / "f.png", "the folder {tmp}/missing does not exist"),
    ("a folder", lambda tmp: tmp, "{tmp} is a folder; give a file name in it, e.g. --out {tmp}/compare.png"),
    ("a folder, by its slash", lambda tmp: f"{tmp}/new/", "is a folder"),
    ("unknown format", lambda tmp: tmp / "f.xyz", "cannot write a .xyz figure ({tmp}/f.xyz); end the name with one of"),
    ("read-only folder", lambda tmp: read_only_folder(tmp) / "f.png", "cannot write {tmp}/read-only/f.png: Permission"),
]


@pytest.mark.parametrize("case, out, reason", BAD_OUT)
def test_a_bad_out_path_is_refused_before_training(case, out, reason, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--quiet", "--out", str(out(tmp_path))])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "", "nothing was trained"
    err = captured.err.strip()
    assert err.startswith("minigrad: error: argument --out: ") and len(err.splitlines()) == 1, err
    assert reason.format(tmp=tmp_path.resolve()) in err


def test_a_huge_network_is_refused_before_it_is_allocated(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--hidden", "100000000", "--quiet", "--out", str(tmp_path / "f.png")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("minigrad: error: --hidden 100000000 makes a network of 600,000,003 parameters")
    assert "use smaller layers, e.g. --hidden 64,64" in err
    assert not (tmp_path / "f.png").exists()


def test_drop_last_with_a_batch_larger_than_the_data_is_a_bad_argument(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--drop-last", "--batch-size", "1000", "--out", str(tmp_path / "f.png")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "--drop-last with --batch-size 1000 > 240 training samples leaves no batch at all" in err


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_out_refuses_an_existing_path_that_is_not_a_regular_file(capsys):
    # an extensionless /dev/null used to become /dev/null.png
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--quiet", "--out", "/dev/null"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "", "refused before training"
    assert captured.err.strip() == (
        "minigrad: error: argument --out: /dev/null exists and is not a regular file; give a file name for the "
        "figure, e.g. compare.png (see minigrad compare --help)"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "--epochs", "0"],
        ["compare", "--optimizers", "lion"],
        ["compare", "--lr", "adam"],
        ["compare", "--tnue"],  # a mistyped option of a command: that command's help has the right one
        ["compare", "--tune", "extra"],
        ["race", "--bogus"],
        ["--bogus"],
        ["--bogus", "compare"],
    ],
)
def test_every_error_has_the_same_prefix_and_points_to_the_right_help(args, capsys):
    with pytest.raises(SystemExit):
        main(args)
    err = capsys.readouterr().err.strip()
    assert err.startswith("minigrad: error: "), err
    assert err.endswith(f"(see minigrad {args[0]} --help)" if args[0] in ("compare", "race") else
                        "(see minigrad --help)"), err  # fmt: skip


def test_a_diverging_run_leaks_no_numpy_warning_and_keeps_the_table_aligned(tmp_path):
    result = run("compare", "--lr", "sgd=1e6", "--optimizers", "sgd", "--epochs", "3", "--quiet",
                 "--out", str(tmp_path / "f.png"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("optimizer"))
    row = next(line for line in lines if line.startswith("sgd "))
    assert row.split()[-1] == "diverged"
    # every value ends under the end of its column title
    for title in ("lr", "training loss", "test accuracy", "time (s)"):
        end = header.index(title) + len(title)
        assert row[end - 1] != " " and row[end] == " ", (title, header, row)


LEARNER_MODULE = '''
import numpy as np
from minigrad import optim


class MyOptimizer(optim.Optimizer):
    """Plain SGD, written from the optimizer base."""

    defaults = {"lr": 0.5}

    def update(self, p, g, state, group):
        p.data -= group["lr"] * g


def heavy_ball(params, lr=0.03):
    return optim.SGD(params, lr=lr, momentum=0.9)


def no_lr(params):
    return optim.SGD(params, lr=0.1)


def returns_a_name(params):
    return "adam"


def raises_key_error(params):
    return {}["lr"]


NUMBER = 3
'''


def test_compare_takes_a_learners_optimizer_from_a_module_in_the_working_folder(tmp_path):
    (tmp_path / "learner_opt.py").write_text(LEARNER_MODULE)
    result = run("compare", "--dataset", "moons", "--optimizers", "sgd,learner_opt:MyOptimizer,learner_opt:heavy_ball",
                 "--lr", "myoptimizer=0.1", "--epochs", "3", "--quiet", "--out", "f.png", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.split()[-1:] == ["ok"]}
    assert list(rows) == ["sgd", "MyOptimizer", "heavy_ball"]
    # the learner's SGD at sgd's lr (given by --lr, in any case) trains exactly as sgd: same loss, same accuracy
    assert rows["MyOptimizer"][1:4] == rows["sgd"][1:4] and rows["sgd"][1] == "0.1"
    assert rows["heavy_ball"][1] == "0.03"  # a function's own default lr
    assert (tmp_path / "f.png").stat().st_size > 10_000


@pytest.fixture
def learner_folder(tmp_path, monkeypatch):
    """A working folder holding the learner's modules; the imports are undone afterwards."""
    (tmp_path / "learner_errors.py").write_text(LEARNER_MODULE)
    (tmp_path / "learner_broken.py").write_text("import no_such_dependency\n")
    (tmp_path / "learner_syntax.py").write_text("def f(:\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [path for path in sys.path if path not in ("", os.getcwd())])
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if "learner_" in name:  # a file import may be registered as _minigrad_file_learner_...
            del sys.modules[name]


def test_a_learners_optimizer_from_a_file_or_a_module_found_in_the_working_folder(learner_folder, capsys):
    # the working folder is not on sys.path (as for the installed `minigrad` command): it is put there
    argv = ["compare", "--dataset", "moons", "--epochs", "1", "--quiet", "--out", "f.png"]
    assert main([*argv, "--optimizers", "sgd,learner_errors:MyOptimizer"]) == 0
    assert main([*argv, "--optimizers", "./learner_errors.py:heavy_ball", "--lr", "heavy_ball=0.01"]) == 0
    names = {"sgd", "MyOptimizer", "heavy_ball"}  # a table row (1 epoch at lr 0.01 may learn nothing yet)
    tables = [run.split("effective lr (factor")[0] for run in capsys.readouterr().out.split("\nwrote ")]
    rows = [line.split()[:2] for table in tables for line in table.splitlines() if set(line.split()[:1]) & names]
    assert rows == [["sgd", "0.1"], ["MyOptimizer", "0.5"], ["heavy_ball", "0.01"]]


def test_a_learners_file_can_import_the_modules_beside_it(learner_folder, capsys):
    (learner_folder / "sub").mkdir()
    (learner_folder / "sub" / "learner_helper.py").write_text("SCALE = 0.5\n")
    (learner_folder / "sub" / "learner_sign.py").write_text(
        "from learner_helper import SCALE\n"
        "from minigrad import optim\n\n\n"
        "class SignOpt(optim.Optimizer):\n"
        "    defaults = {'lr': 0.01}\n\n"
        "    def update(self, p, g, state, group):\n"
        "        p.data -= SCALE * group['lr'] * (g > 0)\n"
    )  # fmt: skip
    argv = ["compare", "--dataset", "moons", "--epochs", "1", "--quiet", "--out", "f.png"]
    assert main([*argv, "--optimizers", "sub/learner_sign.py:SignOpt"]) == 0, capsys.readouterr().err
    assert [line.split()[:2] for line in capsys.readouterr().out.splitlines() if line.startswith("SignOpt")][0] == [
        "SignOpt", "0.01"
    ]  # fmt: skip


def test_an_exception_in_a_tuning_trial_is_printed_like_a_final_runs(learner_folder, capsys):
    (learner_folder / "learner_later.py").write_text(
        "from minigrad import optim\n\n\n"
        "class Later(optim.Optimizer):\n"
        "    defaults = {'lr': 0.1}\n\n"
        "    def update(self, p, g, state, group):\n"
        "        state['step'] = state.get('step', 0) + 1\n"
        "        if group['lr'] > 0.2 and state['step'] > 4:\n"
        "            raise RuntimeError('boom later')\n"
        "        p.data -= group['lr'] * g\n"
    )  # fmt: skip
    argv = ["compare", "--dataset", "moons", "--epochs", "1", "--quiet", "--out", "f.png", "--tune", "--budget", "3",
            "--seeds", "1", "--jobs", "1", "--optimizers", "learner_later:Later"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "\nLater (trial at lr 0.316): RuntimeError: boom later (in the optimizer step of step 5" in out, out


@pytest.mark.parametrize(
    "optimizers, more, reason",
    [
        ("sgd,no_such_learner:X", [],
         "cannot import no_such_learner:X: no module named no_such_learner in the current folder ({folder}) "
         "or on the Python path"),
        ("sgd,learner_errors:Missing", [],
         "cannot import learner_errors:Missing: learner_errors has no Missing; it defines the optimizer class(es) "
         "MyOptimizer"),
        ("learner_errors:NUMBER", [],
         "learner_errors:NUMBER is 3, not an optimizer class or a function that takes the parameters and returns "
         "an optimizer"),
        ("learner_errors:returns_a_name", [],
         "optimizer 'returns_a_name': learner_errors.returns_a_name(params) returned 'adam', which is not an "
         "optimizer (it lacks zero_grad(), step(), effective_lr(), param_groups)"),
        ("learner_errors:raises_key_error", [], "optimizer 'raises_key_error' could not be built: KeyError: 'lr'"),
        ("learner_errors:no_lr", ["--lr", "no_lr=0.1"],
         "optimizer 'no_lr' could not be built: learner_errors.no_lr(params, lr=0.1) raised: no_lr() got an "
         "unexpected keyword argument 'lr'"),
        ("learner_errors:MyOptimizer", ["--lr", "learner_errors=0.1"],
         "--lr names learner_errors, which is not among --optimizers MyOptimizer"),
        ("learner_broken:X", [],
         "cannot import learner_broken:X: importing learner_broken raised ModuleNotFoundError: No module named "
         "'no_such_dependency'"),
        ("learner_syntax:X", [], "cannot import learner_syntax:X: importing learner_syntax raised SyntaxError: "),
        ("sgd,missing.py:X", [], "cannot import missing.py:X: there is no file {folder}/missing.py"),
        ("sgd,:X", [], "':X' is not MODULE:NAME, e.g. mymodule:MyOptimizer"),
        ("learner_errors:MyOptimizer,learner_errors.py:MyOptimizer", [],
         "--optimizers names MyOptimizer twice; each optimizer may appear once"),
    ],
)  # fmt: skip
def test_a_learners_optimizer_that_cannot_be_used_is_a_bad_argument(learner_folder, optimizers, more, reason, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--optimizers", optimizers, *more, "--epochs", "1", "--out", "f.png"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"minigrad: error: {reason.format(folder=learner_folder.resolve())}"), err
    assert len(err.strip().splitlines()) == 1 and err.strip().endswith("(see minigrad compare --help)"), err
    assert not (learner_folder / "f.png").exists()


LEARNER_STEP_BUGS = """from minigrad import optim


class NoLr(optim.Optimizer):
    defaults = {"beta": 0.5}

    def update(self, p, g, state, group):
        p.data -= group["lr"] * g


class ShapeBug(optim.Optimizer):
    defaults = {"lr": 0.1}

    def update(self, p, g, state, group):
        p.data -= group["lr"] * (g.T @ g)
"""


@pytest.mark.parametrize(
    "more, reason",
    [
        (["--optimizers", "sgd,learner_step:NoLr"], "optimizer 'NoLr' failed in step 1 on spirals with KeyError: 'lr' "
         "(learner_step.py line 8; raised in its first step: nothing was run)"),
        (["--optimizers", "learner_step:ShapeBug,adam", "--dataset", "moons"],
         "optimizer 'ShapeBug' failed in step 1 on moons with ValueError: operands could not be broadcast together "
         "with shapes (64,2) (2,2) (64,2) (learner_step.py line 15; raised in its first step: nothing was run)"),
        (["--optimizers", "learner_step:ShapeBug", "--tune", "--budget", "2", "--seeds", "1", "--jobs", "1"],
         "optimizer 'ShapeBug' failed in step 1 on spirals with ValueError: operands could not be broadcast together "
         "with shapes (64,2) (2,2) (64,2) (learner_step.py line 15; raised in its first step: nothing was run)"),
        (["--optimizers", "learner_step:ShapeBug", "--problem", "logistic_digits"],
         "optimizer 'ShapeBug' failed in step 1 on logistic_digits with ValueError: operands could not be broadcast "
         "together with shapes (10,64) (64,64) (10,64) (learner_step.py line 15; raised in its first step: nothing "
         "was run)"),
        (["--optimizers", "learner_step:NoLr", "--problem", "rosenbrock"], "optimizer 'NoLr' failed in step 1 on "
         "rosenbrock with KeyError: 'lr' (learner_step.py line 8; raised in its first step: nothing was run)"),
    ],
)  # fmt: skip
def test_a_learners_optimizer_failing_in_its_first_step_is_one_line_with_where_and_exit_1(learner_folder, more,
                                                                                         reason, capsys):  # fmt: skip
    (learner_folder / "learner_step.py").write_text(LEARNER_STEP_BUGS)
    data = [] if "rosenbrock" in more else ["--epochs", "2", "--results", "r.json"]
    assert main(["compare", *more, *data, "--quiet", "--out", "f.png"]) == 1
    err = capsys.readouterr().err
    assert err == f"minigrad: error: {reason}\n"
    assert not (learner_folder / "f.png").exists() and not (learner_folder / "r.json").exists()


def test_where_a_learners_error_was_raised_is_its_file_and_line_wherever_it_is(tmp_path, monkeypatch):
    import importlib.util

    from minigrad.cli import _raised_at

    def load(path: Path, text: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    library = load(tmp_path / "venv" / "site-packages" / "learner_lib.py", "def check(x):\n    raise ValueError(x)\n")
    text = "import numpy as np\n\n\ndef f():\n    np.ones(2).reshape(3)\n\n\ndef g(check):\n    check('no')\n"
    learner = load(tmp_path / "sub" / "learner_where.py", text)
    with pytest.raises(ValueError) as error:  # raised by numpy, in its own frame: the learner's line is the one shown
        learner.f()
    monkeypatch.chdir(tmp_path)
    assert _raised_at(error.value) == f"{Path('sub', 'learner_where.py')} line 5"
    monkeypatch.chdir(tmp_path / "sub")
    assert _raised_at(error.value) == "learner_where.py line 5"
    monkeypatch.chdir(Path(mg.__file__).parent)  # elsewhere: its whole path
    assert _raised_at(error.value) == f"{(tmp_path / 'sub' / 'learner_where.py').resolve()} line 5"
    with pytest.raises(ValueError) as error:  # raised in an installed library's code: where the learner called it
        learner.g(library.check)
    assert _raised_at(error.value) == f"{(tmp_path / 'sub' / 'learner_where.py').resolve()} line 9"
    assert _raised_at(ValueError("never raised")) is None


def test_compare_tune_writes_the_table_json_and_figure(tmp_path):
    import json

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "learner_opt.py").write_text(LEARNER_MODULE)
    # with --jobs 2 the learner's class, from a file the workers could not import, has to reach them
    result = run("compare", "--tune", "--budget", "2", "--seeds", "2", "--epochs", "2", "--hidden", "8", "--quiet",
                 "--optimizers", "sgd,elsewhere/learner_opt.py:MyOptimizer", "--jobs", "2", "--results", "r.json",
                 "--out", "f.png", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"wrote {tmp_path.resolve() / 'r.json'}" in result.stdout
    assert (tmp_path / "f.png").stat().st_size > 10_000
    assert "tuning: 2 learning rates per optimizer" in result.stdout
    header = next(line for line in result.stdout.splitlines() if line.startswith("optimizer"))
    for title in ("chosen lr", "training loss", "test accuracy", "steps to target", "time (s)", "status"):
        assert title in header
    assert "95% bootstrap interval of the median" in result.stdout
    written = json.loads((tmp_path / "r.json").read_text())
    assert (written["dataset"], written["budget"], written["seeds"], written["epochs"]) == ("spirals", 2, [0, 1], 2)
    assert list(written["optimizers"]) == ["sgd", "MyOptimizer"]
    mine = written["optimizers"]["MyOptimizer"]
    assert [trial["lr"] for trial in mine["trials"]] == pytest.approx([0.5 / 10**0.5, 0.5])
    assert [run["seed"] for run in mine["runs"]] == [0, 1]
    sgd = written["optimizers"]["sgd"]
    assert sgd["chosen"]["lr"] in [trial["lr"] for trial in sgd["trials"]]


def test_the_rates_printout_sets_each_factor_beside_the_step_it_gave(capsys):
    from minigrad import data, nn
    from minigrad.cli import _print_rates

    X, y = data.make_spirals(60, n_classes=3, noise=0.2, seed=0)

    def network():
        return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))

    result = mg.compare(network, X, y, optimizers=["sgd", "adagrad"], epochs=3, batch_size=20, verbose=False)
    _print_rates(result)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("effective lr (factor: what the update direction was multiplied by) and update size")
    rows = {line.split()[0]: line.split() for line in lines[3:]}
    for name, history in result.items():
        rates, sizes = history.effective_lr, history.update_size
        expected = [rates[0].median, sizes[0].median, rates[-1].median, sizes[-1].median]
        assert rows[name][1:5] == [f"{value:.3g}" for value in expected]
    assert rows["sgd"][1] == rows["sgd"][3] == "0.1" and len(rows["sgd"]) == 5  # no guide for SGD
    # AdaGrad's last rate against c / sqrt(t) through its median at step round(sqrt(9)) = 3 of 9
    median = [rate.median for rate in result["adagrad"].effective_lr]
    assert len(median) == 9
    ratio = median[-1] / (median[2] * 3**0.5 / 9**0.5)
    assert " ".join(rows["adagrad"][5:]) == f"its rate ends {ratio:.2f}x the c/sqrt(t) guide through step 3"


@pytest.mark.parametrize(
    "args, written",
    [
        (["compare", "--optimizers", "sgd", "--epochs", "1", "--out", "f.png", "--results", "r.json"],
         ["f.png", "r.json"]),
        (["compare", "--problem", "rosenbrock", "--optimizers", "sgd", "--steps", "20", "--out", "f.png"], ["f.png"]),
        (["race", "--optimizers", "sgd", "--frames", "2", "--steps", "10", "--dpi", "20", "--out", "r.gif"],
         ["r.gif"]),
    ],
)
def test_a_reader_closing_the_pipe_early_does_not_stop_the_job(args, written, tmp_path):
    # `minigrad compare | head -1`; unbuffered, so that each line reaches the pipe when it is printed
    command = subprocess.Popen([sys.executable, "-m", "minigrad", *args], cwd=tmp_path, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**ENV, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    assert command.stdout.readline().split()[0] in ("spirals:", "problem", "race")
    command.stdout.close()  # long before the job prints its table
    err = command.stderr.read()
    assert command.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "Broken pipe" not in err and "BrokenPipeError" not in err, err
    for name in written:
        assert (tmp_path / name).stat().st_size > 0


@pytest.mark.skipif(os.name != "posix", reason="closes the child's file descriptor 1 before it starts")
def test_a_command_without_any_stdout_still_writes_its_figure(tmp_path):
    # `minigrad compare >&-`: Python starts with sys.stdout None, and print() drops what it is given
    result = subprocess.run([sys.executable, "-m", "minigrad", "compare", "--optimizers", "sgd", "--epochs", "1",
                             "--quiet", "--out", "f.png"],
                            stderr=subprocess.PIPE, text=True, timeout=120, env=ENV, cwd=tmp_path,
                            preexec_fn=lambda: os.close(1))  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (tmp_path / "f.png").stat().st_size > 0


def test_ctrl_c_while_tuning_still_draws_the_trials_that_had_finished(tmp_path, monkeypatch, capsys):
    import signal

    from minigrad import nn

    calls, forward = [], nn.CrossEntropyLoss.forward

    def counting(self, input, target):
        calls.append(1)
        if len(calls) == 2 * 14 + 3:  # sgd's two trials: 2 epochs x (6 steps + 1 validation) each; then adam's first
            signal.raise_signal(signal.SIGINT)
        return forward(self, input, target)

    monkeypatch.setattr(nn.CrossEntropyLoss, "forward", counting)
    out = tmp_path / "tuned.png"
    code = main(["compare", "--tune", "--optimizers", "sgd,adam", "--epochs", "2", "--budget", "2", "--seeds", "1",
                 "--jobs", "1", "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 130 and out.exists() and f"wrote {out}" in printed
    assert "an lr was chosen for sgd, whose trials had all finished" in printed
