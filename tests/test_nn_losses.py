"""Losses: hand-computed values, every reduction, huge logits, gradients, target checks."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.strategies import arrays

REDUCTIONS = ["mean", "sum", "none"]


def t(values):
    return mg.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


class TestValuesByHand:
    def test_mse(self):
        loss = nn.MSELoss()(t([1.0, 2.0]), np.array([0.0, 0.0]))
        assert loss.item() == 2.5  # (1 + 4) / 2
        assert nn.MSELoss(reduction="sum")(t([1.0, 2.0]), np.zeros(2)).item() == 5.0

    def test_l1(self):
        assert nn.L1Loss()(t([1.0, -3.0]), np.array([0.0, 1.0])).item() == 2.5  # (1 + 4) / 2

    def test_cross_entropy(self):
        # logits [0, ln 3] -> probabilities [1/4, 3/4]
        logits = t([[0.0, math.log(3)], [0.0, math.log(3)]])
        loss = nn.CrossEntropyLoss()(logits, np.array([1, 0]))
        assert loss.item() == pytest.approx((-math.log(0.75) - math.log(0.25)) / 2, rel=1e-12)
        loss.backward()
        # softmax - one_hot, divided by the batch size
        np.testing.assert_allclose(logits.grad, [[0.125, -0.125], [-0.375, 0.375]], rtol=1e-12)

    def test_nll(self):
        log_p = t([[-1.0, -2.0], [-0.5, -3.0]])
        assert nn.NLLLoss()(log_p, np.array([1, 0])).item() == 1.25
        assert nn.NLLLoss(reduction="none")(log_p, np.array([1, 0])).data.tolist() == [2.0, 0.5]

    def test_bce_with_logits(self):
        assert nn.BCEWithLogitsLoss()(t([0.0]), np.array([1.0])).item() == pytest.approx(math.log(2), rel=1e-12)
        x = t([2.0])
        nn.BCEWithLogitsLoss()(x, np.array([0.0])).backward()
        assert x.grad[0] == pytest.approx(1 / (1 + math.exp(-2)), rel=1e-12)  # sigmoid(x) - y

    def test_bce(self):
        p = t([0.25, 0.5])
        loss = nn.BCELoss()(p, np.array([1.0, 0.0]))
        assert loss.item() == pytest.approx((-math.log(0.25) - math.log(0.5)) / 2, rel=1e-12)

    def test_reduction_none_keeps_one_loss_per_element(self):
        out = F.mse_loss(t([[1.0, 2.0]]), np.zeros((1, 2)), reduction="none")
        assert out.shape == (1, 2) and out.data.tolist() == [[1.0, 4.0]]
        out = F.cross_entropy(t([[0.0, 0.0], [0.0, 0.0]]), np.array([0, 1]), reduction="none")
        np.testing.assert_allclose(out.data, [math.log(2)] * 2)


class TestExtremeInputs:
    @pytest.mark.parametrize("sign", [1, -1])
    def test_cross_entropy_with_logits_of_1000(self, sign):
        logits = t([[1000.0 * sign, -1000.0 * sign]])
        loss = F.cross_entropy(logits, np.array([1]))
        assert loss.item() == pytest.approx(2000.0 if sign == 1 else 0.0, abs=1e-9)
        loss.backward()
        assert np.all(np.isfinite(logits.grad))

    def test_bce_with_logits_of_1000(self):
        x = t([1000.0, -1000.0, 1000.0])
        loss = F.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0, 0.0]), reduction="none")
        np.testing.assert_allclose(loss.data, [0.0, 0.0, 1000.0])
        loss.sum().backward()
        np.testing.assert_allclose(x.grad, [0.0, 0.0, 1.0])

    def test_bce_at_certain_probabilities_is_clamped_like_pytorch(self):
        p = t([0.0, 1.0])
        loss = F.binary_cross_entropy(p, np.array([1.0, 0.0]), reduction="none")
        np.testing.assert_array_equal(loss.data, [100.0, 100.0])  # log clamped at -100
        loss.sum().backward()
        # the denominator p (1 - p) is clamped at PyTorch's EPSILON, a C++ float 1e-12:
        # 9.999999960041972e-13 in double, so the gradient is 1.0000000039958e12, not 1e12
        eps = float(np.float32(1e-12))
        assert eps == 9.999999960041972e-13
        np.testing.assert_array_equal(p.grad, [-1 / eps, 1 / eps])
        np.testing.assert_array_equal(p.grad, [-1000000003995.8029, 1000000003995.8029])  # torch 2.13's figures

    @pytest.mark.parametrize(
        "p, exact",
        [
            # -log(1 - p) = p + p^2/2 + ...: p itself once p^2/2 is below half an ulp of p
            (1e-10, 1e-10 + 0.5e-20),  # log(1 - p) gave 1.0000000828e-10
            (1e-17, 1e-17),  # log(1 - p) gave 0: 1 - 1e-17 rounds to 1
            (1e-300, 1e-300),
        ],
    )
    def test_bce_of_tiny_probability_with_target_0_keeps_full_precision(self, p, exact):
        loss = F.binary_cross_entropy(t([p]), np.array([0.0]), reduction="sum")
        assert loss.item() == pytest.approx(exact, rel=1e-15, abs=0)

    def test_bce_of_probability_near_1_with_target_1(self):
        # p = 1 - 2^-53 is the largest double below 1: -log p = 2^-53 (1 + 2^-54 + ...)
        p = 1 - 2.0**-53
        assert F.binary_cross_entropy(t([p]), np.array([1.0]), reduction="sum").item() == pytest.approx(
            2.0**-53, rel=1e-15, abs=0
        )


@st.composite
def _class_problem(draw):
    n, classes = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    labels = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    return draw(arrays((n, classes), -5, 5)), labels


@st.composite
def _regression_problem(draw, lo=-3.0, hi=3.0, target=None):
    shape = draw(st.sampled_from([(3,), (2, 3), (4, 1)]))
    return draw(arrays(shape, lo, hi)), draw(target(shape) if target else arrays(shape))


def _binary_targets(shape):
    return arrays(shape, 0.0, 1.0)


LOSSES = {
    "mse": (F.mse_loss, _regression_problem()),
    "l1": (F.l1_loss, _regression_problem()),
    "cross_entropy": (F.cross_entropy, _class_problem()),
    "nll": (F.nll_loss, _class_problem()),
    "bce_with_logits": (F.binary_cross_entropy_with_logits, _regression_problem(target=_binary_targets)),
    "bce": (F.binary_cross_entropy, _regression_problem(0.05, 0.95, target=_binary_targets)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(LOSSES))
@given(data=st.data())
def test_loss_gradients_match_finite_differences(name, reduction, data):
    fn, problem = LOSSES[name]
    x, target = data.draw(problem)
    if name == "l1":
        x = np.where(np.abs(x - target) < 1e-3, x + 0.01, x)  # keep away from |.|'s kink
    assert mg.gradcheck(lambda x: fn(x, target, reduction=reduction), mg.Tensor(x, requires_grad=True))


@pytest.mark.parametrize(
    "cls, fn",
    [
        (nn.MSELoss, F.mse_loss),
        (nn.L1Loss, F.l1_loss),
        (nn.CrossEntropyLoss, F.cross_entropy),
        (nn.NLLLoss, F.nll_loss),
        (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits),
        (nn.BCELoss, F.binary_cross_entropy),
    ],
)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_classes_call_their_function(cls, fn, reduction):
    x = np.array([[0.2, 0.7], [0.6, 0.1]])
    target = np.array([1, 0]) if cls in (nn.CrossEntropyLoss, nn.NLLLoss) else np.array([[1.0, 0.0], [0.0, 1.0]])
    module_out = cls(reduction=reduction)(mg.Tensor(x), mg.Tensor(target))
    np.testing.assert_array_equal(module_out.data, fn(mg.Tensor(x), target, reduction=reduction).data)


class TestBinaryWeights:
    """weight scales each element's loss, pos_weight the positive term: -w [a y log s + (1 - y) log(1 - s)]."""

    @staticmethod
    def textbook(x, y, w, a):
        s = 1 / (1 + np.exp(-x))
        return -w * (a * y * np.log(s) + (1 - y) * np.log(1 - s))

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_values_follow_the_formula(self, reduction, data):
        x, y = data.draw(_regression_problem(target=_binary_targets))
        w_shape = data.draw(st.sampled_from([(), x.shape[-1:], x.shape]))
        w, a = data.draw(arrays(w_shape, 0.0, 3.0)), data.draw(arrays(x.shape[-1:], 0.25, 4.0))
        losses = self.textbook(x, y, w, a)
        expected = {"none": losses, "sum": losses.sum(), "mean": losses.mean()}[reduction]
        out = F.binary_cross_entropy_with_logits(mg.Tensor(x), y, reduction, weight=w, pos_weight=a)
        np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-14)
        losses = self.textbook(x, y, w, 1.0)
        expected = {"none": losses, "sum": losses.sum(), "mean": losses.mean()}[reduction]
        out = F.binary_cross_entropy(mg.Tensor(1 / (1 + np.exp(-x))), y, reduction, weight=w)
        np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-14)

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_gradients_for_input_and_target_match_finite_differences(self, reduction, data):
        x, y = data.draw(_regression_problem(target=_binary_targets))
        w, a = data.draw(arrays(x.shape[-1:], 0.25, 3.0)), data.draw(arrays(x.shape[-1:], 0.25, 4.0))
        fn = lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction, weight=w, pos_weight=a)
        assert mg.gradcheck(fn, mg.Tensor(x, requires_grad=True), mg.Tensor(y, requires_grad=True))
        p, y = 0.05 + 0.9 / (1 + np.exp(-x)), 0.05 + 0.9 * y  # finite differences stay inside [0, 1]
        fn = lambda p, y: F.binary_cross_entropy(p, y, reduction, weight=w)
        assert mg.gradcheck(fn, mg.Tensor(p, requires_grad=True), mg.Tensor(y, requires_grad=True))

    def test_pos_weight_stays_exact_in_the_tails(self):
        # x = 40, y = 1, a = 3: the loss is 3 log1p(exp(-40)) = 3 * 4.248e-18, its gradient -3 sigmoid(-40)
        x = t([40.0])
        loss = F.binary_cross_entropy_with_logits(x, np.array([1.0]), pos_weight=[3.0])
        assert loss.item() == pytest.approx(3 * math.log1p(math.exp(-40)), rel=1e-15)
        loss.backward()
        assert x.grad[0] == pytest.approx(-3 * math.exp(-40) / (1 + math.exp(-40)), rel=1e-15)

    def test_modules_pass_their_weights(self):
        x, y = t([[0.5, -1.0], [2.0, 0.25]]), np.array([[1.0, 0.0], [0.0, 1.0]])
        w, a = np.array([2.0, 0.5]), np.array([3.0, 1.5])
        assert nn.BCEWithLogitsLoss(weight=w, pos_weight=a)(x, y).item() == F.binary_cross_entropy_with_logits(
            x, y, weight=w, pos_weight=a).item()  # fmt: skip
        p = t([[0.5, 0.25], [0.75, 0.125]])
        by_function = F.binary_cross_entropy(p, y, "sum", weight=w).item()
        assert nn.BCELoss(reduction="sum", weight=w)(p, y).item() == by_function

    @pytest.mark.parametrize("fn", [F.binary_cross_entropy_with_logits, F.binary_cross_entropy])
    def test_a_weight_must_broadcast_to_the_input_and_need_no_gradient(self, fn):
        p, y = t([[0.5, 0.25, 0.75]]), np.array([[1.0, 0.0, 1.0]])
        with pytest.raises(ValueError, match=r"weight of shape \(2,\) does not broadcast to the input's shape \(1, 3"):
            fn(p, y, weight=[1.0, 2.0])
        with pytest.raises(ValueError, match=r"weight requires grad.*pass weight.detach"):
            fn(p, y, weight=mg.ones(3, requires_grad=True))
        with pytest.raises(ValueError, match=r"pos_weight of shape \(4,\) does not broadcast"):
            F.binary_cross_entropy_with_logits(p, y, pos_weight=np.ones(4))


