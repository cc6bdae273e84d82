"""Problems that are data and a model: logistic regression on the digits and the small MLP
classification tasks of ``minigrad compare``. ``minigrad compare --problem NAME`` trains on
them as ``--dataset`` would, with the problem's model and target."""

from __future__ import annotations

import numpy as np

from .. import data, nn
from ..checks import check_seed

__all__ = ["DataProblem"]


class DataProblem:
    """A classification task: data (``load``), a model (``model``) and a target.

    Attributes: ``name``, ``title``, ``source`` (str); ``dataset`` (the ``minigrad compare
    --dataset`` it is, str); ``hidden`` (list of int: hidden layer sizes of the ReLU MLP,
    ``[]`` for logistic regression); ``target_accuracy`` (float in (0, 1]: accuracy on the
    held-out 20% that counts as solved); ``target_loss`` (float: a training loss that
    counts as fitted); ``target`` (str: both in words); ``epochs`` (int: how long the
    compare defaults train). Both targets were set from ``minigrad compare``'s defaults (60
    epochs of batches of 32, its learning rates): Adam reaches them at each of the seeds 0,
    1 and 2; plain SGD misses the loss target on the digits and the spirals. The test set
    is 20% of the data (60 samples for the 2-D sets, so one sample is 1.7%). No PyTorch
    equivalent.
    """

    stochastic = True

    def __init__(self, name, title, source, dataset, hidden, target_accuracy, target_loss, epochs, make):
        self.name, self.title, self.source, self.dataset = name, title, source, dataset
        self.hidden = list(hidden)
        self.target_accuracy, self.target_loss, self.epochs = target_accuracy, target_loss, epochs
        self.target = f"test accuracy >= {target_accuracy:.0%}, training loss <= {target_loss:g}"
        self._make = make

    def __repr__(self) -> str:
        return f"<problem {self.name}: {self.title}>"

    def load(self, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """All the data, ``(X, y)``: ``X`` ``(N, features)`` float64 (digits scaled to
        [0, 1]), ``y`` ``(N,)`` int64 class labels; the synthetic sets drawn with ``seed``
        (an int >= 0; TypeError/ValueError otherwise), exactly as ``minigrad compare
        --dataset`` draws them."""
        return self._make(check_seed("seed", seed) or 0)

    def model(self, features: int, classes: int) -> nn.Module:
        """A new model for ``features`` inputs and ``classes`` outputs (logits): Linear and
        ReLU layers of sizes ``hidden``, as ``minigrad compare --hidden`` builds it,
        initialised from minigrad's global generator (``mg.manual_seed``)."""
        sizes = [features, *self.hidden]
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        return nn.Sequential(*layers, nn.Linear(sizes[-1], classes))


def _digits(seed: int):
    X, y = data.load_digits()
    return X / 16.0, y


def data_problems() -> dict[str, DataProblem]:
    """The data problems by name (built on demand: they hold no data until ``load``)."""
    synthetic = "minigrad.data's synthetic sets, as in scikit-learn's make_moons, make_circles, make_blobs"
    mlp = "a 2-64-64-k ReLU MLP, as minigrad compare"
    return {
        problem.name: problem
        for problem in (
            DataProblem(
                "logistic_digits",
                "logistic regression (one Linear 64-10 layer) on the 8x8 digits",
                "the UCI optical digits (Alpaydin and Kaynak 1998), as scikit-learn's load_digits; "
                "cf. DeepOBS's mnist_logreg (Schneider et al. 2019)",
                "digits", [], 0.95, 0.15, 60, _digits,
            ),
            DataProblem(
                "spirals", f"three interleaved spirals, {mlp}", "minigrad.data.make_spirals (the CS231n spirals)",
                "spirals", [64, 64], 0.95, 0.1, 60,
                lambda seed: data.make_spirals(300, n_classes=3, noise=0.2, seed=seed),
            ),
            DataProblem(
                "moons", f"two half moons, {mlp}", synthetic, "moons", [64, 64], 0.97, 0.05, 60,
                lambda seed: data.make_moons(300, noise=0.15, seed=seed),
            ),
            DataProblem(
                "circles", f"a circle in a ring, {mlp}", synthetic, "circles", [64, 64], 0.98, 0.01, 60,
                lambda seed: data.make_circles(300, noise=0.08, seed=seed),
            ),
            DataProblem(
                "xor", f"the four XOR quadrants, {mlp}", "minigrad.data.make_xor", "xor", [64, 64], 0.98, 0.01, 60,
                lambda seed: data.make_xor(300, noise=0.25, seed=seed),
            ),
            DataProblem(
                "blobs", f"four Gaussian blobs, {mlp}", synthetic, "blobs", [64, 64], 0.98, 0.02, 60,
                lambda seed: data.make_blobs(300, centers=4, seed=seed),
            ),
        )
    }  # fmt: skip
