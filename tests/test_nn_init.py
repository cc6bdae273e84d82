"""nn.init against PyTorch's formulas, and nn.utils.clip_grad_norm_ and clip_grad_value_."""

import math

import numpy as np
import pytest

import minigrad as mg
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
    with pytest.raises(ValueError, match=r"nonlinearity must be one of 'linear', .*'selu'; got 'swish'"):
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
    with pytest.raises(ValueError, match="mode must be one of 'fan_in', 'fan_out'; got 'fan_avg'"):
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
        with pytest.raises(ValueError, match=r"norm_type must be positive or \+-inf, got 0"):
            nn.utils.clip_grad_norm_(params, 1.0, norm_type=0)

    def test_non_finite_norm_can_be_an_error(self):
        params = self.params_with_grads([np.inf])
        with pytest.raises(RuntimeError, match="total gradient norm is inf"):
            nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)


class TestPyTorchsOrderOfOperations:
    """The bounds are computed as PyTorch computes them, to the last bit: std first, then
    sqrt(3) * std. gain * sqrt(6 / n) is the same number on paper but rounds differently for
    these shapes."""

    @pytest.fixture
    def bounds(self, monkeypatch):
        seen = []

        def recording_uniform_(tensor, a=0.0, b=1.0, generator=None):
            seen.append((a, b))
            return tensor

        monkeypatch.setattr(init, "uniform_", recording_uniform_)
        return seen

    def test_xavier_uniform(self, bounds):
        init.xavier_uniform_(weight(7, 5))
        std = 1.0 * math.sqrt(2.0 / float(5 + 7))
        assert bounds == [(-math.sqrt(3.0) * std, math.sqrt(3.0) * std)]
        assert math.sqrt(3.0) * std != math.sqrt(6.0 / 12)  # the paper's form, one bit apart

    def test_kaiming_uniform(self, bounds):
        init.kaiming_uniform_(weight(4, 10), nonlinearity="relu")
        std = math.sqrt(2.0) / math.sqrt(10)
        assert bounds == [(-math.sqrt(3.0) * std, math.sqrt(3.0) * std)]
        assert math.sqrt(3.0) * std != math.sqrt(2.0) * math.sqrt(3.0 / 10)

    def test_linear_default_with_two_inputs(self, bounds):
        nn.Linear(2, 16)
        gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
        bound = math.sqrt(3.0) * (gain / math.sqrt(2))
        assert bounds[0] == (-bound, bound)
        assert bound != gain * math.sqrt(3.0 / 2)
        assert bounds[1] == (-1 / math.sqrt(2), 1 / math.sqrt(2))  # the bias


ALL_INITIALISERS = [
    (init.zeros_, {}),
    (init.ones_, {}),
    (init.constant_, {"val": 0.3}),
    (init.uniform_, {"a": -1.0, "b": 1.0}),
    (init.normal_, {"mean": 0.0, "std": 1.0}),
    (init.xavier_uniform_, {}),
    (init.xavier_normal_, {}),
    (init.kaiming_uniform_, {}),
    (init.kaiming_normal_, {}),
]


@pytest.mark.parametrize("fn, kwargs", ALL_INITIALISERS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_initialiser_bumps_the_version_counter(fn, kwargs):
    # an in-place change, like PyTorch's: a graph that saved the old values can refuse to backpropagate
    w = weight(3, 4)
    before = w._version
    fn(w, **kwargs)
    assert w._version == before + 1


def test_reset_parameters_bumps_the_version_of_weight_and_bias():
    layer = nn.Linear(3, 2)
    versions = (layer.weight._version, layer.bias._version)
    layer.reset_parameters()
    assert (layer.weight._version, layer.bias._version) == (versions[0] + 1, versions[1] + 1)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda w: init.xavier_uniform_(w, gain="2"), TypeError, "gain must be a number, got '2'"),
        (lambda w: init.xavier_normal_(w, gain=math.nan), ValueError, "gain must be finite, got nan"),
        (lambda w: init.kaiming_uniform_(w, a=None), TypeError, "a must be a number, got None"),
        (lambda w: init.kaiming_normal_(w, a=math.inf), ValueError, "a must be finite, got inf"),
        (lambda w: init.kaiming_uniform_(w, mode="avg"), ValueError, "mode must be one of 'fan_in', 'fan_out'; got"),
        (lambda w: init.kaiming_normal_(w, mode=0), TypeError, "mode must be a string"),
        (lambda w: init.kaiming_uniform_(w, nonlinearity="gelu"), ValueError, "nonlinearity must be one of .*'gelu'"),
        (lambda w: init.kaiming_normal_(w, nonlinearity=None), TypeError, "nonlinearity must be a string"),
        (lambda w: init.uniform_(w, a="0"), TypeError, "a must be a number, got '0'"),
        (lambda w: init.uniform_(w, 1.0, 0.0), ValueError, "uniform_ needs a <= b, got a=1.0, b=0.0"),
        (lambda w: init.normal_(w, std=-1.0), ValueError, r"std must be >= 0, got -1.0"),
        (lambda w: init.normal_(w, mean=[0.0]), TypeError, r"mean must be a number, got \[0.0\]"),
        (lambda w: init.constant_(w, math.nan), ValueError, "val must be finite, got nan"),
        (lambda w: init.constant_(w, "1"), TypeError, "val must be a number, got '1'"),
        (lambda w: init.zeros_(w.data), TypeError, "tensor must be a Tensor .*, got ndarray"),
        (lambda w: init.xavier_uniform_(w.data), TypeError, "tensor must be a Tensor .*, got ndarray"),
    ],
)  # fmt: skip
def test_arguments_follow_the_one_rule(call, error, message):
    w = weight(3, 4)
    before = w.data.copy()
    with pytest.raises(error, match=message):
        call(w)
    np.testing.assert_array_equal(w.data, before)  # nothing written


