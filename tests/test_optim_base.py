"""What every optimizer shares: parameter groups, validation, state dicts, effective_lr."""

import copy
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.checkpoint import _arrays_to_save

ALL = [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW, optim.Adadelta, optim.Rprop, optim.Adamax,
       optim.NAdam, optim.RAdam]  # fmt: skip


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

    def test_zero_grad_without_set_to_none_fills_the_same_arrays_with_zeros(self):
        p, q = param(1.0), param(2.0)
        p.grad = grad = np.ones(1)
        optimizer = optim.SGD([p, q])
        optimizer.zero_grad(set_to_none=False)
        assert p.grad is grad and grad[0] == 0
        assert q.grad is None  # nothing to fill, as in PyTorch
        with pytest.raises(TypeError, match="set_to_none must be True or False"):
            optimizer.zero_grad(set_to_none=0)

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
    """One rule everywhere (minigrad/checks.py): a wrong type is a TypeError, a value out of
    range a ValueError, and the message names the argument and the value."""

    @pytest.mark.parametrize(
        "cls, options, error, message",
        [
            (optim.SGD, {"lr": -0.1}, ValueError, r"^lr must be >= 0, got -0.1$"),
            (optim.SGD, {"lr": True}, TypeError, r"^lr must be a number, got True$"),
            (optim.Adam, {"lr": "fast"}, TypeError, r"^lr must be a number, got 'fast'$"),
            (optim.SGD, {"lr": float("nan")}, ValueError, r"^lr must be finite, got nan$"),
            (optim.RMSprop, {"lr": float("inf")}, ValueError, r"^lr must be finite, got inf$"),
            (optim.SGD, {"lr": None}, TypeError, r"^lr must be a number, got None$"),
            (optim.SGD, {"momentum": -0.5}, ValueError, r"^momentum must be in \[0, 1\), got -0.5$"),
            (optim.SGD, {"momentum": 1.0}, ValueError, r"^momentum must be in \[0, 1\), got 1.0$"),
            (optim.SGD, {"weight_decay": -1}, ValueError, r"^weight_decay must be >= 0, got -1$"),
            (optim.SGD, {"nesterov": 1}, TypeError, r"^nesterov must be True or False, got 1$"),
            (optim.SGD, {"nesterov": True}, ValueError, "Nesterov momentum needs momentum > 0 and dampening = 0"),
            (optim.SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, ValueError, "dampening=0.1"),
            (optim.Adagrad, {"lr_decay": -1e-3}, ValueError, r"^lr_decay must be >= 0, got -0.001$"),
            (optim.Adagrad, {"initial_accumulator_value": -0.1}, ValueError, "initial_accumulator_value must be >= 0"),
            (optim.Adagrad, {"eps": -1e-10}, ValueError, r"^eps must be >= 0, got -1e-10$"),
            (optim.RMSprop, {"alpha": 1.0}, ValueError, r"^alpha must be in \[0, 1\), got 1.0$"),
            (optim.RMSprop, {"alpha": -0.1}, ValueError, r"^alpha must be in \[0, 1\), got -0.1$"),
            (optim.RMSprop, {"centered": "yes"}, TypeError, r"^centered must be True or False, got 'yes'$"),
            (optim.Adam, {"betas": (0.9, 1.0)}, ValueError, r"^betas\[1\] must be in \[0, 1\), got 1.0$"),
            (optim.Adam, {"betas": (-0.1, 0.9)}, ValueError, r"^betas\[0\] must be in \[0, 1\), got -0.1$"),
            (optim.Adam, {"betas": (0.9, "0.999")}, TypeError, r"^betas\[1\] must be a number, got '0.999'$"),
            (optim.Adam, {"betas": 0.9}, TypeError, r"^betas must be a pair \(beta1, beta2\), got 0.9$"),
            (optim.Adam, {"betas": (0.9,)}, ValueError, r"^betas must be a pair \(beta1, beta2\), got \(0.9,\)$"),
            (optim.Adam, {"amsgrad": None}, TypeError, r"^amsgrad must be True or False, got None$"),
            (optim.AdamW, {"weight_decay": -0.01}, ValueError, r"^weight_decay must be >= 0, got -0.01$"),
            (optim.Adadelta, {"rho": 1.5}, ValueError, r"^rho must be in \[0, 1\), got 1.5$"),
            (optim.Rprop, {"etas": (1.0, 1.2)}, ValueError, r"^etas\[0\] must be in \(0, 1\), got 1.0$"),
            (optim.Rprop, {"etas": (0.0, 1.2)}, ValueError, r"^etas\[0\] must be in \(0, 1\), got 0.0$"),
            (optim.Rprop, {"etas": (0.5, 1.0)}, ValueError, r"^etas\[1\] must be > 1, got 1.0$"),
            (optim.Rprop, {"etas": (0.5, "2")}, TypeError, r"^etas\[1\] must be a number, got '2'$"),
            (optim.Rprop, {"etas": 0.5}, TypeError, r"^etas must be a pair \(etaminus, etaplus\), got 0.5$"),
            (optim.Rprop, {"etas": (0.5, 1.2, 2)}, ValueError, r"^etas must be a pair \(etaminus, etaplus\), got \("),
            (optim.Rprop, {"step_sizes": (-1e-6, 50)}, ValueError, r"^step_sizes\[0\] must be >= 0, got -1e-06$"),
            (optim.Rprop, {"step_sizes": (0, float("inf"))}, ValueError, r"^step_sizes\[1\] must be finite, got inf$"),
            (
                optim.Rprop,
                {"step_sizes": (1.0, 0.5)},
                ValueError,
                r"^step_sizes must be \(min, max\) with min <= max, got \(1.0, 0.5\)$",
            ),
            (optim.Rprop, {"step_sizes": None}, TypeError, r"^step_sizes must be a pair \(min, max\), got None$"),
            (optim.Rprop, {"lr": -0.01}, ValueError, r"^lr must be >= 0, got -0.01$"),
            (optim.Adamax, {"betas": (0.9, 1.0)}, ValueError, r"^betas\[1\] must be in \[0, 1\), got 1.0$"),
            (optim.Adamax, {"eps": -1e-8}, ValueError, r"^eps must be >= 0, got -1e-08$"),
            (optim.Adamax, {"weight_decay": "0"}, TypeError, r"^weight_decay must be a number, got '0'$"),
        ],
    )
    def test_bad_hyper_parameters_name_the_value(self, cls, options, error, message):
        with pytest.raises(error, match=message):
            cls([param(1.0)], **options)

    def test_a_bad_value_in_a_group_names_the_group(self):
        with pytest.raises(ValueError, match=r"^lr in parameter group 1 must be >= 0, got -1$"):
            optim.Adam([{"params": [param(1.0)]}, {"params": [param(2.0)], "lr": -1}])
        with pytest.raises(ValueError, match=r"^betas\[0\] in parameter group 1 must be in \[0, 1\), got 1$"):
            optim.Adam([{"params": [param(1.0)]}, {"params": [param(2.0)], "betas": (1, 0.9)}])
        with pytest.raises(TypeError, match=r"^momentum in parameter group 0 must be a number, got '0.9'$"):
            optim.SGD([{"params": [param(1.0)], "momentum": "0.9"}])
        optimizer = optim.SGD([param(1.0)])
        with pytest.raises(TypeError, match=r"^initial_lr in parameter group 1 must be a number, got True$"):
            optimizer.add_param_group({"params": [param(2.0)], "initial_lr": True})
        assert len(optimizer.param_groups) == 1

    def test_hyper_parameters_are_kept_as_python_numbers(self):
        """A numpy float64 lr would make a float32 model's arithmetic float64 (numpy 2: a
        float64 scalar times a float32 array is float64), so options are stored as the
        Python floats, bools and tuples PyTorch would see."""
        start = np.linspace(-1, 1, 6, dtype=np.float32)
        grads = [np.linspace(0.3, -0.7, 6, dtype=np.float32) * (k + 1) for k in range(5)]
        runs = []
        for number in (float, np.float64):
            p = mg.Tensor(start.copy(), requires_grad=True)
            optimizer = optim.Adam([p], lr=number(0.01), betas=[number(0.8), number(0.99)], weight_decay=number(0.1))
            for g in grads:
                p.grad = g
                optimizer.step()
            group = optimizer.param_groups[0]
            assert type(group["lr"]) is float and type(group["weight_decay"]) is float
            assert group["betas"] == (0.8, 0.99) and all(type(b) is float for b in group["betas"])
            assert type(optimizer.defaults["lr"]) is float
            runs.append(p.data)
        np.testing.assert_array_equal(runs[0], runs[1])
        assert runs[1].dtype == np.float32
        sgd = optim.SGD([param(1.0)], lr=1, nesterov=np.bool_(False))
        assert sgd.param_groups[0]["lr"] == 1.0 and type(sgd.param_groups[0]["lr"]) is float
        assert sgd.param_groups[0]["nesterov"] is False

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
    def test_results_of_ops_are_refused(self, cls):
        with pytest.raises(ValueError, match=r"parameter 1 of group 0 \(shape \(2,\)\) is the result of .mul."):
            cls([param(1.0), mg.Tensor(np.ones(2), requires_grad=True) * 2])

    @pytest.mark.parametrize("cls", ALL)
    def test_a_frozen_parameter_is_kept_and_left_alone_as_in_pytorch(self, cls):
        # the fine-tuning pattern: freeze a layer, then hand all parameters to the optimizer
        mg.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
        for p in model[0].parameters():
            p.requires_grad = False
        frozen = [p.data.copy() for p in model[0].parameters()]
        trained = [p.data.copy() for p in model[2].parameters()]
        optimizer = cls(model.parameters())
        for _ in range(2):
            optimizer.zero_grad()
            model(mg.tensor([[1.0, -2.0], [0.5, 3.0]])).pow(2).sum().backward()
            optimizer.step()
        assert all(p.grad is None and np.array_equal(p.data, before)
                   for p, before in zip(model[0].parameters(), frozen, strict=True))  # fmt: skip
        assert not any(np.array_equal(p.data, before) for p, before in zip(model[2].parameters(), trained, strict=True))
        assert len(optimizer.effective_lr()) == 9 + 4

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


