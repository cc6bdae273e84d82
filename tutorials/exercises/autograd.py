"""Checkers for the exercises of tutorial 01 (autograd from scratch): a backward rule for
matrix multiplication, un-broadcasting a gradient, and a more accurate finite difference.

Each checker calls your function on cases it builds itself, compares the result with
something that does not depend on your code (finite differences computed here, minigrad's
own backward, or a hand-derived value), prints what it verified, and raises
AssertionError with what differs and a hint.
"""

from __future__ import annotations

import numpy as np

import minigrad as mg

from ._returned import returned


def _central_differences(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d x by central differences, one coordinate at a time (f: array -> float)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def _as_array(value, what: str) -> np.ndarray:
    if value is None:
        raise AssertionError(f"{what} is None: return a numpy array")
    return np.asarray(value, dtype=np.float64)


def check_matmul_backward(matmul_backward) -> float:
    """Check ``matmul_backward(A, B, grad_out) -> (grad_A, grad_B)``, the backward rule of
    ``out = A @ B`` for 2-d arrays: given ``grad_out`` = dLoss/dout (the shape of ``out``),
    return dLoss/dA and dLoss/dB.

    The reference is independent of any backward rule: the gradient of
    ``sum(grad_out * (A @ B))`` with respect to A and B by central differences. Returns the
    largest difference found."""
    rng = np.random.default_rng(1)
    shapes = [((2, 3), (3, 4)), ((1, 5), (5, 1)), ((4, 2), (2, 3))]
    largest = 0.0
    for shape_a, shape_b in shapes:
        A, B = rng.normal(size=shape_a), rng.normal(size=shape_b)
        G = rng.normal(size=(shape_a[0], shape_b[1]))
        answer = returned(matmul_backward(A.copy(), B.copy(), G.copy()), f"matmul_backward(A {shape_a}, B {shape_b}, "
                          "grad_out)", "the pair (grad_A, grad_B)")  # fmt: skip
        if not isinstance(answer, tuple) or len(answer) != 2:
            raise AssertionError(f"matmul_backward must return a pair (grad_A, grad_B), got {type(answer).__name__}")
        expected = {
            "grad_A": _central_differences(lambda a, B=B, G=G: float((G * (a @ B)).sum()), A),
            "grad_B": _central_differences(lambda b, A=A, G=G: float((G * (A @ b)).sum()), B),
        }
        hints = {
            "grad_A": "A[i, k] multiplies row k of B into row i of out, so grad_A = grad_out @ B.T",
            "grad_B": "B[k, j] multiplies column k of A into column j of out, so grad_B = A.T @ grad_out",
        }
        for (name, reference), value in zip(expected.items(), answer, strict=True):
            value = _as_array(value, name)
            if value.shape != reference.shape:
                raise AssertionError(
                    f"for A {shape_a} and B {shape_b}, your {name} has shape {value.shape}, but a gradient "
                    f"always has the shape of its input: {reference.shape}. Hint: {hints[name]}"
                )
            difference = float(np.abs(value - reference).max())
            if difference > 1e-6:
                raise AssertionError(
                    f"for A {shape_a} and B {shape_b}, your {name} differs from finite differences by "
                    f"{difference:.2e}:\nyours    {value.round(4).tolist()}\nexpected {reference.round(4).tolist()}\n"
                    f"Hint: {hints[name]}"
                )
            largest = max(largest, difference)
    cases = ", ".join(f"{a} @ {b}" for a, b in shapes)
    print(f"your matmul_backward matches finite differences for {cases} (largest difference {largest:.1e})")
    return largest


def check_unbroadcast(unbroadcast) -> None:
    """Check ``unbroadcast(grad, shape) -> array of that shape``: ``grad`` is the gradient
    of an op's output, and the input had ``shape`` before numpy broadcast it to
    ``grad.shape``; return the input's gradient (each broadcast copy adds its share).

    The reference is minigrad's backward of ``x + zeros(grad.shape)`` for an ``x`` of
    ``shape``."""
    rng = np.random.default_rng(2)
    cases = [((4, 3), (3,)), ((4, 3), (4, 1)), ((4, 3), (1, 3)), ((2, 4, 3), (4, 3)), ((2, 4, 3), (2, 1, 3)),
             ((4, 3), ()), ((4, 3), (4, 3))]  # fmt: skip
    for big, small in cases:
        grad = rng.normal(size=big)
        x = mg.Tensor(np.zeros(small), requires_grad=True)
        (x + mg.Tensor(np.zeros(big))).backward(grad)
        reference = np.asarray(x.grad)
        call = f"unbroadcast(grad of shape {big}, {small})"
        value = np.asarray(returned(unbroadcast(grad.copy(), small), call, "a numpy array"), dtype=np.float64)
        if value.shape != reference.shape:
            raise AssertionError(
                f"unbroadcast(grad of shape {big}, {small}) returned shape {value.shape}, expected {small}. "
                "Hint: first sum over the leading axes that broadcasting added, then sum with "
                "keepdims=True over the axes where the input has size 1."
            )
        if not np.allclose(value, reference, rtol=1e-12, atol=1e-12):
            raise AssertionError(
                f"unbroadcast(grad of shape {big}, {small}) gives {value.round(4).tolist()}, "
                f"minigrad's backward gives {reference.round(4).tolist()}. Hint: sum (not average) over the "
                "broadcast axes: every copy of the input moves the loss by its own share."
            )
    print(f"your unbroadcast matches minigrad's backward for {len(cases)} broadcasts: "
          + ", ".join(f"{small} -> {big}" for big, small in cases))  # fmt: skip


def check_four_point_difference(four_point_difference) -> float:
    """Check ``four_point_difference(f, x, eps) -> array like x``: the gradient of ``f``
    (array -> float) at ``x`` by the four-point formula, one coordinate at a time,

        (-f(x + 2 eps) + 8 f(x + eps) - 8 f(x - eps) + f(x - 2 eps)) / (12 eps),

    whose error shrinks like eps**4 (the central difference's like eps**2).

    The references are hand-derived gradients: cos(x) for sum(sin(x)), and 4 x**3 for
    sum(x**4). Returns the largest error at eps = 1e-2."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3))
    functions = {
        "sum(sin(x))": (lambda v: float(np.sin(v).sum()), np.cos(x)),
        "sum(x**4)": (lambda v: float((v**4).sum()), 4 * x**3),
    }
    largest = central = 0.0
    for name, (f, exact) in functions.items():
        central = max(central, float(np.abs(_central_differences(f, x, 1e-2) - exact).max()))
        original = x.copy()
        call = f"four_point_difference(f = {name}, x, 1e-2)"
        value = np.asarray(returned(four_point_difference(f, x, 1e-2), call, "a numpy array"), dtype=np.float64)
        if not np.array_equal(x, original):
            raise AssertionError("four_point_difference changed x: nudge a copy, or put each entry back")
        if value.shape != x.shape:
            raise AssertionError(f"the gradient has shape {value.shape}, x has {x.shape}: nudge each entry of x")
        error = float(np.abs(value - exact).max())
        if error > 1e-7:  # the formula's error at eps = 1e-2 is below 1e-8; the central difference's above 1e-5
            hint = (
                "this is the central difference's size of error (eps**2): check the weights -1, 8, -8, 1 and the 12"
                if error < 1e-3
                else "check the formula, the signs, and that you divide by 12 eps"
            )
            raise AssertionError(f"for f = {name} at eps = 1e-2, the largest error is {error:.1e}: {hint}")
        largest = max(largest, error)
    print(f"your four_point_difference gives the exact gradients of {' and '.join(functions)} "
          f"to {largest:.1e} at eps = 1e-2 (the central difference to {central:.1e})")  # fmt: skip
    return largest
