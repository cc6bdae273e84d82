"""Save and load dictionaries of arrays as ``.npz`` files: no pickle, atomic writes.

A checkpoint is a zip archive holding one ``.npy`` file per array, the format of
``np.savez``. ``load`` reads every array in full, so the zip format's CRC-32 checksums
catch damaged bytes, and it parses each ``.npy`` header itself: nothing is ever unpickled.
``save`` writes a temporary file beside the target, flushes it to disk and renames it over
the target, so the target is always either the old file or the complete new one.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import stat
import struct
import zipfile
from collections.abc import Mapping

import numpy as np

from .checks import check_alias, check_bool
from .device import check_device
from .tensor import Tensor

try:  # POSIX: a save holds a lock on its temporary file, so another save can tell it is in use
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted, which protects a save in progress
    fcntl = None

__all__ = ["save", "load", "Checkpoint", "CheckpointError"]

_KINDS = "biufcSU"  # bool, integers, floats, complex, byte strings, text: no objects, no records
_TEMPORARY_SUFFIX = ".minigrad-tmp"
_CHUNK = 1 << 24  # bytes read at a time when filling an array


class CheckpointError(OSError):
    """A checkpoint file that cannot be read or written: missing, unreadable, a folder,
    empty, cut short, damaged, or not a minigrad checkpoint.

    A subclass of ``OSError``, so ``except OSError`` catches it with other file problems.
    The message names the path as it was given and says what to do; ``path`` holds that
    path, ``errno`` the operating system's error number when there is one, and the
    original exception is chained as ``__cause__``.

    PyTorch has no single class for this: ``torch.load`` raises ``FileNotFoundError``,
    ``pickle.UnpicklingError``, ``RuntimeError`` and others, depending on the problem.
    """

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


# --------------------------------------------------------------------------- save
def save(state_dict: Mapping = None, path=None, *, obj=None, f=None) -> None:
    """Write ``{name: array}`` to ``path`` as an ``.npz`` file.

    Args:
        state_dict: a dict whose keys are strings and whose values are ndarrays, Tensors
            (their ``.data`` is saved) or numbers. Nested dicts and lists (an optimizer's
            state dict) are stored under joined names, ``"state/0/exp_avg"``; ``load``
            returns them flat, and ``Optimizer.load_state_dict`` accepts that form.
        path: a ``str`` or ``os.PathLike`` (``pathlib.Path``). A symbolic link is followed:
            the file it points to is replaced.

    The file is written under a temporary name in the same folder (``.<name>.<random>``
    ``.minigrad-tmp``), flushed to disk and renamed over ``path`` only when complete, so a
    failure or crash midway leaves any previous file intact. On any failure the temporary
    file is removed; one left by a killed process is removed by the next save to the same
    path. An existing file keeps its permission bits; a new one gets the usual ones
    (0o666 minus the umask).

    Raises:
        TypeError: ``state_dict`` is not a dict, a key is not a string (nested keys may
            also be ints), a value holds objects or other non-numeric data, or ``path`` is
            not a path.
        ValueError: two keys would be stored under the same name (``{"a/b": 1, "a": {"b":
            2}}``), a key cannot be stored in a zip archive (it holds a NUL character, a
            backslash or text that is not valid Unicode, or is too long), or a value cannot
            be made into one array (a ragged list).
        CheckpointError: the file cannot be written (missing folder, no permission, the
            path is a folder, a read-only file, disk full...); the message names ``path``.

    PyTorch: ``torch.save(state_dict, path)``, which pickles, and writes in place; its
    argument names ``obj`` and ``f`` are accepted too.
    """
    state_dict = check_alias("state_dict", state_dict, "obj", obj)
    path = check_alias("path", path, "f", f)
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save takes a dict of name -> array, got {type(state_dict).__name__}")
    shown = _shown(path, "save")
    arrays = _arrays_to_save(state_dict)

    target = os.path.realpath(shown)
    folder, name = os.path.split(target)
    folder_shown = os.path.dirname(shown) or "."
    if os.path.isdir(target):
        raise CheckpointError(
            f"cannot save to '{shown}': it is a folder; give a file name such as '{os.path.join(shown, 'model.npz')}'",
            shown,
        )
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None  # a new file; os.open below gives it 0o666 minus the umask
    else:
        if not os.access(target, os.W_OK):
            raise CheckpointError(
                f"cannot save to '{shown}': the file exists and is read-only; make it writable, "
                "or save under another name",
                shown,
            )
    _remove_abandoned_temporaries(folder, name)

    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(8)}{_TEMPORARY_SUFFIX}")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as error:
        raise _save_error(error, shown, folder_shown, creating=True) from error
    try:
        with os.fdopen(handle, "wb") as file:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX)
            # np.savez would reject keys that clash with its own argument names ("file")
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
                for key, array in arrays.items():
                    with archive.open(key + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, array, allow_pickle=False)
            file.flush()
            if mode is not None:
                os.chmod(temporary, mode)
            os.fsync(file.fileno())
            if fcntl is not None:  # POSIX renames an open file; the lock is held until the file is in place
                os.replace(temporary, target)
        if fcntl is None:  # Windows cannot rename a file that is open
            os.replace(temporary, target)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass  # already renamed, or never written
        if isinstance(error, OSError) and not isinstance(error, CheckpointError):
            raise _save_error(error, shown, folder_shown, creating=False) from error
        raise
    _sync_folder(folder)


def _shown(path, verb: str) -> str:
    """The path as the user gave it, as a str, for messages (and for opening)."""
    try:
        return os.fsdecode(os.fspath(path))
    except TypeError:
        raise TypeError(f"{verb} takes a file path (a str or pathlib.Path), got {type(path).__name__}") from None


def _arrays_to_save(state_dict: Mapping) -> dict[str, np.ndarray]:
    """Flatten nested dicts and lists to ``{"state/0/exp_avg": ndarray}``, checking every
    name and value before anything touches the disk."""
    for key in state_dict:
        if not isinstance(key, str):
            raise TypeError(f"save: keys must be strings, got {key!r}")
    arrays: dict[str, np.ndarray] = {}
    spelled: dict[str, str] = {}  # stored name -> the keys that lead to it, for collisions
    for keys, value in _leaves(state_dict, ()):
        name = "/".join(str(key) for key in keys)
        path = "".join(f"[{key!r}]" for key in keys)
        _check_name(name, path)
        if name in arrays:
            raise ValueError(
                f"save: {spelled[name]} and {path} would both be stored as {name!r} (nested names are "
                "joined with '/'); rename one of them"
            )
        try:
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
        except (ValueError, TypeError) as error:
            kind = TypeError if isinstance(error, TypeError) else ValueError
            raise kind(f"save: {path} cannot be stored as one array: {error}") from error
        if array.dtype.hasobject or array.dtype.kind not in _KINDS:
            raise TypeError(
                f"save: {name!r} holds {array.dtype} values; only arrays of numbers (or strings) can be saved"
            )
        arrays[name] = array
        spelled[name] = path
    return arrays


def _leaves(value, keys: tuple):
    """(keys, value) for every array-like value; lists of numbers stay one array."""
    if isinstance(value, Mapping):
        items = value.items()
    elif keys and isinstance(value, (list, tuple)) and any(isinstance(v, (Mapping, list, tuple)) for v in value):
        items = enumerate(value)
    else:
        yield keys, value
        return
    for key, item in items:
        if keys and (isinstance(key, bool) or not isinstance(key, (str, int, np.integer))):
            inside = "".join(f"[{k!r}]" for k in keys)
            raise TypeError(f"save: the key {key!r} in {inside} must be a string or an int")
        yield from _leaves(item, (*keys, key if isinstance(key, str) else int(key)))


def _check_name(name: str, path: str) -> None:
    """Names a zip archive stores unchanged on every system."""
    problem = None
    if "\x00" in name:
        problem = "holds a NUL character, which ends a name in a zip archive"
    elif "\\" in name:
        problem = "holds a backslash, which zip archives on Windows read as a folder separator"
    else:
        try:
            size = len(name.encode("utf-8"))
        except UnicodeEncodeError:
            problem = "is not valid Unicode text (it holds a lone surrogate), so it cannot be written"
        else:
            if size > 60000:
                problem = f"is {size} bytes long; a zip archive stores names of at most 65,535 bytes"
    if problem is not None:
        raise ValueError(f"save: the name {path} {problem}; rename it")


def _remove_abandoned_temporaries(folder: str, name: str) -> None:
    """Delete temporary files that earlier saves to this target left behind when killed.

    A save in progress holds a lock on its temporary file (POSIX) or keeps it open, which
    Windows refuses to delete; either way it is left alone."""
    pattern = re.compile(re.escape(f".{name}.") + r"[0-9a-f]{16}" + re.escape(_TEMPORARY_SUFFIX))
    try:
        entries = os.listdir(folder)
    except OSError:
        return  # creating the new file reports the problem
    for entry in entries:
        if not pattern.fullmatch(entry):
            continue
        candidate = os.path.join(folder, entry)
        try:
            if fcntl is None:
                os.unlink(candidate)
                continue
            handle = os.open(candidate, os.O_RDONLY)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its save runs
                os.unlink(candidate)
            finally:
                os.close(handle)
        except OSError:
            pass


def _save_error(error: OSError, shown: str, folder_shown: str, creating: bool) -> CheckpointError:
    if not creating:  # while writing: disk full, an input/output error...
        reason = f"writing failed ({error.strerror or error}); the previous file, if any, is unchanged"
    elif isinstance(error, FileNotFoundError):
        reason = (
            f"the folder '{folder_shown}' does not exist; create it first "
            f"(os.makedirs('{folder_shown}', exist_ok=True))"
        )
    elif isinstance(error, NotADirectoryError):
        reason = f"part of '{folder_shown}' is a file, not a folder; check the path"
    elif isinstance(error, PermissionError):
        reason = (
            f"no permission to create a file in the folder '{folder_shown}'; save somewhere you can write, "
            "or change the folder's permissions"
        )
    else:
        reason = f"{error.strerror or error}"
    checkpoint_error = CheckpointError(f"cannot save to '{shown}': {reason}", shown)
    checkpoint_error.errno = error.errno
    return checkpoint_error


def _sync_folder(folder: str) -> None:
    """Flush the rename itself to disk (POSIX), so that it survives a power cut."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


