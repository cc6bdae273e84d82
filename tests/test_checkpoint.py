"""mg.save / mg.load: round trips, refusing pickles, one error for every bad file, and
atomic writes that clean up after themselves."""

import errno
import io
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


def test_objects_are_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match="'bad' holds object"):
        mg.save({"bad": np.array([{"a": 1}], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="keys must be strings"):
        mg.save({1: np.ones(1)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dict of name -> array"):
        mg.save([np.ones(1)], tmp_path / "x.npz")
    with pytest.raises(ValueError, match=r"\['ragged'\] cannot be stored as one array"):
        mg.save({"ragged": (np.ones(2), np.ones(3))}, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == [], "nothing was written"


def test_nested_dicts_and_lists_are_stored_under_joined_names(tmp_path):
    state = {"state": {0: {"step": 3, "exp_avg": np.ones(2)}}, "param_groups": [{"lr": 0.1, "betas": (0.9, 0.99)}]}
    mg.save(state, tmp_path / "opt.npz")
    loaded = mg.load(tmp_path / "opt.npz")
    assert sorted(loaded) == ["param_groups/0/betas", "param_groups/0/lr", "state/0/exp_avg", "state/0/step"]
    np.testing.assert_array_equal(loaded["param_groups/0/betas"], [0.9, 0.99])
    assert loaded["state/0/step"] == 3


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
    assert (fresh.weight.numpy() == model.weight.numpy()).all() and int(checkpoint["epoch"]) == 3
    assert (fresh_optimizer.state_dict()["state"][0]["exp_avg"] == optimizer.state_dict()["state"][0]["exp_avg"]).all()
    with pytest.raises(KeyError, match="model is not in this checkpoint, which holds: epoch, model_state_dict/weight"):
        checkpoint["model"]
