"""NumPy backend core: tensor conversion, dtypes, shapes, and the autodiff entry point."""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common

__all__ = ["NAME", "Tensor", "devices", "is_tensor", "convert_to_tensor", "convert_to_numpy",
           "cast", "dtype_of", "shape", "value_and_grad"]

Tensor = np.ndarray
NAME = "numpy"


def devices():
    return ["cpu:0"]


def is_tensor(x):
    return isinstance(x, np.ndarray)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """An ndarray from `x` (Python data, an array, a Variable or another framework's tensor)."""
    if type(x) is np.ndarray:
        return x if dtype is None or x.dtype == common.numpy_dtype(dtype) else x.astype(common.numpy_dtype(dtype))
    if hasattr(x, "_migrate"):
        x = x.value
    if common.is_foreign_tensor(x) or isinstance(x, (np.ndarray, np.generic)):
        x = np.asarray(common.to_numpy_any(x))
        return x if dtype is None else x.astype(common.numpy_dtype(dtype), copy=False)
    return np.asarray(x, dtype=common.numpy_dtype(common.python_dtype(x, dtype)))


def convert_to_numpy(x):
    return np.asarray(convert_to_tensor(x))


def cast(x, dtype):
    x = convert_to_tensor(x)
    target = common.numpy_dtype(dtype)
    return x if x.dtype == target else x.astype(target)


def dtype_of(x):
    return dtypes.standardize_dtype(x.dtype)


def shape(x):
    return tuple(np.shape(x))


def value_and_grad(fn, argnums=0, has_aux=False):
    raise NotImplementedError(
        "Gradients are not available on the numpy backend (inference only); "
        "use jax, torch or tensorflow.")
