"""nn.init against PyTorch's formulas, and nn.utils.clip_grad_norm_."""

import math

import numpy as np
import pytest

from minigrad import nn
from minigrad.nn import init


def weight(out_features=400, in_features=600):
    return nn.Parameter(np.zeros((out_features, in_features), dtype=np.float32))


@pytest.mark.parametrize(
    "nonlinearity, param, gain",
    [
        ("linear", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain(nonlinearity, param, gain):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-15)


def test_unknown_nonlinearity():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


# (initialiser, kwargs, "uniform" bound or "normal" std), from the papers' formulas with
# fan_in = 600 and fan_out = 400
CASES = [
    (init.xavier_uniform_, {}, "uniform", math.sqrt(6 / 1000)),
    (init.xavier_uniform_, {"gain": 2.0}, "uniform", 2 * math.sqrt(6 / 1000)),
    (init.xavier_normal_, {}, "normal", math.sqrt(2 / 1000)),
    (init.kaiming_uniform_, {"nonlinearity": "relu"}, "uniform", math.sqrt(2) * math.sqrt(3 / 600)),
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, "uniform", 1 / math.sqrt(600)),
    (init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"}, "uniform", math.sqrt(6 / 400)),
    (init.kaiming_normal_, {"nonlinearity": "relu"}, "normal", math.sqrt(2 / 600)),
    (init.kaiming_normal_, {"nonlinearity": "tanh", "mode": "fan_out"}, "normal", 5 / 3 / math.sqrt(400)),
]


@pytest.mark.parametrize("fn, kwargs, kind, scale", CASES)
def test_initialisers_follow_their_formulas(fn, kwargs, kind, scale):
    w = weight()
    assert fn(w, generator=0, **kwargs) is w
    assert w.dtype == np.float32
    values = w.data.astype(np.float64)
    if kind == "uniform":
        assert np.abs(values).max() <= scale * (1 + 1e-6)
        assert np.abs(values).max() > 0.999 * scale
        assert values.std() == pytest.approx(scale / math.sqrt(3), rel=0.01)
    else:
        assert values.std() == pytest.approx(scale, rel=0.01)
    assert abs(values.mean()) < 0.01 * scale


def test_fills_and_simple_distributions():
    w = weight(3, 4)
    np.testing.assert_array_equal(init.ones_(w).data, 1)
    np.testing.assert_array_equal(init.zeros_(w).data, 0)
    np.testing.assert_array_equal(init.constant_(w, 0.5).data, 0.5)
    u = init.uniform_(weight(), -2.0, 3.0, generator=1).data
    assert u.min() >= -2 and u.max() <= 3 and u.mean() == pytest.approx(0.5, abs=0.02)
    n = init.normal_(weight(), 1.0, 0.5, generator=1).data
    assert n.mean() == pytest.approx(1.0, abs=0.01) and n.std() == pytest.approx(0.5, rel=0.01)


def test_fans_need_a_matrix_with_elements():
    with pytest.raises(ValueError, match=r"no elements \(shape \(0, 5\)\)"):
        init.kaiming_uniform_(nn.Parameter(np.zeros((0, 5))))


def test_fans_need_a_matrix():
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(5,\)"):
        init.xavier_uniform_(nn.Parameter(np.zeros(5)))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(weight(), mode="fan_avg")


class TestClipGradNorm:
    def params_with_grads(self, *grads):
        params = [nn.Parameter(np.zeros(np.shape(g))) for g in grads]
        for p, g in zip(params, grads, strict=True):
            p.grad = np.array(g, dtype=np.float64)
        return params

    def test_scales_all_gradients_together_to_the_max_norm(self):
        params = self.params_with_grads([3.0, 0.0], [[4.0]])  # total norm 5
        total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
        assert float(total) == 5.0
        scale = 1.0 / (5.0 + 1e-6)
        np.testing.assert_allclose(params[0].grad, [3 * scale, 0.0], rtol=1e-12)
        np.testing.assert_allclose(params[1].grad, [[4 * scale]], rtol=1e-12)

    def test_leaves_small_gradients_alone(self):
        params = self.params_with_grads([0.3, 0.4])
        assert float(nn.utils.clip_grad_norm_(params, 1.0)) == pytest.approx(0.5)
        np.testing.assert_array_equal(params[0].grad, [0.3, 0.4])

    def test_other_norms_and_missing_gradients(self):
        params = self.params_with_grads([3.0, -4.0], [1.0])
        params.append(nn.Parameter(np.zeros(2)))  # no gradient: ignored
        assert float(nn.utils.clip_grad_norm_(params, 100.0, norm_type=1)) == 8.0
        assert float(nn.utils.clip_grad_norm_(params, 100.0, norm_type=math.inf)) == 4.0

    def test_keeps_float32_gradients_float32(self):
        p = nn.Parameter(np.zeros(2, dtype=np.float32))
        p.grad = np.array([30.0, 40.0], dtype=np.float32)
        nn.utils.clip_grad_norm_(p, 1.0)
        assert p.grad.dtype == np.float32

    def test_negative_infinity_norm_is_the_smallest_magnitude_and_bad_norms_are_refused(self):
        params = self.params_with_grads([0.5, -3.0], [2.0])
        assert float(nn.utils.clip_grad_norm_(params, 100.0, norm_type=-math.inf)) == 0.5
        with pytest.raises(ValueError, match=r"norm_type must be positive or \+-inf, got 0.0"):
            nn.utils.clip_grad_norm_(params, 1.0, norm_type=0)

    def test_non_finite_norm_can_be_an_error(self):
        params = self.params_with_grads([np.inf])
        with pytest.raises(RuntimeError, match="total gradient norm is inf"):
            nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
