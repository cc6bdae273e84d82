"""nn.Module: registration, PyTorch's names and order, modes, state dicts, repr."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(4, 4)
        self.norm = nn.BatchNorm1d(4)

    def forward(self, x):
        return self.norm(self.inner(x)).relu()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
        self.body = nn.Sequential(Block(), nn.Tanh(), nn.Linear(4, 2, bias=False))

    def forward(self, x):
        return self.body(self.fc1(x) * self.scale)


# What PyTorch gives the same architecture: a module's own parameters first, then its
# children's in assignment order; buffers after the parameters of the same module.
PYTORCH_PARAMETER_NAMES = [
    "scale",
    "fc1.weight",
    "fc1.bias",
    "body.0.inner.weight",
    "body.0.inner.bias",
    "body.0.norm.weight",
    "body.0.norm.bias",
    "body.2.weight",
]
PYTORCH_STATE_KEYS = [
    "scale",
    "fc1.weight",
    "fc1.bias",
    "body.0.inner.weight",
    "body.0.inner.bias",
    "body.0.norm.weight",
    "body.0.norm.bias",
    "body.0.norm.running_mean",
    "body.0.norm.running_var",
    "body.0.norm.num_batches_tracked",
    "body.2.weight",
]


def test_nested_modules_name_their_parameters_like_pytorch():
    net = Net()
    assert [name for name, _ in net.named_parameters()] == PYTORCH_PARAMETER_NAMES
    assert list(net.state_dict()) == PYTORCH_STATE_KEYS
    assert [p is q for p, (_, q) in zip(net.parameters(), net.named_parameters(), strict=True)] == [True] * 8


def test_children_and_modules():
    net = Net()
    assert [type(m).__name__ for m in net.children()] == ["Linear", "Sequential"]
    assert [name for name, _ in net.named_modules()] == [
        "", "fc1", "body", "body.0", "body.0.inner", "body.0.norm", "body.1", "body.2",
    ]  # fmt: skip


def test_a_shared_layer_lists_its_parameters_once_but_saves_them_under_both_names():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    # PyTorch's state dict keeps every path, so the same keys load in both libraries
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    model.load_state_dict(model.state_dict())


def test_reassigning_an_attribute_replaces_the_registration():
    net = Net()
    net.fc1 = nn.Linear(3, 5)
    assert net.fc1.out_features == 5
    net.scale = None
    assert "scale" not in dict(net.named_parameters())
    del net.fc1
    assert "fc1.weight" not in dict(net.named_parameters())


def test_train_and_eval_reach_every_sub_module():
    net = Net()
    assert net.eval() is net
    assert all(not m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_train_and_eval_call_each_childs_own_train():
    class FrozenNorm(Block):
        """Fine-tuning that keeps BatchNorm's running statistics fixed."""

        def train(self, mode=True):
            super().train(mode)
            self.norm.eval()
            return self

    model = nn.Sequential(FrozenNorm(), nn.ReLU(), nn.Linear(4, 2))
    model.eval()
    model.train()
    assert model.training and model[0].training and model[0].inner.training
    assert not model[0].norm.training
    x = mg.Tensor(np.random.default_rng(0).normal(size=(8, 4)))
    model(x)
    np.testing.assert_array_equal(model[0].norm.running_mean, np.zeros(4))  # not updated


@pytest.mark.parametrize("mode", ["eval", 0, None])
def test_train_mode_must_be_a_bool(mode):
    # train("eval") would otherwise switch to train mode, the opposite of what was meant
    net = Net().eval()
    with pytest.raises(TypeError, match=f"mode must be True or False, got {mode!r}"):
        net.train(mode)
    assert not net.training


