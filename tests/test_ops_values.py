"""Forward values and gradients worked out by hand."""

import math

import numpy as np
import pytest

import minigrad as mg


def leaf(values, dtype=np.float64):
    return mg.Tensor(np.array(values, dtype=dtype), requires_grad=True)


def test_product_and_chain_rule_by_hand():
    x, y = leaf(3.0), leaf(-2.0)
    z = (x * x * y + y.exp()) / 2  # dz/dx = x*y = -6, dz/dy = (x^2 + e^y) / 2
    z.backward()
    assert z.item() == pytest.approx((9 * -2 + math.exp(-2)) / 2)
    assert x.grad == pytest.approx(-6.0)
    assert y.grad == pytest.approx((9 + math.exp(-2)) / 2)


def test_broadcast_add_sums_the_bias_gradient_over_the_batch():
    x = leaf(np.arange(6.0).reshape(3, 2))
    b = leaf([10.0, 20.0])
    out = x + b
    np.testing.assert_array_equal(out.data, [[10, 21], [12, 23], [14, 25]])
    out.backward(np.ones((3, 2)))
    np.testing.assert_array_equal(b.grad, [3.0, 3.0])
    np.testing.assert_array_equal(x.grad, np.ones((3, 2)))


def test_sub_div_pow_neg_by_hand():
    a, b = leaf([4.0]), leaf([2.0])
    ((a - b) + (a / b) + a**2 - (-b)).sum().backward()
    # d/da = 1 + 1/b + 2a = 1 + 0.5 + 8; d/db = -1 - a/b^2 + 1 = -1
    np.testing.assert_allclose(a.grad, [9.5])
    np.testing.assert_allclose(b.grad, [-1.0])


def test_matmul_values_and_gradients():
    a = leaf([[1.0, 2.0], [3.0, 4.0]])
    b = leaf([[5.0], [6.0]])
    out = a @ b
    np.testing.assert_array_equal(out.data, [[17.0], [39.0]])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [[5.0, 6.0], [5.0, 6.0]])  # each row sees b
    np.testing.assert_array_equal(b.grad, [[4.0], [6.0]])  # column sums of a


def test_matrix_vector_and_dot_products():
    m, v = leaf([[1.0, 2.0], [3.0, 4.0]]), leaf([1.0, -1.0])
    np.testing.assert_array_equal((m @ v).data, [-1.0, -1.0])
    (v @ v).backward()
    np.testing.assert_array_equal(v.grad, [2.0, -2.0])


def test_batched_matmul_sums_the_weight_gradient_over_the_batch():
    x = leaf(np.ones((3, 2, 4)))
    w = leaf(np.ones((4, 5)))
    out = x @ w
    assert out.shape == (3, 2, 5)
    out.sum().backward()
    np.testing.assert_array_equal(w.grad, np.full((4, 5), 6.0))  # 3 batches x 2 rows


def test_elementwise_values():
    x = mg.Tensor(np.array([0.0, 1.0, 4.0]))
    np.testing.assert_allclose(x.exp().data, np.exp([0.0, 1.0, 4.0]))
    np.testing.assert_allclose((x + 1).log().data, np.log([1.0, 2.0, 5.0]))
    np.testing.assert_allclose(x.sqrt().data, [0.0, 1.0, 2.0])
    np.testing.assert_allclose(x.tanh().data, np.tanh([0.0, 1.0, 4.0]))


