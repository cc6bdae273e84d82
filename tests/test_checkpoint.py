"""mg.save / mg.load: round trips, refusing pickles, and atomic writes."""

import os

import numpy as np
import pytest

import minigrad as mg


def test_round_trip_keeps_names_values_and_dtypes(tmp_path):
    state = {
        "fc1.weight": mg.Tensor(np.arange(6, dtype=np.float32).reshape(2, 3)),
        "fc1.bias": np.array([1.5, -2.5]),
        "step": 7,
        "file": np.ones(1),  # a name np.savez could not take
    }
    path = tmp_path / "model.npz"
    mg.save(state, path)
    loaded = mg.load(path)
    assert list(loaded) == list(state)
    np.testing.assert_array_equal(loaded["fc1.weight"], state["fc1.weight"].data)
    assert loaded["fc1.weight"].dtype == np.float32
    np.testing.assert_array_equal(loaded["fc1.bias"], [1.5, -2.5])
    assert loaded["step"] == 7


def test_objects_are_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match="'bad' holds object"):
        mg.save({"bad": np.array([{"a": 1}], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="keys must be strings"):
        mg.save({1: np.ones(1)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dict of name -> array"):
        mg.save([np.ones(1)], tmp_path / "x.npz")


def test_a_file_holding_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([object()], dtype=object))
    with pytest.raises(ValueError, match="'payload' holds Python objects.*pickle"):
        mg.load(path)


def test_files_that_are_not_npz_archives_are_refused(tmp_path):
    path = tmp_path / "plain.npy"
    np.save(path, np.ones(3))
    with pytest.raises(ValueError, match="not an .npz file"):
        mg.load(path)
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        mg.load(tmp_path / "missing.npz")


def test_a_save_that_fails_midway_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    mg.save({"w": np.zeros(3)}, path)

    real_write = np.lib.format.write_array
    written = []

    def write_then_crash(member, array, **kwargs):
        if written:
            raise OSError("disk full")
        written.append(True)
        real_write(member, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)
    with pytest.raises(OSError, match="disk full"):
        mg.save({"w": np.ones(3), "b": np.ones(2)}, path)

    np.testing.assert_array_equal(mg.load(path)["w"], np.zeros(3))
    assert os.listdir(tmp_path) == ["model.npz"], "the temporary file was removed"


def test_nested_dicts_and_lists_are_stored_under_joined_names(tmp_path):
    state = {"state": {0: {"step": 3, "exp_avg": np.ones(2)}}, "param_groups": [{"lr": 0.1, "betas": (0.9, 0.99)}]}
    mg.save(state, tmp_path / "opt.npz")
    loaded = mg.load(tmp_path / "opt.npz")
    assert sorted(loaded) == ["param_groups/0/betas", "param_groups/0/lr", "state/0/exp_avg", "state/0/step"]
    np.testing.assert_array_equal(loaded["param_groups/0/betas"], [0.9, 0.99])
    assert loaded["state/0/step"] == 3
