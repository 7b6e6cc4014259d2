"""Array creation, joining and splitting, and size queries.

The shape-manipulation ops live in `shaping.py` and are re-exported here, so that this
module's ``__all__`` lists the whole family.
"""

import math

from kerasnb.engine import dtypes
from kerasnb.engine.backend.common import operand_dtype
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.numpy import shaping
from kerasnb.engine.ops.numpy.shaping import *  # noqa: F401,F403
from kerasnb.engine.ops.numpy.shaping import (axis_arg, check_broadcast, expand_dims, int_arg,
                                              is_sequence, prepared, product, rank_arg, ravel,
                                              shape_arg)
from kerasnb.engine.ops.op import op

__all__ = ["append", "arange", "array", "array_split", "concatenate", "copy", "dsplit", "dstack",
           "empty", "empty_like", "eye", "full", "full_like", "geomspace", "hsplit", "hstack",
           "identity", "linspace", "logspace", "meshgrid", "ndim", "ones", "ones_like", "size",
           "split", "stack", "tri", "unravel_index", "unstack", "vsplit", "vstack", "zeros",
           "zeros_like"] + shaping.__all__


def _dtype_or(dtype, default):
    return default if dtype is None else dtypes.standardize_dtype(dtype)


# Creation --------------------------------------------------------------------------

def _array_args(x, dtype=None):
    return x, _dtype_or(dtype, rules.dtype_of(x))


def _array_rule(x, dtype):
    return rules.tensor(rules.shape_of(x), dtype)


@prepared(_array_args)
@op(_array_rule)
def array(x, dtype=None):
    """A tensor holding the values of `x` (Python data, array or tensor).

    Args:
        x: the values.
        dtype: the result dtype; by default inferred (Python ints give int32,
            floats give floatx).

    Example:
        >>> ops.array([1, 2])
        array([1, 2], dtype=int32)
    """


@op(shaping.same)
def copy(x):
    """A copy of `x`.

    Example:
        >>> ops.copy([1.0, 2.0])
        array([1., 2.], dtype=float32)
    """


def _shape_args(shape, dtype=None):
    return shape_arg(shape), dtypes.standardize_dtype(dtype)


def _shape_rule(shape, dtype):
    return rules.tensor(shape, dtype)


@prepared(_shape_args)
@op(_shape_rule)
def zeros(shape, dtype=None):
    """A tensor of `shape` filled with zeros, of `dtype` (floatx by default).

    Example:
        >>> ops.zeros((2,), dtype="int32")
        array([0, 0], dtype=int32)
    """


@prepared(_shape_args)
@op(_shape_rule)
def ones(shape, dtype=None):
    """A tensor of `shape` filled with ones, of `dtype` (floatx by default).

    Example:
        >>> ops.ones(2)
        array([1., 1.], dtype=float32)
    """


@prepared(_shape_args)
@op(_shape_rule)
def empty(shape, dtype=None):
    """A tensor of `shape` and `dtype` (floatx by default) whose values are unspecified.

    Example:
        >>> ops.empty((2, 3)).shape
        (2, 3)
    """


def _full_args(shape, fill_value, dtype=None):
    shape = shape_arg(shape)
    check_broadcast(rules.shape_of(fill_value), shape, "fill_value")
    return shape, fill_value, dtypes.standardize_dtype(dtype)


def _full_rule(shape, fill_value, dtype):
    return rules.tensor(shape, dtype)


@prepared(_full_args)
@op(_full_rule)
def full(shape, fill_value, dtype=None):
    """A tensor of `shape` filled with `fill_value` (broadcast), of `dtype` (floatx by default).

    Example:
        >>> ops.full((2,), 7)
        array([7., 7.], dtype=float32)
    """


def _like_args(x, dtype=None):
    return x, _dtype_or(dtype, rules.dtype_of(x))


@prepared(_like_args)
@op(_array_rule)
def zeros_like(x, dtype=None):
    """Zeros with the shape of `x` and its dtype (or `dtype`).

    Example:
        >>> ops.zeros_like([1, 2])
        array([0, 0], dtype=int32)
    """


