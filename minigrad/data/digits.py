"""The 8x8 handwritten digits: a small real dataset, shipped with minigrad so it loads
without a download.

1797 images of the digits 0 to 9 written by 13 people, each reduced to 8x8 cells that
count the inked pixels of a 4x4 block (0 to 16). It is the test set of the UCI "Optical
Recognition of Handwritten Digits" data (E. Alpaydin and C. Kaynak, 1998), in the copy
scikit-learn ships; ``datasets/README.md`` gives its source, checksum and licenses.
"""

from __future__ import annotations

import gzip

import numpy as np

from ..tensor import get_default_dtype
from .shipped import shipped_file

__all__ = ["load_digits"]

_FILE = "digits.csv.gz"
_SHAPE = (1797, 8 * 8 + 1)  # 64 pixels row by row, then the label


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The digits as X (1797, 64), pixel counts 0..16 in the default float dtype
    (``mg.get_default_dtype()``), and y (1797,) int64 labels 0..9.

    Row i of X is image i read row by row: ``X[i].reshape(8, 8)`` shows it. The values
    are left unscaled, as in the file; dividing by 16 puts them in [0, 1], which suits
    most networks better.
    """
    path = shipped_file(_FILE)
    with gzip.open(path, "rt") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.int64)
    if table.shape != _SHAPE:
        raise ValueError(f"{path} holds a table of shape {table.shape}, expected {_SHAPE}: the file is damaged")
    return table[:, :-1].astype(get_default_dtype()), table[:, -1].copy()
