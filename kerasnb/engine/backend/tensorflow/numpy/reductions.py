"""Reductions, statistics, sorting, searching, cumulative and segment ops on the TensorFlow backend.

Float statistics of float16/bfloat16 are computed in float32 and cast back. Sorting is made
stable and NaN-last (as in NumPy) on top of `tf.argsort`.
"""

import tensorflow as tf

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor

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


def _axis(axis):
    return list(axis) if isinstance(axis, (list, tuple)) else axis


def _name(x):
    return dtypes.standardize_dtype(x.dtype.name)


def _float_dtypes(*xs):
    """The compute dtype (float32 for half types) and result dtype of a float function of `xs`."""
    result = dtypes.float_result(dtypes.result_type(*[common.operand_dtype(x) for x in xs]))
    return ("float32" if result in ("float16", "bfloat16") else result), result


def _float(*xs):
    """Inputs converted to their float compute dtype, and the result dtype."""
    compute, result = _float_dtypes(*xs)
    return [convert_to_tensor(x, compute) for x in xs], result


def _float_stat(fn):
    def impl(x, axis=None, keepdims=False):
        (x,), result = _float(x)
        return tf.cast(fn(x, _axis(axis), keepdims), result)

    return impl


def _nan_to(x, value):
    return tf.where(tf.math.is_nan(x), tf.cast(value, x.dtype), x) if x.dtype.is_floating else x


def _numeric(x):
    """`x` with bool as int8, which TF's max, min, sort and search kernels accept."""
    return tf.cast(x, "int8") if x.dtype == tf.bool else x


def _positions(x, axis):
    """Indices along `axis` of `x`, shaped to broadcast against `x`."""
    shape = [1] * x.shape.rank
    shape[axis] = -1
    return tf.reshape(tf.range(tf.shape(x)[axis]), shape)


def _spread(vector, axis, rank):
    """A 1-D `vector` reshaped to lie along `axis` of a rank-`rank` tensor."""
    return tf.reshape(vector, [-1 if d == axis % rank else 1 for d in range(rank)])


def _to_last(x, axis):
    """`x` with the reduced dims moved to the end and merged; and the keepdims shape."""
    rank = x.shape.rank
    dims = sorted(d % rank for d in ((axis,) if isinstance(axis, int) else axis)) if axis is not None \
        else list(range(rank))
    kept = [d for d in range(rank) if d not in dims]
    shape = tf.shape(x)
    merged_shape = tf.concat([tf.gather(shape, tf.constant(kept, tf.int32)), [-1]], 0)
    merged = tf.reshape(tf.transpose(x, kept + dims), merged_shape)
    return merged, [1 if d in dims else shape[d] for d in range(rank)]


# Sums and products ------------------------------------------------------------------

def _accumulate(reduce, x, axis, keepdims, fill=None, dtype=None):
    """``reduce`` in `dtype`, or widened like `sum`; NaN replaced by `fill` when given."""
    x = convert_to_tensor(x)
    x = tf.cast(x if fill is None else _nan_to(x, fill), dtype or dtypes.sum_result(_name(x)))
    return reduce(x, axis=_axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):
    return _accumulate(tf.reduce_sum, x, axis, keepdims)


def nansum(x, axis=None, keepdims=False):
    return _accumulate(tf.reduce_sum, x, axis, keepdims, fill=0)


def prod(x, axis=None, keepdims=False, dtype=None):
    return _accumulate(tf.reduce_prod, x, axis, keepdims, dtype=dtype)


def nanprod(x, axis=None, keepdims=False):
    return _accumulate(tf.reduce_prod, x, axis, keepdims, fill=1)


logsumexp = _float_stat(lambda x, axis, keepdims: tf.reduce_logsumexp(x, axis, keepdims))


# Extrema ----------------------------------------------------------------------------

def _extreme(reduce, logical):
    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        return (logical if x.dtype == tf.bool else reduce)(x, axis=_axis(axis), keepdims=keepdims)

    return impl


amax = _extreme(tf.reduce_max, tf.reduce_any)
amin = _extreme(tf.reduce_min, tf.reduce_all)


def max(x, axis=None, keepdims=False, initial=None):
    out = amax(x, axis, keepdims)
    if initial is None:
        return out
    return (tf.logical_or if out.dtype == tf.bool else tf.maximum)(out, tf.cast(initial, out.dtype))


