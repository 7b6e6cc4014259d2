"""Reductions, statistics, sorting, searching, cumulative and segment ops on the NumPy backend.

Float statistics of float16/bfloat16 are computed in float32 and cast back.
"""

import functools
import warnings

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "argpartition", "argsort", "average",
    "bincount", "corrcoef", "correlate", "count_nonzero", "cumprod", "cumsum", "diff", "digitize",
    "histogram", "in_top_k", "isin", "logsumexp", "max", "mean", "median", "min", "nanargmax",
    "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "prod",
    "ptp", "quantile", "searchsorted", "segment_max", "segment_min", "segment_prod", "segment_sum",
    "sort", "std", "sum", "top_k", "trapezoid", "unique", "var",
]

_INT32 = np.dtype("int32")


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _float_dtypes(*xs):
    """The compute dtype (float32 for half types) and result dtype of a float function of `xs`."""
    result = dtypes.float_result(dtypes.result_type(*[common.operand_dtype(x) for x in xs]))
    compute = "float32" if result in ("float16", "bfloat16") else result
    return common.numpy_dtype(compute), common.numpy_dtype(result)


def _float(*xs):
    """Inputs converted to their float compute dtype, and the result dtype."""
    compute, result = _float_dtypes(*xs)
    return [convert_to_tensor(x).astype(compute) for x in xs], result


def _float_stat(fn):
    """A float statistic ``fn(x, axis, keepdims)``: ints give floatx, half types go via float32."""

    def impl(x, axis=None, keepdims=False):
        (x,), result = _float(x)
        return np.asarray(fn(x, axis=_axis(axis), keepdims=keepdims)).astype(result)

    return impl


def _same_dtype(fn):
    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        return np.asarray(fn(x, axis=_axis(axis), keepdims=keepdims)).astype(x.dtype, copy=False)

    return impl


def _widened(fn):
    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        return np.asarray(fn(x, axis=_axis(axis), keepdims=keepdims,
                             dtype=common.numpy_dtype(dtypes.sum_result(x.dtype))))

    return impl


def _index(fn):
    def impl(x, axis=None, keepdims=False):
        return np.asarray(fn(convert_to_tensor(x), axis=axis, keepdims=keepdims)).astype(_INT32)

    return impl


