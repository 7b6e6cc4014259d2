"""Products, indexing and selection, diagonals and window functions on the PyTorch backend."""

import numpy as np
import torch

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.torch.core import DEVICE, convert_to_tensor, to_torch_dtype

__all__ = [
    "matmul", "dot", "tensordot", "einsum", "inner", "outer", "kron", "cross", "vdot", "cdist",
    "trace", "diag", "diagflat", "diagonal", "tril", "triu", "vander",
    "take", "take_along_axis", "where", "get_item", "nonzero", "select", "slogdet",
    "bartlett", "blackman", "hamming", "hanning", "kaiser",
]

# Dtypes that torch's matmul, einsum and sum kernels lack on CPU: computed in int64.
_WIDENED = (torch.bool, torch.uint16, torch.uint32, torch.uint64)


def _dtype(*tensors, widen=False):
    """Keras's result dtype of `tensors`; with `widen`, int8 operands accumulate in int32."""
    names = [common.operand_dtype(t) for t in tensors]
    if widen and all(n == "int8" for n in names):
        return "int32"
    return dtypes.result_type(*names)


def _contract(fn, tensors, dtype, *args, **kwargs):
    """`fn` on `tensors` cast to `dtype` (or int64 where torch lacks the kernel), result in `dtype`."""
    target = to_torch_dtype(dtype)
    work = torch.int64 if target in _WIDENED else target
    return fn(*[t.to(work) for t in tensors], *args, **kwargs).to(target)


def _binary(fn, x1, x2, *args, widen=False, **kwargs):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    return _contract(fn, (x1, x2), _dtype(x1, x2, widen=widen), *args, **kwargs)


def matmul(x1, x2):
    if (type(x1) is torch.Tensor and type(x2) is torch.Tensor and x1.dtype == x2.dtype
            and x1.dtype.is_floating_point):
        return torch.matmul(x1, x2)
    return _binary(torch.matmul, x1, x2, widen=True)


def _dot(a, b):
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return torch.tensordot(a, b, dims=([a.ndim - 1], [max(b.ndim - 2, 0)]))


def dot(x1, x2):
    return _binary(_dot, x1, x2)


def _dims(axes):
    """tensordot's `axes` in the form torch accepts: an int or two lists."""
    return axes if isinstance(axes, int) else [[a] if isinstance(a, int) else list(a) for a in axes]


def tensordot(x1, x2, axes=2):
    return _binary(torch.tensordot, x1, x2, dims=_dims(axes))


def einsum(subscripts, *operands, **kwargs):
    tensors = [convert_to_tensor(x) for x in operands]
    return _contract(lambda *ts: torch.einsum(subscripts, *ts), tensors, _dtype(*tensors, widen=True))


def _inner(a, b):
    return a * b if a.ndim == 0 or b.ndim == 0 else torch.inner(a, b)


def inner(x1, x2):
    return _binary(_inner, x1, x2)


def outer(x1, x2):
    return _binary(lambda a, b: torch.outer(a.flatten(), b.flatten()), x1, x2)


def kron(x1, x2):
    return _binary(torch.kron, x1, x2)


def _to3(v):
    return v if v.shape[-1] == 3 else torch.cat([v, torch.zeros_like(v[..., :1])], dim=-1)


def _cross(a, b, axisa, axisb, axisc):
    a, b = torch.movedim(a, axisa, -1), torch.movedim(b, axisb, -1)
    if a.shape[-1] == b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    a, b = torch.broadcast_tensors(_to3(a), _to3(b))
    return torch.movedim(torch.linalg.cross(a, b, dim=-1), -1, axisc)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    return _binary(_cross, x1, x2, axisa, axisb, axisc)


def vdot(x1, x2):
    return _binary(lambda a, b: torch.sum(a.flatten().conj() * b.flatten()), x1, x2)


def _distances(x, y):
    diff = x.unsqueeze(-2) - y.unsqueeze(-3)
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


def cdist(x, y):
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    return _contract(_distances, (x, y), dtypes.result_type(_dtype(x, y), float))


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    target = to_torch_dtype(dtypes.sum_result(x.dtype))
    work = torch.int64 if target in _WIDENED else target
    return torch.diagonal(x, offset, axis1, axis2).sum(-1, dtype=work).to(target)


def diag(x, k=0):
    return torch.diag(convert_to_tensor(x), k)


