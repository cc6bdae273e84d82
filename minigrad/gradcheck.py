"""Check ``backward()`` against central finite differences, in float64."""

from __future__ import annotations

import numpy as np

from .tensor import Tensor, no_grad

__all__ = ["gradcheck"]


def gradcheck(fn, *inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare the gradients that ``backward()`` gives with finite differences.

    ``fn(*inputs)`` must return a Tensor. Every input Tensor that requires grad is copied
    to float64 and checked. A non-scalar output is reduced to ``sum(w * fn(...))`` with
    fixed random weights ``w`` of alternating sign, so every output entry takes part
    with its own weight.
    Each coordinate x_i is then checked as

        (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)  ~  backward()'s d f / d x_i

    within ``atol + rtol * |finite difference|``. Returns True, or raises AssertionError
    naming the input, the index and both values.
    """
    checked = [
        Tensor(x.data.astype(np.float64), requires_grad=True) if isinstance(x, Tensor) and x.requires_grad else x
        for x in inputs
    ]
    positions = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not positions:
        raise ValueError("gradcheck needs at least one input Tensor with requires_grad=True")

    out = fn(*checked)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, it returned {type(out).__name__}")
    if out.size == 1:
        weights = np.ones(out.shape)
    else:  # alternating signs, so that errors in two entries cannot cancel in the sum
        signs = np.where(np.arange(out.size).reshape(out.shape) % 2 == 0, 1.0, -1.0)
        weights = np.random.default_rng(0).uniform(0.5, 1.5, size=out.shape) * signs

    def scalar(*args) -> float:
        return float(np.sum(weights * fn(*args).data))

    if out.requires_grad:
        (out * weights).sum().backward()

    for k in positions:
        x = checked[k]
        analytic = x.grad if x.grad is not None else np.zeros_like(x.data)
        with no_grad():
            for index in np.ndindex(*x.shape):
                original = x.data[index]
                x.data[index] = original + eps
                plus = scalar(*checked)
                x.data[index] = original - eps
                minus = scalar(*checked)
                x.data[index] = original
                numeric = (plus - minus) / (2 * eps)
                if not abs(analytic[index] - numeric) <= atol + rtol * abs(numeric):
                    raise AssertionError(
                        f"gradcheck: input {k} (shape {x.shape}) at index {index}: "
                        f"backward() gives {float(analytic[index])!r}, finite differences give {numeric!r}"
                    )
    return True
