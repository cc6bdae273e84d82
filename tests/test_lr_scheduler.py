"""Learning-rate schedules against their closed forms."""

import math
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import lr_scheduler


def make_optimizer(*lrs):
    groups = [{"params": [mg.Tensor(np.zeros(1), requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups)


def lrs_over(scheduler, epochs):
    """get_last_lr() at epochs 0..epochs-1, stepping as a training loop would."""
    history = [scheduler.get_last_lr()]
    for _ in range(epochs - 1):
        scheduler.optimizer.step()
        scheduler.step()
        history.append(scheduler.get_last_lr())
    return np.array(history)


def test_step_lr_multiplies_by_gamma_every_step_size_epochs():
    history = lrs_over(lr_scheduler.StepLR(make_optimizer(1.0), step_size=3, gamma=0.5), 8)
    np.testing.assert_array_equal(history[:, 0], [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])


def test_exponential_lr():
    history = lrs_over(lr_scheduler.ExponentialLR(make_optimizer(0.1, 1.0), gamma=0.9), 20)
    epochs = np.arange(20)[:, None]
    np.testing.assert_allclose(history, np.array([[0.1, 1.0]]) * 0.9**epochs, rtol=1e-14)


def test_cosine_annealing_follows_the_half_cosine_and_comes_back_up():
    base, eta_min, T = 0.1, 0.001, 10
    history = lrs_over(lr_scheduler.CosineAnnealingLR(make_optimizer(base), T_max=T, eta_min=eta_min), 35)[:, 0]
    epochs = np.arange(35)
    closed_form = eta_min + (base - eta_min) * (1 + np.cos(np.pi * epochs / T)) / 2
    np.testing.assert_allclose(history, closed_form, rtol=1e-12)
    assert history[T] == pytest.approx(eta_min) and history[2 * T] == pytest.approx(base)


def test_lambda_lr_with_one_function_per_group():
    optimizer = make_optimizer(1.0, 2.0)
    scheduler = lr_scheduler.LambdaLR(optimizer, [lambda e: 1 / (e + 1), lambda e: 0.5**e])
    history = lrs_over(scheduler, 4)
    np.testing.assert_allclose(history, [[1, 2], [1 / 2, 1], [1 / 3, 0.5], [1 / 4, 0.25]], rtol=1e-15)


def test_the_optimizer_uses_the_scheduled_lr():
    p = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.SGD([p], lr=1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.1)
    for expected in [1.0, 0.1, 0.01]:
        p.grad = np.ones(1)
        before = p.data.copy()
        optimizer.step()
        assert before - p.data == pytest.approx(expected)
        scheduler.step()
    assert optimizer.param_groups[0]["initial_lr"] == 1.0


def test_state_dict_round_trip():
    scheduler = lr_scheduler.CosineAnnealingLR(make_optimizer(0.1), T_max=5)
    for _ in range(3):
        scheduler.step()
    copy = lr_scheduler.CosineAnnealingLR(make_optimizer(0.1), T_max=5)
    copy.load_state_dict(scheduler.state_dict())
    assert copy.last_epoch == 3 and copy.get_last_lr() == scheduler.get_last_lr()


# --------------------------------------------------------------------- resuming, as PyTorch 2.13 does
# Each schedule with its closed form lr(epoch) for initial lrs (0.1, 0.05), two groups.
def closed_forms():
    base = np.array([0.1, 0.05])
    cosine = lambda e: 0.001 + (base - 0.001) * (1 + np.cos(np.pi * e / 5)) / 2  # noqa: E731
    return [
        (lr_scheduler.StepLR, {"step_size": 3, "gamma": 0.5}, lambda e: base * 0.5 ** (e // 3)),
        (lr_scheduler.ExponentialLR, {"gamma": 0.9}, lambda e: base * 0.9**e),
        (lr_scheduler.CosineAnnealingLR, {"T_max": 5, "eta_min": 0.001}, cosine),
        (lr_scheduler.LambdaLR, {"lr_lambda": [lambda e: 1 / (e + 1), lambda e: 0.95**e]},
         lambda e: base * [1 / (e + 1), 0.95**e]),
        (lr_scheduler.LinearLR, {"start_factor": 0.25, "total_iters": 10},
         lambda e: base * (0.25 + 0.75 * min(e, 10) / 10)),
        (lr_scheduler.ConstantLR, {"factor": 0.5, "total_iters": 4}, lambda e: base * (0.5 if e < 4 else 1.0)),
        (lr_scheduler.PolynomialLR, {"total_iters": 12, "power": 2.0}, lambda e: base * (1 - min(e, 12) / 12) ** 2),
        (lr_scheduler.MultiplicativeLR, {"lr_lambda": lambda e: 0.9}, lambda e: base * 0.9**e),
        (lr_scheduler.CosineAnnealingWarmRestarts, {"T_0": 4, "T_mult": 2, "eta_min": 0.001},
         lambda e: sgdr(base, 0.001, 4, 2, e)),
        (lr_scheduler.OneCycleLR, {"max_lr": [1.0, 0.5], "total_steps": 20, "div_factor": 10.0},
         lambda e: np.array([one_cycle(e, 20, 1.0, 10.0)[0], one_cycle(e, 20, 0.5, 10.0)[0]])),
    ]  # fmt: skip


def sgdr(base, eta_min, T_0, T_mult, epoch):
    """SGDR's lr (Loshchilov & Hutter 2017, eq. 5): cycles of T_0, T_0 * T_mult, ... epochs,
    each a half cosine from base down towards eta_min."""
    start, length = 0, T_0
    while epoch >= start + length:
        start, length = start + length, length * T_mult
    return eta_min + (base - eta_min) * (1 + np.cos(np.pi * (epoch - start) / length)) / 2


def one_cycle(
    step, total, max_lr, div=25.0, final_div=1e4, pct_start=0.3, three_phase=False, linear=False, momenta=(0.85, 0.95)
):
    """The 1cycle lr and momentum at ``step`` (Smith & Topin 2019; the phase ends as in
    PyTorch's docs): each phase anneals between its two ends, momentum the other way."""
    low_m, high_m = momenta
    initial = max_lr / div
    minimum = initial / final_div
    up = pct_start * total - 1
    if three_phase:
        phases = [
            (0.0, up, initial, max_lr, high_m, low_m),
            (up, 2 * pct_start * total - 2, max_lr, initial, low_m, high_m),
            (2 * pct_start * total - 2, total - 1, initial, minimum, high_m, high_m),
        ]
    else:
        phases = [(0.0, up, initial, max_lr, high_m, low_m), (up, total - 1, max_lr, minimum, low_m, high_m)]
    a, b, lr0, lr1, m0, m1 = next((p for p in phases if step <= p[1]), phases[-1])
    t = (step - a) / (b - a)
    rest = 1 - t if linear else (1 + np.cos(np.pi * t)) / 2  # the share of the way still to go
    return lr1 + (lr0 - lr1) * rest, m1 + (m0 - m1) * rest


SCHEDULES = closed_forms()
IDS = [cls.__name__ for cls, _, _ in SCHEDULES]


def train(optimizer, scheduler, params, epochs, rng):
    """A training loop: optimizer.step() then scheduler.step(); returns the lrs after each."""
    lrs = []
    for _ in range(epochs):
        for p in params:
            p.grad = rng.normal(size=p.shape)
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    return lrs


def setup(cls, options, lr=0.1, momentum=0.9, **scheduler_options):
    params = [mg.Tensor(np.zeros(3), requires_grad=True), mg.Tensor(np.array(0.0), requires_grad=True)]
    optimizer = optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": lr / 2}], lr=lr, momentum=momentum)
    return params, optimizer, (cls(optimizer, **options, **scheduler_options) if cls else None)


@pytest.mark.parametrize("through_a_file", [False, True], ids=["in memory", "mg.save"])
@pytest.mark.parametrize("cls, options, closed_form", SCHEDULES, ids=IDS)
def test_resuming_from_state_dicts_continues_exactly(cls, options, closed_form, through_a_file, tmp_path):
    """7 epochs, save both state dicts, new parameters, optimizer and scheduler, load, 7 more:
    the lrs and parameters of 14 epochs straight, bit for bit, and the lrs are the closed form."""
    params, optimizer, scheduler = setup(cls, options)
    straight = train(optimizer, scheduler, params, 14, np.random.default_rng(0))
    straight_params = [p.data.copy() for p in params]
    np.testing.assert_allclose(straight, [closed_form(e) for e in range(1, 15)], rtol=1e-13)

    rng = np.random.default_rng(0)
    params, optimizer, scheduler = setup(cls, options)
    first = train(optimizer, scheduler, params, 7, rng)
    saved = [optimizer.state_dict(), scheduler.state_dict()]
    if through_a_file:
        for name, state in zip(["optimizer", "scheduler"], saved, strict=True):
            mg.save(state, tmp_path / f"{name}.npz")
        saved = [mg.load(tmp_path / f"{name}.npz") for name in ["optimizer", "scheduler"]]
    values = [p.data.copy() for p in params]
    params, optimizer, scheduler = setup(cls, options, lr=0.7)  # as PyTorch advises: scheduler first,
    optimizer.load_state_dict(saved[0])  # then the optimizer's state (its lrs win)
    scheduler.load_state_dict(saved[1])
    for p, value in zip(params, values, strict=True):
        p.data[...] = value
    assert scheduler.state_dict() == lr_scheduler_state_after(cls, options, 7)
    assert first + train(optimizer, scheduler, params, 7, rng) == straight
    for p, value in zip(params, straight_params, strict=True):
        np.testing.assert_array_equal(p.data, value)


def lr_scheduler_state_after(cls, options, epochs):
    params, optimizer, scheduler = setup(cls, options)
    train(optimizer, scheduler, params, epochs, np.random.default_rng(0))
    state = scheduler.state_dict()
    assert type(state["last_epoch"]) is int and all(type(lr) is float for lr in state["_last_lr"] + state["base_lrs"])
    return state


@pytest.mark.parametrize("cls, options, closed_form", SCHEDULES, ids=IDS)
def test_resuming_with_last_epoch_one_before_continues_exactly(cls, options, closed_form):
    """PyTorch 2.13: a scheduler built with last_epoch=k steps once at construction, to k + 1;
    on an optimizer loaded after epoch 7, last_epoch=6 lands on 7 and keeps its lrs, and the
    schedule goes on as if never interrupted."""
    params, optimizer, scheduler = setup(cls, options)
    rng = np.random.default_rng(0)
    train(optimizer, scheduler, params, 7, rng)
    _, resumed, _ = setup(None, options, lr=0.7)
    resumed.load_state_dict(optimizer.state_dict())
    scheduler = cls(resumed, **options, last_epoch=6)
    assert scheduler.last_epoch == 7
    lrs = [scheduler.get_last_lr()]
    for _ in range(7):
        resumed.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    np.testing.assert_allclose(lrs, [closed_form(e) for e in range(7, 15)], rtol=1e-13)


def test_resuming_with_last_epoch_equal_to_the_saved_one_is_pytorchs_off_by_one():
    """The same with last_epoch=7 (the saved scheduler's last_epoch): the constructor's step
    goes to epoch 8 and applies each class's rule to the current lrs. PyTorch 2.13's lrs,
    checked against torch and transcribed here for the first group (initial lr 0.1):
    StepLR multiplies at multiples of step_size, so epoch 8 keeps 0.025 and the schedule
    continues on time; ExponentialLR keeps its lr and stays one epoch late for good; the
    cosine keeps its lr and then follows the chained rule from there; LambdaLR jumps to
    lr_lambda(8)."""
    ratio = lambda e: (1 + math.cos(math.pi * e / 5)) / (1 + math.cos(math.pi * (e - 1) / 5))  # noqa: E731
    cosine = [0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * 7 / 5)) / 2]  # kept at epoch 8
    for e in range(9, 15):  # PyTorch's chained form (e - 1 - T is never a multiple of 2T here)
        cosine.append(ratio(e) * (cosine[-1] - 0.001) + 0.001)
    expected = {
        lr_scheduler.StepLR: [0.1 * 0.5 ** (e // 3) for e in range(8, 15)],
        lr_scheduler.ExponentialLR: [0.1 * 0.9 ** (e - 1) for e in range(8, 15)],
        lr_scheduler.CosineAnnealingLR: cosine,
        lr_scheduler.LambdaLR: [0.1 / (e + 1) for e in range(8, 15)],
    }
    torch_values = {  # printed by torch 2.13.0 for the same calls (repr of get_last_lr()[0])
        lr_scheduler.ExponentialLR: [0.04782969000000002, 0.043046721000000024, 0.03874204890000002],
        lr_scheduler.CosineAnnealingLR: [0.03520365877844012, 0.04826829389220054, 0.053258540455041664],
    }
    for cls, options, _ in SCHEDULES[:4]:  # the first four schedules; the others' docstrings say theirs
        params, optimizer, scheduler = setup(cls, options)
        train(optimizer, scheduler, params, 7, np.random.default_rng(0))
        _, resumed, _ = setup(None, options, lr=0.7)
        resumed.load_state_dict(optimizer.state_dict())
        scheduler = cls(resumed, **options, last_epoch=7)
        lrs = [scheduler.get_last_lr()[0]]
        for _ in range(6):
            resumed.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr()[0])
        np.testing.assert_allclose(lrs, expected[cls], rtol=1e-13, err_msg=cls.__name__)
        if cls in torch_values:
            np.testing.assert_allclose(lrs[:3], torch_values[cls], rtol=1e-15, err_msg=cls.__name__)


@pytest.mark.parametrize("cls, options, closed_form", SCHEDULES, ids=IDS)
def test_last_epoch_needs_initial_lr_in_every_group(cls, options, closed_form):
    """As in PyTorch: KeyError, here naming the group and what to do."""
    optimizer = make_optimizer(0.1, 0.2)
    optimizer.param_groups[0]["initial_lr"] = 0.1
    before = copy_groups(optimizer)
    message = r"param_groups\[1\] has no 'initial_lr', which resuming with last_epoch=4 needs: load the optimizer"
    with pytest.raises(KeyError, match=message):
        cls(optimizer, **options, last_epoch=4)
    assert copy_groups(optimizer) == before


def copy_groups(optimizer):
    return [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups]


def test_bad_arguments():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.LambdaLR([], lambda e: 1.0)
    with pytest.raises(ValueError, match=r"^step_size must be at least 1, got 0$"):
        lr_scheduler.StepLR(make_optimizer(1.0), step_size=0)
    with pytest.raises(TypeError, match=r"^step_size must be an int, got 2.0$"):
        lr_scheduler.StepLR(make_optimizer(1.0), step_size=2.0)
    with pytest.raises(TypeError, match=r"^gamma must be a number, got True$"):
        lr_scheduler.StepLR(make_optimizer(1.0), step_size=2, gamma=True)
    with pytest.raises(ValueError, match=r"^gamma must be >= 0, got -0.5$"):
        lr_scheduler.ExponentialLR(make_optimizer(1.0), gamma=-0.5)
    with pytest.raises(ValueError, match=r"^gamma must be finite, got nan$"):
        lr_scheduler.ExponentialLR(make_optimizer(1.0), gamma=float("nan"))
    with pytest.raises(ValueError, match=r"^T_max must be at least 1, got 0$"):
        lr_scheduler.CosineAnnealingLR(make_optimizer(1.0), T_max=0)
    with pytest.raises(ValueError, match=r"^eta_min must be >= 0, got -1$"):
        lr_scheduler.CosineAnnealingLR(make_optimizer(1.0), T_max=3, eta_min=-1)
    with pytest.raises(ValueError, match=r"^last_epoch must be at least -1, got -2$"):
        lr_scheduler.ExponentialLR(make_optimizer(1.0), gamma=0.9, last_epoch=-2)
    with pytest.raises(TypeError, match=r"^last_epoch must be an int, got 3.0$"):
        lr_scheduler.ExponentialLR(make_optimizer(1.0), gamma=0.9, last_epoch=3.0)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        lr_scheduler.LambdaLR(make_optimizer(1.0, 1.0), [lambda e: 1.0])
    with pytest.raises(TypeError, match="lr_lambda must be a function of the epoch"):
        lr_scheduler.LambdaLR(make_optimizer(1.0), 0.5)
    assert math.isclose(lr_scheduler.LambdaLR(make_optimizer(2.0), lambda e: 1.0).get_last_lr()[0], 2.0)


@pytest.mark.parametrize(
    "key, value, error, message",
    [
        ("last_epoch", -2, ValueError, r"^last_epoch must be at least -1, got -2$"),
        ("last_epoch", 2.5, TypeError, r"^last_epoch must be an int, got 2.5$"),
        ("_step_count", "3", TypeError, r"^_step_count must be an int, got '3'$"),
        ("base_lrs", [0.1], ValueError, r"^base_lrs must be a list of 2 lrs \(one per parameter group\), got \[0.1\]$"),
        ("base_lrs", [0.1, -0.1], ValueError, r"^base_lrs\[1\] must be >= 0, got -0.1$"),
        ("_last_lr", [0.1, None], TypeError, r"^_last_lr\[1\] must be a number, got None$"),
        ("step_size", 0, ValueError, r"^step_size must be at least 1, got 0$"),
        ("gamma", "0.5", TypeError, r"^gamma must be a number, got '0.5'$"),
        ("epoch", 3, ValueError, r"^not a state of StepLR: unexpected \['epoch'\]$"),
        ("T_max", 3, ValueError, r"^not a state of StepLR: unexpected \['T_max'\]$"),
    ],
)
def test_a_bad_scheduler_state_is_refused_and_nothing_changes(key, value, error, message):
    scheduler = lr_scheduler.StepLR(make_optimizer(1.0, 0.5), step_size=2)
    good = lr_scheduler.StepLR(make_optimizer(1.0, 0.5), step_size=3, gamma=0.5)
    for _ in range(4):
        good.step()
    state = {**good.state_dict(), key: value}
    before = (scheduler.state_dict(), copy_groups(scheduler.optimizer))
    with pytest.raises(error, match=message):
        scheduler.load_state_dict(state)
    assert (scheduler.state_dict(), copy_groups(scheduler.optimizer)) == before


def test_a_scheduler_state_missing_an_entry_is_refused():
    scheduler = lr_scheduler.ExponentialLR(make_optimizer(1.0), gamma=0.9)
    state = scheduler.state_dict()
    del state["gamma"]
    with pytest.raises(ValueError, match=r"^not a state of ExponentialLR: missing \['gamma'\]$"):
        scheduler.load_state_dict(state)
    with pytest.raises(TypeError, match="load_state_dict takes a dict"):
        scheduler.load_state_dict([("last_epoch", 3)])


@pytest.mark.parametrize(
    "factor, error, message",
    [
        ("a", TypeError, "lr_lambda returned 'a' for epoch 2; it must return a number"),
        (None, TypeError, "lr_lambda returned None for epoch 2; it must return a number"),
        (True, TypeError, "lr_lambda returned True for epoch 2; it must return a number"),
        (float("nan"), ValueError, "lr_lambda returned nan for epoch 2; the factor for the initial lr must be finite"),
        (float("inf"), ValueError, "lr_lambda returned inf for epoch 2; the factor for the initial lr must be finite"),
        (-1.0, ValueError, "lr_lambda returned -1.0 for epoch 2; the factor for the initial lr must be finite and >="),
    ],
)
def test_lambda_lr_refuses_a_bad_factor_naming_the_epoch_and_the_value(factor, error, message):
    optimizer = make_optimizer(1.0)
    scheduler = lr_scheduler.LambdaLR(optimizer, lambda e: 0.5 if e < 2 else factor)
    scheduler.step()
    with pytest.raises(error, match=re.escape(message)):
        scheduler.step()
    assert optimizer.param_groups[0]["lr"] == 0.5, "the refused step changed no lr"
    assert scheduler.last_epoch == 1, "nor the epoch count"


def test_lambda_lr_names_the_group_whose_function_returned_a_bad_factor():
    with pytest.raises(ValueError, match=re.escape("lr_lambda[1] returned -0.5 for epoch 0")):
        lr_scheduler.LambdaLR(make_optimizer(1.0, 1.0), [lambda e: 1.0, lambda e: -0.5])


def test_lambda_lr_accepts_numpy_and_int_factors():
    scheduler = lr_scheduler.LambdaLR(make_optimizer(2.0), lambda e: np.float32(0.5) if e else 1)
    scheduler.step()
    assert scheduler.get_last_lr() == [1.0]


def _sgd(lr=0.1):
    return mg.optim.SGD([mg.nn.Parameter(np.zeros(1))], lr=lr)


def test_multisteplr_multiplies_at_each_milestone():
    optimizer = _sgd(1.0)
    scheduler = lr_scheduler.MultiStepLR(optimizer, milestones=[5, 2, 5], gamma=0.5)
    lrs = []
    for _ in range(7):
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.5, 0.125, 0.125]  # epoch 5 is listed twice: gamma twice
    with pytest.raises(TypeError, match="milestones must be a list of epochs"):
        lr_scheduler.MultiStepLR(_sgd(), milestones=3)


def test_reducelronplateau_waits_patience_then_cools_down():
    optimizer = _sgd(1.0)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1, cooldown=1, min_lr=0.2)
    # improves, then stalls: bad epochs 1, 2 (> patience: halve), cooldown epoch, 1, 2 (halve), ...
    lrs = []
    for metric in [1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.2, 1.3, 1.4]:
        scheduler.step(mg.tensor(metric))
        lrs.append(scheduler.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2]  # never below min_lr
    assert optimizer.param_groups[0]["lr"] == 0.2
    state = scheduler.state_dict()
    resumed = lr_scheduler.ReduceLROnPlateau(_sgd(0.2), factor=0.5, patience=1, cooldown=1, min_lr=0.2)
    resumed.load_state_dict(state)
    assert resumed.best == 0.5 and resumed.num_bad_epochs == scheduler.num_bad_epochs


def test_reducelronplateau_in_max_mode_with_an_absolute_threshold():
    optimizer = _sgd(0.1)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, mode="max", threshold=0.05, threshold_mode="abs", patience=0)
    scheduler.step(0.80)  # best 0.80
    scheduler.step(0.84)  # not above 0.85: a bad epoch, more than patience 0: lr * 0.1
    assert scheduler.get_last_lr() == pytest.approx([0.01])
    scheduler.step(0.90)  # above 0.85: the new best
    assert scheduler.best == 0.90 and scheduler.get_last_lr() == pytest.approx([0.01])


def test_reducelronplateau_checks_its_arguments():
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\)"):
        lr_scheduler.ReduceLROnPlateau(_sgd(), factor=1.0)
    with pytest.raises(ValueError, match="mode must be one of"):
        lr_scheduler.ReduceLROnPlateau(_sgd(), mode="lowest")
    with pytest.raises(ValueError, match="expected 1 min_lrs"):
        lr_scheduler.ReduceLROnPlateau(_sgd(), min_lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="metrics must be finite"):
        lr_scheduler.ReduceLROnPlateau(_sgd()).step(float("nan"))


