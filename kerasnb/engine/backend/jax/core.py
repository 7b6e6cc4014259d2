"""JAX backend core: tensor conversion, dtypes, shapes, and the autodiff entry point."""

import jax
import jax.numpy as jnp
import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common

jax.config.update("jax_enable_x64", True)

__all__ = ["NAME", "Tensor", "devices", "is_tensor", "convert_to_tensor", "convert_to_numpy",
           "cast", "dtype_of", "shape", "value_and_grad"]

NAME = "jax"
Tensor = type(jnp.zeros(()))


def devices():
    return [f"{d.platform}:{d.id}" for d in jax.devices()]


def is_tensor(x):
    return isinstance(x, jax.Array)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A jax.Array from `x` (Python data, an array, a Variable or another framework's tensor)."""
    if isinstance(x, jax.Array):
        return x if dtype is None or x.dtype == common.numpy_dtype(dtype) else x.astype(common.numpy_dtype(dtype))
    if hasattr(x, "_migrate"):
        return convert_to_tensor(x.value, dtype)
    if common.is_foreign_tensor(x) or isinstance(x, (np.ndarray, np.generic)):
        x = common.to_numpy_any(x)
        return jnp.asarray(x, dtype=None if dtype is None else common.numpy_dtype(dtype))
    return jnp.asarray(x, dtype=common.numpy_dtype(common.python_dtype(x, dtype)))


def convert_to_numpy(x):
    return np.asarray(convert_to_tensor(x))


def cast(x, dtype):
    x = convert_to_tensor(x)
    target = common.numpy_dtype(dtype)
    return x if x.dtype == target else x.astype(target)


def dtype_of(x):
    return dtypes.standardize_dtype(x.dtype)


def shape(x):
    return tuple(x.shape)


def value_and_grad(fn, argnums=0, has_aux=False):
    """``fn``'s value and its gradient with respect to the `argnums` arguments (JAX semantics)."""
    return jax.value_and_grad(fn, argnums=argnums, has_aux=has_aux)


def host_call(fn, args, dtype, shape):
    """``fn(*numpy_args)`` (one NumPy array out) on jax arrays; under `jax.jit` through
    `jax.pure_callback`, so host-side preprocessing (hashing, lookups) also traces."""
    if any(isinstance(a, jax.core.Tracer) for a in args):
        spec = jax.ShapeDtypeStruct(tuple(shape), common.numpy_dtype(dtype))
        return jax.pure_callback(lambda *values: np.asarray(fn(*values), spec.dtype), spec, *args)
    return convert_to_tensor(np.asarray(fn(*[a if isinstance(a, np.ndarray) else convert_to_numpy(a)
                                             for a in args])), dtype)
