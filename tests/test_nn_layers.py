"""Layers: values, PyTorch's conventions, errors, and gradients against finite differences."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.strategies import arrays


def with_parameters(module):
    """fn(x, *params) that runs ``module`` on x with its parameters replaced by ``params``
    (in named_parameters order), so gradcheck can check the parameters' gradients too."""
    names = [name for name, _ in module.named_parameters()]

    def fn(x, *params):
        for name, value in zip(names, params, strict=True):
            owner_path, _, attribute = name.rpartition(".")
            owner = module
            for part in filter(None, owner_path.split(".")):
                owner = getattr(owner, part)
            object.__setattr__(owner, attribute, value)
        return module(x)

    return fn


def float64_parameters(module):
    return [mg.Tensor(p.data.astype(np.float64), requires_grad=True) for p in module.parameters()]


class TestLinear:
    def test_layout_dtype_and_pytorch_initialisation_range(self):
        mg.manual_seed(0)
        layer = nn.Linear(400, 300)
        assert layer.weight.shape == (300, 400) and layer.bias.shape == (300,)
        assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
        bound = 1 / math.sqrt(400)
        for p in (layer.weight.data, layer.bias.data):
            assert np.abs(p).max() <= bound
        # uniform on [-b, b] has standard deviation b / sqrt(3)
        assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
        assert np.abs(layer.bias.data).max() > 0.9 * bound

    def test_computes_x_times_weight_transposed_plus_bias(self):
        layer = nn.Linear(2, 3)
        layer.weight.data[...] = [[1, 0], [0, 1], [1, 1]]
        layer.bias.data[...] = [0.5, -0.5, 0]
        np.testing.assert_allclose(layer(mg.Tensor([[2.0, 3.0]])).data, [[2.5, 2.5, 5.0]])

    def test_float64_numpy_input_keeps_a_float32_layer_float32(self):
        out = nn.Linear(2, 3)(np.ones((4, 2)))
        assert out.dtype == np.float32

    def test_wrong_feature_count_names_both_numbers(self):
        with pytest.raises(ValueError, match=r"Linear\(in_features=3, out_features=2\) got an input with 5 features"):
            nn.Linear(3, 2)(mg.Tensor(np.ones((4, 5))))

    @pytest.mark.parametrize("args", [(0, 3), (3, 0)])
    def test_zero_features_are_refused(self, args):
        with pytest.raises(ValueError, match="must be at least 1, got 0"):
            nn.Linear(*args)

    def test_feature_counts_must_be_ints(self):
        with pytest.raises(TypeError, match="in_features must be an int"):
            nn.Linear(2.5, 3)
        with pytest.raises(TypeError, match="out_features must be an int, got True"):
            nn.Linear(3, True)

    def test_bias_must_be_a_bool(self):
        with pytest.raises(TypeError, match="bias must be True or False, got 'no'"):
            nn.Linear(2, 3, bias="no")

    def test_without_bias(self):
        layer = nn.Linear(2, 3, bias=False)
        assert list(layer.state_dict()) == ["weight"]
        assert layer(mg.Tensor(np.ones((1, 2)))).shape == (1, 3)

    @given(data=st.data())
    def test_gradients(self, data):
        n_in, n_out = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
        batch = data.draw(st.sampled_from([(), (3,), (2, 3)]))
        x = mg.Tensor(data.draw(arrays((*batch, n_in))), requires_grad=True)
        w = mg.Tensor(data.draw(arrays((n_out, n_in))), requires_grad=True)
        b = mg.Tensor(data.draw(arrays((n_out,))), requires_grad=True)
        assert mg.gradcheck(F.linear, x, w, b)
        assert mg.gradcheck(lambda x, w: F.linear(x, w), x, w)


class TestSequential:
    def test_applies_in_order_and_is_indexable(self):
        model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        assert len(model) == 3 and isinstance(model[1], nn.ReLU) and isinstance(model[-1], nn.Linear)
        assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
        assert len(model[:2]) == 2
        x = mg.Tensor(np.ones((4, 2)))
        np.testing.assert_array_equal(model(x).data, model[2](model[1](model[0](x))).data)

    def test_refuses_things_that_are_not_modules(self):
        with pytest.raises(TypeError, match="item 1 is a function"):
            nn.Sequential(nn.ReLU(), lambda x: x)


