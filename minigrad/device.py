"""Devices: minigrad computes on the CPU with numpy, so "cpu" is its only device.

PyTorch programs choose a device first (``"cuda" if torch.cuda.is_available() else "cpu"``)
and move models and batches to it with ``.to(device)``. These names let such a program run
unchanged: every accelerator reports that it is not available, so the program picks the CPU.
"""

from __future__ import annotations

from types import SimpleNamespace

__all__ = ["device", "check_device", "to_arguments", "cuda", "accelerator", "backends"]


class device:
    """``mg.device("cpu")`` (``torch.device``); any other device is a ValueError."""

    __slots__ = ("type",)

    def __init__(self, type: str = "cpu"):
        self.type = check_device(type)

    def __eq__(self, other):
        return isinstance(other, device) or (isinstance(other, str) and other.partition(":")[0] == "cpu")

    def __hash__(self):
        return hash("cpu")

    def __str__(self):
        return "cpu"

    def __repr__(self):
        return "device(type='cpu')"


def check_device(value) -> str:
    """The device named by ``value`` ("cpu", "cpu:N" or ``mg.device("cpu")``), as a string.
    CUDA, MPS and the rest are refused with a ValueError that says minigrad runs on the CPU."""
    if isinstance(value, device):
        return "cpu"
    if not isinstance(value, str):
        raise TypeError(f"a device is a string such as 'cpu' or an mg.device, got {value!r}")
    kind, _, index = value.partition(":")
    if kind != "cpu" or (index and not index.isdigit()):
        raise ValueError(
            f"minigrad runs on the CPU only (numpy), so device {value!r} is not available; use 'cpu' "
            "(mg.cuda.is_available() is False, so `'cuda' if torch.cuda.is_available() else 'cpu'` picks it)"
        )
    return "cpu"


def to_arguments(args: tuple, where=None, dtype=None):
    """The dtype asked for by PyTorch's forms of ``to()`` on a tensor or a module: ``to(dtype)``,
    ``to(device)``, ``to(device, dtype)``, with ``device=``/``dtype=`` keywords (``where`` and
    ``dtype`` here); None keeps the dtype. The device is checked (``check_device``); two
    devices or two dtypes are a TypeError. Callers turn a Tensor argument into its dtype."""
    for arg in args:
        if isinstance(arg, (str, device)):
            if where is not None:
                raise TypeError(
                    f"to() got two devices, {where!r} and {arg!r}: it takes at most one device and one dtype"
                )
            where = arg
        else:
            if dtype is not None:
                raise TypeError(
                    f"to() got two dtypes, {dtype!r} and {arg!r}: it takes at most one device and one dtype"
                )
            dtype = arg
    if where is not None:
        check_device(where)
    return dtype


# Seeding a device that is not there does nothing, as in a CPU-only PyTorch.
cuda = SimpleNamespace(
    is_available=lambda: False, device_count=lambda: 0, manual_seed=lambda seed: None, manual_seed_all=lambda seed: None
)
accelerator = SimpleNamespace(is_available=lambda: False, current_accelerator=lambda: None)
backends = SimpleNamespace(mps=SimpleNamespace(is_available=lambda: False, is_built=lambda: False))
