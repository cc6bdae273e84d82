"""cross_entropy and nll_loss with ignore_index, label_smoothing and class-probability
targets: values against a numpy transcription of PyTorch's documented formula and against
hand-derived numbers, gradients by finite differences, dtypes, argument errors."""

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


def t(values, dtype=np.float64):
    return mg.Tensor(np.array(values, dtype=dtype), requires_grad=True)


def reference(x, target, reduction="mean", ignore_index=-100, label_smoothing=0.0, weight=None):
    """torch.nn.CrossEntropyLoss's documented formula, written out in numpy: l_n = -sum_c
    w_c q_nc log softmax(x_n)_c with w the class weights (all 1 if None) and q the
    (smoothed) target distribution; for class indices q = (1 - eps) one_hot + eps / C, 0
    for an ignored target, and 'mean' divides by the sum of the weights of the targets not
    ignored (their number if unweighted); for probabilities q = (1 - eps) target + eps / C
    and 'mean' divides by N."""
    n, classes = x.shape
    w = np.ones(classes) if weight is None else weight
    m = x.max(axis=1, keepdims=True)
    log_p = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
    if target.shape == x.shape:
        q, count = (1 - label_smoothing) * target + label_smoothing / classes, n
    else:
        kept = target != ignore_index
        q = np.zeros((n, classes))
        q[np.flatnonzero(kept), target[kept]] = 1
        q = ((1 - label_smoothing) * q + label_smoothing / classes) * kept[:, None]
        count = w[target[kept]].sum()
    losses = -(w * q * log_p).sum(axis=1)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / count if count else np.nan


@st.composite
def class_problem(draw, ignore_index=-100, keep_first=False):
    """Logits (N, C) and class targets, some set to ``ignore_index``; with ``keep_first`` the
    first target counts (a mean over no target is nan, which finite differences cannot
    check; ``ignore_index`` must then not be 0)."""
    n, classes = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    labels = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    ignored = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if keep_first:
        ignored[0] = False
        labels[0] = 0 if labels[0] == ignore_index else labels[0]
    return draw(arrays((n, classes), -5, 5)), np.where(ignored, ignore_index, labels)


@st.composite
def probability_problem(draw):
    n, classes = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    return draw(arrays((n, classes), -5, 5)), draw(arrays((n, classes), 0.0, 1.0))


smoothing = st.sampled_from([0.0, 0.1, 0.5, 1.0])


class TestAgainstTheDocumentedFormula:
    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_class_indices_with_ignored_targets_and_smoothing(self, reduction, data):
        ignore_index = data.draw(st.sampled_from([-100, -1, 0, 2]))
        x, y = data.draw(class_problem(ignore_index))
        eps = data.draw(smoothing)
        out = F.cross_entropy(mg.Tensor(x), y, reduction, ignore_index=ignore_index, label_smoothing=eps)
        expected = reference(x, y, reduction, ignore_index, eps)
        np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_class_probabilities(self, reduction, data):
        x, q = data.draw(probability_problem())
        eps = data.draw(smoothing)
        out = F.cross_entropy(mg.Tensor(x), q, reduction, label_smoothing=eps)
        np.testing.assert_allclose(out.data, reference(x, q, reduction, label_smoothing=eps), rtol=1e-12, atol=1e-12)

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_nll_loss_ignores_targets(self, reduction, data):
        ignore_index = data.draw(st.sampled_from([-100, 1]))
        log_p, y = data.draw(class_problem(ignore_index))
        kept = y != ignore_index
        losses = np.where(kept, -log_p[np.arange(len(y)), np.where(kept, y, 0)], 0)
        expected = {"none": losses, "sum": losses.sum(), "mean": losses.sum() / kept.sum() if kept.any() else np.nan}
        out = F.nll_loss(mg.Tensor(log_p), y, reduction, ignore_index=ignore_index)
        np.testing.assert_allclose(out.data, expected[reduction], rtol=1e-14, atol=1e-300)

    def test_one_hot_probabilities_equal_class_indices(self):
        x = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]])
        y = np.array([2, 0])
        one_hot = np.eye(3)[y]
        for eps in (0.0, 0.3):
            np.testing.assert_allclose(
                F.cross_entropy(t(x), one_hot, label_smoothing=eps).data,
                F.cross_entropy(t(x), y, label_smoothing=eps).data,
                rtol=1e-15,
            )


