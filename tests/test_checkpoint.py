"""mg.save / mg.load: round trips, refusing pickles, one error for every bad file, and
atomic writes that clean up after themselves."""

import errno
import io
import json
import os
import pickle
import re
import stat
import subprocess
import sys
import threading
import zipfile
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import checkpoint

POSIX = os.name == "posix"
ROOT = POSIX and os.geteuid() == 0  # root may read and write anything: permission tests need another user


def saving(path) -> str:
    """The start of save's error message for ``path``, as a regex."""
    return f"cannot save to '{re.escape(str(path))}': "


def loading(path) -> str:
    return f"cannot load '{re.escape(str(path))}': "


def test_round_trip_keeps_names_values_and_dtypes(tmp_path):
    state = {
        "fc1.weight": mg.Tensor(np.arange(6, dtype=np.float32).reshape(2, 3)),
        "fc1.bias": np.array([1.5, -2.5]),
        "step": 7,
        "file": np.ones(1),  # a name np.savez could not take
    }
    path = tmp_path / "model.npz"
    mg.save(state, path)
    loaded = mg.load(path)
    assert list(loaded) == list(state)
    np.testing.assert_array_equal(loaded["fc1.weight"], state["fc1.weight"].data)
    assert loaded["fc1.weight"].dtype == np.float32
    np.testing.assert_array_equal(loaded["fc1.bias"], [1.5, -2.5])
    assert loaded["step"] == 7


STORABLE = {
    "float16": np.ones(2, np.float16),
    "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "big_endian": np.arange(4, dtype=">f8"),
    "empty": np.zeros((0, 3)),
    "scalar": np.int64(-7),
    "bool": np.array([True, False]),
    "uint8": np.arange(3, dtype=np.uint8),
    "complex": np.array([1 + 2j]),
    "text": np.array(["adam", "sgd"]),
    "bytes": np.array([b"ab"]),
    "strided": np.arange(12.0)[::3],
    "name with spaces, dots. and ünïcode": np.ones(1),
}


def test_round_trip_of_every_storable_kind_matches_np_load(tmp_path):
    path = tmp_path / "kinds.npz"
    mg.save(STORABLE, path)
    loaded = mg.load(path)
    with np.load(path) as reference:
        assert list(loaded) == list(reference.files) == list(STORABLE)
        for name in STORABLE:
            assert loaded[name].dtype == reference[name].dtype, name
            assert loaded[name].shape == reference[name].shape, name
            np.testing.assert_array_equal(loaded[name], reference[name])
            assert loaded[name].flags.writeable, name
    assert loaded["fortran"].flags.f_contiguous


def test_files_written_by_np_savez_and_savez_compressed_load(tmp_path):
    numeric = {k: v for k, v in STORABLE.items() if " " not in k}
    for writer in (np.savez, np.savez_compressed):
        path = tmp_path / f"{writer.__name__}.npz"
        writer(path, **numeric)
        loaded = mg.load(path)
        assert list(loaded) == list(numeric)
        for name, array in numeric.items():
            np.testing.assert_array_equal(loaded[name], array)


UNPICKLING = "because reading those back means unpickling, which can run any code; save their numbers instead"


@pytest.mark.parametrize(
    ("state", "error", "message"),
    [
        ({"bad": np.array([{"a": 1}], dtype=object)}, TypeError, r"\['bad'\] holds Python objects \(of type dict\)"),
        ({"f": {"fn": len}}, TypeError, r"\['f'\]\['fn'\] holds an object of type builtin_function_or_method"),
        ({"when": np.array(["2024-01-01"], dtype="datetime64[D]")}, TypeError, r"holds datetime64\[D\] values"),
        ({"tag": "end\x00"}, ValueError, r"\['tag'\] holds text that ends in a NUL character.*text.encode"),
        ({"tags": ("a", "b\x00")}, ValueError, r"\['tags'\]\[1\] holds text that ends in a NUL character"),
        ({"dtype": mg.float32}, TypeError, r"\['dtype'\] holds a dtype.*save str\(dtype\) \(e.g. 'float32'\) instead"),
        ({"dtype": np.dtype("int64")}, TypeError, r"\['dtype'\] holds a dtype.*save str\(dtype\)"),
        ({"dtypes": [np.float64]}, TypeError, r"\['dtypes'\]\[0\] holds a dtype.*save str\(dtype\)"),
        ({1: np.ones(1)}, TypeError, "keys must be strings"),
        ([np.ones(1)], TypeError, "dict of name -> array"),
    ],
)
def test_what_cannot_be_saved_is_refused_saying_why(tmp_path, state, error, message):
    with pytest.raises(error, match=message) as info:
        mg.save(state, tmp_path / "x.npz")
    if error is TypeError and " holds " in message and "dtype" not in message:
        assert UNPICKLING in str(info.value)
    assert os.listdir(tmp_path) == [], "nothing was written"