class TestActivations:
    @pytest.mark.parametrize(
        "module, expected",
        [
            (nn.ReLU(), [0.0, 0.0, 2.0]),
            (nn.Tanh(), np.tanh([-1.0, 0.0, 2.0])),
            (nn.Sigmoid(), 1 / (1 + np.exp([1.0, 0.0, -2.0]))),
            (nn.LeakyReLU(0.1), [-0.1, 0.0, 2.0]),
            (nn.LeakyReLU(), [-0.01, 0.0, 2.0]),
            (nn.Softmax(), np.exp([-1.0, 0.0, 2.0]) / np.exp([-1.0, 0.0, 2.0]).sum()),
        ],
    )
    def test_values(self, module, expected):
        np.testing.assert_allclose(module(mg.Tensor(np.array([-1.0, 0.0, 2.0]))).data, expected, rtol=1e-12)

    @pytest.mark.parametrize("slope", ["0.1", None, True])
    def test_leaky_relu_slope_must_be_a_number(self, slope):
        with pytest.raises(TypeError, match="negative_slope must be a number"):
            nn.LeakyReLU(slope)
        with pytest.raises(TypeError, match="negative_slope must be a number"):
            F.leaky_relu(mg.Tensor(np.ones(2)), slope)

    def test_leaky_relu_slope_must_be_finite(self):
        with pytest.raises(ValueError, match="negative_slope must be finite, got inf"):
            nn.LeakyReLU(math.inf)
        with pytest.raises(ValueError, match="negative_slope must be finite, got nan"):
            F.leaky_relu(mg.Tensor(np.ones(2)), math.nan)

    def test_softmax_and_flatten_take_int_dimensions(self):
        with pytest.raises(TypeError, match="axis must be an int, got 1.0"):
            nn.Softmax(axis=1.0)
        with pytest.raises(TypeError, match="start_dim must be an int, got '1'"):
            nn.Flatten("1")
        with pytest.raises(TypeError, match="end_dim must be an int, got None"):
            nn.Flatten(0, None)

    def test_softmax_axis(self):
        out = nn.Softmax(axis=0)(mg.Tensor(np.zeros((4, 2))))
        np.testing.assert_allclose(out.data, np.full((4, 2), 0.25))

    @pytest.mark.parametrize(
        "module", [nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.LeakyReLU(0.2), nn.Softmax(axis=0)], ids=repr
    )
    @given(data=st.data())
    def test_gradients(self, module, data):
        x = mg.Tensor(data.draw(arrays((3, 2), avoid=[0.0])), requires_grad=True)
        assert mg.gradcheck(module, x)


class TestDropout:
    def test_identity_in_eval_mode(self):
        layer = nn.Dropout(0.5).eval()
        x = mg.Tensor(np.arange(6.0))
        assert layer(x) is x

    def test_train_mode_zeroes_about_p_and_keeps_the_expected_value(self):
        x = mg.Tensor(np.ones(200_000))
        out = nn.Dropout(0.3, generator=0)(x).data
        assert np.mean(out == 0) == pytest.approx(0.3, abs=0.005)
        np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-6)
        assert out.mean() == pytest.approx(1.0, abs=0.01)

    def test_masks_are_repeatable_with_a_seed(self):
        x = mg.Tensor(np.ones(50))
        assert np.array_equal(nn.Dropout(0.5, generator=7)(x).data, nn.Dropout(0.5, generator=7)(x).data)
        mg.manual_seed(3)
        first = nn.Dropout(0.5)(x).data
        mg.manual_seed(3)
        assert np.array_equal(first, nn.Dropout(0.5)(x).data)

    @pytest.mark.parametrize("p", [-0.1, 1.5, math.nan])
    def test_probability_outside_0_1_is_refused_by_module_and_function_alike(self, p):
        with pytest.raises(ValueError, match=rf"p must (be in \[0, 1\]|be finite), got {p}"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match=rf"p must (be in \[0, 1\]|be finite), got {p}"):
            F.dropout(mg.Tensor(np.ones(3)), p)

    @pytest.mark.parametrize("p", ["0.5", None, True])
    def test_probability_must_be_a_number(self, p):
        with pytest.raises(TypeError, match="p must be a number"):
            nn.Dropout(p)
        with pytest.raises(TypeError, match="p must be a number"):
            F.dropout(mg.Tensor(np.ones(3)), p)

    def test_training_flag_must_be_a_bool(self):
        with pytest.raises(TypeError, match="training must be True or False, got 'no'"):
            F.dropout(mg.Tensor(np.ones(3)), 0.5, training="no")

    def test_dropout_of_everything_as_in_pytorch(self):
        # PyTorch accepts p = 1 in both nn.Dropout and F.dropout: every unit is zeroed
        x = mg.Tensor(np.ones(3), requires_grad=True)
        np.testing.assert_array_equal(F.dropout(x, 1.0).data, 0.0)
        out = nn.Dropout(1.0)(x)
        np.testing.assert_array_equal(out.data, 0.0)
        out.sum().backward()
        np.testing.assert_array_equal(x.grad, 0.0)
        assert nn.Dropout(1.0).eval()(x) is x

    def test_gradient_flows_through_kept_units_only(self):
        x = mg.Tensor(np.array([1.0, 2.0, 3.0, 4.0]), requires_grad=True)
        assert mg.gradcheck(lambda x: F.dropout(x, 0.5, rng=np.random.default_rng(0)), x)
        out = F.dropout(x, 0.5, rng=np.random.default_rng(0))
        out.sum().backward()
        np.testing.assert_array_equal(x.grad, (out.data != 0) * 2.0)


