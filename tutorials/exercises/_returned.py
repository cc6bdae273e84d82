"""What every checker does first with a value your function returned: None (an exercise not
finished yet, or a ``return`` forgotten) is refused with one message naming the call, before
the value is used, instead of an error from deep inside the checker."""

from __future__ import annotations

import numpy as np


class NothingReturned(AssertionError):
    """Your function returned None (an AssertionError, as every checker's verdict)."""


def returned(value, call: str, what: str):
    """``value``, what ``call`` (e.g. ``"best_lr(1.0, 25.0)"``) returned, unless it is None:
    then NothingReturned, saying to return ``what`` (e.g. ``"the new theta"``)."""
    if value is None:
        raise NothingReturned(f"{call} returned None: return {what} (did you forget the return?)")
    return value


def number(value, call: str) -> float:
    """``value`` as a float, if it is one number (a Python or numpy number, or an array of one
    element); otherwise an AssertionError that says what ``call`` returned instead."""
    returned(value, call, "the number")
    array = np.asarray(value)
    if array.size == 1 and np.iscomplexobj(array):
        raise AssertionError(f"{call} returned the complex number {value!r}: return a real number (its size, |z|?)")
    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
        what = (
            f"an array of shape {array.shape}" if isinstance(value, np.ndarray) else f"{type(value).__name__} {value!r}"
        )
        raise AssertionError(f"{call} returned {what}: return one number")
    return float(array.reshape(()))
