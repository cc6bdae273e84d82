"""The quantitative claims of tutorials/05_rmsprop.py, reproduced with minigrad directly.

Each test quotes the claim it checks. The set-ups are the tutorial's (same losses, seeds,
learning rates), written again here so that a change in minigrad that breaks a claim fails
a test, whatever the tutorial prints.
"""

import math
from functools import cache

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim


def weight(value=0.0, size=1):
    return mg.Tensor(np.full(size, value, dtype=np.float64), requires_grad=True)


def feed(optimizer, p, g):
    p.grad = np.broadcast_to(np.asarray(g, dtype=p.dtype), p.shape).copy()
    optimizer.step()


# ---------------------------------------------------------------- 1. the moving average
def rmsprop_steps_to_forget(alpha):
    p = weight()
    optimizer = optim.RMSprop([p], alpha=alpha)
    for _ in range(int(30 / (1 - alpha))):
        feed(optimizer, p, 1.0)
    v0 = optimizer.state[p]["square_avg"][0]
    for step in range(1, int(5 / (1 - alpha))):
        feed(optimizer, p, 10.0)
        if (100.0 - optimizer.state[p]["square_avg"][0]) / (100.0 - v0) <= 1 / math.e:
            return step
    return None


def adagrad_steps_to_forget(history):
    p = weight()
    optimizer = optim.Adagrad([p])
    for _ in range(history):
        feed(optimizer, p, 1.0)
    for step in range(1, 10 * history):
        feed(optimizer, p, 10.0)
        state = optimizer.state[p]
        if (100.0 - state["sum"][0] / state["step"]) / 99.0 <= 1 / math.e:
            return step
    return None


# "The measured forgetting times are exactly 1 / (1 - alpha): 10 steps for 0.9 and 100 for 0.99."
@pytest.mark.parametrize("alpha, window", [(0.9, 10), (0.99, 100)])
def test_v_forgets_a_jump_in_one_over_one_minus_alpha_steps(alpha, window):
    assert rmsprop_steps_to_forget(alpha) == window


# "the last 1 / (1 - alpha) steps carry about 63-65% of the weight" (65.1% and 63.4%):
# v after `window` steps of g = 1 from v = 0 is exactly the weight of the last `window` steps.
@pytest.mark.parametrize("alpha, window, share", [(0.9, 10, 0.651), (0.99, 100, 0.634)])
def test_the_last_window_holds_about_two_thirds_of_the_weight(alpha, window, share):
    p = weight()
    optimizer = optim.RMSprop([p], alpha=alpha)
    for _ in range(window):
        feed(optimizer, p, 1.0)
    assert optimizer.state[p]["square_avg"][0] == pytest.approx(share, abs=5e-4)


# "AdaGrad's mean square after 200 steps of history needs hundreds of steps to move as far
# (344), and the longer it has run, the longer it would take."
def test_adagrad_mean_square_forgets_slowly_and_slower_with_more_history():
    after_200 = adagrad_steps_to_forget(200)
    assert after_200 == 344
    assert adagrad_steps_to_forget(400) > 1.9 * after_200


# ---------------------------------------------------------------- 2. constant gradient
def constant_gradient_rates(cls, steps=1000, lr=0.01, g=0.5, **options):
    p = weight()
    optimizer = cls([p], lr=lr, **options)
    rates = []
    for _ in range(steps):
        feed(optimizer, p, g)
        rates.append(optimizer.effective_lr()[0])
    return np.array(rates)


# "After 1,000 steps AdaGrad's effective lr is 31.6 times smaller than RMSprop's, which is
# sqrt(1000). RMSprop's sits on lr / |g|"; AdaGrad's is lr / (sqrt(t) |g|).
def test_adagrad_decays_as_one_over_sqrt_t_while_rmsprop_levels_off_at_lr_over_g():
    t = np.arange(1, 1001)
    adagrad = constant_gradient_rates(optim.Adagrad)
    rmsprop = constant_gradient_rates(optim.RMSprop, alpha=0.9)
    np.testing.assert_allclose(adagrad, 0.01 / (np.sqrt(t) * 0.5 + 1e-10), rtol=1e-12)
    np.testing.assert_allclose(rmsprop, 0.01 / (np.sqrt(1 - 0.9**t) * 0.5 + 1e-8), rtol=1e-12)
    assert rmsprop[-1] == pytest.approx(0.01 / 0.5, rel=1e-6)
    assert rmsprop[-1] / adagrad[-1] == pytest.approx(math.sqrt(1000), rel=1e-3)
    assert f"{rmsprop[-1] / adagrad[-1]:.1f}" == "31.6"