class TestByHand:
    def test_label_smoothing(self):
        # logits [0, ln 3]: p = [1/4, 3/4]; target 1, eps 0.2, C = 2: q = [0.1, 0.9]
        x = t([[0.0, math.log(3)]])
        loss = F.cross_entropy(x, np.array([1]), label_smoothing=0.2)
        assert loss.item() == pytest.approx(0.8 * -math.log(0.75) + 0.1 * (-math.log(0.25) - math.log(0.75)), rel=1e-15)
        loss.backward()
        np.testing.assert_allclose(x.grad, [[0.25 - 0.1, 0.75 - 0.9]], rtol=1e-14)  # p - q

    def test_mean_is_over_the_targets_not_ignored(self):
        x = t([[0.0, 0.0], [0.0, math.log(3)], [5.0, -5.0]])
        loss = F.cross_entropy(x, np.array([0, 1, -100]))
        assert loss.item() == pytest.approx((math.log(2) - math.log(0.75)) / 2, rel=1e-15)
        loss.backward()
        np.testing.assert_allclose(x.grad, [[-0.25, 0.25], [0.125, -0.125], [0.0, 0.0]], rtol=1e-14)
        per_row = F.cross_entropy(t(x.data), np.array([0, 1, -100]), reduction="none")
        assert per_row.data[2] == 0.0

    def test_every_target_ignored_gives_nan_and_zero_gradients(self):
        # PyTorch 2.13 does the same: 0 / 0 for the mean, nothing to send back
        for fn, kwargs in ((F.cross_entropy, {}), (F.cross_entropy, {"label_smoothing": 0.2}), (F.nll_loss, {})):
            x = t(np.ones((2, 3)))
            loss = fn(x, np.array([-100, -100]), **kwargs)
            assert math.isnan(loss.item())
            loss.backward()
            np.testing.assert_array_equal(x.grad, 0.0)
            assert fn(t(np.ones((2, 3))), np.array([-100, -100]), reduction="sum", **kwargs).item() == 0.0

    def test_ignore_index_may_be_a_valid_class(self):
        x = t([[0.0, math.log(3)], [0.0, math.log(3)]])
        loss = nn.CrossEntropyLoss(ignore_index=1)(x, np.array([1, 0]))
        assert loss.item() == pytest.approx(-math.log(0.25), rel=1e-15)

    def test_nll_loss_gradient(self):
        log_p = t([[-1.0, -2.0], [-0.5, -3.0], [-0.1, -0.2]])
        F.nll_loss(log_p, np.array([1, -100, 0])).backward()
        np.testing.assert_array_equal(log_p.grad, [[0.0, -0.5], [0.0, 0.0], [-0.5, 0.0]])

    def test_probability_target_gradients(self):
        # d/dx = p sum(q) - q; d/dq = -(1 - eps) log p; mean over N = 1
        x, q = t([[0.0, math.log(3)]]), t([[0.5, 1.0]])
        F.cross_entropy(x, q).backward()
        np.testing.assert_allclose(x.grad, [[0.25 * 1.5 - 0.5, 0.75 * 1.5 - 1.0]], rtol=1e-14)
        np.testing.assert_allclose(q.grad, [[-math.log(0.25), -math.log(0.75)]], rtol=1e-15)

    def test_confident_correct_prediction_keeps_its_precision_with_smoothing_off(self):
        loss = F.cross_entropy(t([[0.0, -40.0]]), np.array([0]), reduction="sum", ignore_index=1)
        assert loss.item() == pytest.approx(math.log1p(math.exp(-40)), rel=1e-15, abs=0)


