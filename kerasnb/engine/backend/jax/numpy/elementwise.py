"""Elementwise ops on the JAX backend."""

import jax
import jax.numpy as jnp

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor

__all__ = ["add", "sqrt"]


def _binary(fn):
    def impl(x1, x2):
        if isinstance(x1, jax.Array) and isinstance(x2, jax.Array) and x1.dtype == x2.dtype:
            return fn(x1, x2)
        return fn(*common.binary_operands(convert_to_tensor, x1, x2))
    return impl


def _unary_float(fn):
    def impl(x):
        x = convert_to_tensor(x)
        return fn(x.astype(common.numpy_dtype(dtypes.float_result(x.dtype))))
    return impl


add = _binary(jnp.add)
sqrt = _unary_float(jnp.sqrt)
