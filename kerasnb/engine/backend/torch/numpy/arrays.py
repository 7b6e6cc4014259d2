"""Array creation, shape manipulation, joining and splitting on the PyTorch backend.

The op layer (`ops/numpy/arrays.py`, `ops/numpy/shaping.py`) checks and normalizes the
arguments first: axes are non-negative, shapes are int tuples, dtypes are resolved names.
"""

import numpy as np
import torch
import torch.nn.functional as F

from kerasnb.engine import dtypes
from kerasnb.engine.backend.torch.core import DEVICE, cast, convert_to_tensor, to_torch_dtype

__all__ = ["arange", "array", "array_split", "broadcast_to", "concatenate", "copy", "empty",
           "empty_like", "expand_dims", "eye", "flip", "full", "full_like", "geomspace",
           "linspace", "logspace", "meshgrid", "moveaxis", "ones", "ones_like", "pad", "ravel",
           "repeat", "reshape", "roll", "rot90", "size", "split", "squeeze", "stack", "swapaxes",
           "tile", "transpose", "tri", "unravel_index", "unstack", "view", "zeros", "zeros_like"]

_INDEX_PAD_MODES = ("edge", "reflect", "symmetric", "wrap")


def _joined(xs):
    """`xs` converted to their common Keras dtype."""
    dtype = dtypes.result_type(*(dtypes.infer_dtype(x) for x in xs))
    return [convert_to_tensor(x, dtype) for x in xs]


# Creation --------------------------------------------------------------------------

def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def copy(x):
    return torch.clone(convert_to_tensor(x))


def zeros(shape, dtype=None):
    return torch.zeros(shape, dtype=to_torch_dtype(dtype), device=DEVICE)


def ones(shape, dtype=None):
    return torch.ones(shape, dtype=to_torch_dtype(dtype), device=DEVICE)


def empty(shape, dtype=None):
    return torch.empty(shape, dtype=to_torch_dtype(dtype), device=DEVICE)


def full(shape, fill_value, dtype=None):
    return cast(fill_value, dtype).expand(shape).clone(memory_format=torch.contiguous_format)


def zeros_like(x, dtype=None):
    return torch.zeros_like(convert_to_tensor(x), dtype=to_torch_dtype(dtype))


def ones_like(x, dtype=None):
    return torch.ones_like(convert_to_tensor(x), dtype=to_torch_dtype(dtype))


