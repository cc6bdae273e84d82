"""ModuleList, ModuleDict, Identity, and the Module methods PyTorch programs call: apply,
named_children, add_module, requires_grad_, to; names and order as PyTorch gives them."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim


def linears(*sizes):
    return [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList(linears(2, 3, 4))
        self.head = nn.Linear(4, 1)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x).relu()
        return self.head(x)


class TestModuleList:
    def test_parameters_are_registered_under_pytorchs_names(self):
        assert [name for name, _ in Stack().named_parameters()] == [
            "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "head.weight", "head.bias",
        ]  # fmt: skip
        assert list(Stack().state_dict()) == [name for name, _ in Stack().named_parameters()]

    def test_an_optimizer_trains_the_listed_layers(self):
        model = Stack()
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        assert any(p is model.layers[1].bias for p in optimizer.param_groups[0]["params"])
        model(mg.Tensor(np.ones((4, 2)))).sum().backward()
        # the last hidden layer's bias gradient is head.weight where its relu is open, once per row
        open_units = model.layers[1](model.layers[0](mg.Tensor(np.ones((1, 2)))).relu()).data[0] > 0
        expected = model.layers[1].bias.data - 0.1 * 4 * model.head.weight.data[0] * open_units
        optimizer.step()
        np.testing.assert_allclose(model.layers[1].bias.data, expected, rtol=1e-6, atol=1e-7)

    def test_indexing(self):
        layers = linears(1, 2, 3, 4)
        modules = nn.ModuleList(layers)
        assert len(modules) == 3 and list(modules) == layers
        assert modules[0] is layers[0] and modules[-1] is layers[2]
        part = modules[1:]
        assert isinstance(part, nn.ModuleList) and list(part) == layers[1:]
        assert [name for name, _ in part.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
        assert layers[1] in modules

    @pytest.mark.parametrize("index", [3, -4])
    def test_index_out_of_range(self, index):
        with pytest.raises(IndexError, match=f"index {index} is out of range for a ModuleList of 3 modules"):
            nn.ModuleList(linears(1, 2, 3, 4))[index]

    @pytest.mark.parametrize("index", ["0", 1.0])
    def test_index_must_be_an_int(self, index):
        with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
            nn.ModuleList(linears(1, 2))[index]

    def test_append_extend_insert_keep_the_numbering(self):
        a, b, c, d = nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.Identity()
        modules = nn.ModuleList()
        assert modules.append(a) is modules
        assert modules.extend([b, c]) is modules
        modules.insert(1, d)
        assert list(modules.named_children()) == [("0", a), ("1", d), ("2", b), ("3", c)]
        modules.insert(-1, nn.ELU())  # Python's list rule: before the last
        assert [type(m).__name__ for m in modules] == ["ReLU", "Identity", "Tanh", "ELU", "Sigmoid"]
        modules.insert(100, nn.SiLU())
        assert list(dict(modules.named_children())) == ["0", "1", "2", "3", "4", "5"]

    def test_setitem_replaces_in_place(self):
        modules = nn.ModuleList(linears(1, 2, 3))
        replacement = nn.Linear(2, 5)
        modules[-1] = replacement
        assert modules[1] is replacement
        assert [name for name, _ in modules.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
        with pytest.raises(IndexError, match="index 2 is out of range"):
            modules[2] = nn.ReLU()

    def test_delete_renumbers(self):
        layers = linears(1, 2, 3, 4, 5)
        modules = nn.ModuleList(layers)
        del modules[0]
        assert list(modules) == layers[1:]
        assert [name for name, _ in modules.named_parameters()][:2] == ["0.weight", "0.bias"]
        del modules[1:]
        assert list(modules) == [layers[1]] and list(dict(modules.named_children())) == ["0"]
        assert modules.pop() is layers[1] and len(modules) == 0
        assert not hasattr(modules, "0")

    def test_plus_and_plus_equals(self):
        first, second = nn.ModuleList([nn.ReLU()]), nn.ModuleList([nn.Tanh()])
        both = first + second
        assert isinstance(both, nn.ModuleList) and len(both) == 2 and len(first) == 1
        first += [nn.Sigmoid(), nn.ELU()]
        assert [type(m).__name__ for m in first] == ["ReLU", "Sigmoid", "ELU"]

    def test_only_modules_are_accepted(self):
        with pytest.raises(TypeError, match="ModuleList.extend: item 1 is a int, not a Module"):
            nn.ModuleList([nn.ReLU(), 3])
        with pytest.raises(TypeError, match="int is not a Module subclass"):
            nn.ModuleList().append(3)
        with pytest.raises(TypeError, match="ModuleList.extend takes an iterable of Modules, got Linear"):
            nn.ModuleList(nn.Linear(1, 1))
        with pytest.raises(TypeError, match="function is not a Module subclass"):
            nn.ModuleList([nn.ReLU()])[0] = lambda x: x
        modules = nn.ModuleList([nn.ReLU()])
        with pytest.raises(TypeError, match="ModuleList.extend: item 1"):
            modules.extend([nn.Tanh(), "relu"])
        assert len(modules) == 1, "a failed extend adds nothing"

    def test_is_not_callable(self):
        with pytest.raises(NotImplementedError, match="a ModuleList is not callable: call its modules"):
            nn.ModuleList([nn.ReLU()])(mg.Tensor([1.0]))

    def test_repr(self):
        assert repr(nn.ModuleList([nn.ReLU(), nn.Tanh()])) == "ModuleList(\n  (0): ReLU()\n  (1): Tanh()\n)"
        assert repr(nn.ModuleList()) == "ModuleList()"

    def test_state_dict_round_trip(self):
        source, target = Stack(), Stack()
        target.load_state_dict(source.state_dict())
        x = mg.Tensor(np.ones((2, 2)))
        np.testing.assert_array_equal(source(x).data, target(x).data)


class TestModuleDict:
    def test_names_order_and_mapping_methods(self):
        enc, dec = nn.Linear(4, 2), nn.Linear(2, 4)
        modules = nn.ModuleDict({"enc": enc, "dec": dec})
        assert list(modules) == ["enc", "dec"] and list(modules.keys()) == ["enc", "dec"]
        assert list(modules.values()) == [enc, dec] and list(modules.items()) == [("enc", enc), ("dec", dec)]
        assert modules["dec"] is dec and "enc" in modules and "x" not in modules and len(modules) == 2
        assert [name for name, _ in modules.named_parameters()] == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]

    def test_set_delete_pop_update_clear(self):
        modules = nn.ModuleDict([("a", nn.ReLU())])
        modules["b"] = nn.Tanh()
        modules.update({"c": nn.Sigmoid()})
        modules.update([("d", nn.ELU())])
        assert list(modules) == ["a", "b", "c", "d"]
        del modules["a"]
        assert isinstance(modules.pop("b"), nn.Tanh) and list(modules) == ["c", "d"]
        modules.clear()
        assert len(modules) == 0 and list(modules.named_children()) == []
        with pytest.raises(KeyError, match="'a'"):
            modules["a"]
        with pytest.raises(KeyError, match="'a'"):
            del modules["a"]

    def test_keys_that_would_break_the_module(self):
        modules = nn.ModuleDict()
        with pytest.raises(KeyError, match='"train" is already an attribute of ModuleDict: choose another name'):
            modules["train"] = nn.ReLU()
        with pytest.raises(KeyError, match='module name "a.b" cannot contain "."'):
            modules["a.b"] = nn.ReLU()
        with pytest.raises(KeyError, match="a module name cannot be empty"):
            modules[""] = nn.ReLU()
        with pytest.raises(TypeError, match="module name should be a string, got int"):
            modules[1] = nn.ReLU()
        with pytest.raises(TypeError, match="int is not a Module subclass"):
            modules["x"] = 3
        with pytest.raises(TypeError, match=r"item 0 must be a \(key, module\) pair, got 'ab'"):
            modules.update(["ab"])
        with pytest.raises(TypeError, match="takes a mapping or \\(key, module\\) pairs, got ReLU"):
            modules.update(nn.ReLU())

    def test_is_not_callable(self):
        with pytest.raises(NotImplementedError, match="a ModuleDict is not callable"):
            nn.ModuleDict()(1)


def test_identity_returns_its_input_and_ignores_arguments():
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    layer = nn.Identity(54, unused_argname=0.1)
    assert layer(x) is x
    assert repr(layer) == "Identity()" and list(layer.parameters()) == []


def test_sequential_keys_are_checked_like_add_module():
    from collections import OrderedDict

    with pytest.raises(KeyError, match='"forward" is already an attribute of Sequential'):
        nn.Sequential(OrderedDict([("forward", nn.ReLU())]))


class TestModuleMethods:
    def test_apply_visits_children_before_their_parent_and_returns_self(self):
        model = nn.Sequential(nn.Linear(1, 2), nn.Sequential(nn.ReLU(), nn.Tanh()))
        order = []
        assert model.apply(lambda m: order.append(type(m).__name__)) is model
        assert order == ["Linear", "ReLU", "Tanh", "Sequential", "Sequential"]  # PyTorch's order

    def test_apply_initialises_weights(self):
        model = Stack()

        def init_weights(m):
            if isinstance(m, nn.Linear):
                nn.init.constant_(m.weight, 0.5)
                nn.init.zeros_(m.bias)

        model.apply(init_weights)
        assert all(np.all(p.data == (0.5 if name.endswith("weight") else 0)) for name, p in model.named_parameters())

    def test_apply_needs_a_function(self):
        with pytest.raises(TypeError, match="apply takes a function of one module, got 3"):
            Stack().apply(3)

    def test_named_children_lists_a_shared_module_once(self):
        relu = nn.ReLU()
        assert list(nn.Sequential(relu, relu).named_children()) == [("0", relu)]

    def test_reassigning_keeps_the_place_in_the_order(self):
        model = Stack()
        model.layers = nn.ModuleList(linears(2, 4))
        assert [name for name, _ in model.named_children()] == ["layers", "head"]
        assert [name for name, _ in model.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]

    def test_requires_grad_freezes_and_unfreezes(self):
        model = Stack()
        assert model.layers.requires_grad_(False) is model.layers
        assert [p.requires_grad for p in model.parameters()] == [False] * 4 + [True] * 2
        model(mg.Tensor(np.ones((1, 2)))).sum().backward()
        assert model.layers[0].weight.grad is None and model.head.weight.grad is not None
        model.requires_grad_()
        assert all(p.requires_grad for p in model.parameters())
        with pytest.raises(TypeError, match="requires_grad must be True or False, got 1"):
            model.requires_grad_(1)

    @pytest.mark.parametrize("device", ["cpu", "cpu:0"])
    def test_to_cpu_is_accepted(self, device):
        model = Stack()
        weight = model.head.weight.data
        assert model.to(device) is model and model.to(device=device) is model
        assert model.head.weight.data is weight

    def test_to_other_devices_is_refused(self):
        with pytest.raises(ValueError, match="CPU only .numpy., so device 'cuda' is not available"):
            Stack().to("cuda")
        with pytest.raises(TypeError, match="a device is a string such as 'cpu' or an mg.device, got 0"):
            Stack().to(device=0)

    @pytest.mark.parametrize("how", ["positional", "keyword", "with device", "like a tensor"])
    def test_to_dtype_casts_floating_parameters_gradients_and_buffers(self, how):
        model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
        model(mg.Tensor(np.ones((4, 2)))).sum().backward()
        weight = model[0].weight
        values, version = weight.data.copy(), weight._version
        args = {
            "positional": ((np.float64,), {}),
            "keyword": ((), {"dtype": np.float64}),
            "with device": (("cpu", np.dtype("float64")), {}),
            "like a tensor": ((mg.Tensor(np.zeros(1)),), {}),
        }[how]
        assert model.to(*args[0], **args[1]) is model
        assert model[0].weight is weight and weight.dtype == np.float64 and weight.grad.dtype == np.float64
        np.testing.assert_array_equal(weight.data, values)
        assert weight._version == version + 1
        assert model[1].running_mean.dtype == np.float64 and model[1].state_dict()["running_var"].dtype == np.float64
        assert model[1].num_batches_tracked.dtype == np.int64
        assert model(mg.Tensor(np.ones((4, 2)))).dtype == np.float64

    def test_to_refuses_integer_dtypes_and_strange_arguments(self):
        with pytest.raises(TypeError, match="only accepts floating-point dtypes, got int64"):
            Stack().to(np.int64)
        with pytest.raises(TypeError, match="to\\(\\) takes a device string or a dtype, got 3"):
            Stack().to(3)
        with pytest.raises(TypeError, match="at most one device and one dtype"):
            Stack().to("cpu", "cpu")

    def test_add_module(self):
        model = nn.Module()
        model.add_module("block-1", nn.ReLU())
        assert [name for name, _ in model.named_children()] == ["block-1"]
        with pytest.raises(KeyError, match='"eval" is already an attribute of Module'):
            model.add_module("eval", nn.ReLU())


def test_sequential_append_and_extend_name_children_by_position():
    model = nn.Sequential(nn.Linear(2, 3))
    assert model.append(nn.ReLU()).extend([nn.Linear(3, 1)]) is model
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert model(mg.zeros(4, 2)).shape == (4, 1)
    with pytest.raises(TypeError, match="Sequential takes Modules; append got a function"):
        model.append(mg.relu)


class TestSequentialSlices:
    def named(self):
        from collections import OrderedDict

        return nn.Sequential(
            OrderedDict([("features", nn.Linear(4, 8)), ("act", nn.ReLU()), ("classifier", nn.Linear(8, 3))])
        )

    def test_a_slice_keeps_the_names_so_its_state_dict_matches_the_whole(self):
        model = self.named()
        body = model[:2]
        assert list(body.state_dict()) == ["features.weight", "features.bias"]
        assert list(model[1:].state_dict()) == ["classifier.weight", "classifier.bias"]
        assert body.features is model.features  # shared, as in PyTorch
        source = self.named()
        result = body.load_state_dict(source.state_dict(), strict=False)
        assert result.missing_keys == [] and result.unexpected_keys == ["classifier.weight", "classifier.bias"]
        np.testing.assert_array_equal(model.features.weight.data, source.features.weight.data)

    def test_a_slice_of_numbered_children_keeps_their_numbers(self):
        model = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3))
        tail = model[1:]
        assert list(tail.state_dict()) == ["2.weight", "2.bias"]
        assert tail(mg.ones(1, 2)).shape == (1, 3)
        assert list(model[::-2]._modules) == ["2", "0"]

    def test_a_slice_keeps_the_class(self):
        class Stage(nn.Sequential):
            pass

        assert type(Stage(nn.ReLU(), nn.Tanh())[1:]) is Stage

    @pytest.mark.parametrize("index", [3, -4])
    def test_index_out_of_range(self, index):
        with pytest.raises(IndexError, match=f"index {index} is out of range for a Sequential of 3 modules"):
            self.named()[index]

    @pytest.mark.parametrize("index", ["0", 1.0])
    def test_index_must_be_an_integer(self, index):
        with pytest.raises(TypeError, match=f"Sequential indices are integers or slices, got {type(index).__name__}"):
            self.named()[index]

    def test_integer_indices_count_positions_whatever_the_names(self):
        model = self.named()
        assert model[0] is model.features and model[-1] is model.classifier


class TestSequentialEditing:
    def model(self):
        return nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 2), nn.Tanh())

    @staticmethod
    def kinds(model):
        return [type(m).__name__ for m in model]

    def test_replacing_the_head_keeps_its_name(self):
        model = self.model()
        head = nn.Linear(1, 10)
        model[-2] = head
        assert model[2] is head and list(model._modules) == ["0", "1", "2", "3"]
        assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
        assert model(mg.ones(3, 1)).shape == (3, 10)
        with pytest.raises(TypeError, match="Sequential takes Modules; item assignment got a function"):
            model[0] = mg.relu
        with pytest.raises(IndexError, match="index 4 is out of range for a Sequential of 4 modules"):
            model[4] = nn.ReLU()

    def test_delete_and_pop_renumber_as_pytorch_does(self):
        model = self.model()
        del model[1]
        assert self.kinds(model) == ["Linear", "Linear", "Tanh"] and list(model._modules) == ["0", "1", "2"]
        assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
        assert not hasattr(model, "3")
        model = self.model()
        del model[1:3]
        assert self.kinds(model) == ["Linear", "Tanh"] and list(model._modules) == ["0", "1"]
        model = self.model()
        third = model[2]
        assert model.pop(-2) is third and self.kinds(model) == ["Linear", "ReLU", "Tanh"]
        popped = self.model().pop(slice(1, 3))
        assert self.kinds(popped) == ["ReLU", "Linear"] and list(popped._modules) == ["1", "2"]

    def test_insert_puts_before_the_index_and_renumbers(self):
        model = self.model()
        assert model.insert(1, nn.Sigmoid()) is model
        assert self.kinds(model) == ["Linear", "Sigmoid", "ReLU", "Linear", "Tanh"]
        assert list(model._modules) == ["0", "1", "2", "3", "4"]
        model.insert(-1, nn.GELU()).insert(len(model), nn.ELU())
        assert self.kinds(model)[-3:] == ["GELU", "Tanh", "ELU"]
        for index in (8, -8):
            with pytest.raises(IndexError, match=f"index {index} is out of range for inserting into a Sequential of 7"):
                model.insert(index, nn.ReLU())
        with pytest.raises(TypeError, match="Sequential.insert takes an integer index, got str '1'"):
            model.insert("1", nn.ReLU())
        with pytest.raises(TypeError, match="Sequential takes Modules; insert got a int"):
            model.insert(0, 3)

    def test_plus_joins_two_sequentials_numbering_by_position(self):
        from collections import OrderedDict

        named = nn.Sequential(OrderedDict([("features", nn.Linear(2, 1))]))
        joined = named + self.model()
        assert type(joined) is nn.Sequential and list(joined._modules) == ["0", "1", "2", "3", "4"]
        assert joined[0] is named.features
        model = self.model()
        model += named
        assert list(model._modules) == ["0", "1", "2", "3", "4"] and model[4] is named.features
        with pytest.raises(TypeError, match="only a Sequential can be added to a Sequential, got list"):
            model + [nn.ReLU()]  # noqa: B018
        with pytest.raises(TypeError, match="only a Sequential can be added to a Sequential, got ReLU"):
            model += nn.ReLU()


class TestOwnMembersAndBuffers:
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.own = nn.Parameter(np.zeros(1))
            self.alias = self.own
            self.body = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
            self.again = self.body[1]

    def test_named_parameters_with_prefix_recurse_and_duplicates(self):
        model = self.Model()
        assert [name for name, _ in model.named_parameters(prefix="p")] == [
            "p.own", "p.body.0.weight", "p.body.0.bias", "p.body.1.weight", "p.body.1.bias",
        ]  # fmt: skip
        assert [name for name, _ in model.named_parameters(recurse=False)] == ["own"]
        assert list(model.parameters(recurse=False)) == [model.own]
        assert [name for name, _ in model.named_parameters(remove_duplicate=False)] == [
            "own", "alias", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "again.weight",
            "again.bias",
        ]  # fmt: skip

    def test_buffers_are_the_arrays_themselves(self):
        model = self.Model()
        norm = model.body[1]
        names = ["running_mean", "running_var", "num_batches_tracked"]
        assert [name for name, _ in model.named_buffers()] == [f"body.1.{name}" for name in names]
        assert all(b is getattr(norm, name) for b, name in zip(model.buffers(), names, strict=True))
        assert list(model.buffers(recurse=False)) == [] and len(list(norm.buffers(recurse=False))) == 3
        assert [name for name, _ in model.named_buffers(prefix="m", remove_duplicate=False)] == [
            *(f"m.body.1.{name}" for name in names),
            *(f"m.again.{name}" for name in names),
        ]

    @pytest.mark.parametrize("method", ["named_parameters", "named_buffers"])
    def test_flags_must_be_bools(self, method):
        with pytest.raises(TypeError, match="recurse must be True or False, got 0"):
            list(getattr(self.Model(), method)(recurse=0))
        with pytest.raises(TypeError, match="remove_duplicate must be True or False, got 'no'"):
            list(getattr(self.Model(), method)(remove_duplicate="no"))


def test_appending_to_a_slice_never_replaces_a_child():
    tail = nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 2))[1:]  # children "1" and "2"
    with pytest.raises(ValueError, match='Sequential.append would name a new module "2" .its position.'):
        tail.append(nn.Tanh())
    every_other = nn.Sequential(*(nn.Linear(1, 1) for _ in range(4)))[::3]  # children "0" and "3"
    with pytest.raises(ValueError, match='Sequential.extend would name a new module "3"'):
        every_other.extend([nn.ReLU(), nn.ReLU()])
    with pytest.raises(TypeError, match="Sequential.extend: item 1 is a int, not a Module"):
        tail.extend([nn.ReLU(), 3])
    assert [type(m).__name__ for m in tail] == ["ReLU", "Linear"] and len(every_other) == 2
    renumbered = nn.Sequential(*tail).append(nn.Tanh())
    assert list(renumbered._modules) == ["0", "1", "2"]