class TestGradients:
    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_class_indices(self, reduction, data):
        ignore_index = data.draw(st.sampled_from([-100, 1]))
        x, y = data.draw(class_problem(ignore_index, keep_first=True))
        eps = data.draw(smoothing)
        fn = lambda x: F.cross_entropy(x, y, reduction, ignore_index=ignore_index, label_smoothing=eps)
        assert mg.gradcheck(fn, mg.Tensor(x, requires_grad=True))

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_class_probabilities_for_input_and_target(self, reduction, data):
        x, q = data.draw(probability_problem())
        eps = data.draw(smoothing)
        fn = lambda x, q: F.cross_entropy(x, q, reduction, label_smoothing=eps)
        assert mg.gradcheck(fn, mg.Tensor(x, requires_grad=True), mg.Tensor(q, requires_grad=True))

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_nll_loss(self, reduction, data):
        x, y = data.draw(class_problem(1, keep_first=True))
        assert mg.gradcheck(lambda x: F.nll_loss(x, y, reduction, ignore_index=1), mg.Tensor(x, requires_grad=True))


class TestClassWeights:
    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_class_indices_follow_the_documented_formula(self, reduction, data):
        ignore_index = data.draw(st.sampled_from([-100, 1]))
        x, y = data.draw(class_problem(ignore_index))
        w = data.draw(arrays((x.shape[1],), 0.25, 3.0))
        eps = data.draw(smoothing)
        out = F.cross_entropy(mg.Tensor(x), y, reduction, weight=w, ignore_index=ignore_index, label_smoothing=eps)
        expected = reference(x, y, reduction, ignore_index, eps, weight=w)
        np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
        log_p = x - x.max(axis=1, keepdims=True)  # any numbers will do as nll_loss's log-probabilities
        kept = y != ignore_index
        losses = np.where(kept, -w[np.where(kept, y, 0)] * log_p[np.arange(len(y)), np.where(kept, y, 0)], 0)
        total = w[y[kept]].sum()
        expected = {"none": losses, "sum": losses.sum(), "mean": losses.sum() / total if kept.any() else np.nan}
        out = F.nll_loss(mg.Tensor(log_p), y, reduction, weight=w, ignore_index=ignore_index)
        np.testing.assert_allclose(out.data, expected[reduction], rtol=1e-13, atol=1e-300)

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_class_probabilities_follow_the_documented_formula(self, reduction, data):
        x, q = data.draw(probability_problem())
        w = data.draw(arrays((x.shape[1],), 0.25, 3.0))
        eps = data.draw(smoothing)
        out = F.cross_entropy(mg.Tensor(x), q, reduction, weight=w, label_smoothing=eps)
        expected = reference(x, q, reduction, label_smoothing=eps, weight=w)
        np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)

    def test_by_hand(self):
        # logits 0: p = 1/2 everywhere; weights [1, 3], targets [0, 1]: losses ln 2 and 3 ln 2,
        # mean (1 + 3) ln 2 / (1 + 3) = ln 2; gradient w_t (p - one_hot) / 4
        x = t(np.zeros((2, 2)))
        loss = nn.CrossEntropyLoss(weight=mg.tensor([1.0, 3.0]))(x, np.array([0, 1]))
        assert loss.item() == pytest.approx(math.log(2), rel=1e-15)
        loss.backward()
        np.testing.assert_allclose(x.grad, [[-0.125, 0.125], [0.375, -0.375]], rtol=1e-15)
        log_p = t([[-1.0, -2.0], [-0.5, -3.0]])
        loss = nn.NLLLoss(weight=[2.0, 0.5])(log_p, np.array([1, 0]))  # (0.5 * 2 + 2 * 0.5) / (0.5 + 2)
        assert loss.item() == pytest.approx(0.8, rel=1e-15)
        loss.backward()
        np.testing.assert_allclose(log_p.grad, [[0.0, -0.2], [-0.8, 0.0]], rtol=1e-15)

    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @given(data=st.data())
    def test_gradients_match_finite_differences(self, reduction, data):
        x, y = data.draw(class_problem(1, keep_first=True))
        w = data.draw(arrays((x.shape[1],), 0.25, 3.0))
        eps = data.draw(smoothing)
        fn = lambda x: F.cross_entropy(x, y, reduction, weight=w, ignore_index=1, label_smoothing=eps)
        assert mg.gradcheck(fn, mg.Tensor(x, requires_grad=True))
        assert mg.gradcheck(lambda x: F.nll_loss(x, y, reduction, weight=w, ignore_index=1),
                            mg.Tensor(x, requires_grad=True))  # fmt: skip
        x, q = data.draw(probability_problem())
        w = data.draw(arrays((x.shape[1],), 0.25, 3.0))
        fn = lambda x, q: F.cross_entropy(x, q, reduction, weight=w, label_smoothing=eps)
        assert mg.gradcheck(fn, mg.Tensor(x, requires_grad=True), mg.Tensor(q, requires_grad=True))

    @pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
    def test_a_weight_needs_one_number_per_class_and_no_gradient(self, fn):
        x, y = t(np.zeros((2, 3))), np.array([0, 2])
        with pytest.raises(ValueError, match=r"weight needs one entry per class, shape \(3,\), got shape \(2,\)"):
            fn(x, y, weight=[1.0, 2.0])
        with pytest.raises(ValueError, match=r"weight requires grad.*pass weight.detach\(\)"):
            fn(x, y, weight=mg.ones(3, requires_grad=True))
        with pytest.raises(TypeError, match="weight must hold numbers"):
            fn(x, y, weight=["a", "b", "c"])

    def test_counted_targets_whose_weights_sum_to_0_give_nan_as_in_pytorch(self):
        # PyTorch 2.13: the loss is 0 / 0 and a counted row's gradient nan (nll_loss's only at the target);
        # an ignored row's stays 0
        cases = [(F.cross_entropy, {}, [True] * 3), (F.cross_entropy, {"label_smoothing": 0.1}, [True] * 3),
                 (F.nll_loss, {}, [True, False, False])]  # fmt: skip
        for fn, kwargs, nan in cases:
            x = t([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]])
            loss = fn(x, np.array([0, -100]), weight=[0.0, 1.0, 0.0], **kwargs)
            assert math.isnan(loss.item())
            loss.backward()
            assert np.isnan(x.grad[0]).tolist() == nan and x.grad[1].tolist() == [0.0, 0.0, 0.0]

    @pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss, F.binary_cross_entropy_with_logits,
                                    F.binary_cross_entropy])  # fmt: skip
    def test_weights_given_third_as_in_pytorch_are_told_to_go_by_keyword(self, fn):
        x = t(np.full((2, 3), 0.5))
        target = np.array([0, 2]) if fn in (F.cross_entropy, F.nll_loss) else np.full((2, 3), 0.5)
        expected = rf"{fn.__name__}'s third argument is reduction .* got \[1.0, 2.0, 3.0\]; weights go by keyword"
        with pytest.raises(TypeError, match=expected + rf" here: {fn.__name__}\(input, target, weight="):
            fn(x, target, [1.0, 2.0, 3.0])

    def test_float32_stays_float32_with_float64_weights(self):
        x = mg.Tensor(np.array([[0.25, 0.5], [0.75, 0.125]], dtype=np.float32), requires_grad=True)
        out = F.cross_entropy(x, np.array([1, 0]), weight=np.array([0.5, 2.0]), label_smoothing=0.1)
        assert out.dtype == np.float32
        out.backward()
        assert x.grad.dtype == np.float32


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "target",
    [np.array([1, -100]), np.array([[0.25, 0.75], [1.0, 0.0]], dtype=np.float32)],
    ids=["indices", "probabilities"],
)
def test_float32_stays_float32(reduction, target):
    x = mg.Tensor(np.array([[0.25, 0.5], [0.75, 0.125]], dtype=np.float32), requires_grad=True)
    out = F.cross_entropy(x, target, reduction, label_smoothing=0.1)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


