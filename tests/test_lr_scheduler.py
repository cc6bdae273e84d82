"""Learning-rate schedules against their closed forms."""

import math

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


def test_bad_arguments():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(ValueError, match="step_size must be a positive int, got 0"):
        lr_scheduler.StepLR(make_optimizer(1.0), step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive int"):
        lr_scheduler.CosineAnnealingLR(make_optimizer(1.0), T_max=0)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        lr_scheduler.LambdaLR(make_optimizer(1.0, 1.0), [lambda e: 1.0])
    assert math.isclose(lr_scheduler.LambdaLR(make_optimizer(2.0), lambda e: 1.0).get_last_lr()[0], 2.0)