# --------------------------------------------------------------------- the schedules added later
def test_linear_lr_warms_up_along_a_straight_line_then_holds():
    history = lrs_over(lr_scheduler.LinearLR(make_optimizer(0.1, 1.0), start_factor=0.05, total_iters=40), 50)
    factor = 0.05 + 0.95 * np.minimum(np.arange(50), 40) / 40
    np.testing.assert_allclose(history, factor[:, None] * [0.1, 1.0], rtol=1e-13)
    decay = lrs_over(lr_scheduler.LinearLR(make_optimizer(1.0), start_factor=1.0, end_factor=0.0, total_iters=4), 6)
    np.testing.assert_allclose(decay[:, 0], [1, 0.75, 0.5, 0.25, 0, 0], atol=1e-15)


def test_constant_lr_holds_a_factor_until_total_iters():
    history = lrs_over(lr_scheduler.ConstantLR(make_optimizer(0.05), factor=0.5, total_iters=3), 6)
    np.testing.assert_allclose(history[:, 0], [0.025, 0.025, 0.025, 0.05, 0.05, 0.05], rtol=1e-15)


def test_polynomial_lr_decays_to_zero_at_total_iters():
    history = lrs_over(lr_scheduler.PolynomialLR(make_optimizer(0.05, 0.2), total_iters=20, power=0.9), 25)
    factor = (1 - np.minimum(np.arange(25), 20) / 20) ** 0.9
    np.testing.assert_allclose(history, factor[:, None] * [0.05, 0.2], rtol=1e-13, atol=1e-17)
    assert history[20:].tolist() == [[0.0, 0.0]] * 5


