"""Products, indexing and selection, diagonals and window functions on the TensorFlow backend."""

import math

import numpy as np
import tensorflow as tf

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.tensorflow.core import Tensor, convert_to_tensor

__all__ = [
    "matmul", "dot", "tensordot", "einsum", "inner", "outer", "kron", "cross", "vdot", "cdist",
    "trace", "diag", "diagflat", "diagonal", "tril", "triu", "vander",
    "take", "take_along_axis", "where", "get_item", "nonzero", "select", "slogdet",
    "bartlett", "blackman", "hamming", "hanning", "kaiser",
]

# Dtypes that TensorFlow's matmul, einsum and arithmetic kernels cover; others use int64.
_NATIVE = ("int32", "int64", "bfloat16", "float16", "float32", "float64", "complex64", "complex128")


def _dtype(*tensors, widen=False):
    """Keras's result dtype of `tensors`; with `widen`, int8 operands accumulate in int32."""
    names = [common.operand_dtype(t) for t in tensors]
    if widen and all(n == "int8" for n in names):
        return "int32"
    return dtypes.result_type(*names)


def _contract(fn, tensors, dtype, *args, **kwargs):
    """`fn` on `tensors` cast to `dtype` (or int64 where TF lacks the kernel), result in `dtype`."""
    work = dtype if dtype in _NATIVE else "int64"
    return tf.cast(fn(*[tf.cast(t, work) for t in tensors], *args, **kwargs), dtype)


def _binary(fn, x1, x2, *args, widen=False, **kwargs):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    return _contract(fn, (x1, x2), _dtype(x1, x2, widen=widen), *args, **kwargs)


def _matmul(a, b):
    if a.shape.rank > 1 and b.shape.rank > 1:
        return tf.linalg.matmul(a, b)
    if b.shape.rank > 1:
        return tf.squeeze(tf.linalg.matmul(a[None], b), -2)
    if a.shape.rank > 1:
        return tf.squeeze(tf.linalg.matmul(a, b[:, None]), -1)
    return tf.reduce_sum(a * b)


def matmul(x1, x2):
    if (type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype
            and x1.dtype.is_floating and x1.shape.rank > 1 and x2.shape.rank > 1):
        return tf.linalg.matmul(x1, x2)
    return _binary(_matmul, x1, x2, widen=True)


def _dot(a, b):
    if a.shape.rank == 0 or b.shape.rank == 0:
        return a * b
    return tf.tensordot(a, b, [[a.shape.rank - 1], [max(b.shape.rank - 2, 0)]])


def dot(x1, x2):
    return _binary(_dot, x1, x2)


def _axes(axes):
    """tensordot's `axes` in the form TensorFlow accepts: an int or two lists."""
    return axes if isinstance(axes, int) else [[a] if isinstance(a, int) else list(a) for a in axes]


def tensordot(x1, x2, axes=2):
    return _binary(tf.tensordot, x1, x2, _axes(axes))


def einsum(subscripts, *operands, **kwargs):
    tensors = [convert_to_tensor(x) for x in operands]
    return _contract(lambda *ts: tf.einsum(subscripts, *ts), tensors, _dtype(*tensors, widen=True))


def _inner(a, b):
    if a.shape.rank == 0 or b.shape.rank == 0:
        return a * b
    return tf.tensordot(a, b, [[a.shape.rank - 1], [b.shape.rank - 1]])


def inner(x1, x2):
    return _binary(_inner, x1, x2)


def outer(x1, x2):
    return _binary(lambda a, b: tf.reshape(a, [-1, 1]) * tf.reshape(b, [1, -1]), x1, x2)


def _kron(a, b):
    rank = max(a.shape.rank, b.shape.rank)
    sa = [1] * (rank - a.shape.rank) + a.shape.as_list()
    sb = [1] * (rank - b.shape.rank) + b.shape.as_list()
    blocks = tf.reshape(a, [d for n in sa for d in (n, 1)]) * tf.reshape(b, [d for n in sb for d in (1, n)])
    return tf.reshape(blocks, [m * n for m, n in zip(sa, sb)])