@pytest.mark.parametrize("cls", ALL)
def test_a_step_bumps_the_version_of_each_updated_parameter_once(cls):
    """PyTorch's version counter: an in-place change of a parameter's data bumps it, so a
    backward through a graph recorded before the step can refuse to run."""
    a, b, t = param(1.0, 2.0), param(3.0), mg.Tensor(np.array(0.5), requires_grad=True)
    optimizer = cls([{"params": [a, b]}, {"params": [t]}])
    for step in range(1, 4):
        a.grad, t.grad = np.array([0.1, -0.2]), np.float64(0.3)
        optimizer.step()
        assert (a._version, b._version, t._version) == (step, 0, step)
    b.grad = np.array([1.0])
    optimizer.zero_grad()
    optimizer.step()  # no gradients: nothing changes
    assert (a._version, b._version, t._version) == (3, 0, 3)


@pytest.mark.parametrize("through_a_file", [False, True], ids=["in memory", "mg.save"])
@pytest.mark.parametrize(
    "cls, options",
    [
        (optim.SGD, {"momentum": 0.9, "nesterov": True}),
        (optim.SGD, {"momentum": 0.9, "weight_decay": 0.1}),
        (optim.Adagrad, {"lr_decay": 0.01}),
        (optim.RMSprop, {"centered": True, "momentum": 0.5}),
        (optim.Adam, {"amsgrad": True, "betas": (0.8, 0.95)}),
        (optim.AdamW, {}),
        (optim.Adadelta, {"rho": 0.95}),
        (optim.Rprop, {"etas": (0.4, 1.3), "step_sizes": (1e-4, 0.05)}),
        (optim.NAdam, {"weight_decay": 0.1, "momentum_decay": 0.3}),
        (optim.RAdam, {"betas": (0.8, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True}),
        (optim.Adamax, {"betas": (0.8, 0.95), "weight_decay": 0.1}),
    ],
)
def test_resuming_from_a_saved_state_is_bit_exact(cls, options, through_a_file, tmp_path):
    """10 steps, save, new parameters and optimizer, load, 10 more: the same as 20 straight.
    A 0-d parameter (a learnable temperature) is among them, its gradients numpy scalars."""
    rng = np.random.default_rng(0)
    start = [rng.normal(size=s).astype(np.float32) for s in [(3, 2), (2,), ()]]
    grads = [[rng.normal(size=s.shape).astype(np.float32)[()] for s in start] for _ in range(20)]

    straight = [mg.Tensor(s, requires_grad=True) for s in start]
    run_steps(cls(straight, lr=0.01, **options), straight, grads)

    first = [mg.Tensor(s, requires_grad=True) for s in start]
    optimizer = cls(first, lr=0.01, **options)
    run_steps(optimizer, first, grads[:10])
    saved = optimizer.state_dict()
    if through_a_file:
        mg.save(saved, tmp_path / "optimizer.npz")
        saved = mg.load(tmp_path / "optimizer.npz")

    resumed = [mg.Tensor(p.data, requires_grad=True) for p in first]
    fresh = cls(resumed, lr=0.5)  # the saved lr must win
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.01
    run_steps(fresh, resumed, grads[10:])
    for a, b in zip(straight, resumed, strict=True):
        np.testing.assert_array_equal(a.data, b.data)
        assert b.dtype == np.float32 and isinstance(b.data, np.ndarray)


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


# --------------------------------------------------------------------- loading checks everything first
SHAPES = [[(2,), ()], [(3,)]]  # two groups, a 0-d parameter in the first


def trained(cls, seed, **options):
    """An optimizer over fresh parameters shaped SHAPES, stepped twice on its own gradients."""
    rng = np.random.default_rng(seed)
    groups = [[mg.Tensor(rng.normal(size=s), requires_grad=True) for s in shapes] for shapes in SHAPES]
    optimizer = cls([{"params": groups[0]}, {"params": groups[1], "lr": 0.5}], **options)
    for _ in range(2):
        for p in groups[0] + groups[1]:
            p.grad = rng.normal(size=p.shape)
        optimizer.step()
    return optimizer


def snapshot(optimizer):
    """Everything load_state_dict could change, in a form == compares deeply: the group
    dicts (identity, options, which parameters), the state (arrays with dtype and shape)."""

    def plain(value):
        if isinstance(value, np.ndarray):
            return ("array", value.dtype.str, value.shape, value.tolist())
        return (type(value).__name__, value)

    groups = [(id(g), {k: [id(p) for p in v] if k == "params" else plain(v) for k, v in g.items()})
              for g in optimizer.param_groups]  # fmt: skip
    state = {id(p): (id(s), {k: plain(v) for k, v in s.items()}) for p, s in optimizer.state.items()}
    params = [plain(p.data) for g in optimizer.param_groups for p in g["params"]]
    return id(optimizer.state), groups, state, params


def setitem(path, value):
    def corrupt(state_dict):
        *parents, last = path
        for key in parents:
            state_dict = state_dict[key]
        state_dict[last] = value

    return corrupt


def delete(*path):
    def corrupt(state_dict):
        *parents, last = path
        for key in parents:
            state_dict = state_dict[key]
        del state_dict[last]

    return corrupt


# (what to corrupt, error, message): most sit in the last group or parameter, after the
# first ones were found fine, so a half-done load would show.
CORRUPTIONS = [
    (delete("state"), ValueError, r"^not an optimizer state: missing 'state'$"),
    (delete("param_groups"), ValueError, r"^not an optimizer state: missing 'param_groups'$"),
    (setitem(["epoch"], 3), ValueError, r"^not an optimizer state: unexpected 'epoch'$"),
    (setitem(["param_groups"], {}), TypeError, r"'param_groups' must be a list of dicts, got dict"),
    (setitem(["state"], []), TypeError, r"'state' must be a dict, got list"),
    (delete("param_groups", 1), ValueError, r"^the state has 1 parameter groups, this optimizer has 2$"),
    (
        setitem(["param_groups", 1, "params"], [2, 3]),
        ValueError,
        r"parameter group 1 has 1 parameters, the state has 2",
    ),
    (
        setitem(["param_groups", 1, "params"], 2),
        TypeError,
        r"'params' of parameter group 1 of the state must be a list",
    ),
    (setitem(["param_groups", 1], [2]), TypeError, r"parameter group 1 of the state must be a dict with a 'params'"),
    (setitem(["param_groups", 1, "params"], [1]), ValueError, r"^parameter index 1 appears twice"),
    (setitem(["param_groups", 1, "params"], ["2"]), TypeError, r"^parameter index '2' in group 1 of the state must be"),
    (
        setitem(["param_groups", 1, "lr"], -1),
        ValueError,
        r"^lr in parameter group 1 of the state must be >= 0, got -1$",
    ),
    (
        setitem(["param_groups", 1, "lr"], float("nan")),
        ValueError,
        r"^lr in parameter group 1 of the state must be fin",
    ),
    (
        setitem(["param_groups", 1, "amsgrad"], "yes"),
        TypeError,
        r"^amsgrad in parameter group 1 of the state must be T",
    ),
    (
        setitem(["param_groups", 1, "betas"], (0.9, 1.5)),
        ValueError,
        r"^betas\[1\] in parameter group 1 of the state mu",
    ),
    (
        setitem(["param_groups", 1, "initial_lr"], -0.1),
        ValueError,
        r"^initial_lr in parameter group 1 of the state must",
    ),
    (
        setitem(["param_groups", 1, "momentum"], 0.9),
        ValueError,
        r"^parameter group 1 of the state does not fit Adam: unexpected option\(s\) \['momentum'\] \(a state saved "
        r"from another optimizer\?\)$",
    ),
    (
        setitem(["param_groups", 1, "foreach"], None),
        ValueError,
        r"^parameter group 1 of the state does not fit Adam: unexpected option\(s\) \['foreach'\] \(PyTorch's "
        r"options, which minigrad does not have: delete them from the state's param_groups",
    ),
    (
        delete("param_groups", 1, "eps"),
        ValueError,
        r"^parameter group 1 of the state does not fit Adam: missing option\(s",
    ),
    (
        setitem(["state", 2, "exp_avg"], np.zeros(4)),
        ValueError,
        r"^state 'exp_avg' of parameter 2 has shape \(4,\), not",
    ),
    (
        setitem(["state", 1, "exp_avg_sq"], np.zeros(1)),
        ValueError,
        r"^state 'exp_avg_sq' of parameter 1 has shape \(1,\)",
    ),
    (
        setitem(["state", 2, "exp_avg"], np.array(["a", "b", "c"])),
        TypeError,
        r"^state 'exp_avg' of parameter 2 must be",
    ),
    (setitem(["state", 2, "exp_avg"], None), TypeError, r"^state 'exp_avg' of parameter 2 must be an array of numbers"),
    (
        setitem(["state", 2, "momentum_buffer"], np.zeros(3)),
        ValueError,
        r"^the state of parameter 2 does not fit Adam "
        r"\(which keeps 'step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'\): unexpected \['momentum_buffer'\]",
    ),
    (
        delete("state", 2, "max_exp_avg_sq"),
        ValueError,
        r"^the state of parameter 2 does not fit Adam .*: missing \['max_",
    ),
    (delete("state", 2, "step"), ValueError, r"^the state of parameter 2 does not fit Adam .*: missing \['step'\]$"),
    (
        setitem(["state", 2, "step"], -1),
        ValueError,
        r"^state 'step' of parameter 2 must be a whole number >= 0, got -1$",
    ),
    (
        setitem(["state", 2, "step"], 2.5),
        ValueError,
        r"^state 'step' of parameter 2 must be a whole number >= 0, got 2.5",
    ),
    (
        setitem(["state", 2, "step"], "2"),
        TypeError,
        r"^state 'step' of parameter 2 must be a whole number >= 0, got '2'",
    ),
    (
        setitem(["state", 2, "step"], [2]),
        TypeError,
        r"^state 'step' of parameter 2 must be a whole number >= 0, got \[2\]",
    ),
    (
        setitem(["state", 2, "step"], np.inf),
        ValueError,
        r"^state 'step' of parameter 2 must be a whole number >= 0, got i",
    ),
    (setitem(["state", 2, "step"], np.float32(3.0)), None, None),  # a whole float (PyTorch keeps step as a float)
    (
        setitem(["state", 3], {}),
        ValueError,
        r"^the state has an entry for parameter 3, "
        r"but its param_groups list parameters \[0, 1, 2\] only \(3 parameters\)$",
    ),
    (setitem(["state", "x"], {}), TypeError, r"^parameter index 'x' in the state must be an int, got 'x'$"),
    (setitem(["state", "2"], {}), ValueError, r"^the state has two entries for parameter 2$"),
    (setitem(["state", 2], np.zeros(3)), TypeError, r"^the state of parameter 2 must be a dict, got ndarray$"),
]


class TestLoadStateDict:
    def load_and_check_unchanged(self, target, state_dict, error, message):
        before = snapshot(target)
        if error is None:  # fine after all
            target.load_state_dict(state_dict)
            assert snapshot(target) != before
            return
        with pytest.raises(error, match=message):
            target.load_state_dict(state_dict)
        assert snapshot(target) == before

    @pytest.mark.parametrize("corrupt, error, message", CORRUPTIONS, ids=[str(c[2])[:50] for c in CORRUPTIONS])
    def test_a_bad_state_is_refused_with_its_fault_named_and_nothing_changed(self, corrupt, error, message):
        target = trained(optim.Adam, 0, lr=0.02)
        state_dict = copy.deepcopy(trained(optim.Adam, 1, amsgrad=True, betas=(0.8, 0.9)).state_dict())
        corrupt(state_dict)
        self.load_and_check_unchanged(target, state_dict, error, message)

    def test_the_same_states_load_and_replace_everything(self):
        """The uncorrupted state of CORRUPTIONS loads: options (all of them, as in PyTorch:
        an 'initial_lr' the state lacks goes), state, the same group dicts."""
        target = trained(optim.Adam, 0, lr=0.02)
        target.param_groups[0]["initial_lr"] = 0.02
        source = trained(optim.Adam, 1, amsgrad=True, betas=(0.8, 0.9))
        groups = [id(g) for g in target.param_groups]
        target.load_state_dict(source.state_dict())
        assert [id(g) for g in target.param_groups] == groups and "initial_lr" not in target.param_groups[0]
        assert snapshot(target)[1:3] != snapshot(source)[1:3]  # other parameters, same values:
        mine, theirs = target.state_dict(), source.state_dict()
        assert mine["param_groups"] == theirs["param_groups"]
        for index in theirs["state"]:
            for name, value in theirs["state"][index].items():
                np.testing.assert_array_equal(mine["state"][index][name], value)
                assert type(mine["state"][index][name]) is type(value)

    @pytest.mark.parametrize(
        "key, value, error, message",
        [
            ("state/0", np.zeros(2), ValueError, r"^unexpected key 'state/0' in an optimizer state"),
            ("model/0/weight", np.zeros(2), ValueError, r"^unexpected key 'model/0/weight' in an optimizer state"),
            ("state/x/exp_avg", np.zeros(2), ValueError, r"^unexpected key 'state/x/exp_avg'"),
            ("param_groups/1/lr", np.array(-1.0), ValueError, r"^lr in parameter group 1 of the state must be >= 0"),
            ("param_groups/3/lr", np.array(1.0), ValueError, r"^the saved parameter groups are numbered \[0, 1, 3\]"),
            ("state/2/exp_avg", np.zeros((3, 1)), ValueError, r"^state 'exp_avg' of parameter 2 has shape \(3, 1\)"),
            ("state/1/step", np.array(1.5), ValueError, r"^state 'step' of parameter 1 must be a whole number"),
        ],
    )
    def test_a_bad_saved_file_is_refused_too(self, key, value, error, message, tmp_path):
        target = trained(optim.Adam, 0, lr=0.02)
        # a file without the record of its nesting (np.savez's, or an older minigrad's) loads flat
        mg.save(_arrays_to_save(trained(optim.Adam, 1, amsgrad=True).state_dict())[0], tmp_path / "adam.npz")
        flat = mg.load(tmp_path / "adam.npz")
        flat[key] = value
        self.load_and_check_unchanged(target, flat, error, message)

    def test_a_file_without_param_groups_is_refused(self, tmp_path):
        mg.save(_arrays_to_save(trained(optim.Adam, 1).state_dict())[0], tmp_path / "adam.npz")  # as above
        flat = {k: v for k, v in mg.load(tmp_path / "adam.npz").items() if k.startswith("state/")}
        self.load_and_check_unchanged(trained(optim.Adam, 0), flat, ValueError, r"missing 'param_groups'$")

    @pytest.mark.parametrize("not_a_state", [[], None, "adam.npz"], ids=repr)
    def test_things_that_are_not_state_dicts(self, not_a_state):
        self.load_and_check_unchanged(trained(optim.SGD, 0), not_a_state, TypeError, "load_state_dict takes a dict")
        self.load_and_check_unchanged(
            trained(optim.SGD, 0), {}, ValueError, r"^not an optimizer state: missing 'state' and 'param_groups'$"
        )

    def test_an_sgd_state_is_refused_by_adam(self):
        message = (
            r"^parameter group 0 of the state does not fit Adam: "
            r"unexpected option\(s\) \['dampening', 'momentum', 'nesterov'\] "
            r"\(a state saved from another optimizer\?\); "
            r"missing option\(s\) \['amsgrad', 'betas', 'eps'\]$"
        )
        sgd = trained(optim.SGD, 1, momentum=0.9).state_dict()
        self.load_and_check_unchanged(trained(optim.Adam, 0), sgd, ValueError, message)

    def test_state_entries_another_optimizer_keeps_are_refused(self):
        """Same option names (lr, weight_decay, eps) but RMSprop's state in Adadelta."""
        adadelta = trained(optim.Adadelta, 0)
        state_dict = copy.deepcopy(adadelta.state_dict())
        state_dict["state"][0] = trained(optim.RMSprop, 1).state_dict()["state"][0]
        message = r"^the state of parameter 0 does not fit Adadelta .*: unexpected \['step', 'square_avg'\]|acc_delta"
        self.load_and_check_unchanged(adadelta, state_dict, ValueError, message)

    @pytest.mark.parametrize(
        "value, error, message",
        [
            (np.zeros(3), TypeError, r"^state 'mu_product' of parameter 2 must be a number, got array"),
            ("0.5", TypeError, r"^state 'mu_product' of parameter 2 must be a number, got '0.5'$"),
            (1.5, ValueError, r"^state 'mu_product' of parameter 2 must be in \[0, 1\], got 1.5$"),
            (np.nan, ValueError, r"^state 'mu_product' of parameter 2 must be finite, got nan$"),
        ],
        ids=["array", "string", "above 1", "nan"],
    )
    def test_a_scalar_state_entry_is_checked(self, value, error, message):
        """NAdam's mu_product is one number per parameter, not an array shaped like it."""
        state_dict = copy.deepcopy(trained(optim.NAdam, 1).state_dict())
        state_dict["state"][2]["mu_product"] = value
        self.load_and_check_unchanged(trained(optim.NAdam, 0), state_dict, error, message)

    def test_a_scalar_state_entry_loads_as_the_same_python_float(self):
        """From a float32 0-d array (PyTorch's tensor) or a float64 one (mg.load's), mu_product
        comes back as the Python float of exactly that value, never rounded to the dtype."""
        source = trained(optim.NAdam, 1)
        state_dict = copy.deepcopy(source.state_dict())
        saved = state_dict["state"][2]["mu_product"]
        state_dict["state"][1]["mu_product"] = np.array(saved, dtype=np.float32)
        state_dict["state"][2]["mu_product"] = np.array(saved)
        target = trained(optim.NAdam, 0)
        target.load_state_dict(state_dict)
        params = [p for group in target.param_groups for p in group["params"]]
        restored = [target.state[p]["mu_product"] for p in params[1:]]
        assert [type(value) for value in restored] == [float, float]
        assert restored == [float(np.float32(saved)), saved]

    def test_options_that_contradict_each_other_are_refused(self):
        state_dict = trained(optim.SGD, 1, momentum=0.9, nesterov=True).state_dict()
        state_dict["param_groups"][1]["momentum"] = 0.0
        message = r"Nesterov momentum needs momentum > 0 and dampening = 0 in parameter group 1 of the state"
        self.load_and_check_unchanged(trained(optim.SGD, 0, momentum=0.9), state_dict, ValueError, message)

    def test_a_state_for_other_parameters_is_refused(self):
        optimizer = optim.SGD([param(1.0), param(2.0)], momentum=0.9)
        with pytest.raises(ValueError, match="parameter group 0 has 1 parameters, the state has 2"):
            optim.SGD([param(1.0)]).load_state_dict(optimizer.state_dict())

    def test_sgd_with_momentum_may_have_no_buffer_yet(self):
        """SGD makes its momentum buffer at a parameter's first step; a state without one
        is complete (the next step starts it from the gradient, as in PyTorch)."""
        source = trained(optim.SGD, 1, momentum=0.9)
        state_dict = copy.deepcopy(source.state_dict())
        del state_dict["state"][2]["momentum_buffer"]
        target = trained(optim.SGD, 0, momentum=0.9)
        target.load_state_dict(state_dict)
        assert target.state[target.param_groups[1]["params"][0]] == {}

    def test_json_style_string_indices_are_accepted(self):
        source = trained(optim.Adagrad, 1)
        state_dict = source.state_dict()
        state_dict["state"] = {str(k): v for k, v in state_dict["state"].items()}
        target = trained(optim.Adagrad, 0)
        target.load_state_dict(state_dict)
        assert [s["step"] for s in target.state.values()] == [2, 2, 2]


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

    @pytest.mark.parametrize("start, eps", [(0.0, 1e-10), (0.1, 1e-7)], ids=["pytorch", "keras"])
    def test_adagrad_coordinate_that_saw_only_zero_gradients_reports_lr_over_root_start_plus_eps(self, start, eps):
        p = mg.Tensor(np.zeros(2), requires_grad=True)
        optimizer = optim.Adagrad([p], lr=self.LR, initial_accumulator_value=start, eps=eps)
        p.grad = np.array([self.G, 0.0])
        optimizer.step()
        expected = [self.LR / (np.sqrt(start + self.G**2) + eps), self.LR / (np.sqrt(start) + eps)]
        np.testing.assert_allclose(optimizer.effective_lr(), expected, rtol=1e-12)
        assert p.data[1] == 0.0


def per_parameter_rates(optimizer):
    """effective_lr() the slow way: effective_lr_of on each parameter's own state."""
    return np.concatenate([
        np.broadcast_to(np.asarray(optimizer.effective_lr_of(optimizer.state[p], group), np.float64), p.shape).ravel()
        for group in optimizer.param_groups for p in group["params"]
    ])  # fmt: skip


@pytest.mark.parametrize(
    "cls", [optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW, optim.Adadelta, optim.Rprop, optim.Adamax]
)
def test_effective_lr_of_a_whole_group_at_once_is_that_of_each_parameter_bit_for_bit(cls):
    """effective_lr() computes a group's rates on its state as flat arrays (each parameter's
    entries become views into them): the same bits, and the state stays live through steps,
    a state_dict round trip and load_state_dict."""
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (4,), (), (2, 1, 3)]
    params = [mg.Tensor(rng.normal(size=shape).astype(np.float32), requires_grad=True) for shape in shapes]
    optimizer = cls([{"params": params[:3]}, {"params": params[3:], "lr": 0.5}])
    for step in range(4):
        for p in params:
            p.grad = rng.normal(size=p.shape).astype(np.float32) * (step != 2)
        optimizer.step()
        rates = optimizer.effective_lr()
        np.testing.assert_array_equal(rates, per_parameter_rates(optimizer))
        assert optimizer._group_state(0) is not None and rates.dtype == np.float64
    saved = optimizer.state_dict()
    fresh = cls([{"params": params[:3]}, {"params": params[3:], "lr": 0.5}])
    fresh.load_state_dict(saved)
    np.testing.assert_array_equal(fresh.effective_lr(), optimizer.effective_lr())
    optimizer.load_state_dict(fresh.state_dict())  # new state arrays: the flat view is made anew
    for p in params:
        p.grad = np.ones(p.shape, np.float32)
    optimizer.step()
    fresh.step()
    np.testing.assert_array_equal(optimizer.effective_lr(), per_parameter_rates(optimizer))
    np.testing.assert_array_equal(optimizer.effective_lr(), fresh.effective_lr())


