"""Save and load dictionaries of arrays as ``.npz`` files: no pickle, atomic writes.

A checkpoint is a zip archive holding one ``.npy`` file per array, the format of
``np.savez``. ``load`` reads every array in full, so the zip format's CRC-32 checksums
catch damaged bytes, and it parses each ``.npy`` header itself: nothing is ever unpickled.
``save`` writes a temporary file beside the target, flushes it to disk and renames it over
the target, so the target is always either the old file or the complete new one.
"""

from __future__ import annotations

import json
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
# The archive member, beside the arrays, that records what they were saved from: JSON
# {"version": 1, "root": node}, a node being {"dict": [[key, node], ...]} (str or int keys,
# in order), {"list": [node, ...]}, {"tuple": [...]}, "none" (no array), or the code of one
# array: "array" (given back as it is), "list"/"tuple" (a list of items of one Python type,
# given back exactly by .tolist()), or a Python scalar's type: "bool", "int" (digits beyond int64), "float",
# "complex", "str", "bytes". The array of a node is named by its keys joined with "/".
_LAYOUT = "minigrad-layout.json"
_LAYOUT_VERSION = 1


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
            (their ``.data`` is saved), numbers, strings, None, or dicts, lists and tuples
            of these, nested to any depth (an optimizer's state dict, ``mg.get_rng_state()``;
            nested keys may also be ints). Each array is stored under its keys joined with
            "/" (``"state/0/exp_avg"``); a list or tuple is one array when that gives back
            every item exactly (all ints, all floats, all bools, all strings..., lists of
            them of a regular shape), else stored item by item (``[1, 2.5]``, ``("adam",
            0.01)``, a ragged list); an int of any size is exact. ``load`` gives back the same
            nesting, types and values (numpy scalars in a list as 0-d arrays). A dict of arrays (a
            ``state_dict()``) makes a plain ``.npz`` file that ``np.load`` reads as it is;
            any other also holds a record of its nesting, ``minigrad-layout.json``.
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
            also be ints), a value is another kind of object, such as a dtype (the message
            says why and what to save instead), or ``path`` is not a path.
        ValueError: two keys would be stored under the same name (``{"a/b": 1, "a": {"b":
            2}}``), a key cannot be stored in a zip archive (it holds a NUL character, a
            backslash or text that is not valid Unicode, or is too long), a dict or list holds
            itself (the message names where), or text ends in a NUL character, which numpy's
            text arrays drop (bytes keep theirs).
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
    arrays, layout = _arrays_to_save(state_dict)

    target = os.path.realpath(shown)
    folder, name = os.path.split(target)
    # a link names its target's folder: the link's own folder exists, and holds nothing to fix
    folder_shown = folder if os.path.islink(shown) else os.path.dirname(shown) or "."
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
                if layout is not None:
                    archive.writestr(_LAYOUT, json.dumps(layout, separators=(",", ":")))
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


def _arrays_to_save(state_dict: Mapping) -> tuple[dict[str, np.ndarray], dict | None]:
    """Flatten nested dicts, lists and tuples to ``{"state/0/exp_avg": ndarray}``, checking
    every name and value before anything touches the disk; with the layout that ``load``
    rebuilds them from (None when every value is an array: a file ``np.load`` reads as is)."""
    for key in state_dict:
        if not isinstance(key, str):
            raise TypeError(f"save: keys must be strings, got {key!r}")
    arrays: dict[str, np.ndarray] = {}
    spelled: dict[str, str] = {}  # stored name -> the keys that lead to it, for collisions
    root = _encode(state_dict, (), arrays, spelled, set())
    if all(child == "array" for _, child in root["dict"]):
        return arrays, None
    return arrays, {"version": _LAYOUT_VERSION, "root": root}