def kron(x1, x2):
    return _binary(_kron, x1, x2)


def _components(v):
    parts = tf.unstack(v, axis=-1)
    return parts if len(parts) == 3 else parts + [tf.zeros_like(parts[0])]


def _cross(a, b, axisa, axisb, axisc):
    a = tf.experimental.numpy.moveaxis(a, axisa, -1)
    b = tf.experimental.numpy.moveaxis(b, axisb, -1)
    (a0, a1, a2), (b0, b1, b2) = _components(a), _components(b)
    z = a0 * b1 - a1 * b0
    if a.shape[-1] == b.shape[-1] == 2:
        return z
    return tf.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z], axis=axisc)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    return _binary(_cross, x1, x2, axisa, axisb, axisc)


def vdot(x1, x2):
    return _binary(lambda a, b: tf.reduce_sum(tf.math.conj(tf.reshape(a, [-1])) * tf.reshape(b, [-1])), x1, x2)


def _distances(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]
    return tf.sqrt(tf.reduce_sum(diff * diff, axis=-1))


def cdist(x, y):
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    return _contract(_distances, (x, y), dtypes.result_type(_dtype(x, y), float))


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    rank = x.shape.rank
    axis1, axis2 = axis1 % rank, axis2 % rank
    x = tf.transpose(x, [i for i in range(rank) if i not in (axis1, axis2)] + [axis1, axis2])
    rows, cols = x.shape[-2], x.shape[-1]
    if max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols)) == 0:
        return tf.zeros(x.shape[:-2] + [0], x.dtype)
    return tf.linalg.diag_part(x, k=offset)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    return tf.reduce_sum(tf.cast(diagonal(x, offset, axis1, axis2), dtypes.sum_result(x.dtype.name)), axis=-1)


def diag(x, k=0):
    x = convert_to_tensor(x)
    return tf.linalg.diag(x, k=k) if x.shape.rank == 1 else diagonal(x, k)


def diagflat(x, k=0):
    return tf.linalg.diag(tf.reshape(convert_to_tensor(x), [-1]), k=k)


def _triangle(x, k, lower):
    x = convert_to_tensor(x)
    shape = tf.shape(x)
    rows, cols = tf.range(shape[-2])[:, None], tf.range(shape[-1])[None, :]
    keep = cols - rows <= k if lower else cols - rows >= k
    return tf.where(keep, x, tf.zeros_like(x))


def tril(x, k=0):
    return _triangle(x, k, lower=True)


def triu(x, k=0):
    return _triangle(x, k, lower=False)


def _vander(x, n, increasing):
    powers = tf.cast(tf.range(n), x.dtype)
    return tf.pow(x[:, None], powers if increasing else powers[::-1])


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    return _contract(_vander, (x,), x.dtype.name, x.shape[0] if N is None else N, increasing)