def test_multiplicative_lr_multiplies_the_current_lr_by_each_epochs_factor():
    optimizer = make_optimizer(1.0, 2.0)
    scheduler = lr_scheduler.MultiplicativeLR(optimizer, [lambda e: 1 / (e + 1), lambda e: 0.5])
    history = lrs_over(scheduler, 5)
    # lr(e) = 1 * (1/2) * (1/3) * ... * (1/(e + 1)) = 1 / (e + 1)!
    np.testing.assert_allclose(history[:, 0], 1 / np.cumprod(np.arange(1, 6)), rtol=1e-15)
    np.testing.assert_allclose(history[:, 1], 2.0 * 0.5 ** np.arange(5), rtol=1e-15)
    optimizer.param_groups[0]["lr"] = 3.0  # set from outside: the next factor applies to it
    optimizer.step()
    scheduler.step()
    assert scheduler.get_last_lr()[0] == pytest.approx(3.0 / 6)


@pytest.mark.parametrize("T_0, T_mult", [(10, 1), (3, 2), (2, 3)])
def test_cosine_warm_restarts_follow_sgdr(T_0, T_mult):
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(make_optimizer(0.1, 0.3), T_0=T_0, T_mult=T_mult, eta_min=0.01)
    history = lrs_over(scheduler, 50)
    expected = [[sgdr(base, 0.01, T_0, T_mult, e) for base in (0.1, 0.3)] for e in range(50)]
    np.testing.assert_allclose(history, expected, rtol=1e-13)
    restarts = [e for e in range(1, 50) if history[e, 0] > history[e - 1, 0]]
    assert restarts == {1: [10, 20, 30, 40], 2: [3, 9, 21, 45], 3: [2, 8, 26]}[T_mult]
    np.testing.assert_allclose(history[restarts, 0], 0.1, rtol=1e-15)


