"""Shape manipulation: reshaping, moving and flipping axes, repeats, padding, bit views, rearrange.

Also the argument checks shared with `arrays.py`: an op decorated with `prepared(normalize)`
has its arguments checked and put in canonical form once, in the op layer, before the
symbolic rule or the backend function sees them (axes non-negative, shapes int tuples,
dtypes resolved), so the backends stay thin.
"""

import functools
import math
import operator
import re

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op
from kerasnb.engine.tensors import KerasTensor

__all__ = ["broadcast_to", "expand_dims", "flip", "fliplr", "flipud", "moveaxis", "pad", "ravel",
           "rearrange", "repeat", "reshape", "roll", "rot90", "squeeze", "swapaxes", "tile",
           "transpose", "view"]

PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum",
             "reflect", "symmetric", "wrap")


# Argument checks -------------------------------------------------------------------

def prepared(normalize, keywords=()):
    """Decorator running `normalize` on an op's arguments before every call.

    `normalize` takes the op's arguments and returns all of them, checked and canonical,
    as a tuple; its last ``len(keywords)`` items are passed by those keyword names. The
    op's `rule` attribute gets the same treatment, so it accepts the public arguments.
    """

    def call(fn, args, kwargs):
        out = normalize(*args, **kwargs)
        cut = len(out) - len(keywords)
        return fn(*out[:cut], **dict(zip(keywords, out[cut:])))

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return call(fn, args, kwargs)

        wrapper.rule = lambda *args, **kwargs: call(fn.rule, args, kwargs)
        return wrapper

    return decorate


def is_sequence(value):
    """True for lists, tuples and arrays of rank >= 1 (as opposed to a single int)."""
    return isinstance(value, (list, tuple)) or np.ndim(value) > 0


def int_arg(value, arg, minimum=None):
    """`value` as a Python int, with an error naming `arg` otherwise."""
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        out = operator.index(value)
    except TypeError:
        kind = type(value).__name__
        raise TypeError(f"`{arg}` must be an int; received {value!r} of type {kind}.") from None
    if minimum is not None and out < minimum:
        raise ValueError(f"`{arg}` must be >= {minimum}; received {out}.")
    return out


def axis_arg(axis, ndim, arg="axis"):
    """One axis of a rank-`ndim` tensor, made non-negative."""
    return rules.canonical_axis(int_arg(axis, arg), ndim, arg)


def axes_arg(axis, ndim, arg="axis"):
    """A tuple of distinct non-negative axes from an int or a sequence of ints."""
    out = tuple(axis_arg(a, ndim, arg) for a in (axis if is_sequence(axis) else (axis,)))
    if len(set(out)) != len(out):
        raise ValueError(f"`{arg}` must not repeat an axis; received {axis!r} for a tensor of rank {ndim}.")
    return out


def is_dynamic_dim(value):
    """True for a scalar integer tensor standing for a dimension only known at run time
    (``core.shape(x)[0]`` of a batch inside ``tf.function``)."""
    if isinstance(value, (int, np.integer, KerasTensor)) or not hasattr(value, "dtype"):
        return False
    return len(getattr(value, "shape", (None,))) == 0 and dtypes.is_int(dtypes.standardize_dtype(value.dtype))


def shape_arg(shape, arg="shape"):
    """A tuple of non-negative ints (or dynamic dims) from an int or a sequence of ints."""
    dims = tuple(shape) if is_sequence(shape) else (shape,)
    return tuple(d if is_dynamic_dim(d) else int_arg(d, arg, 0) for d in dims)


def rank_arg(x, minimum, arg, opname):
    """Checks that `x` has rank >= `minimum`; returns its shape."""
    shape = rules.shape_of(x)
    if len(shape) < minimum:
        raise ValueError(f"`{opname}` needs `{arg}` of rank >= {minimum}; received shape {shape}.")
    return shape


def check_broadcast(shape, target, arg):
    """Checks that `shape` broadcasts to exactly `target`."""
    try:
        fits = len(shape) <= len(target) and rules.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"`{arg}` of shape {tuple(shape)} cannot be broadcast to shape {tuple(target)}.")


def same(x, *args, **kwargs):
    """Rule of ops that keep the shape and dtype of `x`."""
    return rules.tensor(rules.shape_of(x), rules.dtype_of(x))


