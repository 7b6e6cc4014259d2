"""Assertions shared by the op tests: values vs NumPy, symbolic vs eager, gradients."""

import numpy as np

import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.backend import common
from kerasnb.engine.tensors import KerasTensor


def to_numpy(x):
    if isinstance(x, (list, tuple)):
        return type(x)(to_numpy(v) for v in x)
    if isinstance(x, dict):
        return {k: to_numpy(v) for k, v in x.items()}
    return np.asarray(common.to_numpy_any(x))


def _symbolic(x):
    if isinstance(x, np.ndarray):
        return KerasTensor(x.shape, common.numpy_dtype(x.dtype).name if x.dtype.name != "bfloat16" else "bfloat16")
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, np.ndarray) for v in x):
        return type(x)(_symbolic(v) for v in x)
    return x


def _flat(x):
    return [v for item in x for v in _flat(item)] if isinstance(x, (list, tuple)) else [x]


def check_op(fn, *args, expected=None, dtype=None, rtol=1e-5, atol=1e-6, symbolic=True, **kwargs):
    """Calls op `fn` on the active backend and checks it.

    Args:
        fn: the kerasnb op.
        *args, **kwargs: its arguments; NumPy arrays are the tensor inputs.
        expected: the independent NumPy reference result (array or list/tuple of arrays).
        dtype: expected Keras dtype name(s) of the result; defaults to `expected`'s dtype.
        symbolic: also check that the op's rule on KerasTensors gives the eager shape and dtype.

    Returns:
        The eager result converted to NumPy.
    """
    out = fn(*args, **kwargs)
    got = to_numpy(out)
    if expected is not None:
        for g, e in zip(_flat(got), _flat(expected)):
            e = np.asarray(e)
            assert g.shape == e.shape, f"{fn.__name__}: shape {g.shape} != expected {e.shape}"
            if e.dtype.kind in "fc":
                np.testing.assert_allclose(g.astype(e.dtype) if g.dtype.kind in "fcV" else g, e, rtol=rtol, atol=atol, equal_nan=True)
            else:
                np.testing.assert_array_equal(g, e)
    if dtype is not None:
        for g, d in zip(_flat(out), _flat(dtype) if isinstance(dtype, (list, tuple)) else [dtype] * len(_flat(out))):
            assert ops.dtype(g) == d, f"{fn.__name__} on {engine_backend.current()}: dtype {ops.dtype(g)} != {d}"
    if symbolic:
        sym = fn(*[_symbolic(a) for a in args], **{k: _symbolic(v) for k, v in kwargs.items()})
        for s, g in zip(_flat(sym), _flat(out)):
            assert isinstance(s, KerasTensor), f"{fn.__name__}: symbolic call returned {type(s)}"
            eager_shape = tuple(to_numpy(g).shape)
            assert s.shape == eager_shape, f"{fn.__name__}: symbolic shape {s.shape} != eager {eager_shape}"
            assert s.dtype == ops.dtype(g), f"{fn.__name__}: symbolic dtype {s.dtype} != eager {ops.dtype(g)}"
    return got


def numeric_grad(fn, x, eps=1e-4):
    """Central finite-difference gradient of ``sum(fn(x))`` in float64, on NumPy."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    with engine_backend.use_backend("numpy"):
        for idx in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += eps
            down[idx] -= eps
            grad[idx] = (np.sum(to_numpy(fn(up))) - np.sum(to_numpy(fn(down)))) / (2 * eps)
    return grad


def check_grad(fn, x, rtol=1e-3, atol=1e-3):
    """Checks the active backend's gradient of ``sum(fn(x))`` against finite differences."""
    module = engine_backend.get()
    x64 = np.asarray(x, dtype=np.float64)
    _, grad = module.value_and_grad(lambda t: ops.sum(fn(t)))(module.convert_to_tensor(x64))
    np.testing.assert_allclose(to_numpy(grad), numeric_grad(fn, x64), rtol=rtol, atol=atol)
