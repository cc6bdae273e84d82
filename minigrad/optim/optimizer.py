"""The Optimizer base: everything optimizers share, so each subclass holds only its rule.

The base owns parameter groups (each with its own hyper-parameters, defaults filled
in), validation, per-parameter state, the loop over parameters in ``step()``,
``zero_grad()``, ``state_dict()`` / ``load_state_dict()`` and ``effective_lr()``.
A subclass defines a few small things:

    defaults                        its hyper-parameters and their default values
    checks                          which range each hyper-parameter must lie in
    check_options(options, where)   (optional) checks that tie several options together
    init_state(p, group)            the state a parameter starts with (moving averages...)
    update(p, g, state, group)      one step of its rule, in place on p.data
    effective_lr_of(state, group)   the factor it applied to its update direction
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..tensor import Tensor, no_grad

__all__ = ["Optimizer", "non_negative", "positive", "in_unit_interval", "betas_in_unit_interval", "boolean"]


# --------------------------------------------------------------------- hyper-parameter checks
def non_negative(name, value):
    if not (isinstance(value, (int, float)) and value >= 0):
        raise ValueError(f"Invalid {name}: {value!r} (must be a number >= 0)")


def positive(name, value):
    if not (isinstance(value, (int, float)) and value > 0):
        raise ValueError(f"Invalid {name}: {value!r} (must be a number > 0)")


def in_unit_interval(name, value):
    """Decay rates and momentum: 0 <= value < 1 (at 1 nothing new would ever enter)."""
    if not (isinstance(value, (int, float)) and 0 <= value < 1):
        raise ValueError(f"Invalid {name}: {value!r} (must be in [0, 1))")


def betas_in_unit_interval(name, value):
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise ValueError(f"Invalid {name}: {value!r} (must be a pair (beta1, beta2))")
    for i, beta in enumerate(value):
        in_unit_interval(f"{name}[{i}]", beta)


def boolean(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"Invalid {name}: {value!r} (must be True or False)")


class Optimizer:
    defaults: dict = {}
    checks: dict = {}

    def __init__(self, params, **hyper_parameters):
        self.defaults = {**type(self).defaults, **hyper_parameters}
        self._check(self.defaults, "")
        self.state: dict = {}  # parameter -> its state dict
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts, got a single Tensor; wrap it in a list: [tensor]"
            )
        if isinstance(params, Mapping):
            params = [params]
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list: pass model.parameters() or a list of Tensors")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ----------------------------------------------------------------- groups and checks
    def _check(self, options: Mapping, where: str) -> None:
        for name, check in self.checks.items():
            check(name + where, options[name])
        self.check_options(options, where)

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
            if not p.requires_grad:
                raise ValueError(
                    f"parameter {i} of group {index} (shape {p.shape}) does not require grad, so it cannot be trained"
                )
        if not params:
            raise ValueError(f"parameter group {index} is empty")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"parameter group {index} lists a parameter more than once")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError(f"parameter group {index} repeats a parameter of an earlier group")
        filled = {**self.defaults, **group, "params": params}
        self._check(filled, f" in parameter group {index}")
        self.param_groups.append(filled)

    # ----------------------------------------------------------------- the loop
    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set it to None, as PyTorch does by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self, closure=None):
        """Update every parameter that has a gradient, in place. ``closure``, if given,
        recomputes and returns the loss (it is called first)."""
        loss = closure() if closure is not None else None
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state.get(p)
                    if state is None:
                        state = self.state[p] = self.init_state(p, group)
                    self.update(p, p.grad, state, group)
        return loss

    def init_state(self, p: Tensor, group: dict) -> dict:
        return {}

    def update(self, p: Tensor, g: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    # ----------------------------------------------------------------- effective learning rate
    def effective_lr(self) -> np.ndarray:
        """Per coordinate of every parameter (flattened and concatenated in order): the factor
        this optimizer applied to its update direction in the most recent step. A parameter
        that has not been stepped yet reports its group's lr."""
        parts = []
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state.get(p)
                factor = group["lr"] if state is None else self.effective_lr_of(state, group)
                parts.append(np.broadcast_to(np.asarray(factor, dtype=np.float64), p.shape).ravel())
        return np.concatenate(parts)

    def effective_lr_of(self, state: dict, group: dict):
        return group["lr"]

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
        and state are restored exactly, for the same parameters in the same order."""
        if any(isinstance(key, str) and "/" in key for key in state_dict):
            state_dict = _from_flat(state_dict)
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"the state has {len(groups)} parameter groups, this optimizer has {len(self.param_groups)}"
            )
        params = []
        for i, (saved, group) in enumerate(zip(groups, self.param_groups, strict=True)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"parameter group {i} has {len(group['params'])} parameters, the state has {len(saved['params'])}"
                )
            params.extend(zip(saved["params"], group["params"], strict=True))
        by_index = dict(params)
        new_state = {}
        for index, saved in state_dict["state"].items():
            p = by_index[int(index)]
            restored = {}
            for name, value in saved.items():
                # "step" is a count; every other entry is an array shaped like its parameter
                if name == "step":
                    restored[name] = int(value)
                elif np.shape(value) == p.shape:
                    restored[name] = np.array(value, dtype=p.dtype)
                else:
                    raise ValueError(f"state {name!r} of parameter {index} has shape {np.shape(value)}, not {p.shape}")
            new_state[p] = restored
        for saved, group in zip(groups, self.param_groups, strict=True):
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = new_state

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _from_flat(flat: Mapping) -> dict:
    """Rebuild ``state_dict()``'s layout from the flat "state/0/square_avg" keys that
    ``mg.save`` writes: hyper-parameters come back as Python numbers, betas as a tuple,
    "params" as a list of indices, state entries as arrays (and "step" as an int)."""
    state: dict = {}
    groups: dict = {}
    for key, value in flat.items():
        kind, index, name = key.split("/", 2)
        index = int(index)
        if kind == "state":
            state.setdefault(index, {})[name] = value
        elif kind == "param_groups":
            array = np.asarray(value)
            if name == "params":
                value = [int(i) for i in array]
            elif array.ndim == 1:
                value = tuple(x.item() for x in array)
            else:
                value = array.item()
            groups.setdefault(index, {})[name] = value
        else:
            raise ValueError(f"unexpected key {key!r} in an optimizer state")
    return {"state": state, "param_groups": [groups[i] for i in sorted(groups)]}
