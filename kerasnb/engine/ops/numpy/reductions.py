"""Reductions and statistics: sums, extrema, means, spreads, quantiles, `logsumexp`.

Sorting, searching, counting, cumulative and segment ops live in `ordering.py` and are
re-exported here, so this module is the whole family. Dtypes follow Keras 3: sums widen
small ints, float statistics of ints give floatx, index results are int32.
"""

import builtins
import functools

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "average", "corrcoef", "count_nonzero",
    "logsumexp", "max", "mean", "median", "min", "nanargmax", "nanargmin", "nanmax", "nanmean",
    "nanmedian", "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar",
    "percentile", "prod", "ptp", "quantile", "std", "sum", "var",
]

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


# Argument checks, run before dispatch (eager and symbolic) ----------------------------

def fail(name, arg, expected, received):
    raise ValueError(f"`{name}` expects `{arg}` {expected}; received {received}.")


def check_axis(name, x, axis, arg="axis"):
    """Checks that `axis` (None, an int or a sequence of distinct ints) fits the rank of `x`."""
    if axis is None:
        return
    ndim = getattr(x, "ndim", None)
    if type(axis) is int and type(ndim) is int and -ndim <= axis < ndim:
        return  # the usual case: one valid axis of a tensor
    ndim = len(rules.shape_of(x))
    axes = (axis,) if isinstance(axis, int) else axis
    if not isinstance(axes, (list, tuple)) or not builtins.all(isinstance(a, int) for a in axes):
        fail(name, arg, "to be None, an int or a tuple of ints", repr(axis))
    if builtins.any(not -ndim <= a < ndim for a in axes):
        fail(name, arg, f"in [-{ndim}, {ndim}) for a tensor of rank {ndim}", repr(axis))
    if len({a % ndim for a in axes}) != len(axes):
        fail(name, arg, "to name each dimension once", repr(axis))


def check_single_axis(name, x, axis, arg="axis"):
    if axis is not None and not isinstance(axis, int):
        fail(name, arg, "to be None or an int", repr(axis))
    check_axis(name, x, axis, arg)


def _axis_args(name, x, axis=None, *args, **kwargs):
    check_axis(name, x, axis)


def single_axis_args(name, x, axis=None, *args, **kwargs):
    check_single_axis(name, x, axis)


def _not_bool(name, x, axis=None, keepdims=False):
    check_axis(name, x, axis)
    if rules.dtype_of(x) == "bool":
        fail(name, "x", "a numeric tensor (max - min is undefined for bool)", "dtype bool")


def check_q(name, q, scale):
    """Checks that concrete quantile levels (Python or NumPy data) lie in ``[0, scale]``."""
    if isinstance(q, (int, float, list, tuple, np.ndarray, np.generic)):
        if not builtins.all(0 <= v <= scale for v in np.ravel(np.asarray(q, dtype=float))):
            fail(name, "q", f"in [0, {scale}]", repr(q))


def _quantile_args(scale):
    def check(name, x, q, axis=None, method="linear", keepdims=False):
        check_axis(name, x, axis)
        if len(rules.shape_of(q)) > 1:
            fail(name, "q", "a scalar or a 1-D tensor", f"shape {rules.shape_of(q)}")
        if method not in QUANTILE_METHODS:
            fail(name, "method", f"one of {', '.join(QUANTILE_METHODS)}", repr(method))
        check_q(name, q, scale)

    return check


def _average_args(name, x, axis=None, weights=None):
    check_single_axis(name, x, axis)
    if weights is None:
        return
    shape, w_shape = rules.shape_of(x), rules.shape_of(weights)
    if w_shape == shape:
        return
    if axis is None:
        fail(name, "weights", f"of shape {shape} (like `x`) when `axis` is None", f"shape {w_shape}")
    length = shape[axis]
    if len(w_shape) != 1 or None not in (w_shape[0], length) and w_shape[0] != length:
        fail(name, "weights", f"of shape {shape} or ({length},) along axis {axis}", f"shape {w_shape}")


def _corrcoef_args(name, x):
    if len(rules.shape_of(x)) > 2:
        fail(name, "x", "of rank 1 or 2 (variables in rows)", f"shape {rules.shape_of(x)}")


# Symbolic rules ---------------------------------------------------------------------