@prepared(_like_args)
@op(_array_rule)
def ones_like(x, dtype=None):
    """Ones with the shape of `x` and its dtype (or `dtype`).

    Example:
        >>> ops.ones_like([1.0, 2.0])
        array([1., 1.], dtype=float32)
    """


@prepared(_like_args)
@op(_array_rule)
def empty_like(x, dtype=None):
    """A tensor with the shape of `x` and its dtype (or `dtype`) whose values are unspecified.

    Example:
        >>> ops.empty_like(ops.zeros((2, 3))).shape
        (2, 3)
    """


def _full_like_args(x, fill_value, dtype=None):
    check_broadcast(rules.shape_of(fill_value), rules.shape_of(x), "fill_value")
    return x, fill_value, _dtype_or(dtype, rules.dtype_of(x))


def _full_like_rule(x, fill_value, dtype):
    return rules.tensor(rules.shape_of(x), dtype)


@prepared(_full_like_args)
@op(_full_like_rule)
def full_like(x, fill_value, dtype=None):
    """`fill_value` (broadcast) in the shape of `x`, with its dtype (or `dtype`).

    Example:
        >>> ops.full_like([1, 2], 2.7)
        array([2, 2], dtype=int32)
    """


def _eye_args(N, M=None, k=0, dtype=None):
    N = int_arg(N, "N", 0)
    M = N if M is None else int_arg(M, "M", 0)
    return N, M, int_arg(k, "k"), dtypes.standardize_dtype(dtype)


def _eye_rule(N, M, k, dtype):
    return rules.tensor((N, M), dtype)


@prepared(_eye_args)
@op(_eye_rule)
def eye(N, M=None, k=0, dtype=None):
    """An `N` x `M` matrix with ones on diagonal `k` (0 main, > 0 above) and zeros elsewhere.

    Args:
        N: number of rows.
        M: number of columns, `N` by default.
        k: index of the diagonal.
        dtype: floatx by default.

    Example:
        >>> ops.eye(2, dtype="int32")
        array([[1, 0],
               [0, 1]], dtype=int32)
    """


@prepared(_eye_args)
@op(_eye_rule)
def tri(N, M=None, k=0, dtype=None):
    """An `N` x `M` matrix with ones on and below diagonal `k` and zeros above it.

    Example:
        >>> ops.tri(2, dtype="int32")
        array([[1, 0],
               [1, 1]], dtype=int32)
    """


def _identity_args(n, dtype=None):
    return int_arg(n, "n", 0), dtypes.standardize_dtype(dtype)


def _identity_rule(n, dtype):
    return rules.tensor((n, n), dtype)


@prepared(_identity_args)
@op(_identity_rule)
def identity(n, dtype=None):
    """The `n` x `n` identity matrix, of `dtype` (floatx by default).

    Example:
        >>> ops.identity(2)
        array([[1., 0.],
               [0., 1.]], dtype=float32)
    """
    return eye(n, dtype=dtype)


def _arange_args(start, stop=None, step=None, dtype=None):
    if type(step) in (int, float) and step == 0:
        raise ValueError("`step` must not be zero; received 0.")
    given = [operand_dtype(v) for v in (start, stop, step) if v is not None]
    return start, stop, step, _dtype_or(dtype, dtypes.result_type(*given))


def _arange_rule(start, stop, step, dtype):
    low, high = (0, start) if stop is None else (start, stop)
    try:
        count = max(0, math.ceil((float(high) - float(low)) / float(1 if step is None else step)))
    except TypeError:
        count = None
    return rules.tensor((count,), dtype)