class TestTargetChecks:
    def test_class_out_of_range_names_the_class_and_the_count(self):
        with pytest.raises(ValueError, match=r"target class 3 is out of range for scores of 3 classes \(0 to 2\): the "
                                             r"model must output one score per class, here 3 per row"):  # fmt: skip
            F.cross_entropy(t(np.zeros((2, 3))), np.array([0, 3]))
        with pytest.raises(ValueError, match=r"out of range for scores of 1 class \(0 to 0\)"):  # one output unit
            F.cross_entropy(t(np.zeros((2, 1))), np.array([0, 1]))
        with pytest.raises(ValueError, match=re.escape("got shape (2, 1) (one label per row: y.reshape(-1))")):
            F.cross_entropy(t(np.zeros((2, 3))), np.array([[0], [1]]))
        with pytest.raises(TypeError, match=re.escape("got dtype <U3 (number the classes 0 to C-1 first, e.g. "
                                                      "np.unique(y, return_inverse=True)[1])")):  # fmt: skip
            F.cross_entropy(t(np.zeros((2, 3))), np.array(["cat", "dog"]))
        with pytest.raises(ValueError, match="target class -1"):
            F.nll_loss(t(np.zeros((2, 3))), np.array([-1, 0]))

    def test_batch_size_mismatch(self):
        with pytest.raises(ValueError, match=r"4 rows of scores need 4 targets of shape \(4,\), got shape \(3,\)"):
            F.cross_entropy(t(np.zeros((4, 2))), np.array([0, 1, 0]))

    def test_float_class_targets(self):
        with pytest.raises(TypeError, match=r"integer class indices, got dtype float64 \(convert with y.long\(\)"):
            F.cross_entropy(t(np.zeros((2, 2))), np.array([0.0, 1.0]))

    def test_scores_must_be_two_dimensional(self):
        with pytest.raises(ValueError, match=r"shape \(batch, classes\), got shape \(3,\)"):
            F.cross_entropy(t(np.zeros(3)), np.array([0]))

    def test_shape_mismatch_is_not_broadcast(self):
        with pytest.raises(ValueError, match=r"input shape \(4, 1\) and target shape \(4,\) differ \(reshape"):
            F.mse_loss(t(np.zeros((4, 1))), np.zeros(4))
        with pytest.raises(ValueError, match=r"input shape \(2,\) and target shape \(3,\) differ$"):
            F.binary_cross_entropy_with_logits(t(np.zeros(2)), np.zeros(3))

    def test_bce_needs_probabilities(self):
        with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], found 1.5.*sigmoid"):
            F.binary_cross_entropy(t([0.5, 1.5]), np.array([1.0, 0.0]))

    def test_bad_reduction(self):
        with pytest.raises(ValueError, match=r"reduction must be one of 'mean', 'sum', 'none'; got 'avg'"):
            nn.MSELoss(reduction="avg")

    def test_non_numeric_target(self):
        with pytest.raises(TypeError, match="must hold numbers"):
            F.l1_loss(t([1.0]), np.array(["a"]))