def float_dtype(*xs):
    """floatx for ints and bool, else the promoted float dtype; Python scalars are weak."""
    items = [x if type(x) in (int, float) else rules.dtype_of(x) for x in xs]
    return dtypes.float_result(dtypes.result_type(*items))


_same = rules.reduction()
_bool = rules.reduction(lambda dtype: "bool")
_index = rules.reduction(lambda dtype: "int32")
_float = rules.reduction(dtypes.float_result)
_widened = rules.reduction(dtypes.sum_result)


def _prod_rule(x, axis=None, keepdims=False, dtype=None):
    out_dtype = dtypes.standardize_dtype(dtype) if dtype else dtypes.sum_result(rules.dtype_of(x))
    return rules.tensor(rules.reduce_shape(rules.shape_of(x), axis, keepdims), out_dtype)


def _count_rule(x, axis=None):
    return rules.tensor(rules.reduce_shape(rules.shape_of(x), axis), "int32")


def _quantile_rule(x, q, axis=None, method="linear", keepdims=False):
    shape = rules.shape_of(q) + rules.reduce_shape(rules.shape_of(x), axis, keepdims)
    return rules.tensor(shape, dtypes.float_result(rules.dtype_of(x)))


def _average_rule(x, axis=None, weights=None):
    dtype = float_dtype(x) if weights is None else float_dtype(x, weights)
    return rules.tensor(rules.reduce_shape(rules.shape_of(x), axis), dtype)


def _corrcoef_rule(x):
    shape = rules.shape_of(x)
    return rules.tensor(() if len(shape) < 2 else (shape[0], shape[0]), float_dtype(x))


# Sums and products ------------------------------------------------------------------

@op(_widened, check=functools.partial(_axis_args, "sum"))
def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (all axes when None); small ints accumulate in 32 bits.

    Example:
        >>> ops.sum([[1, 2], [3, 4]], axis=0)
        array([4, 6], dtype=int32)
    """


@op(_prod_rule, check=functools.partial(_axis_args, "prod"))
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis` (all axes when None), in `dtype` or widened like `sum`.

    Example:
        >>> ops.prod([[1, 2], [3, 4]], axis=1)
        array([ 2, 12], dtype=int32)
    """


@op(_widened, check=functools.partial(_axis_args, "nansum"))
def nansum(x, axis=None, keepdims=False):
    """Sum over `axis`, treating NaN as zero.

    Example:
        >>> ops.nansum([1.0, float("nan"), 2.0])
        array(3., dtype=float32)
    """


@op(_widened, check=functools.partial(_axis_args, "nanprod"))
def nanprod(x, axis=None, keepdims=False):
    """Product over `axis`, treating NaN as one.

    Example:
        >>> ops.nanprod([2.0, float("nan"), 3.0])
        array(6., dtype=float32)
    """


