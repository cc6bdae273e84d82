"""Losses: hand-computed values, every reduction, huge logits, gradients, target checks."""

import math

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
        np.testing.assert_array_equal(p.grad, [-1e12, 1e12])  # denominator clamped at 1e-12


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


class TestTargetChecks:
    def test_class_out_of_range_names_the_class_and_the_count(self):
        with pytest.raises(ValueError, match=r"target class 3 is out of range for 3 classes \(0 to 2\)"):
            F.cross_entropy(t(np.zeros((2, 3))), np.array([0, 3]))
        with pytest.raises(ValueError, match="target class -1"):
            F.nll_loss(t(np.zeros((2, 3))), np.array([-1, 0]))

    def test_batch_size_mismatch(self):
        with pytest.raises(ValueError, match=r"4 rows of scores need 4 targets of shape \(4,\), got shape \(3,\)"):
            F.cross_entropy(t(np.zeros((4, 2))), np.array([0, 1, 0]))

    def test_float_class_targets(self):
        with pytest.raises(TypeError, match=r"integer class indices, got dtype float64 \(use y.astype\(int\)\)"):
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
