"""Array creation, shape manipulation, joining and splitting on the TensorFlow backend.

The op layer (`ops/numpy/arrays.py`, `ops/numpy/shaping.py`) checks and normalizes the
arguments first: axes are non-negative, shapes are int tuples, dtypes are resolved names.
`rot90`, `append` and the hstack family use the op layer's composites.
"""

import numpy as np
import tensorflow as tf
import tensorflow.experimental.numpy as tnp

from kerasnb.engine import dtypes
from kerasnb.engine.backend.tensorflow.core import cast, convert_to_tensor

__all__ = ["arange", "array", "array_split", "broadcast_to", "concatenate", "copy", "empty",
           "empty_like", "expand_dims", "eye", "flip", "full", "full_like", "geomspace",
           "linspace", "logspace", "meshgrid", "moveaxis", "ones", "ones_like", "pad", "ravel",
           "repeat", "reshape", "roll", "size", "split", "squeeze", "stack", "swapaxes", "tile",
           "transpose", "tri", "unravel_index", "unstack", "view", "zeros", "zeros_like"]

_INDEX_PAD_MODES = ("edge", "reflect", "symmetric", "wrap")


def _joined(xs):
    """`xs` converted to their common Keras dtype."""
    dtype = dtypes.result_type(*(dtypes.infer_dtype(x) for x in xs))
    return [convert_to_tensor(x, dtype) for x in xs]


# Creation --------------------------------------------------------------------------

def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def copy(x):
    return tf.identity(convert_to_tensor(x))


def zeros(shape, dtype=None):
    return tf.zeros(shape, dtypes.standardize_dtype(dtype))


def ones(shape, dtype=None):
    return tf.ones(shape, dtypes.standardize_dtype(dtype))


empty = zeros  # TensorFlow has no uninitialized tensors


def full(shape, fill_value, dtype=None):
    return tf.broadcast_to(cast(fill_value, dtypes.standardize_dtype(dtype)), shape)


def zeros_like(x, dtype=None):
    return tf.zeros_like(convert_to_tensor(x), dtype)


def ones_like(x, dtype=None):
    return tf.ones_like(convert_to_tensor(x), dtype)


empty_like = zeros_like  # TensorFlow has no uninitialized tensors


def full_like(x, fill_value, dtype=None):
    return full(tf.shape(convert_to_tensor(x)), fill_value, dtype)


def _diagonals(N, M):
    """Column index minus row index, for an `N` x `M` matrix."""
    return tf.range(M)[None, :] - tf.range(N)[:, None]


def eye(N, M=None, k=0, dtype=None):
    return tf.cast(_diagonals(N, M) == k, dtype)


def tri(N, M=None, k=0, dtype=None):
    return tf.cast(_diagonals(N, M) <= k, dtype)


def arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if (stop - start) * step < 0:  # empty, as in NumPy (tf.range refuses)
        stop = start
    wide = "float64" if dtypes.is_float(dtype) else "int64"  # tf.range lacks the small dtypes
    return tf.cast(tf.range(start, stop, step, dtype=wide), dtype)


def _work_dtype(dtype):
    """The float dtype that spaced samples are computed in before the cast to `dtype`."""
    return "float32" if dtype in ("bfloat16", "float16", "float32") else "float64"


