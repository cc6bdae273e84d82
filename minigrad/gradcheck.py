"""Check ``backward()`` against central finite differences, in float64."""

from __future__ import annotations

import numpy as np

from .checks import check_non_negative, check_positive
from .tensor import Tensor, get_default_dtype, is_grad_enabled, no_grad, set_default_dtype

__all__ = ["gradcheck"]


def gradcheck(fn, *inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare the gradients that ``backward()`` gives with finite differences.

    Args:
        fn: a callable taking the inputs and returning a Tensor.
        *inputs: Tensors. Those with ``requires_grad=True`` (floating point) are checked;
            the others (constants, integer class labels) are passed through.
        eps: the finite-difference step, > 0.
        atol: the absolute tolerance, >= 0: a coordinate passes when
            ``|backward - finite difference| <= atol + rtol * |finite difference|``.
        rtol: the relative tolerance, >= 0.

    Everything is computed in float64, whatever dtype the model uses: fn receives float64
    copies of the floating-point inputs and runs with float64 as the default dtype, and
    float32 (or float16) tensors that fn's graph reaches without being inputs, such as the
    weight of a float32 ``nn.Linear`` it closes over, have their ``.data`` swapped for
    float64 copies while the check runs. Afterwards every tensor is restored exactly (the
    same ``.data`` and ``.grad`` objects) and the default dtype too, even when fn raises:
    the caller's tensors are left as they were.

    A non-scalar output is reduced to ``sum(w * fn(...))`` with fixed random weights ``w``
    of alternating sign, so every output entry takes part with its own weight. Each
    coordinate x_i is then checked as

        (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)  ~  backward()'s d f / d x_i

    Returns:
        True when every coordinate passes.

    Raises:
        AssertionError: a mismatch, naming the input, the index and both values.
        TypeError: fn is not callable or does not return a Tensor; an input is not a
            Tensor; no input can be checked and one is an integer tensor; fn still computes
            in float32 after the swaps (a tensor made inside fn with an explicit
            ``dtype=np.float32``), which would make finite differences meaningless.
        ValueError: no input requires grad; eps <= 0, atol or rtol < 0 (or not finite).
        RuntimeError: called inside ``mg.no_grad()``, where ``backward()`` has no graph.

    PyTorch: ``torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)``,
    which expects float64 inputs and raises ``GradcheckError`` (a ``RuntimeError``).
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable (a function or a Module), got {type(fn).__name__}")
    eps = check_positive("eps", eps)
    atol = check_non_negative("atol", atol)
    rtol = check_non_negative("rtol", rtol)
    for k, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"gradcheck: input {k} must be a Tensor, got {type(x).__name__}; "
                "use constants inside fn, or pass them as Tensors without requires_grad"
            )
        if x.requires_grad and x.dtype.kind != "f":
            raise TypeError(f"gradcheck: input {k} requires grad but holds {x.dtype} data, not floating point")
    positions = [k for k, x in enumerate(inputs) if x.requires_grad]
    if not positions:
        integers = [k for k, x in enumerate(inputs) if x.dtype.kind != "f"]
        if integers:
            k = integers[0]
            raise TypeError(
                f"gradcheck: input {k} is an integer tensor ({inputs[k].dtype}); gradients need floating point: "
                "mg.Tensor(values, dtype=np.float64, requires_grad=True)"
            )
        raise ValueError("gradcheck needs at least one input Tensor with requires_grad=True")
    if not is_grad_enabled():
        raise RuntimeError("gradcheck runs backward(), which needs a graph: call it outside mg.no_grad()")

    default_dtype = get_default_dtype()
    swapped = []  # (tensor, its own .data, its _version), restored in reverse
    held_grads = []  # (tensor, its own .grad), restored after backward()
    try:
        set_default_dtype(np.float64)
        checked = [_float64_copy(x) for x in inputs]
        ours = {id(x) for x in checked}

        out = _call(fn, checked)
        for leaf in _graph(out):
            if leaf._backward is None and id(leaf) not in ours and _low_precision(leaf.data):
                swapped.append((leaf, leaf.data, leaf._version))
                leaf.data = leaf.data.astype(np.float64)
        if swapped:  # build the graph again, now from float64 tensors
            out = _call(fn, checked)
        _refuse_low_precision(out)

        if out.size == 1:
            weights = np.ones(out.shape)
        else:  # alternating signs, so that errors in two entries cannot cancel in the sum
            signs = np.where(np.arange(out.size).reshape(out.shape) % 2 == 0, 1.0, -1.0)
            weights = np.random.default_rng(0).uniform(0.5, 1.5, size=out.shape) * signs

        if out.requires_grad:
            # backward() adds into the .grad of every leaf it reaches, the caller's parameters too
            for leaf in _graph(out):
                if leaf._backward is None and leaf.requires_grad and id(leaf) not in ours:
                    held_grads.append((leaf, leaf.grad))
                    leaf.grad = None
            out.backward(weights)

        def scalar(*args) -> float:
            return float(np.sum(weights * fn(*args).data))

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
    finally:
        for leaf, grad in held_grads:
            leaf.grad = grad
        for leaf, data, version in reversed(swapped):
            leaf.data = data
            leaf._version = version
        set_default_dtype(default_dtype)


def _float64_copy(x: Tensor) -> Tensor:
    """A float64 copy of a floating-point input (checked inputs keep requiring grad);
    integer inputs, such as class labels, are passed as they are."""
    if x.dtype.kind != "f":
        return x
    return Tensor(x.data.astype(np.float64), requires_grad=x.requires_grad)


def _low_precision(array: np.ndarray) -> bool:
    return array.dtype.kind == "f" and array.dtype.itemsize < 8


def _call(fn, args) -> Tensor:
    out = fn(*args)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, it returned {type(out).__name__}")
    return out


def _graph(out: Tensor) -> list:
    """``out`` and every tensor it was computed from through recorded ops, each once.
    Leaves (``_backward is None``) include constants."""
    seen, order, stack = {id(out)}, [], [out]
    while stack:
        node = stack.pop()
        order.append(node)
        for parent in node._parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return order


def _refuse_low_precision(out: Tensor) -> None:
    """Finite differences with eps = 1e-6 are noise in float32 (its resolution near 1 is
    1e-7): refuse a graph that computes anything that depends on an input in float32.
    (Float32 constants are fine: they are exact numbers, used in float64 arithmetic.)"""
    computed = [node for node in _graph(out) if node.requires_grad and _low_precision(node.data)]
    if not computed:
        return
    # name where float32 starts: a result none of whose inputs was computed in float32
    first = next(n for n in computed if not any(p.requires_grad and _low_precision(p.data) for p in n._parents))
    what = f"the result of '{first._op}'" if first._backward is not None else "a tensor that requires grad"
    raise TypeError(
        f"gradcheck: fn computes in {first.dtype} ({what}, shape {first.shape}), and finite differences "
        "in float32 are too coarse to check anything. gradcheck already runs fn in float64 (inputs, "
        "default dtype and the float32 tensors fn's graph holds); this float32 comes from a tensor "
        "made inside fn with an explicit dtype (dtype=np.float32, or a float32 ndarray). Make it with "
        "the default dtype (leave dtype out, or dtype=mg.get_default_dtype()), or create it outside fn"
    )