def test_calculate_gain_checks_its_arguments():
    with pytest.raises(TypeError, match="nonlinearity must be a string"):
        init.calculate_gain(None)
    with pytest.raises(TypeError, match="negative_slope must be a number, got True"):
        init.calculate_gain("leaky_relu", True)


class TestClipGradNormExtremes:
    def params_with_grads(self, *grads):
        return TestClipGradNorm.params_with_grads(None, *grads)

    def test_huge_gradients_do_not_overflow_the_norm(self):
        # sum of squares is 2e400 = inf in float64; the norm itself, sqrt(2) 1e200, is not
        params = self.params_with_grads([1e200], [-1e200])
        total = float(nn.utils.clip_grad_norm_(params, 1.0))
        assert total == pytest.approx(math.sqrt(2) * 1e200, rel=1e-15, abs=0)
        np.testing.assert_allclose([params[0].grad[0], params[1].grad[0]], [0.5**0.5, -(0.5**0.5)], rtol=1e-15)

    def test_tiny_gradients_do_not_underflow_the_norm(self):
        params = self.params_with_grads([3e-200, 4e-200])
        assert float(nn.utils.clip_grad_norm_(params, 1.0)) == pytest.approx(5e-200, rel=1e-15, abs=0)
        params = self.params_with_grads([3e-170], [4e-170])
        assert float(nn.utils.clip_grad_norm_(params, 1.0, norm_type=3)) == pytest.approx(
            (27 + 64) ** (1 / 3) * 1e-170, rel=1e-14, abs=0
        )

    def test_the_infinity_norm_keeps_a_nan(self):
        # Python's max(1.0, nan) is 1.0: the nan would be lost, and the gradients silently kept
        params = self.params_with_grads([1.0], [math.nan])
        assert math.isnan(float(nn.utils.clip_grad_norm_(params, 1.0, norm_type=math.inf)))
        with pytest.raises(RuntimeError, match="total gradient norm is nan"):
            nn.utils.clip_grad_norm_(params, 1.0, norm_type=math.inf, error_if_nonfinite=True)

    def test_infinite_max_norm_only_measures(self):
        params = self.params_with_grads([3.0, 4.0])
        assert float(nn.utils.clip_grad_norm_(params, math.inf)) == 5.0
        np.testing.assert_array_equal(params[0].grad, [3.0, 4.0])

    def test_inf_as_a_string_as_in_pytorch(self):
        params = self.params_with_grads([3.0, -4.0])
        assert float(nn.utils.clip_grad_norm_(params, 100.0, norm_type="inf")) == 4.0

    @pytest.mark.parametrize(
        "kwargs, error, message",
        [
            ({"max_norm": math.nan}, ValueError, "max_norm must be finite, got nan"),
            ({"max_norm": -1.0}, ValueError, "max_norm must be >= 0, got -1.0"),
            ({"max_norm": "1"}, TypeError, "max_norm must be a number, got '1'"),
            ({"norm_type": True}, TypeError, "norm_type must be a number or 'inf', got True"),
            ({"norm_type": "2"}, TypeError, "norm_type must be a number or 'inf', got '2'"),
            ({"norm_type": math.nan}, ValueError, r"norm_type must be positive or \+-inf, got nan"),
            ({"norm_type": -1}, ValueError, r"norm_type must be positive or \+-inf, got -1"),
            ({"error_if_nonfinite": 1}, TypeError, "error_if_nonfinite must be True or False, got 1"),
        ],
    )
    def test_arguments_follow_the_one_rule(self, kwargs, error, message):
        params = self.params_with_grads([3.0, 4.0])
        with pytest.raises(error, match=message):
            nn.utils.clip_grad_norm_(params, **{"max_norm": 1.0, **kwargs})
        np.testing.assert_array_equal(params[0].grad, [3.0, 4.0])  # nothing scaled


def test_clip_grad_value_clamps_each_gradient_in_place_and_skips_missing_ones():
    a, b, c = (mg.Tensor(np.zeros(3), requires_grad=True) for _ in range(3))
    a.grad, b.grad = np.array([-5.0, 0.5, np.nan]), np.array([2.0, -1.0, 1.5])
    grad_of_b = b.grad
    nn.utils.clip_grad_value_([a, b, c], 1.5)
    np.testing.assert_array_equal(a.grad, [-1.5, 0.5, np.nan])
    assert b.grad is grad_of_b and b.grad.tolist() == [1.5, -1.0, 1.5] and c.grad is None
    with pytest.raises(ValueError, match="clip_value must be >= 0, got -1"):
        nn.utils.clip_grad_value_(a, -1)
