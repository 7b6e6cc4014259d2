"""Reductions, statistics, sorting, searching, cumulative and segment ops on the PyTorch backend.

Float statistics of float16/bfloat16 are computed in float32 and cast back.
"""

import torch

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.torch.core import convert_to_tensor, to_torch_dtype

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "argpartition", "argsort", "average",
    "bincount", "corrcoef", "correlate", "count_nonzero", "cumprod", "cumsum", "diff", "digitize",
    "histogram", "in_top_k", "isin", "logsumexp", "max", "mean", "median", "min", "nanargmax",
    "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "prod",
    "ptp", "quantile", "searchsorted", "segment_max", "segment_min", "segment_prod", "segment_sum",
    "sort", "std", "sum", "top_k", "trapezoid", "unique", "var",
]

_INF = float("inf")
_WIDE_UINTS = (torch.uint16, torch.uint32, torch.uint64)


def _dims(x, axis):
    """The reduced dims as a tuple (all of them for None)."""
    if axis is None:
        return tuple(range(x.ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _reduce(fn, x, axis, keepdims, **kwargs):
    """``fn(x, dim=..., keepdim=...)`` over `axis`; an empty tuple of axes reduces nothing."""
    dims = _dims(x, axis)
    if not dims and x.ndim:  # torch reads dim=() as every dim
        x, dims, keepdims = x[None], (0,), False
    return fn(x, dim=dims, keepdim=keepdims, **kwargs)


def _to_last(x, axis):
    """`x` with the reduced dims moved to the end and merged; and the keepdims shape."""
    dims = sorted(d % x.ndim for d in _dims(x, axis)) if x.ndim else []
    kept = [d for d in range(x.ndim) if d not in dims]
    merged = x.permute(kept + dims).reshape([x.shape[d] for d in kept] + [-1])
    return merged, [1 if d in dims else x.shape[d] for d in range(x.ndim)]


def _reduce_last(fn, x, axis, keepdims):
    """Applies ``fn`` (which reduces the last dim) over the dims of `axis`."""
    merged, keep_shape = _to_last(x, axis)
    out = fn(merged)
    return out.reshape(list(out.shape[:out.ndim - merged.ndim + 1]) + keep_shape) if keepdims else out


def _float_dtypes(*xs):
    """The compute dtype (float32 for half types) and result dtype of a float function of `xs`."""
    result = dtypes.float_result(dtypes.result_type(*[common.operand_dtype(x) for x in xs]))
    return ("float32" if result in ("float16", "bfloat16") else result), to_torch_dtype(result)


def _float(*xs):
    """Inputs converted to their float compute dtype, and the result dtype."""
    compute, result = _float_dtypes(*xs)
    return [convert_to_tensor(x, compute) for x in xs], result


def _float_stat(fn, **kwargs):
    """A float statistic: ints give floatx, half types are computed in float32."""

    def impl(x, axis=None, keepdims=False):
        (x,), result = _float(x)
        return _reduce(fn, x, axis, keepdims, **kwargs).to(result)

    return impl


def _nan_to(x, value):
    return torch.where(torch.isnan(x), value, x) if x.is_floating_point() else x


def _widened(x, fill=None, dtype=None):
    """`x` (NaN replaced by `fill`), its accumulation dtype and its result dtype.

    Torch cannot sum or multiply in uint16/32/64, so those accumulate in int64.
    """
    x = convert_to_tensor(x)
    x = x if fill is None else _nan_to(x, fill)
    result = to_torch_dtype(dtype or dtypes.sum_result(dtypes.standardize_dtype(x.dtype)))
    return x, (torch.int64 if result in _WIDE_UINTS else result), result


def _sum(x, axis, keepdims, fill=None):
    x, accumulate, result = _widened(x, fill)
    return _reduce(torch.sum, x, axis, keepdims, dtype=accumulate).to(result)


def _prod(x, axis, keepdims, fill=None, dtype=None):
    x, accumulate, result = _widened(x, fill, dtype)
    return _reduce_last(lambda t: torch.prod(t, -1, dtype=accumulate), x, axis, keepdims).to(result)


_SAME_DTYPE_SUMS = frozenset((torch.float16, torch.bfloat16, torch.float32, torch.float64,
                              torch.complex64, torch.complex128))


def sum(x, axis=None, keepdims=False):
    if axis is None and not keepdims and type(x) is torch.Tensor and x.dtype in _SAME_DTYPE_SUMS:
        return torch.sum(x)  # the common case: a float total in the input's own dtype
    return _sum(x, axis, keepdims)


def nansum(x, axis=None, keepdims=False):
    return _sum(x, axis, keepdims, 0)


def prod(x, axis=None, keepdims=False, dtype=None):
    return _prod(x, axis, keepdims, dtype=dtype)


def nanprod(x, axis=None, keepdims=False):
    return _prod(x, axis, keepdims, 1)


logsumexp = _float_stat(torch.logsumexp)


# Extrema ----------------------------------------------------------------------------

def amax(x, axis=None, keepdims=False):
    return _reduce(torch.amax, convert_to_tensor(x), axis, keepdims)


def amin(x, axis=None, keepdims=False):
    return _reduce(torch.amin, convert_to_tensor(x), axis, keepdims)


def _scalar(value, like):
    """`value` as a 0-d tensor of `like`'s dtype (floats truncate toward zero for ints)."""
    return torch.tensor(value, device=like.device).to(like.dtype)


def max(x, axis=None, keepdims=False, initial=None):
    out = amax(x, axis, keepdims)
    return out if initial is None else torch.maximum(out, _scalar(initial, out))


def min(x, axis=None, keepdims=False, initial=None):
    out = amin(x, axis, keepdims)
    return out if initial is None else torch.minimum(out, _scalar(initial, out))


def _nan_extreme(reduce, fill):
    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if not x.is_floating_point():
            return reduce(x, axis, keepdims)
        out = reduce(_nan_to(x, fill), axis, keepdims)
        return torch.where(all(torch.isnan(x), axis, keepdims), torch.nan, out)

    return impl


nanmax = _nan_extreme(amax, -_INF)
nanmin = _nan_extreme(amin, _INF)


def ptp(x, axis=None, keepdims=False):
    return amax(x, axis, keepdims) - amin(x, axis, keepdims)


def _arg(fn, x, axis, keepdims):
    x = x.to(torch.uint8) if x.dtype == torch.bool else x
    if axis is not None:
        return fn(x, dim=axis, keepdim=keepdims).to(torch.int32)
    out = fn(x.reshape(-1)).to(torch.int32)
    return out.reshape([1] * x.ndim) if keepdims else out


def argmax(x, axis=None, keepdims=False):
    return _arg(torch.argmax, convert_to_tensor(x), axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg(torch.argmin, convert_to_tensor(x), axis, keepdims)


def _nan_arg(extreme, fill, plain):
    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if not x.is_floating_point():
            return plain(x, axis, keepdims)
        nan = torch.isnan(x)
        filled = torch.where(nan, fill, x)
        best = ~nan & (filled == extreme(filled, axis, True))
        out = _arg(torch.argmax, best, axis, keepdims)
        return torch.where(all(nan, axis, keepdims), -1, out)

    return impl


nanargmax = _nan_arg(amax, -_INF, argmax)
nanargmin = _nan_arg(amin, _INF, argmin)


# Logic and counting -----------------------------------------------------------------

def all(x, axis=None, keepdims=False):
    return _reduce(torch.all, convert_to_tensor(x), axis, keepdims)


def any(x, axis=None, keepdims=False):
    return _reduce(torch.any, convert_to_tensor(x), axis, keepdims)


def count_nonzero(x, axis=None):
    return _reduce(torch.sum, convert_to_tensor(x) != 0, axis, False, dtype=torch.int32)


# Means and spreads ------------------------------------------------------------------

mean = _float_stat(torch.mean)
nanmean = _float_stat(torch.nanmean)
var = _float_stat(torch.var, correction=0)
std = _float_stat(torch.std, correction=0)


def _nanvar(x, dim, keepdim):
    nan = torch.isnan(x)
    deviation = torch.where(nan, 0, x - torch.nanmean(x, dim=dim, keepdim=True))
    count = torch.sum(~nan, dim=dim, keepdim=keepdim)
    return torch.sum(deviation * deviation, dim=dim, keepdim=keepdim) / count


nanvar = _float_stat(_nanvar)
nanstd = _float_stat(lambda x, dim, keepdim: torch.sqrt(_nanvar(x, dim, keepdim)))


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis)
    (x, weights), result = _float(x, weights)
    if weights.ndim != x.ndim:
        weights = weights.reshape([-1 if d == axis % x.ndim else 1 for d in range(x.ndim)])
    total = _reduce(torch.sum, x * weights, axis, False)
    return (total / _reduce(torch.sum, weights.expand_as(x), axis, False)).to(result)


def corrcoef(x):
    (x,), result = _float(x)
    return torch.corrcoef(x).to(result)


# Order statistics -------------------------------------------------------------------

def _quantiles(fn, scale=1):
    def impl(x, q, axis=None, method="linear", keepdims=False):
        (x,), result = _float(x)
        q = convert_to_tensor(q, "float64") / scale
        q = q.to(x.dtype)
        out = _reduce_last(lambda t: fn(t, q, dim=-1, interpolation=method), x, axis, keepdims)
        return out.to(result)

    return impl


quantile = _quantiles(torch.quantile)
nanquantile = _quantiles(torch.nanquantile)
percentile = _quantiles(torch.quantile, 100)
nanpercentile = _quantiles(torch.nanquantile, 100)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis, keepdims=keepdims)


# Sorting and searching --------------------------------------------------------------

def _along(x, axis):
    return (x.reshape(-1), 0) if axis is None else (x, axis)


def sort(x, axis=-1):
    x, axis = _along(convert_to_tensor(x), axis)
    return torch.sort(x, dim=axis, stable=True).values


def argsort(x, axis=-1):
    x, axis = _along(convert_to_tensor(x), axis)
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def argpartition(x, kth, axis=-1):
    # A full stable sort is one valid partition around every kth.
    return argsort(x, axis)


def _common(x1, x2):
    """Both operands in their promoted dtype (uint8 for bool, which torch cannot search)."""
    x1, x2 = common.binary_operands(convert_to_tensor, x1, x2)
    return (x1.to(torch.uint8), x2.to(torch.uint8)) if x1.dtype == torch.bool else (x1, x2)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = _common(sorted_sequence, values)
    return torch.searchsorted(sorted_sequence, values, side=side, out_int32=True)


def digitize(x, bins):
    x, bins = _common(x, bins)
    if bins.numel() > 1 and bins[0] > bins[-1]:
        return bins.numel() - torch.searchsorted(bins.flip(0), x, right=True, out_int32=True)
    return torch.searchsorted(bins, x, right=True, out_int32=True)


def isin(x1, x2, assume_unique=False, invert=False):
    return torch.isin(*_common(x1, x2), assume_unique=assume_unique, invert=invert)


def top_k(x, k, sorted=True):
    values, indices = torch.sort(convert_to_tensor(x), dim=-1, descending=True, stable=True)
    return values[..., :k], indices[..., :k].to(torch.int32)


def in_top_k(targets, predictions, k):
    predictions = convert_to_tensor(predictions)
    targets = convert_to_tensor(targets).long()
    target_values = torch.gather(predictions, 1, targets[:, None])
    return torch.sum(predictions > target_values, dim=1) < k


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = convert_to_tensor(x)
    values, inverse, counts = torch.unique(x, sorted=True, return_inverse=True, return_counts=True,
                                           dim=None if axis is None else axis % x.ndim)
    length = x.numel() if axis is None else x.shape[axis]
    first = torch.full((counts.numel(),), length, dtype=torch.int64, device=x.device)
    index = first.scatter_reduce(0, inverse.reshape(-1), torch.arange(length, device=x.device), "amin")
    if size is not None:
        values, index, counts = _pad_unique(values, index, counts, axis or 0, size, fill_value)
    extras = [a.to(torch.int32) for a, wanted in ((index, return_index), (inverse, return_inverse),
                                                   (counts, return_counts)) if wanted]
    return tuple([values] + extras) if extras else values


def _pad_unique(values, index, counts, axis, size, fill_value):
    """Truncates or pads the unique results to `size` along the unique axis."""
    missing = size - values.shape[axis]
    if missing <= 0:
        return values.narrow(axis, 0, size), index[:size], counts[:size]
    if fill_value is None:
        pad = values.narrow(axis, 0, 1).repeat_interleave(missing, axis)
    else:
        shape = list(values.shape)
        shape[axis] = missing
        pad = torch.full(shape, fill_value, dtype=values.dtype, device=values.device)
    return (torch.cat([values, pad], axis), torch.cat([index, index[:1].repeat(missing)]),
            torch.cat([counts, counts.new_zeros(missing)]))


# Counting ---------------------------------------------------------------------------

def _counts(x, weights, length):
    """Per-row counts (or weight sums) of `x` (1-D or 2-D, int64), `length` bins per row."""
    if x.ndim == 1:
        return torch.bincount(x, weights, minlength=length)
    offsets = x + length * torch.arange(x.shape[0], device=x.device)[:, None]
    flat_weights = None if weights is None else weights.reshape(-1)
    counts = torch.bincount(offsets.reshape(-1), flat_weights, minlength=length * x.shape[0])
    return counts.reshape(x.shape[0], length)


def bincount(x, weights=None, minlength=0, sparse=False):
    x = convert_to_tensor(x).long()
    out_dtype = torch.int32 if weights is None else convert_to_tensor(weights).dtype
    weights = None if weights is None else convert_to_tensor(weights, "float64")
    length = int(x.max()) + 1 if x.numel() else 0
    return _counts(x, weights, length if length > minlength else minlength).to(out_dtype)


def histogram(x, bins=10, range=None):
    (x,), result = _float(x)
    x = x.reshape(-1)
    low, high = (float(x.min()), float(x.max())) if range is None else map(float, range)
    if low == high:
        low, high = low - 0.5, high + 0.5
    edges = torch.linspace(low, high, bins + 1, dtype=torch.float64, device=x.device).to(x.dtype)
    index = torch.where(x == edges[-1], bins - 1, torch.searchsorted(edges, x, right=True) - 1)
    inside = (x >= edges[0]) & (x <= edges[-1])
    return torch.bincount(index[inside], minlength=bins).to(result), edges.to(result)


# Cumulative and differences ---------------------------------------------------------

def _cumulative(fn, fill=None):
    def impl(x, axis=None, dtype=None):
        x, axis = _along(convert_to_tensor(x), axis)
        out = dtype or ("int32" if x.dtype == torch.bool else x.dtype)
        return fn(x if fill is None else _nan_to(x, fill), dim=axis, dtype=to_torch_dtype(out))

    return impl


cumsum = _cumulative(torch.cumsum)
cumprod = _cumulative(torch.cumprod)
nancumsum = _cumulative(torch.cumsum, 0)
nancumprod = _cumulative(torch.cumprod, 1)


def diff(a, n=1, axis=-1):
    return torch.diff(convert_to_tensor(a), n=n, dim=axis)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    compute, result = _float_dtypes(y, dx if x is None else x)
    y = convert_to_tensor(y, compute)
    if x is None:
        return torch.trapezoid(y, dx=dx, dim=axis).to(result)
    return torch.trapezoid(y, convert_to_tensor(x, compute), dim=axis).to(result)


def correlate(x1, x2, mode="valid"):
    (x1, x2), result = _float(x1, x2)
    n, m = x1.shape[0], x2.shape[0]
    full = torch.nn.functional.conv1d(x1[None, None], x2[None, None], padding=m - 1)[0, 0]
    if mode == "valid":
        start, length = (n if n < m else m) - 1, abs(n - m) + 1
    elif mode == "same":
        start, length = (m - 1) // 2 if n >= m else n // 2, n if n > m else m
    else:
        start, length = 0, n + m - 1
    return full[start:start + length].to(result)


# Segments ---------------------------------------------------------------------------

def _segment(reduce, identity):
    def impl(data, segment_ids, num_segments=None, sorted=False):
        data = convert_to_tensor(data)
        ids = convert_to_tensor(segment_ids).long()
        if num_segments is None:
            num_segments = int(ids.max()) + 1 if ids.numel() else 0
        # Ids outside [0, num_segments) go to one extra segment, dropped at the end.
        ids = torch.where((ids >= 0) & (ids < num_segments), ids, num_segments)
        shape = (num_segments + 1,) + tuple(data.shape[1:])
        out = torch.full(shape, identity(data.dtype), dtype=data.dtype, device=data.device)
        index = ids.reshape([-1] + [1] * (data.ndim - 1)).expand_as(data)
        return out.scatter_reduce(0, index, data, reduce)[:num_segments]

    return impl


def _lowest(dtype):
    return -_INF if dtype.is_floating_point else torch.iinfo(dtype).min


def _highest(dtype):
    return _INF if dtype.is_floating_point else torch.iinfo(dtype).max


segment_sum = _segment("sum", lambda dtype: 0)
segment_prod = _segment("prod", lambda dtype: 1)
segment_max = _segment("amax", _lowest)
segment_min = _segment("amin", _highest)