class TestFlatten:
    def test_keeps_the_batch_dimension_by_default(self):
        x = mg.Tensor(np.zeros((2, 3, 4)))
        assert nn.Flatten()(x).shape == (2, 12)
        assert nn.Flatten(0, 1)(x).shape == (6, 4)
        assert nn.Flatten(start_dim=0)(x).shape == (24,)

    def test_dimensions_out_of_range_are_refused(self):
        with pytest.raises(IndexError, match=r"dimension 1 is out of range for an input of shape \(5,\)"):
            nn.Flatten()(mg.Tensor(np.zeros(5)))
        with pytest.raises(IndexError, match="dimension -4"):
            nn.Flatten(-4, -1)(mg.Tensor(np.zeros((2, 3, 4))))


class TestBatchNorm1d:
    def test_train_mode_normalises_each_feature_over_the_batch(self):
        rng = np.random.default_rng(0)
        x = mg.Tensor(rng.normal(3.0, 2.0, size=(64, 5)), dtype=np.float64)
        out = nn.BatchNorm1d(5)(x).data
        np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-6)
        np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-3)

    def test_running_statistics_follow_pytorchs_update(self):
        x = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]], dtype=np.float32)
        bn = nn.BatchNorm1d(2, momentum=0.1)
        bn(mg.Tensor(x))
        # running = 0.9 * running + 0.1 * batch, with the unbiased variance (divide by n - 1)
        np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(axis=0), rtol=1e-6)
        np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=0, ddof=1), rtol=1e-6)
        assert bn.num_batches_tracked == 1

    def test_eval_mode_uses_the_running_statistics(self):
        bn = nn.BatchNorm1d(2).eval()
        bn.running_mean[...] = [1.0, -1.0]
        bn.running_var[...] = [4.0, 0.25]
        bn.weight.data[...] = [2.0, 1.0]
        bn.bias.data[...] = [0.0, 0.5]
        out = bn(mg.Tensor([[3.0, 0.0]]))
        np.testing.assert_allclose(out.data, [[2 * 2 / math.sqrt(4 + 1e-5), 1 / math.sqrt(0.25 + 1e-5) + 0.5]])
        assert bn.num_batches_tracked == 0

    @pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)])
    @given(data=st.data())
    def test_gradients_in_train_mode(self, shape, data):
        mg.set_default_dtype(np.float64)
        bn = nn.BatchNorm1d(3)
        x = mg.Tensor(data.draw(arrays(shape)), requires_grad=True)
        x.data += np.arange(x.size).reshape(shape) * 0.1  # no feature is constant over the batch
        w, b = float64_parameters(bn)
        w.data[...] = data.draw(arrays((3,), 0.5, 2.0))
        assert mg.gradcheck(with_parameters(bn), x, w, b)

    def test_gradients_in_eval_mode(self):
        mg.set_default_dtype(np.float64)
        bn = nn.BatchNorm1d(3).eval()
        bn.running_var[...] = [0.5, 2.0, 1.5]
        x = mg.Tensor(np.random.default_rng(0).normal(size=(4, 3)), requires_grad=True)
        assert mg.gradcheck(with_parameters(bn), x, *float64_parameters(bn))

    def test_errors(self):
        with pytest.raises(ValueError, match=r"more than one value per feature.*\(1, 3\)"):
            nn.BatchNorm1d(3)(mg.Tensor(np.ones((1, 3))))
        with pytest.raises(ValueError, match=r"BatchNorm1d\(3\) expects input \(N, 3\).*got shape \(4, 2\)"):
            nn.BatchNorm1d(3)(mg.Tensor(np.ones((4, 2))))
        with pytest.raises(ValueError, match="num_features must be at least 1"):
            nn.BatchNorm1d(0)

    @pytest.mark.parametrize(
        "kwargs, error, message",
        [
            ({"num_features": 2.0}, TypeError, "num_features must be an int, got 2.0"),
            ({"num_features": True}, TypeError, "num_features must be an int, got True"),
            ({"eps": 0.0}, ValueError, r"eps must be > 0, got 0.0"),
            ({"eps": "1e-5"}, TypeError, "eps must be a number, got '1e-5'"),
            ({"eps": math.inf}, ValueError, "eps must be finite, got inf"),
            ({"momentum": 1.5}, ValueError, r"momentum must be in \[0, 1\], got 1.5"),
            ({"momentum": None}, TypeError, "momentum must be a number, got None"),
            ({"affine": 1}, TypeError, "affine must be True or False, got 1"),
        ],
    )
    def test_arguments_follow_the_one_rule(self, kwargs, error, message):
        with pytest.raises(error, match=message):
            nn.BatchNorm1d(**{"num_features": 3, **kwargs})

    def test_running_variance_is_the_sum_of_squares_over_n_minus_1(self):
        # PyTorch: var_sum / (n - 1), one rounding; var * (n / (n - 1)) rounds twice and differs
        # in the last bit for this batch
        x = np.array([[0.5408455846858077], [0.2146591225063409], [0.3553727090399214]])
        bn = nn.BatchNorm1d(1, momentum=1.0)
        bn.running_var = bn.running_var.astype(np.float64)
        bn(mg.Tensor(x))
        centered = x[:, 0] - x[:, 0].sum() / 3
        assert bn.running_var[0] == (centered * centered).sum() / 2

    def test_momentum_1_keeps_only_the_last_batch(self):
        bn = nn.BatchNorm1d(1, momentum=1)
        bn(mg.Tensor(np.array([[1.0], [3.0]])))
        np.testing.assert_allclose([bn.running_mean[0], bn.running_var[0]], [2.0, 2.0])