@pytest.mark.parametrize("T_0, T_mult", [(3, 1), (3, 2), (2, 3)])
def test_cosine_warm_restarts_step_epoch_anneals_within_each_epoch(T_0, T_mult):
    """step(epoch + i / batches), PyTorch's per-batch idiom: SGDR's T_cur counts fractional
    epochs. The points lie between epochs, where no round-off can move them into another cycle."""
    optimizer = make_optimizer(0.1, 0.3)
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=T_0, T_mult=T_mult, eta_min=0.01)
    points = [epoch + (i + 0.5) / 4 for epoch in range(30) for i in range(4)]
    history = []
    for t in points:
        optimizer.step()
        scheduler.step(t)
        history.append(scheduler.get_last_lr())
        assert scheduler.last_epoch == math.floor(t)
    expected = [[sgdr(base, 0.01, T_0, T_mult, t) for base in (0.1, 0.3)] for t in points]
    np.testing.assert_allclose(history, expected, rtol=1e-13)


def test_cosine_warm_restarts_step_epoch_then_step_carries_on_from_that_epoch():
    """PyTorch's documented interleaving, with T_mult = 1 (epoch % T_0 is exact): after
    step(26), step() is epoch 27; whole epochs give the lrs of as many step() calls."""
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(make_optimizer(0.1), T_0=5, eta_min=0.01)
    stepped = lrs_over(lr_scheduler.CosineAnnealingWarmRestarts(make_optimizer(0.1), T_0=5, eta_min=0.01), 30)[:, 0]
    for _ in range(20):
        scheduler.step()
    scheduler.step(26)
    assert (scheduler.last_epoch, scheduler.T_cur, scheduler.get_last_lr()) == (26, 1, [stepped[26]])
    scheduler.step()
    assert (scheduler.last_epoch, scheduler.get_last_lr()) == (27, [stepped[27]])
    scheduler.step(2.5)  # back into the first cycle
    assert scheduler.get_last_lr() == [pytest.approx(sgdr(0.1, 0.01, 5, 1, 2.5), rel=1e-14)]
    state = scheduler.state_dict()
    assert state["T_cur"] == 2.5
    scheduler.load_state_dict(state)  # a fractional T_cur is a valid state
    with pytest.raises(ValueError, match=r"^epoch must be >= 0, got -1$"):
        scheduler.step(-1)
    with pytest.raises(TypeError, match=r"^epoch must be a number, got '3'$"):
        scheduler.step("3")
    assert scheduler.state_dict() == state


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"anneal_strategy": "linear", "pct_start": 0.25},
        {"three_phase": True},
        {"three_phase": True, "anneal_strategy": "linear", "div_factor": 10.0, "final_div_factor": 100.0},
    ],
    ids=["cos", "linear", "three phases", "three phases, linear"],
)
def test_one_cycle_sets_lr_and_sgd_momentum_by_its_phases(options):
    optimizer = make_optimizer(0.7, 0.7)  # the initial lrs are max_lr / div_factor, whatever lr was
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=[1.0, 0.4], total_steps=50, **options)
    lrs, momenta = [], []
    for step in range(51):  # N steps, and the last step() of a loop over N batches
        lrs.append(scheduler.get_last_lr())
        momenta.append([group["momentum"] for group in optimizer.param_groups])
        if step < 50:
            optimizer.step()
            scheduler.step()
    keywords = {
        "div": options.get("div_factor", 25.0),
        "final_div": options.get("final_div_factor", 1e4),
        "pct_start": options.get("pct_start", 0.3),
        "three_phase": options.get("three_phase", False),
        "linear": options.get("anneal_strategy") == "linear",
    }
    expected = np.array([[one_cycle(s, 50, top, **keywords) for top in (1.0, 0.4)] for s in range(51)])
    # round-off of the largest lr: 'linear' ends at start + (end - start) * 1, a few ulps of max_lr off end
    np.testing.assert_allclose(lrs, expected[..., 0], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(momenta, expected[..., 1], rtol=1e-13)
    if keywords["pct_start"] == 0.3:  # the warm-up ends on step 0.3 * 50 - 1 (pct_start 0.25: between steps)
        assert lrs[14] == pytest.approx([1.0, 0.4]) and momenta[14] == pytest.approx([0.85, 0.85])
    assert lrs[49] == pytest.approx(
        [1.0 / keywords["div"] / keywords["final_div"], 0.4 / keywords["div"] / keywords["final_div"]]
    )


def test_one_cycle_cycles_adams_beta1_and_keeps_beta2():
    params = [mg.Tensor(np.zeros(2), requires_grad=True)]
    optimizer = optim.Adam(params, lr=0.01, betas=(0.9, 0.99))
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=4, steps_per_epoch=5, base_momentum=0.8)
    betas = [optimizer.param_groups[0]["betas"]]
    for _ in range(19):
        params[0].grad = np.ones(2)
        optimizer.step()
        scheduler.step()
        betas.append(optimizer.param_groups[0]["betas"])
    expected = [one_cycle(s, 20, 0.1, momenta=(0.8, 0.95))[1] for s in range(20)]
    np.testing.assert_allclose([b[0] for b in betas], expected, rtol=1e-13)
    assert {b[1] for b in betas} == {0.99}