class TestModules:
    def test_cross_entropy_loss_passes_its_options_on(self):
        x, y = mg.Tensor(np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]])), np.array([0, 2])
        loss = nn.CrossEntropyLoss(reduction="sum", ignore_index=2, label_smoothing=0.25)
        assert loss(x, y).item() == F.cross_entropy(x, y, "sum", ignore_index=2, label_smoothing=0.25).item()
        assert repr(loss) == "CrossEntropyLoss(reduction='sum', ignore_index=2, label_smoothing=0.25)"
        assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"

    def test_nll_loss_module(self):
        log_p, y = mg.Tensor(np.array([[-1.0, -2.0], [-0.5, -3.0]])), np.array([1, 0])
        assert nn.NLLLoss(ignore_index=0)(log_p, y).item() == 2.0
        assert repr(nn.NLLLoss(ignore_index=0)) == "NLLLoss(ignore_index=0)"


class TestArgumentChecks:
    @pytest.mark.parametrize("bad", [1.5, -0.1, math.nan])
    def test_label_smoothing_is_a_probability(self, bad):
        with pytest.raises(ValueError, match=r"label_smoothing must (be in \[0, 1\]|be finite), got"):
            F.cross_entropy(t([[0.0, 1.0]]), np.array([0]), label_smoothing=bad)
        with pytest.raises(ValueError, match=r"label_smoothing must (be in \[0, 1\]|be finite), got"):
            nn.CrossEntropyLoss(label_smoothing=bad)

    def test_ignore_index_is_an_int(self):
        with pytest.raises(TypeError, match="ignore_index must be an int, got 1.5"):
            F.cross_entropy(t([[0.0, 1.0]]), np.array([0]), ignore_index=1.5)
        with pytest.raises(TypeError, match="ignore_index must be an int, got None"):
            nn.NLLLoss(ignore_index=None)

    def test_targets_other_than_ignore_index_are_still_checked(self):
        with pytest.raises(ValueError, match=r"target class 2 is out of range for scores of 2 classes"):
            F.cross_entropy(t([[0.0, 1.0], [0.0, 1.0]]), np.array([-100, 2]))
        with pytest.raises(ValueError, match=r"target class -1 is out of range"):
            F.nll_loss(t([[0.0, 1.0]]), np.array([-1]))

    def test_probability_targets_must_be_floating_point(self):
        with pytest.raises(TypeError, match=r"a target of the input's shape \(2, 2\) holds class probabilities"):
            F.cross_entropy(t([[0.0, 1.0], [1.0, 0.0]]), np.array([[0, 1], [1, 0]]))

    def test_ignore_index_does_not_apply_to_probabilities(self):
        with pytest.raises(ValueError, match="ignore_index=0 does not apply to class-probability targets"):
            F.cross_entropy(t([[0.0, 1.0]]), np.array([[0.5, 0.5]]), ignore_index=0)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("label_dtype", [np.int64, np.int32, np.uint8, np.uint64])