def test_zero_grad_forgets_every_gradient():
    net = Net()
    net(mg.Tensor(np.ones((2, 3)))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_state_dict_holds_copies():
    net = Net()
    state = net.state_dict()
    state["fc1.weight"][...] = 99
    assert not np.any(net.fc1.weight.data == 99)


def test_load_state_dict_round_trip_writes_in_place():
    source, target = Net(), Net()
    weight = target.fc1.weight
    assert target.load_state_dict(source.state_dict()) == ([], [])
    assert target.fc1.weight is weight, "optimizers holding the parameter must see the new values"
    for (name, a), b in zip(source.state_dict().items(), target.state_dict().values(), strict=True):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_load_state_dict_bumps_the_version_of_every_parameter_it_writes():
    # an in-place write, as PyTorch's copy_: a graph recorded before the load can refuse to
    # backpropagate through the overwritten values
    source, target = Net(), Net()
    before = {name: p._version for name, p in target.named_parameters()}
    target.load_state_dict(source.state_dict())
    assert {name: p._version for name, p in target.named_parameters()} == {n: v + 1 for n, v in before.items()}


def test_load_state_dict_not_strict_bumps_only_what_it_writes():
    target = Net()
    state = {"fc1.weight": np.zeros((4, 3))}
    target.load_state_dict(state, strict=False)
    assert target.fc1.weight._version == 2 and target.fc1.bias._version == 1  # 1: reset_parameters


def test_load_state_dict_strict_must_be_a_bool():
    with pytest.raises(TypeError, match="strict must be True or False, got 'no'"):
        Net().load_state_dict(Net().state_dict(), strict="no")


def test_load_state_dict_lists_every_problem_in_one_error_and_changes_nothing():
    net = Net()
    before = net.state_dict()
    state = net.state_dict()
    del state["fc1.bias"], state["body.2.weight"]
    state["extra.weight"] = np.zeros(2)
    state["fc1.weight"] = np.zeros((5, 3))
    with pytest.raises(ValueError) as error:
        net.load_state_dict(state)
    message = str(error.value)
    assert "missing keys: fc1.bias, body.2.weight" in message
    assert "unexpected keys: extra.weight" in message
    assert "fc1.weight: checkpoint (5, 3), model (4, 3)" in message
    for name, array in net.state_dict().items():
        np.testing.assert_array_equal(array, before[name], err_msg=name)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (np.array(["a", "b", "c", "d"]), "<U1"),
        (np.ones(4, dtype=complex), "complex128 (the imaginary part would be lost)"),
        (np.array([None] * 4), "object"),
        ([[1.0], [1.0, 2.0]], "list"),
    ],
)
def test_load_state_dict_refuses_what_is_not_real_numbers_before_writing_anything(value, shown):
    net = Net()
    before = net.state_dict()
    state = Net().state_dict()
    state["fc1.bias"] = value
    state["body.2.weight"] = np.ones((2, 4), dtype=complex)
    with pytest.raises(TypeError) as error:
        net.load_state_dict(state)
    assert str(error.value) == (
        f"state_dict does not fit Net: not arrays of real numbers: fc1.bias: {shown}; "
        "body.2.weight: complex128 (the imaginary part would be lost)"
    )
    for name, array in net.state_dict().items():
        np.testing.assert_array_equal(array, before[name], err_msg=name)


def test_load_state_dict_casts_integers_and_booleans_to_the_models_dtype():
    layer = nn.Linear(2, 1)
    layer.load_state_dict({"weight": np.array([[True, False]]), "bias": np.array([3])})
    assert layer.weight.dtype == np.float32 and layer.weight.data.tolist() == [[1.0, 0.0]]
    assert layer.bias.data.tolist() == [3.0]


def test_load_state_dict_lists_problems_in_the_models_order():
    state = Net().state_dict()
    wrong = ["body.2.weight", "fc1.bias", "scale", "body.0.norm.running_var"]
    for key in wrong:
        state[key] = np.zeros(7)
    with pytest.raises(ValueError) as error:
        Net().load_state_dict(state)
    listed = [part.split(":")[0] for part in str(error.value).split("mis-shaped: ")[1].split("; ")]
    assert listed == [key for key in PYTORCH_STATE_KEYS if key in wrong]


def test_a_tied_parameter_gets_the_later_names_value_as_in_pytorch():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Parameter(np.zeros(2))
            self.b = self.a

    model = Tied()
    assert list(model.state_dict()) == ["a", "b"]
    for state in ({"a": np.ones(2), "b": np.full(2, 2.0)}, {"b": np.full(2, 2.0), "a": np.ones(2)}):
        model.load_state_dict(state)
        assert model.a.data.tolist() == [2.0, 2.0]