def test_nested_dicts_and_lists_are_stored_under_joined_names(tmp_path):
    state = {"state": {0: {"step": 3, "exp_avg": np.ones(2)}}, "param_groups": [{"lr": 0.1, "betas": (0.9, 0.99)}]}
    mg.save(state, tmp_path / "opt.npz")
    with np.load(tmp_path / "opt.npz") as plain:
        assert sorted(plain.files) == [
            "minigrad-layout.json",
            "param_groups/0/betas",
            "param_groups/0/lr",
            "state/0/exp_avg",
            "state/0/step",
        ]
    loaded = mg.load(tmp_path / "opt.npz")
    assert list(loaded) == ["state", "param_groups"]
    assert loaded["param_groups/0/betas"] == (0.9, 0.99) and loaded["state/0/step"] == 3
    assert "state/0/exp_avg" in loaded and "state/1" not in loaded and "state/0/exp_avg/x" not in loaded
    assert loaded.get("param_groups/0/lr") == 0.1 and loaded.get("param_groups/1/lr", "none") == "none"


def test_a_dict_of_arrays_is_a_plain_npz_file(tmp_path):
    """A state_dict() makes the file np.load (and PyTorch, through it) reads as it is."""
    state = {"fc.weight": mg.ones(2, 3), "fc.bias": np.zeros(2), "step": np.int64(4)}
    mg.save(state, tmp_path / "model.npz")
    with np.load(tmp_path / "model.npz") as plain:
        assert plain.files == list(state)
    loaded = mg.load(tmp_path / "model.npz")
    assert type(loaded) is checkpoint.Checkpoint and list(loaded) == list(state)
    assert all(type(value) is np.ndarray for value in loaded.values())


