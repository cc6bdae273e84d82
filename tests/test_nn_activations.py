"""GELU, ELU, Softplus, SiLU, Softmax/LogSoftmax with dim: values against published constants
and hand-derived formulas, identities, extreme inputs, gradients by finite differences,
dtypes, argument errors, repr."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.strategies import arrays, nonscalar_shapes, shapes

# Phi(x), the standard normal CDF, from published tables (Abramowitz & Stegun 26.2)
PHI_1 = 0.8413447460685429
PHI_MINUS_10 = 7.619853024160527e-24
TANH_BETA = math.sqrt(2 / math.pi)


def t(values, dtype=np.float64):
    return mg.Tensor(np.array(values, dtype=dtype), requires_grad=True)


def grad_of(fn, values, **kwargs):
    x = t(values)
    fn(x, **kwargs).sum().backward()
    return x.grad


class TestGELU:
    def test_exact_values_from_the_normal_table(self):
        out = F.gelu(t([0.0, 1.0, -1.0, -10.0]))
        np.testing.assert_allclose(out.data, [0.0, PHI_1, -(1 - PHI_1), -10 * PHI_MINUS_10], rtol=1e-14)

    def test_exact_gradient_is_cdf_plus_x_times_density(self):
        density = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        expected = [0.5, PHI_1 + density(1.0), (1 - PHI_1) - density(1.0), PHI_MINUS_10 - 10 * density(10.0)]
        np.testing.assert_allclose(grad_of(F.gelu, [0.0, 1.0, -1.0, -10.0]), expected, rtol=1e-13)

    def test_exact_lower_tail_keeps_its_relative_precision(self):
        # 1 + erf(x / sqrt 2) cancels to 0 below x = -8.3 (PyTorch's formula gives -0 there)
        assert F.gelu(t([-10.0])).item() == pytest.approx(-10 * PHI_MINUS_10, rel=1e-13, abs=0)

    @given(arrays(shapes, -6, 6))
    def test_gelu_x_minus_gelu_minus_x_is_x(self, x):
        # Phi(x) + Phi(-x) = 1
        np.testing.assert_allclose((F.gelu(mg.Tensor(x)) - F.gelu(mg.Tensor(-x))).data, x, rtol=1e-14, atol=1e-15)

    def test_tanh_approximation_is_pytorchs_formula(self):
        x = np.linspace(-5, 5, 41)
        expected = 0.5 * x * (1 + np.tanh(TANH_BETA * (x + 0.044715 * x**3)))
        # 1 + tanh(u) loses absolute precision |x| eps / 2 for x < 0, in this reference
        np.testing.assert_allclose(F.gelu(t(x), approximate="tanh").data, expected, rtol=1e-13, atol=1e-15)

    def test_tanh_approximation_lower_tail_is_exact(self):
        # x (1 + tanh u) / 2 = x / (1 + exp(-2u)) = x exp(2u) / (1 + exp(2u)): no cancellation
        u = TANH_BETA * (-10 - 0.044715 * 1000)
        expected = -10 * math.exp(2 * u) / (1 + math.exp(2 * u))
        assert F.gelu(t([-10.0]), approximate="tanh").item() == pytest.approx(expected, rel=1e-14, abs=0)

    @pytest.mark.parametrize("approximate", ["none", "tanh"])
    def test_huge_inputs_have_the_limits_of_x_and_0(self, approximate):
        x = t([1e200, -1e200, 1e30, -1e30])
        out = F.gelu(x, approximate=approximate)
        np.testing.assert_array_equal(out.data, [1e200, -0.0, 1e30, -0.0])
        out.sum().backward()
        np.testing.assert_array_equal(x.grad, [1.0, 0.0, 1.0, 0.0])  # PyTorch's tanh formula gives nan here

    @pytest.mark.parametrize("approximate", ["none", "tanh"])
    def test_module_matches_function(self, approximate):
        x = mg.Tensor(np.linspace(-3, 3, 7))
        np.testing.assert_array_equal(nn.GELU(approximate)(x).data, F.gelu(x, approximate).data)

    def test_unknown_approximation(self):
        with pytest.raises(ValueError, match=r"approximate must be one of 'none', 'tanh'; got 'erf'"):
            nn.GELU("erf")
        with pytest.raises(ValueError, match="approximate must be one of"):
            F.gelu(t([1.0]), approximate="Tanh")
        with pytest.raises(TypeError, match="approximate must be a string"):
            nn.GELU(None)


class TestELU:
    def test_values(self):
        out = F.elu(t([-1.0, 0.0, 2.0]))
        np.testing.assert_allclose(out.data, [math.exp(-1) - 1, 0.0, 2.0], rtol=1e-15)
        np.testing.assert_allclose(nn.ELU(alpha=0.5)(t([-2.0])).data, [0.5 * (math.exp(-2) - 1)], rtol=1e-15)

    def test_tiny_negative_input_uses_expm1(self):
        # alpha (exp(x) - 1) = x + x^2/2 + ...: exp(x) - 1 would give -1.00000008274e-10
        assert F.elu(t([-1e-10])).item() == pytest.approx(-1e-10 + 0.5e-20, rel=1e-15, abs=0)

    def test_gradient_is_1_above_0_and_alpha_exp_x_at_and_below(self):
        np.testing.assert_allclose(
            grad_of(F.elu, [-2.0, 0.0, 3.0], alpha=0.5), [0.5 * math.exp(-2), 0.5, 1.0], rtol=1e-15
        )

    def test_extremes(self):
        x = t([-1e300, -math.inf, 1e300])
        out = F.elu(x)
        np.testing.assert_array_equal(out.data, [-1.0, -1.0, 1e300])
        out.sum().backward()
        np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])

    @pytest.mark.parametrize("alpha", ["1", None, True])
    def test_alpha_must_be_a_number(self, alpha):
        with pytest.raises(TypeError, match="alpha must be a number"):
            nn.ELU(alpha)
        with pytest.raises(TypeError, match="alpha must be a number"):
            F.elu(t([1.0]), alpha)


class TestSoftplus:
    def test_values(self):
        out = F.softplus(t([0.0, 1.0, -1.0]))
        np.testing.assert_allclose(out.data, [math.log(2), math.log(1 + math.e), math.log(1 + 1 / math.e)], rtol=1e-15)
        assert F.softplus(t([0.0]), beta=2.0).item() == pytest.approx(math.log(2) / 2, rel=1e-15)

    def test_linear_above_the_threshold(self):
        # beta x > threshold: x itself; at the threshold still log1p(exp(beta x)) / beta
        out = F.softplus(t([20.5, 20.0, 5.0, 4.0]), beta=1.0, threshold=20.0)
        assert out.data[0] == 20.5 and out.data[1] == pytest.approx(20 + math.exp(-20), rel=1e-15)
        out = F.softplus(t([3.0, 2.0]), beta=2.0, threshold=5.0)
        assert out.data[0] == 3.0
        assert out.data[1] == pytest.approx(math.log1p(math.exp(4.0)) / 2, rel=1e-15)

    def test_lower_tail_is_exp_x(self):
        # log(1 + e) = e - e^2/2 + ...
        assert F.softplus(t([-40.0])).item() == pytest.approx(math.exp(-40), rel=1e-15, abs=0)

    def test_threshold_beyond_exps_range_stays_finite(self):
        # PyTorch gives inf and a nan gradient here; log(1 + exp(1000)) is 1000 + log1p(exp(-1000))
        x = t([1000.0])
        out = F.softplus(x, threshold=1e4)
        assert out.item() == 1000.0
        out.backward()
        assert x.grad[0] == 1.0

    def test_gradient_is_sigmoid_of_beta_x(self):
        np.testing.assert_allclose(
            grad_of(F.softplus, [0.0, 1.0, 30.0], beta=2.0), [0.5, 1 / (1 + math.exp(-2)), 1.0], rtol=1e-15
        )

    def test_negative_beta(self):
        # PyTorch allows it: -softplus(-x) with beta 1, i.e. min(x, 0) - log1p(exp(-|x|))
        np.testing.assert_allclose(
            F.softplus(t([1.0, -3.0]), beta=-1.0).data, [-math.log1p(math.exp(-1)), -3 - math.log1p(math.exp(-3))]
        )

    def test_beta_and_threshold_are_checked(self):
        with pytest.raises(ValueError, match="beta must be non-zero"):
            nn.Softplus(beta=0)
        with pytest.raises(ValueError, match="beta must be non-zero"):
            F.softplus(t([1.0]), beta=0.0)
        with pytest.raises(TypeError, match="threshold must be a number, got '20'"):
            nn.Softplus(threshold="20")
        with pytest.raises(ValueError, match="beta must be finite, got inf"):
            F.softplus(t([1.0]), beta=math.inf)


class TestSiLU:
    def test_values(self):
        np.testing.assert_allclose(F.silu(t([0.0, 1.0, -1.0])).data, [0.0, 1 / (1 + math.exp(-1)), -1 / (1 + math.e)])

    def test_gradient_is_pytorchs_formula(self):
        s = 1 / (1 + math.exp(-2.0))
        np.testing.assert_allclose(grad_of(F.silu, [2.0, 0.0]), [s * (1 + 2 * (1 - s)), 0.5], rtol=1e-15)

    def test_lower_tail(self):
        assert F.silu(t([-40.0])).item() == pytest.approx(-40 * math.exp(-40) / (1 + math.exp(-40)), rel=1e-15)
        np.testing.assert_array_equal(nn.SiLU()(t([-1e300, 1e300])).data, [-0.0, 1e300])


# --------------------------------------------------------------------- shared properties
ACTIVATIONS = {
    "gelu": (F.gelu, ()),
    "gelu tanh": (lambda x: F.gelu(x, approximate="tanh"), ()),
    "elu": (F.elu, (0.0,)),
    "elu alpha=-0.7": (lambda x: F.elu(x, alpha=-0.7), (0.0,)),
    "softplus": (F.softplus, ()),
    "softplus beta=2 threshold=3": (lambda x: F.softplus(x, beta=2.0, threshold=3.0), (1.5,)),
    "softplus beta=-1": (lambda x: F.softplus(x, beta=-1.0), ()),
    "silu": (F.silu, ()),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@given(data=st.data())
def test_gradients_match_finite_differences(name, data):
    fn, kinks = ACTIVATIONS[name]
    x = mg.Tensor(data.draw(arrays(data.draw(shapes), -6, 6, avoid=kinks)), requires_grad=True)
    assert mg.gradcheck(fn, x)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_float32_stays_float32(name):
    fn, _ = ACTIVATIONS[name]
    x = mg.Tensor(np.linspace(-30, 30, 13, dtype=np.float32), requires_grad=True)
    out = fn(x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32
    reference = fn(mg.Tensor(x.data.astype(np.float64))).data
    np.testing.assert_allclose(out.data, reference, rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_integers_become_the_default_float_dtype(name):
    fn, _ = ACTIVATIONS[name]
    out = fn(mg.Tensor(np.array([-1, 0, 2])))
    assert out.dtype == mg.get_default_dtype()
    np.testing.assert_allclose(out.data, fn(mg.Tensor([-1.0, 0.0, 2.0])).data)


@pytest.mark.parametrize(
    "module, text",
    [
        (nn.GELU(), "GELU(approximate='none')"),
        (nn.GELU(approximate="tanh"), "GELU(approximate='tanh')"),
        (nn.ELU(), "ELU(alpha=1.0)"),
        (nn.Softplus(beta=2, threshold=10), "Softplus(beta=2.0, threshold=10.0)"),
        (nn.SiLU(), "SiLU()"),
        (nn.Softmax(dim=1), "Softmax(dim=1)"),
        (nn.LogSoftmax(), "LogSoftmax(dim=-1)"),
    ],
)
def test_repr_like_pytorch(module, text):
    assert repr(module) == text


# --------------------------------------------------------------------- softmax with dim
class TestSoftmaxDim:
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, np.log(2.0)]])

    def expected(self, axis):
        e = np.exp(self.x - self.x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    @pytest.mark.parametrize("kwargs, axis", [({}, -1), ({"dim": 0}, 0), ({"axis": 0}, 0), ({"dim": 1}, 1)])
    def test_functions_take_dim_or_axis(self, kwargs, axis):
        np.testing.assert_allclose(F.softmax(mg.Tensor(self.x), **kwargs).data, self.expected(axis), rtol=1e-15)
        np.testing.assert_allclose(
            F.log_softmax(mg.Tensor(self.x), **kwargs).data, np.log(self.expected(axis)), rtol=1e-14
        )

    def test_dim_is_the_second_positional_argument(self):
        np.testing.assert_allclose(F.softmax(mg.Tensor(self.x), 0).data, self.expected(0), rtol=1e-15)
        np.testing.assert_allclose(nn.LogSoftmax(0)(mg.Tensor(self.x)).data, np.log(self.expected(0)), rtol=1e-14)

    @pytest.mark.parametrize("module", [nn.Softmax, nn.LogSoftmax])
    def test_modules_take_dim_or_axis(self, module):
        for kwargs in ({"dim": 0}, {"axis": 0}):
            layer = module(**kwargs)
            assert layer.dim == 0
            out = layer(mg.Tensor(self.x)).data
            np.testing.assert_allclose(out if module is nn.Softmax else np.exp(out), self.expected(0), rtol=1e-14)

    def test_both_spellings_at_once_is_a_type_error(self):
        with pytest.raises(TypeError, match="give dim or axis, not both"):
            nn.Softmax(dim=1, axis=1)
        with pytest.raises(TypeError, match="give dim or axis, not both"):
            F.log_softmax(mg.Tensor(self.x), dim=0, axis=0)

    def test_dim_must_be_an_int(self):
        with pytest.raises(TypeError, match="dim must be an int, got 1.0"):
            nn.LogSoftmax(dim=1.0)

    @pytest.mark.parametrize("module", [nn.Softmax, nn.LogSoftmax])
    @given(data=st.data())
    def test_gradients(self, module, data):
        shape = data.draw(nonscalar_shapes)
        dim = data.draw(st.integers(-len(shape), len(shape) - 1))
        x = mg.Tensor(data.draw(arrays(shape, -5, 5)), requires_grad=True)
        assert mg.gradcheck(module(dim=dim), x)


@pytest.mark.parametrize(
    "layer",
    [nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.LeakyReLU(0.1), nn.GELU(), nn.ELU(), nn.Softplus(), nn.SiLU(),
     nn.Softmax(dim=1), nn.LogSoftmax(dim=1), nn.Dropout(0.5).eval(), nn.Flatten(), nn.BatchNorm1d(3),
     F.relu, F.tanh, F.sigmoid, F.leaky_relu, F.softmax, F.log_softmax, F.dropout],
    ids=repr,
)  # fmt: skip
def test_every_layer_and_function_takes_an_ndarray_as_a_tensor(layer):
    # as nn.Linear does: an ndarray in the middle of a Sequential used to fail inside minigrad
    # (ndarray.data is a memoryview) or come back as an ndarray
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]])
    kwargs = {"training": False} if layer is F.dropout else {}
    out = layer(x, **kwargs)
    assert isinstance(out, mg.Tensor)
    np.testing.assert_array_equal(out.data, layer(mg.tensor(x), **kwargs).data)


def test_a_layer_class_called_on_a_batch_says_what_it_got_in_one_line():
    # nn.ReLU(x) instead of nn.ReLU()(x): the message names the batch, it does not print it
    with pytest.raises(TypeError, match=r"^inplace must be True or False, got a Tensor of shape \(40, 2\) and dtype "
                                        r"float32$"):  # fmt: skip
        nn.ReLU(mg.randn(40, 2))