# "RMSprop's first steps are larger than lr / |g|: by 1 / sqrt(1 - alpha), 3.16 times for
# alpha 0.9 and 10 times for alpha 0.99."
@pytest.mark.parametrize("alpha, factor", [(0.9, 3.16), (0.99, 10.0)])
def test_rmsprop_first_step_is_larger_than_lr_over_g(alpha, factor):
    first = constant_gradient_rates(optim.RMSprop, steps=1, alpha=alpha)[0]
    assert first / (0.01 / 0.5) == pytest.approx(factor, abs=0.005)


# ---------------------------------------------------------------- 3. the scale changes
def two_phase_run(cls, phase1_steps, phase2_steps, start=-1.0, lr=0.1):
    x = weight(start)
    optimizer = cls([x], lr=lr)
    positions, distance, rates = [], [], []
    for step in range(phase1_steps + phase2_steps):
        scale, target = (100.0, 0.0) if step < phase1_steps else (1.0, 1.0)
        loss = (scale * 0.5 * (x - target) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        positions.append(x.item())
        distance.append(abs(x.item() - target))
        rates.append(optimizer.effective_lr()[0])
    return np.array(positions), np.array(distance), np.array(rates)


@cache
def scale_change():
    ada = two_phase_run(optim.Adagrad, 200, 1000)
    rms = two_phase_run(optim.RMSprop, 200, 1000)
    fresh = two_phase_run(optim.Adagrad, 0, 1000, start=ada[0][199])
    return ada, rms, fresh


def steps_to_reach(distance, tolerance=1e-3):
    below = np.flatnonzero(distance < tolerance)
    return int(below[0]) + 1 if len(below) else None


# "RMSprop ... is within 1e-3 of the new minimum 56 steps after the shift. The restarted
# AdaGrad needs 204 steps" and "a thousand steps later AdaGrad is still 0.73 away".
def test_after_the_shift_rmsprop_recovers_and_adagrad_stalls():
    (_, ada_dist, _), (_, rms_dist, _), (_, fresh_dist, _) = scale_change()
    assert 50 <= steps_to_reach(rms_dist[200:]) <= 60
    assert 190 <= steps_to_reach(fresh_dist) <= 220
    assert steps_to_reach(ada_dist[200:]) is None
    assert ada_dist[199] < 2e-3  # AdaGrad did solve phase 1
    assert ada_dist[-1] == pytest.approx(0.73, abs=0.01)


# "its effective lr is about 3e-4, more than 300 times smaller than the restarted AdaGrad's
# 0.1, and it can never grow again";
# RMSprop's "effective lr grows more than fourfold in the first 30" steps after the shift.
def test_effective_lrs_after_the_shift():
    (_, _, ada_rate), (_, _, rms_rate), (_, _, fresh_rate) = scale_change()
    assert 2.5e-4 < ada_rate[200] < 4e-4
    assert np.all(np.diff(ada_rate[200:]) <= 0)
    assert fresh_rate[0] == pytest.approx(0.1, abs=1e-3)
    assert fresh_rate[0] / ada_rate[200] > 300
    assert rms_rate[230] > 4 * rms_rate[200]


# "it ends phase 1 hopping between -0.05 and +0.05 ... where its effective lr is exactly
# 0.02" (2 / curvature, curvature 100; lr / 2 = 0.05).
def test_rmsprop_ends_phase_one_bouncing_at_the_stability_limit():
    _, (rms_x, _, rms_rate), _ = scale_change()
    assert rms_x[198] == pytest.approx(-rms_x[199], abs=1e-3)
    assert abs(rms_x[199]) == pytest.approx(0.05, abs=1e-3)
    assert rms_rate[199] == pytest.approx(2 / 100, rel=1e-2)


# "Here RMSprop lands on x = 1 exactly ... the effective lr climbs to lr / eps."
def test_rmsprop_lands_exactly_and_its_effective_lr_reaches_lr_over_eps():
    _, (rms_x, _, rms_rate), _ = scale_change()
    assert rms_x[-1] == 1.0
    assert rms_rate[-1] == pytest.approx(0.1 / 1e-8, rel=1e-6)


# ---------------------------------------------------------------- 4. eps placement
MAGNITUDES = np.logspace(-12, 1, 131)


@cache
def settled(eps, inside):
    p = weight(size=len(MAGNITUDES))
    optimizer = optim.RMSprop([p], lr=1e-3, eps=eps, eps_inside_sqrt=inside)
    for _ in range(400):
        feed(optimizer, p, MAGNITUDES)
    return optimizer.effective_lr()


def ten_percent_threshold(rates):
    step = rates * MAGNITUDES / 1e-3
    i = np.flatnonzero(step <= 0.9)[-1]
    x0, x1 = np.log10(MAGNITUDES[i]), np.log10(MAGNITUDES[i + 1])
    return 10 ** (x0 + (0.9 - step[i]) * (x1 - x0) / (step[i + 1] - step[i]))


# "For every gradient of 1e-3 or more the two forms agree to within 0.5%."
def test_eps_forms_agree_for_ordinary_gradients():
    ordinary = MAGNITUDES >= 1e-3
    gap = np.max(np.abs(settled(1e-8, True)[ordinary] / settled(1e-8, False)[ordinary] - 1))
    assert gap <= 0.005


# "With eps under the root the step is already 10% short of lr at |g| of about 2e-4 ...;
# with eps outside that happens only at about 9e-8 ... Keras' default eps of 1e-7 moves its
# threshold up to about 6.6e-4."
def test_where_eps_starts_to_matter():
    assert ten_percent_threshold(settled(1e-8, False)) == pytest.approx(9e-8, rel=0.05)
    assert ten_percent_threshold(settled(1e-8, True)) == pytest.approx(2.06e-4, rel=0.05)
    assert ten_percent_threshold(settled(1e-7, True)) == pytest.approx(6.6e-4, rel=0.03)


# "lr / eps = 1e8 lr outside against lr / sqrt(eps) = 1e4 lr inside";
# "At |g| = 1e-5 the outside form still takes a full step of lr, the inside form a tenth".
def test_caps_and_small_gradient_steps():
    outside, inside = settled(1e-8, False), settled(1e-8, True)
    assert outside[0] / 1e-3 == pytest.approx(1e8, rel=1e-3)  # lr / eps
    assert inside[0] / 1e-3 == pytest.approx(1e4, rel=1e-6)  # lr / sqrt(eps)
    i = int(np.argmin(np.abs(MAGNITUDES - 1e-5)))
    assert outside[i] * MAGNITUDES[i] / 1e-3 == pytest.approx(1.0, abs=0.005)
    assert inside[i] * MAGNITUDES[i] / 1e-3 == pytest.approx(0.1, abs=0.005)


# ---------------------------------------------------------------- 5. centered, momentum
def centered_run(grads, centered):
    p = weight()
    optimizer = optim.RMSprop([p], lr=1e-3, centered=centered)
    rates = []
    for g in grads:
        feed(optimizer, p, g)
        rates.append(optimizer.effective_lr()[0])
    return np.median(rates[100:]), abs(p.item())


# "With the consistent gradient the centered variant's effective lr is about ten times the
# plain one ..., and it travels almost nine times as far in the same 300 steps. With pure
# noise the two are within a few percent of each other."
def test_centered_takes_larger_steps_on_a_consistent_gradient():
    noise = np.random.default_rng(0).standard_normal(300)
    plain_rate, plain_moved = centered_run(1.0 + 0.1 * noise, False)
    cent_rate, cent_moved = centered_run(1.0 + 0.1 * noise, True)
    assert 9 < cent_rate / plain_rate < 11
    assert 8.5 < cent_moved / plain_moved < 9.5
    plain_rate, _ = centered_run(noise, False)
    cent_rate, _ = centered_run(noise, True)
    assert abs(cent_rate / plain_rate - 1) < 0.05


# "to about 3e7 times lr after 400 steps with g = 1. With g = 0.1, rounding even made
# v - m^2 slightly negative at step 331, and the square root returned nan."
def test_centered_with_an_exactly_constant_gradient():
    p = weight()
    optimizer = optim.RMSprop([p], lr=1e-3, centered=True)
    for _ in range(400):
        feed(optimizer, p, 1.0)
    assert optimizer.effective_lr()[0] / 1e-3 > 1e7
    p = weight()
    optimizer = optim.RMSprop([p], lr=1e-3, centered=True)
    first_nan = None
    with np.errstate(invalid="ignore"):
        for step in range(1, 401):
            feed(optimizer, p, 0.1)
            if np.isnan(optimizer.effective_lr()[0]):
                first_nan = step
                break
    assert first_nan == 331


def keras_rmsprop(grads, lrs, rho=0.9, momentum=0.9, eps=1e-7):
    theta = v = b = 0.0
    path = []
    for g, lr in zip(grads, lrs, strict=True):
        v = rho * v + (1 - rho) * g * g
        b = momentum * b + lr * g / np.sqrt(v + eps)
        theta = theta - b
        path.append(theta)
    return np.array(path)


# "Until the cut, the two forms agree to rounding error. On the first step after it the
# PyTorch form moves 10 times less than before, while the Keras form still moves 9.1 times
# as far as the PyTorch form. Its extra step shrinks by the factor momentum = 0.9 per step
# ... Over the 35 steps after the cut the Keras form travels 1.16 against 0.35."
def test_momentum_conventions_differ_after_an_lr_change():
    p = weight()
    optimizer = optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-7, momentum=0.9, eps_inside_sqrt=True)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=40, gamma=0.1)
    lrs, path = [], []
    for _ in range(75):
        lrs.append(optimizer.param_groups[0]["lr"])
        feed(optimizer, p, 1.0)
        scheduler.step()
        path.append(p.item())
    path = np.array(path)
    keras = keras_rmsprop(np.ones(75), lrs)
    assert np.max(np.abs(path[:40] - keras[:40])) < 1e-12
    torch_steps = np.abs(np.diff(np.concatenate([[0.0], path])))
    keras_steps = np.abs(np.diff(np.concatenate([[0.0], keras])))
    assert torch_steps[39] / torch_steps[40] == pytest.approx(10, rel=0.02)
    assert keras_steps[40] / torch_steps[40] == pytest.approx(9.1, abs=0.05)
    excess = keras_steps[40:] - torch_steps[40:]
    np.testing.assert_allclose(excess[1:] / excess[:-1], 0.9, rtol=1e-6)
    assert abs(path[-1] - path[39]) == pytest.approx(0.35, abs=0.005)
    assert abs(keras[-1] - keras[39]) == pytest.approx(1.16, abs=0.005)