def test_a_group_with_a_parameter_not_stepped_yet_reports_its_lr_for_it():
    a, b = mg.Tensor(np.ones(2), requires_grad=True), mg.Tensor(np.ones(3), requires_grad=True)
    optimizer = optim.Adagrad([a, b], lr=0.5)
    a.grad = np.array([2.0, 0.5])
    optimizer.step()
    assert optimizer._group_state(0) is None
    np.testing.assert_array_equal(optimizer.effective_lr(), [0.5 / (2 + 1e-10), 0.5 / (0.5 + 1e-10), 0.5, 0.5, 0.5])


def test_state_buffers_hold_the_momentum_buffer_and_the_sum_of_squares():
    """What a learner reads from optimizer.state: SGD's buffer b_t = m b_{t-1} + g_t (b_1 = g_1),
    AdaGrad's sum = initial_accumulator_value + the squared gradients so far."""
    gradients = [np.array([1.0, -2.0]), np.array([0.5, 3.0]), np.array([-1.0, 1.0])]
    a, b = mg.Tensor(np.zeros(2), requires_grad=True), mg.Tensor(np.zeros(2), requires_grad=True)
    sgd, adagrad = optim.SGD([a], lr=0.1, momentum=0.9), optim.Adagrad([b], lr=0.1, initial_accumulator_value=0.1)
    for g in gradients:
        a.grad, b.grad = g.copy(), g.copy()
        sgd.step()
        adagrad.step()
    buffer = 0.9**2 * gradients[0] + 0.9 * gradients[1] + gradients[2]
    np.testing.assert_allclose(sgd.state[a]["momentum_buffer"], buffer, rtol=1e-12)
    np.testing.assert_allclose(adagrad.state[b]["sum"], 0.1 + sum(g**2 for g in gradients), rtol=1e-12)