def assert_same(loaded, saved, where="checkpoint"):
    """``loaded`` is ``saved`` as PyTorch gives it back: the same nesting, types and values
    (a Tensor as its array)."""
    saved = saved.data if isinstance(saved, mg.Tensor) else saved
    if isinstance(saved, dict):
        assert isinstance(loaded, dict), where
        assert list(loaded) == list(saved), where
        for key in saved:
            assert_same(loaded[key], saved[key], f"{where}[{key!r}]")
    elif isinstance(saved, (list, tuple)):
        assert type(loaded) is type(saved) and len(loaded) == len(saved), where
        for i, (a, b) in enumerate(zip(loaded, saved, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(saved, np.ndarray):
        assert type(loaded) is np.ndarray and loaded.dtype == saved.dtype, where
        np.testing.assert_array_equal(loaded, saved, err_msg=where)
    else:
        assert type(loaded) is type(saved) and loaded == saved, where


NESTED = {
    "epoch": 3,
    "loss": 0.25,
    "done": False,
    "z": 1 - 2j,
    "name": "adam",
    "raw": b"\x00ab\x00",  # numpy's byte strings would drop the last byte
    "nothing": None,
    "big": -(2**127) + 1,
    "X": [[1, 2], [3, 4]],
    "betas": (0.9, 0.999),
    "pairs": ((1, 2), (3, 4)),
    "list_of_pairs": [(1, 2), (3, 4)],
    "empty": [],
    "no_state": {},
    "weights": [np.ones(2, np.float32), mg.zeros(3)],
    "runs": {"a/b": np.arange(3), 0: {"groups": [{"lr": 0.1, "params": [0, 1]}], "tags": ("x", "yz")}, "0": ()},
}


def test_a_nested_dict_comes_back_as_it_was_saved(tmp_path):
    mg.save(NESTED, tmp_path / "nested.npz")
    loaded = mg.load(tmp_path / "nested.npz")
    assert_same(loaded, NESTED)
    assert type(loaded) is type(loaded["runs"]) is type(loaded["runs"][0]["groups"][0]) is checkpoint.Checkpoint
    assert len(loaded) == len(NESTED) and dict(loaded.items()).keys() == NESTED.keys()
    assert loaded.get("nothing", 1) is None and loaded.get("absent") is None and "nothing" in loaded
    with np.load(tmp_path / "nested.npz") as plain:  # a list of numbers is one array; an int beyond int64, its digits
        assert plain["X"].shape == plain["pairs"].shape == (2, 2) and plain["X"].dtype == np.int64
        assert plain["big"] == str(-(2**127) + 1)
    mg.save(loaded, tmp_path / "again.npz")  # a Checkpoint saves as the dict it is
    assert_same(mg.load(tmp_path / "again.npz"), NESTED)


def test_names_joined_with_slashes_reach_inside(tmp_path):
    mg.save(NESTED, tmp_path / "nested.npz")
    loaded = mg.load(tmp_path / "nested.npz")
    np.testing.assert_array_equal(loaded["runs/a/b"], [0, 1, 2])  # a key that holds '/' itself
    assert loaded["runs/0/groups/0/lr"] == 0.1 and loaded["runs"]["0/groups/0/params"] == [0, 1]
    assert loaded["runs/0"] == () and loaded["runs/0/tags"] == ("x", "yz")  # the key "0", then the key 0
    assert loaded["weights/1"].shape == (3,) and loaded["X/1"] == [3, 4]
    for absent in ["runs/1", "weights/2", "weights/-1", "X/2", "runs/a", "epoch/0"]:
        assert absent not in loaded and loaded.get(absent, "no") == "no", absent
    with pytest.raises(KeyError, match=r"runs/1 is not in this checkpoint, which holds: epoch, loss, done, .*, \.\.\."):
        loaded["runs/1"]


SEQUENCES = {
    "pair": (3, 0.5),
    "flags": [1, True],
    "option": ("adam", 0.01),
    "ragged": [[1.0], [2.0, 3.0]],
    "seeds": [2**70, 1],
    "wide": [2**63, -1],  # numpy would make these floats
    "numbers": [1, 2.5],
    "text": ("a", b"b\x00"),
    "numpy": [np.float32(1.5)],
    "square": [[1.5, 2.0], [3.0, 4.0]],
    "unsigned": [2**64 - 1, 2**63],  # uint64 gives them back exactly ([2**64 - 1, 0]: floats, item by item)
    "truths": ((True,), (False,)),
    "words": ["x", "yz"],
    "empties": [[], []],
}


def test_lists_and_tuples_come_back_exactly_item_by_item_when_one_array_would_not(tmp_path):
    mg.save(SEQUENCES, tmp_path / "s.npz")
    loaded = mg.load(tmp_path / "s.npz")
    for name in ("pair", "flags", "option", "ragged", "seeds", "wide", "numbers", "text"):
        assert_same(loaded[name], SEQUENCES[name], name)
    np.testing.assert_array_equal(loaded["numpy"][0], np.float32(1.5))  # as a lone numpy scalar: a 0-d array
    arrays = ("square", "unsigned", "truths", "words", "empties")
    for name in arrays:
        assert_same(loaded[name], SEQUENCES[name], name)
    with np.load(tmp_path / "s.npz") as plain:
        assert [name for name in SEQUENCES if name in plain.files] == list(arrays)  # the others: item by item
        assert "ragged/1" in plain.files and "pair/1" in plain.files and plain["unsigned"].dtype == np.uint64


def test_a_dict_or_list_that_holds_itself_is_refused_naming_where(tmp_path):
    looped = {"epoch": 1}
    looped["self"] = looped
    with pytest.raises(ValueError, match=r"^save: \['self'\] is the dict that holds it \(it holds itself\)"):
        mg.save(looped, tmp_path / "c.npz")
    chain = [1.0]
    chain.append({"back": [chain]})
    with pytest.raises(ValueError, match=r"^save: \['run'\]\[1\]\['back'\]\[0\] is the list that holds it"):
        mg.save({"run": chain}, tmp_path / "c.npz")
    shared = [1.0, 2.0]
    mg.save({"a": shared, "b": {"c": shared}}, tmp_path / "c.npz")  # held twice, but not by itself
    assert mg.load(tmp_path / "c.npz")["b"]["c"] == shared
    assert os.listdir(tmp_path) == ["c.npz"]


# --------------------------------------------------------------------------- save: names
@pytest.mark.parametrize(
    "state",
    [
        {"a/b": 1.0, "a": {"b": 2.0}},
        {"a": {"b": 2.0}, "a/b": 1.0},
        {"state": {0: np.ones(1), "0": np.zeros(1)}},
        {"groups": [{"lr": 0.1}], "groups/0/lr": 0.2},
    ],
)
def test_keys_that_would_collide_after_flattening_are_refused(tmp_path, state):
    with pytest.raises(ValueError, match=r"would both be stored as '.*'.*rename one"):
        mg.save(state, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("state", "error", "message"),
    [
        ({"a\x00b": 1.0}, ValueError, "NUL character"),
        ({"fc1\\weight": 1.0}, ValueError, "backslash"),
        ({"bad\udc80": 1.0}, ValueError, "not valid Unicode"),
        ({"x" * 70000: 1.0}, ValueError, "at most 65,535 bytes"),
        ({"state": {1.5: np.ones(1)}}, TypeError, r"the key 1.5 in \['state'\] must be a string or an int"),
        ({"state": {True: np.ones(1)}}, TypeError, "must be a string or an int"),
    ],
)
def test_keys_that_cannot_be_stored_are_refused(tmp_path, state, error, message):
    with pytest.raises(error, match=message):
        mg.save(state, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- save: atomic writes
def test_a_save_that_fails_midway_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    mg.save({"w": np.zeros(3)}, path)

    real_write = np.lib.format.write_array
    written = []

    def write_then_crash(member, array, **kwargs):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(True)
        real_write(member, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)
    with pytest.raises(mg.CheckpointError, match=saving(path) + "writing failed.*No space left") as info:
        mg.save({"w": np.ones(3), "b": np.ones(2)}, path)
    assert info.value.errno == errno.ENOSPC
    assert isinstance(info.value.__cause__, OSError)

    np.testing.assert_array_equal(mg.load(path)["w"], np.zeros(3))
    assert os.listdir(tmp_path) == ["model.npz"], "the temporary file was removed"


@pytest.mark.parametrize("exception", [ValueError("cannot convert"), KeyboardInterrupt()])
def test_any_exception_while_writing_removes_the_temporary_file_and_passes_through(tmp_path, monkeypatch, exception):
    path = tmp_path / "model.npz"
    mg.save({"w": np.zeros(3)}, path)

    def crash(*args, **kwargs):
        raise exception

    monkeypatch.setattr(np.lib.format, "write_array", crash)
    with pytest.raises(type(exception)) as info:
        mg.save({"w": np.ones(3)}, path)
    assert info.value is exception, "not wrapped: Ctrl-C stays a KeyboardInterrupt"
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.npz"]
    np.testing.assert_array_equal(mg.load(path)["w"], np.zeros(3))


KILLED_SAVE = """
import os, signal, sys
import numpy as np
import minigrad as mg

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

mg.save({"w": np.zeros(3)}, sys.argv[1])
np.lib.format.write_array = die
mg.save({"w": np.ones(3)}, sys.argv[1])
"""


@pytest.mark.skipif(not POSIX, reason="kills a process with SIGKILL")
def test_a_killed_save_leaves_a_temporary_file_that_the_next_save_removes(tmp_path):
    path = tmp_path / "model.npz"
    root = os.path.dirname(os.path.dirname(os.path.abspath(mg.__file__)))
    run = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(path)], cwd=root, capture_output=True)
    assert run.returncode == -9, run.stderr.decode()
    leftovers = sorted(set(os.listdir(tmp_path)) - {"model.npz"})
    assert len(leftovers) == 1, "the killed save left its temporary file"
    np.testing.assert_array_equal(mg.load(path)["w"], np.zeros(3))

    (tmp_path / "other.npz.notes").write_text("a file of the user's that looks nothing like a temporary one")
    mg.save({"w": np.full(3, 2.0)}, path)
    assert sorted(os.listdir(tmp_path)) == ["model.npz", "other.npz.notes"]
    np.testing.assert_array_equal(mg.load(path)["w"], np.full(3, 2.0))


def test_a_save_in_progress_keeps_its_temporary_file_while_another_save_runs(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    real_write = np.lib.format.write_array
    started, release = threading.Event(), threading.Event()

    def slow_write(member, array, **kwargs):
        if threading.current_thread().name == "slow":
            started.set()
            assert release.wait(10)
        real_write(member, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", slow_write)
    errors = []

    def slow_save():
        try:
            mg.save({"w": np.ones(3)}, path)
        except BaseException as error:  # reported below
            errors.append(error)

    slow = threading.Thread(target=slow_save, name="slow")
    slow.start()
    assert started.wait(10)
    mg.save({"w": np.zeros(3)}, path)  # cleans up abandoned temporary files, not this one
    release.set()
    slow.join(10)
    assert errors == []
    np.testing.assert_array_equal(mg.load(path)["w"], np.ones(3))  # the last save to finish wins
    assert os.listdir(tmp_path) == ["model.npz"]


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_overwriting_keeps_the_files_permissions_and_a_new_file_gets_the_usual_ones(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    new = tmp_path / "new.npz"
    mg.save({"w": np.ones(1)}, new)
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o666 & ~umask

    shared = tmp_path / "shared.npz"
    mg.save({"w": np.ones(1)}, shared)
    os.chmod(shared, 0o640)
    mg.save({"w": np.zeros(1)}, shared)
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o640
    np.testing.assert_array_equal(mg.load(shared)["w"], [0.0])


@pytest.mark.skipif(not hasattr(os, "symlink") or not POSIX, reason="symbolic links")
def test_saving_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path):
    real = tmp_path / "runs" / "model-v3.npz"
    real.parent.mkdir()
    mg.save({"w": np.zeros(2)}, real)
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    mg.save({"w": np.ones(2)}, link)
    assert link.is_symlink()
    np.testing.assert_array_equal(mg.load(real)["w"], np.ones(2))


# --------------------------------------------------------------------------- save: errors
@pytest.mark.skipif(not hasattr(os, "symlink") or not POSIX, reason="symbolic links")
def test_saving_through_a_link_into_a_missing_folder_names_that_folder(tmp_path):
    link = tmp_path / "latest.npz"
    link.symlink_to(tmp_path / "runs" / "model.npz")
    where = re.escape(str(tmp_path / "runs"))
    message = saving(link) + f"the folder '{where}' \\(where the link '{re.escape(str(link))}' points\\) does not exist"
    with pytest.raises(mg.CheckpointError, match=message + rf".*os.makedirs\('{where}', exist_ok=True\)"):
        mg.save({"w": np.ones(1)}, link)


def test_save_into_a_missing_folder_names_the_path(tmp_path):
    path = tmp_path / "no such folder" / "model.npz"
    with pytest.raises(mg.CheckpointError, match=saving(path) + "the folder '.*no such folder' does not") as info:
        mg.save({"w": np.ones(1)}, path)
    assert info.value.path == str(path)
    assert info.value.errno == errno.ENOENT
    assert isinstance(info.value.__cause__, FileNotFoundError)


def test_save_to_a_folder_names_the_path(tmp_path):
    with pytest.raises(mg.CheckpointError, match=saving(tmp_path) + "it is a folder"):
        mg.save({"w": np.ones(1)}, tmp_path)


def test_save_below_a_file_names_the_path(tmp_path):
    (tmp_path / "notes.txt").write_text("")
    path = tmp_path / "notes.txt" / "model.npz"
    with pytest.raises(mg.CheckpointError, match=saving(path) + "part of .* is a file, not a folder"):
        mg.save({"w": np.ones(1)}, path)


def test_save_into_a_folder_without_write_permission_names_the_path(tmp_path, monkeypatch):
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "model.npz"
    real_open = os.open

    def refuse(name, *args, **kwargs):  # what a read-only folder does, even when the tests run as root
        if os.path.dirname(os.fsdecode(name)) == str(folder):
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return real_open(name, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, "open", refuse)
        with pytest.raises(mg.CheckpointError, match=saving(path) + "no permission to create a file"):
            mg.save({"w": np.ones(1)}, path)
    assert os.listdir(folder) == []


@pytest.mark.skipif(not POSIX or ROOT, reason="needs POSIX permissions and a user other than root")
def test_save_into_a_really_read_only_folder_names_the_path(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(mg.CheckpointError, match="no permission to create a file"):
            mg.save({"w": np.ones(1)}, folder / "model.npz")
    finally:
        folder.chmod(0o755)


def test_a_read_only_file_is_not_replaced(tmp_path, monkeypatch):
    path = tmp_path / "keep.npz"
    mg.save({"w": np.zeros(1)}, path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(path) else real_access(p, mode))
    with pytest.raises(mg.CheckpointError, match=saving(path) + "the file exists and is read-only"):
        mg.save({"w": np.ones(1)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(mg.load(path)["w"], [0.0])


def test_save_and_load_take_paths():
    with pytest.raises(TypeError, match="save takes a file path"):
        mg.save({"w": np.ones(1)}, 3)
    with pytest.raises(TypeError, match="load takes a file path"):
        mg.load(None)


# --------------------------------------------------------------------------- load: bad files
def _write(path, content):
    path.write_bytes(content)
    return path


def _zip_with(path, name, content):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, content)
    return path


def _truncated(path):
    mg.save({"w": np.arange(10.0)}, path)
    return _write(path, path.read_bytes()[:-30])


def _flipped_data_byte(path):
    mg.save({"w": np.arange(10.0)}, path)
    content = bytearray(path.read_bytes())
    at = content.index(np.arange(10.0).tobytes()) + 20  # inside the array's numbers
    content[at] ^= 0x10
    return _write(path, bytes(content))


def _objects(path):
    np.savez(path, payload=np.array([{"a": 1}], dtype=object))
    return path


def _npy(path):
    np.save(path, np.ones(3))
    os.replace(str(path) + ".npy", path)
    return path


BAD_FILES = {
    "empty": (lambda p: _write(p, b""), "the file is empty"),
    "text": (lambda p: _write(p, b"w = [1, 2, 3]\n"), "it is a text file, not a checkpoint"),
    "pickle": (lambda p: _write(p, pickle.dumps({"w": [1.0, 2.0]})), "looks like a pickle file.*never unpickles"),
    "npy": (_npy, "a single array saved with np.save.*read it with np.load"),
    "objects": (_objects, "'payload' holds Python objects.*never does"),
    "zip": (lambda p: _zip_with(p, "readme.txt", "hello"), "zip archive holding 'readme.txt', which is not an array"),
    "torch": (lambda p: _zip_with(p, "archive/data.pkl", b"\x80\x02}q\x00."), "looks like a PyTorch file"),
    "truncated": (_truncated, "damaged or incomplete.*cannot be repaired"),
    "flipped": (_flipped_data_byte, "the array 'w' is damaged.*CRC"),
    "random bytes": (lambda p: _write(p, bytes(range(256))), "not a checkpoint"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_every_kind_of_bad_file_raises_checkpoint_error_naming_the_path(tmp_path, kind):
    make, message = BAD_FILES[kind]
    path = make(tmp_path / "model.npz")
    with pytest.raises(mg.CheckpointError, match=loading(path) + ".*" + message) as info:
        mg.load(path)
    assert isinstance(info.value, OSError)
    assert info.value.path == str(path)
    assert "allow_pickle" not in str(info.value)


def test_a_missing_file_is_named_as_given_with_the_folder_looked_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        mg.CheckpointError,
        match=loading("runs/model.npz") + rf"there is no such file \(looked in {re.escape(str(tmp_path))}\)",
    ) as info:
        mg.load("runs/model.npz")
    assert info.value.errno == errno.ENOENT
    assert isinstance(info.value.__cause__, FileNotFoundError)
    try:
        mg.load("runs/model.npz")
    except OSError:  # still caught with every other file problem
        pass


def test_a_folder_is_not_a_checkpoint(tmp_path):
    with pytest.raises(mg.CheckpointError, match=loading(tmp_path) + "it is a folder, not a file"):
        mg.load(tmp_path)


def test_an_unreadable_file_says_so(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    mg.save({"w": np.ones(1)}, path)

    def refuse(name, *args, **kwargs):  # what a file without read permission does, even for root
        raise PermissionError(errno.EACCES, "Permission denied", name)

    monkeypatch.setattr(checkpoint, "open", refuse, raising=False)
    with pytest.raises(mg.CheckpointError, match=loading(path) + "no permission to read it") as info:
        mg.load(path)
    assert info.value.errno == errno.EACCES
    assert isinstance(info.value.__cause__, PermissionError)


@pytest.mark.skipif(not POSIX or ROOT, reason="needs POSIX permissions and a user other than root")
def test_a_really_unreadable_file_says_so(tmp_path):
    path = tmp_path / "model.npz"
    mg.save({"w": np.ones(1)}, path)
    path.chmod(0)
    try:
        with pytest.raises(mg.CheckpointError, match="no permission to read it"):
            mg.load(path)
    finally:
        path.chmod(0o644)


class _Alarm:
    """Unpickling this would create a file: the proof that something was unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_nothing_is_ever_unpickled(tmp_path):
    marker = tmp_path / "unpickled"
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([_Alarm(str(marker))], dtype=object))
    with pytest.raises(mg.CheckpointError, match="holds Python objects"):
        mg.load(path)
    _write(path, pickle.dumps(_Alarm(str(marker))))
    with pytest.raises(mg.CheckpointError, match="pickle"):
        mg.load(path)
    assert not marker.exists()


# --------------------------------------------------------------------------- load: damage, exhaustively
GOOD = {
    "fc.weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
    "fc.bias": np.array([0.5, -1.5]),
    "state/0/step": np.int64(3),
}


@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "model.npz"
    mg.save(GOOD, path)
    return path.read_bytes()


def _loads_correctly_or_refuses(content):
    """Load ``content`` as the file 'model.npz' (handed to load directly: writing thousands
    of files would make the test slow on some disks)."""
    with mock.patch.object(checkpoint, "open", create=True, new=lambda name, mode: io.BytesIO(content)):
        try:
            loaded = mg.load("model.npz")
        except mg.CheckpointError as error:
            assert "'model.npz'" in str(error)
            return False
    assert list(loaded) == list(GOOD), "a damaged file loaded with other names"
    for name, array in GOOD.items():
        assert loaded[name].dtype == array.dtype and loaded[name].shape == np.shape(array), name
        assert loaded[name].tobytes() == np.asarray(array).tobytes(), f"{name} loaded as other numbers"
    return True


@settings(max_examples=200)
@given(cut=st.integers(0, 10_000))
def test_a_truncated_checkpoint_always_raises_checkpoint_error(good_file, cut):
    assert _loads_correctly_or_refuses(good_file)
    assert not _loads_correctly_or_refuses(good_file[: cut % len(good_file)])


@settings(max_examples=300)
@given(flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), min_size=1, max_size=6))
def test_damaged_bytes_load_correctly_or_raise_checkpoint_error(good_file, flips):
    damaged = bytearray(good_file)
    for at, mask in flips:
        damaged[at % len(good_file)] ^= mask
    _loads_correctly_or_refuses(bytes(damaged))


def test_every_single_bit_flip_loads_correctly_or_raises_checkpoint_error(good_file):
    """Each of the file's bits, flipped in turn: the zip CRC-32 catches every flip inside the
    arrays (numbers and .npy headers); flips in metadata that does not matter (timestamps,
    the version that wrote the file) load the same arrays."""
    outcomes = []
    for at in range(len(good_file)):
        for bit in range(8):
            damaged = bytearray(good_file)
            damaged[at] ^= 1 << bit
            outcomes.append(_loads_correctly_or_refuses(bytes(damaged)))
    assert outcomes.count(False) > 0.5 * len(outcomes)


def test_checkpoint_error_is_exported_and_an_oserror():
    assert "CheckpointError" in mg.__all__
    assert issubclass(mg.CheckpointError, OSError)
    assert mg.CheckpointError is checkpoint.CheckpointError


def test_load_takes_pytorchs_arguments(tmp_path):
    path = tmp_path / "model.npz"
    mg.save({"w": np.ones(2)}, path)
    assert mg.load(path, map_location="cpu", weights_only=True)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="weights_only=False would unpickle objects, which minigrad never does"):
        mg.load(path, weights_only=False)
    with pytest.raises(ValueError, match="CPU only"):
        mg.load(path, map_location="cuda:0")


def test_save_and_load_take_pytorchs_argument_names(tmp_path):
    path = tmp_path / "m.npz"
    mg.save(obj={"w": np.zeros(1)}, f=path)
    assert list(mg.load(f=path)) == ["w"]
    with pytest.raises(TypeError, match="give state_dict or obj, not both"):
        mg.save({"w": np.zeros(1)}, path, obj={"w": np.zeros(1)})
    with pytest.raises(TypeError, match="save takes a file path .a str or pathlib.Path., got NoneType"):
        mg.save({"w": np.zeros(1)})


def test_pytorchs_checkpoint_recipe_loads_each_state_dict(tmp_path):
    model = mg.nn.Linear(2, 1)
    optimizer = mg.optim.Adam(model.parameters())
    model(mg.ones(3, 2)).sum().backward()
    optimizer.step()
    path = tmp_path / "ckpt.npz"
    mg.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()}, path)
    checkpoint = mg.load(path)
    fresh, fresh_optimizer = mg.nn.Linear(2, 1), mg.optim.Adam(mg.nn.Linear(2, 1).parameters())
    fresh.load_state_dict(checkpoint["model_state_dict"])
    fresh_optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    assert (fresh.weight.numpy() == model.weight.numpy()).all() and checkpoint["epoch"] == 3
    assert_same(fresh_optimizer.state_dict(), optimizer.state_dict())
    with pytest.raises(
        KeyError, match="model is not in this checkpoint, which holds: epoch, model_state_dict, optimizer_state_dict'$"
    ):
        checkpoint["model"]


def test_an_optimizer_that_never_stepped_is_found_and_resumed(tmp_path):
    """PyTorch's guard ``if "optimizer_state_dict" in ckpt`` sees the optimizer, whose empty
    state and options come back: a resumed Adam keeps its lr, not a new one's."""
    model = mg.nn.Linear(2, 1)
    optimizer = mg.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9))
    mg.save(
        {"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()}, tmp_path / "c.npz"
    )
    checkpoint = mg.load(tmp_path / "c.npz")
    assert "optimizer_state_dict" in checkpoint and checkpoint.get("optimizer_state_dict") is not None
    assert checkpoint["optimizer_state_dict"]["state"] == {}
    lr = checkpoint["optimizer_state_dict"]["param_groups"][0]["lr"]
    assert type(lr) is float and lr == 0.01
    resumed = mg.optim.Adam(mg.nn.Linear(2, 1).parameters())
    resumed.load_state_dict(checkpoint["optimizer_state_dict"])
    assert_same(resumed.state_dict(), optimizer.state_dict())


def _save_as_minigrad_07b4101_did(path, state_dict):
    """Write ``state_dict`` as mg.save did before it recorded the nesting: flat joined names,
    a list or tuple holding dicts or lists stored item by item, any other one as one array."""

    def leaves(value, keys):
        if isinstance(value, dict):
            items = value.items()
        elif keys and isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in value):
            items = enumerate(value)
        else:
            yield "/".join(map(str, keys)), np.asarray(value.data if isinstance(value, mg.Tensor) else value)
            return
        for key, item in items:
            yield from leaves(item, (*keys, key))

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in leaves(state_dict, ()):
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    return path


def test_pytorchs_recipe_resumes_from_a_file_without_the_record_of_its_nesting(tmp_path):
    """Files of an older minigrad (and np.savez's with "/" names) load flat; the outer name
    gives the entries below it, which the model and the optimizer take."""
    model = mg.nn.Linear(2, 1)
    optimizer = mg.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9))
    model(mg.ones(3, 2)).sum().backward()
    optimizer.step()
    path = _save_as_minigrad_07b4101_did(
        tmp_path / "old.npz",
        {"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()},
    )
    with zipfile.ZipFile(path) as archive:
        assert "minigrad-layout.json" not in archive.namelist()
    ckpt = mg.load(path)
    assert "model_state_dict/weight" in ckpt.keys() and "model_state_dict" not in ckpt.keys()
    assert "model_state_dict" in ckpt and "optimizer_state_dict" in ckpt and "model" not in ckpt
    assert list(ckpt["model_state_dict"]) == ["weight", "bias"] and ckpt.get("model", "no") == "no"
    assert list(ckpt.get("optimizer_state_dict")["state"]["0"]) == ["step", "exp_avg", "exp_avg_sq"]
    fresh = mg.nn.Linear(2, 1)
    fresh.load_state_dict(ckpt["model_state_dict"])
    np.testing.assert_array_equal(fresh.weight.numpy(), model.weight.numpy())
    resumed = mg.optim.Adam(fresh.parameters())
    resumed.load_state_dict(ckpt["optimizer_state_dict"])
    assert_same(resumed.state_dict(), optimizer.state_dict())
    with pytest.raises(KeyError, match="model is not in this checkpoint, which holds: epoch, model_state_dict/weight"):
        ckpt["model"]

    np.savez(tmp_path / "plain.npz", **{"model/w": np.ones(2), "model/b": np.zeros(1), "step": np.int64(4)})
    plain = mg.load(tmp_path / "plain.npz")
    assert "model" in plain and list(plain["model"]) == ["w", "b"] and plain["model"]["b"].shape == (1,)


def test_the_random_state_saves_and_resumes_the_same_draws(tmp_path):
    """PyTorch's recipe saves torch.get_rng_state(); PCG64's state holds 128-bit ints."""
    before = mg.get_rng_state()
    try:
        mg.manual_seed(0)
        mg.rand(5)
        generator = mg.Generator().manual_seed(1)
        state = generator.get_state()
        mg.save({"rng": mg.get_rng_state(), "generator": state}, tmp_path / "r.npz")
        expected, expected_own = mg.rand(4).numpy(), mg.rand(3, generator=generator).numpy()
        saved = mg.load(tmp_path / "r.npz")
        assert_same(saved["generator"], state)
        mg.manual_seed(7)
        mg.set_rng_state(saved["rng"])
        resumed = mg.Generator().set_state(saved["generator"])
        np.testing.assert_array_equal(mg.rand(4).numpy(), expected)
        np.testing.assert_array_equal(mg.rand(3, generator=resumed).numpy(), expected_own)
    finally:
        mg.set_rng_state(before)


def _with_layout(path, layout, arrays=None):
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in (arrays or {"w": np.ones(2)}).items():
            with archive.open(name + ".npy", "w") as member:
                np.lib.format.write_array(member, array)
        archive.writestr("minigrad-layout.json", layout)
    return path


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("{not json", r"its record of the saved nesting \(minigrad-layout.json\) is damaged"),
        ('{"version": 2, "root": {"dict": []}}', "is not one this minigrad reads.*save it again"),
        ('{"version": 1, "root": {"dict": []}}', r"does not fit its arrays \(it leaves out the array 'w'\)"),
        ('{"version": 1, "root": {"dict": [["v", "array"]]}}', r"does not fit its arrays \(no array 'v'\)"),
        (
            '{"version": 1, "root": {"dict": [["w", "int"]]}}',
            "does not fit its arrays .int saved as an array of float64",
        ),
        ('{"version": 1, "root": {"dict": [["w", "magic"]]}}', "does not fit its arrays .unknown entry 'magic'"),
        ('{"version": 1, "root": {"list": ["array"]}}', "does not fit its arrays .it does not describe a dict"),
    ],
)
def test_a_record_of_the_nesting_that_does_not_fit_is_refused(tmp_path, layout, message):
    path = _with_layout(tmp_path / "model.npz", layout)
    with pytest.raises(mg.CheckpointError, match=loading(path) + ".*" + message):
        mg.load(path)


def test_every_flipped_byte_of_the_record_of_the_nesting_is_caught(tmp_path):
    mg.save({"groups": [{"lr": 0.5, "betas": (0.9, 0.99)}]}, tmp_path / "opt.npz")
    content = (tmp_path / "opt.npz").read_bytes()
    layout = checkpoint._arrays_to_save({"groups": [{"lr": 0.5, "betas": (0.9, 0.99)}]})[1]
    record = json.dumps(layout, separators=(",", ":")).encode()  # as save writes it
    start = content.index(record)
    for at in range(start, start + len(record)):
        damaged = bytearray(content)
        damaged[at] ^= 0x01
        with mock.patch.object(
            checkpoint, "open", create=True, new=lambda name, mode, content=bytes(damaged): io.BytesIO(content)
        ):
            with pytest.raises(mg.CheckpointError, match="'opt.npz'.*CRC"):
                mg.load("opt.npz")
