"""Reductions, statistics, sorting, searching, cumulative and segment ops on the JAX backend."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "argpartition", "argsort", "average",
    "bincount", "corrcoef", "correlate", "count_nonzero", "cumprod", "cumsum", "diff", "digitize",
    "histogram", "in_top_k", "isin", "logsumexp", "max", "mean", "median", "min", "nanargmax",
    "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "prod",
    "ptp", "quantile", "searchsorted", "segment_max", "segment_min", "segment_prod", "segment_sum",
    "sort", "std", "sum", "top_k", "trapezoid", "unique", "var",
]


def _concrete(value, problem):
    """`value` on the host; ops whose output length depends on the data cannot trace it."""
    try:
        return np.asarray(value)
    except jax.errors.TracerArrayConversionError:
        raise ValueError(problem) from None


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _float_dtype(*xs):
    result = dtypes.float_result(dtypes.result_type(*[common.operand_dtype(x) for x in xs]))
    return common.numpy_dtype(result)


def _float(*xs):
    """Inputs converted to the float result dtype of a float function of them (ints give floatx)."""
    dtype = _float_dtype(*xs)
    return [convert_to_tensor(x).astype(dtype) for x in xs]


def _float_stat(fn):
    def impl(x, axis=None, keepdims=False):
        (x,) = _float(x)
        return fn(x, axis=_axis(axis), keepdims=keepdims)

    return impl


def _same_dtype(fn):
    def impl(x, axis=None, keepdims=False):
        return fn(convert_to_tensor(x), axis=_axis(axis), keepdims=keepdims)

    return impl


def _widened(fn):
    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        dtype = common.numpy_dtype(dtypes.sum_result(x.dtype))
        return fn(x, axis=_axis(axis), keepdims=keepdims, dtype=dtype)

    return impl


def _index(fn):
    def impl(x, axis=None, keepdims=False):
        return fn(convert_to_tensor(x), axis=axis, keepdims=keepdims).astype("int32")

    return impl


# Reductions -------------------------------------------------------------------------

sum = _widened(jnp.sum)
nansum = _widened(jnp.nansum)
nanprod = _widened(jnp.nanprod)
amax = _same_dtype(jnp.max)
amin = _same_dtype(jnp.min)
all = _same_dtype(jnp.all)
any = _same_dtype(jnp.any)
nanmax = _same_dtype(jnp.nanmax)
nanmin = _same_dtype(jnp.nanmin)
ptp = _same_dtype(jnp.ptp)
argmax = _index(jnp.argmax)
argmin = _index(jnp.argmin)
nanargmax = _index(jnp.nanargmax)
nanargmin = _index(jnp.nanargmin)
mean = _float_stat(jnp.mean)
nanmean = _float_stat(jnp.nanmean)
var = _float_stat(jnp.var)
std = _float_stat(jnp.std)
nanvar = _float_stat(jnp.nanvar)
nanstd = _float_stat(jnp.nanstd)
median = _float_stat(jnp.median)
nanmedian = _float_stat(jnp.nanmedian)
logsumexp = _float_stat(jax.jit(jax.nn.logsumexp, static_argnames=("axis", "keepdims")))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    return jnp.prod(x, axis=_axis(axis), keepdims=keepdims,
                    dtype=common.numpy_dtype(dtype or dtypes.sum_result(x.dtype)))


def max(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    out = jnp.max(x, axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else jnp.maximum(out, jnp.asarray(initial).astype(x.dtype))


def min(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    out = jnp.min(x, axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else jnp.minimum(out, jnp.asarray(initial).astype(x.dtype))


def count_nonzero(x, axis=None):
    return jnp.count_nonzero(convert_to_tensor(x), axis=_axis(axis)).astype("int32")


def average(x, axis=None, weights=None):
    if weights is None:
        return jnp.average(*_float(x), axis=axis)
    x, weights = _float(x, weights)
    return jnp.average(x, axis=axis, weights=weights)


def corrcoef(x):
    return jnp.corrcoef(*_float(x))


def _quantiles(fn, scale=1):
    def impl(x, q, axis=None, method="linear", keepdims=False):
        (x,) = _float(x)
        q = convert_to_tensor(q, "float64") / scale
        if method == "nearest":
            return _nearest(fn, x, q, _axis(axis), keepdims)
        return fn(x, q, axis=_axis(axis), method=method, keepdims=keepdims).astype(x.dtype)

    return impl


def _nearest(fn, x, q, axis, keepdims):
    """NumPy's "nearest" method: a position halfway between two values rounds to the even one."""
    lower = fn(x, q, axis=axis, method="lower", keepdims=keepdims)
    higher = fn(x, q, axis=axis, method="higher", keepdims=keepdims)
    valid = ~jnp.isnan(x) if fn is jnp.nanquantile else jnp.ones(x.shape, bool)
    count = jnp.sum(valid, axis=axis, keepdims=keepdims)
    position = q.reshape(q.shape + (1,) * count.ndim) * (count - 1)
    return jnp.where(jnp.round(position) > jnp.floor(position), higher, lower).astype(x.dtype)