def test_one_cycle_refuses_a_step_past_total_steps_and_changes_nothing():
    optimizer = make_optimizer(0.1)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=5)
    for _ in range(5):
        scheduler.step()
    before = (scheduler.state_dict(), copy_groups(optimizer))
    with pytest.raises(ValueError, match=r"^OneCycleLR was stepped 6 times, past its total_steps=5: give total_"):
        scheduler.step()
    assert (scheduler.state_dict(), copy_groups(optimizer)) == before


def test_one_cycle_takes_0d_tensors_and_arrays_as_numbers():
    """PyTorch takes a tensor max_lr (or momentum); minigrad takes a 0-d one as its number."""
    as_floats = lr_scheduler.OneCycleLR(make_optimizer(0.1, 0.1), [1.0, 0.5], 10, base_momentum=0.75)
    as_arrays = lr_scheduler.OneCycleLR(
        make_optimizer(0.1, 0.1), [mg.tensor(1.0), np.array(0.5)], 10, base_momentum=np.float32(0.75)
    )
    as_tensor = lr_scheduler.OneCycleLR(make_optimizer(0.1, 0.1), mg.tensor(0.5), 10, max_momentum=np.array(0.875))
    assert as_tensor.max_lrs == [0.5, 0.5] and as_tensor.max_momentums == [0.875, 0.875]
    assert as_arrays.state_dict() == as_floats.state_dict()
    assert np.array_equal(lrs_over(as_arrays, 11), lrs_over(as_floats, 11))
    assert {type(lr) for lr in as_arrays.get_last_lr() + as_tensor.get_last_lr()} == {float}


