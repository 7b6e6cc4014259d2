"""Products, indexing and selection, diagonals and window functions on the NumPy backend."""

import numpy as np

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = [
    "matmul", "dot", "tensordot", "einsum", "inner", "outer", "kron", "cross", "vdot", "cdist",
    "trace", "diag", "diagflat", "diagonal", "tril", "triu", "vander",
    "take", "take_along_axis", "where", "get_item", "nonzero", "select", "slogdet",
    "bartlett", "blackman", "hamming", "hanning", "kaiser",
]


def _dtype(*tensors, widen=False):
    """Keras's result dtype of `tensors`; with `widen`, int8 operands accumulate in int32."""
    names = [common.operand_dtype(t) for t in tensors]
    if widen and all(n == "int8" for n in names):
        return "int32"
    return dtypes.result_type(*names)


def _contract(fn, tensors, dtype, *args, **kwargs):
    """`fn` on `tensors` cast to `dtype` (bfloat16 computed in float32), result in `dtype`."""
    target = common.numpy_dtype(dtype)
    work = np.dtype(np.float32) if dtype == "bfloat16" else target
    out = fn(*[t.astype(work, copy=False) for t in tensors], *args, **kwargs)
    return np.asarray(out).astype(target, copy=False)


def _binary(fn, x1, x2, *args, widen=False, **kwargs):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    return _contract(fn, (x1, x2), _dtype(x1, x2, widen=widen), *args, **kwargs)


def matmul(x1, x2):
    if (type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype
            and x1.dtype.kind == "f" and x1.ndim > 1):
        return np.matmul(x1, x2)
    return _binary(np.matmul, x1, x2, widen=True)


def dot(x1, x2):
    return _binary(np.dot, x1, x2)


def tensordot(x1, x2, axes=2):
    return _binary(np.tensordot, x1, x2, axes=axes)


def einsum(subscripts, *operands, **kwargs):
    tensors = [convert_to_tensor(x) for x in operands]
    return _contract(lambda *ts: np.einsum(subscripts, *ts, **kwargs), tensors, _dtype(*tensors, widen=True))


def inner(x1, x2):
    return _binary(np.inner, x1, x2)


def outer(x1, x2):
    return _binary(np.outer, x1, x2)


def kron(x1, x2):
    return _binary(np.kron, x1, x2)


def _to3(v):
    return v if v.shape[-1] == 3 else np.concatenate([v, np.zeros_like(v[..., :1])], axis=-1)


def _cross(a, b, axisa, axisb, axisc):
    a, b = np.moveaxis(a, axisa, -1), np.moveaxis(b, axisb, -1)
    if a.shape[-1] == b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    return np.moveaxis(np.cross(_to3(a), _to3(b)), -1, axisc)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    return _binary(_cross, x1, x2, axisa, axisb, axisc)


def vdot(x1, x2):
    return _binary(np.vdot, x1, x2)


def _distances(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=-1))


def cdist(x, y):
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    return _contract(_distances, (x, y), dtypes.result_type(_dtype(x, y), float))


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    dtype = common.numpy_dtype(dtypes.sum_result(x.dtype))
    return np.asarray(np.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=dtype))


def diag(x, k=0):
    return np.diag(convert_to_tensor(x), k=k)


def diagflat(x, k=0):
    return np.diagflat(convert_to_tensor(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return np.diagonal(convert_to_tensor(x), offset=offset, axis1=axis1, axis2=axis2).copy()


def tril(x, k=0):
    return np.tril(convert_to_tensor(x), k=k)


def triu(x, k=0):
    return np.triu(convert_to_tensor(x), k=k)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    return np.vander(x, N=N, increasing=increasing).astype(x.dtype, copy=False)


def take(x, indices, axis=None):
    return np.take(convert_to_tensor(x), convert_to_tensor(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    return np.take_along_axis(convert_to_tensor(x), convert_to_tensor(indices), axis=axis)


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return nonzero(condition)
    condition = convert_to_tensor(condition).astype(bool, copy=False)
    return np.where(condition, *common.binary_operands(convert_to_tensor, x1, x2))


def _index(entry):
    return common.to_numpy_any(entry) if common.is_foreign_tensor(entry) else entry


def get_item(x, key):
    x = convert_to_tensor(x)
    key = key if isinstance(key, tuple) else (key,)
    return np.asarray(x[tuple(_index(k) for k in key)])


def nonzero(x):
    return tuple(i.astype(np.int32) for i in np.nonzero(convert_to_tensor(x)))


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(common.operand_dtype(c) for c in choicelist), common.operand_dtype(default))
    conds = [convert_to_tensor(c).astype(bool, copy=False) for c in condlist]
    choices = [convert_to_tensor(c, dtype) for c in choicelist]
    return np.select(conds, choices, convert_to_tensor(default, dtype))


def slogdet(x):
    x = convert_to_tensor(x)
    dtype = dtypes.float_result(x.dtype)
    work = dtype if dtype in ("float32", "float64", "complex64", "complex128") else "float32"
    sign, logdet = np.linalg.slogdet(x.astype(common.numpy_dtype(work), copy=False))
    target = common.numpy_dtype(dtype)
    return np.asarray(sign).astype(target), np.asarray(logdet).astype(target)


def _window(fn, x, *args):
    return fn(int(x), *args).astype(common.numpy_dtype(config.floatx()))


def bartlett(x):
    return _window(np.bartlett, x)


def blackman(x):
    return _window(np.blackman, x)


def hamming(x):
    return _window(np.hamming, x)


def hanning(x):
    return _window(np.hanning, x)


def kaiser(x, beta):
    return _window(np.kaiser, x, float(beta))
