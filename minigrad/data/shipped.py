"""Where the data files shipped with minigrad are found, installed or in a clone.

The files live in the repository's ``datasets/`` folder. ``pyproject.toml`` maps that folder
into the package as ``minigrad.datasets``, so a wheel (``pip install .``) carries them at
``minigrad/datasets/``; a clone or an editable install leaves them where they are, beside
the ``minigrad/`` source folder. Both places are looked in, the installed one first.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PACKAGE_DIR", "shipped_file"]

# the folder of the minigrad package (this file is minigrad/data/shipped.py); resolved, so
# that a symlinked package still finds the repository it comes from
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def shipped_file(name: str) -> Path:
    """The path of the shipped data file ``name``; FileNotFoundError naming both places
    looked in if it is in neither.

    The file itself is looked for, not just a ``datasets`` folder: next to an installed
    package that would be ``site-packages/datasets``, which may well be another project
    (Hugging Face's ``datasets``).
    """
    installed = PACKAGE_DIR / "datasets" / name
    in_clone = PACKAGE_DIR.parent / "datasets" / name
    for path in (installed, in_clone):
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"minigrad's data file {name!r} was found neither in the installed package ({installed}) "
        f"nor in a repository clone ({in_clone}); reinstall minigrad, or restore datasets/{name} in your clone"
    )
