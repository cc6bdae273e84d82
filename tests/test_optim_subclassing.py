"""help(optim.Optimizer) teaches how to write an optimizer, with an example that works."""

import inspect
import textwrap

import numpy as np

import minigrad as mg
from minigrad import optim


def test_the_optimizer_docstring_explains_subclassing_with_an_example_that_runs():
    doc = inspect.getdoc(optim.Optimizer)
    for part in ("defaults", "checks", "init_state(p, group)", "update(p, g, state, group)",
                 "effective_lr_of(state, group)"):  # fmt: skip
        assert f"``{part}``" in doc
    example = textwrap.dedent(doc.split("Example, a plain AdaGrad::\n")[1].split("\n\n``")[0])
    namespace = {}
    exec(example, namespace)
    weight = mg.Tensor(np.array([1.0, -2.0], dtype=np.float32), requires_grad=True)
    optimizer = namespace["MyAdagrad"]([weight], lr=0.5)
    (weight * mg.Tensor(np.array([3.0, -4.0], dtype=np.float32))).sum().backward()
    optimizer.step()
    # first step: lr * g / |g| = 0.5 * sign(g), the factor lr / |g|
    np.testing.assert_allclose(weight.data, [0.5, -1.5], rtol=1e-6)
    np.testing.assert_allclose(optimizer.effective_lr(), [0.5 / 3, 0.5 / 4], rtol=1e-6)
    assert weight.data.dtype == np.float32


def test_effective_lr_of_says_what_it_returns():
    doc = " ".join(inspect.getdoc(optim.Optimizer.effective_lr_of).split())
    assert "factor its last step multiplied the update direction by" in doc and "elementwise_rates" in doc