def test_class_indices_pick_each_rows_target_in_any_memory_order(label_dtype, label_smoothing):
    # the loss and gradient as [rows, labels] indexing computes them, to the bit, whatever the
    # label dtype and whether the logits are rows of a C-ordered or a transposed array
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 7)).astype(np.float32).T  # (7, 4), Fortran-ordered
    labels = np.array([3, 0, 0, 2, 1, 3, 2], label_dtype)
    rows = np.arange(7)
    top = logits.argmax(axis=1)
    shifted = logits - logits[rows, top][:, None]
    others = np.exp(shifted)
    others[rows, top] = 0.0
    log_p = shifted - np.log1p(others.sum(axis=1, keepdims=True))
    losses = -log_p[rows, labels]
    if label_smoothing:
        losses = (1 - label_smoothing) * losses + -log_p.sum(axis=1) * (label_smoothing / 4)
    grad = np.exp(log_p)
    grad[rows, labels] = np.expm1(log_p[rows, labels])
    if label_smoothing:
        grad[rows, labels] += label_smoothing
        grad -= label_smoothing / 4
    for x in (mg.Tensor(logits, requires_grad=True), mg.Tensor(np.ascontiguousarray(logits), requires_grad=True)):
        loss = F.cross_entropy(x, labels, label_smoothing=label_smoothing)
        loss.backward()
        assert loss.data.tobytes() == (losses.sum() / 7).tobytes()
        assert x.grad.tobytes() == (grad * (np.float32(1) / 7)).tobytes()
