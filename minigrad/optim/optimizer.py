"""The Optimizer base: everything optimizers share, so each subclass holds only its rule.

The base owns parameter groups (each with its own hyper-parameters, defaults filled
in), validation, per-parameter state, the loop over parameters in ``step()``,
``zero_grad()``, ``state_dict()`` / ``load_state_dict()`` and ``effective_lr()``.
A subclass defines a few small things:

    defaults                        its hyper-parameters and their default values
    checks                          which range each hyper-parameter must lie in (checks.py)
    state_keys                      (optional) the names its per-parameter state may hold, if
                                    more than init_state gives (SGD adds its buffer later)
    scalar_state                    (optional) the state entries that are one number, not an
                                    array, and the check each must pass (NAdam's mu_product)
    check_options(options, where)   (optional) checks that tie several options together
    init_state(p, group)            the state a parameter starts with (moving averages...)
    update(p, g, state, group)      one step of its rule, in place on p.data
    effective_lr_of(state, group)   the factor it applied to its update direction
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping

import numpy as np

from ..checks import check_bool, check_decay, check_int, check_non_negative, check_pair, shown
from ..tensor import Tensor, no_grad

__all__ = ["Optimizer", "check_betas"]

# The scratch chunk of _subtract_scaled: small enough to stay in a core's L2 cache beside the
# two streams it works on (512 KiB on the machine measured; 64-512 KiB chunks all gained).
# Parameters below _CHUNKED_FROM_BYTES take the plain expression: theta, g and a temporary
# as large then still fit in the last-level cache (8 MiB there), where the chunks' extra
# numpy calls cost more than they save (a 0.8 MB weight: 90 us against 71)
_CHUNK_BYTES = 1 << 18
_CHUNKED_FROM_BYTES = 1 << 21


def check_betas(name: str, value) -> tuple[float, float]:
    """Adam's (beta1, beta2): a pair of decay rates, each in [0, 1)."""
    return check_pair(name, value, "beta1, beta2", check_decay, check_decay)


