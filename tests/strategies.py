"""Hypothesis strategies shared by the tests: shapes, broadcastable pairs, safe values."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
nonscalar_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=4)


def values(lo=-3.0, hi=3.0, avoid=()):
    """float64 values in [lo, hi], at least 1e-3 from each point in ``avoid`` (kinks such as
    relu's 0, where a finite difference straddles two slopes)."""
    elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if avoid:
        elements = elements.filter(lambda v: all(abs(v - k) > 1e-3 for k in avoid))
    return elements


def arrays(shape, lo=-3.0, hi=3.0, avoid=()):
    return hnp.arrays(np.float64, shape, elements=values(lo, hi, avoid))


def distinct_arrays(shape):
    """Values on a grid of 1/8: ties are impossible and no two entries lie within a
    finite-difference step of each other (for max, where ties share the gradient)."""
    grid = st.integers(-40, 40).map(lambda i: i / 8)
    return hnp.arrays(np.float64, shape, elements=grid, unique=True)


def away_from_zero(shape, lo=0.3, hi=3.0):
    """Values with lo <= |v| <= hi, either sign (denominators)."""
    magnitude = hnp.arrays(np.float64, shape, elements=st.floats(lo, hi))
    sign = hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0]))
    return st.tuples(magnitude, sign).map(lambda ms: ms[0] * ms[1])


@st.composite
def axes_for(draw, ndim):
    """A reduction's axis argument for an ndim-dimensional input: None, an int (maybe
    negative) or a tuple of distinct axes."""
    if ndim == 0:
        return None
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)))