@prepared(_arange_args)
@op(_arange_rule)
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` when `stop` is None).

    Args:
        start: first value, or the end when `stop` is None.
        stop: the end, excluded.
        step: spacing, 1 by default.
        dtype: by default inferred from the arguments: int32 for Python ints,
            floatx as soon as a float is involved.

    Example:
        >>> ops.arange(1, 7, 2)
        array([1, 3, 5], dtype=int32)
    """


def _space_args(start, stop, num, dtype, axis):
    """Checked `num`, dtype (floating by default) and `axis` of the *space ops."""
    try:
        shape = rules.broadcast_shapes(rules.shape_of(start), rules.shape_of(stop))
    except ValueError:
        raise ValueError(f"`start` of shape {rules.shape_of(start)} and `stop` of shape "
                         f"{rules.shape_of(stop)} cannot be broadcast together.") from None
    dtype = _dtype_or(dtype, dtypes.result_type(operand_dtype(start), operand_dtype(stop), float))
    return int_arg(num, "num", 0), dtype, axis_arg(axis, len(shape) + 1)


def _space_shape(start, stop, num, axis):
    shape = list(rules.broadcast_shapes(rules.shape_of(start), rules.shape_of(stop)))
    shape.insert(axis, num)
    return tuple(shape)


def _linspace_args(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    num, dtype, axis = _space_args(start, stop, num, dtype, axis)
    return start, stop, num, bool(endpoint), bool(retstep), dtype, axis


def _linspace_rule(start, stop, num, endpoint, retstep, dtype, axis):
    out = rules.tensor(_space_shape(start, stop, num, axis), dtype)
    if retstep:
        step_shape = rules.broadcast_shapes(rules.shape_of(start), rules.shape_of(stop))
        return out, rules.tensor(step_shape, dtypes.float_result(dtype))
    return out


@prepared(_linspace_args)
@op(_linspace_rule)
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` (tensors broadcast, samples along `axis`).

    Args:
        start: first value(s).
        stop: last value(s), included when `endpoint` is True.
        num: number of samples.
        endpoint: whether `stop` is the last sample.
        retstep: also return the spacing.
        dtype: floating by default; integer dtypes round the samples down.
        axis: where the samples go in the output when `start`/`stop` are tensors.

    Returns:
        The samples, or ``(samples, step)`` when `retstep` is True.

    Example:
        >>> ops.linspace(0, 1, 5)
        array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """


def _logspace_args(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    num, dtype, axis = _space_args(start, stop, num, dtype, axis)
    return start, stop, num, bool(endpoint), base, dtype, axis


def _logspace_rule(start, stop, num, endpoint, base, dtype, axis):
    return rules.tensor(_space_shape(start, stop, num, axis), dtype)


@prepared(_logspace_args)
@op(_logspace_rule)
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``: values evenly spaced on a log scale.

    Example:
        >>> ops.logspace(0, 2, 3)
        array([  1.,  10., 100.], dtype=float32)
    """


