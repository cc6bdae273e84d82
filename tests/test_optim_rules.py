"""Every optimizer against an independent numpy transcription of its published update rule.

The references below are written from the papers' equations (and PyTorch's documented
conventions where papers leave a choice: eps outside the square root, bias correction,
momentum buffers starting at the first gradient). They never call minigrad.

Parameters of every shape are covered, 0-d ones included (a learnable temperature), with
their gradients arriving as 0-d arrays or as numpy scalars: numpy arithmetic on 0-d arrays
gives immutable scalars, so state kept that way would silently stop updating.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import optim
from minigrad.optim import optimizer as optimizer_module

from .strategies import shapes

STEPS = 25


# --------------------------------------------------------------------- reference transcriptions
def sgd_reference(theta, grads, lr=1e-2, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    buffer = None
    for g in grads:
        g = g + weight_decay * theta
        if momentum:
            buffer = g.copy() if buffer is None else momentum * buffer + (1 - dampening) * g
            g = g + momentum * buffer if nesterov else buffer
        theta = theta - lr * g
        yield theta


def adagrad_reference(theta, grads, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    accumulated = np.full_like(theta, initial_accumulator_value)
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        accumulated = accumulated + g**2
        step = lr / (1 + (t - 1) * lr_decay)
        theta = theta - step * g / (np.sqrt(accumulated) + eps)
        yield theta


def rmsprop_reference(
    theta, grads, lr=1e-3, alpha=0.9, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, eps_inside_sqrt=False
):
    mean_square = np.zeros_like(theta)
    mean = np.zeros_like(theta)
    buffer = np.zeros_like(theta)
    for g in grads:
        g = g + weight_decay * theta
        mean_square = alpha * mean_square + (1 - alpha) * g**2
        mean = alpha * mean + (1 - alpha) * g
        variance = mean_square - mean**2 if centered else mean_square
        denominator = np.sqrt(variance + eps) if eps_inside_sqrt else np.sqrt(variance) + eps
        if momentum:
            buffer = momentum * buffer + g / denominator
            theta = theta - lr * buffer
        else:
            theta = theta - lr * g / denominator
        yield theta


def adam_reference(
    theta, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False
):
    beta1, beta2 = betas
    m, v, v_max = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta1**t)
        v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        yield theta


def adamw_reference(theta, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    return adam_reference(theta, grads, lr, betas, eps, weight_decay, amsgrad, decoupled=True)


def adadelta_reference(theta, grads, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    mean_square_grad = np.zeros_like(theta)
    mean_square_update = np.zeros_like(theta)
    for g in grads:
        g = g + weight_decay * theta
        mean_square_grad = rho * mean_square_grad + (1 - rho) * g**2
        update = np.sqrt(mean_square_update + eps) / np.sqrt(mean_square_grad + eps) * g
        mean_square_update = rho * mean_square_update + (1 - rho) * update**2
        theta = theta - lr * update
        yield theta


def rprop_reference(theta, grads, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)):
    """Riedmiller & Braun's sign rule in PyTorch's form: no weight-backtracking, a flipped
    gradient counts as 0; every step size clipped to [min, max] at every step."""
    etaminus, etaplus = etas
    smallest, largest = step_sizes
    delta = np.full(np.shape(theta), lr)
    previous = np.zeros(np.shape(theta))
    for g in grads:
        agreement = previous * g
        delta = np.where(agreement > 0, delta * etaplus, np.where(agreement < 0, delta * etaminus, delta))
        delta = np.minimum(np.maximum(delta, smallest), largest)
        g = np.where(agreement < 0, 0.0, g)
        theta = theta - np.sign(g) * delta
        previous = g
        yield theta


def nadam_reference(
    theta, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
    decoupled_weight_decay=False,
):  # fmt: skip
    """Dozat (2016), Algorithm 2, with the momentum schedule and conventions of PyTorch's
    documented NAdam algorithm: mu_t = beta1 (1 - 0.5 * 0.96^(t psi)). The product mu_1 ...
    mu_t is kept, as PyTorch keeps it, in its scalar dtype for optimizer state (float32 unless
    the default dtype is float64), each factor and product rounded to it."""
    beta1, beta2 = betas
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    mus = [beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)) for t in range(1, len(grads) + 2)]
    scalar = np.float64 if mg.get_default_dtype() == np.float64 else np.float32
    products = [1.0]  # products[t] = mu_1 ... mu_t
    for mu in mus:
        products.append(float(scalar(products[-1]) * scalar(mu)))
    for t, g in enumerate(grads, start=1):
        if decoupled_weight_decay:
            theta = theta - lr * weight_decay * theta
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_bar = mus[t] * m / (1 - products[t] * mus[t]) + (1 - mus[t - 1]) * g / (1 - products[t])
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_bar / (np.sqrt(v_hat) + eps)
        yield theta


def radam_reference(theta, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                    decoupled_weight_decay=False):  # fmt: skip
    """Liu et al. (2020), Algorithm 2, as PyTorch documents RAdam: the adaptive step once the
    approximated SMA length rho_t exceeds 5, eps added to sqrt(v)."""
    beta1, beta2 = betas
    rho_inf = 2 / (1 - beta2) - 1
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        if decoupled_weight_decay:
            theta = theta - lr * weight_decay * theta
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t > 5:
            l_t = np.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)
            r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            theta = theta - lr * m_hat * r_t * l_t
        else:
            theta = theta - lr * m_hat
        yield theta


def adamax_reference(theta, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """Kingma & Ba's section 7.1, u_t = max(beta2 u_{t-1}, |g_t|), with PyTorch's eps added to
    |g_t| inside the max."""
    beta1, beta2 = betas
    m, u = np.zeros(np.shape(theta)), np.zeros(np.shape(theta))
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        u = np.maximum(beta2 * u, np.abs(g) + eps)
        theta = theta - (lr / (1 - beta1**t)) * m / u
        yield theta


# (optimizer, options, reference): each rule under several option sets
CASES = [
    (optim.SGD, {}, sgd_reference),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9}, sgd_reference),
    (optim.SGD, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}, sgd_reference),
    (optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}, sgd_reference),
    (optim.Adagrad, {}, adagrad_reference),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1}, adagrad_reference),
    (optim.Adagrad, {"eps": 1e-3, "weight_decay": 0.2}, adagrad_reference),
    (optim.RMSprop, {}, rmsprop_reference),
    (optim.RMSprop, {"lr": 0.01, "alpha": 0.99, "centered": True}, rmsprop_reference),
    (optim.RMSprop, {"momentum": 0.9, "weight_decay": 0.1}, rmsprop_reference),
    (optim.RMSprop, {"centered": True, "momentum": 0.5, "eps": 1e-3}, rmsprop_reference),
    (optim.RMSprop, {"eps_inside_sqrt": True, "eps": 1e-4}, rmsprop_reference),
    (optim.RMSprop, {"eps_inside_sqrt": True, "centered": True, "momentum": 0.9}, rmsprop_reference),
    (optim.Adam, {}, adam_reference),
    (optim.Adam, {"lr": 0.01, "betas": (0.5, 0.9), "amsgrad": True}, adam_reference),
    (optim.Adam, {"weight_decay": 0.1, "eps": 1e-4}, adam_reference),
    (optim.AdamW, {}, adamw_reference),
    (optim.AdamW, {"lr": 0.01, "weight_decay": 0.3, "amsgrad": True}, adamw_reference),
    (optim.Adadelta, {}, adadelta_reference),
    (optim.Adadelta, {"lr": 0.5, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.05}, adadelta_reference),
    (optim.Rprop, {}, rprop_reference),
    (optim.Rprop, {"lr": 0.3, "etas": (0.3, 1.7), "step_sizes": (0.05, 0.2)}, rprop_reference),
    (optim.Rprop, {"lr": 100.0, "etas": (0.9, 1.01)}, rprop_reference),
    (optim.NAdam, {}, nadam_reference),
    (optim.NAdam, {"lr": 0.01, "betas": (0.5, 0.9), "weight_decay": 0.1, "momentum_decay": 0.5}, nadam_reference),
    (optim.NAdam, {"weight_decay": 0.2, "decoupled_weight_decay": True, "eps": 1e-4}, nadam_reference),
    (optim.RAdam, {}, radam_reference),
    (optim.RAdam, {"lr": 0.01, "betas": (0.5, 0.9), "weight_decay": 0.1}, radam_reference),
    (optim.RAdam, {"betas": (0.8, 0.6), "weight_decay": 0.2, "decoupled_weight_decay": True}, radam_reference),
    (optim.Adamax, {}, adamax_reference),
    (optim.Adamax, {"lr": 0.1, "betas": (0.3, 0.5), "eps": 1e-3}, adamax_reference),
    (optim.Adamax, {"betas": (0.0, 0.9), "weight_decay": 0.2}, adamax_reference),
]


def case_id(case):
    cls, options, _ = case
    return cls.__name__ + "(" + ", ".join(f"{k}={v}" for k, v in options.items()) + ")"


def gradient_sequence(shape, seed, steps=STEPS, dtype=np.float64):
    """Gradients whose scale changes over the run (0.01 to 10), as in real training. For a
    0-d parameter every other gradient is a numpy scalar instead of a 0-d array, as a
    reduction can hand it over."""
    rng = np.random.default_rng(seed)
    scales = np.geomspace(0.01, 10, steps)
    grads = [(rng.normal(size=shape) * s).astype(dtype) for s in scales]
    return [g[()] if g.ndim == 0 and t % 2 else g for t, g in enumerate(grads)]


def run_against_reference(cls, options, reference, params, grads, steps):
    expected = [list(reference(p.data.copy(), g, **options)) for p, g in zip(params, grads, strict=True)]
    optimizer = cls(params, **options)
    for step in range(steps):
        for p, g in zip(params, grads, strict=True):
            p.grad = g[step].copy()
        optimizer.step()
        for p, e in zip(params, expected, strict=True):
            err_msg = f"step {step + 1}, shape {p.shape}"
            np.testing.assert_allclose(p.data, e[step], rtol=1e-10, atol=1e-13, err_msg=err_msg)


@pytest.mark.parametrize("cls, options, reference", CASES, ids=[case_id(c) for c in CASES])
def test_each_step_matches_the_published_rule(cls, options, reference):
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (4,), ()]
    params = [mg.Tensor(rng.normal(size=s), requires_grad=True) for s in shapes]
    grads = [gradient_sequence(s, seed) for seed, s in enumerate(shapes)]
    run_against_reference(cls, options, reference, params, grads, STEPS)


decays = st.floats(0.0, 0.99)
rates = st.floats(0.0, 0.2)
small_eps = st.sampled_from([1e-10, 1e-8, 1e-6, 1e-3])


@st.composite
def sgd_options(draw):
    momentum = draw(st.sampled_from([0.0, 0.5, 0.9]) | decays)
    nesterov = momentum > 0 and draw(st.booleans())
    dampening = 0.0 if nesterov else draw(st.sampled_from([0.0]) | st.floats(0.0, 0.5))
    return {"lr": draw(rates), "momentum": momentum, "dampening": dampening, "weight_decay": draw(rates),
            "nesterov": nesterov}  # fmt: skip


@st.composite
def rmsprop_options(draw):
    """Centered: alpha >= 0.5. Below, the variance v - m^2 (after one step alpha (1 - alpha) g^2)
    is mostly cancellation, and two correct roundings of the same rule can differ by orders
    of magnitude (or give sqrt of a tiny negative number)."""
    centered = draw(st.booleans())
    return {"lr": draw(rates), "alpha": draw(st.floats(0.5, 0.99) if centered else decays), "eps": draw(small_eps),
            "weight_decay": draw(rates), "momentum": draw(decays), "centered": centered,
            "eps_inside_sqrt": draw(st.booleans())}  # fmt: skip


@st.composite
def rprop_options(draw):
    """Step sizes from 0 up; lr may lie outside them (the first step then clips it)."""
    smallest = draw(st.sampled_from([0.0, 1e-6]) | st.floats(0.0, 0.1))
    return {"lr": draw(st.floats(0.0, 1.0)), "etas": (draw(st.floats(0.01, 0.99)), draw(st.floats(1.01, 3.0))),
            "step_sizes": (smallest, draw(st.floats(smallest, 50.0)))}  # fmt: skip


def adam_family_options(lowest_beta2: float = 0.5, **more):
    """lr, betas, eps and weight_decay as the Adam family takes them, and ``more`` options."""
    return st.fixed_dictionaries({"lr": rates, "betas": st.tuples(decays, st.floats(lowest_beta2, 0.999)),
                                  "eps": small_eps, "weight_decay": rates, **more})  # fmt: skip


OPTIONS = {
    optim.SGD: (sgd_options(), sgd_reference),
    optim.Adagrad: (
        st.fixed_dictionaries({"lr": rates, "lr_decay": st.floats(0.0, 0.1), "weight_decay": rates,
                               "initial_accumulator_value": st.floats(0.0, 0.5), "eps": small_eps}),
        adagrad_reference,
    ),
    optim.RMSprop: (rmsprop_options(), rmsprop_reference),
    optim.Adam: (adam_family_options(amsgrad=st.booleans()), adam_reference),
    optim.AdamW: (adam_family_options(amsgrad=st.booleans()), adamw_reference),
    optim.Adadelta: (
        st.fixed_dictionaries({"lr": st.floats(0.0, 2.0), "rho": decays, "eps": small_eps, "weight_decay": rates}),
        adadelta_reference,
    ),
    optim.Rprop: (rprop_options(), rprop_reference),
    optim.NAdam: (
        adam_family_options(momentum_decay=st.floats(0.0, 1.0), decoupled_weight_decay=st.booleans()),
        nadam_reference,
    ),
    optim.RAdam: (adam_family_options(0.0, decoupled_weight_decay=st.booleans()), radam_reference),
    optim.Adamax: (adam_family_options(), adamax_reference),
}  # fmt: skip


@pytest.mark.parametrize("cls", list(OPTIONS), ids=lambda c: c.__name__)
@given(data=st.data(), shape=shapes, seed=st.integers(0, 2**16))
def test_any_shape_and_options_match_the_published_rule(cls, data, shape, seed):
    """Any shape, 0-d included, under options drawn over their whole ranges."""
    strategy, reference = OPTIONS[cls]
    options = data.draw(strategy, label="options")
    rng = np.random.default_rng(seed)
    params = [mg.Tensor(rng.normal(size=shape), requires_grad=True)]
    grads = [gradient_sequence(shape, seed + 1, steps=8)]
    run_against_reference(cls, options, reference, params, grads, 8)


@pytest.mark.parametrize("cls, options, reference", CASES, ids=[case_id(c) for c in CASES])
def test_a_0d_parameter_steps_exactly_like_a_one_element_vector(cls, options, reference):
    """Shape must not matter: a () parameter and a (1,) one take bit-identical steps and
    report the same effective_lr (numpy's 0-d arithmetic gives scalars; (1,) gives arrays)."""
    scalar = mg.Tensor(np.array(0.7), requires_grad=True)
    vector = mg.Tensor(np.array([0.7]), requires_grad=True)
    optimizers = [cls([scalar], **options), cls([vector], **options)]
    for g in gradient_sequence((), 3):
        scalar.grad, vector.grad = g, np.reshape(g, (1,))
        for optimizer in optimizers:
            optimizer.step()
        assert scalar.data[()] == vector.data[0]
        np.testing.assert_array_equal(optimizers[0].effective_lr(), optimizers[1].effective_lr())
    assert scalar.shape == () and isinstance(scalar.data, np.ndarray)


@pytest.mark.parametrize("shape", [(2, 3), ()], ids=str)
@pytest.mark.parametrize("cls, options, reference", CASES, ids=[case_id(c) for c in CASES])
def test_float32_parameters_and_state_stay_float32(cls, options, reference, shape):
    p = mg.Tensor(np.ones(shape, dtype=np.float32), requires_grad=True)
    optimizer = cls([p], **options)
    for g in gradient_sequence(shape, 1, dtype=np.float32)[:3]:
        p.grad = g
        optimizer.step()
    assert p.dtype == np.float32 and isinstance(p.data, np.ndarray)
    for name, value in optimizer.state[p].items():
        if name in cls.scalar_state:  # a number for the whole parameter (NAdam's mu_product)
            assert type(value) is float, name
        elif name != "step":  # every other entry is an array updated in place, never a numpy scalar
            assert isinstance(value, np.ndarray) and value.dtype == np.float32 and value.shape == shape, name


@pytest.mark.parametrize("shape", [(3,), ()], ids=str)
@pytest.mark.parametrize("cls, options, reference", CASES, ids=[case_id(c) for c in CASES])
def test_updates_happen_in_place(cls, options, reference, shape):
    p = mg.Tensor(np.ones(shape), requires_grad=True)
    array = p.data
    optimizer = cls([p], **options)
    p.grad = np.reshape([1.0, -2.0, 3.0][: p.size], shape)
    optimizer.step()
    assert p.data is array and not np.array_equal(array, np.ones(shape))


def test_parameters_without_gradients_are_left_alone():
    a = mg.Tensor(np.ones(2), requires_grad=True)
    b = mg.Tensor(np.ones(2), requires_grad=True)
    optimizer = optim.Adam([a, b], lr=0.1)
    a.grad = np.ones(2)
    optimizer.step()
    np.testing.assert_array_equal(b.data, [1.0, 1.0])
    assert b not in optimizer.state


def bits(array):
    """The array's bit patterns: equal bits, not merely equal values (-0.0, NaN payloads)."""
    return np.ascontiguousarray(array).view(f"u{array.itemsize}")


def plain_subtract(self, theta, lr, g):
    """The update as the one numpy expression, through a temporary as large as theta."""
    theta -= lr * g


CHUNKED_CASES = [
    (optim.SGD, {}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    (optim.SGD, {"lr": 0.3, "momentum": 0.5, "nesterov": True}),
    (optim.SGD, {"lr": 3e-3, "weight_decay": 0.1, "momentum": 0.5, "dampening": 0.2}),
    (optim.RMSprop, {"momentum": 0.9, "centered": True}),
    (optim.Adadelta, {"weight_decay": 0.05}),
]


# every rule in float32 and float64; float16 (numpy computes it in software, 10 s a rule) with SGD's
CHUNKED_RUNS = [(c, o, d) for c, o in CHUNKED_CASES for d in (np.float32, np.float64)]
CHUNKED_RUNS.append((*CHUNKED_CASES[1], np.float16))


@pytest.mark.parametrize(
    "cls, options, dtype", CHUNKED_RUNS, ids=[f"{np.dtype(d).name}-{case_id((c, o, None))}" for c, o, d in CHUNKED_RUNS]
)
def test_steps_on_large_parameters_have_the_bits_of_theta_minus_lr_times_direction(cls, options, dtype):
    """A large parameter's theta -= lr * direction (SGD's, RMSprop's with momentum,
    Adadelta's) is done in chunks through a scratch buffer: every element must still get
    exactly the two roundings of the plain expression (the product in the parameter's dtype),
    at chunk boundaries and in a last partial chunk too, special values included. The
    gradient must keep its value (it is the user's .grad)."""
    chunk = optimizer_module._CHUNK_BYTES // np.dtype(dtype).itemsize
    large = optimizer_module._CHUNKED_FROM_BYTES // np.dtype(dtype).itemsize  # a whole number of chunks
    rng = np.random.default_rng(7)
    sizes = [large - 1, large, large + 1]  # the plain expression, whole chunks, a last chunk of one
    params = [mg.Tensor(rng.normal(size=n).astype(dtype), requires_grad=True) for n in sizes]
    params.append(mg.Tensor(rng.normal(size=(3, large // 3 + 5, 1)).astype(dtype) + 2, requires_grad=True))
    grads = [[(rng.normal(size=p.shape) * s).astype(dtype) for s in (1e-3, 1.0, 30.0)] for p in params]
    # subnormal, signed zero, overflowing and non-finite gradients land in both chunks and tails
    for sequence in grads:
        for g in sequence:
            tiny, huge = np.finfo(dtype).smallest_subnormal, np.finfo(dtype).max
            g.flat[[0, 5, chunk - 1, chunk, -1]] = [tiny, -0.0, huge, -huge, np.nan]
            g.flat[[1, -2]] = [np.inf, -np.inf]
    twins = [mg.Tensor(p.data.copy(), requires_grad=True) for p in params]
    plain_cls = type(f"Plain{cls.__name__}", (cls,), {"_subtract_scaled": plain_subtract})
    optimizer, plain = cls(params, **options), plain_cls(twins, **options)
    with np.errstate(all="ignore"):
        for step in range(3):
            given = [g[step].copy() for g in grads]
            for p, twin, g in zip(params, twins, given, strict=True):
                p.grad, twin.grad = g, g.copy()
            optimizer.step()
            plain.step()
            for p, twin, g, sequence in zip(params, twins, given, grads, strict=True):
                assert p.data.dtype == dtype
                np.testing.assert_array_equal(bits(p.data), bits(twin.data), err_msg=f"step {step + 1}, {p.shape}")
                np.testing.assert_array_equal(bits(p.grad), bits(sequence[step]))
                assert p.grad is g


@pytest.mark.parametrize(
    "parameter_and_grad",
    [
        lambda memory: (memory[1:].reshape(-1, 4).T, memory[1:].reshape(4, -1) * 3),  # a parameter not C-contiguous
        lambda memory: (memory[1:].reshape(4, -1), np.asfortranarray(memory[1:].reshape(4, -1)[::-1])),  # nor its grad
        lambda memory: (memory[1:].reshape(4, -1), memory[1:].reshape(4, -1) * np.float64(1.1)),  # a float64 grad
        lambda memory: (memory[1:].reshape(4, -1), memory[:-1].reshape(4, -1)),  # a grad one element behind, in theta
    ],
    ids=["parameter-not-c-order", "grad-not-c-order", "float64-grad", "overlapping"],
)
def test_sgd_on_arrays_it_cannot_chunk_is_the_plain_expression(parameter_and_grad):
    memory = np.random.default_rng(3).normal(size=4 * (optimizer_module._CHUNKED_FROM_BYTES // 16 + 3) + 1)
    memory = memory.astype(np.float32)
    copy = memory.copy()
    p = mg.Tensor(np.zeros(parameter_and_grad(memory)[0].shape, np.float32), requires_grad=True)
    p.data, p.grad = parameter_and_grad(memory)
    plain, g = parameter_and_grad(copy)
    plain -= 0.25 * g
    optim.SGD([p], lr=0.25).step()
    np.testing.assert_array_equal(bits(p.data), bits(plain))


def test_sgd_with_a_float64_lr_set_on_a_float32_group_is_the_plain_expression():
    """A numpy float64 lr (set by hand into param_groups) makes ``lr * g`` float64, so the
    difference is taken in float64 too: no chunked float32 arithmetic may replace that."""
    rng = np.random.default_rng(4)
    theta = rng.normal(size=optimizer_module._CHUNKED_FROM_BYTES // 4 + 3).astype(np.float32)
    p = mg.Tensor(theta.copy(), requires_grad=True)
    p.grad = rng.normal(size=theta.shape).astype(np.float32)
    optimizer = optim.SGD([p])
    optimizer.param_groups[0]["lr"] = lr = np.float64(0.1)
    optimizer.step()
    theta -= lr * p.grad
    np.testing.assert_array_equal(bits(p.data), bits(theta))


# --------------------------------------------------------------------- one table, same problems
def quadratic(x):
    """An ill-conditioned bowl: curvature 1 along x0, 25 along x1; minimum 0 at the origin."""
    return 0.5 * (x[0] ** 2 + 25 * x[1] ** 2)


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


# Options per problem: Rosenbrock's valley is ~40x more curved than the bowl at the start,
# so plain gradient descent needs a smaller lr there.
TUNED = [
    (optim.SGD, {"lr": 0.03}, {"lr": 1e-3}),
    (optim.SGD, {"lr": 0.01, "momentum": 0.9}, {"lr": 2e-4, "momentum": 0.9}),
    (optim.Adagrad, {"lr": 0.5}, {"lr": 0.5}),
    (optim.RMSprop, {"lr": 0.01}, {"lr": 0.01}),
    (optim.Adam, {"lr": 0.05}, {"lr": 0.05}),
    (optim.AdamW, {"lr": 0.05, "weight_decay": 0.0}, {"lr": 0.05, "weight_decay": 0.0}),
    (optim.Adadelta, {"lr": 10.0}, {"lr": 10.0}),
    (optim.Rprop, {}, {}),
    (optim.NAdam, {"lr": 0.05}, {"lr": 0.05}),
    (optim.RAdam, {"lr": 0.05}, {"lr": 3e-3}),  # its first five steps are SGD's: 0.02 diverges in the valley
    (optim.Adamax, {"lr": 0.05}, {"lr": 0.05}),
]
# Steps: with these every optimizer ends below 0.62 of the allowed factor (Adadelta in the valley, whose loss
# rises again later: 0.86 of it after 2000 steps), the others below 0.15; fewer steps, same factors, ask for more
PROBLEMS = [(quadratic, [1.0, 1.0], 300, 0.02), (rosenbrock, [-1.0, 1.0], 1000, 0.7)]


@pytest.mark.parametrize("cls, bowl_options, valley_options", TUNED, ids=[case_id((c, o, None)) for c, o, _ in TUNED])
def test_every_optimizer_descends_the_same_problems(cls, bowl_options, valley_options):
    for (objective, start, steps, factor), options in zip(PROBLEMS, [bowl_options, valley_options], strict=True):
        x = mg.Tensor(np.array(start), requires_grad=True)
        optimizer = cls([x], **options)
        first = objective(x).item()
        for _ in range(steps):
            optimizer.zero_grad()
            objective(x).backward()
            optimizer.step()
        assert objective(x).item() < factor * first, f"{objective.__name__}: {first} -> {objective(x).item()}"
        assert math.isfinite(x.data.sum())


@pytest.mark.parametrize(
    "cls, rule_line",
    [
        (optim.SGD, "b <- momentum * b + (1 - dampening) * g"),
        (optim.Adagrad, "theta <- theta - clr * g / (sqrt(sum) + eps)"),
        (optim.RMSprop, "v <- alpha * v + (1 - alpha) * g^2"),
        (optim.Adam, "d <- sqrt(v) / sqrt(1 - beta2^t) + eps"),
        (optim.AdamW, "theta <- theta * (1 - lr * weight_decay)"),
        (optim.Adadelta, "theta <- theta - lr * delta"),
        (optim.Rprop, "theta <- theta - sign(g) * step_size"),
        (optim.NAdam, "mu_t <- beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))"),
        (optim.RAdam, "rho_t <- rho_inf - 2 t beta2^t / (1 - beta2^t)"),
        (optim.Adamax, "u <- max(beta2 * u, |g| + eps)"),
    ],
)
def test_help_on_each_optimizer_class_shows_its_update_rule(cls, rule_line):
    """help(optim.X) prints the class docstring, so the rule must live there."""
    assert rule_line in cls.__doc__
    assert f"torch.optim.{cls.__name__}" in cls.__doc__


def test_rprop_worked_example_of_each_sign_case():
    """Four coordinates, lr 0.1, etas (0.5, 1.2), step sizes in [0.04, 0.13], by hand.
    Step 1: no previous gradient, so every step size stays 0.1 and each coordinate moves
    0.1 against its sign (the zero gradient of the third does not move it).
    Step 2: same sign on the 1st and 4th (0.1 * 1.2 = 0.12); a flip on the 2nd (0.1 * 0.5 =
    0.05, and it waits: no move, prev 0); the 3rd had prev 0 (kept 0.1, moves now).
    Step 3: the 2nd's prev is 0 (kept 0.05, moves); the 3rd's gradient is 0 (kept, no move);
    the 1st and 4th grow to 0.144, clipped to the maximum 0.13.
    Step 4: flips on the 1st (0.065) and 2nd (0.025, clipped up to the minimum 0.04): both
    wait; the 3rd's prev is 0 (kept 0.1); the 4th stays at the maximum."""
    p = mg.Tensor(np.ones(4), requires_grad=True)
    optimizer = optim.Rprop([p], lr=0.1, etas=(0.5, 1.2), step_sizes=(0.04, 0.13))
    steps = [  # gradient, then theta, step_size and prev after the step
        ([2.0, -3.0, 0.0, 1.0], [0.9, 1.1, 1.0, 0.9], [0.1, 0.1, 0.1, 0.1], [2.0, -3.0, 0.0, 1.0]),
        ([1.0, 5.0, 4.0, 1.0], [0.78, 1.1, 0.9, 0.78], [0.12, 0.05, 0.1, 0.12], [1.0, 0.0, 4.0, 1.0]),
        ([1.0, 5.0, 0.0, 1.0], [0.65, 1.05, 0.9, 0.65], [0.13, 0.05, 0.1, 0.13], [1.0, 5.0, 0.0, 1.0]),
        ([-1.0, -2.0, -1.0, 1.0], [0.65, 1.05, 1.0, 0.52], [0.065, 0.04, 0.1, 0.13], [0.0, 0.0, -1.0, 1.0]),
    ]
    for t, (g, theta, step_size, prev) in enumerate(steps, start=1):
        p.grad = np.array(g)
        optimizer.step()
        state = optimizer.state[p]
        np.testing.assert_allclose(p.data, theta, rtol=1e-12, err_msg=f"step {t}")
        np.testing.assert_allclose(state["step_size"], step_size, rtol=1e-12, err_msg=f"step {t}")
        np.testing.assert_array_equal(state["prev"], prev)
        np.testing.assert_array_equal(optimizer.effective_lr(), state["step_size"])
        assert state["step"] == t


def test_rprop_moves_every_coordinate_by_its_step_size_whatever_the_gradient_size():
    """Only the sign counts: gradients 1e-8 and 1e8 take the same step."""
    p = mg.Tensor(np.zeros(3), requires_grad=True)
    optimizer = optim.Rprop([p], lr=0.25)
    for _ in range(3):
        p.grad = np.array([1e-8, -1e8, 3.0])
        optimizer.step()
    np.testing.assert_allclose(p.data, np.array([-1, 1, -1]) * 0.25 * (1 + 1.2 + 1.2**2), rtol=1e-12)


def test_rprop_takes_a_nan_gradient_as_no_sign_and_an_inf_one_as_positive_as_pytorch_does():
    """torch.sign(nan) is 0 on the CPU, so PyTorch's Rprop neither moves a coordinate whose
    gradient is nan nor changes its step size, and moves an inf one by its step size. From
    [1, 2, 3] with lr 0.1 and gradient [nan, inf, 1]: [1.0, 1.9, 2.9]. Then gradient 1
    everywhere: the products with prev are [nan, inf, 1], signs [0, 1, 1], step sizes
    [0.1, 0.12, 0.12], so [0.9, 1.78, 2.78]."""
    p = mg.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    optimizer = optim.Rprop([p], lr=0.1)
    p.grad = np.array([np.nan, np.inf, 1.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [1.0, 1.9, 2.9], rtol=1e-15)
    p.grad = np.ones(3)
    optimizer.step()
    np.testing.assert_allclose(optimizer.state[p]["step_size"], [0.1, 0.12, 0.12], rtol=1e-15)
    np.testing.assert_allclose(p.data, [0.9, 1.78, 2.78], rtol=1e-15)


def test_rprop_on_mini_batches_drifts_where_the_full_gradient_is_zero():
    """Hinton's lecture 6e: a gradient of +0.1 on nine mini-batches and -0.9 on the tenth sums
    to 0 over the epoch, yet Rprop steps against each sign (and skips the step after each
    flip): the weight drifts down, while SGD on the same batches comes back to where it
    started."""
    rprop_weight = mg.Tensor(np.zeros(1), requires_grad=True)
    sgd_weight = mg.Tensor(np.zeros(1), requires_grad=True)
    rprop, sgd = optim.Rprop([rprop_weight], lr=0.01), optim.SGD([sgd_weight], lr=0.01)
    for _ in range(5):  # epochs
        for g in [0.1] * 9 + [-0.9]:
            rprop_weight.grad, sgd_weight.grad = np.array([g]), np.array([g])
            rprop.step()
            sgd.step()
    assert rprop_weight.item() < -0.5
    assert abs(sgd_weight.item()) < 1e-12


# --------------------------------------------------------------------- worked examples by hand
def test_nadam_momentum_schedule_and_first_step_by_hand():
    """mu_t = 0.9 (1 - 0.5 * 0.96^(0.004 t)): 0.96^0.004 = exp(0.004 ln 0.96) = 0.999836725,
    so mu_1 = 0.9 * 0.500081637 = 0.450073474 and (0.96^0.008 = 0.999673477) mu_2 =
    0.9 * 0.500163261 = 0.450146935: the momentum starts at about beta1 / 2. One step from
    theta = 0 with g = 2 and lr = 2e-3: m = 0.2, v = 0.004, d = sqrt(0.004 / 0.001) + 1e-8,
    and m_bar = (1 - mu_1) * 2 / (1 - mu_1) + mu_2 * 0.2 / (1 - mu_1 mu_2)
              = 2 + 0.0900293870 / 0.797400805 = 2.112903557,
    so theta = -2e-3 * 2.112903557 / (2 + 1e-8) = -2.112903546e-3, and effective_lr() is
    2e-3 / (2 + 1e-8) = 9.99999995e-4. In float64 (the default dtype): the products are
    PyTorch's scalar dtype's."""
    mg.set_default_dtype(mg.float64)
    p = mg.Tensor(np.array(0.0), requires_grad=True)
    optimizer = optim.NAdam([p])
    p.grad = np.array(2.0)
    optimizer.step()
    np.testing.assert_allclose(optimizer.state[p]["mu_product"], 0.450073474, rtol=1e-9)
    np.testing.assert_allclose(p.data, -2.112903546e-3, rtol=1e-9)
    np.testing.assert_allclose(optimizer.effective_lr(), [9.99999995e-4], rtol=1e-9)
    optimizer.step()
    np.testing.assert_allclose(optimizer.state[p]["mu_product"], 0.450073474 * 0.450146935, rtol=1e-9)
    # far along, mu_t approaches beta1: 0.96^(0.004 * 1e5) = 0.96^400 = 8.1e-8, mu = 0.9 (1 - 4.05e-8)
    mu = optimizer.state[p]["mu_product"]
    optimizer.state[p]["step"] = 10**5 - 1
    optimizer.step()
    np.testing.assert_allclose(optimizer.state[p]["mu_product"] / mu, 0.9 * (1 - 0.5 * 8.10015288e-8), rtol=1e-15)


def test_nadam_rounds_mu_product_to_pytorchs_scalar_dtype():
    """PyTorch keeps mu_product in a float32 tensor unless the default dtype is float64, for
    parameters of any dtype: a float64 parameter's product is then rounded to float32 at
    every step (mu_1 = 0.450073474 becomes the float32 0.45007348), and its update uses it."""
    steps = {}
    for default in (mg.float32, mg.float64):
        mg.set_default_dtype(default)
        p = mg.Tensor(np.array([0.0]), requires_grad=True)
        optimizer = optim.NAdam([p])
        for _ in range(3):
            p.grad = np.array([2.0])
            optimizer.step()
        steps[default] = optimizer.state[p]["mu_product"], p.data[0]
    (product32, theta32), (product64, theta64) = steps[mg.float32], steps[mg.float64]
    assert type(product32) is float and float(np.float32(product32)) == product32
    assert float(np.float32(product64)) != product64
    np.testing.assert_allclose(product32, product64, rtol=1e-7)
    assert theta32 != theta64  # the rounding reaches the update (at about 1e-9 of it)
    np.testing.assert_allclose(theta32, theta64, rtol=1e-7)


def test_radam_takes_five_momentum_steps_then_a_rectified_one_by_hand():
    """beta2 = 0.999: rho_inf = 2 / 0.001 - 1 = 1999 and rho_t = 1999 - 2 t 0.999^t / (1 - 0.999^t):
    rho_1 = 1999 - 1998 = 1; rho_5 = 1999 - 10 * 0.995009990 / 0.00499000999 = 4.996 <= 5;
    rho_6 = 1999 - 12 * 0.994014980 / 0.00598501999 = 5.99416375 > 5. With a constant gradient
    g = 0.5, m / (1 - 0.9^t) = g, so the first five steps move theta by lr * g = 0.05 each
    (lr = 0.1): 1 -> 0.75. At step 6, v = (1 - 0.999^6) g^2, so with eps = 0 the adaptive factor
    sqrt(1 - 0.999^6) / sqrt(v) = 1 / g, and theta moves by lr * r_6 with
    r_6 = sqrt(1.99416375 * 3.99416375 * 1999 / (1995 * 1997 * 5.99416375))
        = sqrt(15922.0681 / 23880838.3) = 0.0258211128.
    effective_lr(): lr / (1 - 0.9^5) = 0.1 / 0.40951 = 0.244194281 after step 5, then
    lr r_6 / (1 - 0.9^6) / g = 0.1 * 0.0258211128 / 0.468559 * 2 = 0.0110214990."""
    p = mg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    optimizer = optim.RAdam([p], lr=0.1, eps=0.0)
    for step in range(1, 6):
        p.grad = np.array([0.5, -0.5])
        optimizer.step()
        np.testing.assert_allclose(p.data, [1.0 - 0.05 * step, 2.0 + 0.05 * step], rtol=1e-14)
    np.testing.assert_allclose(optimizer.effective_lr(), [0.244194281] * 2, rtol=1e-9)
    p.grad = np.array([0.5, -0.5])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.75 - 0.00258211128, 2.25 + 0.00258211128], rtol=1e-11)
    np.testing.assert_allclose(optimizer.effective_lr(), [0.0110214990] * 2, rtol=1e-8)


@pytest.mark.parametrize("beta2", [0.0, 0.5, 2 / 3])
def test_radam_never_adapts_when_v_cannot_average_more_than_five_gradients(beta2):
    """rho_inf = 2 / (1 - beta2) - 1 <= 5 for beta2 <= 2/3: rho_t < rho_inf never passes 5, and
    every step is lr * m / (1 - beta1^t), SGD with (bias-corrected) momentum."""
    p = mg.Tensor(np.array([0.0]), requires_grad=True)
    optimizer = optim.RAdam([p], lr=0.1, betas=(0.0, beta2))
    for g in [3.0, -1.0, 0.25] * 10:
        before = p.data.copy()
        p.grad = np.array([g])
        optimizer.step()
        np.testing.assert_allclose(before - p.data, [0.1 * g], rtol=1e-12)
        assert optimizer.effective_lr()[0] == 0.1


def test_adamax_worked_example_of_the_max_norm():
    """lr 0.1, betas (0.5, 0.5), eps 0.01, by hand. Step 1: u = |g| + eps; a zero gradient
    leaves u = eps, m = 0, and no move. Step 2: the 1st coordinate's decayed u (2.01 / 2)
    beats |g| + eps = 0.51; the 2nd's 0.005 falls below eps, and the max with |0| + eps holds
    it at eps; the 3rd takes the new, larger |g| + eps. Step 3, all gradients 0: every u
    halves, but never below eps, and m keeps the coordinates moving."""
    p = mg.Tensor(np.zeros(3), requires_grad=True)
    optimizer = optim.Adamax([p], lr=0.1, betas=(0.5, 0.5), eps=0.01)
    clr = [0.1 / 0.5, 0.1 / 0.75, 0.1 / 0.875]  # lr / (1 - beta1^t)
    steps = [  # gradient, then m, u and theta after the step
        ([2.0, 0.0, -1.0], [1.0, 0.0, -0.5], [2.01, 0.01, 1.01], [-clr[0] * 1 / 2.01, 0.0, clr[0] * 0.5 / 1.01]),
        ([0.5, 0.0, -4.0], [0.75, 0.0, -2.25], [1.005, 0.01, 4.01],
         [-clr[0] / 2.01 - clr[1] * 0.75 / 1.005, 0.0, clr[0] * 0.5 / 1.01 + clr[1] * 2.25 / 4.01]),
        ([0.0, 0.0, 0.0], [0.375, 0.0, -1.125], [0.5025, 0.01, 2.005],
         [-clr[0] / 2.01 - clr[1] * 0.75 / 1.005 - clr[2] * 0.375 / 0.5025, 0.0,
          clr[0] * 0.5 / 1.01 + clr[1] * 2.25 / 4.01 + clr[2] * 1.125 / 2.005]),
    ]  # fmt: skip
    for t, (g, m, u, theta) in enumerate(steps, start=1):
        p.grad = np.array(g)
        optimizer.step()
        state = optimizer.state[p]
        np.testing.assert_allclose(state["exp_avg"], m, rtol=1e-12, err_msg=f"step {t}")
        np.testing.assert_allclose(state["exp_inf"], u, rtol=1e-12, err_msg=f"step {t}")
        np.testing.assert_allclose(p.data, theta, rtol=1e-12, err_msg=f"step {t}")
        np.testing.assert_allclose(optimizer.effective_lr(), np.array([clr[t - 1]] * 3) / u, rtol=1e-12)
        assert state["step"] == t


def test_rprop_reads_lr_only_at_a_parameters_first_step():
    """lr is each step size's start: changing it later (as a scheduler would) leaves a
    stepped parameter's step sizes alone, and a parameter stepped first afterwards starts
    from the new lr."""
    a, b = mg.Tensor(np.zeros(2), requires_grad=True), mg.Tensor(np.zeros(2), requires_grad=True)
    optimizer = optim.Rprop([a, b], lr=0.1)
    a.grad = np.array([1.0, -1.0])
    optimizer.step()
    optimizer.param_groups[0]["lr"] = 0.01
    a.grad, b.grad = np.array([1.0, -1.0]), np.array([1.0, -1.0])
    optimizer.step()
    np.testing.assert_allclose(optimizer.state[a]["step_size"], [0.12, 0.12], rtol=1e-12)
    np.testing.assert_allclose(a.data, [-0.22, 0.22], rtol=1e-12)
    np.testing.assert_array_equal(optimizer.state[b]["step_size"], [0.01, 0.01])
    np.testing.assert_array_equal(b.data, [-0.01, 0.01])