def min(x, axis=None, keepdims=False, initial=None):
    out = amin(x, axis, keepdims)
    if initial is None:
        return out
    return (tf.logical_and if out.dtype == tf.bool else tf.minimum)(out, tf.cast(initial, out.dtype))


def _nan_extreme(reduce, fill):
    def impl(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if not x.dtype.is_floating:
            return reduce(x, axis, keepdims)
        out = reduce(_nan_to(x, fill), axis, keepdims)
        return tf.where(all(tf.math.is_nan(x), axis, keepdims), tf.cast(float("nan"), x.dtype), out)

    return impl


nanmax = _nan_extreme(amax, -_INF)
nanmin = _nan_extreme(amin, _INF)


def ptp(x, axis=None, keepdims=False):
    return amax(x, axis, keepdims) - amin(x, axis, keepdims)


def _first(hit, axis, keepdims):
    """int32 index of the first True along `axis` (of the flattened `hit` when None), -1 if none."""
    flat = axis is None
    found = tf.reshape(hit, [-1]) if flat else hit
    axis = 0 if flat else axis
    length = tf.shape(found)[axis]
    index = tf.reduce_min(tf.where(found, _positions(found, axis), length), axis=axis, keepdims=keepdims)
    index = tf.where(index == length, -1, index)
    return tf.reshape(index, [1] * hit.shape.rank) if flat and keepdims else index


def _arg(reduce):
    def impl(x, axis=None, keepdims=False):
        x = _numeric(convert_to_tensor(x))
        hit = x == reduce(x, axis=axis, keepdims=True)
        return _first(hit | tf.math.is_nan(x) if x.dtype.is_floating else hit, axis, keepdims)

    return impl


argmax = _arg(tf.reduce_max)
argmin = _arg(tf.reduce_min)


def _nan_arg(reduce, fill):
    def impl(x, axis=None, keepdims=False):
        x = _numeric(convert_to_tensor(x))
        if not x.dtype.is_floating:
            return _first(x == reduce(x, axis=axis, keepdims=True), axis, keepdims)
        nan = tf.math.is_nan(x)
        filled = tf.where(nan, tf.cast(fill, x.dtype), x)
        return _first(~nan & (filled == reduce(filled, axis=axis, keepdims=True)), axis, keepdims)

    return impl


nanargmax = _nan_arg(tf.reduce_max, -_INF)
nanargmin = _nan_arg(tf.reduce_min, _INF)


# Logic and counting -----------------------------------------------------------------

def all(x, axis=None, keepdims=False):
    return tf.reduce_all(tf.cast(convert_to_tensor(x), tf.bool), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    return tf.reduce_any(tf.cast(convert_to_tensor(x), tf.bool), axis=_axis(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    return tf.math.count_nonzero(convert_to_tensor(x), axis=_axis(axis), dtype=tf.int32)


# Means and spreads ------------------------------------------------------------------

mean = _float_stat(lambda x, axis, keepdims: tf.reduce_mean(x, axis, keepdims))
var = _float_stat(lambda x, axis, keepdims: tf.math.reduce_variance(x, axis, keepdims))
std = _float_stat(lambda x, axis, keepdims: tf.math.reduce_std(x, axis, keepdims))


def _nanmean(x, axis, keepdims):
    valid = tf.cast(~tf.math.is_nan(x), x.dtype)
    return tf.reduce_sum(_nan_to(x, 0), axis, keepdims) / tf.reduce_sum(valid, axis, keepdims)


def _nanvar(x, axis, keepdims):
    deviation = _nan_to(x - _nanmean(x, axis, True), 0)
    valid = tf.cast(~tf.math.is_nan(x), x.dtype)
    return tf.reduce_sum(deviation * deviation, axis, keepdims) / tf.reduce_sum(valid, axis, keepdims)


nanmean = _float_stat(_nanmean)
nanvar = _float_stat(_nanvar)
nanstd = _float_stat(lambda x, axis, keepdims: tf.sqrt(_nanvar(x, axis, keepdims)))


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis)
    (x, weights), result = _float(x, weights)
    if weights.shape.rank != x.shape.rank:
        weights = _spread(weights, axis, x.shape.rank)
    total = tf.reduce_sum(weights * tf.ones_like(x), axis)
    return tf.cast(tf.reduce_sum(x * weights, axis) / total, result)


def corrcoef(x):
    (x,), result = _float(x)
    rows = tf.reshape(x, [-1, tf.shape(x)[-1]])
    centered = rows - tf.reduce_mean(rows, axis=1, keepdims=True)
    cov = tf.matmul(centered, centered, transpose_b=True)
    spread = tf.sqrt(tf.linalg.diag_part(cov))
    out = tf.clip_by_value(cov / spread[:, None] / spread[None, :], -1.0, 1.0)
    return tf.cast(out if x.shape.rank == 2 else out[0, 0], result)


# Order statistics -------------------------------------------------------------------

def _pick(ordered, position):
    """Values of the sorted last axis at float positions (B + (Q,)), as int32 indices."""
    return tf.gather(ordered, tf.cast(position, tf.int32), batch_dims=ordered.shape.rank - 1, axis=-1)


def _quantile(x, q, axis, method, keepdims, skip_nan):
    """Quantiles along `axis` (float64 levels `q` in [0, 1]) by sorting, with NumPy's methods."""
    (x,), result = _float(x)
    merged, keep_shape = _to_last(x, axis)
    nan = tf.math.is_nan(merged)
    valid = ~nan if skip_nan else tf.ones_like(nan)
    count = tf.reduce_sum(tf.cast(valid, tf.float64), -1, keepdims=True)
    ordered = tf.sort(tf.where(nan, tf.cast(_INF, x.dtype), merged), axis=-1)
    position = tf.reshape(q, [-1]) * tf.maximum(count - 1, 0)
    low, high = tf.floor(position), tf.math.ceil(position)
    if method in ("lower", "higher", "nearest"):
        out = _pick(ordered, {"lower": low, "higher": high, "nearest": tf.round(position)}[method])
    else:
        below, above = _pick(ordered, low), _pick(ordered, high)
        out = below + (above - below) * tf.cast(0.5 if method == "midpoint" else position - low, x.dtype)
    undefined = tf.equal(count, 0) if skip_nan else tf.reduce_any(nan, -1, keepdims=True)
    out = tf.where(undefined, tf.cast(float("nan"), x.dtype), out)
    out = tf.transpose(out, [out.shape.rank - 1] + list(range(out.shape.rank - 1)))
    tail = tf.convert_to_tensor(keep_shape, tf.int32) if keepdims else tf.shape(merged)[:-1]
    return tf.cast(tf.reshape(out, tf.concat([tf.shape(q), tail], 0)), result)


def _quantiles(skip_nan, scale=1):
    def impl(x, q, axis=None, method="linear", keepdims=False):
        q = convert_to_tensor(q, "float64") / scale
        return _quantile(x, q, _axis(axis), method, keepdims, skip_nan)

    return impl


quantile = _quantiles(False)
nanquantile = _quantiles(True)
percentile = _quantiles(False, 100)
nanpercentile = _quantiles(True, 100)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis, keepdims=keepdims)


# Sorting and searching --------------------------------------------------------------

def _argsort_last(x):
    """Stable ascending argsort along the last axis, NaN last (tf.argsort alone misplaces NaN)."""
    x = _numeric(x)
    if not x.dtype.is_floating:
        return tf.argsort(x, axis=-1, stable=True)
    nan = tf.math.is_nan(x)
    order = tf.argsort(tf.where(nan, tf.cast(_INF, x.dtype), x), axis=-1, stable=True)
    batch = x.shape.rank - 1
    nan_sorted = tf.gather(tf.cast(nan, tf.int8), order, batch_dims=batch, axis=-1)
    nan_last = tf.argsort(nan_sorted, axis=-1, stable=True)
    return tf.gather(order, nan_last, batch_dims=batch, axis=-1)


def _along_last(fn, x, axis):
    """Applies ``fn`` (working on the last axis) along `axis` (the flattened `x` when None)."""
    if axis is None:
        return fn(tf.reshape(x, [-1]))
    axis %= x.shape.rank
    perm = list(range(x.shape.rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return tf.transpose(fn(tf.transpose(x, perm)), perm)


def _sorted_last(x):
    return tf.gather(x, _argsort_last(x), batch_dims=x.shape.rank - 1, axis=-1)


def sort(x, axis=-1):
    return _along_last(_sorted_last, convert_to_tensor(x), axis)


def argsort(x, axis=-1):
    return _along_last(_argsort_last, convert_to_tensor(x), axis)


def argpartition(x, kth, axis=-1):
    # A full stable sort is one valid partition around every kth.
    return argsort(x, axis)


def _common(x1, x2):
    x1, x2 = common.binary_operands(convert_to_tensor, x1, x2)
    return _numeric(x1), _numeric(x2)


def _search(sorted_sequence, values, side):
    flat = tf.searchsorted(sorted_sequence, tf.reshape(values, [-1]), side=side, out_type=tf.int32)
    return tf.reshape(flat, tf.shape(values))


def searchsorted(sorted_sequence, values, side="left"):
    return _search(*_common(sorted_sequence, values), side)


def digitize(x, bins):
    x, bins = _common(x, bins)
    increasing = _search(bins, x, "right")
    if bins.shape[0] < 2:
        return increasing
    decreasing = tf.shape(bins)[0] - _search(tf.reverse(bins, [0]), x, "right")
    return tf.where(bins[0] > bins[-1], decreasing, increasing)


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = _common(x1, x2)
    found = tf.reduce_any(tf.equal(x1[..., None], tf.reshape(x2, [-1])), axis=-1)
    return ~found if invert else found


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    values, indices = tf.math.top_k(_numeric(x), k, sorted=sorted)
    return tf.cast(values, x.dtype), indices


def in_top_k(targets, predictions, k):
    predictions = convert_to_tensor(predictions)
    target_values = tf.gather(predictions, convert_to_tensor(targets), batch_dims=1)
    larger = tf.cast(predictions > target_values[:, None], tf.int32)
    return tf.reduce_sum(larger, axis=1) < k


def _rows(x, axis):
    """The slices of `x` along `axis` as the rows of a matrix (one element per row for None)."""
    if axis is None:
        return tf.reshape(x, [-1, 1])
    axis %= x.shape.rank
    moved = tf.transpose(x, [axis] + [d for d in range(x.shape.rank) if d != axis])
    return tf.reshape(moved, [tf.shape(x)[axis], -1])


def _lexsort_rows(rows):
    """Stable order of the rows of a matrix, by their first column, then the second, ..."""
    order = tf.range(tf.shape(rows)[0])
    for column in reversed(range(rows.shape[1])):
        order = tf.gather(order, _argsort_last(tf.gather(rows[:, column], order)))
    return order


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = convert_to_tensor(x)
    rows = _rows(x, axis)
    order = _lexsort_rows(rows)
    ordered = tf.gather(rows, order)
    starts = tf.concat([[True], tf.reduce_any(ordered[1:] != ordered[:-1], axis=1)], 0)
    segment = tf.cumsum(tf.cast(starts, tf.int32)) - 1
    index = tf.boolean_mask(order, starts)
    inverse = tf.gather(segment, tf.math.invert_permutation(order))
    counts = tf.math.bincount(segment, dtype=tf.int32)
    if axis is None:
        values, inverse = tf.gather(tf.reshape(x, [-1]), index), tf.reshape(inverse, tf.shape(x))
    else:
        values = tf.gather(x, index, axis=axis)
    if size is not None:
        values, index, counts = _pad_unique(values, index, counts, axis or 0, size, fill_value)
    extras = [tf.cast(a, tf.int32) for a, wanted in ((index, return_index), (inverse, return_inverse),
                                                      (counts, return_counts)) if wanted]
    return tuple([values] + extras) if extras else values


def _pad_unique(values, index, counts, axis, size, fill_value):
    """Truncates or pads the unique results to `size` along the unique axis (graph-safe)."""
    axis %= values.shape.rank
    keep = tf.minimum(tf.shape(values)[axis], size)
    missing = size - keep
    values = tf.gather(values, tf.range(keep), axis=axis)
    if fill_value is None:
        pad = tf.gather(values, tf.zeros([missing], tf.int32), axis=axis)
    else:
        shape = tf.tensor_scatter_nd_update(tf.shape(values), [[axis]], [missing])
        pad = tf.fill(shape, tf.cast(fill_value, values.dtype))
    return (tf.concat([values, pad], axis), tf.concat([index[:keep], tf.repeat(index[:1], missing)], 0),
            tf.concat([counts[:keep], tf.zeros([missing], counts.dtype)], 0))


# Counting ---------------------------------------------------------------------------

def bincount(x, weights=None, minlength=0, sparse=False):
    x = tf.cast(convert_to_tensor(x), tf.int32)
    axis = -1 if x.shape.rank == 2 else None
    if weights is None:
        return tf.math.bincount(x, minlength=minlength, dtype=tf.int32, axis=axis)
    weights = convert_to_tensor(weights)
    counts = tf.math.bincount(x, tf.cast(weights, tf.float64), minlength=minlength, axis=axis)
    return tf.cast(counts, weights.dtype)


def histogram(x, bins=10, range=None):
    (x,), result = _float(x)
    x = tf.reshape(x, [-1])
    low, high = (tf.reduce_min(x), tf.reduce_max(x)) if range is None else range
    low, high = tf.cast(low, tf.float64), tf.cast(high, tf.float64)
    flat = tf.equal(low, high)
    low, high = tf.where(flat, low - 0.5, low), tf.where(flat, high + 0.5, high)
    edges = tf.cast(tf.linspace(low, high, bins + 1), x.dtype)
    index = tf.where(x == edges[-1], bins - 1, _search(edges, x, "right") - 1)
    inside = (x >= edges[0]) & (x <= edges[-1])
    counts = tf.math.bincount(tf.boolean_mask(index, inside), minlength=bins, maxlength=bins)
    return tf.cast(counts, result), tf.cast(edges, result)


# Cumulative and differences ---------------------------------------------------------

def _cumulative(fn, fill=None):
    def impl(x, axis=None, dtype=None):
        x = convert_to_tensor(x)
        out = dtype or ("int32" if x.dtype == tf.bool else _name(x))
        x = tf.cast(x if fill is None else _nan_to(x, fill), out)
        return fn(tf.reshape(x, [-1]), 0) if axis is None else fn(x, axis)

    return impl


cumsum = _cumulative(tf.math.cumsum)
cumprod = _cumulative(tf.math.cumprod)
nancumsum = _cumulative(tf.math.cumsum, 0)
nancumprod = _cumulative(tf.math.cumprod, 1)


def _slice(x, axis, start, stop):
    index = [slice(None)] * x.shape.rank
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def diff(a, n=1, axis=-1):
    a = convert_to_tensor(a)
    step = tf.not_equal if a.dtype == tf.bool else tf.subtract
    for _ in range(n):
        a = step(_slice(a, axis, 1, None), _slice(a, axis, None, -1))
    return a


def trapezoid(y, x=None, dx=1.0, axis=-1):
    compute, result = _float_dtypes(y, dx if x is None else x)
    y = convert_to_tensor(y, compute)
    if x is None:
        spacing = tf.cast(dx, compute)
    else:
        x = convert_to_tensor(x, compute)
        spacing = diff(x, axis=axis if x.shape.rank > 1 else 0)
        if x.shape.rank == 1:
            spacing = _spread(spacing, axis, y.shape.rank)
    heights = _slice(y, axis, 1, None) + _slice(y, axis, None, -1)
    return tf.cast(tf.reduce_sum(heights * spacing, axis) / 2, result)


def correlate(x1, x2, mode="valid"):
    (x1, x2), result = _float(x1, x2)
    n, m = x1.shape[0], x2.shape[0]
    padded = tf.pad(x1, [[m - 1, m - 1]])
    full = tf.nn.conv1d(padded[None, :, None], x2[:, None, None], stride=1, padding="VALID")[0, :, 0]
    if mode == "valid":
        start, length = (n if n < m else m) - 1, abs(n - m) + 1
    elif mode == "same":
        start, length = (m - 1) // 2 if n >= m else n // 2, n if n > m else m
    else:
        start, length = 0, n + m - 1
    return tf.cast(full[start:start + length], result)


# Segments ---------------------------------------------------------------------------

def _segment(reduce, empty=None):
    """A segment reduction; `empty` is the value of empty segments where TF's differs."""

    def impl(data, segment_ids, num_segments=None, sorted=False):
        data = convert_to_tensor(data)
        ids = tf.cast(convert_to_tensor(segment_ids), tf.int32)
        if num_segments is None:
            num_segments = tf.maximum(tf.reduce_max(ids) + 1, 0)
        # Ids outside [0, num_segments) go to one extra segment, dropped at the end.
        ids = tf.where((ids >= 0) & (ids < num_segments), ids, num_segments)
        out = reduce(data, ids, num_segments + 1)[:num_segments]
        if empty is None or not data.dtype.is_floating:
            return out
        count = tf.math.unsorted_segment_sum(tf.ones_like(ids), ids, num_segments + 1)[:num_segments]
        count = tf.reshape(count, [-1] + [1] * (data.shape.rank - 1))
        return tf.where(count == 0, tf.cast(empty, data.dtype), out)

    return impl


segment_sum = _segment(tf.math.unsorted_segment_sum)
segment_prod = _segment(tf.math.unsorted_segment_prod)
segment_max = _segment(tf.math.unsorted_segment_max, -_INF)
segment_min = _segment(tf.math.unsorted_segment_min, _INF)