def inserted(shape, axes):
    """`shape` with size-1 dims inserted at the sorted non-negative `axes`."""
    out = list(shape)
    for axis in sorted(axes):
        out.insert(axis, 1)
    return tuple(out)


def product(dims):
    """The product of `dims`, None when any is unknown."""
    dims = tuple(dims)
    return None if None in dims else math.prod(dims)


# reshape, ravel, squeeze, expand_dims, broadcast_to -------------------------------

def _reshape_shape(shape, newshape):
    """The output shape; -1 is inferred when `shape` is known, None stays unknown."""
    free = sum(d is None or d == -1 for d in newshape)
    known = math.prod(d for d in newshape if d is not None and d != -1)
    if None in shape or free > 1:
        return tuple(None if d == -1 else d for d in newshape)
    size = math.prod(shape)
    fits = (known > 0 and size % known == 0) if free else size == known
    if not fits:
        raise ValueError(f"Cannot reshape a tensor of shape {shape} ({size} values) "
                         f"to `newshape` {newshape}.")
    return tuple(size // known if d is None or d == -1 else d for d in newshape)


def _reshape_args(x, newshape):
    dims = tuple(newshape) if is_sequence(newshape) else (newshape,)
    dims = tuple(None if d is None else int_arg(d, "newshape", -1) for d in dims)
    if dims.count(-1) > 1:
        raise ValueError(f"`newshape` can have at most one -1; received {dims}.")
    _reshape_shape(rules.shape_of(x), dims)
    if sum(d is None or d == -1 for d in dims) > 1:
        if not isinstance(x, KerasTensor):
            raise ValueError(f"`newshape` {dims} leaves more than one dim unknown.")
        return x, dims
    return x, tuple(-1 if d is None else d for d in dims)


def _reshape_rule(x, newshape):
    return rules.tensor(_reshape_shape(rules.shape_of(x), newshape), rules.dtype_of(x))


@prepared(_reshape_args)
@op(_reshape_rule)
def reshape(x, newshape):
    """Gives `x` a new shape with the same values, in row-major order.

    Args:
        x: input tensor.
        newshape: int or tuple of ints; one dim may be -1 (inferred). On symbolic
            tensors, None dims stand for unknown sizes such as the batch.

    Example:
        >>> ops.reshape(ops.arange(6), (2, -1)).shape
        (2, 3)
    """


def _ravel_rule(x):
    return rules.tensor((product(rules.shape_of(x)),), rules.dtype_of(x))


@op(_ravel_rule)
def ravel(x):
    """Flattens `x` to one dimension, in row-major order.

    Example:
        >>> ops.ravel([[1, 2], [3, 4]])
        array([1, 2, 3, 4], dtype=int32)
    """


def _squeeze_args(x, axis=None):
    if axis is None:
        return x, None
    shape = rules.shape_of(x)
    axes = axes_arg(axis, len(shape))
    for a in axes:
        if shape[a] not in (1, None):
            raise ValueError(f"`axis` must select dims of size 1; axis {a} of shape {shape} "
                             f"has size {shape[a]}.")
    return x, axes


def _squeeze_rule(x, axis):
    shape = rules.shape_of(x)
    drop = axis if axis is not None else tuple(i for i, d in enumerate(shape) if d == 1)
    return rules.tensor(tuple(d for i, d in enumerate(shape) if i not in drop), rules.dtype_of(x))


@prepared(_squeeze_args)
@op(_squeeze_rule)
def squeeze(x, axis=None):
    """Removes size-1 dims: those in `axis` (int or tuple), or all of them when None.

    Example:
        >>> ops.squeeze(ops.zeros((1, 3, 1)), axis=0).shape
        (3, 1)
    """


def _expand_dims_args(x, axis):
    count = len(axis) if is_sequence(axis) else 1
    return x, tuple(sorted(axes_arg(axis, len(rules.shape_of(x)) + count)))


def _expand_dims_rule(x, axis):
    return rules.tensor(inserted(rules.shape_of(x), axis), rules.dtype_of(x))


@prepared(_expand_dims_args)
@op(_expand_dims_rule)
def expand_dims(x, axis):
    """Inserts size-1 dims at `axis` (int or tuple), counted in the output's rank.

    Example:
        >>> ops.expand_dims(ops.zeros((2, 3)), (0, -1)).shape
        (1, 2, 3, 1)
    """


def _broadcast_to_args(x, shape):
    shape = shape_arg(shape)
    check_broadcast(rules.shape_of(x), tuple(None if is_dynamic_dim(d) else d for d in shape), "x")
    return x, shape


def _broadcast_to_rule(x, shape):
    return rules.tensor(shape, rules.dtype_of(x))


@prepared(_broadcast_to_args)
@op(_broadcast_to_rule)
def broadcast_to(x, shape):
    """Broadcasts `x` to `shape` with NumPy's rules.

    Example:
        >>> ops.broadcast_to([1, 2], (2, 2))
        array([[1, 2],
               [1, 2]], dtype=int32)
    """


# transpose, moveaxis, swapaxes -----------------------------------------------------

def _transpose_args(x, axes=None):
    if axes is None:
        return x, None
    ndim = len(rules.shape_of(x))
    perm = axes_arg(axes, ndim, "axes")
    if len(perm) != ndim:
        raise ValueError(f"`axes` must be a permutation of the {ndim} axes of `x`; received {axes!r}.")
    return x, perm


def _transpose_rule(x, axes):
    shape = rules.shape_of(x)
    perm = axes if axes is not None else tuple(reversed(range(len(shape))))
    return rules.tensor(tuple(shape[a] for a in perm), rules.dtype_of(x))


@prepared(_transpose_args)
@op(_transpose_rule)
def transpose(x, axes=None):
    """Permutes the axes of `x` (reverses them when `axes` is None).

    Example:
        >>> ops.transpose(ops.zeros((2, 3, 4)), (2, 0, 1)).shape
        (4, 2, 3)
    """


def moveaxis_perm(ndim, source, destination):
    """The permutation that moves axes `source` to positions `destination`."""
    order = [a for a in range(ndim) if a not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return tuple(order)


def _moveaxis_args(x, source, destination):
    ndim = len(rules.shape_of(x))
    src, dst = axes_arg(source, ndim, "source"), axes_arg(destination, ndim, "destination")
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` must name as many axes; "
                         f"received {source!r} and {destination!r}.")
    return x, src, dst


def _moveaxis_rule(x, source, destination):
    shape = rules.shape_of(x)
    return rules.tensor(tuple(shape[a] for a in moveaxis_perm(len(shape), source, destination)),
                        rules.dtype_of(x))


@prepared(_moveaxis_args)
@op(_moveaxis_rule)
def moveaxis(x, source, destination):
    """Moves axes `source` (int or tuple) to positions `destination`, keeping the others' order.

    Example:
        >>> ops.moveaxis(ops.zeros((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """


def _swapaxes_args(x, axis1, axis2):
    ndim = len(rules.shape_of(x))
    return x, axis_arg(axis1, ndim, "axis1"), axis_arg(axis2, ndim, "axis2")


def _swapaxes_rule(x, axis1, axis2):
    shape = list(rules.shape_of(x))
    shape[axis1], shape[axis2] = shape[axis2], shape[axis1]
    return rules.tensor(tuple(shape), rules.dtype_of(x))


@prepared(_swapaxes_args)
@op(_swapaxes_rule)
def swapaxes(x, axis1, axis2):
    """Exchanges two axes of `x`.

    Example:
        >>> ops.swapaxes(ops.zeros((2, 3, 4)), 0, 2).shape
        (4, 3, 2)
    """


# flip, fliplr, flipud, rot90, roll --------------------------------------------------

def _flip_args(x, axis=None):
    return x, None if axis is None else axes_arg(axis, len(rules.shape_of(x)))


@prepared(_flip_args)
@op(same)
def flip(x, axis=None):
    """Reverses the order of elements along `axis` (int or tuple; all axes when None).

    Example:
        >>> ops.flip([[1, 2], [3, 4]], axis=1)
        array([[2, 1],
               [4, 3]], dtype=int32)
    """


def _fliplr_args(x):
    rank_arg(x, 2, "x", "fliplr")
    return (x,)


@prepared(_fliplr_args)
@op(same)
def fliplr(x):
    """Reverses `x` along axis 1 (left/right); `x` needs rank >= 2.

    Example:
        >>> ops.fliplr([[1, 2], [3, 4]])
        array([[2, 1],
               [4, 3]], dtype=int32)
    """
    return flip(x, axis=1)


def _flipud_args(x):
    rank_arg(x, 1, "x", "flipud")
    return (x,)


@prepared(_flipud_args)
@op(same)
def flipud(x):
    """Reverses `x` along axis 0 (up/down); `x` needs rank >= 1.

    Example:
        >>> ops.flipud([1, 2, 3])
        array([3, 2, 1], dtype=int32)
    """
    return flip(x, axis=0)


def _rot90_args(array, k=1, axes=(0, 1)):
    ndim = len(rank_arg(array, 2, "array", "rot90"))
    plane = axes_arg(axes, ndim, "axes")
    if len(plane) != 2:
        raise ValueError(f"`axes` must name two distinct axes; received {axes!r}.")
    return array, int_arg(k, "k") % 4, plane


def _rot90_rule(array, k, axes):
    return _swapaxes_rule(array, *axes) if k % 2 else same(array)


@prepared(_rot90_args)
@op(_rot90_rule)
def rot90(array, k=1, axes=(0, 1)):
    """Rotates `array` by 90 degrees `k` times in the plane of `axes`, from the first axis towards the second.

    Example:
        >>> ops.rot90([[1, 2], [3, 4]])
        array([[2, 4],
               [1, 3]], dtype=int32)
    """
    first, second = axes
    if k == 0:
        return flip(array, axis=())
    if k == 2:
        return flip(array, axis=axes)
    if k == 1:
        return swapaxes(flip(array, axis=second), first, second)
    return flip(swapaxes(array, first, second), axis=second)


def _roll_args(x, shift, axis=None):
    if axis is None:
        return x, int_arg(shift, "shift"), None
    ndim = len(rules.shape_of(x))
    axes = tuple(axis_arg(a, ndim) for a in (axis if is_sequence(axis) else (axis,)))
    shifts = tuple(int_arg(s, "shift") for s in (shift if is_sequence(shift) else (shift,)))
    if len(shifts) == 1:
        shifts *= len(axes)
    if len(shifts) != len(axes):
        raise ValueError("`shift` must be an int or match `axis` in length; "
                         f"received shift={shift!r}, axis={axis!r}.")
    return x, shifts, axes


@prepared(_roll_args)
@op(same)
def roll(x, shift, axis=None):
    """Rolls elements by `shift` along `axis`; those shifted past the end reappear at the start.

    With `axis=None` the flattened tensor is rolled and the shape restored.

    Example:
        >>> ops.roll([1, 2, 3, 4], 1)
        array([4, 1, 2, 3], dtype=int32)
    """


# repeat, tile -----------------------------------------------------------------------

def _repeat_args(x, repeats, axis=None):
    shape = rules.shape_of(x)
    if axis is not None:
        axis = axis_arg(axis, len(shape))
    counts = tuple(int_arg(r, "repeats", 0) for r in (repeats if is_sequence(repeats) else (repeats,)))
    size = product(shape) if axis is None else shape[axis]
    if len(counts) != 1 and size is not None and len(counts) != size:
        where = "value of `x`" if axis is None else f"entry along axis {axis} of `x`"
        raise ValueError(f"`repeats` must be an int or have one count per {where} ({size}); "
                         f"received {len(counts)} counts.")
    return x, counts[0] if len(counts) == 1 else counts, axis


def _repeat_rule(x, repeats, axis):
    shape = rules.shape_of(x)
    if axis is None:
        shape, axis = (product(shape),), 0
    dim = shape[axis]
    if isinstance(repeats, int):
        dim = None if dim is None else dim * repeats
    else:
        dim = sum(repeats)
    return rules.tensor(shape[:axis] + (dim,) + shape[axis + 1:], rules.dtype_of(x))


@prepared(_repeat_args)
@op(_repeat_rule)
def repeat(x, repeats, axis=None):
    """Repeats each element `repeats` times along `axis` (of the flattened `x` when None).

    Args:
        x: input tensor.
        repeats: an int, or one count per element along `axis`.
        axis: the axis to repeat along.

    Example:
        >>> ops.repeat([1, 2], [1, 3])
        array([1, 2, 2, 2], dtype=int32)
    """


def _tile_args(x, repeats):
    reps = tuple(int_arg(r, "repeats", 0) for r in (repeats if is_sequence(repeats) else (repeats,)))
    return x, reps


def _tile_rule(x, repeats):
    shape = rules.shape_of(x)
    rank = max(len(shape), len(repeats))
    shape = (1,) * (rank - len(shape)) + shape
    reps = (1,) * (rank - len(repeats)) + repeats
    return rules.tensor(tuple(None if d is None else d * r for d, r in zip(shape, reps)), rules.dtype_of(x))


@prepared(_tile_args)
@op(_tile_rule)
def tile(x, repeats):
    """Repeats the whole of `x` `repeats` times per axis; the shorter of the two is padded with leading 1s.

    Example:
        >>> ops.tile([1, 2], (2, 2))
        array([[1, 2, 1, 2],
               [1, 2, 1, 2]], dtype=int32)
    """


# pad ------------------------------------------------------------------------------

def _pad_widths(pad_width, ndim):
    """One (before, after) pair per axis, from NumPy's int, pair and per-axis forms."""
    expected = ("`pad_width` must be an int, a (before, after) pair or one pair per axis "
                f"of `x` (rank {ndim}) of ints >= 0; received {pad_width!r}.")
    try:
        pairs = np.broadcast_to(np.asarray(pad_width), (ndim, 2))
    except ValueError:
        raise ValueError(expected) from None
    if pairs.size and (pairs.dtype.kind not in "iu" or pairs.min() < 0):
        raise ValueError(expected)
    return tuple((int(before), int(after)) for before, after in pairs)


def _pad_args(x, pad_width, mode="constant", constant_values=None):
    if mode not in PAD_MODES:
        raise ValueError(f"`mode` must be one of {', '.join(PAD_MODES)}; received {mode!r}.")
    if constant_values is not None and mode != "constant":
        raise ValueError(f"`constant_values` is only used with mode='constant'; received mode={mode!r}.")
    return x, _pad_widths(pad_width, len(rules.shape_of(x))), mode, constant_values


def _pad_rule(x, pad_width, mode, constant_values):
    shape = tuple(None if d is None else d + a + b for d, (a, b) in zip(rules.shape_of(x), pad_width))
    return rules.tensor(shape, rules.dtype_of(x))


@prepared(_pad_args)
@op(_pad_rule)
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pads `x` with `pad_width` values before and after each axis.

    Args:
        x: input tensor.
        pad_width: an int, a (before, after) pair, or one pair per axis.
        mode: how the new values are chosen, as in `numpy.pad`: "constant",
            "edge", "linear_ramp" (to 0), "maximum", "mean", "median", "minimum"
            (statistics of the whole axis), "reflect", "symmetric" or "wrap".
        constant_values: the fill value of mode "constant" (default 0).

    Example:
        >>> ops.pad([1, 2, 3], (1, 2), mode="edge")
        array([1, 1, 2, 3, 3, 3], dtype=int32)
    """


# view ------------------------------------------------------------------------------

def _view_args(x, dtype=None):
    old = rules.dtype_of(x)
    new = old if dtype is None else dtypes.standardize_dtype(dtype)
    shape, old_size, new_size = rules.shape_of(x), dtypes.itemsize(old), dtypes.itemsize(new)
    if old_size != new_size:
        if not shape:
            raise ValueError(f"Cannot view a scalar of dtype {old} as `dtype` {new}: the item sizes differ.")
        if shape[-1] is not None and shape[-1] * old_size % new_size:
            raise ValueError(f"Cannot view shape {shape} of dtype {old} as `dtype` {new}: the last "
                             f"axis holds {shape[-1] * old_size} bytes, not a multiple of {new_size}.")
    return x, new


def _view_rule(x, dtype):
    shape = rules.shape_of(x)
    if shape and shape[-1] is not None:
        shape = shape[:-1] + (shape[-1] * dtypes.itemsize(rules.dtype_of(x)) // dtypes.itemsize(dtype),)
    return rules.tensor(shape, dtype)


@prepared(_view_args)
@op(_view_rule)
def view(x, dtype=None):
    """Reinterprets the bits of `x` as `dtype` (None keeps the dtype).

    When the item sizes differ, the last axis shrinks or grows to hold the same bytes.

    Example:
        >>> ops.view(ops.ones((2,), "float32"), "int32")
        array([1065353216, 1065353216], dtype=int32)
    """


# rearrange -------------------------------------------------------------------------

def _axis_groups(side, pattern):
    """The axis groups of one side of an einops `pattern`: ``"b (h w)"`` -> ``[("b",), ("h", "w")]``."""
    groups, group = [], None
    for token in re.findall(r"[()]|[^\s()]+", side):
        if token == "(":
            if group is not None:
                raise ValueError(f"`pattern` {pattern!r} nests parentheses.")
            group = []
        elif token == ")":
            if group is None:
                raise ValueError(f"`pattern` {pattern!r} has an unmatched ')'.")
            groups.append(tuple(group))
            group = None
        elif not token.isidentifier():
            raise ValueError(f"`pattern` axis names must be identifiers; received {token!r} in {pattern!r}.")
        elif group is None:
            groups.append((token,))
        else:
            group.append(token)
    if group is not None:
        raise ValueError(f"`pattern` {pattern!r} has an unmatched '('.")
    return groups


def _group_sizes(group, dim, axes_lengths, pattern):
    """Sizes of the axes in one input group of size `dim`, inferring at most one."""
    sizes = {name: int_arg(axes_lengths[name], name, 1) for name in group if name in axes_lengths}
    free = [name for name in group if name not in sizes]
    known = math.prod(sizes.values())
    if len(free) > 1:
        raise ValueError(f"`pattern` {pattern!r}: cannot infer the sizes of {free}; give all but one "
                         "of them as keyword arguments.")
    if dim is not None and (dim % known if free else dim != known):
        raise ValueError(f"`pattern` {pattern!r}: axes {group} cannot split a dim of size {dim} "
                         f"(given sizes {sizes}).")
    if free:
        sizes[free[0]] = None if dim is None else dim // known
    return sizes


def _rearrange_plan(shape, pattern, axes_lengths):
    """(decomposed input shape, permutation, output shape) of an einops `pattern`."""
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"`pattern` must be a string like 'b h w c -> b (h w) c'; received {pattern!r}.")
    left, right = pattern.split("->")
    inputs, outputs = _axis_groups(left, pattern), _axis_groups(right, pattern)
    names_in = [n for group in inputs for n in group]
    names_out = [n for group in outputs for n in group]
    for names, side in ((names_in, "input"), (names_out, "output")):
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"`pattern` {pattern!r} repeats axis {repeated[0]!r} on its {side} side.")
    if set(names_in) != set(names_out):
        raise ValueError(f"`pattern` {pattern!r} must use the same axes on both sides; "
                         f"on one side only: {sorted(set(names_in) ^ set(names_out))}.")
    extra = sorted(set(axes_lengths) - set(names_in))
    if extra:
        raise ValueError(f"Axis lengths {extra} name axes that are not in `pattern` {pattern!r}.")
    if len(inputs) != len(shape):
        raise ValueError(f"`pattern` {pattern!r} has {len(inputs)} input axes but `tensor` "
                         f"has shape {shape}.")
    sizes = {}
    for group, dim in zip(inputs, shape):
        sizes.update(_group_sizes(group, dim, axes_lengths, pattern))
    perm = tuple(names_in.index(n) for n in names_out)
    return (tuple(sizes[n] for n in names_in), perm,
            tuple(product(sizes[n] for n in group) for group in outputs))


def _rearrange_rule(tensor, pattern, **axes_lengths):
    out = _rearrange_plan(rules.shape_of(tensor), pattern, axes_lengths)[2]
    return rules.tensor(out, rules.dtype_of(tensor))


@op(_rearrange_rule)
def rearrange(tensor, pattern, **axes_lengths):
    """Reorders, splits and merges axes as described by an einops-style `pattern`.

    Args:
        tensor: input tensor.
        pattern: ``"<input axes> -> <output axes>"``; parentheses group axes that are
            merged (on the right) or split (on the left), e.g. ``"b (h w) c -> b h w c"``.
        **axes_lengths: sizes of split axes that cannot be inferred, e.g. ``h=4``.

    Example:
        >>> ops.rearrange(ops.zeros((2, 3, 4, 5)), "b h w c -> b (h w) c").shape
        (2, 12, 5)
    """
    decomposed, perm, out = _rearrange_plan(rules.shape_of(tensor), pattern, axes_lengths)
    x = reshape(tensor, decomposed)
    if perm != tuple(range(len(perm))):
        x = transpose(x, perm)
    return reshape(x, out)