def test_load_state_dict_not_strict_returns_what_did_not_match():
    net = Net()
    state = net.state_dict()
    del state["scale"]
    state["other"] = np.ones(1)
    result = Net().load_state_dict(state, strict=False)
    assert result.missing_keys == ["scale"] and result.unexpected_keys == ["other"]
    with pytest.raises(ValueError, match="mis-shaped"):
        Net().load_state_dict({"scale": np.ones(3)}, strict=False)


def test_state_survives_save_and_load(tmp_path):
    net = Net()
    net.train()
    net(mg.Tensor(np.random.default_rng(0).normal(size=(8, 3)))).sum().backward()  # moves the running stats
    mg.save(net.state_dict(), tmp_path / "net.npz")
    restored = Net()
    restored.load_state_dict(mg.load(tmp_path / "net.npz"))
    x = mg.Tensor(np.random.default_rng(1).normal(size=(5, 3)))
    np.testing.assert_array_equal(net.eval()(x).data, restored.eval()(x).data)
    assert restored.body[0].norm.num_batches_tracked == 1


def test_a_failed_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    first = Net()
    mg.save(first.state_dict(), path)

    def crash(*args, **kwargs):
        raise OSError("interrupted")

    monkeypatch.setattr(np.lib.format, "write_array", crash)
    with pytest.raises(OSError):
        mg.save(Net().state_dict(), path)
    monkeypatch.undo()
    np.testing.assert_array_equal(mg.load(path)["fc1.weight"], first.fc1.weight.data)


def test_repr_prints_the_module_tree():
    assert repr(Net()) == (
        "Net(\n"
        "  (fc1): Linear(in_features=3, out_features=4, bias=True)\n"
        "  (body): Sequential(\n"
        "    (0): Block(\n"
        "      (inner): Linear(in_features=4, out_features=4, bias=True)\n"
        "      (norm): BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True)\n"
        "    )\n"
        "    (1): Tanh()\n"
        "    (2): Linear(in_features=4, out_features=2, bias=False)\n"
        "  )\n"
        ")"
    )


def test_forgetting_super_init_is_explained():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) first in Broken.__init__"):
        Broken()

    class Unregistered(nn.Module):
        def __init__(self):
            self.register_buffer("mean", np.zeros(1))

    with pytest.raises(AttributeError, match=r"cannot register a buffer before Module.__init__\(\) ran: call super"):
        Unregistered()


def test_unknown_attributes_raise_attribute_error():
    with pytest.raises(AttributeError, match="fc9"):
        Net().fc9  # noqa: B018


def test_a_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Empty must define forward"):
        type("Empty", (nn.Module,), {})()(1)


def test_parameter_requires_grad_and_is_a_tensor():
    p = nn.Parameter(np.zeros(2, dtype=np.float32))
    assert isinstance(p, mg.Tensor) and p.requires_grad and p.dtype == np.float32
    assert repr(p).startswith("Parameter containing:\ntensor(")


class RunningMean(nn.Module):
    """A hand-written normalisation whose forward replaces its buffers, as PyTorch code does."""

    def __init__(self, n):
        super().__init__()
        self.gamma = nn.Parameter(mg.ones(n))
        self.register_buffer("running_mean", mg.zeros(n))  # a Tensor: its array is kept
        self.register_buffer("count", np.array(0, dtype=np.int64))

    def forward(self, x):
        if self.training:
            with mg.no_grad():
                self.running_mean = 0.9 * self.running_mean + 0.1 * x.mean(0)
                self.count += 5
        return (x - self.running_mean) * self.gamma


def test_assigning_to_a_buffer_replaces_it_and_keeps_it_registered():
    module = RunningMean(3)
    assert isinstance(module.running_mean, np.ndarray)
    x = np.random.default_rng(0).normal(size=(8, 3))
    module(mg.Tensor(x))
    state = module.state_dict()
    assert list(state) == ["gamma", "running_mean", "count"]
    np.testing.assert_allclose(state["running_mean"], 0.1 * x.mean(axis=0), rtol=1e-15)
    assert state["count"] == 5 and state["count"].dtype == np.int64
    module.double()  # casts the replaced buffer, which is an array
    assert module.running_mean.dtype == np.float64 and module.count.dtype == np.int64
    module.count = module.count + 1  # a numpy scalar becomes a 0-d array
    assert isinstance(module.count, np.ndarray) and module.state_dict()["count"] == 6