def test_one_cycle_momentum_needs_an_optimizer_with_momentum():
    adagrad = optim.Adagrad([mg.Tensor(np.zeros(1), requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="cycle_momentum=True needs an optimizer with momentum or betas, and Adagrad"):
        lr_scheduler.OneCycleLR(adagrad, max_lr=0.1, total_steps=10)
    scheduler = lr_scheduler.OneCycleLR(adagrad, max_lr=0.1, total_steps=10, cycle_momentum=False)
    assert scheduler.get_last_lr() == [pytest.approx(0.1 / 25, rel=1e-14)]


@pytest.mark.parametrize(
    "options, phase, end",
    [
        ({"pct_start": 0.1}, 1, 0.0),  # pct_start * total_steps = 1: the warm-up ends where it starts
        ({"pct_start": 1.0}, 2, 9),  # the decay would start and end at step 9, reached by the last step()
        ({"pct_start": 0.55, "three_phase": True}, 3, 9),  # 2 * 5.5 - 2 = 9: no third phase
    ],
    ids=["first phase", "two phases, last", "three phases, last"],
)
def test_one_cycle_refuses_a_phase_with_no_steps_when_created(options, phase, end):
    """PyTorch divides by zero at the step that falls in the empty phase: for the last phase,
    the final step() of a whole run."""
    message = f"with total_steps=10 leaves phase {phase} of OneCycleLR no steps (it would end at step {end} where"
    with pytest.raises(ValueError, match=rf"^pct_start={options['pct_start']} {re.escape(message)} it starts\)"):
        lr_scheduler.OneCycleLR(make_optimizer(0.1), max_lr=0.1, total_steps=10, **options)


@pytest.mark.parametrize(
    "options", [{"pct_start": 0.0}, {"pct_start": 1.0, "three_phase": True}], ids=["no warm-up", "three, 1.0"]
)
def test_one_cycle_takes_a_phase_no_step_falls_in(options):
    """A phase that ends before step 0 or a last phase past step N, as in PyTorch: every step
    of the run falls in a phase that has steps."""
    scheduler = lr_scheduler.OneCycleLR(make_optimizer(0.1), max_lr=1.0, total_steps=10, **options)
    lrs = lrs_over(scheduler, 11)[:, 0]
    keywords = {"pct_start": options["pct_start"], "three_phase": options.get("three_phase", False)}
    np.testing.assert_allclose(lrs, [one_cycle(s, 10, 1.0, **keywords)[0] for s in range(11)], rtol=1e-13)


def warmup_then_cosine(optimizer):
    warmup = lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=5)
    cosine = lr_scheduler.CosineAnnealingLR(optimizer, T_max=20, eta_min=0.001)
    return lr_scheduler.SequentialLR(optimizer, [warmup, cosine], milestones=[5])


def test_sequential_lr_runs_a_warm_up_then_a_cosine():
    history = lrs_over(warmup_then_cosine(make_optimizer(0.1, 0.5)), 30)
    base = np.array([0.1, 0.5])
    expected = [base * (0.1 + 0.9 * e / 5) for e in range(5)]
    expected += [0.001 + (base - 0.001) * (1 + math.cos(math.pi * (e - 5) / 20)) / 2 for e in range(5, 30)]
    np.testing.assert_allclose(history, expected, rtol=1e-13)


def test_sequential_lr_restarts_each_schedule_at_its_milestone():
    optimizer = make_optimizer(1.0)
    schedulers = [
        lr_scheduler.ConstantLR(optimizer, factor=0.1, total_iters=10),
        lr_scheduler.ExponentialLR(optimizer, gamma=0.5),
        lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1),
    ]
    history = lrs_over(lr_scheduler.SequentialLR(optimizer, schedulers, milestones=[3, 6]), 10)[:, 0]
    np.testing.assert_allclose(history, [0.1, 0.1, 0.1, 1, 0.5, 0.25, 1, 1, 0.1, 0.1], rtol=1e-15)


