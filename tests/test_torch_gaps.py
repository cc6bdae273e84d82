"""PyTorch names a learner's code calls that minigrad gained together: ``%``, ``remainder``,
``fmod``, ``floor_divide``; a number as the first argument of ``mg.add`` and its kin;
``isinstance`` with the legacy typed constructors; ``uniform_`` and ``normal_`` as methods;
``hstack`` and ``vstack``. Values are checked against Python's own arithmetic or numbers
derived by hand, gradients against finite differences (``mg.gradcheck``) and by hand."""

import math
import re
import warnings

import numpy as np
import pytest

import minigrad as mg

A = [5.0, -5.0, 5.0, -5.0, -7.5, 7.0, 0.25]
B = [3.0, 3.0, -3.0, -3.0, 2.0, 0.5, -1.0]


def f64(values, requires_grad=False):
    return mg.tensor(values, dtype=mg.float64, requires_grad=requires_grad)


class TestRemainderFmodFloorDivide:
    def test_float_values_are_pythons_and_cs_remainders(self):
        a, b = f64(A), f64(B)
        python = [x % y for x, y in zip(A, B, strict=True)]  # Python's %: the sign of the divisor
        c = [math.fmod(x, y) for x, y in zip(A, B, strict=True)]  # C's: the sign of the dividend
        floor = [x // y for x, y in zip(A, B, strict=True)]
        assert (a % b).tolist() == mg.remainder(a, b).tolist() == a.remainder(b).tolist() == python
        assert a.fmod(b).tolist() == mg.fmod(a, b).tolist() == c
        assert a.floor_divide(b).tolist() == mg.floor_divide(a, b).tolist() == (a // b).tolist() == floor
        assert python[:4] == [2.0, 1.0, -1.0, -2.0] and c[:4] == [2.0, -2.0, 2.0, -2.0]

    def test_integer_values_and_the_reflected_operator(self):
        xs, ys = [5, -5, 5, -5, 7, -8], [3, 3, -3, -3, 7, 3]
        a, b = mg.tensor(xs), mg.tensor(ys)
        assert (a % b).tolist() == [x % y for x, y in zip(xs, ys, strict=True)] and (a % b).dtype == np.int64
        assert a.fmod(b).tolist() == [int(math.fmod(x, y)) for x, y in zip(xs, ys, strict=True)]
        assert mg.floor_divide(a, b).tolist() == [x // y for x, y in zip(xs, ys, strict=True)]
        assert (5 % b).tolist() == [5 % y for y in ys] and (5 % b).dtype == np.int64
        assert mg.remainder(5, b).tolist() == [5 % y for y in ys]
        assert mg.floor_divide(5, b).tolist() == [5 // y for y in ys]
        assert (np.array([7.0, -7.0]) % mg.tensor([2.0, 2.0])).tolist() == [1.0, 1.0]  # numpy on the left

    def test_dtypes_follow_pytorchs_promotion(self):
        i, f = mg.tensor([5, -5]), mg.tensor([5.0, -5.0])
        assert (i % 2.5).dtype == np.float32 and (i % 2.5).tolist() == [0.0, 0.0]  # 5 = 2 * 2.5
        assert i.fmod(2.5).dtype == np.float32 and i.floor_divide(2.5).tolist() == [2.0, -2.0]
        assert (5.5 % i).dtype == np.float32 and (5.5 % i).tolist() == [0.5, -4.5]
        assert (f % mg.tensor(2.0, dtype=mg.float64)).dtype == np.float32  # a 0-d operand does not promote
        assert (f % f.double()).dtype == np.float64
        assert (i.int() % i).dtype == np.int64 and (i.int() % 3).dtype == np.int32
        flags = mg.tensor([True, False])
        assert (flags % 1).dtype == np.int64 and (flags % 1.5).tolist() == [1.0, 0.0]
        assert (flags // 1).tolist() == [1, 0] and (flags // 1).dtype == np.int64
        assert (mg.tensor([5], dtype=mg.uint8) % -1).tolist() == [5]  # -1 wraps to 255 in uint8, as in PyTorch
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # int8 -128 % -1 would overflow in C: 0, without a warning
            assert (mg.tensor([-128], dtype=mg.int8) % -1).tolist() == [0]
            assert mg.tensor([-128], dtype=mg.int8).fmod(-1).tolist() == [0]

    def test_division_by_zero_and_infinity(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no numpy warning leaks out
            assert np.isnan((f64([5.0, -5.0, 0.0]) % 0.0).data).all()
            assert np.isnan(f64([5.0, -5.0]).fmod(0.0).data).all()
            # fmod(-5, inf) is -5; its sign differs from inf's, so Python's % adds inf
            assert (f64([5.0, -5.0]) % math.inf).tolist() == [5.0, math.inf]
            assert f64([5.0, -5.0]).fmod(math.inf).tolist() == [5.0, -5.0]
        for op in (lambda x: x % 0, lambda x: x.fmod(0), lambda x: mg.remainder(x, mg.tensor([1, 0])),
                   lambda x: x.floor_divide(0), lambda x: x // 0):  # fmt: skip
            with pytest.raises(RuntimeError, match=r"integer division by zero \(int64 tensors\)"):
                op(mg.tensor([1, 2]))
        with pytest.raises(ZeroDivisionError, match=r"%: integer division by zero"):
            5 % mg.tensor([1, 0])

    def test_gradients_are_pytorchs(self):
        a, b = f64(A, requires_grad=True), f64(B, requires_grad=True)
        (a % b).sum().backward()
        assert a.grad.tolist() == [1.0] * len(A)
        assert b.grad.tolist() == [-math.floor(x / y) for x, y in zip(A, B, strict=True)]  # a % b = a - floor(a/b) b
        a.grad = b.grad = None
        a.fmod(b).sum().backward()
        assert b.grad.tolist() == [-math.trunc(x / y) for x, y in zip(A, B, strict=True)]
        assert b.grad[4] == 3.0 and b.grad[0] == -1.0  # fmod(-7.5, 2) = -7.5 + 3 * 2
        # away from the jumps (a / b not an integer) both agree with finite differences
        a, b = f64([[1.3, -2.5], [4.1, -0.6]], True), f64([[0.7, 0.9], [-1.1, 0.35]], True)
        assert mg.gradcheck(lambda a, b: (a % b) * a, a, b)
        assert mg.gradcheck(lambda a, b: mg.fmod(a, b) * b, a, b)
        assert mg.gradcheck(lambda b: 2.5 % b, b)  # the reflected form has the gradient of 2.5 % b too
        a.grad = None
        a.floor_divide(b).sum().backward()
        assert a.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]  # a step function, as div with a rounding_mode

    def test_broadcasting_and_float32(self):
        x = mg.tensor([[1.5], [-1.5]], requires_grad=True)
        y = mg.tensor([1.0, -1.0, 0.75], requires_grad=True)
        out = x % y
        assert out.shape == (2, 3) and out.dtype == np.float32
        assert out.tolist() == [[0.5, -0.5, 0.0], [0.5, -0.5, 0.0]]
        out.sum().backward()
        assert x.grad.dtype == y.grad.dtype == np.float32
        # d/dy = -floor(x / y) summed over the two rows: -(1 - 2), -(-2 + 1), -(2 - 2)
        assert x.grad.tolist() == [[3.0], [3.0]] and y.grad.tolist() == [1.0, 1.0, 0.0]

    def test_refusals_name_the_problem(self):
        flags = mg.tensor([True, False])
        refused = [
            (lambda: flags // flags, "//"), (lambda: flags % True, "%"), (lambda: flags.fmod(flags), "fmod"),
            (lambda: flags.div(flags, rounding_mode="trunc"), r"div\(rounding_mode='trunc'\)"),
        ]  # fmt: skip
        for op, name in refused:
            with pytest.raises(TypeError, match=f"^{name} is not defined for bool operands"):
                op()
        with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(2,\) cannot be broadcast together for '%'"):
            mg.ones(2, 3) % mg.ones(2)
        with pytest.raises(TypeError, match="cannot make a Tensor from str"):
            mg.ones(2) % "x"
        with pytest.raises(TypeError, match="remainder.. takes a Tensor as input or as other, got int and int"):
            mg.remainder(5, 5)
        with pytest.raises(TypeError, match="fmod.. takes a Tensor as input, got int"):
            mg.fmod(5, mg.ones(2))


class TestNumberFirst:
    def test_a_number_may_come_first_and_keeps_the_tensors_dtype(self):
        x, i = mg.tensor([1.0, 2.0]), mg.tensor([1, 2])
        assert mg.add(2, x).tolist() == [3.0, 4.0] and mg.add(2, x).dtype == np.float32
        assert mg.add(2, x, alpha=3).tolist() == [5.0, 8.0]  # 2 + 3 x
        assert mg.sub(2, x).tolist() == [1.0, 0.0] and mg.sub(2, x, alpha=3).tolist() == [-1.0, -4.0]
        assert mg.mul(2, i).tolist() == [2, 4] and mg.mul(2, i).dtype == np.int64
        assert mg.div(2, i).tolist() == [2.0, 1.0] and mg.div(2, i).dtype == np.float32
        assert mg.div(7, i, rounding_mode="floor").tolist() == [7, 3]
        assert mg.add(2.5, i).dtype == np.float32 and mg.add(np.float64(2.0), x).dtype == np.float32
        assert mg.add(2, i.int()).dtype == np.int32

    def test_two_numbers_give_a_0d_tensor_of_their_dtype(self):
        assert mg.add(2, 3).shape == () and mg.add(2, 3).dtype == np.int64 and mg.add(2, 3).item() == 5
        assert mg.mul(2.5, 3).dtype == np.float32 and mg.mul(2.5, 3).item() == 7.5
        assert mg.sub(2, 3).item() == -1 and mg.add(2, 3, alpha=2).item() == 8
        assert mg.div(3, 4).dtype == np.float32 and mg.div(3, 4).item() == 0.75
        assert mg.floor_divide(7, 2).item() == 3

    def test_the_gradient_reaches_the_tensor(self):
        x = f64([0.5, -1.5], requires_grad=True)
        mg.div(3, x).sum().backward()
        np.testing.assert_allclose(x.grad, [-3 / 0.25, -3 / 2.25], rtol=1e-15)  # d(3/x) = -3/x^2
        assert mg.gradcheck(lambda x: mg.sub(1, x, alpha=2) * mg.mul(3, x), x)

    def test_what_is_not_a_number_or_tensor_is_refused(self):
        with pytest.raises(TypeError, match="add.. takes a Tensor as input, got str"):
            mg.add("2", mg.ones(2))
        with pytest.raises(TypeError, match="mul.. takes a Tensor as input, got NoneType"):
            mg.mul(None, mg.ones(2))
        with pytest.raises(TypeError, match="cannot make a Tensor from NoneType"):
            mg.add(2, None)


class TestLegacyTypesInIsinstance:
    @pytest.mark.parametrize(
        "kind, dtype",
        [(mg.FloatTensor, mg.float32), (mg.DoubleTensor, mg.float64), (mg.LongTensor, mg.int64),
         (mg.IntTensor, mg.int32), (mg.BoolTensor, mg.bool)],
    )  # fmt: skip
    def test_a_tensor_is_an_instance_of_its_dtypes_type_only(self, kind, dtype):
        assert isinstance(mg.zeros(2, dtype=dtype), kind)
        assert isinstance(kind([1, 0]), kind) and isinstance(kind(2, 3), kind)
        others = {mg.float32, mg.float64, mg.int64, mg.int32, mg.bool} - {dtype}
        assert not any(isinstance(mg.zeros(2, dtype=other), kind) for other in others)

    def test_as_pytorch_answers_for_other_objects(self):
        assert isinstance(mg.nn.Parameter(mg.zeros(2, 2)), mg.FloatTensor)
        assert isinstance(mg.tensor(1.0, requires_grad=True), mg.FloatTensor)
        assert isinstance(mg.zeros(2), (mg.DoubleTensor, mg.FloatTensor))
        assert not isinstance(np.zeros(2, np.float32), mg.FloatTensor) and not isinstance(1.0, mg.FloatTensor)
        assert not issubclass(mg.FloatTensor, mg.Tensor)  # a type of its own, as torch.FloatTensor
        assert type(mg.FloatTensor([1.0])) is mg.Tensor


class TestRandomFillsInPlace:
    def test_uniform_and_normal_fill_in_place_with_nn_inits_draws(self):
        for dtype in (mg.float32, mg.float64):
            x = mg.zeros(3, 4, dtype=dtype)
            version = x._version
            assert x.uniform_(-2.0, 3.0, generator=mg.Generator().manual_seed(5)) is x
            assert x.dtype == dtype and x._version == version + 1
            expected = mg.nn.init.uniform_(mg.zeros(3, 4, dtype=dtype), -2.0, 3.0, mg.Generator().manual_seed(5))
            np.testing.assert_array_equal(x.data, expected.data)  # the same draw as nn.init's, from the same seed
            assert (-2.0 <= x.data).all() and (x.data <= 3.0).all()
            assert x.normal_(1.0, 0.5, generator=mg.Generator().manual_seed(5)) is x and x.dtype == dtype
            expected = mg.nn.init.normal_(mg.zeros(3, 4, dtype=dtype), 1.0, 0.5, mg.Generator().manual_seed(5))
            np.testing.assert_array_equal(x.data, expected.data)
        assert mg.zeros(3).normal_(mean=-2.5, std=0.0).tolist() == [-2.5] * 3
        assert mg.zeros(3).uniform_(**{"from": 4.0, "to": 4.0}).tolist() == [4.0] * 3  # PyTorch's names: from, to
        assert mg.ones(3).uniform_().tolist() != [1.0] * 3  # from 0 to 1 by default
        mg.manual_seed(3)
        first = mg.empty(5).uniform_().tolist()
        mg.manual_seed(3)
        assert mg.empty(5).uniform_().tolist() == first  # the default generator, as mg.manual_seed sets it

    def test_grad_rules_are_those_of_fill(self):
        w = mg.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="'uniform_' would change a leaf tensor that requires grad"):
            w.uniform_()
        with mg.no_grad():
            assert w.normal_() is w and w.requires_grad
        h = mg.ones(3, requires_grad=True)
        z = h * 2
        z.uniform_()
        z.sum().backward()
        assert h.grad.tolist() == [0.0, 0.0, 0.0]  # z's values no longer depend on h, as in PyTorch
        x = mg.full((2,), 7.0)
        assert x.zero_() is x and x.tolist() == [0.0, 0.0] and x.fill_(1.5).tolist() == [1.5, 1.5]

    def test_bad_arguments_are_named(self):
        x = mg.zeros(2)
        with pytest.raises(TypeError, match="uniform_ fills floating-point tensors, this one is int64"):
            mg.zeros(2, dtype=mg.long).uniform_()
        with pytest.raises(TypeError, match="normal_ fills floating-point tensors, this one is bool"):
            mg.zeros(2, dtype=mg.bool).normal_()
        with pytest.raises(TypeError, match=r"unexpected keyword argument 'a' \(it takes from, to\)"):
            x.uniform_(a=0.0)
        with pytest.raises(TypeError, match=r"uniform_\(\) takes at most 2 arguments \(from, to\), got 3"):
            x.uniform_(0.0, 1.0, 2.0)
        with pytest.raises(TypeError, match=r"uniform_\(\) got multiple values for argument 'from'"):
            x.uniform_(0.0, **{"from": 1.0})
        with pytest.raises(ValueError, match="uniform_ needs from <= to, got from=2.0, to=1.0"):
            x.uniform_(2.0, 1.0)
        with pytest.raises(ValueError, match="std must be >= 0, got -1"):
            x.normal_(0.0, -1)
        with pytest.raises(TypeError, match="mean must be a number, got 'a'"):
            x.normal_("a")


class TestHstackVstack:
    def test_one_dimensional_tensors_join_end_to_end_or_as_rows(self):
        a, b = mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0, 5.0])
        assert mg.hstack([a, b]).tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
        assert mg.hstack((a, mg.tensor(6.0))).tolist() == [1.0, 2.0, 6.0]  # a 0-d tensor is one entry
        assert mg.vstack([a, a * 3]).tolist() == [[1.0, 2.0], [3.0, 6.0]]
        assert mg.vstack([mg.tensor(1.0), mg.tensor(2.0)]).shape == (2, 1)
        assert mg.vstack([b]).shape == (1, 3) and mg.hstack([mg.tensor(1.0)]).shape == (1,)
        assert mg.hstack([mg.tensor([]), a]).tolist() == [1.0, 2.0]  # cat skips an empty 1-D tensor

    def test_higher_dimensions_join_along_columns_or_rows(self):
        left, right = mg.arange(4.0).reshape(2, 2), mg.full((2, 1), 9.0)
        assert mg.hstack([left, right]).tolist() == [[0.0, 1.0, 9.0], [2.0, 3.0, 9.0]]
        assert mg.vstack([left, mg.tensor([7.0, 8.0])]).tolist() == [[0.0, 1.0], [2.0, 3.0], [7.0, 8.0]]
        assert mg.hstack([mg.zeros(2, 1, 3), mg.ones(2, 2, 3)]).shape == (2, 3, 3)
        assert mg.vstack([mg.zeros(1, 2, 3), mg.ones(2, 2, 3)]).shape == (3, 2, 3)
        mixed = mg.hstack([mg.tensor([1, 2]), mg.tensor([0.5])])
        assert mixed.dtype == np.float32 and mixed.tolist() == [1.0, 2.0, 0.5]  # dtypes promote as in cat

    def test_gradients_reach_each_input(self):
        a = f64([1.0, -2.0], requires_grad=True)
        m = f64([[0.5, 1.5], [2.5, -3.5]], requires_grad=True)
        assert mg.gradcheck(lambda a, m: mg.vstack([a, m, a * a]), a, m)
        assert mg.gradcheck(lambda a, m: mg.hstack([m, m * a]), a, m)
        mg.hstack([a, a]).backward(f64([1.0, 2.0, 3.0, 4.0]))
        assert a.grad.tolist() == [4.0, 6.0]  # its two copies' gradients: 1 + 3 and 2 + 4

    def test_bad_lists_are_named(self):
        with pytest.raises(TypeError, match=r"hstack\(\) takes a list or tuple of Tensors, got Tensor"):
            mg.hstack(mg.ones(2))
        with pytest.raises(ValueError, match=r"vstack\(\) needs at least one tensor"):
            mg.vstack([])
        with pytest.raises(TypeError, match=r"vstack\(\) takes Tensors, but the one at index 1 is a list"):
            mg.vstack([mg.ones(2), [1.0, 2.0]])
        with pytest.raises(ValueError, match=r"vstack\(\) along dim 0 needs the same sizes.*\(1, 2\) at index 0 and "
                           r"shape \(1, 3\) at index 1"):  # fmt: skip
            mg.vstack([mg.ones(2), mg.ones(3)])
        with pytest.raises(ValueError, match=r"hstack\(\) needs tensors of the same number of dimensions"):
            mg.hstack([mg.ones(2), mg.ones(2, 3)])  # the first is 1-D: joined along dim 0, as PyTorch


class TestMoreInPlaceOperators:
    def test_mod_floordiv_pow_in_place_keep_the_parameter_and_write_through_views(self):
        layer = mg.nn.Linear(2, 2)
        weight = layer.weight
        expected = ((weight.data % 0.25) // 0.125) ** 2
        with mg.no_grad():
            layer.weight %= 0.25
            layer.weight //= 0.125
            layer.weight **= 2
        assert layer.weight is weight and [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
        np.testing.assert_array_equal(weight.data, expected)
        x = mg.tensor([5.0, 7.0])
        view = x.view(2)
        x %= 3
        assert view.tolist() == [2.0, 1.0]  # the same memory, as in PyTorch

    def test_they_follow_the_rules_of_the_other_in_place_operators(self):
        with pytest.raises(RuntimeError, match="'%=' would change a leaf tensor that requires grad"):
            weight = mg.nn.Linear(2, 2).weight
            weight %= 1.0
        x = mg.tensor([5, 7])
        with pytest.raises(TypeError, match=r"'\*\*=' gives a float32 result, which cannot be stored in place in a "
                                            r"int64 tensor"):  # fmt: skip
            x **= 0.5
        a = mg.tensor([1.0, 3.0], requires_grad=True)
        b = a * 1
        b **= 2  # recorded: b takes over the power's place in the graph
        b.sum().backward()
        assert a.grad.tolist() == [2.0, 6.0]


def test_every_legacy_type_has_its_dtype():
    for name, dtype in [("FloatTensor", np.float32), ("DoubleTensor", np.float64), ("HalfTensor", np.float16),
                        ("LongTensor", np.int64), ("IntTensor", np.int32), ("ShortTensor", np.int16),
                        ("CharTensor", np.int8), ("ByteTensor", np.uint8), ("BoolTensor", np.bool_)]:  # fmt: skip
        legacy = getattr(mg, name)
        assert legacy.dtype == dtype and legacy([1, 0]).dtype == dtype and isinstance(legacy(2), legacy)


def test_uniform_bounds_are_named_as_pytorch_names_them():
    with pytest.raises(TypeError, match="from must be a number, got 'a'"):
        mg.empty(3).uniform_("a")
    with pytest.raises(ValueError, match=re.escape("uniform_ needs from <= to, got from=3.0, to=2.0")):
        mg.empty(3).uniform_(3, 2)
    with pytest.raises(ValueError, match=re.escape("uniform_: to=1e+39 is out of bounds for float32")):
        mg.empty(3).uniform_(0, 1e39)
    assert np.isfinite(mg.empty(3, dtype=mg.float64).uniform_(-1e39, 1e39).data).all()


def test_functions_that_pytorch_also_has_as_methods_are_methods_too():
    x = mg.tensor([[0.5, 2.0], [4.0, 8.0]], dtype=mg.float64, requires_grad=True)
    for name in ("sin", "cos", "log10", "log2", "sign", "tril", "triu", "isnan", "isinf", "isfinite", "square"):
        np.testing.assert_array_equal(getattr(x, name)().data, getattr(mg, name)(x).data)
    x.log10().sum().backward()
    np.testing.assert_allclose(x.grad, 1 / (x.data * math.log(10)), rtol=1e-15)  # d log10(x) / dx
    assert x.allclose(x + 1e-12) and x.equal(x) and x.is_floating_point() and not mg.tensor([1]).is_floating_point()
    assert x.tril(-1).tolist() == [[0.0, 0.0], [4.0, 0.0]] and x.mm(mg.eye(2, dtype=mg.float64)).equal(x)
    assert x.where(x > 1, mg.zeros(2, 2, dtype=mg.float64)).tolist() == [[0.0, 2.0], [4.0, 8.0]]  # where(cond, x, y)


def test_multinomial_is_a_method_too():
    p = mg.tensor([0.0, 1.0, 0.0])  # all the weight on category 1
    assert p.multinomial(3, replacement=True).tolist() == [1, 1, 1]
