"""Worked solutions to the exercises of tutorial 01 (autograd from scratch).

Run from tutorials/: ``python -m solutions.autograd`` checks each one with its checker.
"""

import numpy as np


def matmul_backward(A, B, grad_out):
    """out = A @ B, so out[i, j] = sum_k A[i, k] B[k, j]: d out[i, j] / d A[i, k] = B[k, j]
    and d out[i, j] / d B[k, j] = A[i, k]. Summing over the outputs each entry feeds:"""
    return grad_out @ B.T, A.T @ grad_out


def unbroadcast(grad, shape):
    """Sum grad back to ``shape``: over the leading axes numpy added, then over the axes
    where the input had size 1 (kept, so the result has exactly ``shape``)."""
    grad = np.asarray(grad)
    added = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(added)))
    stretched = tuple(axis for axis, size in enumerate(shape) if size == 1 and grad.shape[axis] != 1)
    return grad.sum(axis=stretched, keepdims=True).reshape(shape)


def four_point_difference(f, x, eps):
    """(-f(x + 2 eps) + 8 f(x + eps) - 8 f(x - eps) + f(x - 2 eps)) / (12 eps) per coordinate."""
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(*x.shape):

        def at(step, index=index):
            nudged = x.astype(np.float64)  # a copy: x itself is never changed
            nudged[index] += step
            return f(nudged)

        grad[index] = (-at(2 * eps) + 8 * at(eps) - 8 * at(-eps) + at(-2 * eps)) / (12 * eps)
    return grad


if __name__ == "__main__":
    from exercises.autograd import check_four_point_difference, check_matmul_backward, check_unbroadcast

    check_matmul_backward(matmul_backward)
    check_unbroadcast(unbroadcast)
    check_four_point_difference(four_point_difference)