def _quiet(fn):
    """``fn`` without NumPy's all-NaN-slice warnings: NaN is the documented result there."""

    @functools.wraps(fn)
    def impl(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return impl


# Reductions -------------------------------------------------------------------------

sum = _widened(np.sum)
nansum = _widened(np.nansum)
nanprod = _widened(np.nanprod)
amax = _same_dtype(np.max)
amin = _same_dtype(np.min)
nanmax = _same_dtype(_quiet(np.nanmax))
nanmin = _same_dtype(_quiet(np.nanmin))
ptp = _same_dtype(np.ptp)
argmax = _index(np.argmax)
argmin = _index(np.argmin)
mean = _float_stat(np.mean)
nanmean = _float_stat(_quiet(np.nanmean))
var = _float_stat(np.var)
std = _float_stat(np.std)
nanvar = _float_stat(_quiet(np.nanvar))
nanstd = _float_stat(_quiet(np.nanstd))
median = _float_stat(np.median)
nanmedian = _float_stat(_quiet(np.nanmedian))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    return np.asarray(np.prod(x, axis=_axis(axis), keepdims=keepdims,
                              dtype=common.numpy_dtype(dtype or dtypes.sum_result(x.dtype))))


def max(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    out = np.max(x, axis=_axis(axis), keepdims=keepdims)
    return np.asarray(out if initial is None else np.maximum(out, np.asarray(initial).astype(x.dtype)))


def min(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    out = np.min(x, axis=_axis(axis), keepdims=keepdims)
    return np.asarray(out if initial is None else np.minimum(out, np.asarray(initial).astype(x.dtype)))


def all(x, axis=None, keepdims=False):
    return np.asarray(np.all(convert_to_tensor(x), axis=_axis(axis), keepdims=keepdims))


def any(x, axis=None, keepdims=False):
    return np.asarray(np.any(convert_to_tensor(x), axis=_axis(axis), keepdims=keepdims))


def _nanarg(fn):
    """``fn`` (np.nanargmax/nanargmin) that gives -1 for an all-NaN slice instead of raising."""

    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if x.dtype.kind != "f":
            return np.asarray(fn(x, axis=axis, keepdims=keepdims)).astype(_INT32)
        empty = np.all(np.isnan(x), axis=axis, keepdims=True)
        out = fn(np.where(empty, 0, x), axis=axis, keepdims=True)
        out = np.where(empty, -1, out).astype(_INT32)
        return out if keepdims else np.squeeze(out, axis=axis)

    return impl


nanargmax = _nanarg(np.nanargmax)
nanargmin = _nanarg(np.nanargmin)


def count_nonzero(x, axis=None):
    return np.asarray(np.count_nonzero(convert_to_tensor(x), axis=_axis(axis)), dtype=_INT32)


def logsumexp(x, axis=None, keepdims=False):
    (x,), result = _float(x)
    axis = _axis(axis)
    peak = np.max(x, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)
    out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return np.asarray(out if keepdims else np.squeeze(out, axis=axis)).astype(result)


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis)
    (x, weights), result = _float(x, weights)
    return np.asarray(np.average(x, axis=axis, weights=weights)).astype(result)


def corrcoef(x):
    (x,), result = _float(x)
    return np.asarray(np.corrcoef(x)).astype(result)


def _quantiles(fn):
    def impl(x, q, axis=None, method="linear", keepdims=False):
        (x,), result = _float(x)
        q = np.asarray(common.to_numpy_any(q), dtype="float64")
        return np.asarray(fn(x, q, axis=_axis(axis), method=method, keepdims=keepdims)).astype(result)

    return impl


quantile = _quantiles(np.quantile)
nanquantile = _quantiles(_quiet(np.nanquantile))
percentile = _quantiles(np.percentile)
nanpercentile = _quantiles(_quiet(np.nanpercentile))


# Sorting and searching --------------------------------------------------------------

def sort(x, axis=-1):
    return np.sort(convert_to_tensor(x), axis=axis)


def argsort(x, axis=-1):
    return np.argsort(convert_to_tensor(x), axis=axis, kind="stable").astype(_INT32)


def argpartition(x, kth, axis=-1):
    return np.argpartition(convert_to_tensor(x), kth, axis=axis).astype(_INT32)


def searchsorted(sorted_sequence, values, side="left"):
    return np.asarray(np.searchsorted(convert_to_tensor(sorted_sequence), convert_to_tensor(values),
                                      side=side), dtype=_INT32)


def digitize(x, bins):
    return np.asarray(np.digitize(convert_to_tensor(x), convert_to_tensor(bins)), dtype=_INT32)


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    return np.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    n = x.shape[-1]
    # A stable ascending sort of the reversed axis, read backwards: descending, ties by index.
    order = n - 1 - np.flip(np.argsort(np.flip(x, -1), axis=-1, kind="stable"), -1)[..., :k]
    return np.take_along_axis(x, order, -1), order.astype(_INT32)


def in_top_k(targets, predictions, k):
    predictions = convert_to_tensor(predictions)
    targets = convert_to_tensor(targets).astype("int64")
    target_values = np.take_along_axis(predictions, targets[:, None], 1)
    return np.sum(predictions > target_values, axis=1) < k


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = convert_to_tensor(x)
    values, index, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                               return_counts=True, axis=axis)
    if size is not None:
        values, index, counts = _pad_unique(values, index, counts, axis or 0, size, fill_value)
    extras = [a.astype(_INT32) for a, wanted in ((index, return_index), (inverse, return_inverse),
                                                 (counts, return_counts)) if wanted]
    return tuple([values] + extras) if extras else values


def _pad_unique(values, index, counts, axis, size, fill_value):
    """Truncates or pads the unique results to `size` along the unique axis."""
    missing = size - values.shape[axis]
    if missing <= 0:
        keep = np.arange(size)
        return np.take(values, keep, axis), index[:size], counts[:size]
    if fill_value is None:
        pad = np.repeat(np.take(values, [0], axis), missing, axis)
    else:
        shape = list(values.shape)
        shape[axis] = missing
        pad = np.full(shape, fill_value, values.dtype)
    return (np.concatenate([values, pad], axis), np.concatenate([index, np.repeat(index[:1], missing)]),
            np.concatenate([counts, np.zeros(missing, counts.dtype)]))


# Counting ---------------------------------------------------------------------------

def bincount(x, weights=None, minlength=0, sparse=False):
    x = convert_to_tensor(x).astype("int64")
    out_dtype = _INT32 if weights is None else convert_to_tensor(weights).dtype
    weights = None if weights is None else convert_to_tensor(weights).astype("float64").ravel()
    length = int(np.max(x, initial=-1)) + 1
    length = length if length > minlength else minlength
    if x.ndim == 1:
        return np.bincount(x, weights, length).astype(out_dtype)
    rows = x + length * np.arange(x.shape[0])[:, None]
    counts = np.bincount(rows.ravel(), weights, length * x.shape[0])
    return counts.reshape(x.shape[0], length).astype(out_dtype)


def histogram(x, bins=10, range=None):
    (x,), result = _float(x)
    counts, edges = np.histogram(x, bins=bins, range=range)
    return counts.astype(result), edges.astype(result)


# Cumulative and differences ---------------------------------------------------------

def _cumulative(fn):
    def impl(x, axis=None, dtype=None):
        x = convert_to_tensor(x)
        out = dtype or ("int32" if x.dtype == np.bool_ else x.dtype)
        return fn(x, axis=axis, dtype=common.numpy_dtype(out))

    return impl


cumsum = _cumulative(np.cumsum)
cumprod = _cumulative(np.cumprod)
nancumsum = _cumulative(np.nancumsum)
nancumprod = _cumulative(np.nancumprod)


def diff(a, n=1, axis=-1):
    return np.diff(convert_to_tensor(a), n=n, axis=axis)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    compute, result = _float_dtypes(y, dx if x is None else x)
    y = convert_to_tensor(y).astype(compute)
    x = None if x is None else convert_to_tensor(x).astype(compute)
    return np.asarray(np.trapezoid(y, x=x, dx=dx, axis=axis)).astype(result)


def correlate(x1, x2, mode="valid"):
    (x1, x2), result = _float(x1, x2)
    return np.correlate(x1, x2, mode=mode).astype(result)


# Segments ---------------------------------------------------------------------------

def _segment(ufunc, identity):
    def impl(data, segment_ids, num_segments=None, sorted=False):
        data = convert_to_tensor(data)
        ids = convert_to_tensor(segment_ids).astype("int64")
        if num_segments is None:
            num_segments = int(np.max(ids, initial=-1)) + 1
        out = np.full((num_segments,) + data.shape[1:], identity(data.dtype), data.dtype)
        keep = (ids >= 0) & (ids < num_segments)
        ufunc.at(out, ids[keep], data[keep])
        return out

    return impl


def _lowest(dtype):
    if dtype.kind == "b":
        return False
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _highest(dtype):
    if dtype.kind == "b":
        return True
    return np.inf if dtype.kind == "f" else np.iinfo(dtype).max


segment_sum = _segment(np.add, lambda dtype: 0)
segment_prod = _segment(np.multiply, lambda dtype: 1)
segment_max = _segment(np.maximum, _lowest)
segment_min = _segment(np.minimum, _highest)
