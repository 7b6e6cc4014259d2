"""Array creation, shape manipulation, joining and splitting on the JAX backend.

The op layer (`ops/numpy/arrays.py`, `ops/numpy/shaping.py`) checks and normalizes the
arguments first: axes are non-negative, shapes are int tuples, dtypes are resolved names.
"""

import jax.numpy as jnp
import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import cast, convert_to_tensor

__all__ = ["append", "arange", "array", "array_split", "broadcast_to", "concatenate", "copy",
           "empty", "empty_like", "expand_dims", "eye", "flip", "full", "full_like", "geomspace",
           "linspace", "logspace", "meshgrid", "moveaxis", "ones", "ones_like", "pad", "ravel",
           "repeat", "reshape", "roll", "rot90", "size", "split", "squeeze", "stack", "swapaxes",
           "tile", "transpose", "tri", "unravel_index", "unstack", "view", "zeros", "zeros_like"]


def _np(dtype):
    return common.numpy_dtype(dtype)


def _joined(xs):
    """`xs` converted to their common Keras dtype."""
    dtype = dtypes.result_type(*(dtypes.infer_dtype(x) for x in xs))
    return [convert_to_tensor(x, dtype) for x in xs]


# Creation --------------------------------------------------------------------------

def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def copy(x):
    return jnp.array(convert_to_tensor(x), copy=True)


def zeros(shape, dtype=None):
    return jnp.zeros(shape, _np(dtype))


def ones(shape, dtype=None):
    return jnp.ones(shape, _np(dtype))


def empty(shape, dtype=None):
    return jnp.empty(shape, _np(dtype))


def full(shape, fill_value, dtype=None):
    return jnp.full(shape, cast(fill_value, dtype), _np(dtype))


def zeros_like(x, dtype=None):
    return jnp.zeros_like(convert_to_tensor(x), _np(dtype))


def ones_like(x, dtype=None):
    return jnp.ones_like(convert_to_tensor(x), _np(dtype))


def empty_like(x, dtype=None):
    return jnp.empty_like(convert_to_tensor(x), _np(dtype))


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(convert_to_tensor(x), cast(fill_value, dtype), _np(dtype))


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k, _np(dtype))


def tri(N, M=None, k=0, dtype=None):
    return jnp.tri(N, M, k, _np(dtype))


def arange(start, stop=None, step=None, dtype=None):
    return jnp.arange(start, stop, step, dtype=_np(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    out = jnp.linspace(start, stop, num, endpoint, retstep, _np(dtype), axis)
    if retstep:
        return out[0], cast(out[1], dtypes.float_result(dtype))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    return jnp.logspace(start, stop, num, endpoint, base, _np(dtype), axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    return jnp.geomspace(start, stop, num, endpoint, _np(dtype), axis)


def meshgrid(*x, indexing="xy"):
    return list(jnp.meshgrid(*(jnp.ravel(convert_to_tensor(v)) for v in x), indexing=indexing))


# Shape manipulation ----------------------------------------------------------------

def reshape(x, newshape):
    return jnp.reshape(convert_to_tensor(x), newshape)


def ravel(x):
    return jnp.ravel(convert_to_tensor(x))


def squeeze(x, axis=None):
    return jnp.squeeze(convert_to_tensor(x), axis)


def expand_dims(x, axis):
    return jnp.expand_dims(convert_to_tensor(x), axis)


def broadcast_to(x, shape):
    return jnp.broadcast_to(convert_to_tensor(x), shape)


def transpose(x, axes=None):
    return jnp.transpose(convert_to_tensor(x), axes)


def moveaxis(x, source, destination):
    return jnp.moveaxis(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(convert_to_tensor(x), axis1, axis2)


def flip(x, axis=None):
    return jnp.flip(convert_to_tensor(x), axis)


def rot90(array, k=1, axes=(0, 1)):
    return jnp.rot90(convert_to_tensor(array), k, axes)


def roll(x, shift, axis=None):
    return jnp.roll(convert_to_tensor(x), shift, axis)


def repeat(x, repeats, axis=None):
    return jnp.repeat(convert_to_tensor(x), np.asarray(repeats), axis)  # static under jit


def tile(x, repeats):
    return jnp.tile(convert_to_tensor(x), repeats)


def pad(x, pad_width, mode="constant", constant_values=None):
    fill = {} if constant_values is None else {"constant_values": constant_values}
    return jnp.pad(convert_to_tensor(x), pad_width, mode=mode, **fill)


def view(x, dtype=None):
    x = convert_to_tensor(x)
    return x.view(x.dtype if dtype is None else _np(dtype))


# Joining and splitting -------------------------------------------------------------

def concatenate(xs, axis=0):
    return jnp.concatenate(_joined(xs), axis=axis)


def stack(x, axis=0):
    return jnp.stack(_joined(x), axis=axis)


def append(x1, x2, axis=None):
    x1, x2 = _joined((x1, x2))
    return jnp.append(x1, x2, axis)


def array_split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    if isinstance(indices_or_sections, int):
        return jnp.array_split(x, indices_or_sections, axis)
    bounds = (0, *indices_or_sections, x.shape[axis])  # slices, as jnp.split rejects decreasing indices
    before = (slice(None),) * axis
    return [x[before + (slice(a, b),)] for a, b in zip(bounds, bounds[1:])]


split = array_split  # the op layer has checked that `split`'s sections are equal


def unstack(x, num=None, axis=0):
    return list(jnp.unstack(convert_to_tensor(x), axis=axis))


# Queries ---------------------------------------------------------------------------

def size(x):
    return jnp.asarray(jnp.size(convert_to_tensor(x)), jnp.int32)


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    return tuple(i.astype(indices.dtype) for i in jnp.unravel_index(indices, shape))
