"""Products, indexing and selection, diagonals and window functions on the JAX backend."""

import jax.numpy as jnp

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import Tensor, convert_to_tensor

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
    """`fn` on `tensors` cast to `dtype`."""
    target = common.numpy_dtype(dtype)
    return fn(*[t.astype(target) for t in tensors], *args, **kwargs)


def _binary(fn, x1, x2, *args, widen=False, **kwargs):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    return _contract(fn, (x1, x2), _dtype(x1, x2, widen=widen), *args, **kwargs)


def matmul(x1, x2):
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype and x1.dtype.kind == "f":
        return jnp.matmul(x1, x2)
    return _binary(jnp.matmul, x1, x2, widen=True)


def dot(x1, x2):
    return _binary(jnp.dot, x1, x2)


def tensordot(x1, x2, axes=2):
    return _binary(jnp.tensordot, x1, x2, axes=axes)


def einsum(subscripts, *operands, **kwargs):
    tensors = [convert_to_tensor(x) for x in operands]
    return _contract(lambda *ts: jnp.einsum(subscripts, *ts, **kwargs), tensors, _dtype(*tensors, widen=True))


def inner(x1, x2):
    return _binary(jnp.inner, x1, x2)


def outer(x1, x2):
    return _binary(jnp.outer, x1, x2)


def kron(x1, x2):
    return _binary(jnp.kron, x1, x2)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return _binary(jnp.cross, x1, x2, axisa, axisb, axisc, axis)


def vdot(x1, x2):
    return _binary(jnp.vdot, x1, x2)


def _distances(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]
    return jnp.sqrt(jnp.sum(diff * diff, axis=-1))


def cdist(x, y):
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    return _contract(_distances, (x, y), dtypes.result_type(_dtype(x, y), float))


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    dtype = common.numpy_dtype(dtypes.sum_result(x.dtype))
    return jnp.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=dtype)


def diag(x, k=0):
    return jnp.diag(convert_to_tensor(x), k=k)


def diagflat(x, k=0):
    return jnp.diagflat(convert_to_tensor(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return jnp.diagonal(convert_to_tensor(x), offset=offset, axis1=axis1, axis2=axis2)


def tril(x, k=0):
    return jnp.tril(convert_to_tensor(x), k=k)


def triu(x, k=0):
    return jnp.triu(convert_to_tensor(x), k=k)


def vander(x, N=None, increasing=False):
    return jnp.vander(convert_to_tensor(x), N=N, increasing=increasing)


def take(x, indices, axis=None):
    return jnp.take(convert_to_tensor(x), convert_to_tensor(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(convert_to_tensor(x), convert_to_tensor(indices), axis=axis)


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return nonzero(condition)
    condition = convert_to_tensor(condition).astype(bool)
    return jnp.where(condition, *common.binary_operands(convert_to_tensor, x1, x2))


def _index(entry):
    if isinstance(entry, list) or common.is_foreign_tensor(entry):
        return convert_to_tensor(entry)
    return entry


def get_item(x, key):
    x = convert_to_tensor(x)
    key = key if isinstance(key, tuple) else (key,)
    return x[tuple(_index(k) for k in key)]


def nonzero(x):
    return tuple(i.astype(jnp.int32) for i in jnp.nonzero(convert_to_tensor(x)))


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(common.operand_dtype(c) for c in choicelist), common.operand_dtype(default))
    conds = [convert_to_tensor(c).astype(bool) for c in condlist]
    choices = [convert_to_tensor(c, dtype) for c in choicelist]
    return jnp.select(conds, choices, convert_to_tensor(default, dtype))


def slogdet(x):
    x = convert_to_tensor(x)
    dtype = dtypes.float_result(x.dtype)
    work = dtype if dtype in ("float32", "float64", "complex64", "complex128") else "float32"
    sign, logdet = jnp.linalg.slogdet(x.astype(common.numpy_dtype(work)))
    target = common.numpy_dtype(dtype)
    return sign.astype(target), logdet.astype(target)


def _window(fn, x, *args):
    return fn(int(x), *args).astype(common.numpy_dtype(config.floatx()))


def bartlett(x):
    return _window(jnp.bartlett, x)


def blackman(x):
    return _window(jnp.blackman, x)


def hamming(x):
    return _window(jnp.hamming, x)


def hanning(x):
    return _window(jnp.hanning, x)


def kaiser(x, beta):
    return _window(jnp.kaiser, x, float(beta))
