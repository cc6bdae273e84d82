"""Module: the base class of layers and models, and Parameter, the tensors it trains.

A Module finds its parameters and sub-modules by watching attribute assignment, so
``self.fc1 = Linear(2, 16)`` is all it takes to register ``fc1.weight`` and ``fc1.bias``.
Names, order and ``state_dict`` keys are the ones PyTorch gives the same architecture.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import numpy as np

from ..checks import check_bool
from ..tensor import Tensor

__all__ = ["Parameter", "Module"]


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable; it requires grad."""

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    missing_keys: list
    unexpected_keys: list


class Module:
    """Subclass it, assign layers and Parameters in ``__init__``, and define ``forward``."""

    training: bool

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ----------------------------------------------------------------- registration
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() ran: "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )
        if name in self._buffers and isinstance(value, np.ndarray):
            self._buffers[name] = value
            object.__setattr__(self, name, value)
            return
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, array: np.ndarray) -> None:
        """State that is saved in ``state_dict`` but not trained (BatchNorm's running statistics)."""
        self._buffers[name] = array
        object.__setattr__(self, name, array)

    # ----------------------------------------------------------------- traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "", remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module, then every sub-module depth first; a module that appears twice is
        listed once unless ``remove_duplicate=False``."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate and id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child}" if name else child, m) for child, m in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(name, parameter) in definition order, each shared parameter once: a module's own
        parameters first, then its sub-modules' (PyTorch's order)."""
        seen = set()
        for module_name, module in self.named_modules(prefix):
            for name, param in module._parameters.items():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{module_name}.{name}" if module_name else name), param

    def parameters(self) -> Iterator[Parameter]:
        for _, param in self.named_parameters():
            yield param

    # ----------------------------------------------------------------- modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Set train mode (``mode=True``) or eval mode (False) here and in every sub-module;
        returns self. ``mode`` must be a bool (TypeError otherwise: ``train("eval")``
        would otherwise mean train mode)."""
        mode = check_bool("mode", mode)
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set it to None, as PyTorch does by default)."""
        for param in self.parameters():
            param.grad = None

    # ----------------------------------------------------------------- state
    def _state_entries(self) -> Iterator[tuple[str, Module, str, str]]:
        """(full name, owning module, attribute, "parameter" or "buffer") in PyTorch's order.
        A module used twice appears under both names, as in PyTorch's state dicts."""
        for module_name, module in self.named_modules(remove_duplicate=False):
            for kind, registry in (("parameter", module._parameters), ("buffer", module._buffers)):
                for name in registry:
                    yield (f"{module_name}.{name}" if module_name else name), module, name, kind

    def state_dict(self) -> OrderedDict:
        """name -> copy of the array, for every parameter and buffer."""
        state = OrderedDict()
        for full_name, module, name, kind in self._state_entries():
            value = getattr(module, name)
            state[full_name] = np.array(value.data if kind == "parameter" else value, copy=True)
        return state

    def load_state_dict(self, state_dict: Mapping, strict: bool = True) -> IncompatibleKeys:
        """Copy arrays into the parameters and buffers of the same names.

        Every key and shape is checked before anything is written; a mismatch raises one
        error listing all missing, unexpected and mis-shaped keys. With ``strict=False``,
        missing and unexpected keys are allowed (and returned), mis-shaped ones are not.
        Parameters are written in place (an optimizer holding them sees the new values) and
        their version counter is bumped, so a graph recorded before the load cannot
        backpropagate through the overwritten values (PyTorch's ``copy_`` does the same).
        """
        strict = check_bool("strict", strict)
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict takes a dict of name -> array, got {type(state_dict).__name__}")
        entries = {full_name: (module, name, kind) for full_name, module, name, kind in self._state_entries()}
        missing = [key for key in entries if key not in state_dict]
        unexpected = [key for key in state_dict if key not in entries]
        mis_shaped = []
        arrays = {}
        for key in entries.keys() & state_dict.keys():
            module, name, kind = entries[key]
            value = state_dict[key]
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
            target = getattr(module, name)
            target_shape = target.shape
            if array.shape != target_shape:
                mis_shaped.append(f"{key}: checkpoint {array.shape}, model {target_shape}")
            arrays[key] = array
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(unexpected))
        if mis_shaped:
            problems.append("mis-shaped: " + "; ".join(mis_shaped))
        if problems:
            raise ValueError(f"state_dict does not fit {type(self).__name__}: " + " | ".join(problems))
        for key, array in arrays.items():
            module, name, kind = entries[key]
            target = getattr(module, name)
            # in place, so that an optimizer holding these parameters sees the new values
            if kind == "parameter":
                target.data[...] = array
                target._version += 1
            else:
                target[...] = array
        return IncompatibleKeys(missing, unexpected)

    # ----------------------------------------------------------------- printing
    def extra_repr(self) -> str:
        """What goes between the parentheses of this module's line in ``repr``."""
        return ""

    def __repr__(self):
        lines = []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child}")
        if not lines:
            return f"{type(self).__name__}({self.extra_repr()})"
        extra = f"\n  {self.extra_repr()}" if self.extra_repr() else ""
        return f"{type(self).__name__}({extra}\n" + "\n".join(lines) + "\n)"