def test_a_buffer_set_to_none_stays_registered_but_is_not_saved():
    module = RunningMean(2)
    module.running_mean = None
    assert list(module.state_dict()) == ["gamma", "count"]
    module.running_mean = mg.ones(2)
    assert list(module.state_dict()) == ["gamma", "running_mean", "count"]  # its place kept
    with pytest.raises(TypeError, match=r"cannot assign 'int' as buffer 'count' \(an ndarray, a Tensor or None"):
        module.count = 3


@pytest.mark.parametrize(("value", "kind"), [(mg.zeros((2, 3)), "Tensor"), (np.zeros((2, 3)), "ndarray"), (3, "int")])
def test_only_a_parameter_or_none_replaces_a_parameter(value, kind):
    layer = nn.Linear(3, 2)
    with pytest.raises(TypeError, match=f"cannot assign '{kind}' as parameter 'weight' \\(nn.Parameter or None"):
        layer.weight = value
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    layer.weight = None
    assert list(layer.state_dict()) == ["bias"]
    layer.weight = nn.Parameter(np.zeros((2, 3)))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]  # its place kept


def test_only_a_module_or_none_replaces_a_child():
    net = Net()
    with pytest.raises(TypeError, match="cannot assign 'function' as child module 'fc1' \\(nn.Module or None"):
        net.fc1 = lambda x: x
    net.fc1 = None
    assert [name for name, _ in net.named_children()] == ["body"]
    assert "fc1.weight" not in net.state_dict()
    assert "(fc1): None" in repr(net)


def test_register_buffer_and_register_parameter_check_like_pytorch():
    net = Net()
    net.register_parameter("shift", nn.Parameter(np.zeros(1)))
    net.register_parameter("unused", None)
    assert [name for name, _ in net.named_parameters()][:2] == ["scale", "shift"]
    assert "unused" not in net.state_dict() and net.unused is None
    with pytest.raises(TypeError, match="cannot assign 'Tensor' to parameter 'w' \\(nn.Parameter or None"):
        net.register_parameter("w", mg.zeros(1))
    with pytest.raises(TypeError, match="cannot assign 'list' to buffer 'b' \\(an ndarray, a Tensor or None"):
        net.register_buffer("b", [1.0])
    for register in (net.register_buffer, net.register_parameter):
        kind = "buffer" if register == net.register_buffer else "parameter"
        with pytest.raises(TypeError, match=f"{kind} name should be a string, got int"):
            register(1, None)
        with pytest.raises(KeyError, match=f'{kind} name "a.b" cannot contain "."'):
            register("a.b", None)
        with pytest.raises(KeyError, match=f"a {kind} name cannot be empty"):
            register("", None)
        with pytest.raises(KeyError, match='"fc1" is already an attribute of Net'):
            register("fc1", None)


def test_load_state_dict_refuses_a_read_only_buffer_before_writing_anything():
    class Positions(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("table", mg.zeros(1, 3).expand(4, 3))  # a broadcast view: no memory of its own

    model = nn.Sequential(nn.Linear(2, 2), Positions())
    state = {name: value + 1 for name, value in model.state_dict().items()}
    weight = model[0].weight.data.copy()
    with pytest.raises(ValueError, match=r"read-only in the model \(a view such as expand\(\)'s; .*\): 1\.table"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model[0].weight.data, weight)  # nothing half-applied


def test_a_buffer_that_is_not_persistent_stays_out_of_state_dict():
    class Masked(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3)
            self.register_buffer("mask", mg.tril(mg.ones(3, 3)), persistent=False)
            self.register_buffer("count", mg.zeros(1))

    model = Masked()
    assert list(model.state_dict()) == ["count", "fc.weight", "fc.bias"]
    assert [name for name, _ in model.named_buffers()] == ["mask", "count"]  # still a buffer
    model.mask = model.mask * 2  # reassigned, it stays a buffer that is not saved
    assert "mask" not in model.state_dict() and model.double().mask.dtype == np.float64
    other = Masked()
    other.load_state_dict(model.state_dict())  # strict: a mask is neither missing nor expected
    with pytest.raises(ValueError, match="unexpected keys: mask"):
        other.load_state_dict({**model.state_dict(), "mask": np.ones((3, 3))})
    with pytest.raises(TypeError, match="persistent must be True or False"):
        model.register_buffer("other", None, persistent="no")