def test_a_gradient_of_the_wrong_shape_stops_the_step_before_any_parameter_changes():
    a = mg.Tensor(np.ones(3), requires_grad=True)
    b = mg.Tensor(np.ones(2), requires_grad=True)
    optimizer = optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = np.ones(3), np.ones(3)
    with pytest.raises(ValueError, match=r"parameter 1 of group 0 has shape \(2,\) but its .grad has shape \(3,\)"):
        optimizer.step()
    np.testing.assert_array_equal(a.data, np.ones(3))  # the first parameter was not stepped either
    assert optimizer.state == {} and a._version == 0


def test_a_gradient_that_is_not_an_array_is_refused_before_any_update():
    p = mg.Tensor(np.ones(2), requires_grad=True)
    p.grad = [1.0, 1.0]
    with pytest.raises(TypeError, match="has a .grad of type list; it must be a numpy array"):
        optim.SGD([p]).step()
    np.testing.assert_array_equal(p.data, np.ones(2))


def test_rmsprop_defaults_are_the_lectures_decay_and_keras_lr_with_eps_after_the_root():
    """Decay 0.9 from Hinton's lecture and lr 1e-3 from Keras (PyTorch: 1e-2, 0.99); eps 1e-8 after the root."""
    defaults = optim.RMSprop([mg.Tensor([0.0], requires_grad=True)]).defaults
    assert (defaults["lr"], defaults["alpha"], defaults["eps"], defaults["momentum"]) == (1e-3, 0.9, 1e-8, 0.0)
    assert defaults["centered"] is False and defaults["eps_inside_sqrt"] is False


