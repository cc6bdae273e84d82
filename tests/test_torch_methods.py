"""The Tensor methods a PyTorch program uses (issue #10): their values, dtypes, edge cases and
errors, against numpy or numbers derived by hand. Gradients of the differentiable ones are also
checked against finite differences in test_ops_grad.py."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.strategies import arrays, axes_for, shapes


def f64(values, requires_grad=False):
    return mg.Tensor(np.array(values, dtype=np.float64), requires_grad=requires_grad)


def grad_of(fn, values, upstream=None):
    """The gradient of sum(upstream * fn(x)) at x = values (float64)."""
    x = f64(values, requires_grad=True)
    out = fn(x)
    out.backward(np.ones(out.shape) if upstream is None else np.asarray(upstream, dtype=np.float64))
    return x.grad


class TestSpellings:
    """dim/keepdim and axis/keepdims are the same arguments; both at once is a TypeError."""

    REDUCTIONS = ["sum", "mean", "amax", "amin", "logsumexp", "var", "std", "any", "all"]

    @pytest.mark.parametrize("method", REDUCTIONS)
    @given(data=st.data())
    def test_both_spellings_give_the_same_values_and_gradients(self, method, data):
        shape = data.draw(shapes)
        axis = data.draw(axes_for(len(shape)))
        if method == "logsumexp" and axis is None:
            axis = -1 if shape else None
        keep = data.draw(st.booleans())
        values = data.draw(arrays(shape))
        results = []
        for kwargs in ({"axis": axis, "keepdims": keep}, {"dim": axis, "keepdim": keep}):
            x = f64(values, requires_grad=method not in ("any", "all"))
            out = getattr(x, method)(**kwargs)
            if out.requires_grad:
                out.sum().backward()
            results.append((out.data, x.grad))
        (first, first_grad), (second, second_grad) = results
        np.testing.assert_array_equal(first, second)
        np.testing.assert_array_equal(first_grad, second_grad)

    @pytest.mark.parametrize("method", ["max", "min", "argmax", "argmin", "softmax", "log_softmax"])
    def test_methods_along_one_dim_take_both_spellings(self, method):
        x = f64([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
        by_dim = getattr(x, method)(dim=1)
        by_axis = getattr(x, method)(axis=1)
        np.testing.assert_array_equal(getattr(by_dim, "values", by_dim).data, by_axis.data)

    def test_positional_dim_and_keepdim(self):
        x = f64([[1.0, 2.0], [3.0, 4.0]])
        assert x.sum(1, True).shape == (2, 1)
        np.testing.assert_array_equal(x.sum(1).data, [3.0, 7.0])
        np.testing.assert_array_equal(x.mean(0, keepdim=True).data, [[2.0, 3.0]])
        np.testing.assert_array_equal(x.sum(1, keepdims=True).data, [[3.0], [7.0]])  # the makemore spelling

    @pytest.mark.parametrize(
        "call",
        [
            lambda x: x.sum(axis=0, dim=0),
            lambda x: x.mean(keepdims=True, keepdim=True),
            lambda x: x.softmax(axis=0, dim=1),
            lambda x: x.max(1, axis=1),
            lambda x: x.amax(dim=0, axis=0),
            lambda x: x.var(dim=0, axis=0),
            lambda x: x.squeeze(dim=0, axis=0),
            lambda x: x.unsqueeze(dim=0, axis=0),
        ],
    )
    def test_giving_both_spellings_is_a_type_error(self, call):
        with pytest.raises(TypeError, match=r"give (dim or axis|keepdim or keepdims), not both"):
            call(f64([[1.0, 2.0], [3.0, 4.0]]))

    def test_a_bad_keepdim_is_named(self):
        with pytest.raises(TypeError, match="keepdim must be True or False, got 'yes'"):
            f64([1.0]).sum(dim=0, keepdim="yes")


class TestMaxMin:
    def test_max_along_a_dim_is_a_named_tuple_of_values_and_int64_indices(self):
        x = f64([[1.0, 3.0, 2.0], [5.0, 4.0, 0.0]])
        result = x.max(1)
        values, indices = result
        assert type(result).__name__ == "max" and result.values is values and result.indices is indices
        assert result[0] is values and result[1] is indices
        np.testing.assert_array_equal(values.data, [3.0, 5.0])
        assert indices.dtype == np.int64 and not indices.requires_grad
        np.testing.assert_array_equal(indices.data, [1, 0])
        low = x.min(dim=0, keepdim=True)
        assert type(low).__name__ == "min"
        np.testing.assert_array_equal(low.values.data, [[1.0, 3.0, 0.0]])
        np.testing.assert_array_equal(low.indices.data, [[0, 0, 1]])

    def test_axis_keyword_and_no_argument_give_tensors(self):
        x = f64([[1.0, 3.0], [5.0, 4.0]])
        assert isinstance(x.max(axis=1), mg.Tensor) and isinstance(x.max(), mg.Tensor)
        np.testing.assert_array_equal(x.max(axis=1, keepdim=True).data, [[3.0], [5.0]])
        np.testing.assert_array_equal(x.min(axis=0).data, [1.0, 3.0])
        assert x.min().item() == 1.0

    def test_the_gradient_of_max_along_a_dim_goes_to_the_first_of_tied_entries(self):
        grad = grad_of(lambda x: x.max(1).values, [[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], [10.0, 20.0])
        np.testing.assert_array_equal(grad, [[0.0, 10.0, 0.0], [20.0, 0.0, 0.0]])
        grad = grad_of(lambda x: x.min(0, keepdim=True).values, [[1.0, 0.0], [1.0, -1.0]])
        np.testing.assert_array_equal(grad, [[1.0, 0.0], [0.0, 1.0]])

    def test_nan_wins_max_and_min_along_a_dim_at_its_first_position(self):
        rows = [[1.0, np.nan, 5.0, np.nan], [2.0, 7.0, 7.0, 1.0]]
        values, indices = f64(rows).max(1)
        np.testing.assert_array_equal(indices.data, [1, 1])
        assert np.isnan(values.data[0]) and values.data[1] == 7.0
        np.testing.assert_array_equal(f64(rows).min(1).indices.data, [1, 3])
        np.testing.assert_array_equal(grad_of(lambda x: x.max(1).values, rows), [[0, 1, 0, 0], [0, 1, 0, 0]])

    def test_full_max_and_amax_share_the_gradient_among_ties(self):
        ties = [[1.0, 3.0, 3.0], [2.0, 0.0, 3.0]]
        np.testing.assert_array_equal(grad_of(lambda x: x.max(), ties), np.array([[0, 1, 1], [0, 0, 1]]) / 3)
        np.testing.assert_array_equal(grad_of(lambda x: x.amax(1), ties), [[0, 0.5, 0.5], [0, 0, 1]])
        np.testing.assert_array_equal(
            grad_of(lambda x: x.amin(dim=(0, 1)), [[1.0, 2.0], [1.0, 1.0]]), [[1 / 3, 0], [1 / 3, 1 / 3]]
        )

    def test_amax_gives_a_row_whose_max_is_nan_a_nan_gradient_as_pytorch_does(self):
        grad = grad_of(lambda x: x.amax(1), [[1.0, 3.0], [np.nan, 2.0]])
        np.testing.assert_array_equal(grad[0], [0.0, 1.0])
        assert np.isnan(grad[1]).all()

    def test_max_of_another_tensor_is_the_elementwise_maximum(self):
        x, y = f64([1.0, 5.0, 2.0], requires_grad=True), f64([3.0, 0.0, 2.0], requires_grad=True)
        out = x.max(y)
        np.testing.assert_array_equal(out.data, [3.0, 5.0, 2.0])
        out.backward(np.array([1.0, 2.0, 4.0]))
        np.testing.assert_array_equal(x.grad, [0.0, 2.0, 2.0])  # a tie shares the gradient half and half
        np.testing.assert_array_equal(y.grad, [1.0, 0.0, 2.0])
        np.testing.assert_array_equal(x.min(y).data, [1.0, 0.0, 2.0])

    def test_maximum_and_minimum_broadcast_and_pass_nan_with_its_whole_gradient_to_both(self):
        x, y = f64([np.nan, 1.0], requires_grad=True), f64([0.0], requires_grad=True)
        out = x.maximum(y)
        assert np.isnan(out.data[0]) and out.data[1] == 1.0
        out.sum().backward()
        np.testing.assert_array_equal(x.grad, [1.0, 1.0])
        np.testing.assert_array_equal(y.grad, [1.0])  # from the nan entry (PyTorch's rule)
        np.testing.assert_array_equal(f64([[1.0], [4.0]]).minimum(f64([2.0, 3.0])).data, [[1.0, 1.0], [2.0, 3.0]])

    def test_argmax_and_argmin(self):
        x = f64([[1.0, 9.0, 9.0], [4.0, 0.0, np.nan]])
        for index in (x.argmax(), x.argmax(1), x.argmin(dim=0)):
            assert index.dtype == np.int64 and not index.requires_grad
        assert x.argmax().item() == 5  # a nan wins, counted in the flattened tensor
        np.testing.assert_array_equal(x.argmax(1).data, [1, 2])
        np.testing.assert_array_equal(x.argmin(0).data, [0, 1, 1])
        assert x.argmax(keepdim=True).shape == (1, 1) and x.argmax(1, keepdim=True).shape == (2, 1)
        assert f64([[1.0, 2.0], [4.0, 0.0]]).argmin().item() == 3

    def test_a_0d_tensor_has_one_dim_to_reduce(self):
        values, indices = f64(3.0).max(0)
        assert values.item() == 3.0 and indices.item() == 0 and indices.shape == ()
        assert f64(3.0).argmax(-1).item() == 0

    @pytest.mark.parametrize(
        "call, error, message",
        [
            (lambda x: x.max((0, 1)), TypeError, "max's dim must be an int, got \\(0, 1\\)"),
            (lambda x: x.min(2), ValueError, "min's dim must be in \\[-2, 1\\] here, got 2"),
            (lambda x: mg.zeros(2, 0).max(1), IndexError, r"max\(dim=1\) of a tensor of shape \(2, 0\)"),
            (lambda x: mg.zeros(2, 0).argmax(), ValueError, "argmax\\(\\) of an empty tensor"),
            (lambda x: mg.zeros(0).amax(), IndexError, "amax over an empty dimension"),
        ],
    )
    def test_errors(self, call, error, message):
        with pytest.raises(error, match=message):
            call(f64([[1.0, 2.0], [3.0, 4.0]]))


class TestVarStd:
    @given(data=st.data())
    def test_values_equal_numpys_with_ddof_equal_to_the_correction(self, data):
        shape = data.draw(shapes)
        axis = data.draw(axes_for(len(shape)))
        values = data.draw(arrays(shape))
        correction = data.draw(st.sampled_from([0, 1, 0.5]))
        n = values.size if axis is None else int(np.prod(np.array(shape)[np.atleast_1d(axis)]))
        if n <= correction:
            return
        x = f64(values)
        np.testing.assert_allclose(
            x.var(axis, correction=correction).data, np.var(values, axis, ddof=correction), rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(
            x.std(dim=axis, correction=correction, keepdim=True).data,
            np.std(values, axis, ddof=correction, keepdims=True),
            rtol=1e-12,
            atol=1e-15,
        )

    def test_unbiased_and_correction(self):
        x = f64([1.0, 2.0, 4.0])  # mean 7/3, squared deviations sum to 14/3
        assert x.var().item() == pytest.approx(7 / 3, rel=1e-15)  # correction 1 by default
        assert x.var(unbiased=False).item() == pytest.approx(14 / 9, rel=1e-15)
        assert x.var(False).item() == pytest.approx(14 / 9, rel=1e-15)  # PyTorch's var(unbiased)
        assert x.var(0, False, True).shape == (1,)  # (dim, unbiased, keepdim)
        assert x.std(correction=2).item() == pytest.approx(np.sqrt(14 / 3), rel=1e-15)
        assert x.var(correction=-1).item() == pytest.approx(14 / 12, rel=1e-15)
        with pytest.raises(TypeError, match="var\\(\\) takes unbiased or correction, not both"):
            x.var(unbiased=True, correction=1)
        with pytest.raises(TypeError, match="std\\(\\) needs a floating-point tensor, this one is int64"):
            mg.Tensor(np.array([1, 2])).std()

    def test_the_divisor_is_never_negative_so_too_few_entries_give_inf_or_nan(self):
        assert np.isnan(f64([2.0]).var().item())  # 0 / 0
        assert f64([2.0, 3.0]).var(correction=3).item() == np.inf  # 0.5 / max(0, -1)
        assert f64(3.0).var(0, correction=0).item() == 0.0

    def test_float32_stays_float32_and_is_summed_in_float64(self):
        x = mg.Tensor(np.array([1e20, -1e20], dtype=np.float32))
        assert x.var().dtype == np.float32
        assert x.var().item() == np.inf  # 2e40 does not fit in float32
        std = x.std().item()  # the square root is taken in float64, so it does not overflow
        assert np.isfinite(std) and std == pytest.approx(np.sqrt(2.0) * 1e20, rel=1e-6)

    def test_gradient_of_var_is_2_over_the_divisor_times_the_deviation(self):
        grad = grad_of(lambda x: x.var(), [1.0, 2.0, 6.0], 3.0)  # mean 3, divisor 2
        np.testing.assert_allclose(grad, 3.0 * 2 / 2 * np.array([-2.0, -1.0, 3.0]), rtol=1e-15)

    def test_gradient_of_std_where_it_is_0_is_0_as_in_pytorch(self):
        np.testing.assert_array_equal(grad_of(lambda x: x.std(), [2.0, 2.0, 2.0]), [0.0, 0.0, 0.0])
        np.testing.assert_array_equal(grad_of(lambda x: x.std(0), [[2.0, 3.0], [2.0, 5.0]])[:, 0], [0.0, 0.0])

    def test_gradient_when_the_divisor_is_zero_follows_pytorch(self):
        # a whole-tensor reduction: inf times the gradient, nan where x equals its mean
        np.testing.assert_array_equal(grad_of(lambda x: x.var(correction=2), [2.0, 3.0], -1.0), [-np.inf, -np.inf])
        assert np.isnan(grad_of(lambda x: x.var(correction=2), [2.0, 2.0])).all()
        # along a dim: 2 / (N - correction) even when that is negative
        np.testing.assert_array_equal(grad_of(lambda x: x.var(0, correction=3), [2.0, 3.0]), [1.0, -1.0])


class TestShapes:
    def test_view_shares_memory_and_version_with_its_base(self):
        x = f64([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        v = x.view(3, 2)
        assert v.shape == (3, 2) and x.view(-1).shape == (6,) and x.view((6, 1)).shape == (6, 1)
        v.data[0, 0] = 10.0
        assert x.data[0, 0] == 10.0
        with mg.no_grad():
            v += 1.0
        assert x._version == 1

    def test_view_refuses_a_layout_that_needs_a_copy(self):
        x = f64(np.arange(6.0).reshape(2, 3))
        assert x.is_contiguous() and not x.T.is_contiguous()
        with pytest.raises(
            RuntimeError, match=re.escape("view to shape (6,) of a tensor of shape (3, 2) needs a copy")
        ):
            x.T.view(6)
        with pytest.raises(RuntimeError, match=r"Use \.reshape\(\.\.\.\).*or \.contiguous\(\)\.view"):
            x[:, ::2].view(4)
        np.testing.assert_array_equal(x.T.contiguous().view(6).data, [0, 3, 1, 4, 2, 5])
        np.testing.assert_array_equal(x.T.reshape(6).data, [0, 3, 1, 4, 2, 5])
        with pytest.raises(ValueError, match=r"cannot view a tensor of shape \(2, 3\) \(6 elements\) as \(4,\)"):
            x.view(4)

    def test_contiguous_returns_the_tensor_itself_when_it_already_is(self):
        x = f64([[1.0, 2.0], [3.0, 4.0]])
        assert x.contiguous() is x
        t = x.T.contiguous()
        assert t.is_contiguous() and not np.shares_memory(t.data, x.data)

    def test_clone_copies_and_passes_the_gradient(self):
        x = f64([1.0, 2.0], requires_grad=True)
        c = x.clone()
        assert not np.shares_memory(c.data, x.data) and c._versions is not x._versions
        (c * 3.0).sum().backward()
        np.testing.assert_array_equal(x.grad, [3.0, 3.0])

    def test_unsqueeze_and_squeeze(self):
        x = f64(np.zeros((2, 1, 3)))
        assert x.unsqueeze(0).shape == (1, 2, 1, 3) and x.unsqueeze(-1).shape == (2, 1, 3, 1)
        assert x.unsqueeze(axis=3).shape == (2, 1, 3, 1)
        assert x.squeeze().shape == (2, 3) and x.squeeze(1).shape == (2, 3)
        assert x.squeeze(0).shape == (2, 1, 3)  # not of length 1: left as it is, as in PyTorch
        assert x.squeeze((0, 1)).shape == (2, 3)
        assert x.squeeze(1)._versions is x._versions and x.unsqueeze(0)._versions is x._versions
        with pytest.raises(ValueError, match=r"unsqueeze's dim must be in \[-4, 3\] here, got 4"):
            x.unsqueeze(4)
        with pytest.raises(TypeError, match="unsqueeze needs dim"):
            x.unsqueeze()

    def test_permute_and_transpose(self):
        x = f64(np.arange(24.0).reshape(2, 3, 4))
        assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.permute((2, 0, 1)).shape == (4, 2, 3)
        np.testing.assert_array_equal(x.transpose(0, 2).data, np.swapaxes(x.data, 0, 2))  # two dims: swapped
        np.testing.assert_array_equal(x.transpose(dim0=-1, dim1=1).data, np.swapaxes(x.data, 1, 2))
        np.testing.assert_array_equal(x.transpose(2, 0, 1).data, x.data.transpose(2, 0, 1))  # numpy's permutation
        assert x.transpose().shape == (4, 3, 2)
        m = f64([[1.0, 2.0, 3.0]])
        assert m.transpose(0, 1).shape == (3, 1) and m.transpose(1, 0).shape == (3, 1)
        with pytest.raises(
            ValueError, match="permute of a 3-D tensor needs a permutation of its dims, got \\(0, 0, 1\\)"
        ):
            x.permute(0, 0, 1)
        with pytest.raises(TypeError, match="dim0 and dim1 together"):
            x.transpose(dim0=1)

    def test_expand_repeats_length_1_dims_without_copying(self):
        x = f64([[1.0], [2.0]], requires_grad=True)
        e = x.expand(3, 2, 4)
        assert e.shape == (3, 2, 4) and np.shares_memory(e.data, x.data) and e._versions is x._versions
        np.testing.assert_array_equal(e.data[2, 1], [2.0] * 4)
        assert x.expand(-1, 5).shape == (2, 5) and x.expand_as(f64(np.zeros((2, 3)))).shape == (2, 3)
        (e * 2.0).sum().backward()
        np.testing.assert_array_equal(x.grad, [[24.0], [24.0]])  # 3 * 4 copies, each times 2

    @pytest.mark.parametrize("sizes", [(3, 3), (2,), (-1, 2, 2), (2, -2)])
    def test_expand_errors(self, sizes):
        with pytest.raises(ValueError, match=r"expand (cannot turn shape \(2, 1\)|needs a size for each)"):
            f64([[1.0], [2.0]]).expand(*sizes)

    def test_writing_into_an_expanded_tensor_is_refused_clearly(self):
        e = f64([[1.0], [2.0]]).expand(2, 3)
        message = "would write into a tensor made by expand\\(\\), whose elements share memory"
        with pytest.raises(RuntimeError, match="'\\+=' " + message):
            e += 1.0
        with pytest.raises(RuntimeError, match=message):
            e[0, 0] = 5.0
        with pytest.raises(RuntimeError, match="'fill_' " + message):
            e.zero_()
        x = f64([[1.0], [2.0]])
        same = x.expand(2, 1)  # nothing repeats: an ordinary view, writable
        same += 1.0
        np.testing.assert_array_equal(x.data, [[2.0], [3.0]])

    def test_view_as_reshape_as_and_flatten_ranges(self):
        x = f64(np.arange(24.0).reshape(2, 3, 4))
        assert x.view_as(f64(np.zeros((6, 4)))).shape == (6, 4)
        assert x.reshape_as(f64(np.zeros(24))).shape == (24,)
        assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12) and x.flatten(0, 1).shape == (6, 4)
        with pytest.raises(ValueError, match="start_dim <= end_dim"):
            x.flatten(2, 1)
        with pytest.raises(TypeError, match="view_as takes a Tensor"):
            x.view_as((6, 4))


class TestCastsAndAttributes:
    @pytest.mark.parametrize(
        "method, dtype",
        [
            ("float", np.float32),
            ("double", np.float64),
            ("half", np.float16),
            ("long", np.int64),
            ("int", np.int32),
            ("bool", np.bool_),
        ],
    )
    def test_cast_methods(self, method, dtype):
        x = mg.Tensor(np.array([-1.7, 0.0, 2.5], dtype=np.float64))
        out = getattr(x, method)()
        assert out.dtype == dtype
        np.testing.assert_array_equal(out.data, np.array([-1.7, 0.0, 2.5]).astype(dtype))  # integers: toward 0
        assert getattr(out, method)() is out  # already that dtype: the same tensor

    def test_gradients_flow_through_casts_between_floats_but_not_to_integers(self):
        x = mg.Tensor(np.array([1.5, 2.0], dtype=np.float32), requires_grad=True)
        y = x.double()
        assert y.dtype == np.float64 and y.requires_grad
        (y * y).sum().backward()
        assert x.grad.dtype == np.float32
        np.testing.assert_array_equal(x.grad, [3.0, 4.0])
        assert not x.long().requires_grad and not x.bool().requires_grad

    def test_type_names_and_type_casts(self):
        assert mg.Tensor([1.0]).type() == "torch.FloatTensor"
        assert mg.Tensor(np.array([1])).type() == "torch.LongTensor"
        assert mg.Tensor(np.array([True])).type() == "torch.BoolTensor"
        assert mg.Tensor([1.0]).type("torch.DoubleTensor").dtype == np.float64
        assert mg.Tensor([1.0]).type(np.int32).dtype == np.int32

    def test_to(self):
        x = mg.Tensor([1.0, 2.0])
        assert x.to("cpu") is x and x.to(np.float32) is x and x.cpu() is x
        assert x.to(np.float64).dtype == np.float64 and x.to("cpu", np.float64).dtype == np.float64
        assert x.to(dtype=np.int64, device="cpu:0").dtype == np.int64
        assert x.to(mg.Tensor(np.array([1]))).dtype == np.int64  # another tensor's dtype
        copy = x.to(copy=True)
        assert copy is not x and not np.shares_memory(copy.data, x.data)
        with pytest.raises(ValueError, match=r"CPU only \(numpy\), so device 'cuda' is not available"):
            x.to("cuda")
        with pytest.raises(TypeError, match="a device is a string such as 'cpu' or an mg.device, got"):
            x.to(device=0)
        with pytest.raises(TypeError, match="to\\(\\) got two dtypes"):
            x.to(np.float64, np.float32)

    def test_requires_grad_(self):
        x = mg.Tensor([1.0])
        assert x.requires_grad_() is x and x.requires_grad
        assert not x.requires_grad_(False).requires_grad
        with pytest.raises(
            RuntimeError, match="only Tensors of floating point dtype can require gradients, this one is int64"
        ):
            mg.Tensor(np.array([1])).requires_grad_()
        assert not mg.Tensor(np.array([1])).requires_grad_(False).requires_grad
        with pytest.raises(RuntimeError, match="only a leaf tensor's flag can be changed.*x.detach\\(\\)"):
            (f64([1.0], requires_grad=True) * 2).requires_grad_(False)
        with pytest.raises(TypeError, match="requires_grad must be True or False, got 1"):
            x.requires_grad_(1)

    def test_sizes_and_lists(self):
        x = f64(np.zeros((2, 3)))
        assert x.size == 6 and x.size // 4 == 1 and isinstance(x.size, int)  # numpy's attribute, as before
        assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-2) == 2 and x.size(dim=0) == 2  # PyTorch's method
        assert x.numel() == 6 and x.nelement() == 6 and x.dim() == 2
        with pytest.raises(ValueError, match=r"size's dim must be in \[-2, 1\] here, got 2"):
            x.size(2)
        assert f64([[1.5, 2.0]]).tolist() == [[1.5, 2.0]] and mg.Tensor(np.array(3)).tolist() == 3


class TestInPlaceMethods:
    def test_zero_and_fill_write_in_place_and_bump_the_version(self):
        x = f64([1.0, 2.0])
        array = x.data
        assert x.zero_() is x and x.data is array and x._version == 1
        np.testing.assert_array_equal(x.data, [0.0, 0.0])
        x.fill_(3.5)
        np.testing.assert_array_equal(x.data, [3.5, 3.5])
        counts = mg.Tensor(np.array([1, 2]))
        counts.fill_(2.7)  # truncated, as in PyTorch
        np.testing.assert_array_equal(counts.data, [2, 2])
        x.fill_(f64(-1.0))
        np.testing.assert_array_equal(x.data, [-1.0, -1.0])
        with pytest.raises(ValueError, match="fill_ takes a number or a 0-d tensor, got a tensor of shape \\(2,\\)"):
            x.fill_(f64([1.0, 2.0]))

    def test_fill_of_a_computed_tensor_is_recorded(self):
        w, v = f64([1.0, 2.0, 3.0], requires_grad=True), f64(2.5, requires_grad=True)
        h = w * 1.0
        h.fill_(v)
        (h * f64([1.0, 2.0, 3.0])).sum().backward()
        np.testing.assert_array_equal(w.grad, [0.0, 0.0, 0.0])
        assert v.grad == 6.0

    def test_add_sub_mul_div(self):
        x = f64([1.0, 2.0])
        x.add_(f64([3.0, 4.0]), alpha=2)
        np.testing.assert_array_equal(x.data, [7.0, 10.0])
        x.sub_(1.0).mul_(2.0).div_(4.0)
        np.testing.assert_array_equal(x.data, [3.0, 4.5])
        with pytest.raises(TypeError, match="alpha must be a number, got 'a'"):
            x.add_(1.0, alpha="a")

    @pytest.mark.parametrize("call", [lambda w: w.zero_(), lambda w: w.add_(1.0), lambda w: w.mul_(2.0)])
    def test_refused_on_a_leaf_that_requires_grad_while_recording(self, call):
        w = f64([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="would change a leaf tensor that requires grad.*mg.no_grad"):
            call(w)
        with mg.no_grad():
            call(w)
        assert w._version == 1


class TestComparisons:
    @pytest.mark.parametrize(
        "op, expected",
        [
            (lambda x, y: x == y, [[False, True, False], [False, False, False]]),
            (lambda x, y: x != y, [[True, False, True], [True, True, True]]),
            (lambda x, y: x < y, [[True, False, False], [False, False, False]]),
            (lambda x, y: x <= y, [[True, True, False], [False, False, False]]),
            (lambda x, y: x > y, [[False, False, True], [True, True, True]]),
            (lambda x, y: x >= y, [[False, True, True], [True, True, True]]),
            (lambda x, y: x.eq(y), [[False, True, False], [False, False, False]]),
            (lambda x, y: x.ge(y), [[False, True, True], [True, True, True]]),
        ],
    )
    @pytest.mark.parametrize(
        "right",
        [
            lambda: f64([2.0, 2.0, 2.0]),
            lambda: f64(2.0),
            lambda: 2,
            lambda: np.float32(2),
            lambda: np.array([2.0, 2.0, 2.0]),
        ],
    )
    def test_bool_results_broadcast_like_arithmetic(self, op, expected, right):
        x = f64([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        out = op(x, right())
        assert out.dtype == np.bool_ and not out.requires_grad
        np.testing.assert_array_equal(out.data, expected)

    def test_an_array_or_number_on_the_left_is_reflected(self):
        x = f64([1.0, 2.0, 3.0])
        np.testing.assert_array_equal((np.array([2.0, 2.0, 2.0]) < x).data, [False, False, True])
        np.testing.assert_array_equal((2 >= x).data, [True, True, False])
        assert isinstance(np.array([1.0, 0.0, 3.0]) == x, mg.Tensor)

    def test_compared_in_pytorchs_promoted_dtype(self):
        counts = mg.Tensor(np.array([1, 2, 3]))
        np.testing.assert_array_equal((counts == 2.5).data, [False, False, False])
        np.testing.assert_array_equal((counts < 2.5).data, [True, True, False])

    def test_mismatched_shapes_name_both(self):
        with pytest.raises(ValueError, match=r"shapes \(2,\) and \(3,\) cannot be broadcast together for '<'"):
            f64([1.0, 2.0]) < f64([1.0, 2.0, 3.0])  # noqa: B015

    def test_things_that_are_not_numbers_compare_as_python_objects_do(self):
        x = f64([1.0, 2.0])
        assert (x == None) is False and (x != "a") is True  # noqa: E711
        with pytest.raises(TypeError, match="'<' not supported"):
            x < None  # noqa: B015
        with pytest.raises(TypeError, match="eq\\(\\) compares with a Tensor, an array or a number, got NoneType"):
            x.eq(None)

    def test_tensors_hash_by_identity(self):
        a, b = f64([1.0]), f64([1.0])
        assert len({a, b, a}) == 2 and {a: 1, b: 2}[b] == 2 and hash(a) != hash(b)

    def test_truth_int_index_and_membership(self):
        assert bool(f64([0.5])) is True and bool(f64(0.0)) is False and bool(f64([[np.nan]])) is True
        with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
            bool(f64([1.0, 2.0]))
        with pytest.raises(RuntimeError, match="Boolean value of Tensor with no values is ambiguous"):
            bool(mg.zeros(0))
        assert int(f64([-2.7])) == -2 and float(f64([[1.5]])) == 1.5
        i = mg.Tensor(np.array(2))
        assert (
            [10, 20, 30][i] == 30
            and list(range(i)) == [0, 1]
            and np.arange(5)[mg.Tensor(np.array([1, 3]))].tolist() == [1, 3]
        )
        with pytest.raises(TypeError, match="only integer tensors of a single element can be converted to an index"):
            [1, 2][f64(1.0)]
        x = f64([[1.0, 2.0], [3.0, 4.0]])
        assert 3.0 in x and 5.0 not in x

    def test_logical_operators_on_masks(self):
        a, b = mg.Tensor(np.array([True, True, False])), mg.Tensor(np.array([True, False, False]))
        np.testing.assert_array_equal((a & b).data, [True, False, False])
        np.testing.assert_array_equal((a | b).data, [True, True, False])
        np.testing.assert_array_equal((a ^ b).data, [False, True, False])
        np.testing.assert_array_equal((~a).data, [False, False, True])
        np.testing.assert_array_equal((np.array([False, True, True]) & a).data, [False, True, False])
        np.testing.assert_array_equal((True | b).data, [True, True, True])
        assert (mg.Tensor(np.array([6])) & 3).data.tolist() == [2]  # integers: bitwise
        x = f64([1.0, -1.0])
        np.testing.assert_array_equal(((x > 0) | (x < -0.5)).data, [True, True])
        with pytest.raises(TypeError, match="'&' needs bool \\(or integer\\) tensors, got float64"):
            x & x  # noqa: B018
        with pytest.raises(TypeError, match="'~' needs a bool"):
            ~x  # noqa: B018

    def test_accuracy_the_pytorch_way(self):
        logits = f64([[0.1, 2.0], [3.0, -1.0], [0.0, 0.5]])
        labels = mg.Tensor(np.array([1, 0, 0]))
        assert (logits.argmax(1) == labels).float().mean().item() == pytest.approx(2 / 3)


class TestSetitem:
    def test_a_write_without_a_graph_changes_the_array_and_bumps_the_version(self):
        x = f64([1.0, 2.0, 3.0])
        array = x.data
        x[0] = 5.0
        x[1:] = np.array([6.0, 7.0])
        x[mg.Tensor(np.array([True, False, False]))] = f64(8.0)
        assert x.data is array and x._version == 3
        np.testing.assert_array_equal(x.data, [8.0, 6.0, 7.0])

    def test_under_no_grad_a_leaf_that_requires_grad_is_written_and_old_graphs_refuse_backward(self):
        w = f64([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        with mg.no_grad():
            w[0] = 0.0
        assert w._version == 1 and w.requires_grad and w.data[0] == 0.0
        with pytest.raises(RuntimeError, match="changed in place since"):
            loss.backward()

    def test_on_a_leaf_that_requires_grad_while_recording_it_is_refused(self):
        w = f64([1.0, 2.0], requires_grad=True)
        with pytest.raises(
            RuntimeError, match=re.escape("'x[...] = value' would change a leaf tensor that requires grad")
        ):
            w[0] = 0.0
        with pytest.raises(RuntimeError, match="with mg.no_grad"):
            w[0] = 0.0
        assert w.data[0] == 1.0 and w._version == 0

    def test_values_are_cast_to_the_tensors_dtype_as_in_pytorch(self):
        counts = mg.Tensor(np.array([1, 2, 3]))
        counts[0] = 2.7
        counts[1:] = -1.9
        np.testing.assert_array_equal(counts.data, [2, -1, -1])
        assert counts.dtype == np.int64
        x = mg.Tensor(np.zeros(2, dtype=np.float32))
        x[:] = f64([0.1, 0.2])
        assert x.dtype == np.float32 and x.data[0] == np.float32(0.1)

    def test_a_recorded_write_gives_the_overwritten_entries_no_gradient_and_the_value_theirs(self):
        w, v = f64([1.0, 2.0, 3.0, 4.0], requires_grad=True), f64(10.0, requires_grad=True)
        h = w * 2.0
        h[np.array([0, 2])] = v
        np.testing.assert_array_equal(h.data, [10.0, 4.0, 10.0, 8.0])
        (h * f64([1.0, 2.0, 3.0, 4.0])).sum().backward()
        np.testing.assert_array_equal(w.grad, [0.0, 4.0, 0.0, 8.0])
        assert v.grad == 4.0  # 1 + 3, from both entries it was written into

    def test_a_value_that_requires_grad_turns_a_plain_tensor_into_part_of_the_graph(self):
        v = f64([5.0], requires_grad=True)
        t = mg.zeros(3, dtype=np.float64)
        t[1:] = v
        assert t.requires_grad
        (t * f64([1.0, 2.0, 3.0])).sum().backward()
        np.testing.assert_array_equal(v.grad, [5.0])

    def test_recording_a_write_into_a_view_is_refused(self):
        h = f64([1.0, 2.0], requires_grad=True) * 1.0
        with pytest.raises(RuntimeError, match="shares its memory with another"):
            h.view(2, 1)[0] = 3.0

    @pytest.mark.parametrize(
        "index, value, error, message",
        [
            (5, 1.0, IndexError, "index 5 is out of bounds for axis 0 with size 3"),
            (
                slice(None),
                np.array([1.0, 2.0]),
                ValueError,
                r"cannot broadcast a value of shape \(2,\) to the shape \(3,\)",
            ),
            (0, "a", TypeError, "takes a number, an array or a Tensor as the value, got str"),
            (0, [1.0], TypeError, "got list"),
            (f64([0.0]), 1.0, IndexError, "tensors used as indices must hold integers or bools, this one is float64"),
        ],
    )
    def test_errors(self, index, value, error, message):
        x = f64([1.0, 2.0, 3.0])
        with pytest.raises(error, match=message):
            x[index] = value
        np.testing.assert_array_equal(x.data, [1.0, 2.0, 3.0])

    def test_counting_bigrams_the_makemore_way(self):
        N = mg.zeros((3, 3), dtype=np.int32)
        for a, b in [(0, 1), (1, 2), (0, 1)]:
            N[a, b] += 1
        np.testing.assert_array_equal(N.data, [[0, 2, 0], [0, 0, 1], [0, 0, 0]])


class TestIndexing:
    def test_every_kind_of_index(self):
        data = np.arange(24.0).reshape(2, 3, 4)
        x = f64(data)
        rows = mg.Tensor(np.array([1, 0, 1]))
        mask = data > 10
        cases = [
            (rows, data[[1, 0, 1]]),
            (mg.Tensor(mask), data[mask]),
            (mask[:, :, 0], data[mask[:, :, 0]]),
            ([0, -1], data[[0, -1]]),
            (range(2), data[[0, 1]]),
            ((None, 0, Ellipsis, -1), data[None, 0, ..., -1]),
            ((slice(None), mg.Tensor(np.array([2, 0])), slice(1, None, 2)), data[:, [2, 0], 1::2]),
            ((mg.Tensor(np.array([True, False])), 1), data[[True, False], 1]),
            ([], data[np.array([], dtype=int)]),
        ]
        for index, expected in cases:
            np.testing.assert_array_equal(x[index].data, expected)

    def test_ints_slices_and_0d_integer_tensors_give_views_arrays_copies(self):
        x = f64([[1.0, 2.0], [3.0, 4.0]])
        for view in (x[0], x[0, 1], x[mg.Tensor(np.array(1))], x[:, ::2], x[None]):
            assert np.shares_memory(view.data, x.data) and view._versions is x._versions
        assert x[0, 1].shape == () and type(x[0, 1].data) is np.ndarray
        for copy in (x[[0, 1]], x[x.data > 2], x[mg.Tensor(np.array([1]))]):
            assert not np.shares_memory(copy.data, x.data) and copy._versions is not x._versions

    def test_a_mask_passes_the_gradient_to_the_entries_it_selects(self):
        mask = np.array([[True, False], [False, True]])
        grad = grad_of(lambda x: x[mg.Tensor(mask)], [[1.0, 2.0], [3.0, 4.0]], [5.0, 6.0])
        np.testing.assert_array_equal(grad, [[5.0, 0.0], [0.0, 6.0]])
        grad = grad_of(lambda x: x[mg.Tensor(np.array([0, 0, 1]))], [1.0, 2.0], [1.0, 2.0, 4.0])
        np.testing.assert_array_equal(grad, [3.0, 4.0])  # a repeated index adds up

    @pytest.mark.parametrize(
        "index, message",
        [
            (5, "index 5 is out of bounds for axis 0 with size 2"),
            ((0, -4), "index -4 is out of bounds for axis 1 with size 3"),
            (mg.Tensor(np.array([0, 2])), "index 2 is out of bounds for axis 0 with size 2"),
            ((0, 0, 0), "too many indices"),
            (np.array([True, False, True]), "boolean index did not match"),
        ],
    )
    def test_out_of_range_names_the_index_and_the_size(self, index, message):
        with pytest.raises(IndexError, match=re.escape(message) + r".*\(indexing a tensor of shape \(2, 3\)\)"):
            f64(np.zeros((2, 3)))[index]


class TestPowAndClamp:
    def test_pow_with_a_tensor_exponent(self):
        x, p = f64([2.0, 3.0, 4.0], requires_grad=True), f64([[1.0], [2.0]], requires_grad=True)
        out = x.pow(p)
        np.testing.assert_array_equal(out.data, [[2.0, 3.0, 4.0], [4.0, 9.0, 16.0]])
        out.sum().backward()
        np.testing.assert_allclose(x.grad, [1 + 2 * 2, 1 + 2 * 3, 1 + 2 * 4], rtol=1e-15)
        np.testing.assert_allclose(
            p.grad, [[np.log([2, 3, 4]).dot([2, 3, 4])], [np.log([2, 3, 4]).dot([4, 9, 16])]], rtol=1e-14
        )
        assert (mg.Tensor(np.array([2, 3])) ** mg.Tensor(np.array([3, 2]))).data.tolist() == [8, 9]
        np.testing.assert_array_equal((np.array([2.0, 3.0]) ** f64([2.0, 1.0])).data, [4.0, 3.0])

    def test_pow_gradients_at_zero_follow_pytorch(self):
        base, exponent = f64([0.0, 0.0, 0.0, 2.0], requires_grad=True), f64([2.0, 0.0, -1.0, 0.0], requires_grad=True)
        (base**exponent).sum().backward()
        np.testing.assert_array_equal(base.grad, [0.0, 0.0, -np.inf, 0.0])  # 0 where the exponent is 0
        np.testing.assert_array_equal(exponent.grad, [0.0, 0.0, -np.inf, np.log(2.0)])  # 0 where 0 ** (p >= 0)
        with pytest.raises(ValueError, match="integer tensor cannot be raised to negative powers"):
            mg.Tensor(np.array([2])) ** mg.Tensor(np.array([-1]))

    def test_clamp_and_clip_with_number_bounds(self):
        x = f64([-2.0, 0.5, 3.0])
        np.testing.assert_array_equal(x.clamp(-1.0, 1.0).data, [-1.0, 0.5, 1.0])
        np.testing.assert_array_equal(x.clamp(min=0.0).data, [0.0, 0.5, 3.0])
        np.testing.assert_array_equal(x.clip(max=1.0).data, [-2.0, 0.5, 1.0])
        np.testing.assert_array_equal(x.clip(-1.0, 1.0).data, x.clamp(-1.0, 1.0).data)
        with pytest.raises(ValueError, match="clamp needs min <= max, got min=2.0 and max=1.0"):
            x.clamp(2.0, 1.0)
        with pytest.raises(ValueError, match="clamp needs min, max or both"):
            x.clamp()
        with pytest.raises(TypeError, match="give min or lo, not both"):
            x.clip(0.0, min=0.0)

    def test_clamp_with_tensor_bounds_follows_pytorch(self):
        x = f64([-1.0, 0.5, 2.0, 3.0], requires_grad=True)
        lo = f64([0.0, 0.0, 0.0, 4.0], requires_grad=True)
        hi = f64([1.0, 1.0, 1.0, 2.0], requires_grad=True)  # the last pair has min > max
        out = x.clamp(lo, hi)
        np.testing.assert_array_equal(out.data, [0.0, 0.5, 1.0, 2.0])  # where min > max: max
        out.sum().backward()
        np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0, 0.0])
        np.testing.assert_array_equal(lo.grad, [1.0, 0.0, 0.0, 0.0])  # x < min < max
        np.testing.assert_array_equal(hi.grad, [0.0, 0.0, 1.0, 1.0])  # x > max, or max < min
        np.testing.assert_array_equal(
            f64([[1.0, 5.0]]).clamp(max=np.array([[2.0], [3.0]])).data, [[1.0, 2.0], [1.0, 3.0]]
        )


def test_every_new_op_keeps_float32_through_forward_and_backward():
    x = mg.Tensor(np.random.default_rng(0).uniform(0.5, 1.5, (3, 4)).astype(np.float32), requires_grad=True)
    v = mg.Tensor(np.float32(2.0), requires_grad=True)

    def written(x):
        y = x * 1.0
        y[0] = v
        y[np.array([1, 1])] = 0.5
        return y

    def filled(x):
        y = x * 1.0
        return y.fill_(v)

    outputs = [
        x.var(), x.std(1), x.amax(1), x.amin(), x.max(1).values, x.min(dim=0).values, x.maximum(1.0),
        x.minimum(np.float64(1.0)), x.max(x * 2), x.pow(x), x.pow(mg.Tensor(np.array(2.0))), x.clamp(0.6, 1.2),
        x.clamp(mg.Tensor(np.array(0.7)), 1.3), x.view(-1), x.unsqueeze(0), x.squeeze(), x.permute(1, 0),
        x.transpose(0, 1), x.expand(2, 3, 4), x.clone(), x.T.contiguous(), x.flatten(0, 1),
        x[mg.Tensor(np.array([0, 2]))], x[x > 1], x[None, ..., 0], written(x), filled(x), x.sum(dim=1),
        x.softmax(dim=0), x.double().float(),
    ]  # fmt: skip
    for out in outputs:
        assert out.dtype == np.float32, out._op
    sum(out.sum() * 1.0 for out in outputs).backward()
    assert x.grad.dtype == np.float32 and v.grad.dtype == np.float32


def test_a_makemore_style_mlp_step_runs_with_pytorch_spellings():
    """Embedding lookup by an integer tensor, view(-1, ...), batch statistics by hand, a
    mask from comparisons, max(1, keepdim=True).values: the forward and backward of part 3/4."""
    rng = np.random.default_rng(0)
    C = mg.Tensor(rng.standard_normal((27, 4)), requires_grad=True)
    W = mg.Tensor(rng.standard_normal((12, 8)) * 0.2, requires_grad=True)
    X = mg.Tensor(rng.integers(0, 27, (5, 3)))
    Y = mg.Tensor(rng.integers(0, 8, 5))
    emb = C[X]
    hpreact = emb.view(emb.shape[0], -1) @ W
    hpreact = (hpreact - hpreact.mean(0, keepdim=True)) / hpreact.std(0, keepdim=True)
    h = hpreact.tanh()
    logits = h - h.max(1, keepdim=True).values
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[mg.Tensor(np.arange(5)), Y].log().mean()
    loss.backward()
    assert C.grad.shape == (27, 4) and np.isfinite(W.grad).all()
    unused = np.setdiff1d(np.arange(27), X.data)
    assert (C.grad[unused] == 0).all()  # rows never looked up get no gradient
    assert 0 <= (h.abs() > 0.99).float().mean().item() <= 1


# ------------------------------------------------------------------ idioms of learners' programs
def test_retain_grad_keeps_an_intermediate_gradient():
    x = mg.tensor([1.0, -2.0, 3.0], dtype=mg.float64, requires_grad=True)
    h = x * 2
    h.retain_grad()
    h.retain_grad()  # twice is once
    assert x.is_leaf and not h.is_leaf and mg.tensor([1.0]).is_leaf
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad, 2 * h.numpy())  # d(h^2)/dh
    np.testing.assert_array_equal(x.grad, 8 * x.numpy())  # the leaf's gradient is unchanged by it
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad, 4 * h.numpy())  # accumulates like a leaf's
    with pytest.raises(RuntimeError, match="retain_grad.. on a tensor that does not require grad"):
        mg.tensor([1.0]).retain_grad()


def test_backward_takes_pytorchs_arguments():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.backward(gradient=mg.tensor([1.0, 1.0]), retain_graph=True)
    y.backward(grad=np.ones(2))
    assert x.grad.tolist() == [6.0, 6.0]
    with pytest.raises(TypeError, match="give gradient or grad, not both"):
        y.backward(np.ones(2), grad=np.ones(2))
    with pytest.raises(ValueError, match="create_graph=True asks for a graph of the gradient"):
        y.backward(np.ones(2), create_graph=True)
    with pytest.raises(TypeError, match="retain_graph must be True or False"):
        y.backward(np.ones(2), retain_graph="yes")


def test_t_masked_fill_format_device():
    x = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.t().tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]] and mg.ones(3).t().shape == (3,)
    with pytest.raises(ValueError, match=r"t\(\) takes a tensor of at most 2 dims"):
        mg.ones(2, 2, 2).t()
    filled = x.masked_fill(x > 3, float("-inf"))
    assert filled.tolist() == [[1.0, 2.0, 3.0], [-np.inf, -np.inf, -np.inf]]
    assert x.masked_fill(mg.tensor([True, False, True]), 0).tolist() == [[0.0, 2.0, 0.0], [0.0, 5.0, 0.0]]
    with pytest.raises(TypeError, match="masked_fill takes a bool mask"):
        x.masked_fill(mg.tensor([1, 0, 1]), 0.0)
    with pytest.raises(ValueError, match=r"a mask of shape \(2,\) does not broadcast to the tensor's shape \(2, 3\)"):
        x.masked_fill(mg.tensor([True, False]), 0.0)
    loss = mg.tensor(0.51234)
    assert f"{loss:.3f}" == "0.512" and f"epoch {mg.tensor(3)}" == "epoch 3"
    assert f"{x}" == repr(x)
    assert x.device == "cpu" and x.device == mg.device("cpu")
    with pytest.raises(ValueError, match="CPU only"):
        x.cuda()


def test_setitem_drops_a_values_leading_ones_as_pytorch_does():
    preds = mg.zeros(3)
    preds[1] = mg.tensor([7.0])
    preds[2] = np.array([[8.0]])
    assert preds.tolist() == [0.0, 7.0, 8.0]
    with pytest.raises(ValueError, match=r"cannot broadcast a value of shape \(2,\) to the shape \(\)"):
        preds[0] = mg.tensor([1.0, 2.0])


def test_tensor_with_two_ints_says_how_to_make_a_shape():
    with pytest.raises(TypeError, match=re.escape("write mg.zeros(2, 3) or mg.empty(...)")):
        mg.Tensor(2, 3)


def test_sort_argsort_topk_values_indices_and_ties():
    x = mg.tensor([[3.0, 1.0, 3.0, float("nan"), 2.0]])
    values, indices = x.sort(1)
    assert indices.tolist() == [[1, 4, 0, 2, 3]] and indices.dtype == mg.int64  # equal entries keep their order
    assert values.tolist()[0][:4] == [1.0, 2.0, 3.0, 3.0] and np.isnan(values.tolist()[0][4])  # nan is largest
    assert x.sort(descending=True).indices.tolist() == [[3, 0, 2, 4, 1]]
    assert mg.argsort(x, descending=True).tolist() == [[3, 0, 2, 4, 1]]
    top = mg.tensor([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]).topk(2)
    assert top.indices.tolist() == [[1, 2], [0, 2]]
    np.testing.assert_allclose(top.values.numpy(), [[0.7, 0.2], [0.5, 0.3]], rtol=1e-7)
    assert mg.topk(mg.tensor([4.0, 1.0, 3.0]), 1, largest=False).indices.tolist() == [1]
    with pytest.raises(ValueError, match=r"topk: k=4 is larger than the 3 entries along dim -1"):
        mg.tensor([4.0, 1.0, 3.0]).topk(4)


def test_top_k_accuracy_as_learners_compute_it():
    logits = mg.tensor([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5]])
    y = mg.tensor([2, 2, 0])
    _, top2 = logits.topk(2, dim=1)
    assert (top2 == y.view(-1, 1)).any(dim=1).float().mean().item() == pytest.approx(2 / 3)


def test_norm_values_and_its_gradient_at_zero():
    x = mg.tensor([[3.0, -4.0], [0.0, 0.0]], dtype=mg.float64, requires_grad=True)
    assert x.norm().item() == 5.0 and x.norm(1).item() == 7.0 and x.norm(float("inf")).item() == 4.0
    assert mg.norm(x, dim=1).tolist() == [5.0, 0.0]
    x.norm(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0.6, -0.8], [0.0, 0.0]], rtol=1e-15)  # x / norm, 0 where the norm is 0
    with pytest.raises(ValueError, match="norm supports p = 2 .or 'fro'., 1 and inf, got p=3"):
        x.norm(3)


def test_an_array_updated_by_a_tensor_in_place_as_pytorchs_p_data():
    """makemore's learning-rate finder: lr is a 0-d tensor and p.data (an array here) is
    updated in place; the array keeps its identity and dtype."""
    p = mg.nn.Parameter(np.ones(2, dtype=np.float32))
    p.grad = np.array([1.0, 2.0], dtype=np.float32)
    data = p.data
    lr = (10 ** mg.linspace(-3, 0, 4))[3]
    p.data += -lr * p.grad
    assert p.data is data and data.dtype == np.float32 and data.tolist() == [0.0, -1.0]
    a = np.array([1.0, 2.0])
    x = mg.tensor([3.0, 1.0], dtype=mg.float64, requires_grad=True)
    y = a * x + a / x - a
    assert isinstance(y, mg.Tensor) and y.requires_grad  # numpy on the left still builds the graph
    assert (a < x).tolist() == [True, False] and (np.float64(2) * x).dtype == mg.float64
    with pytest.raises(TypeError):
        np.exp(x)  # numpy's functions do not take Tensors: use x.exp() or mg.exp(x)


def test_copy_split_chunk_matmul():
    w = mg.zeros(2, 3, requires_grad=True)
    with mg.no_grad():
        w.copy_(mg.tensor([1.0, 2.0, 3.0]))
    assert w.tolist() == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]] and w._version == 1
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w.copy_(mg.ones(3))
    x = mg.tensor(np.arange(10.0), requires_grad=True)
    assert [p.shape for p in x.split(4)] == [(4,), (4,), (2,)]
    assert [p.tolist() for p in mg.split(x, [2, 8])] == [[0.0, 1.0], list(np.arange(2.0, 10.0))]
    assert [p.shape for p in x.chunk(3)] == [(4,), (4,), (2,)] and [p.shape for p in mg.chunk(x[:0], 2)] == [(0,), (0,)]
    sum(p.sum() * (i + 1) for i, p in enumerate(x.split(4))).backward()
    assert x.grad.tolist() == [1.0] * 4 + [2.0] * 4 + [3.0] * 2
    with pytest.raises(ValueError, match=r"split: sizes \[2, 3\] add up to 5, not to the 10 entries of dim 0"):
        x.split([2, 3])
    m = mg.tensor([[1.0, 2.0]])
    assert m.matmul(m.T).tolist() == [[5.0]] and mg.mm(m, m.T).tolist() == [[5.0]]
    with pytest.raises(ValueError, match=r"mm\(\) multiplies 2-D tensors"):
        mg.mm(mg.ones(2), mg.ones(2))


def test_all_any_equal_square_as_functions():
    t = mg.tensor([[True, False], [True, True]])
    assert mg.all(t).item() is False and mg.any(t).item() is True and mg.all(t, dim=1).tolist() == [False, True]
    a = mg.tensor([1.0, 2.0])
    assert mg.equal(a, mg.tensor([1.0, 2.0])) is True and mg.equal(a, mg.tensor([1.0])) is False
    assert mg.square(a).tolist() == [1.0, 4.0]


def test_grad_fn_names_the_op_that_made_a_tensor():
    x = mg.ones(2, requires_grad=True)
    y = (x * 2).sum()
    assert x.grad_fn is None and mg.ones(2).grad_fn is None
    assert repr(y.grad_fn) == "<SumBackward>" and (x * 2).grad_fn.name() == "MulBackward"


class TestArithmeticByName:
    def test_methods_and_functions_give_the_operators_results(self):
        x, y = mg.tensor([1.5, -2.0, 4.0]), mg.tensor([3.0, 0.5, -8.0])
        pairs = [
            (x.add(y), x + y), (mg.add(x, y, alpha=2), x + y * 2), (x.sub(y, alpha=-0.5), x - y * -0.5),
            (mg.sub(x, y), x - y), (x.mul(y), x * y), (mg.mul(x, 3), x * 3), (x.div(y), x / y),
            (mg.div(x, 4.0), x / 4.0), (x.neg(), -x), (mg.neg(x), -x),
        ]  # fmt: skip
        for got, expected in pairs:
            np.testing.assert_array_equal(got.data, expected.data)
            assert got.dtype == expected.dtype == np.float32

    def test_add_and_sub_with_alpha_have_the_right_gradients(self):
        x = mg.tensor([[0.5, -1.25], [2.0, 0.75]], dtype=mg.float64, requires_grad=True)
        y = mg.tensor([[1.5, 0.25], [-2.0, 3.0]], dtype=mg.float64, requires_grad=True)
        assert mg.gradcheck(lambda x, y: (x.add(y, alpha=-3) * x.sub(y, alpha=0.5)).sum(), x, y)
        assert mg.gradcheck(lambda x, y: mg.div(x.neg(), y).sum(), x, y)

    def test_div_rounds_down_or_towards_zero_as_python_and_pytorch_do(self):
        x, y = mg.tensor([7.0, -7.0, -7.5, 1.0]), mg.tensor([2.0, 2.0, 2.0, 0.0])
        assert x.div(y, rounding_mode="floor").tolist() == [3.0, -4.0, -4.0, math.inf]  # Python's 7.0 // 2.0 ...
        assert mg.div(x, y, rounding_mode="trunc").tolist() == [3.0, -3.0, -3.0, math.inf]
        assert (x // 2).dtype == np.float32 and (x // 2).tolist() == [3.0, -4.0, -4.0, 0.0]
        i = mg.tensor([7, -7, 9, -9])
        assert (i // mg.tensor([2, 2, -4, -4])).tolist() == [3, -4, -3, 2] and (i // 2).dtype == np.int64
        assert i.div(mg.tensor([2, 2, -4, -4]), rounding_mode="trunc").tolist() == [3, -3, -2, 2]
        assert (10 // mg.tensor([3, -3])).tolist() == [3, -4]
        w = mg.tensor([7.0, -7.0], requires_grad=True)
        w.div(2.0, rounding_mode="floor").sum().backward()
        assert w.grad.tolist() == [0.0, 0.0]  # a step function: PyTorch's gradient is 0 too

    def test_div_refuses_other_modes_and_integer_division_by_zero(self):
        x = mg.tensor([7.0, -7.0])
        with pytest.raises(ValueError, match="div: rounding_mode must be None, 'floor' or 'trunc', got 'round'"):
            x.div(2.0, rounding_mode="round")
        with pytest.raises(ZeroDivisionError, match=r"//: integer division by zero \(int64 tensors\)"):
            mg.tensor([1, 2]) // 0
        with pytest.raises(TypeError, match="alpha must be a number, got '2'"):
            mg.add(x, x, alpha="2")


class TestLegacyConstructors:
    @pytest.mark.parametrize(
        "make, dtype",
        [(mg.FloatTensor, np.float32), (mg.DoubleTensor, np.float64), (mg.LongTensor, np.int64),
         (mg.IntTensor, np.int32), (mg.BoolTensor, np.bool_)],
    )  # fmt: skip
    def test_data_is_copied_into_the_constructors_dtype(self, make, dtype):
        data = np.array([[0.0, 1.0], [2.0, 3.0]])
        out = make(data)
        assert out.dtype == dtype and out.shape == (2, 2) and not out.requires_grad
        np.testing.assert_array_equal(out.data, data.astype(dtype))
        data[0, 0] = 5.0
        assert out.data[0, 0] == 0  # a copy, as PyTorch's legacy constructors make
        assert make([1, 0]).dtype == dtype

    def test_sizes_give_an_uninitialised_tensor_and_floats_are_truncated_into_integers(self):
        assert mg.FloatTensor(2, 3).shape == (2, 3) and mg.FloatTensor(2, 3).dtype == np.float32
        assert mg.LongTensor().shape == (0,)
        assert mg.LongTensor([1.7, -2.7]).tolist() == [1, -2]  # as torch.LongTensor truncates

    def test_type_casts_to_a_constructors_dtype_and_bad_calls_say_why(self):
        x = mg.tensor([1, 2])
        assert x.type(mg.FloatTensor).dtype == np.float32 and x.type(mg.FloatTensor).type() == "torch.FloatTensor"
        with pytest.raises(TypeError, match=r"FloatTensor\(\) takes one list, array or Tensor, or sizes as ints"):
            mg.FloatTensor([1.0], [2.0])


class TestCounting:
    def test_bincount_counts_each_value_from_zero(self):
        x = mg.tensor([2, 0, 2, 5])
        assert mg.bincount(x).tolist() == [1, 0, 2, 0, 0, 1] and mg.bincount(x).dtype == np.int64
        assert x.bincount(minlength=8).tolist() == [1, 0, 2, 0, 0, 1, 0, 0]
        weighted = mg.bincount(x, weights=mg.tensor([0.5, 1.0, 2.0, 3.0]))
        assert weighted.tolist() == [1.0, 0.0, 2.5, 0.0, 0.0, 3.0] and weighted.dtype == np.float32
        assert mg.bincount(mg.tensor([], dtype=mg.int64)).shape == (0,)

    def test_bincount_refuses_what_it_cannot_count(self):
        with pytest.raises(ValueError, match="bincount.. counts non-negative integers, got -1"):
            mg.bincount(mg.tensor([-1, 2]))
        with pytest.raises(TypeError, match=r"1-D tensor of non-negative integers, got shape \(2,\) and dtype float32"):
            mg.bincount(mg.tensor([1.0, 2.0]))
        with pytest.raises(ValueError, match=r"weights must be numbers of the input's shape \(2,\), got shape \(3,\)"):
            mg.bincount(mg.tensor([1, 2]), weights=[1.0, 2.0, 3.0])

    def test_unique_is_sorted_with_inverse_and_counts(self):
        x = mg.tensor([[3, 1], [3, 2]])
        assert mg.unique(x).tolist() == [1, 2, 3]
        values, inverse, counts = x.unique(return_inverse=True, return_counts=True)
        assert values.tolist() == [1, 2, 3] and counts.tolist() == [1, 1, 2]
        assert inverse.tolist() == [[2, 0], [2, 1]]  # values[inverse] is x
        with pytest.raises(ValueError, match="unique.. over a dim is not supported"):
            x.unique(dim=0)
        nans = mg.unique(mg.tensor([3.0, np.nan, 1.0, np.nan]))  # each nan its own value, as in PyTorch
        assert nans.tolist()[:2] == [1.0, 3.0] and np.isnan(nans.tolist()[2:]).all() and nans.shape == (4,)
