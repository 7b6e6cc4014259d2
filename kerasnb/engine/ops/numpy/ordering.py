"""Sorting, searching, counting, cumulative and segment ops (part of the reductions family).

Re-exported by `reductions.py`. Index results are int32; ops whose output length depends
on the data (`unique` without `size`, `bincount`, segments without `num_segments`) have
``None`` for that dim symbolically.
"""

import functools
import math

from kerasnb.engine import dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.numpy.reductions import (check_single_axis, fail, float_dtype,
                                                single_axis_args)
from kerasnb.engine.ops.op import op

__all__ = [
    "argpartition", "argsort", "bincount", "correlate", "cumprod", "cumsum", "diff", "digitize",
    "histogram", "in_top_k", "isin", "nancumprod", "nancumsum", "searchsorted", "segment_max",
    "segment_min", "segment_prod", "segment_sum", "sort", "top_k", "trapezoid", "unique",
]

CORRELATE_MODES = ("valid", "same", "full")


# Argument checks --------------------------------------------------------------------

def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_rank(name, x, ranks, arg):
    shape = rules.shape_of(x)
    if len(shape) not in ranks:
        fail(name, arg, f"of rank {' or '.join(map(str, ranks))}", f"shape {shape}")
    return shape


def _check_int_dtype(name, x, arg):
    if not dtypes.is_int(rules.dtype_of(x)):
        fail(name, arg, "an integer tensor", f"dtype {rules.dtype_of(x)}")


def _argpartition_args(name, x, kth, axis=-1):
    check_single_axis(name, x, axis)
    shape = rules.shape_of(x)
    size = math.prod(d for d in shape if d is not None) if axis is None else shape[axis]
    if not _is_int(kth) or size is not None and not -size <= kth < size:
        fail(name, "kth", f"an int in [-{size}, {size})", repr(kth))


def _diff_args(name, a, n=1, axis=-1):
    check_single_axis(name, a, axis)
    if not _is_int(n) or n < 0:
        fail(name, "n", "a non-negative int", repr(n))
    if not rules.shape_of(a):
        fail(name, "a", "of rank >= 1", "a scalar")


def _trapezoid_args(name, y, x=None, dx=1.0, axis=-1):
    check_single_axis(name, y, axis)
    shape = rules.shape_of(y)
    if x is None:
        return
    x_shape = rules.shape_of(x)
    if len(x_shape) == 1 and None not in (x_shape[0], shape[axis]) and x_shape[0] != shape[axis]:
        fail(name, "x", f"of length {shape[axis]} (`y` along axis {axis})", f"shape {x_shape}")
    if len(x_shape) > 1:
        try:
            rules.broadcast_shapes(x_shape, shape)
        except ValueError:
            fail(name, "x", f"1-D or broadcastable to `y` of shape {shape}", f"shape {x_shape}")


def _correlate_args(name, x1, x2, mode="valid"):
    _check_rank(name, x1, (1,), "x1")
    _check_rank(name, x2, (1,), "x2")
    if mode not in CORRELATE_MODES:
        fail(name, "mode", f"one of {', '.join(CORRELATE_MODES)}", repr(mode))


def _bincount_args(name, x, weights=None, minlength=0, sparse=False):
    shape = _check_rank(name, x, (1, 2), "x")
    _check_int_dtype(name, x, "x")
    if weights is not None and rules.shape_of(weights) != shape:
        fail(name, "weights", f"of shape {shape} (like `x`)", f"shape {rules.shape_of(weights)}")
    if not _is_int(minlength) or minlength < 0:
        fail(name, "minlength", "a non-negative int", repr(minlength))
    if sparse:
        fail(name, "sparse", "False (kerasnb has no sparse tensors)", repr(sparse))


def _digitize_args(name, x, bins):
    _check_rank(name, bins, (1,), "bins")


def _histogram_args(name, x, bins=10, range=None):
    if not _is_int(bins) or bins < 1:
        fail(name, "bins", "a positive int", repr(bins))
    if range is not None:
        if not isinstance(range, (list, tuple)) or len(range) != 2 or not range[0] <= range[1]:
            fail(name, "range", "None or a (min, max) pair with min <= max", repr(range))


def _searchsorted_args(name, sorted_sequence, values, side="left"):
    _check_rank(name, sorted_sequence, (1,), "sorted_sequence")
    if side not in ("left", "right"):
        fail(name, "side", "'left' or 'right'", repr(side))