# --------------------------------------------------------------------------- load
def load(path=None, map_location=None, weights_only: bool = True, *, f=None) -> dict[str, np.ndarray]:
    """Read a file written by ``save``: ``{name: ndarray}``, names in the order saved.

    Args:
        path: a ``str`` or ``os.PathLike``. Files written by ``np.savez`` or
            ``np.savez_compressed`` holding arrays of numbers load too.

    The result is a ``Checkpoint``, a dict: a nested dict saved with ``save`` comes back
    under joined names, and ``ckpt["model"]`` gives the entries saved under ``"model/"``.
    Every array is read in full and checked against the archive's CRC-32 checksum, so a
    damaged file raises instead of loading wrong numbers. Nothing is ever unpickled: a file
    holding Python objects is refused.

    Raises:
        TypeError: ``path`` is not a path.
        CheckpointError: (an ``OSError``) the file is missing, unreadable, a folder, empty,
            cut short, damaged, or not a checkpoint (a text file, a pickle, a single ``.npy``
            array, a zip archive of other files, an archive holding objects); the message
            names ``path``, says what is wrong and what to do. The original exception, if
            any, is chained as ``__cause__``.

    PyTorch: ``torch.load(path, weights_only=True)``. ``map_location`` (the CPU, the only
    device), ``weights_only=True`` and ``f`` for ``path`` are accepted for PyTorch programs; ``weights_only=False``
    is a ValueError, because minigrad never unpickles.
    """
    path = check_alias("path", path, "f", f)
    if map_location is not None:
        check_device(map_location)
    if weights_only is not True and not check_bool("weights_only", weights_only):
        raise ValueError(
            "weights_only=False would unpickle objects, which minigrad never does: a checkpoint holds arrays only"
        )
    shown = _shown(path, "load")
    try:
        file = open(shown, "rb")
    except OSError as error:
        raise _open_error(error, shown) from error
    with file:
        return _read_checkpoint(file, shown)