@op(_float, check=functools.partial(_axis_args, "logsumexp"))
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over `axis`, computed without overflow; ints give floatx.

    Example:
        >>> ops.logsumexp([0.0, 0.0])
        array(0.6931472, dtype=float32)
    """


# Extrema ----------------------------------------------------------------------------

@op(_same, check=functools.partial(_axis_args, "max"))
def max(x, axis=None, keepdims=False, initial=None):
    """Largest value over `axis`; `initial` (cast to the dtype of `x`) joins every slice.

    Example:
        >>> ops.max([[1, 5], [3, 2]], axis=1)
        array([5, 3], dtype=int32)
    """


@op(_same, check=functools.partial(_axis_args, "min"))
def min(x, axis=None, keepdims=False, initial=None):
    """Smallest value over `axis`; `initial` (cast to the dtype of `x`) joins every slice.

    Example:
        >>> ops.min([[1, 5], [3, 2]], axis=1)
        array([1, 2], dtype=int32)
    """


@op(_same, check=functools.partial(_axis_args, "amax"))
def amax(x, axis=None, keepdims=False):
    """Largest value over `axis` (same as `max` without `initial`).

    Example:
        >>> ops.amax([1, 7, 3])
        array(7, dtype=int32)
    """


@op(_same, check=functools.partial(_axis_args, "amin"))
def amin(x, axis=None, keepdims=False):
    """Smallest value over `axis` (same as `min` without `initial`).

    Example:
        >>> ops.amin([1, 7, 3])
        array(1, dtype=int32)
    """


@op(_same, check=functools.partial(_axis_args, "nanmax"))
def nanmax(x, axis=None, keepdims=False):
    """Largest value over `axis` ignoring NaN; an all-NaN slice gives NaN.

    Example:
        >>> ops.nanmax([1.0, float("nan"), 3.0])
        array(3., dtype=float32)
    """


@op(_same, check=functools.partial(_axis_args, "nanmin"))
def nanmin(x, axis=None, keepdims=False):
    """Smallest value over `axis` ignoring NaN; an all-NaN slice gives NaN.

    Example:
        >>> ops.nanmin([1.0, float("nan"), 3.0])
        array(1., dtype=float32)
    """


@op(_same, check=functools.partial(_not_bool, "ptp"))
def ptp(x, axis=None, keepdims=False):
    """Range (peak to peak, ``max - min``) over `axis`, in the dtype of `x`.

    Example:
        >>> ops.ptp([[1, 5], [3, 2]], axis=1)
        array([4, 1], dtype=int32)
    """


@op(_index, check=functools.partial(single_axis_args, "argmax"))
def argmax(x, axis=None, keepdims=False):
    """Index of the first largest value along `axis` (of the flattened `x` when None), int32.

    Example:
        >>> ops.argmax([[1, 5], [3, 2]], axis=1)
        array([1, 0], dtype=int32)
    """


@op(_index, check=functools.partial(single_axis_args, "argmin"))
def argmin(x, axis=None, keepdims=False):
    """Index of the first smallest value along `axis` (of the flattened `x` when None), int32.

    Example:
        >>> ops.argmin([[1, 5], [3, 2]], axis=1)
        array([0, 1], dtype=int32)
    """


@op(_index, check=functools.partial(single_axis_args, "nanargmax"))
def nanargmax(x, axis=None, keepdims=False):
    """Like `argmax` but ignoring NaN; an all-NaN slice gives -1.

    Example:
        >>> ops.nanargmax([float("nan"), 2.0, 1.0])
        array(1, dtype=int32)
    """


@op(_index, check=functools.partial(single_axis_args, "nanargmin"))
def nanargmin(x, axis=None, keepdims=False):
    """Like `argmin` but ignoring NaN; an all-NaN slice gives -1.

    Example:
        >>> ops.nanargmin([float("nan"), 2.0, 1.0])
        array(2, dtype=int32)
    """


# Logic and counting -----------------------------------------------------------------

@op(_bool, check=functools.partial(_axis_args, "all"))
def all(x, axis=None, keepdims=False):
    """Whether every element over `axis` is truthy.

    Example:
        >>> ops.all([[True, False], [True, True]], axis=1)
        array([False,  True])
    """


@op(_bool, check=functools.partial(_axis_args, "any"))
def any(x, axis=None, keepdims=False):
    """Whether some element over `axis` is truthy.

    Example:
        >>> ops.any([[True, False], [False, False]], axis=1)
        array([ True, False])
    """


@op(_count_rule, check=functools.partial(_axis_args, "count_nonzero"))
def count_nonzero(x, axis=None):
    """Number of non-zero elements over `axis` (all axes when None), int32.

    Example:
        >>> ops.count_nonzero([[0, 1], [2, 3]], axis=0)
        array([1, 2], dtype=int32)
    """


# Means and spreads ------------------------------------------------------------------

@op(_float, check=functools.partial(_axis_args, "mean"))
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis`; ints give floatx.

    Example:
        >>> ops.mean([[1, 2], [3, 4]], axis=0)
        array([2., 3.], dtype=float32)
    """


@op(_float, check=functools.partial(_axis_args, "nanmean"))
def nanmean(x, axis=None, keepdims=False):
    """Mean over `axis` ignoring NaN; an all-NaN slice gives NaN.

    Example:
        >>> ops.nanmean([1.0, float("nan"), 3.0])
        array(2., dtype=float32)
    """


@op(_average_rule, check=functools.partial(_average_args, "average"))
def average(x, axis=None, weights=None):
    """Weighted mean along `axis`: ``sum(x * weights) / sum(weights)``.

    Args:
        x: input tensor.
        axis: None (all elements) or one axis.
        weights: None (plain mean), a tensor shaped like `x`, or a 1-D tensor whose
            length matches `x` along `axis`.

    Example:
        >>> ops.average([1.0, 2.0, 4.0], weights=[1.0, 1.0, 2.0])
        array(2.75, dtype=float32)
    """


