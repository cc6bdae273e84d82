"""minigrad.device: the CPU is the only device, and programs that look for another pick it."""

import pytest

import minigrad as mg


def test_the_usual_device_choice_picks_the_cpu():
    device = "cuda" if mg.cuda.is_available() else "cpu"
    assert device == "cpu" and mg.cuda.device_count() == 0
    assert not mg.accelerator.is_available() and mg.accelerator.current_accelerator() is None
    assert mg.device(device) == "cpu" and mg.device("cpu:0") == mg.device() and str(mg.device()) == "cpu"
    assert repr(mg.device("cpu")) == "device(type='cpu')"


def test_tensors_and_modules_move_to_the_cpu_and_nowhere_else():
    x = mg.tensor([1.0, 2.0])
    assert x.to("cpu").tolist() == [1.0, 2.0] and x.to(mg.device("cpu")).tolist() == [1.0, 2.0]
    model = mg.nn.Linear(2, 1)
    assert model.to("cpu") is model
    for move in (x.to, model.to, mg.device):
        with pytest.raises(ValueError, match="CPU only .numpy., so device 'cuda' is not available"):
            move("cuda")
    with pytest.raises(TypeError, match="a device is a string such as 'cpu' or an mg.device, got 0"):
        mg.device(0)


def test_factories_take_device_and_modules_move_like_pytorchs():
    assert mg.zeros(2, device="cpu").tolist() == [0.0, 0.0]
    assert mg.arange(3, device=mg.device("cpu")).tolist() == [0, 1, 2]
    assert mg.tensor([1, 2], device="cpu").dtype == mg.int64 and mg.randn(2, device="cpu").shape == (2,)
    for make in (lambda: mg.ones(2, device="cuda"), lambda: mg.full((2,), 1.0, device="mps")):
        with pytest.raises(ValueError, match="CPU only"):
            make()
    model = mg.nn.Linear(2, 1)
    assert model.cpu() is model and model.double() is model and model.weight.dtype == mg.float64
    assert model.float().weight.dtype == mg.float32
    with pytest.raises(ValueError, match="CPU only"):
        model.cuda()
    assert not mg.backends.mps.is_available() and mg.cuda.manual_seed(0) is None