def _unique_args(name, x, sorted=True, return_index=False, return_inverse=False,
                 return_counts=False, axis=None, size=None, fill_value=None):
    check_single_axis(name, x, axis)
    if size is not None and (not _is_int(size) or size < 1):
        fail(name, "size", "None or a positive int", repr(size))
    if fill_value is not None and size is None:
        fail(name, "fill_value", "None unless `size` is given", repr(fill_value))


def _top_k_args(name, x, k, sorted=True):
    shape = rules.shape_of(x)
    if not shape:
        fail(name, "x", "of rank >= 1", "a scalar")
    if not _is_int(k) or k < 1 or shape[-1] is not None and k > shape[-1]:
        fail(name, "k", f"an int in [1, {shape[-1]}] (the size of the last axis)", repr(k))


def _in_top_k_args(name, targets, predictions, k):
    batch = _check_rank(name, predictions, (2,), "predictions")[0]
    t_shape = _check_rank(name, targets, (1,), "targets")
    if None not in (batch, t_shape[0]) and batch != t_shape[0]:
        fail(name, "targets", f"of shape ({batch},) (one per row of `predictions`)", f"shape {t_shape}")
    _check_int_dtype(name, targets, "targets")
    if not _is_int(k) or k < 1:
        fail(name, "k", "a positive int", repr(k))


def _segment_args(name, data, segment_ids, num_segments=None, sorted=False):
    shape = rules.shape_of(data)
    ids = _check_rank(name, segment_ids, (1,), "segment_ids")
    if not shape:
        fail(name, "data", "of rank >= 1", "a scalar")
    if None not in (ids[0], shape[0]) and ids[0] != shape[0]:
        fail(name, "segment_ids", f"of shape ({shape[0]},) (one per row of `data`)", f"shape {ids}")
    _check_int_dtype(name, segment_ids, "segment_ids")
    if num_segments is not None and not _is_count(num_segments):
        fail(name, "num_segments", "None or a non-negative int", repr(num_segments))


def _is_count(value):
    """An int >= 0, or a scalar integer tensor (a count known only when a TensorFlow graph
    runs, e.g. ``batch * channels`` in a ``tf.data`` map)."""
    if _is_int(value):
        return value >= 0
    return getattr(value, "shape", None) is not None and tuple(value.shape) == () and \
        "int" in str(value.dtype)


# Symbolic rules ---------------------------------------------------------------------

def _flat_size(shape):
    return None if None in shape else math.prod(shape)


def _along(shape, axis):
    return (_flat_size(shape),) if axis is None else shape


def _sort_rule(x, axis=-1):
    return rules.tensor(_along(rules.shape_of(x), axis), rules.dtype_of(x))


def _argsort_rule(x, axis=-1):
    return rules.tensor(_along(rules.shape_of(x), axis), "int32")


def _argpartition_rule(x, kth, axis=-1):
    return _argsort_rule(x, axis)


def _cumulative_rule(x, axis=None, dtype=None):
    x_dtype = rules.dtype_of(x)
    out = dtypes.standardize_dtype(dtype) if dtype else ("int32" if x_dtype == "bool" else x_dtype)
    return rules.tensor(_along(rules.shape_of(x), axis), out)


def _diff_rule(a, n=1, axis=-1):
    shape = list(rules.shape_of(a))
    if shape[axis] is not None:
        shape[axis] = max(shape[axis] - n, 0)
    return rules.tensor(tuple(shape), rules.dtype_of(a))


def _trapezoid_rule(y, x=None, dx=1.0, axis=-1):
    shape = rules.shape_of(y)
    if x is not None and len(rules.shape_of(x)) > 1:
        shape = rules.broadcast_shapes(shape, rules.shape_of(x))
    reduced = rules.reduce_shape(shape, axis)
    return rules.tensor(reduced, float_dtype(y, dx if x is None else x))


def _correlate_rule(x1, x2, mode="valid"):
    n, m = rules.shape_of(x1)[0], rules.shape_of(x2)[0]
    if None in (n, m):
        length = None
    elif mode == "full":
        length = n + m - 1
    elif mode == "same":
        length = max(n, m)
    else:
        length = max(n, m) - min(n, m) + 1
    return rules.tensor((length,), float_dtype(x1, x2))