def _open_error(error: OSError, shown: str) -> CheckpointError:
    if os.path.isdir(shown):  # Linux says IsADirectoryError, Windows PermissionError
        reason = "it is a folder, not a file; give the path of the .npz file that mg.save wrote"
    elif isinstance(error, FileNotFoundError):
        where = "" if os.path.isabs(shown) else f" (looked in {os.getcwd()})"
        reason = f"there is no such file{where}; check the name and the folder"
    elif isinstance(error, PermissionError):
        reason = "no permission to read it; check the file's permissions, or copy it somewhere readable"
    else:
        reason = f"{error.strerror or error}"
    checkpoint_error = CheckpointError(f"cannot load '{shown}': {reason}", shown)
    checkpoint_error.errno = error.errno
    return checkpoint_error


def _problem(shown: str, what: str, advice: str | None = None) -> CheckpointError:
    advice = advice or (
        "it cannot be repaired: save the model again, or use a backup copy "
        "(a copy or download that was interrupted leaves a file like this)"
    )
    return CheckpointError(f"cannot load '{shown}': {what}; {advice}", shown)


_NOT_A_CHECKPOINT = "mg.load reads the .npz files that mg.save writes"


class Checkpoint(dict):
    """What ``load`` returns: ``{name: array}``, a plain dict but for one thing. A nested dict
    was saved under joined names (``"model/0.weight"``); asking for the outer name, as
    PyTorch's checkpoint recipe does (``ckpt["model_state_dict"]``), gives the entries below
    it, as a dict with those names. A name with nothing below it is a KeyError that lists
    the names the file holds."""

    def __missing__(self, key):
        prefix = f"{key}/" if isinstance(key, str) else None
        inner = {name[len(prefix) :]: array for name, array in self.items() if prefix and name.startswith(prefix)}
        if not inner:
            shown = ", ".join(list(self)[:8]) + (", ..." if len(self) > 8 else "")
            raise KeyError(f"{key} is not in this checkpoint, which holds: {shown}")
        return inner