# ---------------------------------------------------------------- 6. defaults
# "minigrad follows Hinton's lecture, lr 1e-3 and decay 0.9" (eps 1e-8, outside the root).
def test_rmsprop_defaults():
    defaults = optim.RMSprop([weight()]).defaults
    assert (defaults["lr"], defaults["alpha"], defaults["eps"]) == (1e-3, 0.9, 1e-8)
    assert defaults["eps_inside_sqrt"] is False and defaults["momentum"] == 0.0


# ---------------------------------------------------------------- 7. a real network
# "AdaGrad's median effective lr only goes down: it ends at its lowest value, 3.8 times
# below where it was at step 10. RMSprop's ... [rises] again, to 2.9 times its lowest value
# by the end"; "in 480 steps ... both reach a low loss (AdaGrad's test accuracy is even a
# little higher here)".
def test_spirals_effective_lr_picture():
    X, y = data.make_spirals(300, noise=0.2, seed=0)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, seed=0)

    def network():
        return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))

    result = mg.compare(
        network,
        X_train,
        y_train,
        optimizers=["adagrad", "rmsprop"],
        epochs=60,
        validation_data=(X_test, y_test),
        verbose=False,
    )
    ada = np.array(result.runs["adagrad"][0].history.effective_lr)[:, 0]
    rms = np.array(result.runs["rmsprop"][0].history.effective_lr)[:, 0]
    assert len(ada) == len(rms) == 480
    assert ada[-1] == ada.min()
    assert ada[9] / ada[-1] == pytest.approx(3.8, abs=0.1)
    assert rms[-1] / rms.min() == pytest.approx(2.85, abs=0.1)
    ada_history, rms_history = result.runs["adagrad"][0].history, result.runs["rmsprop"][0].history
    assert ada_history.final_loss < 0.06 and rms_history.final_loss < 0.06
    assert ada_history.final_accuracy > rms_history.final_accuracy