def _bincount_rule(x, weights=None, minlength=0, sparse=False):
    dtype = "int32" if weights is None else rules.dtype_of(weights)
    return rules.tensor(rules.shape_of(x)[:-1] + (None,), dtype)


def _digitize_rule(x, bins):
    return rules.tensor(rules.shape_of(x), "int32")


def _histogram_rule(x, bins=10, range=None):
    dtype = float_dtype(x)
    return rules.tensor((bins,), dtype), rules.tensor((bins + 1,), dtype)


def _isin_rule(x1, x2, assume_unique=False, invert=False):
    return rules.tensor(rules.shape_of(x1), "bool")


def _searchsorted_rule(sorted_sequence, values, side="left"):
    return rules.tensor(rules.shape_of(values), "int32")


def _unique_rule(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
                 axis=None, size=None, fill_value=None):
    shape = rules.shape_of(x)
    if axis is None:
        values = (size,)
    else:
        axis %= len(shape)
        values = shape[:axis] + (size,) + shape[axis + 1:]
    outputs = [rules.tensor(values, rules.dtype_of(x))]
    if return_index:
        outputs.append(rules.tensor((size,), "int32"))
    if return_inverse:
        outputs.append(rules.tensor(shape if axis is None else (shape[axis],), "int32"))
    if return_counts:
        outputs.append(rules.tensor((size,), "int32"))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _top_k_rule(x, k, sorted=True):
    shape = rules.shape_of(x)[:-1] + (k,)
    return rules.tensor(shape, rules.dtype_of(x)), rules.tensor(shape, "int32")


def _in_top_k_rule(targets, predictions, k):
    return rules.tensor(rules.shape_of(targets), "bool")


def _segment_rule(data, segment_ids, num_segments=None, sorted=False):
    rows = num_segments if num_segments is None or _is_int(num_segments) else None
    return rules.tensor((rows,) + rules.shape_of(data)[1:], rules.dtype_of(data))


# Sorting and searching --------------------------------------------------------------

@op(_sort_rule, check=functools.partial(single_axis_args, "sort"))
def sort(x, axis=-1):
    """Sorts `x` ascending along `axis` (the flattened `x` when None); NaN sorts last.

    Example:
        >>> ops.sort([3, 1, 2])
        array([1, 2, 3], dtype=int32)
    """


@op(_argsort_rule, check=functools.partial(single_axis_args, "argsort"))
def argsort(x, axis=-1):
    """Indices that sort `x` along `axis`, int32; stable (ties keep their order).

    Example:
        >>> ops.argsort([3, 1, 2])
        array([1, 2, 0], dtype=int32)
    """


@op(_argpartition_rule, check=functools.partial(_argpartition_args, "argpartition"))
def argpartition(x, kth, axis=-1):
    """Indices that partition `x` along `axis` around its `kth` smallest element.

    The element at position `kth` is the one a full sort would put there; smaller or equal
    elements come before it, larger or equal ones after, in no particular order.

    Example:
        >>> x = np.array([5, 1, 4, 2])
        >>> int(x[ops.convert_to_numpy(ops.argpartition(x, 1))][1])
        2
    """


@op(_searchsorted_rule, check=functools.partial(_searchsorted_args, "searchsorted"))
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion indices of `values` into the 1-D ascending `sorted_sequence`, int32.

    Args:
        sorted_sequence: 1-D tensor sorted ascending.
        values: tensor of any shape.
        side: "left" gives the first suitable index, "right" the last.

    Example:
        >>> ops.searchsorted([1, 2, 2, 3], [2, 5], side="right")
        array([3, 4], dtype=int32)
    """


@op(_digitize_rule, check=functools.partial(_digitize_args, "digitize"))
def digitize(x, bins):
    """Index of the bin of each element: `i` with ``bins[i-1] <= x < bins[i]``, int32.

    `bins` is 1-D and monotonic (increasing or decreasing, as in NumPy).

    Example:
        >>> ops.digitize([0.5, 1.5, 3.0], [1.0, 2.0])
        array([0, 1, 2], dtype=int32)
    """


@op(_isin_rule)
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of `x1` occurs in `x2` (not occurs, with `invert=True`).

    Example:
        >>> ops.isin([1, 2, 3], [2, 3, 5])
        array([False,  True,  True])
    """


