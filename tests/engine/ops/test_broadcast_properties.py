"""Property tests: random shapes, axes and keepdims for reductions and broadcasting binary ops.

Every backend must agree with NumPy on values, shapes and dtypes, and the symbolic rule must
agree with the eager result (`check_op` checks all three).
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import kerasnb.ops as ops
from tests.engine.ops.checks import check_op

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
DTYPES = st.sampled_from(["float32", "int32", "int8"])


def _values(seed, shape, dtype):
    """Small values, so int products and sums stay exact in 32 bits."""
    rng = np.random.default_rng(seed)
    values = rng.integers(-2, 3, shape) if dtype.startswith("int") else rng.uniform(-2.0, 2.0, shape)
    return np.asarray(values).astype(dtype)


@st.composite
def reductions(draw):
    """A shape, an axis (None, an int or a tuple of distinct ints, maybe negative) and keepdims."""
    shape = draw(array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
    ndim = len(shape)
    single = st.integers(-ndim, ndim - 1) if ndim else st.nothing()
    several = st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).map(
        lambda axes: tuple(a - ndim if i % 2 else a for i, a in enumerate(axes)))
    axis = draw(st.one_of(st.none(), single, several) if ndim else st.none())
    return shape, axis, draw(st.booleans())


def _widened(dtype):
    return "int32" if dtype == "int8" else dtype


REFERENCES = {  # op name: (NumPy reference computed in 64 bits, result dtype from the input dtype)
    "sum": (np.sum, _widened),
    "prod": (np.prod, _widened),
    "max": (np.max, str),
    "min": (np.min, str),
    "mean": (np.mean, lambda dtype: "float32"),
}


@SETTINGS
@given(case=reductions(), name=st.sampled_from(sorted(REFERENCES)), dtype=DTYPES, seed=st.integers(0, 2**16))
def test_reductions_match_numpy(backend, case, name, dtype, seed):
    shape, axis, keepdims = case
    x = _values(seed, shape, dtype)
    reference, result_dtype = REFERENCES[name]
    wide = x.astype("float64" if dtype == "float32" else "int64")
    expected = np.asarray(reference(wide, axis=axis, keepdims=keepdims)).astype(result_dtype(dtype))
    check_op(getattr(ops, name), x, axis=axis, keepdims=keepdims, expected=expected,
             dtype=result_dtype(dtype))


@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4),
       name=st.sampled_from(["add", "multiply"]), dtypes=st.tuples(DTYPES, DTYPES),
       seed=st.integers(0, 2**16))
def test_broadcasting_binary_ops_match_numpy(backend, shapes, name, dtypes, seed):
    x1 = _values(seed, shapes.input_shapes[0], dtypes[0])
    x2 = _values(seed + 1, shapes.input_shapes[1], dtypes[1])
    promoted = "float32" if "float32" in dtypes else ("int32" if "int32" in dtypes else "int8")
    expected = getattr(np, name)(x1.astype("float64"), x2.astype("float64")).astype(promoted)
    out = check_op(getattr(ops, name), x1, x2, expected=expected, dtype=promoted)
    assert out.shape == shapes.result_shape


@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4), seed=st.integers(0, 2**16))
def test_python_scalars_are_weak(backend, shapes, seed):
    x = _values(seed, shapes.input_shapes[0], "int8")
    check_op(ops.add, x, 1, expected=(x.astype("int64") + 1).astype("int8"), dtype="int8")
    check_op(ops.multiply, x, 1.5, expected=x * np.float32(1.5), dtype="float32")