def test_chained_scheduler_multiplies_the_schedules():
    optimizer = make_optimizer(1.0, 0.2)
    warm = lr_scheduler.ConstantLR(optimizer, factor=0.1, total_iters=2)
    decay = lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    history = lrs_over(lr_scheduler.ChainedScheduler([warm, decay]), 6)
    factor = np.where(np.arange(6) < 2, 0.1, 1.0) * 0.9 ** np.arange(6)
    np.testing.assert_allclose(history, factor[:, None] * [1.0, 0.2], rtol=1e-14)


def nested_schedule(optimizer):
    """A chained warm-up, then a step decay: states nested two deep."""
    warm = lr_scheduler.ChainedScheduler(
        [lr_scheduler.LinearLR(optimizer, start_factor=0.5, total_iters=3), lr_scheduler.ExponentialLR(optimizer, 0.9)]
    )
    return lr_scheduler.SequentialLR(optimizer, [warm, lr_scheduler.StepLR(optimizer, 4, gamma=0.5)], milestones=[6])


@pytest.mark.parametrize("through_a_file", [False, True], ids=["in memory", "mg.save"])
@pytest.mark.parametrize("make", [warmup_then_cosine, nested_schedule], ids=["sequential", "nested"])
def test_composite_schedules_resume_from_their_state_dicts(make, through_a_file, tmp_path):
    straight = lrs_over(make(make_optimizer(0.1, 0.5)), 16)
    optimizer = make_optimizer(0.1, 0.5)
    scheduler = make(optimizer)
    first = lrs_over(scheduler, 8)
    optimizer.step()
    scheduler.step()
    saved = [optimizer.state_dict(), scheduler.state_dict()]
    if through_a_file:
        for name, state in zip(["optimizer", "scheduler"], saved, strict=True):
            mg.save(state, tmp_path / f"{name}.npz")
        saved = [mg.load(tmp_path / f"{name}.npz") for name in ["optimizer", "scheduler"]]
    optimizer = make_optimizer(0.7, 0.7)
    scheduler = make(optimizer)
    optimizer.load_state_dict(saved[0])
    scheduler.load_state_dict(saved[1])
    assert np.array_equal(np.vstack([first, lrs_over(scheduler, 8)]), straight)


def test_a_bad_nested_state_is_refused_and_nothing_changes():
    scheduler = nested_schedule(make_optimizer(0.1, 0.5))
    state = nested_schedule(make_optimizer(0.1, 0.5)).state_dict()
    state["_schedulers"][0]["_schedulers"][1]["gamma"] = -1.0
    before = scheduler.state_dict()
    with pytest.raises(ValueError, match=r"^gamma must be >= 0, got -1.0$"):
        scheduler.load_state_dict(state)
    assert scheduler.state_dict() == before
    state["_schedulers"] = state["_schedulers"][:1]
    with pytest.raises(ValueError, match=r"^_schedulers must be a list of 2 scheduler states, got \["):
        scheduler.load_state_dict(state)


