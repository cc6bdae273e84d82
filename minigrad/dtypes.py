"""PyTorch's dtype names, as numpy dtypes.

minigrad keeps its data in numpy arrays, so a dtype is a ``np.dtype``: ``x.dtype == mg.float32``
holds, and ``dtype=mg.long`` works wherever a dtype is accepted (minigrad's functions and numpy's
alike). The aliases are PyTorch's: ``mg.float`` is float32 and ``mg.double`` float64 (as
``torch.float`` and ``torch.double``), ``mg.long`` is int64 and ``mg.int`` int32. Python's own
``float``, ``int`` and ``bool`` passed as a dtype mean float64, int64 and bool, in numpy as in
PyTorch.

``mg.float``, ``mg.int`` and ``mg.bool`` are attributes of the package only: they are left out
of ``from minigrad import *``, which would otherwise replace Python's builtins.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "half",
    "double",
    "short",
    "long",
]

float16 = half = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = long = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)

# Defined last: below these lines, float, int and bool in this module are dtypes, not builtins.
float = float32
int = int32
bool = np.dtype(np.bool_)