class TestEveryLayerPassesGradientsOn:
    """The input and every parameter of each layer receive a gradient of their own shape and dtype."""

    @pytest.mark.parametrize(
        "layer, x",
        [
            (nn.Linear(3, 2), np.ones((4, 3))),
            (nn.Linear(3, 2, bias=False), np.ones((4, 3))),
            (nn.BatchNorm1d(3), np.arange(12.0).reshape(4, 3) ** 2),
            (nn.BatchNorm1d(3), np.arange(24.0).reshape(4, 3, 2) ** 2),
            (nn.BatchNorm1d(3).eval(), np.arange(12.0).reshape(4, 3)),
            (nn.BatchNorm1d(3, affine=False), np.arange(24.0).reshape(4, 3, 2) ** 2),
            (nn.Dropout(0.5, generator=0), np.ones((4, 3))),
            (nn.Dropout(0.5).eval(), np.ones((4, 3))),
        ],
        ids=["linear", "linear-no-bias", "batchnorm", "batchnorm-3d", "batchnorm-eval", "batchnorm-no-affine",
             "dropout", "dropout-eval"],
    )  # fmt: skip
    def test_gradients_reach_input_and_parameters(self, layer, x):
        x = mg.Tensor(x.astype(np.float32), requires_grad=True)
        out = layer(x)
        weights = np.random.default_rng(0).normal(size=out.shape).astype(np.float32)  # not constant: BatchNorm's
        (out * weights).sum().backward()  # output sums to a constant in train mode
        for name, tensor in [("input", x), *layer.named_parameters()]:
            assert tensor.grad is not None, name
            assert tensor.grad.shape == tensor.shape and tensor.grad.dtype == np.float32, name
            assert np.all(np.isfinite(tensor.grad)), name
        assert np.any(x.grad != 0)


def test_inplace_is_accepted_and_changes_no_value():
    x = mg.tensor([[-1.0, 2.0]])
    for layer in (nn.ReLU(inplace=True), nn.LeakyReLU(0.1, inplace=True), nn.ELU(inplace=True)):
        assert layer(x).tolist() != x.tolist() and x.tolist() == [[-1.0, 2.0]]
    assert nn.Dropout(0.5, True).eval()(x) is x
    with pytest.raises(TypeError, match="inplace must be True or False"):
        nn.ReLU(inplace=1)