def empty_like(x, dtype=None):
    return torch.empty_like(convert_to_tensor(x), dtype=to_torch_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    return full(convert_to_tensor(x).shape, fill_value, dtype)


def _diagonals(N, M):
    """Column index minus row index, for an `N` x `M` matrix."""
    return torch.arange(M, device=DEVICE)[None, :] - torch.arange(N, device=DEVICE)[:, None]


def eye(N, M=None, k=0, dtype=None):
    return (_diagonals(N, M) == k).to(to_torch_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    return (_diagonals(N, M) <= k).to(to_torch_dtype(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if (stop - start) * step < 0:  # empty, as in NumPy (torch.arange refuses)
        stop = start
    wide = "int64" if dtype in ("uint16", "uint32", "uint64") else dtype  # no CPU kernel for these
    out = torch.arange(start, stop, step, dtype=to_torch_dtype(wide), device=DEVICE)
    return out.to(to_torch_dtype(dtype))


def _work_dtype(dtype):
    """The float dtype that spaced samples are computed in before the cast to `dtype`."""
    return torch.float32 if dtype in ("bfloat16", "float16", "float32") else torch.float64


def _spaced(start, stop, num, endpoint, work):
    """`num` samples from `start` to `stop` on a new first axis, as NumPy computes them, and the step."""
    start, stop = convert_to_tensor(start).to(work), convert_to_tensor(stop).to(work)
    delta = stop - start
    div = num - 1 if endpoint else num
    step = delta / div if div > 0 else torch.full_like(delta, float("nan"))
    counts = torch.arange(num, dtype=work, device=DEVICE).reshape((num,) + (1,) * delta.ndim)
    samples = counts * (step if div > 0 else delta) + start
    if endpoint and num > 1:
        samples = torch.cat([samples[:-1], torch.broadcast_to(stop, samples.shape[1:])[None]])
    return samples, step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    samples, step = _spaced(start, stop, num, endpoint, _work_dtype(dtype))
    if not dtypes.is_float(dtype):
        samples = torch.floor(samples)
    out = torch.movedim(samples, 0, axis).to(to_torch_dtype(dtype))
    return (out, step.to(to_torch_dtype(dtypes.float_result(dtype)))) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    samples, _ = _spaced(start, stop, num, endpoint, _work_dtype(dtype))
    out = torch.pow(convert_to_tensor(base).to(samples.dtype), samples)
    return torch.movedim(out, 0, axis).to(to_torch_dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    work = _work_dtype(dtype)
    start, stop = convert_to_tensor(start).to(work), convert_to_tensor(stop).to(work)
    sign = torch.sign(start)
    first, last = start / sign, stop / sign
    samples = torch.pow(10.0, _spaced(torch.log10(first), torch.log10(last), num, endpoint, work)[0])
    rows = samples.shape[1:]
    head = [torch.broadcast_to(first, rows)[None]] if num > 0 else []
    tail = [torch.broadcast_to(last, rows)[None]] if endpoint and num > 1 else []
    samples = torch.cat(head + [samples[len(head):num - len(tail)]] + tail)
    return torch.movedim(samples * sign, 0, axis).to(to_torch_dtype(dtype))


def meshgrid(*x, indexing="xy"):
    vectors = [convert_to_tensor(v).reshape(-1) for v in x]  # torch.meshgrid needs one dtype
    shape, axes = [v.shape[0] for v in vectors], list(range(len(vectors)))
    if indexing == "xy" and len(vectors) > 1:
        shape[:2], axes[:2] = shape[1::-1], axes[1::-1]
    return [v.reshape([-1 if i == axis else 1 for i in range(len(vectors))]).expand(shape)
            for v, axis in zip(vectors, axes)]


# Shape manipulation ----------------------------------------------------------------

def reshape(x, newshape):
    return torch.reshape(convert_to_tensor(x), newshape)


def ravel(x):
    return torch.ravel(convert_to_tensor(x))


def squeeze(x, axis=None):
    x = convert_to_tensor(x)
    return torch.squeeze(x) if axis is None else torch.squeeze(x, axis)


def expand_dims(x, axis):
    x = convert_to_tensor(x)
    for a in sorted(axis):
        x = torch.unsqueeze(x, a)
    return x


def broadcast_to(x, shape):
    return torch.broadcast_to(convert_to_tensor(x), shape)


def transpose(x, axes=None):
    x = convert_to_tensor(x)
    return torch.permute(x, tuple(reversed(range(x.ndim))) if axes is None else axes)


def moveaxis(x, source, destination):
    return torch.movedim(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(convert_to_tensor(x), axis1, axis2)


def flip(x, axis=None):
    x = convert_to_tensor(x)
    return torch.flip(x, tuple(range(x.ndim)) if axis is None else axis)


def rot90(array, k=1, axes=(0, 1)):
    return torch.rot90(convert_to_tensor(array), k, axes)


def roll(x, shift, axis=None):
    return torch.roll(convert_to_tensor(x), shift, axis)


def repeat(x, repeats, axis=None):
    if not isinstance(repeats, int):
        repeats = torch.tensor(repeats, device=DEVICE)
    return torch.repeat_interleave(convert_to_tensor(x), repeats, dim=axis)


def tile(x, repeats):
    return torch.tile(convert_to_tensor(x), repeats)


def _pad_stat(x, axis, mode):
    """The statistic that `mode` pads axis `axis` with (kept as a size-1 dim), rounded for ints."""
    if mode == "maximum":
        return torch.amax(x, axis, keepdim=True)
    if mode == "minimum":
        return torch.amin(x, axis, keepdim=True)
    work = x if x.is_floating_point() else x.to(torch.float64)
    if mode == "median":
        n = x.shape[axis]
        middle = torch.tensor(sorted({(n - 1) // 2, n // 2}), device=x.device)
        work = torch.sort(work, axis).values.index_select(axis, middle)
    stat = torch.mean(work, axis, keepdim=True)
    return stat if x.is_floating_point() else torch.round(stat).to(x.dtype)


def _linear_ramp(x, axis, width, at_end):
    """`width` values running from 0 to the edge of `x` at the start (or back from the end)."""
    n = x.shape[axis]
    edge = x.narrow(axis, n - 1 if at_end else 0, 1)
    work = edge if edge.is_floating_point() else edge.to(torch.float64)
    shape = [1] * x.ndim
    shape[axis] = width
    counts = torch.arange(width, dtype=work.dtype, device=x.device).reshape(shape)
    ramp = counts * (work / width) if width else work.narrow(axis, 0, 0)
    if not x.is_floating_point():
        ramp = torch.floor(ramp)
    return torch.flip(ramp, (axis,)).to(x.dtype) if at_end else ramp.to(x.dtype)


def _pad_axis(x, axis, before, after, mode):
    """`x` padded along one axis in a non-constant `mode`."""
    if mode in _INDEX_PAD_MODES:
        index = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
        return torch.index_select(x, axis, torch.as_tensor(index, device=x.device))
    if mode == "linear_ramp":
        return torch.cat([_linear_ramp(x, axis, before, False), x, _linear_ramp(x, axis, after, True)], axis)
    stat = _pad_stat(x, axis, mode)
    return torch.cat([stat.repeat_interleave(before, axis), x, stat.repeat_interleave(after, axis)], axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    if mode == "constant":
        widths = [w for pair in reversed(pad_width) for w in pair]
        return F.pad(x, widths, value=0 if constant_values is None else constant_values)
    for axis, (before, after) in enumerate(pad_width):
        if before or after:
            x = _pad_axis(x, axis, before, after, mode)
    return x


def view(x, dtype=None):
    x = convert_to_tensor(x)
    return x if dtype is None else x.contiguous().view(to_torch_dtype(dtype))


# Joining and splitting -------------------------------------------------------------

def concatenate(xs, axis=0):
    return torch.cat(_joined(xs), axis)


def stack(x, axis=0):
    return torch.stack(_joined(x), axis)


def split(x, indices_or_sections, axis=0):
    sections = indices_or_sections if isinstance(indices_or_sections, int) else list(indices_or_sections)
    return list(torch.tensor_split(convert_to_tensor(x), sections, axis))


array_split = split  # tensor_split has array_split's semantics; the op layer checks split's


def unstack(x, num=None, axis=0):
    return list(torch.unbind(convert_to_tensor(x), axis))


# Queries ---------------------------------------------------------------------------

def size(x):
    return torch.tensor(convert_to_tensor(x).numel(), dtype=torch.int32, device=DEVICE)


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    return tuple(i.to(indices.dtype) for i in torch.unravel_index(indices, shape))