def test_rmsprop_momentum_keeps_lr_outside_the_buffer():
    """PyTorch's form, b <- momentum * b + g / d; theta <- theta - lr * b: a new lr scales the
    whole velocity at once (Keras' form, with lr inside b, would keep coasting at the old lr)."""
    p = mg.Tensor(np.zeros(1), requires_grad=True)  # float64
    optimizer = optim.RMSprop([p], lr=0.01, momentum=0.9)
    for _ in range(20):
        p.grad = np.array([1.0])
        optimizer.step()
    buffer = optimizer.state[p]["momentum_buffer"].copy()
    v = optimizer.state[p]["square_avg"] * 0.9 + 0.1  # v after one more step of g = 1
    optimizer.param_groups[0]["lr"] = 0.001
    before = p.item()
    p.grad = np.array([1.0])
    optimizer.step()
    expected_buffer = 0.9 * buffer + 1.0 / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(optimizer.state[p]["momentum_buffer"], expected_buffer, rtol=1e-12)
    np.testing.assert_allclose(before - p.item(), 0.001 * expected_buffer[0], rtol=1e-12)


def test_rprop_pairs_out_of_range_name_their_group():
    with pytest.raises(ValueError, match=r"^etas\[1\] in parameter group 1 must be > 1, got 0.9$"):
        optim.Rprop([{"params": [param(1.0)]}, {"params": [param(2.0)], "etas": (0.5, 0.9)}])
    state_dict = trained(optim.Rprop, 1).state_dict()
    state_dict["param_groups"][1]["step_sizes"] = (0.1, 0.01)
    message = r"^step_sizes in parameter group 1 of the state must be \(min, max\) with min <= max, got \(0.1, 0.01\)$"
    with pytest.raises(ValueError, match=message):
        trained(optim.Rprop, 0).load_state_dict(state_dict)


def test_parameters_handed_over_without_calling_them_are_told_to_call_them():
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"params must be an iterable of Tensors or of dicts, got <bound method .*: "
                                        r"call it, parameters\(\)$"):  # fmt: skip
        optim.Adam(model.parameters, lr=0.1)
    with pytest.raises(TypeError, match="params must be an iterable of Tensors or of dicts, got 3$"):
        optim.SGD(3)


def test_a_model_given_for_its_parameters_says_to_pass_them():
    for model in (nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2))):  # Sequential iterates over its layers
        with pytest.raises(TypeError, match=f"got the model {type(model).__name__}: pass its parameters, "
                                            r"model.parameters\(\)"):  # fmt: skip
            optim.SGD(model)