def diagflat(x, k=0):
    return torch.diagflat(convert_to_tensor(x), k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(convert_to_tensor(x), offset, axis1, axis2)


def tril(x, k=0):
    return torch.tril(convert_to_tensor(x), k)


def triu(x, k=0):
    return torch.triu(convert_to_tensor(x), k)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    powers = torch.arange(x.shape[0] if N is None else N, device=x.device)
    return (x[:, None] ** (powers if increasing else powers.flip(0))).to(x.dtype)


def _positions(indices, n):
    """`indices` as int64 with negative values counted from the end of an axis of size `n`."""
    indices = convert_to_tensor(indices).long()
    return torch.where(indices < 0, indices + n, indices)


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.flatten(), 0
    indices = _positions(indices, x.shape[axis])
    return x[(slice(None),) * (axis % x.ndim) + (indices,)]


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.take_along_dim(x, _positions(indices, x.shape[axis]), dim=axis)


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return nonzero(condition)
    condition = convert_to_tensor(condition).to(torch.bool)
    return torch.where(condition, *common.binary_operands(convert_to_tensor, x1, x2))


def _flipped(x, axis, entry):
    """`x` flipped along `axis` and the positive-step slice that replaces `entry` there."""
    n = x.shape[axis]
    kept = range(n)[entry]
    x = torch.flip(x, (axis,))
    if not kept:
        return x, slice(0, 0)
    return x, slice(n - 1 - kept[0], n - kept[-1], -entry.step)


def _is_array(entry):
    return isinstance(entry, (list, np.ndarray, np.integer)) or common.is_foreign_tensor(entry)


def _index_tensor(entry):
    entry = convert_to_tensor(entry)
    return entry if entry.dtype == torch.bool else entry.long()


def _axes_used(entry):
    if entry is None:
        return 0
    return entry.ndim if isinstance(entry, torch.Tensor) and entry.dtype == torch.bool else 1


def get_item(x, key):
    """``x[key]`` for a key normalized by the op layer (one entry per axis, no Ellipsis).

    Negative-step slices become flips. Torch applies ints before index tensors, so when
    the indexed axes are not adjacent they are first moved to the front, where NumPy puts
    their result.
    """
    x = convert_to_tensor(x)
    key = key if isinstance(key, tuple) else (key,)
    arrays = any(_is_array(e) for e in key)
    entries, axes, axis = [], [], 0
    for entry in key:
        if isinstance(entry, slice) and entry.step is not None and entry.step < 0:
            x, entry = _flipped(x, axis, entry)
        elif _is_array(entry):
            entry = _index_tensor(entry)
        entries.append(entry)
        axes.append(list(range(axis, axis + _axes_used(entry))))
        axis += _axes_used(entry)
    advanced = [i for i, e in enumerate(entries) if isinstance(e, torch.Tensor) or (arrays and isinstance(e, int))]
    if advanced and advanced != list(range(advanced[0], advanced[-1] + 1)):
        order = advanced + [i for i in range(len(entries)) if i not in advanced]
        x = x.permute([a for i in order for a in axes[i]] + list(range(axis, x.ndim)))
        entries = [entries[i] for i in order]
    return x[tuple(entries)]


def nonzero(x):
    return tuple(i.to(torch.int32) for i in torch.nonzero(convert_to_tensor(x), as_tuple=True))


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(common.operand_dtype(c) for c in choicelist), common.operand_dtype(default))
    out = convert_to_tensor(default, dtype)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = torch.where(convert_to_tensor(cond).to(torch.bool), convert_to_tensor(choice, dtype), out)
    return out


def slogdet(x):
    x = convert_to_tensor(x)
    target = to_torch_dtype(dtypes.float_result(x.dtype))
    work = torch.float32 if target in (torch.float16, torch.bfloat16) else target
    sign, logdet = torch.linalg.slogdet(x.to(work))
    return sign.to(target), logdet.to(target)


def _window(fn, x, **kwargs):
    out = fn(int(x), periodic=False, dtype=torch.float64, device=DEVICE, **kwargs)
    return out.to(to_torch_dtype(config.floatx()))


def bartlett(x):
    return _window(torch.bartlett_window, x)


def blackman(x):
    return _window(torch.blackman_window, x)


def hamming(x):
    return _window(torch.hamming_window, x)


def hanning(x):
    return _window(torch.hann_window, x)


def kaiser(x, beta):
    return _window(torch.kaiser_window, x, beta=float(beta))