@op(_top_k_rule, check=functools.partial(_top_k_args, "top_k"))
def top_k(x, k, sorted=True):
    """The `k` largest values along the last axis and their int32 indices.

    Ties go to the lower index. With `sorted=False` the order within the `k` may differ.

    Returns:
        A `(values, indices)` pair, each of shape `x.shape[:-1] + (k,)`.

    Example:
        >>> ops.top_k([1, 3, 2], 2)
        (array([3, 2], dtype=int32), array([1, 2], dtype=int32))
    """


@op(_in_top_k_rule, check=functools.partial(_in_top_k_args, "in_top_k"))
def in_top_k(targets, predictions, k):
    """Whether each row's target class is among its `k` highest predictions.

    Ties count in favour of the target: it is in the top `k` when fewer than `k`
    predictions in its row are strictly larger.

    Args:
        targets: int tensor of shape `(batch,)`, class indices.
        predictions: tensor of shape `(batch, classes)`.
        k: number of top predictions to consider.

    Example:
        >>> ops.in_top_k([1, 0], [[0.1, 0.9], [0.2, 0.8]], 1)
        array([ True, False])
    """


@op(_unique_rule, check=functools.partial(_unique_args, "unique"))
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """The sorted unique elements of `x` (unique slices along `axis` when given).

    Args:
        x: input tensor.
        sorted: accepted for Keras compatibility; results are always sorted.
        return_index: also return the int32 index of each unique value's first occurrence.
        return_inverse: also return int32 indices that rebuild `x` from the unique values
            (shaped like `x` when `axis` is None, else of length `x.shape[axis]`).
        return_counts: also return how often each unique value occurs (int32).
        axis: None (flatten) or the axis whose slices are compared.
        size: a static number of results: extra ones are dropped, missing ones padded
            with `fill_value` (default: the smallest unique value), index padding repeats
            the first index and count padding is 0. Makes the output shape static.
        fill_value: padding value, only with `size`.

    Returns:
        The unique values, or a tuple with the requested extra outputs in the order above.

    Example:
        >>> ops.unique([3, 1, 3, 2], return_counts=True)
        (array([1, 2, 3], dtype=int32), array([1, 1, 2], dtype=int32))
    """


# Counting ---------------------------------------------------------------------------

@op(_bincount_rule, check=functools.partial(_bincount_args, "bincount"))
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts (or sums of `weights`) of each non-negative int value in `x`.

    Args:
        x: non-negative int tensor, 1-D, or 2-D for one count per row.
        weights: optional tensor shaped like `x`; the result takes its dtype.
        minlength: minimum length of the last output axis.
        sparse: must be False (no sparse tensors in kerasnb).

    Returns:
        Length ``max(max(x) + 1, minlength)`` along the last axis; int32 without weights.

    Example:
        >>> ops.bincount([0, 1, 1, 3])
        array([1, 2, 0, 1], dtype=int32)
    """


@op(_histogram_rule, check=functools.partial(_histogram_args, "histogram"))
def histogram(x, bins=10, range=None):
    """Histogram of the flattened `x` over `bins` equal bins spanning `range`.

    Args:
        x: input tensor (flattened).
        bins: number of bins.
        range: `(min, max)` of the bins; defaults to the min and max of `x`. Values
            outside are ignored; the last bin includes its right edge.

    Returns:
        A `(counts, bin_edges)` pair of shapes `(bins,)` and `(bins + 1,)`, both float
        (floatx for int `x`).

    Example:
        >>> ops.histogram([1.0, 2.0, 2.5, 4.0], bins=3)[0]
        array([1., 2., 1.], dtype=float32)
    """


# Cumulative and differences ---------------------------------------------------------

@op(_cumulative_rule, check=functools.partial(single_axis_args, "cumsum"))
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (the flattened `x` when None), in `dtype` if given.

    Bool input gives int32; other dtypes are kept.

    Example:
        >>> ops.cumsum([1, 2, 3])
        array([1, 3, 6], dtype=int32)
    """