def _encode(value, keys: tuple, arrays: dict, spelled: dict, holders: set):
    """The layout of ``value`` (see ``_LAYOUT``), storing its arrays in ``arrays``;
    ``holders`` are the ids of the dicts and lists that ``value`` sits in."""
    path = "".join(f"[{key!r}]" for key in keys)
    if isinstance(value, (Mapping, list, tuple)) and id(value) in holders:
        raise ValueError(
            f"save: {path} is the {type(value).__name__} that holds it (it holds itself), which cannot be "
            "saved; remove that entry"
        )
    one = _one_array(value) if isinstance(value, (list, tuple)) else None
    if isinstance(value, Mapping) or (isinstance(value, (list, tuple)) and one is None):
        holders.add(id(value))
        try:
            if not isinstance(value, Mapping):
                kind = "tuple" if isinstance(value, tuple) else "list"
                return {kind: [_encode(item, (*keys, i), arrays, spelled, holders) for i, item in enumerate(value)]}
            children = []
            for key, item in value.items():
                if keys and (isinstance(key, bool) or not isinstance(key, (str, int, np.integer))):
                    raise TypeError(f"save: the key {key!r} in {path} must be a string or an int")
                key = key if isinstance(key, str) else int(key)
                children.append([key, _encode(item, (*keys, key), arrays, spelled, holders)])
            return {"dict": children}
        finally:
            holders.discard(id(value))
    if value is None:
        return "none"
    name = "/".join(str(key) for key in keys)
    _check_name(name, path)
    if name in arrays:
        raise ValueError(
            f"save: {spelled[name]} and {path} would both be stored as {name!r} (nested names are "
            "joined with '/'); rename one of them"
        )
    code, array = ("tuple" if isinstance(value, tuple) else "list", one) if one is not None else _leaf(value, path)
    arrays[name] = array
    spelled[name] = path
    return code


_SCALARS = (bool, int, float, complex, str, bytes)  # bool first: a bool is an int too
# a list of items of one of these types, as one array, gives them back exactly by .tolist()
_EXACT = {bool: "b", int: "iu", float: "f", complex: "c", str: "U"}


def _one_array(value) -> np.ndarray | None:
    """``value``, a list or tuple, as one array when ``.tolist()`` of it gives back every item
    exactly: all items of one Python type (``_EXACT``; not numpy's scalars, which would come
    back as Python's), lists (or tuples) nested to a regular shape; else None."""
    kind = tuple if isinstance(value, tuple) else list
    types: set = set()

    def regular(items, inside: tuple) -> bool:
        for item in items:
            if isinstance(item, (list, tuple)):
                if not isinstance(item, kind) or id(item) in inside or not regular(item, (*inside, id(item))):
                    return False
            else:
                types.add(type(item))
        return True

    if not regular(value, (id(value),)) or len(types) > 1 or not types <= _EXACT.keys():
        return None
    try:
        array = np.array(value)
    except (ValueError, TypeError, OverflowError):  # ragged, or ints too large for numpy
        return None
    if types and array.dtype.kind not in _EXACT[types.pop()]:  # ints beyond int64 become objects or floats
        return None
    if array.dtype.kind == "U" and _as(kind, array.tolist()) != value:  # text ending in NUL characters
        return None
    return array