@op(_float, check=functools.partial(_axis_args, "var"))
def var(x, axis=None, keepdims=False):
    """Population variance (``ddof=0``) over `axis`; ints give floatx.

    Example:
        >>> ops.var([1.0, 2.0, 3.0, 4.0])
        array(1.25, dtype=float32)
    """


@op(_float, check=functools.partial(_axis_args, "std"))
def std(x, axis=None, keepdims=False):
    """Population standard deviation (``ddof=0``) over `axis`; ints give floatx.

    Example:
        >>> ops.std([1.0, 3.0])
        array(1., dtype=float32)
    """


@op(_float, check=functools.partial(_axis_args, "nanvar"))
def nanvar(x, axis=None, keepdims=False):
    """Variance over `axis` ignoring NaN (``ddof=0``).

    Example:
        >>> ops.nanvar([1.0, float("nan"), 3.0])
        array(1., dtype=float32)
    """


@op(_float, check=functools.partial(_axis_args, "nanstd"))
def nanstd(x, axis=None, keepdims=False):
    """Standard deviation over `axis` ignoring NaN (``ddof=0``).

    Example:
        >>> ops.nanstd([1.0, float("nan"), 3.0])
        array(1., dtype=float32)
    """


@op(_corrcoef_rule, check=functools.partial(_corrcoef_args, "corrcoef"))
def corrcoef(x):
    """Pearson correlation coefficients between the rows (variables) of `x`.

    Returns:
        Shape `(N, N)` for `x` of shape `(N, M)`; a scalar (1.0) for a 1-D `x`.

    Example:
        >>> ops.corrcoef([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
        array([[ 1., -1.],
               [-1.,  1.]], dtype=float32)
    """


# Order statistics -------------------------------------------------------------------

@op(_float, check=functools.partial(_axis_args, "median"))
def median(x, axis=None, keepdims=False):
    """Median over `axis` (mean of the two middle values for even counts); ints give floatx.

    Example:
        >>> ops.median([3, 1, 4, 2])
        array(2.5, dtype=float32)
    """


@op(_float, check=functools.partial(_axis_args, "nanmedian"))
def nanmedian(x, axis=None, keepdims=False):
    """Median over `axis` ignoring NaN; an all-NaN slice gives NaN.

    Example:
        >>> ops.nanmedian([3.0, float("nan"), 1.0])
        array(2., dtype=float32)
    """


@op(_quantile_rule, check=functools.partial(_quantile_args(1), "quantile"))
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th quantiles of `x` over `axis`.

    Args:
        x: input tensor.
        q: a level in [0, 1], or a 1-D tensor of levels.
        axis: None (all elements), an int or a tuple of ints.
        method: how to pick between the two nearest sorted values: "linear"
            (interpolate), "lower", "higher", "midpoint" or "nearest".
        keepdims: keep reduced axes as size 1.

    Returns:
        Shape `q.shape + reduced shape`; floatx for int `x`, else the dtype of `x`.

    Example:
        >>> ops.quantile([1.0, 2.0, 3.0, 4.0], [0.25, 0.5])
        array([1.75, 2.5 ], dtype=float32)
    """


@op(_quantile_rule, check=functools.partial(_quantile_args(1), "nanquantile"))
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """`quantile` ignoring NaN; an all-NaN slice gives NaN.

    Example:
        >>> ops.nanquantile([1.0, float("nan"), 3.0], 0.5)
        array(2., dtype=float32)
    """


@op(_quantile_rule, check=functools.partial(_quantile_args(100), "percentile"))
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th percentiles (`q` in [0, 100]) of `x` over `axis`; see `quantile`.

    Example:
        >>> ops.percentile([1.0, 2.0, 3.0, 4.0], 50)
        array(2.5, dtype=float32)
    """


@op(_quantile_rule, check=functools.partial(_quantile_args(100), "nanpercentile"))
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """`percentile` ignoring NaN; an all-NaN slice gives NaN.

    Example:
        >>> ops.nanpercentile([1.0, float("nan"), 3.0], 50)
        array(2., dtype=float32)
    """


# The rest of the family (split out for size) uses the checks above, so it comes last.
from kerasnb.engine.ops.numpy import ordering  # noqa: E402
from kerasnb.engine.ops.numpy.ordering import *  # noqa: E402,F401,F403

__all__ += ordering.__all__
