"""Creating tensors, their attributes, dtype rules, and the errors at the public boundary."""

import operator

import numpy as np
import pytest

import minigrad as mg


class TestCreation:
    def test_floating_arrays_keep_their_dtype(self):
        assert mg.Tensor(np.zeros(3, dtype=np.float64)).dtype == np.float64
        assert mg.Tensor(np.zeros(3, dtype=np.float32)).dtype == np.float32

    def test_lists_and_numbers_become_the_default_dtype(self):
        assert mg.Tensor([1, 2, 3]).dtype == np.float32
        assert mg.Tensor(2.5).dtype == np.float32
        assert mg.tensor([[1.0], [2.0]]).shape == (2, 1)
        mg.set_default_dtype(np.float64)
        assert mg.Tensor([1.0]).dtype == np.float64
        assert mg.zeros(2).dtype == np.float64

    def test_default_dtype_must_be_a_float(self):
        with pytest.raises(ValueError, match="float32 or float64.*int64"):
            mg.set_default_dtype(np.int64)

    def test_integer_arrays_are_allowed_but_cannot_require_grad(self):
        labels = mg.Tensor(np.array([0, 2, 1]))
        assert labels.dtype == np.int64
        with pytest.raises(TypeError, match="only floating-point tensors can require grad.*int64"):
            mg.Tensor(np.array([1, 2]), requires_grad=True)
        with pytest.raises(TypeError, match="int32"):
            mg.Tensor([1.0], dtype=np.int32, requires_grad=True)

    def test_data_is_copied_from_the_callers_array(self):
        source = np.ones(3)
        t = mg.Tensor(source)
        source[0] = 5.0
        assert t.data[0] == 1.0

    def test_explicit_dtype(self):
        assert mg.Tensor([1, 2], dtype=np.float64).dtype == np.float64
        assert mg.Tensor(np.ones(2, dtype=np.float64), dtype="float32").dtype == np.float32
        with pytest.raises(TypeError, match="not a dtype"):
            mg.Tensor([1.0], dtype="nonsense")

    @pytest.mark.parametrize("bad", ["abc", ["a", "b"], None, {"a": 1}, object(), np.array(["x"])])
    def test_non_numbers_are_refused(self, bad):
        with pytest.raises(TypeError):
            mg.Tensor(bad)

    def test_ragged_lists_are_refused_with_a_reason(self):
        with pytest.raises(ValueError, match="ragged"):
            mg.Tensor([[1.0, 2.0], [3.0]])

    def test_complex_numbers_are_refused(self):
        with pytest.raises(TypeError, match="complex"):
            mg.Tensor(np.array([1 + 2j]))

    def test_factories(self):
        assert mg.zeros(2, 3).shape == (2, 3)
        assert mg.ones((4,)).data.sum() == 4
        a, b = mg.randn(3, 2, rng=0), mg.randn(3, 2, rng=0)
        np.testing.assert_array_equal(a.data, b.data)
        assert a.dtype == np.float32
        assert mg.randn(2, dtype=np.float64, requires_grad=True).requires_grad
        with pytest.raises(ValueError, match="non-negative ints"):
            mg.zeros(-1)


class TestAttributes:
    def test_shape_ndim_size_dtype_T(self):
        t = mg.Tensor(np.zeros((2, 3)))
        assert (t.shape, t.ndim, t.size, t.dtype, t.T.shape, len(t)) == ((2, 3), 2, 6, np.float64, (3, 2), 2)

    def test_data_is_writable_and_numpy_shares_it(self):
        t = mg.Tensor([1.0, 2.0])
        t.data[0] = 7.0
        assert t.numpy()[0] == 7.0
        assert t.numpy() is t.data

    def test_item(self):
        assert mg.Tensor([[3.5]]).item() == 3.5
        with pytest.raises(ValueError, match=r"one-element.*\(2,\)"):
            mg.Tensor([1.0, 2.0]).item()

    def test_detach_shares_data_and_stops_gradients(self):
        x = mg.Tensor([1.0, 2.0], requires_grad=True)
        d = (x * 2).detach()
        assert not d.requires_grad
        y = (x * mg.Tensor([1.0, 1.0]).detach()).sum()
        y.backward()
        assert x.detach().data is x.data

    def test_repr_shows_values_and_graph_state(self):
        x = mg.Tensor([1.0, 2.0], requires_grad=True)
        assert repr(x) == "tensor([1., 2.], requires_grad=True)"
        assert repr(x * 2) == "tensor([2., 4.], grad_fn=<mul>)"
        assert repr(mg.Tensor(np.array([1, 2]))) == "tensor([1, 2])"  # int64 and bool go unsaid, as in PyTorch
        assert repr(mg.Tensor(np.array([1, 2], dtype=np.int32))) == "tensor([1, 2], dtype=int32)"
        assert repr(mg.Tensor(np.array([True]))) == "tensor([ True])"

    def test_numpy_can_read_a_tensor(self):
        np.testing.assert_array_equal(np.asarray(mg.Tensor([1.0, 2.0])), [1.0, 2.0])