class TestStableFormulas:
    """Values at extreme inputs against closed forms (log1p/expm1 of exactly known numbers)."""

    def test_bce_with_logits_positive_logit_and_target_near_1(self):
        # y = 0.9999999999 is stored as 1 - d with d = 1.000000082740371e-10 exactly, so the loss
        # is d * x + log1p(exp(-x)); max(x, 0) - x y cancelled to 9.9999966e-08 at x = 1000
        y = 0.9999999999
        d = 1 - y
        for x in (40.0, 1000.0):
            loss = F.binary_cross_entropy_with_logits(t([x]), np.array([y]), reduction="sum")
            assert loss.item() == pytest.approx(d * x + math.log1p(math.exp(-x)), rel=1e-15, abs=0)

    def test_bce_with_logits_negative_logit_and_small_target(self):
        # loss = -x y + log1p(exp(x)) for x < 0: two positive terms (PyTorch's (1 - y) x -
        # log_sigmoid(x) cancels here and gives 4.0000003310e-09 at x = -40)
        for x in (-40.0, -1000.0):
            loss = F.binary_cross_entropy_with_logits(t([x]), np.array([1e-10]), reduction="sum")
            assert loss.item() == pytest.approx(-x * 1e-10 + math.log1p(math.exp(x)), rel=1e-15, abs=0)

    def test_bce_with_logits_gradient_where_sigmoid_rounds_to_1(self):
        # d/dx = sigmoid(x) - y = (1 - y) - sigmoid(-x): -sigmoid(-40) = -exp(-40) / (1 + exp(-40))
        # for y = 1, not 0 (sigmoid(40) is 1.0 in float64)
        x = t([40.0, 40.0, -40.0])
        y = np.array([1.0, 0.9999999999, 0.0])
        F.binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
        s = math.exp(-40) / (1 + math.exp(-40))
        np.testing.assert_allclose(x.grad, [-s, (1 - 0.9999999999) - s, s], rtol=1e-15)
        assert x.grad[0] == pytest.approx(-4.248354255291589e-18, rel=1e-15, abs=0)

    def test_bce_with_logits_is_exact_for_every_logit_sign_and_target(self):
        x = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
        for y in (0.0, 0.3, 1.0):
            loss = F.binary_cross_entropy_with_logits(t(x), np.full(x.shape, y), reduction="none")
            expected = [(1 - y) * max(v, 0) + y * max(-v, 0) + math.log1p(math.exp(-abs(v))) for v in x]
            np.testing.assert_allclose(loss.data, expected, rtol=1e-15)

    def test_cross_entropy_of_a_confident_correct_prediction(self):
        # loss = log(1 + sum of exp(x_j - max)) = log1p(r): 4.25e-18 for logits [0, -40], where
        # log(1 + r) rounds to 0; the target's gradient p - 1 = expm1(-loss), not 0
        logits = t([[0.0, -40.0], [0.0, -36.0]])
        loss = F.cross_entropy(logits, np.array([0, 0]), reduction="none")
        r = np.exp([-40.0, -36.0])
        np.testing.assert_allclose(loss.data, np.log1p(r), rtol=1e-15)
        assert loss.data[0] == pytest.approx(4.248354255291589e-18, rel=1e-15, abs=0)
        loss.sum().backward()
        np.testing.assert_allclose(logits.grad[:, 0], np.expm1(-np.log1p(r)), rtol=1e-15)
        np.testing.assert_allclose(logits.grad[:, 1], r / (1 + r), rtol=1e-15)

    def test_cross_entropy_sums_the_small_probabilities_before_adding_1(self):
        logits = t([[0.0, -36.0, -37.0, -38.0]])
        loss = F.cross_entropy(logits, np.array([0]), reduction="sum")
        exact = math.log1p(math.exp(-36) + math.exp(-37) + math.exp(-38))  # 3.4867e-16; log(1 + r) gave 2.2204e-16
        assert loss.item() == pytest.approx(exact, rel=1e-15, abs=0)

    def test_cross_entropy_with_tied_maxima(self):
        logits = t([[5.0, 5.0, -1e300]])
        loss = F.cross_entropy(logits, np.array([2]), reduction="sum")
        assert loss.item() == pytest.approx(1e300 + 5 + math.log(2), rel=1e-15, abs=0)
        assert F.cross_entropy(logits, np.array([0]), reduction="sum").item() == pytest.approx(
            math.log(2), rel=1e-15, abs=0
        )


