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
from ..device import to_arguments
from ..tensor import Tensor

__all__ = ["Parameter", "Module"]


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable; it requires grad."""

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


def _kind(value) -> str:
    """How an error names the type of ``value``: 'ndarray', 'Tensor', 'int'."""
    return repr(type(value).__name__)


def _buffer_array(value, where: str) -> np.ndarray | None:
    """What a buffer holds for ``value``: an ndarray as it is, a Tensor's array, a numpy scalar
    as a 0-d array (``count + 1`` of a 0-d array is a scalar), None; TypeError otherwise."""
    if value is None or isinstance(value, np.ndarray):
        return value
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, np.generic):
        return np.asarray(value)
    raise TypeError(f"cannot assign {_kind(value)} {where} (an ndarray, a Tensor or None expected)")


class IncompatibleKeys(NamedTuple):
    missing_keys: list
    unexpected_keys: list


class Module:
    """Subclass it, assign layers and Parameters in ``__init__``, and define ``forward``."""

    training: bool

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())  # buffers left out of state_dict
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ----------------------------------------------------------------- registration
    def __setattr__(self, name, value):
        """Register what is assigned, as PyTorch does: a Parameter as a parameter, a Module as
        a child. A name registered before keeps its kind: a parameter takes only a Parameter
        or None, a child only a Module or None (TypeError otherwise, as in PyTorch; None keeps
        the name registered and is skipped by ``parameters()`` and ``state_dict``), and a
        buffer takes what ``register_buffer`` takes, so ``self.running_mean = 0.9 *
        self.running_mean + 0.1 * x.mean(0)`` replaces the buffer and keeps it registered."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() ran: "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )
        parameters, buffers, modules = self._parameters, self._buffers, self._modules
        if isinstance(value, Parameter):
            buffers.pop(name, None)
            modules.pop(name, None)
            parameters[name] = value  # a name already registered keeps its place, so the order stays PyTorch's
        elif name in parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {_kind(value)} as parameter {name!r} (nn.Parameter or None expected): "
                    f"wrap a tensor or an array as nn.Parameter(...) to train it"
                )
            parameters[name] = None
        elif isinstance(value, Module):
            parameters.pop(name, None)
            buffers.pop(name, None)
            modules[name] = value
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign {_kind(value)} as child module {name!r} (nn.Module or None expected)")
            modules[name] = None
        elif name in buffers:
            value = buffers[name] = _buffer_array(value, f"as buffer {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent.discard(name)
        object.__delattr__(self, name)

    def _check_new_name(self, kind: str, name, registry: str) -> None:
        """PyTorch's checks of a name given to ``register_buffer``, ``register_parameter`` or
        ``add_module``: a string (TypeError), not empty, without "." and not an attribute
        other than one of ``kind`` (KeyError)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot register a {kind} before Module.__init__() ran: "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        # no single quotes in these messages: KeyError shows its message with repr()
        if not name:
            raise KeyError(f"a {kind} name cannot be empty")
        if "." in name:
            raise KeyError(f'{kind} name "{name}" cannot contain "." (it separates the parts of "layers.0.weight")')
        if name not in getattr(self, registry) and hasattr(self, name):
            raise KeyError(f'"{name}" is already an attribute of {type(self).__name__}: choose another name')

    def register_buffer(self, name: str, array, persistent: bool = True) -> None:
        """State that is saved in ``state_dict`` but not trained (BatchNorm's running statistics)
        (``torch.nn.Module.register_buffer``); with ``persistent=False`` it is left out of
        ``state_dict`` and ``load_state_dict`` (a mask computed in ``__init__``), as in PyTorch.

        minigrad's buffers are numpy arrays: ``array`` is an ndarray (kept, not copied), a
        Tensor (its array is kept, detached from any graph: a buffer is not trained), a numpy
        scalar (as a 0-d array) or None (registered but not in ``state_dict``). Assigning to
        the name later (``self.running_mean = ...``) takes the same values and keeps the buffer
        registered; ``.to()``/``.double()``/``.float()`` cast floating-point buffers and
        ``load_state_dict`` writes into them. Another value raises TypeError; a name that is
        not a string TypeError; an empty name, one with "." or one that is already an
        attribute other than a buffer KeyError, as in PyTorch."""
        self._check_new_name("buffer", name, "_buffers")
        persistent = check_bool("persistent", persistent)
        array = _buffer_array(array, f"to buffer {name!r}")
        self._buffers[name] = array
        (self._non_persistent.discard if persistent else self._non_persistent.add)(name)
        object.__setattr__(self, name, array)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` as the parameter ``name``, as ``self.<name> = param`` would
        (``torch.nn.Module.register_parameter``). None registers the name without a parameter
        (skipped by ``parameters()`` and ``state_dict``). ``param`` that is neither a Parameter
        nor None raises TypeError; the name is checked as in ``register_buffer``."""
        self._check_new_name("parameter", name, "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign {_kind(param)} to parameter {name!r} (nn.Parameter or None expected): "
                f"wrap it as nn.Parameter(...)"
            )
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name: str, module: Module) -> None:
        """Register ``module`` as the child ``name``, as ``self.<name> = module`` would, for
        names that are not identifiers ("0", "1", ... in ModuleList) (``torch.nn.Module.add_module``).
        A ``module`` that is not a Module or a ``name`` that is not a string raises TypeError; an
        empty name, one containing "." (the separator of parameter names) or one that is already
        an attribute other than a child (``"train"``, ``"weight"``) raises KeyError, as in PyTorch."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name("module", name, "_modules")
        setattr(self, name, module)

    # ----------------------------------------------------------------- traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct sub-module, a module registered twice once."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules, in the order they were assigned (``Module.children``)."""
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
            children = [
                (f"{name}.{child}" if name else child, m) for child, m in module._modules.items() if m is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, depth first, each once (``Module.modules``)."""
        for _, module in self.named_modules():
            yield module

    def _named_members(self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool) -> Iterator:
        """(name, value) of one registry ("_parameters" or "_buffers") of this module and, with
        ``recurse``, of its sub-modules; None skipped, a shared value once unless
        ``remove_duplicate=False`` (PyTorch's ``_named_members``)."""
        if recurse is not True:  # the checks only off the common path: parameters() runs every step
            recurse = check_bool("recurse", recurse)
        if remove_duplicate is not True:
            remove_duplicate = check_bool("remove_duplicate", remove_duplicate)
        modules = self.named_modules(prefix, remove_duplicate) if recurse else [(prefix, self)]
        seen = set()
        for module_name, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(name, parameter) in definition order, each shared parameter once: a module's own
        parameters first, then its sub-modules' (PyTorch's order). ``prefix`` goes before
        every name (with a "."); ``recurse=False`` lists only this module's own parameters;
        ``remove_duplicate=False`` lists a shared parameter under each of its names
        (``torch.nn.Module.named_parameters``). ``recurse`` and ``remove_duplicate`` must be
        bools (TypeError)."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every Parameter of this module and its sub-modules (only its own with
        ``recurse=False``), each once, in ``named_parameters`` order; what an optimizer takes
        (``Module.parameters``)."""
        for _, param in self._named_members("_parameters", "", recurse, True):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, np.ndarray]]:
        """(name, buffer) for every buffer (BatchNorm's running statistics), the ndarrays
        themselves, in ``state_dict`` order; arguments as in ``named_parameters``
        (``torch.nn.Module.named_buffers``)."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[np.ndarray]:
        """Every buffer, an ndarray, each once (only this module's own with ``recurse=False``)
        (``Module.buffers``)."""
        for _, buffer in self._named_members("_buffers", "", recurse, True):
            yield buffer

    def apply(self, fn) -> Module:
        """Call ``fn(module)`` on every sub-module, children before their parent, then on
        this module; returns self (``torch.nn.Module.apply``), e.g. to initialise weights::

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)

            model.apply(init_weights)

        ``fn`` that is not callable raises TypeError."""
        if not callable(fn):
            raise TypeError(f"apply takes a function of one module, got {fn!r}")
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ----------------------------------------------------------------- modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Set train mode (``mode=True``) or eval mode (False) here, then call each child's
        ``train(mode)``, so a sub-module that overrides ``train`` (to keep its BatchNorm in eval
        mode while fine-tuning) is obeyed, as in PyTorch; returns self. ``mode`` must be a
        bool (TypeError otherwise: ``train("eval")`` would otherwise mean train mode)."""
        mode = check_bool("mode", mode)
        object.__setattr__(self, "training", mode)
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """``train(False)``: Dropout passes inputs through, BatchNorm uses its running statistics
        (``self.train(False)``, so an override of ``train`` sees it, as in PyTorch)."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Make every parameter require grad, or not (to freeze a layer); returns self
        (``torch.nn.Module.requires_grad_``). ``requires_grad`` must be a bool (TypeError)."""
        requires_grad = check_bool("requires_grad", requires_grad)
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    def to(self, *args, device=None, dtype=None) -> Module:
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(tensor)`` (its dtype),
        returning self (``torch.nn.Module.to``). minigrad computes on the CPU only: ``device``
        must be ``"cpu"`` (or ``mg.device("cpu")``), another device is a ValueError, so that
        ``model.to(device)`` runs unchanged where the device is the CPU. A floating-point
        ``dtype`` casts every floating-point parameter, its gradient and every floating-point
        buffer, in place in the module (new arrays; each parameter's version goes up, so a graph
        recorded before cannot backpropagate into the old values); integer buffers keep their
        dtype. A non-floating dtype is a TypeError, as in PyTorch."""
        dtype = to_arguments(tuple(a.dtype if isinstance(a, Tensor) else a for a in args), device, dtype)
        if dtype is None:
            return self
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"to() takes a device string or a dtype, got {dtype!r}") from None
        if dtype.kind != "f":
            raise TypeError(f"Module.to only accepts floating-point dtypes, got {dtype}")
        for module in self.modules():
            for param in module._parameters.values():
                if param is not None and param.data.dtype != dtype:
                    param.data = param.data.astype(dtype)
                    if param.grad is not None:
                        param.grad = param.grad.astype(dtype)
                    param._version += 1
            for name, buffer in module._buffers.items():
                if buffer is not None and buffer.dtype.kind == "f" and buffer.dtype != dtype:
                    setattr(module, name, buffer.astype(dtype))
        return self

    def cpu(self) -> Module:
        """The module itself: its parameters live in the CPU's memory (``Module.cpu``)."""
        return self

    def cuda(self, *args, **kwargs) -> Module:
        """Refused with a ValueError: minigrad computes on the CPU only."""
        return self.to("cuda")

    def double(self) -> Module:
        """``to(float64)``: every floating-point parameter and buffer in float64 (``Module.double``)."""
        return self.to(np.float64)

    def float(self) -> Module:
        """``to(float32)`` (``Module.float``)."""
        return self.to(np.float32)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: set it to None (PyTorch's default), or with
        ``set_to_none=False`` fill the existing gradient arrays with zeros."""
        if set_to_none is not True:  # the check only off the common path: this runs every step
            set_to_none = check_bool("set_to_none", set_to_none)
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad[...] = 0

    # ----------------------------------------------------------------- state
    def _state_entries(self) -> Iterator[tuple[str, Module, str, str]]:
        """(full name, owning module, attribute, "parameter" or "buffer") in PyTorch's order,
        non-persistent buffers left out. A module used twice appears under both names, as in
        PyTorch's state dicts."""
        for module_name, module in self.named_modules(remove_duplicate=False):
            for kind, registry in (("parameter", module._parameters), ("buffer", module._buffers)):
                for name, value in registry.items():
                    if value is not None and not (kind == "buffer" and name in module._non_persistent):
                        yield (f"{module_name}.{name}" if module_name else name), module, name, kind

    def state_dict(self) -> OrderedDict:
        """name -> copy of the array, for every parameter and buffer (a name registered as
        None is left out, as in PyTorch), in PyTorch's order."""
        state = OrderedDict()
        for full_name, module, name, kind in self._state_entries():
            value = getattr(module, name)
            state[full_name] = np.array(value.data if kind == "parameter" else value, copy=True)
        return state

    def load_state_dict(self, state_dict: Mapping, strict: bool = True) -> IncompatibleKeys:
        """Copy arrays into the parameters and buffers of the same names
        (``torch.nn.Module.load_state_dict``); returns the missing and unexpected keys.

        Everything is checked before anything is written, so a failed load changes nothing.
        A value that is not an array (or Tensor) of real numbers (strings, objects, complex
        numbers, whose imaginary part would be lost) raises TypeError naming every such key;
        then missing, unexpected and mis-shaped keys, and read-only targets (a buffer that is a
        broadcast view, from ``expand``), raise one ValueError listing them all, in the
        model's order. With ``strict=False``, missing and unexpected keys are allowed (and
        returned), mis-shaped ones are not. Values are cast to the dtype of what they are
        written into (as PyTorch's ``copy_``), in the model's order: a parameter shared under
        two names (``self.b = self.a``) gets the value of the later name, as in PyTorch.
        Parameters are written in place (an optimizer holding them sees the new values) and
        their version counter is bumped, so a graph recorded before the load cannot
        backpropagate through the overwritten values (PyTorch's ``copy_`` does the same).
        """
        strict = check_bool("strict", strict)
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict takes a dict of name -> array, got {type(state_dict).__name__}")
        entries = list(self._state_entries())
        names = {full_name for full_name, *_ in entries}
        unexpected = [key for key in state_dict if key not in names]
        missing, not_numbers, mis_shaped, read_only, writes = [], [], [], [], []
        for full_name, module, name, kind in entries:
            if full_name not in state_dict:
                missing.append(full_name)
                continue
            value = state_dict[full_name]
            try:
                array = np.asarray(value.data if isinstance(value, Tensor) else value)
            except (TypeError, ValueError):  # a ragged list, say
                not_numbers.append(f"{full_name}: {type(value).__name__}")
                continue
            if array.dtype.kind == "c":
                not_numbers.append(f"{full_name}: {array.dtype} (the imaginary part would be lost)")
                continue
            if array.dtype.kind not in "biuf":
                not_numbers.append(f"{full_name}: {array.dtype}")
                continue
            held = getattr(module, name)
            target = held.data if kind == "parameter" else held
            if array.shape != target.shape:
                mis_shaped.append(f"{full_name}: checkpoint {array.shape}, model {target.shape}")
            if not target.flags.writeable:  # a broadcast view (expand), say: it has no memory of its own
                read_only.append(full_name)
            writes.append((target, held if kind == "parameter" else None, array))
        if not_numbers:
            raise TypeError(
                f"state_dict does not fit {type(self).__name__}: not arrays of real numbers: " + "; ".join(not_numbers)
            )
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(map(str, unexpected)))
        if mis_shaped:
            problems.append("mis-shaped: " + "; ".join(mis_shaped))
        if read_only:
            problems.append(
                "read-only in the model (a view such as expand()'s; register a copy, e.g. x.clone()): "
                + ", ".join(read_only)
            )
        if problems:
            raise ValueError(f"state_dict does not fit {type(self).__name__}: " + " | ".join(problems))
        for target, param, array in writes:
            # in place, so that an optimizer holding these parameters sees the new values
            target[...] = array
            if param is not None:
                param._version += 1
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
