"""Array creation, shape manipulation, joining and splitting on the NumPy backend.

The op layer (`ops/numpy/arrays.py`, `ops/numpy/shaping.py`) checks and normalizes the
arguments first: axes are non-negative, shapes are int tuples, dtypes are resolved names.
"""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import cast, convert_to_tensor

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
    return np.array(convert_to_tensor(x), copy=True)


def zeros(shape, dtype=None):
    return np.zeros(shape, _np(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, _np(dtype))


def empty(shape, dtype=None):
    return np.empty(shape, _np(dtype))


def full(shape, fill_value, dtype=None):
    return np.full(shape, cast(fill_value, dtype), _np(dtype))


def zeros_like(x, dtype=None):
    return np.zeros_like(convert_to_tensor(x), _np(dtype))


def ones_like(x, dtype=None):
    return np.ones_like(convert_to_tensor(x), _np(dtype))


def empty_like(x, dtype=None):
    return np.empty_like(convert_to_tensor(x), _np(dtype))


def full_like(x, fill_value, dtype=None):
    return np.full_like(convert_to_tensor(x), cast(fill_value, dtype), _np(dtype))


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k, _np(dtype))


def tri(N, M=None, k=0, dtype=None):
    return np.tri(N, M, k, _np(dtype))


def arange(start, stop=None, step=None, dtype=None):
    return np.arange(start, stop, step, dtype=_np(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    out = np.linspace(start, stop, num, endpoint, retstep, _np(dtype), axis)
    if retstep:
        return out[0], np.asarray(out[1], _np(dtypes.float_result(dtype)))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    return np.logspace(start, stop, num, endpoint, base, _np(dtype), axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    return np.geomspace(start, stop, num, endpoint, _np(dtype), axis)


def meshgrid(*x, indexing="xy"):
    return list(np.meshgrid(*(convert_to_tensor(v) for v in x), indexing=indexing))


# Shape manipulation ----------------------------------------------------------------

def reshape(x, newshape):
    return np.reshape(convert_to_tensor(x), newshape)


def ravel(x):
    return np.ravel(convert_to_tensor(x))


def squeeze(x, axis=None):
    return np.squeeze(convert_to_tensor(x), axis)


def expand_dims(x, axis):
    return np.expand_dims(convert_to_tensor(x), axis)


def broadcast_to(x, shape):
    return np.broadcast_to(convert_to_tensor(x), shape)


def transpose(x, axes=None):
    return np.transpose(convert_to_tensor(x), axes)


def moveaxis(x, source, destination):
    return np.moveaxis(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return np.swapaxes(convert_to_tensor(x), axis1, axis2)


def flip(x, axis=None):
    return np.flip(convert_to_tensor(x), axis)


def rot90(array, k=1, axes=(0, 1)):
    return np.rot90(convert_to_tensor(array), k, axes)


def roll(x, shift, axis=None):
    return np.roll(convert_to_tensor(x), shift, axis)


def repeat(x, repeats, axis=None):
    return np.repeat(convert_to_tensor(x), repeats, axis)


def tile(x, repeats):
    return np.tile(convert_to_tensor(x), repeats)


def pad(x, pad_width, mode="constant", constant_values=None):
    fill = {} if constant_values is None else {"constant_values": constant_values}
    return np.pad(convert_to_tensor(x), pad_width, mode=mode, **fill)


def view(x, dtype=None):
    x = convert_to_tensor(x)
    return x.view(x.dtype if dtype is None else _np(dtype))


# Joining and splitting -------------------------------------------------------------

def concatenate(xs, axis=0):
    return np.concatenate(_joined(xs), axis=axis)


def stack(x, axis=0):
    return np.stack(_joined(x), axis=axis)


def append(x1, x2, axis=None):
    x1, x2 = _joined((x1, x2))
    return np.append(x1, x2, axis)


def split(x, indices_or_sections, axis=0):
    return np.split(convert_to_tensor(x), indices_or_sections, axis)


def array_split(x, indices_or_sections, axis=0):
    return np.array_split(convert_to_tensor(x), indices_or_sections, axis)


def unstack(x, num=None, axis=0):
    return list(np.moveaxis(convert_to_tensor(x), axis, 0))


# Queries ---------------------------------------------------------------------------

def size(x):
    return np.asarray(np.size(convert_to_tensor(x)), np.int32)


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    return tuple(np.asarray(i, indices.dtype) for i in np.unravel_index(indices, shape))