def _read_checkpoint(file, shown: str) -> dict[str, np.ndarray]:
    try:
        archive = zipfile.ZipFile(file)
    except MemoryError:
        raise
    except Exception as error:  # untrusted bytes: any failure to parse them means a bad file
        raise _not_an_archive(file, shown, error) from error
    state: dict[str, np.ndarray] = Checkpoint()
    with archive:
        members = archive.infolist()
        try:
            announced = _announced_entries(file, archive)
        except MemoryError:
            raise
        except Exception as error:
            raise _problem(shown, "the end of its zip archive is damaged") from error
        if announced != len(members):  # a damaged table of contents can hide entries
            raise _problem(
                shown, f"its zip archive announces {announced} arrays but lists {len(members)}, so it is damaged"
            )
        for info in members:
            if info.is_dir() or not info.filename.endswith(".npy"):
                if any(m.filename.endswith("data.pkl") for m in members):
                    raise _problem(
                        shown,
                        "this looks like a PyTorch file (torch.save), which holds pickled objects that minigrad "
                        "never unpickles",
                        "in PyTorch, save the arrays instead: np.savez(path, **{k: v.numpy() for k, v in "
                        "model.state_dict().items()})",
                    )
                raise _problem(
                    shown,
                    f"it is a zip archive holding {info.filename!r}, which is not an array (.npy), so it is "
                    "not a checkpoint",
                    _NOT_A_CHECKPOINT,
                )
            key = info.filename[: -len(".npy")]
            if key in state:
                raise _problem(shown, f"it holds two arrays named {key!r}, so it is damaged")
            state[key] = _read_member(archive, info, key, shown)
    return state