def _geomspace_args(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    num, dtype, axis = _space_args(start, stop, num, dtype, axis)
    return start, stop, num, bool(endpoint), dtype, axis


def _geomspace_rule(start, stop, num, endpoint, dtype, axis):
    return rules.tensor(_space_shape(start, stop, num, axis), dtype)


@prepared(_geomspace_args)
@op(_geomspace_rule)
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """A geometric progression from `start` to `stop` (both nonzero, of the same sign).

    Example:
        >>> ops.geomspace(1, 1000, 4)
        array([   1.,   10.,  100., 1000.], dtype=float32)
    """


def _meshgrid_args(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"`indexing` must be 'xy' or 'ij'; received {indexing!r}.")
    return (*x, indexing)


def _meshgrid_rule(*x, indexing):
    sizes = [product(rules.shape_of(v)) for v in x]
    if indexing == "xy" and len(sizes) > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    return [rules.tensor(tuple(sizes), rules.dtype_of(v)) for v in x]


@prepared(_meshgrid_args, keywords=("indexing",))
@op(_meshgrid_rule)
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors (higher ranks are flattened).

    Args:
        *x: the coordinate vectors.
        indexing: "xy" (Cartesian: the first two output axes swapped) or "ij" (matrix).

    Returns:
        A list with one grid per input, each of the input's dtype.

    Example:
        >>> [g.shape for g in ops.meshgrid([1, 2, 3], [4, 5])]
        [(2, 3), (2, 3)]
    """


# Joining ---------------------------------------------------------------------------

def _tensor_list(xs, arg):
    if not isinstance(xs, (list, tuple)) or not xs:
        raise ValueError(f"`{arg}` must be a non-empty list or tuple of tensors; received {xs!r}.")
    return [rules.shape_of(x) for x in xs]


def _joined_shape(shapes, axis, arg):
    """The shape of joining `shapes` along `axis`; the other dims (all when None) must agree."""
    ndim = len(shapes[0])
    out = []
    for i in range(ndim):
        dims = [s[i] for s in shapes if len(s) == ndim]
        known = {d for d in dims if d is not None}
        if len(dims) < len(shapes) or (i != axis and len(known) > 1):
            where = "" if axis is None else f" except along axis {axis}"
            raise ValueError(f"`{arg}` must have the same shape{where}; received shapes {shapes}.")
        out.append((None if None in dims else sum(dims)) if i == axis else (known.pop() if known else None))
    return tuple(out)


def _joined_dtype(xs):
    return dtypes.result_type(*(rules.dtype_of(x) for x in xs))


def _concatenate_args(xs, axis=0):
    shapes = _tensor_list(xs, "xs")
    if not shapes[0]:
        raise ValueError(f"`xs` must hold tensors of rank >= 1; received shapes {shapes}.")
    axis = axis_arg(axis, len(shapes[0]))
    _joined_shape(shapes, axis, "xs")
    return xs, axis


def _concatenate_rule(xs, axis):
    return rules.tensor(_joined_shape([rules.shape_of(x) for x in xs], axis, "xs"), _joined_dtype(xs))


@prepared(_concatenate_args)
@op(_concatenate_rule)
def concatenate(xs, axis=0):
    """Joins tensors along an existing `axis`, promoting their dtypes.

    Example:
        >>> ops.concatenate([[1, 2], [3]])
        array([1, 2, 3], dtype=int32)
    """


def _stack_args(x, axis=0):
    shapes = _tensor_list(x, "x")
    axis = axis_arg(axis, len(shapes[0]) + 1)
    _joined_shape(shapes, None, "x")
    return x, axis


def _stack_rule(x, axis):
    shape = list(_joined_shape([rules.shape_of(v) for v in x], None, "x"))
    shape.insert(axis, len(x))
    return rules.tensor(tuple(shape), _joined_dtype(x))


@prepared(_stack_args)
@op(_stack_rule)
def stack(x, axis=0):
    """Joins same-shaped tensors along a new `axis`, promoting their dtypes.

    Example:
        >>> ops.stack([[1, 2], [3, 4]], axis=1)
        array([[1, 3],
               [2, 4]], dtype=int32)
    """


_LIFT_AXES = {1: {0: (0,)}, 2: {0: (0, 1), 1: (0,)}, 3: {0: (0, 1, 2), 1: (0, 2), 2: (2,)}}


def _lift_axes(ndim, rank):
    """Where NumPy's ``atleast_{rank}d`` inserts size-1 dims into a rank-`ndim` tensor."""
    return _LIFT_AXES[rank].get(ndim, ())


def _lifted_shapes(xs, rank):
    """The shapes of `xs` raised to at least `rank` dims."""
    return [shaping.inserted(rules.shape_of(x), _lift_axes(len(rules.shape_of(x)), rank)) for x in xs]


def _lifted(xs, rank):
    """`xs` raised to at least `rank` dims."""
    lifted = []
    for x in xs:
        axes = _lift_axes(len(rules.shape_of(x)), rank)
        lifted.append(expand_dims(x, axes) if axes else x)
    return lifted


def _stacking_rule(rank, axis_of):
    """Rule of hstack/vstack/dstack: lift the inputs to `rank`, join along ``axis_of(lifted rank)``."""

    def rule(xs):
        _tensor_list(xs, "xs")
        shapes = _lifted_shapes(xs, rank)
        return rules.tensor(_joined_shape(shapes, axis_of(len(shapes[0])), "xs"), _joined_dtype(xs))

    return rule


def _hstack_axis(ndim):
    return 0 if ndim == 1 else 1


@op(_stacking_rule(1, _hstack_axis))
def hstack(xs):
    """Joins tensors column-wise: along axis 1, or axis 0 for 1-D inputs.

    Example:
        >>> ops.hstack([[1, 2], [3]])
        array([1, 2, 3], dtype=int32)
    """
    _tensor_list(xs, "xs")
    parts = _lifted(xs, 1)
    return concatenate(parts, axis=_hstack_axis(len(rules.shape_of(parts[0]))))


@op(_stacking_rule(2, lambda ndim: 0))
def vstack(xs):
    """Joins tensors row-wise (axis 0), 1-D inputs becoming rows.

    Example:
        >>> ops.vstack([[1, 2], [3, 4]])
        array([[1, 2],
               [3, 4]], dtype=int32)
    """
    _tensor_list(xs, "xs")
    return concatenate(_lifted(xs, 2), axis=0)


@op(_stacking_rule(3, lambda ndim: 2))
def dstack(xs):
    """Joins tensors depth-wise (axis 2), lifting them to 3-D first.

    Example:
        >>> ops.dstack([[1, 2], [3, 4]]).shape
        (1, 2, 2)
    """
    _tensor_list(xs, "xs")
    return concatenate(_lifted(xs, 3), axis=2)


def _append_rule(x1, x2, axis=None):
    if axis is None:
        sizes = (product(rules.shape_of(x1)), product(rules.shape_of(x2)))
        return rules.tensor((None if None in sizes else sum(sizes),), _joined_dtype((x1, x2)))
    return concatenate.rule([x1, x2], axis)


@op(_append_rule)
def append(x1, x2, axis=None):
    """`x2` appended to `x1` along `axis`; both are flattened first when `axis` is None.

    Example:
        >>> ops.append([1, 2], [[3], [4]])
        array([1, 2, 3, 4], dtype=int32)
    """
    if axis is None:
        return concatenate([ravel(x1), ravel(x2)])
    return concatenate([x1, x2], axis=axis)


# Splitting -------------------------------------------------------------------------

def _sections_args(x, indices_or_sections, axis, even):
    shape = rules.shape_of(x)
    axis = axis_arg(axis, len(shape))
    if is_sequence(indices_or_sections):
        return x, tuple(int_arg(i, "indices_or_sections") for i in indices_or_sections), axis
    sections = int_arg(indices_or_sections, "indices_or_sections", 1)
    if even and shape[axis] is not None and shape[axis] % sections:
        raise ValueError(f"`indices_or_sections` {sections} does not divide axis {axis} of shape {shape} "
                         "into equal parts; use array_split for unequal parts.")
    return x, sections, axis


def _split_rule(x, indices_or_sections, axis):
    shape = rules.shape_of(x)
    dim = shape[axis]
    if isinstance(indices_or_sections, int):
        count = indices_or_sections
        if dim is None:
            sizes = [None] * count
        else:
            sizes = [dim // count + 1] * (dim % count) + [dim // count] * (count - dim % count)
    elif dim is None:
        sizes = [None] * (len(indices_or_sections) + 1)
    else:
        bounds = (0, *indices_or_sections, dim)
        sizes = [len(range(dim)[a:b]) for a, b in zip(bounds, bounds[1:])]
    dtype = rules.dtype_of(x)
    return [rules.tensor(shape[:axis] + (s,) + shape[axis + 1:], dtype) for s in sizes]


def _split_args(x, indices_or_sections, axis=0):
    return _sections_args(x, indices_or_sections, axis, even=True)


def _array_split_args(x, indices_or_sections, axis=0):
    return _sections_args(x, indices_or_sections, axis, even=False)


@prepared(_split_args)
@op(_split_rule)
def split(x, indices_or_sections, axis=0):
    """Splits `x` along `axis` into equal sections, or at the given indices.

    Args:
        x: input tensor.
        indices_or_sections: an int N (N equal parts; the axis must divide evenly), or
            a sequence of indices where the pieces start.
        axis: the axis to split.

    Returns:
        A list of tensors.

    Example:
        >>> [p.shape for p in ops.split(ops.zeros((6, 2)), [1, 4])]
        [(1, 2), (3, 2), (2, 2)]
    """


@prepared(_array_split_args)
@op(_split_rule)
def array_split(x, indices_or_sections, axis=0):
    """Like `split`, but N sections need not be equal: the first ``dim % N`` get one more.

    Example:
        >>> [p.shape for p in ops.array_split(ops.zeros(5), 2)]
        [(3,), (2,)]
    """


def _hsplit_axis(x):
    return _hstack_axis(len(rank_arg(x, 1, "x", "hsplit")))


def _vsplit_axis(x):
    rank_arg(x, 2, "x", "vsplit")
    return 0


def _dsplit_axis(x):
    rank_arg(x, 3, "x", "dsplit")
    return 2


def _split_along(axis_of):
    """Rule of hsplit/vsplit/dsplit: `split` along the axis that ``axis_of(x)`` picks."""

    def rule(x, indices_or_sections):
        return split.rule(x, indices_or_sections, axis_of(x))

    return rule


@op(_split_along(_hsplit_axis))
def hsplit(x, indices_or_sections):
    """`split` along axis 1 (axis 0 for 1-D tensors).

    Example:
        >>> [p.shape for p in ops.hsplit(ops.zeros((2, 4)), 2)]
        [(2, 2), (2, 2)]
    """
    return split(x, indices_or_sections, axis=_hsplit_axis(x))


@op(_split_along(_vsplit_axis))
def vsplit(x, indices_or_sections):
    """`split` along axis 0; `x` needs rank >= 2.

    Example:
        >>> [p.shape for p in ops.vsplit(ops.zeros((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    return split(x, indices_or_sections, axis=_vsplit_axis(x))


@op(_split_along(_dsplit_axis))
def dsplit(x, indices_or_sections):
    """`split` along axis 2; `x` needs rank >= 3.

    Example:
        >>> [p.shape for p in ops.dsplit(ops.zeros((1, 1, 4)), 2)]
        [(1, 1, 2), (1, 1, 2)]
    """
    return split(x, indices_or_sections, axis=_dsplit_axis(x))


def _unstack_args(x, num=None, axis=0):
    shape = rank_arg(x, 1, "x", "unstack")
    axis = axis_arg(axis, len(shape))
    dim = shape[axis]
    if num is not None:
        num = int_arg(num, "num", 0)
        if dim is not None and num != dim:
            raise ValueError(f"`num` ({num}) must equal the size of axis {axis} of `x` (shape {shape}).")
    elif dim is None:
        raise ValueError(f"`num` is required to unstack axis {axis} of unknown size (shape {shape}).")
    return x, dim if num is None else num, axis


def _unstack_rule(x, num, axis):
    shape = rules.shape_of(x)
    return [rules.tensor(shape[:axis] + shape[axis + 1:], rules.dtype_of(x)) for _ in range(num)]


@prepared(_unstack_args)
@op(_unstack_rule)
def unstack(x, num=None, axis=0):
    """Splits `x` along `axis` into a list of its slices, that axis removed.

    Example:
        >>> ops.unstack([[1, 2], [3, 4]])
        [array([1, 2], dtype=int32), array([3, 4], dtype=int32)]
    """


# Queries ---------------------------------------------------------------------------

def _size_rule(x):
    return rules.tensor((), "int32")


@op(_size_rule)
def size(x):
    """The number of elements of `x`, as an int32 scalar tensor.

    Example:
        >>> ops.size(ops.zeros((2, 3)))
        array(6, dtype=int32)
    """


def _ndim_rule(x):
    return len(rules.shape_of(x))


@op(_ndim_rule)
def ndim(x):
    """The rank of `x` as a Python int (known for symbolic tensors too).

    Example:
        >>> ops.ndim(ops.zeros((2, 3)))
        2
    """
    return _ndim_rule(x)


def _unravel_index_args(indices, shape):
    return indices, shape_arg(shape)


def _unravel_index_rule(indices, shape):
    return tuple(rules.tensor(rules.shape_of(indices), rules.dtype_of(indices)) for _ in shape)


@prepared(_unravel_index_args)
@op(_unravel_index_rule)
def unravel_index(indices, shape):
    """Converts flat `indices` into a tuple of coordinate tensors for a tensor of `shape`.

    Example:
        >>> ops.unravel_index([1, 5], (2, 3))
        (array([0, 1], dtype=int32), array([1, 2], dtype=int32))
    """
