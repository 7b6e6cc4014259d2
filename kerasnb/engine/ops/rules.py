"""Backend-free shape and dtype rules for symbolic (KerasTensor) op calls.

A rule takes the op's arguments and returns the output KerasTensor(s). Unknown dims
are ``None``. Helpers here cover the common families; ops with unusual outputs write
their own rule next to the op.
"""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend.common import operand_dtype
from kerasnb.engine.tensors import KerasTensor


def shape_of(x):
    """Shape tuple of a KerasTensor, tensor, array or Python value."""
    shape = getattr(x, "shape", None)
    if shape is None:
        return np.shape(x)
    return tuple(None if d is None else int(d) for d in shape)


def dtype_of(x):
    """Keras dtype name of a KerasTensor, tensor, array or Python value (weak scalars resolved)."""
    return dtypes.infer_dtype(x)


def broadcast_shapes(*shapes):
    """NumPy broadcasting with ``None`` dims.

    Example:
        >>> broadcast_shapes((None, 1, 3), (4, 1))
        (None, 4, 3)
    """
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        dims = [s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"Shapes {' and '.join(map(str, shapes))} cannot be broadcast together.")
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def canonical_axis(axis, ndim, arg="axis"):
    """A non-negative axis, with a clear error when out of range."""
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"`{arg}` {axis} is out of range for a tensor of rank {ndim}.")
    return axis % ndim if ndim else 0


def canonical_axes(axis, ndim):
    """A sorted tuple of non-negative axes; ``None`` means all of them."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(sorted(canonical_axis(a, ndim) for a in axes))


def reduce_shape(shape, axis=None, keepdims=False):
    axes = canonical_axes(axis, len(shape))
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def tensor(shape, dtype):
    return KerasTensor(shape, dtype)


# Rule factories --------------------------------------------------------------------

def unary_same(x, *args, **kwargs):
    """Elementwise, same dtype as the input."""
    return tensor(shape_of(x), dtype_of(x))


def unary_float(x, *args, **kwargs):
    """Elementwise floating-point function: ints and bool become floatx."""
    return tensor(shape_of(x), dtypes.float_result(dtype_of(x)))


def unary_bool(x, *args, **kwargs):
    """Elementwise predicate."""
    return tensor(shape_of(x), "bool")


def binary_promote(x1, x2, *args, **kwargs):
    """Broadcasting binary op with Keras type promotion (Python scalars are weak)."""
    return tensor(broadcast_shapes(shape_of(x1), shape_of(x2)), dtypes.result_type(operand_dtype(x1), operand_dtype(x2)))


def binary_float(x1, x2, *args, **kwargs):
    """Broadcasting binary op whose result is floating point (e.g. true division)."""
    dtype = dtypes.result_type(operand_dtype(x1), operand_dtype(x2), float)
    return tensor(broadcast_shapes(shape_of(x1), shape_of(x2)), dtype)


def binary_bool(x1, x2, *args, **kwargs):
    """Broadcasting comparison or logical op."""
    return tensor(broadcast_shapes(shape_of(x1), shape_of(x2)), "bool")


def reduction(dtype_fn=None):
    """Rule for ``f(x, axis=None, keepdims=False, ...)`` reductions; `dtype_fn` maps the dtype."""

    def rule(x, axis=None, keepdims=False, *args, **kwargs):
        dtype = dtype_of(x)
        return tensor(reduce_shape(shape_of(x), axis, keepdims), dtype_fn(dtype) if dtype_fn else dtype)

    return rule


def probe(fn):
    """A rule that evaluates `fn` with NumPy on zeros, substituting two sizes for ``None`` dims.

    Only for ops whose tensor arguments have independent shapes (no broadcasting between
    unknown dims); output dims that differ between the two probes are reported as ``None``.
    """

    def rule(*args, **kwargs):
        from kerasnb.engine import backend

        def run(size):
            def real(x):
                if isinstance(x, KerasTensor):
                    return np.zeros(tuple(size if d is None else d for d in x.shape), x.dtype)
                if isinstance(x, (list, tuple)):
                    return type(x)(real(v) for v in x)
                return x

            with backend.evaluating("numpy"):
                return fn(*[real(a) for a in args], **{k: real(v) for k, v in kwargs.items()})

        first, second = run(2), run(3)

        def merge(a, b):
            if isinstance(a, (list, tuple)):
                return type(a)(merge(x, y) for x, y in zip(a, b))
            shape = tuple(d if d == e else None for d, e in zip(np.shape(a), np.shape(b)))
            return tensor(shape, dtypes.standardize_dtype(a.dtype))

        return merge(first, second)

    return rule
