"""Save and load dictionaries of arrays as ``.npz`` files: no pickle, atomic writes."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Mapping

import numpy as np

from .tensor import Tensor

__all__ = ["save", "load"]


def save(state_dict: Mapping, path) -> None:
    """Write ``{name: array}`` to ``path`` as an ``.npz`` file.

    Values may be ndarrays, Tensors or numbers. Nested dicts and lists (an optimizer's
    state dict) are stored under joined names, "state/0/exp_avg"; ``load`` returns them
    flat, and ``Optimizer.load_state_dict`` accepts that form. The file is written under a temporary
    name in the same folder and renamed over ``path`` only when complete, so a crash
    midway leaves any previous file intact.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save takes a dict of name -> array, got {type(state_dict).__name__}")
    for name in state_dict:
        if not isinstance(name, str):
            raise TypeError(f"save: keys must be strings, got {name!r}")
    arrays = {}
    for name, value in _flatten(state_dict, "").items():
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.hasobject or array.dtype.kind not in "biufcSU":
            raise TypeError(f"save: {name!r} holds {array.dtype} values; only numeric arrays can be saved")
        arrays[name] = array

    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".minigrad-", suffix=".npz.tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            # np.savez would reject keys that clash with its own argument names ("file")
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
                for name, array in arrays.items():
                    with archive.open(name + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, array, allow_pickle=False)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _flatten(value, prefix: str) -> dict:
    """{"state": {0: {"exp_avg": a}}} -> {"state/0/exp_avg": a}; lists of numbers stay arrays."""
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, (list, tuple)) and any(isinstance(v, (Mapping, list, tuple)) for v in value):
        items = enumerate(value)
    else:
        return {prefix: value}
    flat = {}
    for key, item in items:
        flat.update(_flatten(item, f"{prefix}/{key}" if prefix else str(key)))
    return flat


def load(path) -> dict[str, np.ndarray]:
    """Read a file written by ``save``: ``{name: ndarray}``. Pickled objects are refused."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no checkpoint at {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not an .npz file (minigrad checkpoints are .npz archives)")
    with np.load(path, allow_pickle=False) as archive:
        state = {}
        for name in archive.files:
            try:
                state[name] = archive[name]
            except ValueError:
                raise ValueError(
                    f"{path}: {name!r} holds Python objects, which would need pickle to load; refused"
                ) from None
    return state