@op(_cumulative_rule, check=functools.partial(single_axis_args, "cumprod"))
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (the flattened `x` when None), in `dtype` if given.

    Example:
        >>> ops.cumprod([1, 2, 3])
        array([1, 2, 6], dtype=int32)
    """


@op(_cumulative_rule, check=functools.partial(single_axis_args, "nancumsum"))
def nancumsum(x, axis=None, dtype=None):
    """`cumsum` treating NaN as zero.

    Example:
        >>> ops.nancumsum([1.0, float("nan"), 2.0])
        array([1., 1., 3.], dtype=float32)
    """


@op(_cumulative_rule, check=functools.partial(single_axis_args, "nancumprod"))
def nancumprod(x, axis=None, dtype=None):
    """`cumprod` treating NaN as one.

    Example:
        >>> ops.nancumprod([2.0, float("nan"), 3.0])
        array([2., 2., 6.], dtype=float32)
    """


@op(_diff_rule, check=functools.partial(_diff_args, "diff"))
def diff(a, n=1, axis=-1):
    """The `n`-th discrete difference along `axis` (``a[1:] - a[:-1]``, `n` times).

    Bool input gives bool (``a[1:] != a[:-1]``); `n=0` returns `a`.

    Example:
        >>> ops.diff([1, 4, 9, 16], n=2)
        array([2, 2], dtype=int32)
    """


@op(_trapezoid_rule, check=functools.partial(_trapezoid_args, "trapezoid"))
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule.

    Args:
        y: values to integrate.
        x: sample points, 1-D along `axis` or broadcastable to `y`; None means spacing `dx`.
        dx: sample spacing when `x` is None.
        axis: the axis to integrate over.

    Example:
        >>> ops.trapezoid([1.0, 2.0, 3.0])
        array(4., dtype=float32)
    """


@op(_correlate_rule, check=functools.partial(_correlate_args, "correlate"))
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors, ``c[k] = sum_n x1[n + k] * x2[n]``.

    Args:
        x1: 1-D tensor.
        x2: 1-D tensor.
        mode: "valid" (full overlap only), "same" (length of the longer input) or "full".

    Returns:
        A 1-D float tensor (floatx for int inputs).

    Example:
        >>> ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0])
        array([2., 3.], dtype=float32)
    """


# Segments ---------------------------------------------------------------------------

@op(_segment_rule, check=functools.partial(_segment_args, "segment_sum"))
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums of the rows of `data` in each segment; an empty segment gives 0.

    Args:
        data: tensor whose first axis is split into segments.
        segment_ids: 1-D int tensor, the segment of each row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments; defaults to ``max(segment_ids) + 1``.
        sorted: whether `segment_ids` is sorted (a hint only).

    Returns:
        Shape `(num_segments,) + data.shape[1:]`, dtype of `data`.

    Example:
        >>> ops.segment_sum([1.0, 2.0, 3.0], [0, 0, 1])
        array([3., 3.], dtype=float32)
    """


@op(_segment_rule, check=functools.partial(_segment_args, "segment_prod"))
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Products of the rows of `data` in each segment; an empty segment gives 1.

    Args:
        data: tensor whose first axis is split into segments.
        segment_ids: 1-D int tensor, the segment of each row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments; defaults to ``max(segment_ids) + 1``.
        sorted: whether `segment_ids` is sorted (a hint only).

    Returns:
        Shape `(num_segments,) + data.shape[1:]`, dtype of `data`.

    Example:
        >>> ops.segment_prod([1.0, 2.0, 3.0], [0, 0, 1])
        array([2., 3.], dtype=float32)
    """


@op(_segment_rule, check=functools.partial(_segment_args, "segment_max"))
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maxima of the rows of `data` in each segment.

    An empty segment gives the lowest value of the dtype (-inf for floats).

    Args:
        data: tensor whose first axis is split into segments.
        segment_ids: 1-D int tensor, the segment of each row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments; defaults to ``max(segment_ids) + 1``.
        sorted: whether `segment_ids` is sorted (a hint only).

    Returns:
        Shape `(num_segments,) + data.shape[1:]`, dtype of `data`.

    Example:
        >>> ops.segment_max([1.0, 2.0, 3.0], [0, 0, 1])
        array([2., 3.], dtype=float32)
    """


@op(_segment_rule, check=functools.partial(_segment_args, "segment_min"))
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minima of the rows of `data` in each segment.

    An empty segment gives the highest value of the dtype (inf for floats).

    Args:
        data: tensor whose first axis is split into segments.
        segment_ids: 1-D int tensor, the segment of each row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments; defaults to ``max(segment_ids) + 1``.
        sorted: whether `segment_ids` is sorted (a hint only).

    Returns:
        Shape `(num_segments,) + data.shape[1:]`, dtype of `data`.

    Example:
        >>> ops.segment_min([1.0, 2.0, 3.0], [0, 0, 1])
        array([1., 3.], dtype=float32)
    """