def _announced_entries(file, archive: zipfile.ZipFile) -> int:
    """The number of entries in the archive's end record. zipfile reads the table of
    contents by its size in bytes, not by this count, so a damaged length field inside the
    table can make it skip entries silently; comparing the two catches that."""
    file.seek(0, os.SEEK_END)
    end = file.tell() - len(archive.comment) - 22  # where the 22-byte end record starts
    file.seek(end)
    signature, total = struct.unpack("<4s6xH", file.read(12))
    if signature != b"PK\x05\x06":
        raise ValueError("no end record where expected: bytes follow the archive")
    if total == 0xFFFF and end >= 20:  # zip64: the count is in the zip64 end record
        file.seek(end - 20)
        signature, _, offset, _ = struct.unpack("<4sLQL", file.read(20))
        if signature == b"PK\x06\x07":
            file.seek(offset + 32)
            (total,) = struct.unpack("<Q", file.read(8))
    return total


def _not_an_archive(file, shown: str, error: Exception) -> CheckpointError:
    """What the file looks like, when it is not a zip archive at all."""
    try:
        file.seek(0)
        head = file.read(64)
    except OSError as read_error:
        return _problem(shown, f"reading it failed ({read_error.strerror or read_error})", "check the disk")
    if not head:
        return _problem(
            shown,
            "the file is empty (0 bytes)",
            "it holds nothing to load: save the model again, or use a backup copy",
        )
    if head.startswith(b"PK"):
        return _problem(
            shown,
            "it is a damaged or incomplete zip archive, cut short or damaged at its end "
            f"({type(error).__name__}: {error})",
        )
    if head.startswith(b"\x93NUMPY"):
        return _problem(
            shown,
            "it holds a single array saved with np.save (.npy), not a checkpoint",
            "read it with np.load, or save a dict of arrays with mg.save",
        )
    if head[:1] == b"\x80":
        return _problem(
            shown,
            "it looks like a pickle file (pickle.dump, or an old torch.save); minigrad never unpickles, "
            "because unpickling a file can run any code",
            _NOT_A_CHECKPOINT,
        )
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and all(c.isprintable() or c.isspace() for c in text):
        return _problem(shown, "it is a text file, not a checkpoint", _NOT_A_CHECKPOINT)
    return _problem(shown, "it is not a checkpoint (not an .npz archive)", _NOT_A_CHECKPOINT)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str, shown: str) -> np.ndarray:
    """One array, read in full so that its CRC-32 is checked, from its ``.npy`` header."""
    fmt = np.lib.format
    try:
        with archive.open(info) as member:
            version = fmt.read_magic(member)
            if version == (1, 0):
                shape, fortran_order, dtype = fmt.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, fortran_order, dtype = fmt.read_array_header_2_0(member)
            else:
                raise _problem(shown, f"the array {key!r} uses .npy format {version}, which a checkpoint never uses")
            if dtype.hasobject:
                raise _problem(
                    shown,
                    f"the array {key!r} holds Python objects, which can only be read by unpickling, and "
                    "unpickling a file can run any code, so minigrad never does",
                    "save only arrays of numbers (mg.save refuses objects)",
                )
            if dtype.kind not in _KINDS:
                raise _problem(
                    shown,
                    f"the array {key!r} holds {dtype} values; a checkpoint holds numbers",
                    _NOT_A_CHECKPOINT,
                )
            header_size = member.tell()
            count = math.prod(shape)
            if any(n < 0 for n in shape) or count * dtype.itemsize != info.file_size - header_size:
                raise _problem(shown, f"the array {key!r} does not have the size its header gives, so it is damaged")
            if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
                raise _problem(shown, f"the sizes recorded for the array {key!r} disagree, so it is damaged")
            array = np.empty(shape[::-1] if fortran_order else shape, dtype=dtype)
            buffer = memoryview(array.reshape(-1).view(np.uint8)) if array.size and dtype.itemsize else b""
            for start in range(0, len(buffer), _CHUNK):
                part = buffer[start : start + _CHUNK]
                if member.readinto(part) != len(part):
                    raise _problem(shown, f"the array {key!r} is cut short, so the file is damaged")
            if member.read():  # also reaches the end of the entry, where zipfile checks the CRC-32
                raise _problem(shown, f"the array {key!r} is followed by stray bytes, so the file is damaged")
    except (CheckpointError, MemoryError):
        raise
    except Exception as error:  # untrusted bytes: any failure to parse them means a bad file
        raise _problem(shown, f"the array {key!r} is damaged ({type(error).__name__}: {error})") from error
    return array.T if fortran_order else array