# --------------------------------------------------------------------- gradients of targets
def _same_shape_problem(name):
    """(input, target) strategies for the losses whose target is differentiable."""
    if name == "binary_cross_entropy":  # targets inside (0, 1): a finite-difference step must stay in [0, 1]
        return _regression_problem(0.05, 0.95, target=lambda shape: arrays(shape, 0.01, 0.99))
    if name == "binary_cross_entropy_with_logits":
        return _regression_problem(target=_binary_targets)
    return _regression_problem()


TARGET_LOSSES = {
    "mse_loss": F.mse_loss,
    "l1_loss": F.l1_loss,
    "binary_cross_entropy": F.binary_cross_entropy,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
}


class TestTargetGradients:
    """Every differentiable input of a loss gets its gradient, as in PyTorch 2.13."""

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @pytest.mark.parametrize("name", list(TARGET_LOSSES))
    @given(data=st.data())
    def test_input_and_target_gradients_match_finite_differences(self, name, reduction, data):
        fn = TARGET_LOSSES[name]
        x, target = data.draw(_same_shape_problem(name))
        if name == "l1_loss":
            x = np.where(np.abs(x - target) < 1e-3, x + 0.01, x)  # keep away from |.|'s kink
        x, target = mg.Tensor(x, requires_grad=True), mg.Tensor(target, requires_grad=True)
        assert mg.gradcheck(lambda x, y: fn(x, y, reduction=reduction), x, target)

    @pytest.mark.parametrize("cls", [nn.MSELoss, nn.L1Loss, nn.BCELoss, nn.BCEWithLogitsLoss])
    def test_loss_modules_pass_the_target_gradient_on(self, cls):
        x, y = t([0.25, 0.75]), t([1.0, 0.5])
        cls()(x, y).backward()
        assert y.grad is not None and y.grad.shape == (2,)

    def test_by_hand(self):
        # mse: d/dy mean((x - y)^2) = -2 (x - y) / n
        x, y = t([1.0, 2.0]), t([0.0, 3.0])
        F.mse_loss(x, y).backward()
        np.testing.assert_array_equal(x.grad, [1.0, -1.0])
        np.testing.assert_array_equal(y.grad, [-1.0, 1.0])
        # l1: d/dy sum|x - y| = -sign(x - y), 0 where equal
        x, y = t([1.0, 2.0, 3.0]), t([0.0, 3.0, 3.0])
        F.l1_loss(x, y, reduction="sum").backward()
        np.testing.assert_array_equal(y.grad, [-1.0, 1.0, 0.0])
        # bce: d/dy = log(1 - p) - log(p) = -logit(p): log 3 at p = 1/4, -log 3 at p = 3/4
        p, y = t([0.25, 0.75]), t([1.0, 0.0])
        F.binary_cross_entropy(p, y, reduction="sum").backward()
        np.testing.assert_allclose(y.grad, [math.log(3), -math.log(3)], rtol=1e-15)
        # bce with logits: d/dy = -x, divided by n for the mean
        x, y = t([2.0, -4.0]), t([0.5, 0.5])
        F.binary_cross_entropy_with_logits(x, y).backward()
        np.testing.assert_array_equal(y.grad, [-1.0, 2.0])

    def test_reduction_none_weights_each_target_by_its_upstream_gradient(self):
        x, y = t([1.0, 2.0]), t([0.0, 0.0])
        F.mse_loss(x, y, reduction="none").backward(np.array([1.0, 10.0]))
        np.testing.assert_array_equal(y.grad, [-2.0, -40.0])

    def test_bce_target_gradient_is_pytorchs_unclamped_logit(self):
        # PyTorch 2.13 computes -logit(p) without the clamp of the loss: +-inf at p = 0 or 1
        p, y = t([0.0, 1e-300, 1.0]), t([0.0, 1.0, 1.0])
        F.binary_cross_entropy(p, y, reduction="sum").backward()
        assert y.grad[0] == math.inf and y.grad[2] == -math.inf
        assert y.grad[1] == pytest.approx(690.7755278982137, rel=1e-15, abs=0)  # -log(1e-300)

    def test_only_the_target_requires_grad(self):
        x, y = mg.Tensor(np.array([1.0, 2.0])), t([0.0, 0.0])
        F.mse_loss(x, y, reduction="sum").backward()
        assert x.grad is None
        np.testing.assert_array_equal(y.grad, [-2.0, -4.0])

    def test_target_gradient_keeps_the_targets_dtype(self):
        x = mg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
        y = mg.Tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
        F.mse_loss(x, y).backward()
        assert y.grad.dtype == np.float32 and x.grad.dtype == np.float64

    def test_a_target_without_requires_grad_or_an_ndarray_gets_nothing(self):
        x, y = t([1.0]), mg.Tensor(np.array([0.0]))
        F.mse_loss(x, y).backward()
        assert y.grad is None

    @pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
    def test_class_targets_cannot_carry_a_gradient(self, fn):
        # integer class indices are not differentiable: a float Tensor that requires grad is
        # refused as a target, and an integer Tensor cannot require grad at all
        with pytest.raises(TypeError, match="targets must be integer class indices"):
            fn(t([[0.1, 0.2]]), mg.Tensor(np.array([1.0]), requires_grad=True))
        with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
            mg.Tensor(np.array([1]), requires_grad=True)