quantile = _quantiles(jnp.quantile)
nanquantile = _quantiles(jnp.nanquantile)
percentile = _quantiles(jnp.quantile, 100)
nanpercentile = _quantiles(jnp.nanquantile, 100)


# Sorting and searching --------------------------------------------------------------

def sort(x, axis=-1):
    return jnp.sort(convert_to_tensor(x), axis=axis)


def argsort(x, axis=-1):
    return jnp.argsort(convert_to_tensor(x), axis=axis, stable=True).astype("int32")


def argpartition(x, kth, axis=-1):
    return jnp.argpartition(convert_to_tensor(x), kth, axis=axis).astype("int32")


def searchsorted(sorted_sequence, values, side="left"):
    return jnp.searchsorted(convert_to_tensor(sorted_sequence), convert_to_tensor(values),
                            side=side).astype("int32")


def digitize(x, bins):
    return jnp.digitize(convert_to_tensor(x), convert_to_tensor(bins)).astype("int32")


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    return jnp.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def top_k(x, k, sorted=True):
    values, indices = jax.lax.top_k(convert_to_tensor(x), k)
    return values, indices.astype("int32")


def in_top_k(targets, predictions, k):
    predictions = convert_to_tensor(predictions)
    targets = convert_to_tensor(targets)
    target_values = jnp.take_along_axis(predictions, targets[:, None], axis=1)
    return jnp.sum(predictions > target_values, axis=1) < k


_unique = jax.jit(
    functools.partial(jnp.unique, return_index=True, return_inverse=True, return_counts=True),
    static_argnames=("axis", "size", "fill_value"))


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = convert_to_tensor(x)
    if size is None:
        values = _concrete(x, "`unique` needs `size` under jax.jit: its output length depends on `x`.")
        size = np.unique(values, axis=axis).shape[0 if axis is None else axis]
    values, index, inverse, counts = _unique(x, axis=axis, size=size, fill_value=fill_value)
    extras = [a.astype("int32") for a, wanted in ((index, return_index), (inverse, return_inverse),
                                                   (counts, return_counts)) if wanted]
    return tuple([values] + extras) if extras else values


# Counting ---------------------------------------------------------------------------

def bincount(x, weights=None, minlength=0, sparse=False):
    x = convert_to_tensor(x).astype("int64")
    weights = jnp.ones(x.shape, "int32") if weights is None else convert_to_tensor(weights)
    problem = "`bincount` cannot run under jax.jit: its output length depends on the values of `x`."
    length = int(np.max(_concrete(x, problem), initial=-1)) + 1
    count = functools.partial(jnp.bincount, length=length if length > minlength else minlength)
    return (count if x.ndim == 1 else jax.vmap(count))(x, weights)


_histogram = jax.jit(jnp.histogram, static_argnames=("bins", "range"))


def histogram(x, bins=10, range=None):
    (x,) = _float(x)
    counts, edges = _histogram(x, bins=bins, range=None if range is None else tuple(map(float, range)))
    return counts.astype(x.dtype), edges.astype(x.dtype)


# Cumulative and differences ---------------------------------------------------------

def _cumulative(fn):
    def impl(x, axis=None, dtype=None):
        x = convert_to_tensor(x)
        out = dtype or ("int32" if x.dtype == jnp.bool_ else x.dtype)
        return fn(x, axis=axis, dtype=common.numpy_dtype(out))

    return impl


cumsum = _cumulative(jnp.cumsum)
cumprod = _cumulative(jnp.cumprod)
nancumsum = _cumulative(jnp.nancumsum)
nancumprod = _cumulative(jnp.nancumprod)


def diff(a, n=1, axis=-1):
    return jnp.diff(convert_to_tensor(a), n=n, axis=axis)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    dtype = _float_dtype(y, dx if x is None else x)
    x = None if x is None else convert_to_tensor(x).astype(dtype)
    return jnp.trapezoid(convert_to_tensor(y).astype(dtype), x=x, dx=dx, axis=axis)


def correlate(x1, x2, mode="valid"):
    return jnp.correlate(*_float(x1, x2), mode=mode)


# Segments ---------------------------------------------------------------------------

def _segment(fn):
    def impl(data, segment_ids, num_segments=None, sorted=False):
        ids = convert_to_tensor(segment_ids)
        if num_segments is None:
            problem = f"`{fn.__name__}` needs `num_segments` under jax.jit: it depends on `segment_ids`."
            num_segments = int(np.max(_concrete(ids, problem), initial=-1)) + 1
        return fn(convert_to_tensor(data), ids, num_segments=num_segments, indices_are_sorted=sorted)

    return impl


segment_sum = _segment(jax.ops.segment_sum)
segment_prod = _segment(jax.ops.segment_prod)
segment_max = _segment(jax.ops.segment_max)
segment_min = _segment(jax.ops.segment_min)
