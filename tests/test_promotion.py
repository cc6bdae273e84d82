"""Result dtypes follow PyTorch's type promotion, where numpy's differs.

PyTorch orders categories bool < integer < floating point. Operands with dimensions decide
the result unless a 0-d tensor or a Python/numpy scalar is of a higher category; a float
scalar meeting an integer tensor gives the default float dtype. So a float32 model stays
float32 whatever it meets, and integer data meeting floating values gives float32.
The expected dtypes below are the examples of PyTorch's documentation ("Type promotion",
torch.result_type) and the rules it states.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg


def t(dtype, shape=(2,)):
    return mg.Tensor(np.ones(shape, dtype=dtype))


DOCUMENTED = [
    # (left, right, expected): torch's documented examples
    (lambda: t(np.int32) + 5, np.int32),
    (lambda: t(np.int32) + t(np.int64, ()), np.int32),
    (lambda: t(np.int64) + t(np.int32), np.int64),
    (lambda: t(np.bool_) + t(np.int64), np.int64),
    (lambda: t(np.bool_) + t(np.uint8), np.uint8),
    (lambda: t(np.float32) + t(np.float64), np.float64),
    (lambda: t(np.bool_) + t(np.int32), np.int32),
    (lambda: t(np.int64) + t(np.float32), np.float32),
    (lambda: t(np.int64) * 0.1, np.float32),
    (lambda: t(np.int32) * np.float64(0.5), np.float32),  # a numpy scalar is a scalar too
    (lambda: t(np.float32) * t(np.float64, ()), np.float32),
    (lambda: t(np.int64) * t(np.float64, ()), np.float64),
    (lambda: t(np.int64) / t(np.int64), np.float32),
    (lambda: t(np.int64) / 2, np.float32),
    (lambda: 2.5 - t(np.int64), np.float32),
    (lambda: t(np.uint8) + t(np.int8), np.int16),
    (lambda: t(np.bool_) + 1, np.int64),
    (lambda: t(np.int64).exp(), np.float32),
    (lambda: t(np.int64).sqrt(), np.float32),
    (lambda: t(np.int64).softmax(), np.float32),
    (lambda: t(np.int64) ** 0.5, np.float32),
    (lambda: t(np.int64) ** 2, np.int64),
    (lambda: 2.0 ** t(np.int64), np.float32),
    (lambda: 2 ** t(np.int64), np.int64),
    (lambda: t(np.uint8).sum(), np.int64),
    (lambda: t(np.bool_).sum(), np.int64),
    (lambda: t(np.float32, (2, 3)) @ t(np.int64, (3, 2)), np.float32),
]


@pytest.mark.parametrize("make, expected", DOCUMENTED)
def test_result_dtype_follows_pytorch(make, expected):
    assert make().dtype == np.dtype(expected)


def test_integer_data_times_a_float_computes_in_float32_as_pytorch_does():
    result = mg.Tensor(np.array([77])) * 0.1
    assert result.dtype == np.float32
    # PyTorch casts both operands to float32 first: 77 * float32(0.1), rounded to float32
    assert result.data[0] == np.float32(77) * np.float32(0.1)
    assert result.item() == pytest.approx(7.7, rel=1e-7)


def test_mean_of_an_integer_tensor_is_refused_as_in_pytorch():
    with pytest.raises(TypeError, match="mean\\(\\) needs a floating-point tensor, this one is int64"):
        mg.Tensor(np.array([1, 2])).mean()


def test_integer_tensors_cannot_take_negative_integer_powers():
    with pytest.raises(ValueError, match="integer tensor cannot be raised to the negative power -1"):
        mg.Tensor(np.array([1, 2])) ** -1


DTYPES = [np.bool_, np.uint8, np.int8, np.int32, np.int64, np.float32, np.float64]
CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
OPS = {"+": np.add, "-": np.subtract, "*": np.multiply}


@given(
    left=st.sampled_from(DTYPES),
    right=st.sampled_from(DTYPES),
    left_0d=st.booleans(),
    right_0d=st.booleans(),
    op=st.sampled_from(sorted(OPS)),
)
def test_promotion_rules_over_every_dtype_pair(left, right, left_0d, right_0d, op):
    if op == "-" and np.dtype(left) == np.dtype(right) == np.bool_:
        return  # numpy refuses bool subtraction, as PyTorch does
    a = t(left, () if left_0d else (3,))
    b = t(right, () if right_0d else (3,))
    result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b}[op]()
    la, rb = np.dtype(left), np.dtype(right)
    # the result's category is the highest category among the operands
    assert CATEGORY[result.dtype.kind] == max(CATEGORY[la.kind], CATEGORY[rb.kind])
    if left_0d == right_0d:
        # operands of the same standing: the wider type of the winning category
        winner = [d for d in (la, rb) if CATEGORY[d.kind] == CATEGORY[result.dtype.kind]]
        assert result.dtype == np.result_type(*winner)
    else:
        dims, zero = (rb, la) if left_0d else (la, rb)
        if CATEGORY[dims.kind] >= CATEGORY[zero.kind]:
            assert result.dtype == dims  # a 0-d operand never widens one with dimensions
        else:
            assert result.dtype == zero
    # the value is computed in the result dtype
    expected = OPS[op](a.data.astype(result.dtype), b.data.astype(result.dtype))
    np.testing.assert_array_equal(result.data, expected)


@given(scalar=st.one_of(st.floats(-10, 10), st.integers(-10, 10), st.sampled_from([np.float64(0.3), np.int64(3)])))
def test_a_scalar_never_changes_the_dtype_of_a_float32_model(scalar):
    x = mg.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    for y in (x + scalar, scalar * x, x - scalar, scalar - x, x * scalar, x**2 * scalar):
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32