def _leaf(value, path: str) -> tuple[str, np.ndarray]:
    """The layout code and the array of one value that is not a dict, list or tuple."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, _SCALARS) and not isinstance(value, np.generic):
        code = next(kind.__name__ for kind in _SCALARS if isinstance(value, kind))
        if code == "int" and not -(2**63) <= value < 2**63:
            return code, np.array(str(value))  # beyond int64 (a random generator's state): digits, exactly
        if code == "bytes":  # numpy's byte strings drop trailing NUL bytes
            return code, np.frombuffer(value, np.uint8)
        array = np.asarray(value)
        if code == "str" and array.item() != value:
            raise ValueError(f"save: {path} {_NUL}")
        return code, array
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, (np.dtype, np.generic))):
        raise TypeError(
            f"save: {path} holds a dtype, which a checkpoint does not store: save str(dtype) (e.g. 'float32') "
            "instead, and give it to np.dtype after loading"
        )
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise type(error)(f"save: {path} cannot be stored as one array: {error}") from error
    if array.dtype.hasobject or array.dtype.kind not in _KINDS:
        raise TypeError(f"save: {path} {_unstorable(value, array)}")
    return "array", array


_NUL = (
    "holds text that ends in a NUL character ('\\x00'), which numpy's text arrays drop; "
    "remove it, or save the text's bytes (text.encode())"
)


def _unstorable(value, array: np.ndarray) -> str:
    """Why ``value`` cannot be saved, and what to do instead."""
    if array.dtype.hasobject and array.shape:
        found = next((item for item in np.ravel(array) if item is not None), None)
        what = f"Python objects (of type {type(found).__name__})"
    elif array.dtype.hasobject:
        what = f"an object of type {type(value).__name__}"
    else:
        what = f"{array.dtype} values"
    return (
        f"holds {what}; a checkpoint stores arrays, Tensors, numbers, strings, None, and dicts, lists and "
        "tuples of them, never other objects, because reading those back means unpickling, which can run "
        "any code; save their numbers instead (an array, a number, a str, or a state_dict())"
    )


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
        link = f" (where the link '{shown}' points)" if os.path.islink(shown) else ""
        reason = (
            f"the folder '{folder_shown}'{link} does not exist; create it first "
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
def load(path=None, map_location=None, weights_only: bool = True, *, f=None) -> Checkpoint:
    """Read a file written by ``save``: the dict that was saved, keys in the order saved.

    Args:
        path: a ``str`` or ``os.PathLike``. Files written by ``np.savez`` or
            ``np.savez_compressed`` holding arrays of numbers load too, as ``{name: ndarray}``.

    The result is a ``Checkpoint``, a dict nested as the saved one (``"model_state_dict"
    in ckpt``, ``ckpt["optimizer_state_dict"]["param_groups"][0]["lr"]``): arrays and
    Tensors come back as ndarrays (a ``state_dict()`` as ``{name: ndarray}``), numbers and
    strings as Python's, lists and tuples as such, item for item, dicts as Checkpoints. A
    name joined with "/" reaches inside, as the arrays are named in the file:
    ``ckpt["state/0/exp_avg"]``. Every array is read in full and checked against the
    archive's CRC-32 checksum, so a damaged file raises instead of loading wrong numbers.
    Nothing is ever unpickled: a file holding Python objects is refused.
    A file without minigrad's record of its nesting (a dict of arrays, ``np.savez``'s, an
    older minigrad's) loads flat, ``{"model_state_dict/weight": ndarray}``, and its outer
    name gives the entries below it: ``ckpt["model_state_dict"]`` is ``{"weight": ...}``.

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
    """What ``load`` returns: the dict that was saved, nested as it was, its inner dicts
    Checkpoints too. ``in``, ``get``, ``keys()``, ``len`` and iteration see the saved keys;
    ``ckpt["optimizer_state_dict"]["param_groups"][0]["lr"]`` is the saved Python number.

    A name joined with "/" reaches inside, as the arrays are named in the file:
    ``ckpt["optimizer_state_dict/state/0/exp_avg"]`` (also with ``in`` and ``get``). A name
    that is not there is a KeyError that lists the names the checkpoint holds.

    A file without the record of its nesting (``np.savez``'s, minigrad's before it wrote one)
    loads flat, ``{"model_state_dict/weight": ndarray}``; there the outer name gives the
    entries below it, named below it, ``ckpt["model_state_dict"]`` is ``{"weight": ndarray}``
    (a flat Checkpoint too), which ``Module.load_state_dict`` and
    ``Optimizer.load_state_dict`` take."""

    _flat = False  # a Checkpoint of joined names, from a file without the record

    def __missing__(self, key):
        found = self._below(key)
        if found is _ABSENT:
            shown = ", ".join(map(str, list(self)[:8])) + (", ..." if len(self) > 8 else "")
            raise KeyError(f"{key} is not in this checkpoint, which holds: {shown}")
        return found

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or self._below(key) is not _ABSENT

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        found = self._below(key)  # once: `in` then [] would search for it twice
        return default if found is _ABSENT else found

    def _below(self, key):
        if not self._flat:
            return _inside(self, key)
        if not isinstance(key, str):
            return _ABSENT
        prefix = f"{key}/"
        inner = _flat({name[len(prefix) :]: value for name, value in self.items() if name.startswith(prefix)})
        return inner if inner else _ABSENT


def _flat(entries: dict) -> Checkpoint:
    checkpoint = Checkpoint(entries)
    checkpoint._flat = True
    return checkpoint


_ABSENT = object()
_INDEX = re.compile(r"-?[0-9]+")


def _inside(node, key):
    """What the name ``"a/0/b"`` reaches from ``node`` (a key may hold '/' itself), else _ABSENT."""
    if not isinstance(key, str) or "/" not in key:
        return _ABSENT
    parts = key.split("/")
    for cut in range(1, len(parts)):
        rest = "/".join(parts[cut:])
        for child in _children(node, "/".join(parts[:cut])):
            direct = _children(child, rest)
            found = direct[0] if direct else _inside(child, rest)  # deeper only where no direct child matches
            if found is not _ABSENT:
                return found
    return _ABSENT