class TestDtypeIsKept:
    """numpy 2 lets a numpy float64 scalar turn a float32 array into float64; minigrad must
    not, or a float32 model silently becomes a (slower) float64 one."""

    SCALARS = [2.0, 2, np.float64(2.0), np.float32(2.0), np.array(2.0), np.int64(2)]

    @pytest.mark.parametrize("scalar", SCALARS, ids=repr)
    @pytest.mark.parametrize(
        "op",
        [
            lambda x, s: x + s, lambda x, s: s + x, lambda x, s: x - s, lambda x, s: s - x,
            lambda x, s: x * s, lambda x, s: s * x, lambda x, s: x / s, lambda x, s: s / x,
            lambda x, s: x ** s, lambda x, s: abs(s) ** x,
        ],
    )  # fmt: skip
    def test_scalars_never_promote_float32(self, op, scalar):
        x = mg.Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
        y = op(x, scalar)
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32

    def test_every_op_keeps_float32_through_forward_and_backward(self):
        x = mg.Tensor(np.random.default_rng(0).uniform(0.5, 1.5, (3, 4)).astype(np.float32), requires_grad=True)
        w = mg.Tensor(np.ones((4, 2), dtype=np.float32), requires_grad=True)
        outputs = [
            x @ w, x.exp(), x.log(), x.sqrt(), x.tanh(), x.sigmoid(), x.relu(), x.abs(), x.clip(0.6, 1.2),
            x.leaky_relu(0.1), x.sum(axis=0), x.mean(), x.max(axis=1), x.reshape(-1), x.T, x[np.arange(3), [0, 1, 2]],
            x.softmax(), x.log_softmax(), x.logsumexp(axis=1), x ** 2, -x,
        ]  # fmt: skip
        for out in outputs:
            assert out.dtype == np.float32, out._op
        sum(o.sum() * 1.0 for o in outputs).backward()
        assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32

    def test_a_0d_tensor_does_not_promote_one_with_dimensions(self):
        # PyTorch's rule (numpy 2 would give float64 here)
        x = mg.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
        scale = mg.Tensor(np.array(2.0), requires_grad=True)
        y = x * scale
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32 and scale.grad.dtype == np.float64
        assert scale.grad == 3.0

    def test_results_and_gradients_are_arrays_even_when_0d(self):
        x = mg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
        for out in (x.sum(), x.mean(), x @ x, x[0]):
            assert type(out.data) is np.ndarray and out.shape == ()
        s = mg.Tensor(np.array(3.0), requires_grad=True)
        (s * s).backward()
        assert type(s.grad) is np.ndarray and s.grad == 6.0

    def test_a_gradient_has_the_dtype_of_its_input_when_dtypes_mix(self):
        a = mg.Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
        b = mg.Tensor(np.ones(2, dtype=np.float64), requires_grad=True)
        (a * b).sum().backward()
        assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


class TestErrors:
    @pytest.mark.parametrize(
        "symbol, op", [("+", operator.add), ("-", operator.sub), ("*", operator.mul), ("/", operator.truediv)]
    )
    def test_mismatched_shapes_name_both_shapes(self, symbol, op):
        a, b = mg.Tensor(np.ones((2, 3))), mg.Tensor(np.ones((4,)))
        with pytest.raises(ValueError, match=rf"\(2, 3\) and \(4,\).*'\{symbol}'"):
            op(a, b)

    def test_matmul_mismatch_names_both_shapes(self):
        with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 5\).*\(3\).*\(4\)"):
            mg.Tensor(np.ones((2, 3))) @ mg.Tensor(np.ones((4, 5)))
        with pytest.raises(ValueError, match="at least 1 dimension"):
            mg.Tensor(np.ones(3)) @ mg.Tensor(2.0)

    def test_power_takes_a_number_or_a_tensor_as_exponent(self):
        with pytest.raises(TypeError, match="a number or a Tensor as the exponent, got str"):
            mg.Tensor([2.0]) ** "2"

    def test_bad_axes(self):
        x = mg.Tensor(np.ones((2, 3)))
        with pytest.raises(ValueError, match="axis 2 is out of range for a tensor with 2 dimensions"):
            x.sum(axis=2)
        with pytest.raises(ValueError, match="repeats"):
            x.mean(axis=(0, -2))
        with pytest.raises(TypeError, match="axis must be an int"):
            x.max(axis=1.5)

    def test_bad_reshape_and_transpose(self):
        x = mg.Tensor(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"shape \(2, 3\) \(6 elements\) into \(4,\)"):
            x.reshape(4)
        with pytest.raises(ValueError, match="permutation"):
            mg.Tensor(np.ones((2, 3, 4))).transpose(0, 0, 1)

    def test_clip_needs_an_ordered_bound(self):
        with pytest.raises(ValueError, match="lo <= hi"):
            mg.Tensor([1.0]).clip(2.0, 1.0)
        with pytest.raises(ValueError, match="lo, hi or both"):
            mg.Tensor([1.0]).clip()

    def test_operand_that_is_not_a_number(self):
        with pytest.raises(TypeError, match="str"):
            mg.Tensor([1.0]) + "a"


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: x.sum(axis=0, keepdims="yes"), TypeError, "keepdims must be True or False, got 'yes'"),
        (lambda x: x.mean(axis=True), TypeError, "axis must be an int or a tuple of ints, got True"),
        (lambda x: x.leaky_relu("a"), TypeError, "negative_slope must be a number, got 'a'"),
        (lambda x: x.clip("a", 1), TypeError, "clip's lo must be a number or None, got 'a'"),
        (lambda x: (x * 2).backward("a"), TypeError, "backward\\(\\)'s grad must be an array of numbers"),
        (lambda x: x.reshape(2.0, 3), TypeError, "a shape is made of ints, got \\(2.0, 3\\)"),
        (lambda x: mg.Tensor([1.0], requires_grad="yes"), TypeError, "requires_grad must be True or False"),
        (lambda x: mg.zeros(2, requires_grad=1), TypeError, "requires_grad must be True or False, got 1"),
        (lambda x: mg.randn(2.5), TypeError, "a shape is made of ints, got \\(2.5,\\)"),
        (lambda x: mg.zeros("a"), TypeError, "a shape is made of ints"),
        (lambda x: mg.set_default_dtype("x"), TypeError, "'x' is not a dtype"),
    ],
)
def test_bad_arguments_get_the_shared_rule(call, error, message):
    x = mg.Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(error, match=message):
        call(x)
