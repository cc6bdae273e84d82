"""Containers: Sequential applies modules one after another; ModuleList and ModuleDict
only hold them, so that their parameters are registered (a plain Python list hides them
from ``parameters()``, ``state_dict()`` and the optimizer)."""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping

from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


class Sequential(Module):
    """``Sequential(a, b, c)(x) == c(b(a(x)))``. Children are named "0", "1", ... (or by the
    keys of an OrderedDict), as in PyTorch, so parameters are "0.weight", "0.bias", ...

    Like PyTorch's it supports ``len``, iteration, ``s[i]`` (negative too) and ``s[a:b]`` (see
    ``__getitem__``), ``s[i] = module`` (the head-replacement idiom ``model[-1] =
    nn.Linear(8, 10)``; the child keeps its name), ``del s[i]`` or ``del s[a:b]``, ``pop(i)``,
    ``insert(i, module)``, ``append``, ``extend``, ``s + other`` and ``s += other`` (another
    Sequential). Deleting, popping and inserting renumber every child "0", "1", ... (PyTorch
    renumbers after a deletion too; its ``insert`` fails on children with names); ``+`` and
    ``+=`` number the added children by position, as in PyTorch. An index that is not an
    integer raises TypeError, one out of range IndexError; an item that is not a Module
    TypeError (PyTorch: AssertionError in ``insert``, ValueError for ``+`` of another type).
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            named = list(modules[0].items())
        else:
            named = [(str(i), m) for i, m in enumerate(modules)]
        for name, module in named:
            if not isinstance(module, Module):
                raise TypeError(f"Sequential takes Modules; item {name} is a {type(module).__name__}")
            self.add_module(name, module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def append(self, module) -> Sequential:
        """Add ``module`` at the end, named by its position (``Sequential.append``); returns self.
        A slice keeps its children's names, so in ``model[1:]`` (children "1", "2") that name
        can already be taken: PyTorch then silently replaces that child, minigrad raises
        ValueError (``nn.Sequential(*part)`` renumbers the children from "0")."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules; append got a {type(module).__name__}")
        self._check_free_positions(1, "append")
        self.add_module(str(len(self)), module)
        return self

    def _check_free_positions(self, count: int, where: str) -> None:
        """ValueError if a name the next ``count`` positions would take already names a child."""
        taken = [name for name in map(str, range(len(self), len(self) + count)) if name in self._modules]
        if taken:
            raise ValueError(
                f'Sequential.{where} would name a new module "{taken[0]}" (its position), which already names '
                f"a child (a slice keeps the names it had): renumber first with nn.Sequential(*part)"
            )

    def extend(self, modules) -> Sequential:
        """``append`` each of ``modules`` in turn (``Sequential.extend``), all checked before
        any is added; returns self."""
        modules = _modules_of(modules, "Sequential.extend")
        self._check_free_positions(len(modules), "extend")
        for module in modules:  # checked above: append would check each again
            self.add_module(str(len(self)), module)
        return self

    def __getitem__(self, index):
        """``s[i]`` is the i-th module (negative counts from the end); ``s[a:b]`` a new
        Sequential of the same class holding those modules under their names here, as in
        PyTorch, so ``model[:2].state_dict()`` has the keys of ``model.state_dict()`` and loads
        from it (the children are shared, not copied)."""
        if isinstance(index, slice):
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        return list(self._modules.values())[self._position(index)]

    def _position(self, index) -> int:
        """``index`` as a position from 0; TypeError for an index that is not an integer
        ("0", 1.0), IndexError out of range, as PyTorch gives."""
        try:
            i = operator.index(index)
        except TypeError:
            raise TypeError(
                f"Sequential indices are integers or slices, got {type(index).__name__} {index!r}"
            ) from None
        if not -len(self) <= i < len(self):
            raise IndexError(f"index {i} is out of range for a Sequential of {len(self)} modules")
        return i % len(self)

    def __setitem__(self, index, module: Module) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules; item assignment got a {type(module).__name__}")
        self.add_module(list(self._modules)[self._position(index)], module)

    def __delitem__(self, index) -> None:
        _delete(self, index)

    def insert(self, index: int, module: Module) -> Sequential:
        """Put ``module`` before position ``index`` (``-len(s) <= index <= len(s)``, else
        IndexError, as in PyTorch) and renumber the children; returns self."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules; insert got a {type(module).__name__}")
        try:
            i = operator.index(index)
        except TypeError:
            raise TypeError(f"Sequential.insert takes an integer index, got {type(index).__name__} {index!r}") from None
        if not -len(self) <= i <= len(self):
            raise IndexError(f"index {i} is out of range for inserting into a Sequential of {len(self)} modules")
        modules = list(self._modules.values())
        modules.insert(i, module)
        _renumber(self, modules)
        return self

    def pop(self, index) -> Module:
        """Remove and return the module at ``index`` (a slice: a Sequential of those modules,
        under their names before the removal); the rest are renumbered (``Sequential.pop``)."""
        module = self[index]
        del self[index]
        return module

    def __add__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise TypeError(f"only a Sequential can be added to a Sequential, got {type(other).__name__}")
        return Sequential(*self, *other)

    def __iadd__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise TypeError(f"only a Sequential can be added to a Sequential, got {type(other).__name__}")
        return self.extend(list(other))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleList(Module):
    """A list of modules whose parameters belong to the owner (``torch.nn.ModuleList``)::

        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        for layer in self.layers:
            x = layer(x).relu()

    Children are named "0", "1", ... by position and renumbered after ``insert`` and ``del``,
    so parameters are "layers.0.weight" etc., PyTorch's keys. Supports ``len``, iteration,
    ``m[i]`` (negative too; a slice gives a new ModuleList), ``m[i] = module``, ``del m[i]``
    (or a slice), ``append``, ``extend``, ``insert`` (Python's list rule for any index), ``pop``,
    ``+=`` and ``+``. An item that is not a Module raises TypeError, an index out of range
    IndexError, a non-integer index TypeError. A ModuleList has no ``forward``: calling it
    raises NotImplementedError, as in PyTorch.
    """

    def __init__(self, modules: Iterable[Module] | None = None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            "a ModuleList is not callable: call its modules, e.g. `for layer in self.layers: x = layer(x)`"
        )

    def _position(self, index) -> int:
        i = operator.index(index)  # TypeError for "0" or 1.0, as a list gives
        if not -len(self) <= i < len(self):
            raise IndexError(f"index {i} is out of range for a ModuleList of {len(self)} modules")
        return i % len(self)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[str(self._position(index))]

    def __setitem__(self, index, module: Module) -> None:
        self.add_module(str(self._position(index)), module)

    def __delitem__(self, index) -> None:
        _delete(self, index)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *_modules_of(other, "ModuleList +")])

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end, named by its position; returns the list."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of ``modules``; returns the list."""
        for module in _modules_of(modules, "ModuleList.extend"):  # all checked before any is added
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` before position ``index``; later modules are renumbered."""
        modules = list(self._modules.values())
        modules.insert(operator.index(index), _modules_of([module], "ModuleList.insert")[0])
        _renumber(self, modules)

    def pop(self, index: int = -1) -> Module:
        """Remove and return the module at ``index``; later modules are renumbered."""
        module = self[index]
        del self[index]
        return module


class ModuleDict(Module):
    """A dict of modules whose parameters belong to the owner (``torch.nn.ModuleDict``):
    ``ModuleDict({"enc": nn.Linear(4, 2), "dec": nn.Linear(2, 4)})`` names its parameters
    "enc.weight" etc. Keeps insertion order; supports ``d[key]``, ``d[key] = module``,
    ``del d[key]``, ``in``, ``len``, iteration over keys, ``keys()``, ``values()``,
    ``items()``, ``update()``, ``pop()``, ``clear()``. Keys follow ``Module.add_module``: a
    key that is not a string or a value that is not a Module is a TypeError; an empty key,
    one with ".", or the name of a Module attribute ("train", "forward") a KeyError. Calling
    a ModuleDict raises NotImplementedError, as in PyTorch.
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("a ModuleDict is not callable: call its modules, e.g. `self.layers['enc'](x)`")

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        if key not in self._modules:
            raise KeyError(key)
        delattr(self, key)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def keys(self):
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self):
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self):
        """(name, module) pairs, in insertion order."""
        return self._modules.items()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace entries from a mapping or from (key, module) pairs."""
        if isinstance(modules, Mapping):
            pairs = list(modules.items())
        elif isinstance(modules, Iterable) and not isinstance(modules, (str, Module)):
            pairs = list(modules)
            for i, pair in enumerate(pairs):
                if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                    raise TypeError(f"ModuleDict.update: item {i} must be a (key, module) pair, got {pair!r}")
        else:
            raise TypeError(
                f"ModuleDict.update takes a mapping or (key, module) pairs, got {type(modules).__name__}"
            )
        for key, module in pairs:
            self[key] = module

    def pop(self, key: str) -> Module:
        """Remove and return the module named ``key`` (KeyError if there is none)."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        for key in list(self._modules):
            del self[key]


def _delete(container: Module, index) -> None:
    """``del container[index]`` (an index, checked by the container's ``_position``, or a
    slice), the rest renumbered."""
    modules = list(container._modules.values())
    del modules[index if isinstance(index, slice) else container._position(index)]
    _renumber(container, modules)


def _renumber(container: Module, modules: list) -> None:
    """Make ``container`` hold exactly ``modules``, named "0", "1", ... in order."""
    for name in list(container._modules):
        delattr(container, name)
    for i, module in enumerate(modules):
        container.add_module(str(i), module)


def _modules_of(modules, where: str) -> list:
    """``modules`` as a list, each item checked to be a Module."""
    if not isinstance(modules, Iterable):
        raise TypeError(f"{where} takes an iterable of Modules, got {type(modules).__name__}")
    modules = list(modules)
    for i, module in enumerate(modules):
        if not isinstance(module, Module):
            raise TypeError(f"{where}: item {i} is a {type(module).__name__}, not a Module")
    return modules