def _children(node, name: str) -> list:
    """The entries of ``node`` that ``name`` names: the key ``name``, the key or index ``int(name)``."""
    index = int(name) if _INDEX.fullmatch(name) else None
    if isinstance(node, Mapping):
        # node.keys(): the keys themselves, not the names that reach inside
        return [node[key] for key in (name, index) if key is not None and key in node.keys()]
    if isinstance(node, (list, tuple)) and index is not None and 0 <= index < len(node):
        return [node[index]]
    return []


def _read_checkpoint(file, shown: str) -> Checkpoint:
    try:
        archive = zipfile.ZipFile(file)
    except MemoryError:
        raise
    except Exception as error:  # untrusted bytes: any failure to parse them means a bad file
        raise _not_an_archive(file, shown, error) from error
    state: dict[str, np.ndarray] = {}
    layout = None
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
            if info.filename == _LAYOUT and layout is None:
                layout = _read_layout(archive, info, shown)
                continue
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
    if layout is None:
        return _flat(state)
    try:
        return _rebuild(layout, state)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as error:
        what = f"its record of the saved nesting ({_LAYOUT}) does not fit its arrays ({error})"
        raise _problem(shown, what) from error


def _read_layout(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str):
    try:
        layout = json.loads(archive.read(info).decode("utf-8"))  # read in full: the CRC-32 is checked
    except MemoryError:
        raise
    except Exception as error:  # untrusted bytes: any failure to parse them means a bad file
        raise _problem(shown, f"its record of the saved nesting ({_LAYOUT}) is damaged ({error})") from error
    if not isinstance(layout, dict) or layout.get("version") != _LAYOUT_VERSION:
        raise _problem(
            shown,
            f"its record of the saved nesting ({_LAYOUT}) is not one this minigrad reads",
            "load it with the minigrad that saved it, or save it again",
        )
    return layout


def _rebuild(layout: dict, arrays: dict[str, np.ndarray]) -> Checkpoint:
    """The saved dict, from the arrays and the layout ``save`` wrote (see ``_LAYOUT``)."""
    unused = dict(arrays)

    def build(node, keys: tuple):
        if isinstance(node, dict) and len(node) == 1:
            ((kind, children),) = node.items()
            if kind == "dict":
                result = Checkpoint()
                for key, child in children:
                    if isinstance(key, bool) or not isinstance(key, (str, int)):
                        raise TypeError(f"the key {key!r} is neither a string nor an int")
                    result[key] = build(child, (*keys, key))
                return result
            if kind in ("list", "tuple"):
                items = [build(child, (*keys, i)) for i, child in enumerate(children)]
                return tuple(items) if kind == "tuple" else items
        if node == "none":
            return None
        if not isinstance(node, str) or node not in _CONVERT:
            raise ValueError(f"unknown entry {node!r}")
        name = "/".join(map(str, keys))
        if name not in unused:
            raise ValueError(f"no array {name!r}")
        return _CONVERT[node](unused.pop(name))

    root = layout.get("root")
    if not isinstance(root, dict) or list(root) != ["dict"]:
        raise TypeError("it does not describe a dict")
    root = build(root, ())
    if unused:
        raise ValueError(f"it leaves out the array {next(iter(unused))!r}")
    return root


def _scalar(kinds: str, convert):
    """A 0-d array of one of ``kinds`` made a Python value, refusing any other array."""

    def check(array: np.ndarray):
        if array.ndim != 0 or array.dtype.kind not in kinds:
            raise ValueError(f"{convert.__name__} saved as an array of {array.dtype} and shape {array.shape}")
        return convert(array.item())

    return check


def _sequence(kind):
    def check(array: np.ndarray):
        if array.ndim == 0:
            raise ValueError(f"a {kind.__name__} saved as a 0-d array")
        return _as(kind, array.tolist())

    return check


def _as(kind, items: list):
    """``items``, a list of numbers or of such lists, as ``kind`` at every level."""
    return kind(_as(kind, item) if isinstance(item, list) else item for item in items)


def _bytes(array: np.ndarray) -> bytes:
    if array.ndim != 1 or array.dtype != np.uint8:
        raise ValueError(f"bytes saved as an array of {array.dtype} and shape {array.shape}")
    return array.tobytes()


_CONVERT = {
    "array": lambda array: array,
    "list": _sequence(list),
    "tuple": _sequence(tuple),
    "bool": _scalar("b", bool),
    "int": _scalar("iuU", int),  # digits ("U") beyond int64; int() refuses other text
    "float": _scalar("f", float),
    "complex": _scalar("c", complex),
    "str": _scalar("U", str),
    "bytes": _bytes,
}


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