class TestArgumentChecks:
    @pytest.mark.parametrize("fn", list(TARGET_LOSSES.values()) + [F.cross_entropy, F.nll_loss])
    def test_reduction_is_one_of_three_strings(self, fn):
        x = t([[0.25, 0.75]])
        y = np.array([1]) if fn in (F.cross_entropy, F.nll_loss) else np.array([[1.0, 0.0]])
        with pytest.raises(ValueError, match=r"reduction must be one of 'mean', 'sum', 'none'; got 'avg'"):
            fn(x, y, reduction="avg")
        with pytest.raises(TypeError, match=r"reduction must be a string, one of 'mean', 'sum', 'none'; got None"):
            fn(x, y, reduction=None)

    def test_loss_modules_check_reduction_the_same_way(self):
        with pytest.raises(TypeError, match="reduction must be a string"):
            nn.CrossEntropyLoss(reduction=None)

    @pytest.mark.parametrize("bad", [1.5, -0.5, math.nan])
    def test_bce_targets_must_be_probabilities_as_in_pytorch(self, bad):
        with pytest.raises(ValueError, match=r"binary_cross_entropy: targets must be probabilities in \[0, 1\], found"):
            F.binary_cross_entropy(t([0.5, 0.5]), np.array([1.0, bad]))

    def test_bce_refuses_nan_probabilities(self):
        with pytest.raises(ValueError, match=r"inputs must be probabilities in \[0, 1\], found nan"):
            F.binary_cross_entropy(t([0.5, math.nan]), np.array([1.0, 0.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(TARGET_LOSSES) + ["cross_entropy", "nll_loss"])
def test_float32_stays_float32(name, reduction):
    fn = TARGET_LOSSES.get(name) or getattr(F, name)
    x = mg.Tensor(np.array([[0.25, 0.5], [0.75, 0.125]], dtype=np.float32), requires_grad=True)
    if name in ("cross_entropy", "nll_loss"):
        y = np.array([1, 0])
    else:
        y = mg.Tensor(np.array([[1.0, 0.0], [0.5, 1.0]], dtype=np.float32), requires_grad=True)
    out = fn(x, y, reduction=reduction)
    assert out.dtype == np.float32
    out.sum().backward() if reduction == "none" else out.backward()
    assert x.grad.dtype == np.float32
    if isinstance(y, mg.Tensor):
        assert y.grad.dtype == np.float32


@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss, F.binary_cross_entropy_with_logits])
def test_integer_input_is_promoted_to_float_instead_of_wrapping_around(loss):
    # uint8 0 - 1 would wrap to 255 in integer arithmetic; PyTorch promotes to float first
    counts = mg.Tensor(np.array([0, 0], dtype=np.uint8))
    with_float64 = loss(counts, np.array([1.0, 0.25]), reduction="sum")
    expected = loss(mg.Tensor(np.array([0.0, 0.0])), np.array([1.0, 0.25]), reduction="sum")
    assert with_float64.dtype == np.float64
    assert with_float64.item() == expected.item()
    with_integers = loss(counts, np.array([1, 0], dtype=np.int8), reduction="mean")
    assert with_integers.dtype == np.float32  # the default float dtype
    assert with_integers.item() == pytest.approx(loss(mg.Tensor([0.0, 0.0]), np.array([1.0, 0.0])).item())