class Optimizer:
    """The base of every optimizer (``torch.optim.Optimizer``).

    ``params``: an iterable of Tensors (floating point, usually a model's ``parameters()``),
    or of dicts, each a parameter group ``{"params": [...], "lr": ..., ...}`` whose options
    override the constructor's. Each parameter may appear once. A hyper-parameter of the
    wrong type raises TypeError, one out of its range ValueError, at construction or in
    ``add_param_group``. ``step()`` updates every parameter whose ``.grad`` is set, in place,
    in the parameter's own dtype; a ``.grad`` that is not an array or has the wrong shape is
    refused before any parameter changes.

    Writing your own optimizer: subclass it and give only the rule. The base does the
    rest (groups, checks, the loop over parameters, ``zero_grad``, ``state_dict``,
    ``effective_lr``, and ``fit``'s and ``mg.compare``'s summaries).

    - ``defaults`` (class attribute, dict): every hyper-parameter and its default value;
      ``MyOptimizer(params, lr=0.5)`` overrides one, so no ``__init__`` is needed.
    - ``checks`` (dict): for each hyper-parameter, the check from ``minigrad.checks`` it
      must pass (``check_non_negative``, ``check_decay``, ...), run at construction.
    - ``init_state(p, group)``: the state of parameter ``p`` before its first step, a dict
      of arrays (``np.zeros(p.shape, p.data.dtype)``: the parameter's dtype, so a float32
      model stays float32); the default is ``{}``.
    - ``update(p, g, state, group)``: one step of the rule, in place on ``p.data`` and the
      arrays in ``state``, with ``g`` the gradient and ``group`` the hyper-parameters
      (``group["lr"]``).
    - ``effective_lr_of(state, group)``: the factor the rule multiplied its update
      direction by, for ``effective_lr()`` and the figures; the default, ``group["lr"]``,
      is right for rules of the form ``theta -= lr * direction``.
    - Optional: ``check_options(options, where)`` for checks that tie several options
      together; ``state_keys`` when ``update`` adds state entries that ``init_state`` did
      not make; ``elementwise_rates = False`` when ``effective_lr_of`` mixes coordinates;
      ``scalar_state`` (``{name: check}``) for state entries that are a single Python number
      rather than an array (besides ``"step"``, always a count), so that ``load_state_dict``
      restores them as exactly that number.

    Example, a plain AdaGrad::

        import numpy as np
        from minigrad.checks import check_non_negative
        from minigrad.optim import Optimizer

        class MyAdagrad(Optimizer):
            defaults = {"lr": 0.1, "eps": 1e-10}
            checks = {"lr": check_non_negative, "eps": check_non_negative}

            def init_state(self, p, group):
                return {"sum": np.zeros(p.shape, dtype=p.data.dtype)}

            def update(self, p, g, state, group):
                state["sum"] += g * g
                p.data -= self.effective_lr_of(state, group) * g

            def effective_lr_of(self, state, group):
                return group["lr"] / (np.sqrt(state["sum"]) + group["eps"])

    ``MyAdagrad(model.parameters(), lr=0.5)`` then trains with ``fit``, and
    ``mg.compare(..., optimizers=["sgd", MyAdagrad])`` compares it with the built-in ones.
    """

    defaults: dict = {}
    checks: dict = {}
    state_keys: tuple | None = None  # None: the names init_state gives
    scalar_state: dict = {}  # state entry -> its check, for numbers that are not arrays ("step" aside)

    def __init__(self, params, **hyper_parameters):
        defaults = {**type(self).defaults, **hyper_parameters}
        self.defaults = {**defaults, **self._check(defaults, "")}
        self.state: dict = {}  # parameter -> its state dict
        self._flat: dict = {}  # group index -> (its state as flat arrays, views): see _group_state
        self._scratch: dict = {}  # dtype -> a chunk-sized buffer for _subtract_scaled
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts, got a single Tensor; wrap it in a list: [tensor]"
            )
        if callable(getattr(params, "named_parameters", None)):  # a model, where its parameters were meant
            raise TypeError(
                f"params must be an iterable of Tensors or of dicts, got the model {type(params).__name__}: "
                "pass its parameters, model.parameters()"
            )
        if isinstance(params, Mapping):
            params = [params]
        if not isinstance(params, Iterable):
            hint = f": call it, {params.__name__}()" if callable(params) and hasattr(params, "__name__") else ""
            raise TypeError(f"params must be an iterable of Tensors or of dicts, got {shown(params)}{hint}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list: pass model.parameters() or a list of Tensors")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ----------------------------------------------------------------- groups and checks
    def _check(self, options: Mapping, where: str) -> dict:
        """Check every hyper-parameter (wrong type: TypeError, out of range: ValueError, the
        message naming it and ``where`` it is) and return them in plain Python form: floats,
        bools, a tuple of floats for betas. A numpy float64 lr would otherwise turn a float32
        model's updates into float64 arithmetic."""
        checked = {name: check(name + where, options[name]) for name, check in self.checks.items()}
        if "initial_lr" in options:  # set by an lr scheduler
            checked["initial_lr"] = check_non_negative("initial_lr" + where, options["initial_lr"])
        self.check_options(checked, where)
        return checked

    def check_options(self, options: Mapping, where: str) -> None:
        """Checks that involve several options at once (SGD: nesterov needs momentum)."""

    def add_param_group(self, group: Mapping) -> None:
        """Add parameters with their own hyper-parameters; unspecified ones take the defaults."""
        if not isinstance(group, Mapping) or "params" not in group:
            raise TypeError("a parameter group is a dict with a 'params' entry")
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(
                f"unknown option(s) {sorted(unknown)} for {type(self).__name__}; it takes {sorted(self.defaults)}"
            )
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        index = len(self.param_groups)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"parameter {i} of group {index} is a {type(p).__name__}, not a Tensor")
            if not p.is_leaf:  # PyTorch's rule; one that does not require grad is kept, and skipped while frozen
                raise ValueError(
                    f"parameter {i} of group {index} (shape {p.shape}) is the result of '{p._op}', not a leaf tensor: "
                    "an optimizer changes leaves (model.parameters(), or a tensor made with requires_grad=True)"
                )
        if not params:
            raise ValueError(f"parameter group {index} is empty")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"parameter group {index} lists a parameter more than once")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError(f"parameter group {index} repeats a parameter of an earlier group")
        filled = {**self.defaults, **group, "params": params}
        filled.update(self._check(filled, f" in parameter group {index}"))
        self.param_groups.append(filled)

    # ----------------------------------------------------------------- the loop
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: set it to None (PyTorch's default), or with
        ``set_to_none=False`` fill the existing gradient arrays with zeros."""
        if set_to_none is not True:  # the check only off the common path: this runs every step
            set_to_none = check_bool("set_to_none", set_to_none)
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad[...] = 0

    def step(self, closure=None):
        """Update every parameter that has a gradient, in place, and bump its version counter
        (a backward through a graph recorded before the change can then refuse to run).
        ``closure``, if given, recomputes and returns the loss (it is called first)."""
        loss = closure() if closure is not None else None
        # checked before anything changes, so that a bad gradient leaves no step half-applied
        for g_index, group in enumerate(self.param_groups):
            for p_index, p in enumerate(group["params"]):
                grad = p.grad
                if grad is None or (type(grad) is np.ndarray and grad.shape == p.data.shape):
                    continue  # what backward() gives, without the calls below (this runs every step)
                if not isinstance(grad, (np.ndarray, np.generic)):
                    raise TypeError(
                        f"parameter {p_index} of group {g_index} has a .grad of type {type(grad).__name__}; "
                        "it must be a numpy array (backward() makes one); no parameter was updated"
                    )
                if np.shape(grad) != p.shape:
                    raise ValueError(
                        f"parameter {p_index} of group {g_index} has shape {p.shape} but its .grad has shape "
                        f"{np.shape(grad)}; no parameter was updated"
                    )
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state.get(p)
                    if state is None:
                        state = self.state[p] = self.init_state(p, group)
                    self.update(p, p.grad, state, group)
                    p._version += 1
        return loss

    def init_state(self, p: Tensor, group: dict) -> dict:
        """The state a parameter starts with. Arrays come from np.zeros / np.full with
        p.shape, so even a 0-d parameter's state is an ndarray that updates in place (never
        a numpy scalar, which ``*=`` would silently rebind)."""
        return {}

    def update(self, p: Tensor, g: np.ndarray, state: dict, group: dict) -> None:
        """One step, in place on p.data and on the arrays in ``state``. ``g`` may be a numpy
        scalar when p is 0-d, and arithmetic on 0-d arrays gives numpy scalars: state made
        from g must be made an array explicitly (np.array)."""
        raise NotImplementedError

    def _subtract_scaled(self, theta: np.ndarray, lr: float, g) -> None:
        """``theta -= lr * g`` in place, with the same two roundings per element (the product
        rounded to theta's dtype, then the difference), but on a large parameter one chunk at
        a time through a small scratch buffer that stays in the core's cache, instead of
        through a temporary as large as theta: the update then streams theta and g from
        memory once each (on a 4 MB weight about a fifth of the update's time saved).

        Only where the chunks give the very same operations: theta C-contiguous (the chunks
        are views of it), g too (flattening it would copy it), of theta's dtype, the two not
        sharing memory (a chunk would read what an earlier one wrote), and lr a Python float
        (a weak scalar, so the product is in theta's dtype as ``lr * g`` would be). Anything
        else takes the plain expression."""
        if (
            theta.nbytes < _CHUNKED_FROM_BYTES
            or type(lr) is not float
            or type(g) is not np.ndarray
            or g.dtype != theta.dtype
            or not (theta.flags.c_contiguous and g.flags.c_contiguous)
            or np.may_share_memory(theta, g)
        ):
            theta -= lr * g
            return
        chunk = _CHUNK_BYTES // theta.itemsize
        scratch = self._scratch.get(theta.dtype)
        if scratch is None:
            scratch = self._scratch[theta.dtype] = np.empty(chunk, theta.dtype)
        flat_theta, flat_g = theta.reshape(-1), g.reshape(-1)
        for start in range(0, theta.size, chunk):
            part = flat_theta[start : start + chunk]
            product = scratch[: part.size]
            np.multiply(lr, flat_g[start : start + chunk], out=product)
            np.subtract(part, product, out=part)

    # ----------------------------------------------------------------- effective learning rate
    def effective_lr(self) -> np.ndarray:
        """Per coordinate of every parameter (flattened and concatenated in order): the factor
        this optimizer applied to its update direction in the most recent step, float64. A
        parameter that has not been stepped yet reports its group's lr."""
        parts = []
        for index, group in enumerate(self.param_groups):
            state = self._group_state(index)
            if state is not None:  # the whole group in one go
                size = sum(p.size for p in group["params"])
                parts.append(np.broadcast_to(np.asarray(self.effective_lr_of(state, group), np.float64), (size,)))
                continue
            for p in group["params"]:
                state = self.state.get(p)
                factor = group["lr"] if state is None else self.effective_lr_of(state, group)
                parts.append(np.broadcast_to(np.asarray(factor, dtype=np.float64), p.shape).ravel())
        return np.concatenate(parts)

    def effective_lr_of(self, state: dict, group: dict):
        """The effective learning rate of one parameter: the factor its last step multiplied
        the update direction by (``lr`` for SGD, ``lr / (sqrt(v) + eps)`` for RMSprop), from
        its ``state`` (after ``update``) and its ``group``'s hyper-parameters. Returns a
        number (the same for every coordinate) or an array of the state arrays' shape (one
        per coordinate). ``effective_lr()`` calls it for each stepped parameter, and for a
        whole group at once (its state arrays flattened and joined) unless the class sets
        ``elementwise_rates = False``. The default, ``group["lr"]``, fits rules of the form
        ``theta -= lr * direction``; override it when the factor depends on the state. An
        optimizer without an ``lr`` hyper-parameter must override it. No PyTorch equivalent
        (PyTorch reports no effective learning rate). ``TypeError`` if the group has no
        ``lr``."""
        if "lr" not in group:
            raise TypeError(
                f"{type(self).__name__} has no 'lr' hyper-parameter (its defaults: {sorted(type(self).defaults)}), "
                "so the optimizer base cannot tell the factor its update multiplies the direction by; define "
                "effective_lr_of(self, state, group) to return it (see help(optim.Optimizer))"
            )
        return group["lr"]

    # True where effective_lr_of computes each coordinate's rate from that coordinate's state
    # alone (elementwise), so it may be applied to a whole group's state at once; it counts
    # only in the class that defines effective_lr_of, so an override is never taken for it.
    elementwise_rates = True

    def _group_state(self, index: int) -> dict | None:
        """The state of every parameter of parameter group ``index`` as one dict: each array
        entry as one flat array (the parameters' arrays flattened and concatenated in order),
        each other entry (a step count) the value all parameters share. The parameters' own
        entries become views into these arrays, so the rule's in-place updates keep them
        current. None if the group cannot be seen as one: a parameter not stepped yet, entries
        that differ in name, shape, dtype or step, or an ``effective_lr_of`` not known to be
        elementwise. ``effective_lr()`` and ``fit``'s summaries use it to compute the rates
        of all coordinates in a few array operations instead of several per parameter."""
        params = self.param_groups[index]["params"]
        states = list(map(self.state.get, params))
        flat = self._flat.get(index)
        if flat is None or not flat.holds(states):
            if not _elementwise_rates(type(self)) or type(None) in map(type, states):
                return None
            flat = _FlatState(params, states)
            if flat.arrays is None:
                return None
            self._flat[index] = flat
        return flat.state(states)

    # ----------------------------------------------------------------- state dicts
    def state_dict(self) -> dict:
        """PyTorch's layout: {"state": {index: {name: array or step}}, "param_groups": [options
        with "params" as indices]}. Arrays are copies. ``mg.save`` can write it."""
        index_of = {}
        groups = []
        for group in self.param_groups:
            indices = []
            for p in group["params"]:
                index_of[id(p)] = len(index_of)
                indices.append(index_of[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": indices})
        state = {
            index_of[id(p)]: {
                name: (np.array(v, copy=True) if isinstance(v, np.ndarray) else v) for name, v in s.items()
            }
            for p, s in self.state.items()
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Resume from ``state_dict()`` (or from ``mg.load`` of a saved one): hyper-parameters
        and state are restored exactly, for the same parameters in the same order. As in
        PyTorch, each group's options are replaced by the saved ones (its parameters stay).

        Everything is checked first (the layout, group count and sizes, every option's type
        and range, which state entries this optimizer knows and needs, their shapes): on any
        error a ``TypeError``/``ValueError`` names what is wrong and the optimizer is unchanged."""
        groups, state = self._validated(state_dict)
        # nothing below can fail
        for group, options in zip(self.param_groups, groups, strict=True):
            params = group["params"]
            group.clear()
            group.update(options)
            group["params"] = params
        self.state = state

    def _validated(self, state_dict) -> tuple[list[dict], dict]:
        """The options of each group and the new state, from a state dict; raises on anything
        that does not fit this optimizer and its parameters. Changes nothing."""
        name = type(self).__name__
        if not isinstance(state_dict, Mapping):
            kind = type(state_dict).__name__
            raise TypeError(f"load_state_dict takes a dict from state_dict() or mg.load, got {kind}")
        if any(isinstance(key, str) and "/" in key for key in state_dict):
            state_dict = _from_flat(state_dict)
        missing = [key for key in ("state", "param_groups") if key not in state_dict]
        unexpected = sorted(map(repr, set(state_dict) - {"state", "param_groups"}))
        if missing or unexpected:
            raise ValueError(
                "not an optimizer state: "
                + "; ".join(
                    ([f"missing {' and '.join(map(repr, missing))}"] if missing else [])
                    + ([f"unexpected {', '.join(unexpected)}"] if unexpected else [])
                )
            )
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, (list, tuple)):
            raise TypeError(f"the state's 'param_groups' must be a list of dicts, got {type(saved_groups).__name__}")
        if not isinstance(saved_state, Mapping):
            raise TypeError(f"the state's 'state' must be a dict, got {type(saved_state).__name__}")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the state has {len(saved_groups)} parameter groups, this optimizer has {len(self.param_groups)}"
            )

        groups = []
        param_of, group_of = {}, {}  # saved index -> parameter, and -> its group's options
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            if not isinstance(saved, Mapping) or "params" not in saved:
                raise TypeError(f"parameter group {i} of the state must be a dict with a 'params' entry")
            indices = saved["params"]
            if not isinstance(indices, (list, tuple)):
                raise TypeError(
                    f"'params' of parameter group {i} of the state must be a list of indices, got {indices!r}"
                )
            if len(indices) != len(group["params"]):
                raise ValueError(
                    f"parameter group {i} has {len(group['params'])} parameters, the state has {len(indices)}"
                )
            options = {k: v for k, v in saved.items() if k != "params"}
            unknown = sorted(set(options) - set(self.defaults) - {"initial_lr"})
            lacking = sorted(set(self.defaults) - set(options))
            if unknown or lacking:
                why = "a state saved from another optimizer?"
                if set(unknown) <= _PYTORCH_SWITCHES:
                    why = (
                        "PyTorch's options, which minigrad does not have: delete them from the state's param_groups "
                        "(for maximize=True, minimise the negated loss instead)"
                    )
                raise ValueError(
                    f"parameter group {i} of the state does not fit {name}"
                    + (f": unexpected option(s) {unknown} ({why})" if unknown else "")
                    + (f"{';' if unknown else ':'} missing option(s) {lacking}" if lacking else "")
                )
            options.update(self._check(options, f" in parameter group {i} of the state"))
            groups.append(options)
            for index, p in zip(indices, group["params"], strict=True):
                index = check_int(f"parameter index {index!r} in group {i} of the state", index)
                if index in param_of:
                    raise ValueError(f"parameter index {index} appears twice in the state's param_groups")
                param_of[index], group_of[index] = p, options

        state = {}
        for key, entries in saved_state.items():
            index = _state_index(key)
            if index not in param_of:
                raise ValueError(
                    f"the state has an entry for parameter {key!r}, but its param_groups list parameters "
                    f"{sorted(param_of)} only ({len(param_of)} parameters)"
                )
            p = param_of[index]
            if p in state:
                raise ValueError(f"the state has two entries for parameter {index}")
            if not isinstance(entries, Mapping):
                raise TypeError(f"the state of parameter {index} must be a dict, got {type(entries).__name__}")
            needed = list(self.init_state(p, group_of[index]))
            known = needed if self.state_keys is None else self.state_keys
            unknown = sorted(set(entries) - set(known))
            lacking = sorted(set(needed) - set(entries))
            if unknown or lacking:
                raise ValueError(
                    f"the state of parameter {index} does not fit {name} "
                    f"(which keeps {', '.join(map(repr, known)) or 'no state'})"
                    + (f": unexpected {unknown} (a state saved from another optimizer?)" if unknown else "")
                    + (f"{';' if unknown else ':'} missing {lacking}" if lacking else "")
                )
            state[p] = {
                entry: _state_value(entry, value, index, p, self.scalar_state.get(entry))
                for entry, value in entries.items()
            }
        return groups, state

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


class _FlatState:
    """One parameter group's state as flat arrays (see ``Optimizer._group_state``), for the
    state dicts it was made from; ``arrays`` is None if they do not line up."""

    def __init__(self, params: list, states: list):
        self.states = states
        self.arrays = {}
        self.views = [], [], []  # the states, keys and views they now hold (three lists, for map)
        first = states[0]
        self.entries = len(first)
        self.shared = [key for key, value in first.items() if not isinstance(value, np.ndarray)]
        if any(state.keys() != first.keys() for state in states):
            self.arrays = None
            return
        for key in first.keys() - set(self.shared):
            values = [state[key] for state in states]
            if any(not isinstance(v, np.ndarray) or v.shape != p.shape or v.dtype != first[key].dtype
                   for v, p in zip(values, params, strict=True)):  # fmt: skip
                self.arrays = None
                return
            buffer = np.concatenate(values, axis=None)
            start = 0
            for state, p in zip(states, params, strict=True):
                state[key] = view = buffer[start : start + p.size].reshape(p.shape)
                for where, what in zip(self.views, (state, key, view), strict=True):
                    where.append(what)
                start += p.size
            self.arrays[key] = buffer

    def holds(self, states: list) -> bool:
        """Whether these are still the state dicts, with their arrays, it was made from."""
        held_states, keys, views = self.views
        return (  # in map's C loops: this runs at every step of fit
            len(states) == len(self.states)
            and all(map(operator.is_, states, self.states))
            and set(map(len, states)) == {self.entries}
            and all(map(operator.is_, map(dict.get, held_states, keys), views))
        )

    def state(self, states: list) -> dict | None:
        """The group's state: the flat arrays, and the other entries if all states agree."""
        state = dict(self.arrays)
        for key in self.shared:
            values = [s.get(key) for s in states]
            if values.count(values[0]) != len(values):
                return None
            state[key] = values[0]
        return state


# options of a PyTorch optimizer's param_groups that minigrad has no use for (how the rule is
# computed: kernels, devices, autograd through the step; or maximize): a state dict saved by
# PyTorch has them
_PYTORCH_SWITCHES = {"foreach", "fused", "capturable", "differentiable", "maximize"}


def _elementwise_rates(cls) -> bool:
    """Whether the class that defines ``cls.effective_lr_of`` declares it elementwise."""
    for klass in cls.__mro__:
        if "effective_lr_of" in vars(klass):
            return vars(klass).get("elementwise_rates", False)
    return False


def _state_index(key) -> int:
    """A state entry's key: a parameter index (an int, or its digits, as JSON would give)."""
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return check_int(f"parameter index {key!r} in the state", key)


def _state_value(entry: str, value, index: int, p: Tensor, scalar_check=None):
    """A copy of one saved state entry: "step" is a count (an int); an entry with a
    ``scalar_check`` one number (a Python float, exactly the saved value, whatever the
    parameter's dtype: NAdam's mu_product); every other entry an array shaped like its
    parameter, in the parameter's dtype (as PyTorch casts it)."""
    array = np.asarray(value)
    if entry == "step":
        if array.shape != () or array.dtype.kind not in "iuf":
            raise TypeError(f"state 'step' of parameter {index} must be a whole number >= 0, got {value!r}")
        if not (np.isfinite(array) and array >= 0 and array == np.floor(array)):
            raise ValueError(f"state 'step' of parameter {index} must be a whole number >= 0, got {value!r}")
        return int(array)
    if scalar_check is not None:
        if array.shape != () or array.dtype.kind not in "iuf":
            raise TypeError(f"state {entry!r} of parameter {index} must be a number, got {value!r}")
        return scalar_check(f"state {entry!r} of parameter {index}", array.item())
    if array.dtype.kind not in "iuf":
        raise TypeError(f"state {entry!r} of parameter {index} must be an array of numbers, got {value!r}")
    if array.shape != p.shape:
        raise ValueError(f"state {entry!r} of parameter {index} has shape {array.shape}, not {p.shape}")
    return np.array(array, dtype=p.dtype)  # always a copy, and an ndarray even for 0-d


def _from_flat(flat: Mapping) -> dict:
    """Rebuild ``state_dict()``'s layout from flat "state/0/square_avg" keys, as ``mg.load``
    gives back a file without minigrad's record of its nesting (written by numpy's savez, or
    by an older minigrad): hyper-parameters come back as Python numbers, betas as a tuple,
    "params" as a list of indices, state entries as arrays. An empty state has no keys."""
    state: dict = {}
    groups: dict = {}
    for key, value in flat.items():
        parts = key.split("/", 2) if isinstance(key, str) else []
        if len(parts) != 3 or parts[0] not in ("state", "param_groups") or not parts[1].isdigit():
            raise ValueError(
                f"unexpected key {key!r} in an optimizer state "
                "(keys are 'state/<index>/<name>' and 'param_groups/<index>/<option>')"
            )
        kind, index, name = parts[0], int(parts[1]), parts[2]
        if kind == "state":
            state.setdefault(index, {})[name] = value
        else:
            array = np.asarray(value)
            if array.ndim == 0:
                value = array.item()
            elif name == "params":
                value = array.tolist()
            else:
                value = tuple(array.tolist())
            groups.setdefault(index, {})[name] = value
    rebuilt = {"state": state}
    if groups:
        if sorted(groups) != list(range(len(groups))):
            raise ValueError(f"the saved parameter groups are numbered {sorted(groups)}, not 0 to {len(groups) - 1}")
        rebuilt["param_groups"] = [groups[i] for i in range(len(groups))]
    return rebuilt