def _positions(indices, n):
    """`indices` as int64 with negative values counted from the end of an axis of size `n`."""
    indices = tf.cast(convert_to_tensor(indices), "int64")
    return tf.where(indices < 0, indices + n, indices)


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.gather(x, _positions(indices, tf.shape(x, out_type="int64")[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    rank = x.shape.rank
    axis %= rank
    indices = _positions(indices, tf.shape(x, out_type="int64")[axis])
    sx, si = x.shape.as_list(), indices.shape.as_list()
    batch = list(np.broadcast_shapes(tuple(sx[:axis] + [1] + sx[axis + 1:]), tuple(si[:axis] + [1] + si[axis + 1:])))
    x = tf.broadcast_to(x, batch[:axis] + [sx[axis]] + batch[axis + 1:])
    indices = tf.broadcast_to(indices, batch[:axis] + [si[axis]] + batch[axis + 1:])
    last = [i for i in range(rank) if i != axis] + [axis]
    out = tf.gather(tf.transpose(x, last), tf.transpose(indices, last), batch_dims=rank - 1)
    return tf.transpose(out, np.argsort(last))


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return nonzero(condition)
    condition = tf.cast(convert_to_tensor(condition), "bool")
    return tf.where(condition, *common.binary_operands(convert_to_tensor, x1, x2))


def _index_entries(key):
    """Key entries with index arrays as tensors and boolean masks as one int64 index per axis."""
    entries = []
    for entry in key if isinstance(key, tuple) else (key,):
        if isinstance(entry, (list, np.ndarray)) or common.is_foreign_tensor(entry):
            entry = convert_to_tensor(entry)
            if entry.dtype == tf.bool:
                entries.extend(tf.unstack(tf.where(entry), num=entry.shape.rank, axis=1))
                continue
        entries.append(entry)
    return entries


def _gather(x, entries):
    """NumPy advanced indexing: ints and index tensors gathered together, slices kept."""
    advanced = [i for i, e in enumerate(entries) if tf.is_tensor(e) or isinstance(e, (int, np.integer))]
    x = x[tuple(slice(None) if i in advanced else e for i, e in enumerate(entries))]
    sizes = tf.shape(x, out_type="int64")
    index = [_positions(entries[i], sizes[i]) for i in advanced]
    batch = list(np.broadcast_shapes(*(tuple(t.shape.as_list()) for t in index)))
    index = tf.stack([tf.broadcast_to(t, batch) for t in index], axis=-1)
    rest = [i for i in range(len(entries)) if i not in advanced]
    out = tf.gather_nd(tf.transpose(x, advanced + rest), index)
    start = advanced[0]
    if advanced != list(range(start, start + len(advanced))) or start == 0:
        return out
    nb = len(batch)
    order = list(range(nb, nb + start)) + list(range(nb)) + list(range(nb + start, out.shape.rank))
    return tf.transpose(out, order)


def get_item(x, key):
    """``x[key]`` for a key normalized by the op layer (one entry per axis, no Ellipsis)."""
    x = convert_to_tensor(x)
    entries = _index_entries(key)
    if any(tf.is_tensor(e) for e in entries):
        return _gather(x, entries)
    return x[tuple(entries)]


def nonzero(x):
    x = convert_to_tensor(x)
    found = tf.cast(tf.where(tf.cast(x, "bool")), "int32")
    return tuple(tf.unstack(found, num=x.shape.rank, axis=1))


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(common.operand_dtype(c) for c in choicelist), common.operand_dtype(default))
    out = convert_to_tensor(default, dtype)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = tf.where(tf.cast(convert_to_tensor(cond), "bool"), convert_to_tensor(choice, dtype), out)
    return out


def slogdet(x):
    x = convert_to_tensor(x)
    dtype = dtypes.float_result(x.dtype.name)
    work = "float32" if dtype in ("float16", "bfloat16") else dtype
    sign, logdet = tf.linalg.slogdet(tf.cast(x, work))
    return tf.cast(sign, dtype), tf.cast(logdet, dtype)


def _window(x, make):
    """A symmetric window of `x` points from ``make(n)`` (n >= 2, float64), as floatx."""
    n = int(x)
    return tf.cast(tf.ones([n], "float64") if n < 2 else make(n), config.floatx())


def _formula(fn):
    """``make(n)`` evaluating `fn` at ``t = k / (n - 1)`` for k = 0 .. n-1."""
    return lambda n: fn(tf.range(n, dtype="float64") / (n - 1))


def bartlett(x):
    return _window(x, _formula(lambda t: 1.0 - tf.abs(2.0 * t - 1.0)))


def blackman(x):
    return _window(x, _formula(lambda t: 0.42 - 0.5 * tf.cos(2 * math.pi * t) + 0.08 * tf.cos(4 * math.pi * t)))


def hamming(x):
    return _window(x, lambda n: tf.signal.hamming_window(n, periodic=False, dtype=tf.float64))


def hanning(x):
    return _window(x, lambda n: tf.signal.hann_window(n, periodic=False, dtype=tf.float64))


def kaiser(x, beta):
    return _window(x, lambda n: tf.signal.kaiser_window(n, beta=float(beta), dtype=tf.float64))