def _spaced(start, stop, num, endpoint, work):
    """`num` samples from `start` to `stop` on a new first axis, as NumPy computes them, and the step."""
    start, stop = cast(start, work), cast(stop, work)
    delta = stop - start
    div = num - 1 if endpoint else num
    step = delta / div if div > 0 else tf.fill(tf.shape(delta), tf.constant(np.nan, work))
    counts = tf.reshape(tf.range(num, dtype=work), (num,) + (1,) * delta.shape.rank)
    samples = counts * (step if div > 0 else delta) + start
    if endpoint and num > 1:
        samples = tf.concat([samples[:-1], tf.broadcast_to(stop, tf.shape(samples)[1:])[None]], 0)
    return samples, step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    samples, step = _spaced(start, stop, num, endpoint, _work_dtype(dtype))
    if not dtypes.is_float(dtype):
        samples = tf.floor(samples)
    out = tf.cast(moveaxis(samples, (0,), (axis,)), dtype)
    return (out, tf.cast(step, dtypes.float_result(dtype))) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    samples, _ = _spaced(start, stop, num, endpoint, _work_dtype(dtype))
    return tf.cast(moveaxis(tf.pow(cast(base, samples.dtype), samples), (0,), (axis,)), dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    work = _work_dtype(dtype)
    start, stop = cast(start, work), cast(stop, work)
    sign = tf.sign(start)
    first, last = start / sign, stop / sign
    log10 = tf.math.log(tf.constant(10.0, work))
    samples = tf.pow(tf.constant(10.0, work), _spaced(tf.math.log(first) / log10, tf.math.log(last) / log10,
                                                      num, endpoint, work)[0])
    rows = tf.shape(samples)[1:]
    head = [tf.broadcast_to(first, rows)[None]] if num > 0 else []
    tail = [tf.broadcast_to(last, rows)[None]] if endpoint and num > 1 else []
    samples = tf.concat(head + [samples[len(head):num - len(tail)]] + tail, 0)
    return tf.cast(moveaxis(samples * sign, (0,), (axis,)), dtype)


def meshgrid(*x, indexing="xy"):
    vectors = [tf.reshape(convert_to_tensor(v), [-1]) for v in x]  # tf.meshgrid needs one dtype
    shape, axes = [tf.size(v) for v in vectors], list(range(len(vectors)))
    if indexing == "xy" and len(vectors) > 1:
        shape[:2], axes[:2] = shape[1::-1], axes[1::-1]
    return [tf.broadcast_to(tf.reshape(v, [-1 if i == axis else 1 for i in range(len(vectors))]), shape)
            for v, axis in zip(vectors, axes)]


# Shape manipulation ----------------------------------------------------------------

def reshape(x, newshape):
    return tf.reshape(convert_to_tensor(x), newshape)


def ravel(x):
    return tf.reshape(convert_to_tensor(x), [-1])


def squeeze(x, axis=None):
    x = convert_to_tensor(x)
    return x if axis == () else tf.squeeze(x, axis)


def expand_dims(x, axis):
    x = convert_to_tensor(x)
    for a in sorted(axis):
        x = tf.expand_dims(x, a)
    return x


def broadcast_to(x, shape):
    return tf.broadcast_to(convert_to_tensor(x), shape)


def transpose(x, axes=None):
    return tf.transpose(convert_to_tensor(x), axes)


def moveaxis(x, source, destination):
    return tnp.moveaxis(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    x = convert_to_tensor(x)
    perm = list(range(x.shape.rank))
    perm[axis1], perm[axis2] = axis2, axis1
    return tf.transpose(x, perm)


def flip(x, axis=None):
    x = convert_to_tensor(x)
    return tf.reverse(x, list(range(x.shape.rank)) if axis is None else list(axis))


def roll(x, shift, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, 0), tf.shape(x))
    return tf.roll(x, shift, axis)


def repeat(x, repeats, axis=None):
    return tf.repeat(convert_to_tensor(x), repeats, axis)


def tile(x, repeats):
    x = convert_to_tensor(x)
    for _ in range(len(repeats) - x.shape.rank):
        x = x[None]
    return tf.tile(x, (1,) * (x.shape.rank - len(repeats)) + tuple(repeats))


def _pad_stat(x, axis, mode):
    """The statistic that `mode` pads axis `axis` with (kept as a size-1 dim), rounded for ints."""
    if mode == "maximum":
        return tf.reduce_max(x, axis, keepdims=True)
    if mode == "minimum":
        return tf.reduce_min(x, axis, keepdims=True)
    floating = x.dtype.is_floating
    work = x if floating else tf.cast(x, "float64")
    if mode == "median":
        n = x.shape[axis]
        work = tf.gather(tf.sort(work, axis), sorted({(n - 1) // 2, n // 2}), axis=axis)
    stat = tf.reduce_mean(work, axis, keepdims=True)
    return stat if floating else tf.cast(tf.round(stat), x.dtype)


def _linear_ramp(x, axis, width, at_end):
    """`width` values running from 0 to the edge of `x` at the start (or back from the end)."""
    edge = tf.gather(x, [x.shape[axis] - 1 if at_end else 0], axis=axis)
    work = edge if x.dtype.is_floating else tf.cast(edge, "float64")
    shape = [1] * x.shape.rank
    shape[axis] = width
    counts = tf.reshape(tf.range(width, dtype=work.dtype), shape)
    ramp = counts * (work / width) if width else tf.gather(work, [], axis=axis)
    if not x.dtype.is_floating:
        ramp = tf.floor(ramp)
    return tf.cast(tf.reverse(ramp, [axis]) if at_end else ramp, x.dtype)


def _pad_axis(x, axis, before, after, mode):
    """`x` padded along one axis in a non-constant `mode`."""
    if mode in _INDEX_PAD_MODES:
        index = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
        # Gathering behind a leading size-1 dim keeps the gradient dense (axis 0 gives IndexedSlices).
        return tf.gather(x[None], index, axis=axis + 1)[0]
    if mode == "linear_ramp":
        return tf.concat([_linear_ramp(x, axis, before, False), x, _linear_ramp(x, axis, after, True)], axis)
    stat = _pad_stat(x, axis, mode)
    return tf.concat([tf.repeat(stat, before, axis), x, tf.repeat(stat, after, axis)], axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    if mode == "constant":
        fill = tf.cast(0 if constant_values is None else constant_values, x.dtype)
        return tf.pad(x, pad_width, constant_values=fill)
    for axis, (before, after) in enumerate(pad_width):
        if before or after:
            x = _pad_axis(x, axis, before, after, mode)
    return x


def view(x, dtype=None):
    x = convert_to_tensor(x)
    old, new = x.dtype.name, dtypes.standardize_dtype(dtype or x.dtype.name)
    if "bool" in (old, new):  # tf.bitcast has no bool: go through its one-byte twin, uint8
        bits = view(tf.cast(x, "uint8") if old == "bool" else x, "uint8" if new == "bool" else new)
        return tf.cast(bits, new)
    old_size, new_size = dtypes.itemsize(old), dtypes.itemsize(new)
    if old_size < new_size:
        ratio = new_size // old_size
        x = tf.reshape(x, tf.concat([tf.shape(x)[:-1], [-1, ratio]], 0))
    out = tf.bitcast(x, new)
    if old_size > new_size:
        out = tf.reshape(out, tf.concat([tf.shape(out)[:-2], [-1]], 0))
    return out


# Joining and splitting -------------------------------------------------------------

def concatenate(xs, axis=0):
    return tf.concat(_joined(xs), axis)


def stack(x, axis=0):
    return tf.stack(_joined(x), axis)


def array_split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    dim = x.shape[axis]
    if isinstance(indices_or_sections, int):
        count = indices_or_sections
        sizes = [dim // count + 1] * (dim % count) + [dim // count] * (count - dim % count)
        return tf.split(x, sizes, axis)
    bounds = (0, *indices_or_sections, dim)
    before = (slice(None),) * axis
    return [x[before + (slice(a, b),)] for a, b in zip(bounds, bounds[1:])]


split = array_split  # the op layer has checked that `split`'s sections are equal


def unstack(x, num=None, axis=0):
    return tf.unstack(convert_to_tensor(x), num, axis)


# Queries ---------------------------------------------------------------------------

def size(x):
    return tf.size(convert_to_tensor(x), out_type=tf.int32)


def unravel_index(indices, shape):
    flat = convert_to_tensor(indices)
    coords = []
    for dim in reversed(shape):
        coords.append(flat % dim)
        flat = flat // dim
    return tuple(reversed(coords))
