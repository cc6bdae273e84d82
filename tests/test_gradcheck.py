"""mg.gradcheck itself: it passes correct gradients, names what is wrong otherwise, works
on float32 models, and leaves the caller's tensors as they were."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from minigrad.tensor import _node


def test_returns_true_for_a_correct_gradient():
    x = mg.Tensor(np.array([[0.5, -1.0], [2.0, 0.3]]), requires_grad=True)
    assert mg.gradcheck(lambda x: (x @ x).tanh(), x) is True


def test_checks_float32_inputs_in_float64():
    x = mg.Tensor(np.array([0.1, 0.2, 0.3], dtype=np.float32), requires_grad=True)
    assert mg.gradcheck(lambda x: (x.exp() * x).sum(), x)
    assert x.grad is None, "the caller's tensor is left alone"


def test_a_wrong_gradient_is_reported_with_input_index_and_both_values():
    # x * x.detach() has the value x^2 but backward() sees only one factor: x, not 2x.
    x = mg.Tensor(np.array([1.0, 3.0]), requires_grad=True)
    with pytest.raises(AssertionError, match=r"input 0 \(shape \(2,\)\) at index \(0,\).*gives 1\.0.*give 2\.0"):
        mg.gradcheck(lambda x: (x * x.detach()).sum(), x)


def test_names_the_input_that_is_wrong():
    a = mg.Tensor(np.array([1.0]), requires_grad=True)
    b = mg.Tensor(np.array([2.0]), requires_grad=True)
    with pytest.raises(AssertionError, match="input 1"):
        mg.gradcheck(lambda a, b: a * b + b * b.detach(), a, b)


def test_non_scalar_outputs_weigh_every_entry():
    # Only the second output entry has a wrong gradient; a plain sum of outputs would still catch
    # this one, but a weighted sum also catches errors that cancel between entries.
    x = mg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(AssertionError):
        mg.gradcheck(lambda x: x * mg.Tensor([1.0, 0.0]) + (x * x.detach()) * mg.Tensor([0.0, 1.0]), x)


def test_inputs_that_do_not_require_grad_are_passed_through():
    w = mg.Tensor(np.array([2.0, 3.0]))
    x = mg.Tensor(np.array([1.0, 1.0]), requires_grad=True)
    assert mg.gradcheck(lambda x, w: (x * w).sum() * 2.0, x, w)


def test_integer_class_labels_are_passed_through_unchanged():
    logits = mg.Tensor(np.random.default_rng(0).normal(size=(4, 3)), requires_grad=True)
    labels = mg.Tensor(np.array([0, 2, 1, 2]))
    seen = []
    assert mg.gradcheck(lambda z, t: seen.append(t) or F.cross_entropy(z, t.data), logits, labels)
    assert all(t is labels for t in seen)


# --------------------------------------------------------------------------- float32 models
def scaled_square(x, factor):
    """x ** 2 as a custom op whose backward is ``factor`` times the true 2x: with factor 1 it
    is correct, with any other factor wrong."""
    return _node(x.data**2, (x,), lambda g: (g * (factor * 2.0) * x.data,), "scaled_square")


def float32_linear_model(factor):
    mg.manual_seed(0)
    model = nn.Linear(3, 2)  # float32, the default dtype
    x = mg.Tensor(np.array([[0.1, -0.4, 0.7], [1.2, 0.3, -0.5]], dtype=np.float32), requires_grad=True)
    return (lambda x: scaled_square(model(x).tanh(), factor).sum()), [x]


def float32_linear_parameters_as_inputs(factor):
    mg.manual_seed(0)
    layer = nn.Linear(3, 2)
    x = np.array([[0.1, -0.4, 0.7]], dtype=np.float32)
    return (lambda w, b: scaled_square(F.linear(x, w, b), factor).sum()), [layer.weight, layer.bias]


def float32_constant_inside_fn(factor):
    # mg.Tensor([...]) and mg.ones take the default dtype, float32 outside gradcheck; with a
    # 0-d input, x * constant is computed in the constant's dtype (PyTorch's rule)
    x = mg.Tensor(np.array(0.3), requires_grad=True)
    return (lambda x: scaled_square(x * mg.Tensor([0.5, -1.5, 2.0]) + mg.ones(3), factor).sum()), [x]


def float32_inputs(factor):
    x = mg.Tensor(np.array([0.1, -0.2, 0.3], dtype=np.float32), requires_grad=True)
    w = mg.Tensor(np.array([1.5, 0.5, -2.0], dtype=np.float32))
    return (lambda x, w: scaled_square((x * w).tanh(), factor).sum()), [x, w]


SETTINGS = [float32_linear_model, float32_linear_parameters_as_inputs, float32_constant_inside_fn, float32_inputs]


@pytest.mark.parametrize("setting", SETTINGS)
def test_correct_gradients_pass_in_float32_settings(setting):
    fn, inputs = setting(1.0)
    assert mg.gradcheck(fn, *inputs)


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("factor", [1.01, 0.5, -1.0])
def test_a_wrong_backward_is_caught_in_float32_settings(setting, factor):
    fn, inputs = setting(factor)
    with pytest.raises(AssertionError, match="backward.* gives .* finite differences give"):
        mg.gradcheck(fn, *inputs)


def test_a_closed_over_float32_model_is_restored_exactly():
    mg.manual_seed(0)
    model = nn.Linear(3, 2)
    weight, bias = model.weight.data, model.bias.data
    before = weight.copy(), bias.copy()
    old_grad = np.full((2, 3), 0.25, dtype=np.float32)
    model.weight.grad = old_grad
    x = mg.Tensor(np.ones((1, 3), dtype=np.float32), requires_grad=True)
    assert mg.gradcheck(lambda x: model(x).tanh().sum(), x)
    assert model.weight.data is weight and model.bias.data is bias
    assert weight.dtype == bias.dtype == np.float32
    np.testing.assert_array_equal(weight, before[0])
    np.testing.assert_array_equal(bias, before[1])
    assert model.weight.grad is old_grad and np.all(old_grad == 0.25), "backward() did not add into it"
    assert model.bias.grad is None
    assert x.grad is None
    assert mg.get_default_dtype() == np.float32


def test_closed_over_float64_parameters_keep_their_grads():
    w = mg.Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    x = mg.Tensor(np.array([0.5, -0.5]), requires_grad=True)
    assert mg.gradcheck(lambda x: (w @ x).tanh().sum(), x)
    assert w.grad is None


def test_everything_is_restored_when_fn_raises():
    mg.manual_seed(0)
    model = nn.Linear(2, 2)
    weight = model.weight.data
    calls = []

    def fn(x):
        calls.append(1)
        if len(calls) == 4:  # during the finite differences
            raise RuntimeError("boom")
        return model(x).sum()

    x = mg.Tensor(np.ones((1, 2), dtype=np.float32), requires_grad=True)
    with pytest.raises(RuntimeError, match="boom"):
        mg.gradcheck(fn, x)
    assert model.weight.data is weight and weight.dtype == np.float32
    assert model.weight.grad is None and model.bias.grad is None
    assert mg.get_default_dtype() == np.float32


def test_float32_computed_inside_fn_is_refused_with_how_to_fix():
    # a float32 tensor made inside fn with an explicit dtype: gradcheck cannot swap it
    x = mg.Tensor(np.array(0.3), requires_grad=True)
    weights = np.array([0.5, -1.5, 2.0], dtype=np.float32)
    with pytest.raises(TypeError, match=r"computes in float32 \(the result of 'mul'.*dtype=np.float32.*default dtype"):
        mg.gradcheck(lambda x: (x * mg.Tensor(weights)).sum(), x)
    # the same constant with an input that has dimensions: float64 * float32 is float64, no loss
    v = mg.Tensor(np.array([0.3, 0.1, -0.2]), requires_grad=True)
    assert mg.gradcheck(lambda v: (v * mg.Tensor(weights)).tanh().sum(), v)


# --------------------------------------------------------------------------- bad use
def test_bad_use_is_explained():
    with pytest.raises(ValueError, match="requires_grad=True"):
        mg.gradcheck(lambda x: x, mg.Tensor([1.0]))
    with pytest.raises(TypeError, match="must return a Tensor"):
        mg.gradcheck(lambda x: 1.0, mg.Tensor([1.0], requires_grad=True))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((3, mg.Tensor([1.0], requires_grad=True)), {}, TypeError, "fn must be callable"),
        ((lambda x: x, np.ones(2)), {}, TypeError, "input 0 must be a Tensor, got ndarray"),
        ((lambda x, k: x * k, mg.Tensor([1.0], requires_grad=True), 2.0), {}, TypeError, "input 1 must be a Tensor"),
        ((lambda i: i * 1.0, mg.Tensor(np.array([1, 2]))), {}, TypeError, "input 0 is an integer tensor"),
        ((lambda x: x, mg.Tensor([1.0], requires_grad=True)), {"eps": 0.0}, ValueError, "eps must be > 0"),
        ((lambda x: x, mg.Tensor([1.0], requires_grad=True)), {"eps": -1e-6}, ValueError, "eps must be > 0"),
        ((lambda x: x, mg.Tensor([1.0], requires_grad=True)), {"eps": "1e-6"}, TypeError, "eps must be a number"),
        ((lambda x: x, mg.Tensor([1.0], requires_grad=True)), {"atol": -1.0}, ValueError, "atol must be >= 0"),
        ((lambda x: x, mg.Tensor([1.0], requires_grad=True)), {"rtol": float("nan")}, ValueError, "rtol must be"),
    ],
)
def test_bad_arguments_get_type_and_value_errors(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        mg.gradcheck(*args, **kwargs)


def test_inside_no_grad_is_refused_instead_of_reporting_wrong_gradients():
    x = mg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with mg.no_grad(), pytest.raises(RuntimeError, match="outside mg.no_grad"):
        mg.gradcheck(lambda x: (x * x).sum(), x)
