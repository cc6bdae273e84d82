"""Worked solutions to the exercises of tutorial 07 (RMSprop's variants). Run from tutorials/:

    python -m solutions.rmsprop_variants
"""

import numpy as np


def momentum_rmsprop_step(theta, grad, state, lr, alpha, eps, momentum):
    """PyTorch's form: the buffer holds the scaled gradients, and lr multiplies the buffer,
    so a new lr applies to the whole velocity at once."""
    v = alpha * state.get("v", np.zeros_like(theta)) + (1 - alpha) * grad**2
    b = momentum * state.get("b", np.zeros_like(theta)) + grad / (np.sqrt(v) + eps)
    state["v"], state["b"] = v, b
    return theta - lr * b


def ten_percent_gradient(eps, inside):
    """Settled, v = g^2, so the step is lr * |g| / divisor.
    Outside: |g| / (|g| + eps) = 0.9 gives |g| = 9 eps.
    Inside: |g| / sqrt(g^2 + eps) = 0.9 gives g^2 = 0.81 (g^2 + eps), |g| = 0.9 sqrt(eps / 0.19),
    about 2.06 sqrt(eps)."""
    return 0.9 * np.sqrt(eps / 0.19) if inside else 9 * eps


if __name__ == "__main__":
    from exercises.rmsprop_variants import check_momentum_rule, check_ten_percent_gradient

    check_momentum_rule(momentum_rmsprop_step)
    check_ten_percent_gradient(ten_percent_gradient)