def _two_optimizers():
    return make_optimizer(0.1, 0.2), make_optimizer(0.1, 0.2)


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda o: lr_scheduler.LinearLR(o, start_factor=0), ValueError, r"^start_factor must be in \(0, 1\], got 0$"),
        (lambda o: lr_scheduler.LinearLR(o, end_factor=1.5), ValueError, r"^end_factor must be in \[0, 1\], got 1.5$"),
        (lambda o: lr_scheduler.LinearLR(o, total_iters=0), ValueError,
         r"^total_iters must be at least 1, got 0 \(PyTorch takes 0, but then its steps keep start_factor for good "
         r"and its closed form divides by zero; for no warm-up, leave LinearLR out\)$"),
        (lambda o: lr_scheduler.LinearLR(o, total_iters=-1), ValueError, r"^total_iters must be at least 1, got -1$"),
        (lambda o: lr_scheduler.ConstantLR(o, total_iters=0), ValueError,
         r"^total_iters must be at least 1, got 0 \(PyTorch takes 0, but then its steps keep the factor for good "
         r"while its closed form drops it; for no warm-up, leave ConstantLR out\)$"),
        (lambda o: lr_scheduler.PolynomialLR(o, total_iters=0), ValueError,
         r"^total_iters must be at least 1, got 0 \(PyTorch takes 0, but then its steps never decay the lr and its "
         r"closed form divides by zero\)$"),
        (lambda o: lr_scheduler.ConstantLR(o, factor=0), ValueError, r"^factor must be in \(0, 1\], got 0$"),
        (lambda o: lr_scheduler.ConstantLR(o, total_iters=2.5), TypeError, r"^total_iters must be an int, got 2.5$"),
        (lambda o: lr_scheduler.PolynomialLR(o, power=-1), ValueError, r"^power must be >= 0, got -1$"),
        (lambda o: lr_scheduler.PolynomialLR(o, power="2"), TypeError, r"^power must be a number, got '2'$"),
        (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, r"^T_0 must be at least 1, got 0$"),
        (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, 5, T_mult=1.5), TypeError,
         r"^T_mult must be an int, got 1.5$"),
        (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, 5, eta_min=-0.1), ValueError,
         r"^eta_min must be >= 0, got -0.1$"),
        (lambda o: lr_scheduler.MultiplicativeLR(o, 0.9), TypeError, r"^lr_lambda must be a function of the epoch"),
        (lambda o: lr_scheduler.MultiplicativeLR(o, lambda e: -1).step(), ValueError,
         r"^lr_lambda returned -1 for epoch 1; the factor for the current lr must be finite and >= 0$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1), ValueError,
         r"^OneCycleLR needs total_steps, or epochs and steps_per_epoch$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=0), ValueError,
         r"^total_steps must be at least 1, got 0$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, epochs=2.0, steps_per_epoch=3), TypeError,
         r"^epochs must be an int, got 2.0$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, 10, pct_start=1.5), ValueError,
         r"^pct_start must be in \[0, 1\], got 1.5$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, 10, anneal_strategy="cosine"), ValueError,
         r"^anneal_strategy must be one of 'cos', 'linear'; got 'cosine'$"),
        (lambda o: lr_scheduler.OneCycleLR(o, [0.1], 10), ValueError,
         r"^max_lr must be a list of 2 values \(one per parameter group\), got \[0.1\]$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0, 10), ValueError, r"^max_lr must be > 0, got 0$"),
        (lambda o: lr_scheduler.OneCycleLR(o, mg.tensor([0.5, 0.5]), 10), TypeError,
         r"^max_lr must be a number, got a Tensor of shape \(2,\)"),
        (lambda o: lr_scheduler.OneCycleLR(o, np.array(-0.5), 10), ValueError, r"^max_lr must be > 0, got -0.5$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, 10, max_momentum=1.0), ValueError,
         r"^max_momentum must be in \[0, 1\), got 1.0$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, 10, base_momentum=[0.8, "a"]), TypeError,
         r"^base_momentum\[1\] must be a number, got 'a'$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, 10, div_factor=0), ValueError, r"^div_factor must be > 0, got 0$"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, 10, three_phase="yes"), TypeError,
         r"^three_phase must be True or False, got 'yes'$"),
        (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.StepLR(o, 2)], [3]), ValueError,
         r"^SequentialLR needs one milestone fewer than schedulers, got 1 schedulers and 1 milestones$"),
        (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.StepLR(o, 2)] * 3, [4, 2]), ValueError,
         r"^milestones must be in increasing order, got \[4, 2\]$"),
        (lambda o: lr_scheduler.SequentialLR(o, [], []), ValueError, r"^SequentialLR needs at least one scheduler"),
        (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.StepLR(make_optimizer(1.0), 2)], []), ValueError,
         r"^schedulers\[0\] \(StepLR\) belongs to another optimizer$"),
        (lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.ReduceLROnPlateau(o)]), ValueError,
         r"^schedulers\[0\] is a ReduceLROnPlateau, which ChainedScheduler cannot step: its step\(\) needs the "),
        (lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(o, 2), "StepLR"]), TypeError,
         r"^schedulers\[1\] must be an lr scheduler, got 'StepLR'$"),
        (lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(o, 2)], optimizer=[]), TypeError,
         r"^list is not an Optimizer$"),
        (lambda o: lr_scheduler.ChainedScheduler(lr_scheduler.StepLR(o, 2)), TypeError,
         r"^schedulers must be a list of lr schedulers, got <minigrad"),
        (lambda o: lr_scheduler.ChainedScheduler([]), ValueError, r"^ChainedScheduler needs at least one scheduler"),
        (lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(o, 2), lr_scheduler.StepLR(_sgd(), 2)]),
         ValueError, r"^schedulers\[1\] \(StepLR\) belongs to another optimizer$"),
    ],
)  # fmt: skip
def test_the_added_schedules_refuse_bad_arguments_naming_them(build, error, message):
    with pytest.raises(error, match=message):
        build(make_optimizer(0.1, 0.2))


def _plateau(optimizer):
    return lr_scheduler.ReduceLROnPlateau(optimizer)


@pytest.mark.parametrize(
    "make, call, message",
    [
        (lambda o: lr_scheduler.StepLR(o, 2), lambda s: s.step(3), r"^StepLR.step\(\) takes no epoch, got 3: minigrad "
         r"does not have PyTorch's deprecated step\(epoch\); call step\(\) once per epoch, after optimizer.step\(\)$"),
        (lambda o: lr_scheduler.LambdaLR(o, lambda e: 0.5), lambda s: s.step(epoch=1.5),
         r"^LambdaLR.step\(\) takes no epoch, got 1.5: .*; call step\(\) once per epoch, after optimizer.step"),
        (lambda o: lr_scheduler.OneCycleLR(o, 0.1, 10), lambda s: s.step(3),
         r"^OneCycleLR.step\(\) takes no epoch, got 3: .*; call step\(\) once per batch, after optimizer.step"),
        (warmup_then_cosine, lambda s: s.step(6), r"^SequentialLR.step\(\) takes no epoch, got 6: .*; call step\(\) "),
        (lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.ExponentialLR(o, 0.9)]), lambda s: s.step(2),
         r"^ChainedScheduler.step\(\) takes no epoch, got 2: .*; call step\(\) once per epoch"),
        (_plateau, lambda s: s.step(0.5, 3),
         r"^ReduceLROnPlateau.step\(\) takes only the metric, got epoch=3: minigrad does not have PyTorch's "
         r"deprecated epoch argument; call step\(metric\) once per epoch"),
    ],
    ids=["StepLR", "LambdaLR", "OneCycleLR", "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau"],
)  # fmt: skip
def test_step_with_an_epoch_says_what_to_call_instead_and_changes_nothing(make, call, message):
    optimizer = make_optimizer(0.1, 0.2)
    scheduler = make(optimizer)
    before = (scheduler.state_dict(), copy_groups(optimizer))
    with pytest.raises(TypeError, match=message):
        call(scheduler)
    assert (scheduler.state_dict(), copy_groups(optimizer)) == before
    metric = [0.5] if make is _plateau else []
    scheduler.step(*metric)
    scheduler.step(*metric, None)  # PyTorch's default: a plain step
    twin = make(make_optimizer(0.1, 0.2))
    twin.step(*metric)
    twin.step(*metric)
    assert scheduler.state_dict() == twin.state_dict()