@pytest.mark.parametrize("cls", [nn.CrossEntropyLoss, nn.NLLLoss, nn.BCEWithLogitsLoss, nn.BCELoss])
def test_class_weights_given_first_as_in_pytorch_are_told_to_go_by_keyword(cls):
    # PyTorch's first positional argument is weight; the contract made it reduction here
    with pytest.raises(TypeError, match=rf"{cls.__name__}'s first argument is reduction .* got a Tensor of shape "
                                        rf"\(3,\) and dtype float32; class weights go by keyword here: "
                                        rf"{cls.__name__}\(weight=\.\.\.\)"):  # fmt: skip
        cls(mg.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="reduction must be a string"):
        nn.MSELoss(3)


class TestHuberAndSmoothL1:
    def test_values_and_gradients_by_hand(self):
        # x - t = [0.5, -3]: delta 1 gives 0.5 * 0.25 and 1 * (3 - 0.5); gradient x - t clipped to [-1, 1]
        x = t([0.5, -3.0])
        loss = nn.HuberLoss(reduction="sum")(x, np.zeros(2))
        assert loss.item() == 0.125 + 2.5
        loss.backward()
        assert x.grad.tolist() == [0.5, -1.0]
        # smooth L1 with beta 2: 0.5 * 0.25 / 2 and 3 - 1; gradient (x - t) / 2 clipped to [-1, 1]
        x = t([0.5, -3.0])
        loss = nn.SmoothL1Loss(beta=2.0)(x, np.zeros(2))
        assert loss.item() == (0.0625 + 2.0) / 2
        loss.backward()
        assert x.grad.tolist() == [0.125, -0.5]
        assert F.huber_loss(t([3.0]), np.zeros(1), delta=2.0).item() == 4.0  # delta (|x| - delta / 2)
        assert F.smooth_l1_loss(t([0.25, -2.0]), np.zeros(2), "none", beta=0.0).tolist() == [0.25, 2.0]  # l1

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_gradients_for_input_and_target_match_finite_differences(self, reduction, data):
        x, y = data.draw(_regression_problem())
        width = data.draw(st.sampled_from([0.5, 1.0, 2.0]))
        x = np.where(np.abs(np.abs(x - y) - width) < 1e-3, x + 0.01, x)  # keep away from where the pieces meet
        for fn in (lambda x, y: F.huber_loss(x, y, reduction, delta=width),
                   lambda x, y: F.smooth_l1_loss(x, y, reduction, beta=width)):  # fmt: skip
            assert mg.gradcheck(fn, mg.Tensor(x, requires_grad=True), mg.Tensor(y, requires_grad=True))

    def test_delta_and_beta_are_checked(self):
        with pytest.raises(ValueError, match=r"delta must be > 0, got 0"):
            nn.HuberLoss(delta=0)
        with pytest.raises(ValueError, match=r"beta must be >= 0, got -1"):
            F.smooth_l1_loss(t([1.0]), np.zeros(1), beta=-1)
        with pytest.raises(ValueError, match=r"huber_loss: input shape \(2,\) and target shape \(3,\) differ"):
            F.huber_loss(t([1.0, 2.0]), np.zeros(3))
        assert repr(nn.HuberLoss(delta=0.5)) == "HuberLoss(delta=0.5)"

    @pytest.mark.parametrize("loss", [nn.HuberLoss(delta=0.5), nn.SmoothL1Loss(beta=0.5)])
    def test_float32_stays_float32(self, loss):
        x = mg.Tensor(np.array([0.25, -2.0], dtype=np.float32), requires_grad=True)
        out = loss(x, np.zeros(2))
        out.backward()
        assert out.dtype == x.grad.dtype == np.float32
