"""PyTorch's factory functions (minigrad/creation.py): dtype inference tables, values against
numpy or exact arithmetic, the random ones' ranges and distributions, and their errors."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg

# --------------------------------------------------------------------- tensor()
# (data, dtype torch.tensor gives it): Python ints are int64, bools bool, any float makes the
# whole the default float dtype; numpy numbers, arrays and Tensors inside keep their dtype
# and promote with the rest by PyTorch's rule.
INFERENCE = [
    (3, np.int64),
    (3.0, np.float32),
    (True, np.bool_),
    ([1, 2], np.int64),
    ([True, False], np.bool_),
    ([True, 1], np.int64),
    ([True, 1.5], np.float32),
    ([1, 2.0], np.float32),
    ([[1, 2], [3, 4]], np.int64),
    ((1, 2), np.int64),
    ([], np.float32),
    ([[], []], np.float32),
    (np.float64(1.0), np.float64),
    (np.int32(3), np.int32),
    (np.array([1, 2], dtype=np.uint8), np.uint8),
    (np.array([1.0, 2.0]), np.float64),
    ([np.float64(1.0), 2], np.float64),
    ([np.float32(1.5), 2.0], np.float32),  # numpy would say float64
    ([np.float32(1.5), 2], np.float32),  # int64 with float32 is float32 in PyTorch
    ([np.int32(1)], np.int32),
    ([np.int32(1), 2], np.int64),
    ([np.int8(1), np.uint8(2)], np.int16),
    ([np.array([1, 2]), np.array([3, 4])], np.int64),
    ([np.array([True, False])], np.bool_),
    ([mg.tensor(1.0), mg.tensor(2.0)], np.float32),
    ([mg.tensor(1.0, dtype=mg.float64), 2.0], np.float64),
]


@pytest.mark.parametrize("data, dtype", INFERENCE, ids=[repr(d)[:30] for d, _ in INFERENCE])
def test_tensor_infers_pytorchs_dtype(data, dtype):
    t = mg.tensor(data)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.data.astype(np.float64), np.asarray(data, dtype=np.float64))


def test_tensor_uses_the_default_float_dtype_for_python_floats_only():
    mg.set_default_dtype(mg.float64)
    assert mg.tensor([1.0, 2]).dtype == np.float64
    assert mg.tensor([np.float32(1.0)]).dtype == np.float32
    assert mg.tensor([1, 2]).dtype == np.int64


def test_tensor_differs_from_Tensor_as_in_pytorch():
    assert mg.tensor([1, 2]).dtype == np.int64
    assert mg.Tensor([1, 2]).dtype == np.float32  # torch.Tensor([1, 2]) is float32 too


def test_tensor_with_dtype_converts_like_pytorch():
    np.testing.assert_array_equal(mg.tensor([1.7, -2.7], dtype=mg.long).data, [1, -2])  # toward zero
    np.testing.assert_array_equal(mg.tensor([0.0, 0.5], dtype=mg.bool).data, [False, True])
    assert mg.tensor([1, 2], dtype=mg.float64).dtype == np.float64


def test_tensor_copies_its_data_and_drops_the_graph():
    a = np.array([1.0, 2.0])
    t = mg.tensor(a)
    a[0] = 5.0
    assert t.data[0] == 1.0
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = mg.tensor(x * 2)
    assert not y.requires_grad and y.data.base is None
    np.testing.assert_array_equal(y.data, [2.0, 4.0])


@pytest.mark.parametrize(
    "data, kwargs, error, message",
    [
        ([[1, 2], [3]], {}, ValueError, "ragged"),
        (["a", 1], {}, TypeError, "str"),
        ([1, None], {}, TypeError, "NoneType"),
        ([1 + 2j], {}, TypeError, "complex"),
        (object(), {}, TypeError, "cannot make a tensor from object"),
        ([2**63], {}, ValueError, "int64"),
        ([1, 2], {"requires_grad": True}, TypeError, "only floating-point tensors can require grad"),
        ([1.0], {"requires_grad": 1}, TypeError, "requires_grad must be True or False"),
        ([1.0], {"dtype": "hello"}, TypeError, "not a dtype"),
    ],
)
def test_tensor_refuses_bad_data(data, kwargs, error, message):
    with pytest.raises(error, match=message):
        mg.tensor(data, **kwargs)


def test_from_numpy_shares_memory_and_dtype():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    t = mg.from_numpy(a)
    assert t.dtype == np.int32 and t.shape == (2, 3)
    a[0, 0] = 7
    assert t.data[0, 0] == 7
    t.data[1, 2] = -1
    assert a[1, 2] == -1
    with pytest.raises(TypeError, match="numpy array, got list"):
        mg.from_numpy([1, 2])
    with pytest.raises(TypeError, match="numbers"):
        mg.from_numpy(np.array(["a"]))


def test_as_tensor_shares_when_it_can():
    t = mg.tensor([1.0, 2.0])
    assert mg.as_tensor(t) is t
    assert mg.as_tensor(t, dtype=mg.float32) is t
    a = np.zeros(3)
    assert mg.as_tensor(a).data is a
    converted = mg.as_tensor(a, dtype=mg.float32)
    assert converted.dtype == np.float32 and converted.data is not a
    assert mg.as_tensor([1, 2]).dtype == np.int64


# --------------------------------------------------------------------- filled
@pytest.mark.parametrize("make, value", [(mg.zeros, 0), (mg.ones, 1), (mg.empty, 0)])
def test_zeros_ones_empty(make, value):
    for t in (make(2, 3), make((2, 3)), make([2, 3])):
        assert t.shape == (2, 3) and t.dtype == np.float32 and not t.requires_grad
        assert (t.data == value).all()
    assert make(4, dtype=mg.long).dtype == np.int64
    assert make(0).shape == (0,)
    assert make(2, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="a shape is made of ints"):
        make(2.0)
    with pytest.raises(ValueError, match="non-negative"):
        make(-1)
    with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
        make(2, dtype=mg.int64, requires_grad=True)


@pytest.mark.parametrize(
    "fill, dtype",
    [(3, np.int64), (np.int32(3), np.int64), (True, np.bool_), (2.5, np.float32), (np.float64(2.5), np.float32)],
)
def test_full_takes_its_dtype_from_the_kind_of_fill_value(fill, dtype):
    t = mg.full((2, 3), fill)
    assert t.dtype == dtype and t.shape == (2, 3)
    assert (t.data == fill).all()


def test_full_with_a_dtype_and_errors():
    np.testing.assert_array_equal(mg.full([2], 1.7, dtype=mg.long).data, [1, 1])
    assert mg.full((1,), mg.tensor(2.0)).data[0] == 2.0
    assert np.isnan(mg.full((2,), float("nan")).data).all()
    with pytest.raises(TypeError, match=r"tuple or list, e.g. full\(\(3,\), 1.0\)"):
        mg.full(3, 1.0)
    with pytest.raises(TypeError, match="fill_value must be a number"):
        mg.full((3,), "a")
    with pytest.raises(ValueError, match="nan does not fit in int64"):
        mg.full((3,), float("nan"), dtype=mg.long)
    with pytest.raises(ValueError, match="300 does not fit in uint8"):
        mg.full((3,), 300, dtype=mg.uint8)


def test_like_factories_keep_shape_and_dtype_unless_told():
    x = mg.tensor([[1, 2, 3]], dtype=mg.int32)
    for make, value in ((mg.zeros_like, 0), (mg.ones_like, 1), (mg.empty_like, 0)):
        t = make(x)
        assert t.shape == (1, 3) and t.dtype == np.int32 and (t.data == value).all()
        assert make(x, dtype=mg.float64).dtype == np.float64
    t = mg.full_like(x, 3.7)
    assert t.dtype == np.int32 and (t.data == 3).all()  # truncated, as in PyTorch
    w = mg.ones(2, requires_grad=True)
    assert not mg.zeros_like(w).requires_grad and mg.zeros_like(w, requires_grad=True).requires_grad
    r = mg.rand_like(mg.zeros(4, 5, dtype=mg.float64))
    assert r.shape == (4, 5) and r.dtype == np.float64
    assert mg.randn_like(mg.zeros(3)).dtype == np.float32
    with pytest.raises(TypeError, match="rand_like makes floating-point tensors, got dtype int32"):
        mg.rand_like(x)
    with pytest.raises(TypeError, match=r"zeros_like\(\) takes a Tensor, got ndarray"):
        mg.zeros_like(np.zeros(3))


def test_eye():
    np.testing.assert_array_equal(mg.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(mg.eye(2, 4).data, np.eye(2, 4))
    assert mg.eye(2).dtype == np.float32 and mg.eye(2, dtype=mg.long).dtype == np.int64
    assert mg.eye(0).shape == (0, 0)
    with pytest.raises(ValueError, match="n must be at least 0, got -1"):
        mg.eye(-1)
    with pytest.raises(TypeError, match="m must be an int"):
        mg.eye(2, 2.0)


# --------------------------------------------------------------------- ranges
@pytest.mark.parametrize(
    "args, kwargs, expected, dtype",
    [
        ((5,), {}, [0, 1, 2, 3, 4], np.int64),
        ((1, 5), {}, [1, 2, 3, 4], np.int64),
        ((1, 5, 2), {}, [1, 3], np.int64),
        ((5, 0, -2), {}, [5, 3, 1], np.int64),
        ((0, 10, 3), {}, [0, 3, 6, 9], np.int64),
        ((10, 0, -3), {}, [10, 7, 4, 1], np.int64),
        ((0, 0), {}, [], np.int64),
        ((True,), {}, [0], np.int64),
        ((5.0,), {}, [0, 1, 2, 3, 4], np.float32),
        ((0, 1, 0.25), {}, [0, 0.25, 0.5, 0.75], np.float32),
        ((1, 2.5, 0.5), {}, [1, 1.5, 2], np.float32),
        ((0.5,), {}, [0], np.float32),
        ((0, 1.5), {"dtype": mg.long}, [0], np.int64),  # end truncated to 1, as PyTorch does
        ((0, 3), {"dtype": mg.float64}, [0, 1, 2], np.float64),
        ((), {"end": 3}, [0, 1, 2], np.int64),
        ((), {"start": 1, "end": 3}, [1, 2], np.int64),
        ((mg.tensor(3),), {}, [0, 1, 2], np.int64),
    ],
)
def test_arange_values_and_dtype(args, kwargs, expected, dtype):
    t = mg.arange(*args, **kwargs)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.data, expected)


def _ulp_distance(value, exact: Fraction, dtype) -> float:
    return float(abs(Fraction(float(value)) - exact)) / float(np.spacing(dtype(abs(float(exact)) or 1e-300)))


@given(
    start=st.floats(-100, 100),
    step=st.floats(0.001, 10).flatmap(lambda s: st.sampled_from([s, -s])),
    count=st.integers(0, 50),
    fraction=st.floats(0.01, 0.99),
)
def test_arange_length_is_ceil_and_values_start_plus_i_step(start, step, count, fraction):
    end = start + (count - 1 + fraction) * step if count else start
    t = mg.arange(start, end, step, dtype=mg.float64)
    assert len(t) == math.ceil((end - start) / step)
    for i, value in enumerate(t.data):
        assert _ulp_distance(value, Fraction(start) + i * Fraction(step), np.float64) <= 1


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((0, 5, 0), ValueError, "nonzero step"),
        ((0, float("inf")), ValueError, "finite start and end"),
        ((1, 0), ValueError, "the step must point from start to end"),
        ((0, 5, -1), ValueError, "the step must point from start to end"),
        ((-3,), ValueError, "the step must point from start to end"),
        (("a",), TypeError, "end must be a number"),
        ((), TypeError, r"arange\(\) needs end"),
    ],
)
def test_arange_errors(args, error, message):
    with pytest.raises(error, match=message):
        mg.arange(*args)


def test_arange_integer_dtype_errors():
    with pytest.raises(ValueError, match="truncates the step to 0"):
        mg.arange(0, 1, 0.5, dtype=mg.long)
    with pytest.raises(ValueError, match="do not fit in uint8"):
        mg.arange(250, 260, dtype=mg.uint8)
    with pytest.raises(TypeError, match="not bool"):
        mg.arange(3, dtype=mg.bool)


def test_linspace_uses_pytorchs_formula_not_numpys():
    # step = 0.2 (a little above 1/5 in binary); the second half is end - step * k with one
    # rounding, so the middle value is 1 - 5 * 0.2 = -2**-54 exactly, where numpy's
    # start + 5 * step rounds the product to 1.0 first and gives 0
    t = mg.linspace(-1, 1, 11, dtype=mg.float64)
    assert t.data[5] == -(2.0**-54)
    assert np.linspace(-1, 1, 11)[5] == 0.0
    assert t.data[0] == -1 and t.data[-1] == 1


@given(
    start=st.floats(-1e3, 1e3),
    end=st.floats(-1e3, 1e3),
    steps=st.integers(2, 60),
)
def test_linspace_values_are_the_formula_rounded_once(start, end, steps):
    t = mg.linspace(start, end, steps, dtype=mg.float64)
    assert t.shape == (steps,) and t.dtype == np.float64
    step = (end - start) / (steps - 1)  # in float64, as PyTorch computes it
    for i, value in enumerate(t.data):
        if i < steps // 2:
            exact = Fraction(start) + i * Fraction(step)
        else:
            exact = Fraction(end) - (steps - 1 - i) * Fraction(step)
        assert _ulp_distance(value, exact, np.float64) <= 1


def test_linspace_dtypes_and_edges():
    assert mg.linspace(0, 1, 5).dtype == np.float32
    np.testing.assert_array_equal(mg.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(mg.linspace(0, 10, 5, dtype=mg.long).data, [0, 2, 5, 7, 10])  # truncated
    assert mg.linspace(0, 1, 0).shape == (0,)
    np.testing.assert_array_equal(mg.linspace(3, 1, 1).data, [3])
    with pytest.raises(ValueError, match="steps must be at least 0, got -1"):
        mg.linspace(0, 1, -1)
    with pytest.raises(TypeError, match="steps must be an int"):
        mg.linspace(0, 1, 2.0)
    with pytest.raises(ValueError, match="do not fit in float16"):
        mg.linspace(0, 1e6, 3, dtype=mg.float16)


# --------------------------------------------------------------------- random
def test_rand_and_randn_shapes_dtypes_and_ranges():
    g = mg.Generator().manual_seed(0)
    u = mg.rand(1000, generator=g)
    assert u.shape == (1000,) and u.dtype == np.float32
    assert (u.data >= 0).all() and (u.data < 1).all()
    assert mg.rand((2, 3), dtype=mg.float64).dtype == np.float64
    h = mg.rand(4000, dtype=mg.float16, generator=g)
    assert h.dtype == np.float16 and (h.data >= 0).all() and (h.data < 1).all()
    z = mg.randn(2, 3, generator=g)
    assert z.shape == (2, 3) and z.dtype == np.float32
    assert mg.randn(3, dtype=mg.float16).dtype == np.float16
    assert mg.randn(2, requires_grad=True).requires_grad
    for make in (mg.rand, mg.randn):
        with pytest.raises(TypeError, match="makes floating-point tensors, got dtype int64"):
            make(3, dtype=mg.long)


def test_randn_keeps_rng_and_refuses_both_names():
    a = mg.randn(5, rng=3).data
    np.testing.assert_array_equal(a, mg.randn(5, generator=3).data)
    with pytest.raises(TypeError, match="give generator or rng, not both"):
        mg.randn(5, rng=3, generator=3)


def test_randint_overloads_ranges_and_dtypes():
    g = mg.Generator().manual_seed(1)
    t = mg.randint(5, (1000,), generator=g)
    assert t.dtype == np.int64 and t.shape == (1000,)
    assert set(np.unique(t.data)) == {0, 1, 2, 3, 4}
    t = mg.randint(-3, 2, [10, 100], generator=g)
    assert t.shape == (10, 100) and t.data.min() == -3 and t.data.max() == 1
    assert mg.randint(low=2, high=4, size=(50,)).data.min() >= 2
    assert mg.randint(high=4, size=(3,)).shape == (3,)
    assert mg.randint(4, size=(3,)).data.max() < 4
    assert mg.randint(10, (3,), dtype=mg.float32).dtype == np.float32
    assert mg.randint(2, (3,), dtype=mg.bool).dtype == np.bool_
    assert mg.randint(10, (3,), dtype=mg.float32, requires_grad=True).requires_grad


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((3, 3, (2,)), {}, ValueError, "needs low < high; got low=3, high=3"),
        ((0, (2,)), {}, ValueError, "needs low < high; got low=0, high=0"),
        ((5, 3), {}, TypeError, "needs size, a tuple or list"),
        ((5,), {}, TypeError, "needs size"),
        ((5.5, (2,)), {}, TypeError, "high must be an int"),
        ((300, (2,)), {"dtype": mg.uint8}, ValueError, "from 0 to 299 do not fit in uint8"),
        ((3, (2,)), {"dtype": mg.bool}, ValueError, "do not fit in bool"),
        ((5, (2,)), {"requires_grad": True}, TypeError, "only floating-point tensors can require grad"),
    ],
)
def test_randint_errors(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        mg.randint(*args, **kwargs)


def test_randperm():
    p = mg.randperm(10, generator=0)
    assert p.dtype == np.int64
    np.testing.assert_array_equal(np.sort(p.data), np.arange(10))
    assert mg.randperm(0).shape == (0,)
    assert mg.randperm(5, dtype=mg.float32).dtype == np.float32
    with pytest.raises(ValueError, match="n must be at least 0"):
        mg.randperm(-1)
    with pytest.raises(ValueError, match="do not fit in uint8"):
        mg.randperm(300, dtype=mg.uint8)


def test_multinomial_with_replacement_follows_the_weights():
    # fixed seed (numpy's stream, the same on every machine); the bound is 6 standard errors
    t = mg.multinomial(mg.tensor([1.0, 2.0, 7.0]), 20000, replacement=True, generator=mg.Generator().manual_seed(0))
    assert t.dtype == np.int64 and t.shape == (20000,)
    frequencies = np.bincount(t.data, minlength=3) / 20000
    np.testing.assert_allclose(frequencies, [0.1, 0.2, 0.7], atol=0.02)


def test_multinomial_without_replacement_draws_each_index_once():
    g = mg.Generator().manual_seed(2)
    weights = mg.tensor([[0.0, 1.0, 3.0, 1.0], [5.0, 0.0, 0.0, 1.0]])
    for _ in range(50):
        t = mg.multinomial(weights, 2, generator=g)
        assert t.shape == (2, 2)
        assert sorted(t.data[1]) == [0, 3]  # the only two nonzero weights of row 1
        assert len(set(t.data[0])) == 2 and 0 not in t.data[0]
    firsts = mg.multinomial(mg.tensor([[1.0, 1.0, 2.0]] * 4000), 2, generator=g).data[:, 0]
    np.testing.assert_allclose(np.bincount(firsts) / 4000, [0.25, 0.25, 0.5], atol=0.05)


def test_multinomial_is_not_differentiable():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    assert not mg.multinomial(w, 1).requires_grad


@pytest.mark.parametrize(
    "weights, num_samples, replacement, error, message",
    [
        ([0.5, 0.5], 3, False, ValueError, "cannot draw 3 samples without replacement from 2 categories"),
        ([0.0, 1.0, 0.0], 2, False, ValueError, "only 1 weights are nonzero"),
        ([[1.0, 1.0], [1.0, 0.0]], 2, False, ValueError, "in row 1: only 1 weights are nonzero"),
        ([0.0, 0.0], 1, True, ValueError, "weights are all 0"),
        ([[1.0, 1.0], [0.0, 0.0]], 1, True, ValueError, "weights in row 1 are all 0"),
        ([1.0, -1.0], 1, True, ValueError, "finite and >= 0"),
        ([1.0, float("nan")], 1, True, ValueError, "finite and >= 0"),
        ([1.0, float("inf")], 1, True, ValueError, "finite and >= 0"),
        ([[[1.0]]], 1, True, ValueError, r"1-D weights or 2-D ones .* got shape \(1, 1, 1\)"),
        (1.0, 1, True, ValueError, r"got shape \(\)"),
        ([1, 2], 1, True, TypeError, "floating-point weights, got int64"),
        ([1.0, 2.0], 0, True, ValueError, "num_samples >= 1, got 0"),
        ([1.0, 2.0], 1.0, True, TypeError, "num_samples must be an int"),
        ([1.0, 2.0], 1, 1, TypeError, "replacement must be True or False"),
    ],
)
def test_multinomial_errors(weights, num_samples, replacement, error, message):
    with pytest.raises(error, match=message):
        mg.multinomial(mg.tensor(weights), num_samples, replacement)


def test_multinomial_takes_a_tensor():
    with pytest.raises(TypeError, match="Tensor of weights, got list"):
        mg.multinomial([0.5, 0.5], 1)


def test_factories_make_leaves_that_collect_gradients():
    w = mg.zeros(3, requires_grad=True)
    (w * mg.arange(3.0)).sum().backward()
    np.testing.assert_array_equal(w.grad, [0, 1, 2])
