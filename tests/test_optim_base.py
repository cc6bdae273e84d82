"""What every optimizer shares: parameter groups, validation, state dicts, effective_lr."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

ALL = [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW, optim.Adadelta]


def param(*values):
    return mg.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


class TestParameterGroups:
    def test_groups_take_their_own_options_and_defaults_for_the_rest(self):
        a, b = param(1.0), param(1.0)
        optimizer = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
        assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.5]
        assert all(g["momentum"] == 0.9 for g in optimizer.param_groups)
        a.grad, b.grad = np.array([1.0]), np.array([1.0])
        optimizer.step()
        assert a.data[0] == pytest.approx(0.9) and b.data[0] == pytest.approx(0.5)

    def test_add_param_group(self):
        model = nn.Linear(2, 2)
        optimizer = optim.Adam([model.weight])
        optimizer.add_param_group({"params": model.bias, "lr": 0.1})
        assert optimizer.param_groups[1]["params"] == [model.bias]
        assert optimizer.param_groups[1]["betas"] == (0.9, 0.999)
        with pytest.raises(ValueError, match="repeats a parameter of an earlier group"):
            optimizer.add_param_group({"params": [model.weight]})

    def test_accepts_a_generator_of_parameters(self):
        optimizer = optim.RMSprop(nn.Linear(3, 2).parameters())
        assert len(optimizer.param_groups[0]["params"]) == 2

    def test_zero_grad(self):
        p = param(1.0)
        p.grad = np.ones(1)
        optimizer = optim.SGD([p])
        optimizer.zero_grad()
        assert p.grad is None

    def test_step_calls_the_closure_and_returns_its_loss(self):
        p = param(3.0)
        optimizer = optim.SGD([p], lr=0.1)

        def closure():
            optimizer.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        assert optimizer.step(closure).item() == 9.0
        assert p.data[0] == pytest.approx(3.0 - 0.1 * 6.0)


class TestValidation:
    @pytest.mark.parametrize(
        "cls, options, message",
        [
            (optim.SGD, {"lr": -0.1}, "Invalid lr: -0.1"),
            (optim.SGD, {"momentum": -0.5}, r"Invalid momentum: -0.5 \(must be in \[0, 1\)\)"),
            (optim.SGD, {"momentum": 1.0}, "Invalid momentum: 1.0"),
            (optim.SGD, {"weight_decay": -1}, "Invalid weight_decay: -1"),
            (optim.SGD, {"nesterov": True}, "Nesterov momentum needs momentum > 0 and dampening = 0"),
            (optim.SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening=0.1"),
            (optim.Adagrad, {"lr_decay": -1e-3}, "Invalid lr_decay: -0.001"),
            (optim.Adagrad, {"initial_accumulator_value": -0.1}, "Invalid initial_accumulator_value: -0.1"),
            (optim.Adagrad, {"eps": -1e-10}, "Invalid eps: -1e-10"),
            (optim.RMSprop, {"alpha": 1.0}, r"Invalid alpha: 1.0 \(must be in \[0, 1\)\)"),
            (optim.RMSprop, {"alpha": -0.1}, "Invalid alpha: -0.1"),
            (optim.RMSprop, {"centered": "yes"}, "Invalid centered: 'yes'"),
            (optim.Adam, {"betas": (0.9, 1.0)}, r"Invalid betas\[1\]: 1.0"),
            (optim.Adam, {"betas": (-0.1, 0.9)}, r"Invalid betas\[0\]: -0.1"),
            (optim.Adam, {"betas": 0.9}, r"must be a pair"),
            (optim.AdamW, {"weight_decay": -0.01}, "Invalid weight_decay: -0.01"),
            (optim.Adadelta, {"rho": 1.5}, "Invalid rho: 1.5"),
            (optim.Adam, {"lr": "fast"}, "Invalid lr: 'fast'"),
        ],
    )
    def test_bad_hyper_parameters_name_the_value(self, cls, options, message):
        with pytest.raises(ValueError, match=message):
            cls([param(1.0)], **options)

    def test_a_bad_value_in_a_group_names_the_group(self):
        with pytest.raises(ValueError, match="Invalid lr in parameter group 1: -1"):
            optim.Adam([{"params": [param(1.0)]}, {"params": [param(2.0)], "lr": -1}])

    def test_unknown_options_are_refused(self):
        with pytest.raises(ValueError, match=r"unknown option\(s\) \['momentum'\] for Adam"):
            optim.Adam([{"params": [param(1.0)], "momentum": 0.9}])

    @pytest.mark.parametrize("cls", ALL)
    def test_things_that_are_not_tensors(self, cls):
        with pytest.raises(TypeError, match="parameter 1 of group 0 is a ndarray, not a Tensor"):
            cls([param(1.0), np.ones(2)])

    def test_a_single_tensor_must_be_wrapped(self):
        with pytest.raises(TypeError, match=r"single Tensor; wrap it in a list: \[tensor\]"):
            optim.SGD(param(1.0))

    @pytest.mark.parametrize("cls", ALL)
    def test_tensors_that_do_not_require_grad(self, cls):
        with pytest.raises(ValueError, match=r"parameter 0 of group 0 \(shape \(2,\)\) does not require grad"):
            cls([mg.Tensor(np.ones(2))])

    @pytest.mark.parametrize("cls", ALL)
    def test_an_empty_parameter_list(self, cls):
        with pytest.raises(ValueError, match="empty parameter list"):
            cls([])

    def test_nesterov_is_checked_in_every_group(self):
        with pytest.raises(ValueError, match="dampening = 0 in parameter group 1"):
            optim.SGD(
                [{"params": [param(1.0)]}, {"params": [param(2.0)], "momentum": 0.0}], momentum=0.9, nesterov=True
            )

    def test_a_parameter_listed_twice(self):
        p = param(1.0)
        with pytest.raises(ValueError, match="more than once"):
            optim.SGD([p, p])


def run_steps(optimizer, params, grads):
    for g in grads:
        for p, gp in zip(params, g, strict=True):
            p.grad = gp.copy()
        optimizer.step()


@pytest.mark.parametrize(
    "cls, options",
    [
        (optim.SGD, {"momentum": 0.9, "nesterov": True}),
        (optim.Adagrad, {"lr_decay": 0.01}),
        (optim.RMSprop, {"centered": True, "momentum": 0.5}),
        (optim.Adam, {"amsgrad": True, "betas": (0.8, 0.95)}),
        (optim.AdamW, {}),
        (optim.Adadelta, {"rho": 0.95}),
    ],
)
def test_resuming_from_a_saved_state_is_bit_exact(cls, options, tmp_path):
    rng = np.random.default_rng(0)
    start = [rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)]
    grads = [[rng.normal(size=s.shape).astype(np.float32) for s in start] for _ in range(20)]

    straight = [mg.Tensor(s, requires_grad=True) for s in start]
    run_steps(cls(straight, lr=0.01, **options), straight, grads)

    first = [mg.Tensor(s, requires_grad=True) for s in start]
    optimizer = cls(first, lr=0.01, **options)
    run_steps(optimizer, first, grads[:10])
    mg.save(optimizer.state_dict(), tmp_path / "optimizer.npz")

    resumed = [mg.Tensor(p.data, requires_grad=True) for p in first]
    fresh = cls(resumed, lr=0.5)  # the saved lr must win
    fresh.load_state_dict(mg.load(tmp_path / "optimizer.npz"))
    assert fresh.param_groups[0]["lr"] == 0.01
    run_steps(fresh, resumed, grads[10:])
    for a, b in zip(straight, resumed, strict=True):
        np.testing.assert_array_equal(a.data, b.data)
        assert b.dtype == np.float32


def test_state_dict_has_pytorchs_layout():
    a, b = param(1.0, 2.0), param(3.0)
    optimizer = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.1}])
    a.grad = np.ones(2)
    optimizer.step()
    state = optimizer.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0], [1]]
    assert state["param_groups"][1]["lr"] == 0.1
    assert set(state["state"]) == {0}
    assert state["state"][0]["step"] == 1
    state["state"][0]["exp_avg"][...] = 99  # a copy
    assert not np.any(optimizer.state[a]["exp_avg"] == 99)


def test_loading_a_state_for_other_parameters_is_refused():
    optimizer = optim.SGD([param(1.0), param(2.0)], momentum=0.9)
    with pytest.raises(ValueError, match="parameter group 0 has 1 parameters, the state has 2"):
        optim.SGD([param(1.0)]).load_state_dict(optimizer.state_dict())


class TestEffectiveLearningRate:
    """AdaGrad divides by the root of a sum that only grows; RMSprop by the root of a moving
    average, which settles. With a constant gradient both have closed forms."""

    G = 0.5  # the constant gradient
    LR = 0.01

    def run(self, optimizer_cls, steps, **options):
        p = mg.Tensor(np.zeros(4), requires_grad=True)
        optimizer = optimizer_cls([p], lr=self.LR, **options)
        history = []
        for _ in range(steps):
            p.grad = np.full(4, self.G)
            optimizer.step()
            history.append(optimizer.effective_lr())
        return np.array(history)

    def test_adagrad_decays_as_one_over_root_t(self):
        history = self.run(optim.Adagrad, 1000)
        t = np.arange(1, 1001)[:, None]
        expected = self.LR / (np.sqrt(t) * self.G + 1e-10)
        np.testing.assert_allclose(history, np.broadcast_to(expected, history.shape), rtol=1e-12)

    def test_rmsprop_levels_off_at_lr_over_g(self):
        history = self.run(optim.RMSprop, 1000, alpha=0.9)
        t = np.arange(1, 1001)[:, None]
        expected = self.LR / (np.sqrt(1 - 0.9**t) * self.G + 1e-8)
        np.testing.assert_allclose(history, np.broadcast_to(expected, history.shape), rtol=1e-10)
        np.testing.assert_allclose(history[-1], self.LR / self.G, rtol=1e-6)

    def test_after_1000_steps_adagrad_is_more_than_10x_smaller(self):
        adagrad = self.run(optim.Adagrad, 1000)[-1]
        rmsprop = self.run(optim.RMSprop, 1000)[-1]
        ratio = rmsprop / adagrad
        np.testing.assert_allclose(ratio, math.sqrt(1000), rtol=1e-6)  # sqrt(t): 31.6
        assert np.all(ratio > 10)

    def test_eps_inside_the_square_root(self):
        history = self.run(optim.RMSprop, 3, eps=1e-2, eps_inside_sqrt=True)
        v = (1 - 0.9 ** np.arange(1, 4))[:, None] * self.G**2
        np.testing.assert_allclose(history, np.broadcast_to(self.LR / np.sqrt(v + 1e-2), history.shape), rtol=1e-12)

    def test_adam_includes_both_bias_corrections(self):
        history = self.run(optim.Adam, 5)
        t = np.arange(1, 6)[:, None]
        v = (1 - 0.999**t) * self.G**2
        expected = self.LR / (1 - 0.9**t) / (np.sqrt(v) / np.sqrt(1 - 0.999**t) + 1e-8)
        np.testing.assert_allclose(history, np.broadcast_to(expected, history.shape), rtol=1e-12)

    def test_sgd_is_its_lr_and_shapes_follow_the_parameters(self):
        a = mg.Tensor(np.zeros((2, 3)), requires_grad=True)
        b = mg.Tensor(np.zeros(4), requires_grad=True)
        optimizer = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
        np.testing.assert_array_equal(optimizer.effective_lr(), [0.1] * 6 + [0.5] * 4)

    def test_before_any_step_each_parameter_reports_its_lr(self):
        optimizer = optim.Adam([param(1.0, 2.0)], lr=0.003)
        np.testing.assert_array_equal(optimizer.effective_lr(), [0.003, 0.003])