def test_sigmoid_keeps_relative_precision_in_both_tails():
    x = mg.Tensor(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
    s = x.sigmoid().data
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[2] == 0.5 and s[4] == 1.0
    assert s[1] == pytest.approx(math.exp(-40) / (1 + math.exp(-40)), rel=1e-12)


def test_relu_abs_clip_leaky_gradients_at_their_kinks():
    x = leaf([-1.0, 0.0, 2.0])
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])  # 0 at 0, as PyTorch
    x.grad = None
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])
    x.grad = None
    x.clip(-1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 0.0])  # the bounds themselves pass
    x.grad = None
    y = x.leaky_relu(0.1)
    np.testing.assert_allclose(y.data, [-0.1, 0.0, 2.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [0.1, 0.1, 1.0])


def test_reductions_with_tuple_axes_and_keepdims():
    x = leaf(np.arange(24.0).reshape(2, 3, 4))
    s = x.sum(axis=(0, 2), keepdims=True)
    assert s.shape == (1, 3, 1)
    # entry (i, j, k) is 12i + 4j + k; summing i in {0,1} and k in {0..3} gives 60 + 32j
    np.testing.assert_array_equal(s.data.ravel(), [60.0, 92.0, 124.0])
    m = x.mean(axis=-1)
    assert m.shape == (2, 3)
    m.sum().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 3, 4), 0.25))


def test_max_shares_the_gradient_between_ties():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]])
    top = x.max(axis=1)
    np.testing.assert_array_equal(top.data, [3.0, 2.0])
    top.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])


def test_indexing_accumulates_repeated_indices():
    x = leaf([1.0, 2.0, 3.0])
    picked = x[np.array([0, 0, 2, 0])]
    np.testing.assert_array_equal(picked.data, [1.0, 1.0, 3.0, 1.0])
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_per_row_indexing_picks_one_entry_per_row():
    logits = leaf([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    labels = np.array([1, 0, 1])
    picked = logits[np.arange(3), labels]
    np.testing.assert_array_equal(picked.data, [2.0, 3.0, 6.0])
    picked.sum().backward()
    np.testing.assert_array_equal(logits.grad, [[0, 1], [1, 0], [0, 1]])


def test_shape_ops():
    x = leaf(np.arange(6.0).reshape(2, 3))
    assert x.reshape(3, -1).shape == (3, 2)
    assert x.reshape((6,)).shape == (6,)
    assert x.T.shape == (3, 2)
    assert x.transpose(1, 0).shape == (3, 2)
    assert x.flatten().shape == (6,)
    np.testing.assert_array_equal(x.T.data, x.data.T)
    (x.T * mg.Tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(x.grad, np.arange(6.0).reshape(3, 2).T)


@pytest.mark.parametrize("logit", [1000.0, -1000.0])
def test_softmax_family_is_finite_for_huge_logits(logit):
    x = leaf([[logit, logit], [logit, -logit]])
    np.testing.assert_allclose(x.softmax().data, [[0.5, 0.5], [1.0, 0.0]] if logit > 0 else [[0.5, 0.5], [0.0, 1.0]])
    log_p = x.log_softmax()
    assert np.all(np.isfinite(log_p.data))
    np.testing.assert_allclose(log_p.data[0], [-math.log(2)] * 2)
    lse = x.logsumexp(axis=1)
    np.testing.assert_allclose(lse.data, [logit + math.log(2), abs(logit)])
    (log_p.sum() + lse.sum()).backward()
    assert np.all(np.isfinite(x.grad))


def test_softmax_gradient_by_hand():
    # d softmax_i / d x_j = s_i (delta_ij - s_j); with upstream g = e_0: s_0 (e_0 - s)
    x = leaf([0.0, math.log(3.0)])  # softmax = [1/4, 3/4]
    x.softmax().backward(np.array([1.0, 0.0]))
    np.testing.assert_allclose(x.grad, [0.25 * 0.75, -0.25 * 0.75])


def test_division_gradient_survives_huge_and_tiny_divisors():
    # -g * (a / b) / b, as PyTorch computes it; -g * a / (b * b) would overflow b*b
    a = leaf([1e200, 3.0])
    b = leaf([1e200, 1e-100])
    (a / b).sum().backward()
    np.testing.assert_allclose(b.grad, [-1e-200, -3e200], rtol=1e-12)


def test_scalar_base_to_a_tensor_power():
    x = leaf([0.0, 1.0, 3.0])
    y = 2.0**x
    np.testing.assert_allclose(y.data, [1.0, 2.0, 8.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad, np.array([1.0, 2.0, 8.0]) * math.log(2.0))
