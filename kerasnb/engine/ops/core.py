"""Core ops: conversion, dtype and shape queries, control flow, gradients, slicing and scatter.

Control-flow ops take Python callables and nested structures (`kerasnb.tree`) of tensors.
On KerasTensors they trace the callables symbolically (the callables must then use
kerasnb ops); eagerly, each backend runs its framework's own primitive.
"""

import functools
import inspect
import numbers
import re

from kerasnb.engine import backend, dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import has_symbolic, op
from kerasnb.engine.tensors import KerasTensor, Variable
from kerasnb.engine.utils import tree

__all__ = ["associative_scan", "cast", "cond", "convert_to_numpy", "convert_to_tensor",
           "custom_gradient", "dtype", "fori_loop", "is_tensor", "map", "saturate_cast", "scan",
           "scatter", "scatter_update", "shape", "slice", "slice_update", "stop_gradient", "switch",
           "vectorize", "vectorized_map", "while_loop"]

_REDUCTIONS = (None, "add", "max", "min", "mul")


# Helpers: validation before dispatch, and symbolic specs of nested structures ----------

def _function_transform(check=None):
    """For ops that turn a function into another: the result resolves the backend per call.

    The op's arguments are validated once, by `check`, when the function is transformed.
    Called on KerasTensors, the transformed function runs the op's rule instead, which
    returns a symbolic version of it.
    """

    def decorate(fn):
        name = next(iter(inspect.signature(fn).parameters))

        @functools.wraps(fn)
        def transform(function, *args, **kwargs):
            _require_callable(**{name: function})
            if check is not None:
                check(function, *args, **kwargs)

            @functools.wraps(function)
            def transformed(*inputs, **options):
                if has_symbolic(inputs, options):
                    return fn.rule(function, *args, **kwargs)(*inputs, **options)
                return fn(function, *args, **kwargs)(*inputs, **options)

            return transformed

        return transform

    return decorate


def _require_callable(**named):
    for name, value in named.items():
        if not callable(value):
            raise TypeError(f"`{name}` must be a callable; received {value!r}.")


def _spec(x):
    """A KerasTensor with the shape and dtype of a tensor, KerasTensor or Python value."""
    if isinstance(x, KerasTensor):
        return x
    return KerasTensor(rules.shape_of(x), rules.dtype_of(x))


def _specs(structure):
    return tree.map_structure(_spec, structure, none_is_leaf=False)


def _stacked(structure, n):
    """Specs of `structure`'s leaves with a new leading axis of size `n`."""
    return tree.map_structure(lambda t: KerasTensor((n,) + _spec(t).shape, _spec(t).dtype),
                              structure, none_is_leaf=False)


def _leaf_shapes(structure):
    return [rules.shape_of(t) for t in tree.flatten(structure) if t is not None]


def _leading_size(structure, name, axis=0):
    """The common size of `axis` over the leaves of `structure` (None if unknown)."""
    shapes = _leaf_shapes(structure)
    if not shapes or not all(shapes):
        raise ValueError(
            f"`{name}` must hold tensors of rank >= 1 to iterate over axis {axis}; "
            f"received shapes {shapes}.")
    sizes = {s[axis] for s in shapes} - {None}
    if len(sizes) > 1:
        raise ValueError(
            f"Every tensor in `{name}` must have the same size along axis {axis}; "
            f"received shapes {shapes}.")
    return sizes.pop() if sizes else None


def _same_specs(first, second, what):
    """Raises ValueError unless two output structures agree in layout, shapes and dtypes."""
    try:
        tree.assert_same_structure(first, second)
    except ValueError:
        raise ValueError(f"{what} must return the same structure; received {first} and {second}.") from None
    for a, b in zip(tree.flatten(first), tree.flatten(second)):
        if (a is None) != (b is None) or (a is not None and (a.shape, a.dtype) != (b.shape, b.dtype)):
            raise ValueError(
                f"{what} must return tensors of the same shapes and dtypes; received {a} and {b}.")


# Conversion and queries ---------------------------------------------------------------

def _cast_rule(x, dtype):
    return rules.tensor(rules.shape_of(x), dtypes.standardize_dtype(dtype))


@op(_cast_rule, family="core")
def cast(x, dtype):
    """Casts `x` to `dtype`.

    Example:
        >>> ops.cast([1.7, -1.2], "int32")
        array([ 1, -1], dtype=int32)
    """


def _convert_rule(x, dtype=None, sparse=None, ragged=None):
    return rules.tensor(rules.shape_of(x), dtypes.standardize_dtype(dtype) if dtype else rules.dtype_of(x))


@op(_convert_rule, family="core")
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tensor of the active backend from arrays, Python data, Variables or other frameworks' tensors.

    Example:
        >>> ops.convert_to_tensor([1, 2])
        array([1, 2], dtype=int32)
    """


def convert_to_numpy(x):
    """A NumPy array holding the values of tensor `x` (any backend).

    Example:
        >>> ops.convert_to_numpy(ops.ones((2,)))
        array([1., 1.], dtype=float32)
    """
    if isinstance(x, KerasTensor):
        raise TypeError("A symbolic KerasTensor has no values to convert to NumPy.")
    return backend.get().convert_to_numpy(x)


def dtype(x):
    """The Keras dtype name of `x` (tensor of any backend, Variable, KerasTensor or Python value).

    Example:
        >>> ops.dtype(ops.ones((2,), dtype="int8"))
        'int8'
    """
    return rules.dtype_of(x)


def is_tensor(x):
    """Whether `x` is a tensor of the active backend (KerasTensors and Variables are not).

    Example:
        >>> ops.is_tensor(ops.ones((1,)))
        True
    """
    return backend.get().is_tensor(x)


def shape(x):
    """The shape of `x` as a tuple; unknown dims are None (symbolic) or scalar tensors (traced).

    Example:
        >>> ops.shape(ops.ones((2, 3)))
        (2, 3)
    """
    if isinstance(x, (KerasTensor, Variable)):
        return x.shape
    return backend.get().shape(backend.get().convert_to_tensor(x))


@op(_cast_rule, family="control")
def saturate_cast(x, dtype):
    """Casts `x` to `dtype`, first clipping it to the range that `dtype` can hold.

    Unlike `cast`, out-of-range values saturate instead of wrapping around.

    Example:
        >>> ops.saturate_cast(np.array([-1.0, 256.0]), "uint8")
        array([  0, 255], dtype=uint8)
    """


@op(rules.unary_same, family="control")
def stop_gradient(variable):
    """`variable`'s value, treated as a constant by automatic differentiation.

    Example:
        >>> ops.stop_gradient(np.array([1.0, 2.0]))
        array([1., 2.])
    """


def _custom_gradient_rule(f):
    return lambda *args, **kwargs: f(*args, **kwargs)[0]


@_function_transform()
@op(_custom_gradient_rule, family="control")
def custom_gradient(f):
    """Decorates `f` so that its gradient comes from the function it returns.

    Args:
        f: ``f(*args)`` returns ``(output, grad_fn)``. On jax and tensorflow,
            ``grad_fn(upstream)`` is called; on torch, ``grad_fn(*args, upstream=upstream)``;
            write ``def grad_fn(*args, upstream=None)`` to run on every backend. It returns
            the gradient for each argument (a single tensor for a single argument).

    Returns:
        A function with `f`'s output whose gradient is `grad_fn`'s (the numpy backend,
        which has no gradients, only computes the output).

    Example:
        >>> @ops.custom_gradient
        ... def clipped_identity(x):
        ...     def grad_fn(*args, upstream=None):
        ...         upstream = args[-1] if upstream is None else upstream
        ...         return ops.clip(upstream, -1.0, 1.0)
        ...     return x, grad_fn
    """


# Conditionals ---------------------------------------------------------------------------

def _check_cond(pred, true_fn, false_fn):
    _require_callable(true_fn=true_fn, false_fn=false_fn)
    if any(d not in (1, None) for d in rules.shape_of(pred)):
        raise ValueError(f"`pred` must be a scalar boolean; received shape {rules.shape_of(pred)}.")


def _cond_rule(pred, true_fn, false_fn):
    outputs = _specs(true_fn())
    _same_specs(outputs, _specs(false_fn()), "`true_fn` and `false_fn`")
    return outputs


@op(_cond_rule, family="control", check=_check_cond)
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if `pred` is true, else ``false_fn()``, also inside jit-compiled code.

    Both branches must return the same structure of tensors with matching shapes and
    dtypes.

    Example:
        >>> ops.cond(np.array(True), lambda: 1.0, lambda: 2.0)
        array(1., dtype=float32)
    """


def _check_switch(index, branches, *operands):
    if not isinstance(branches, (list, tuple)) or not branches:
        raise ValueError(f"`branches` must be a non-empty list of callables; received {branches!r}.")
    _require_callable(**{f"branches[{i}]": b for i, b in enumerate(branches)})
    if rules.shape_of(index) != () or not dtypes.is_int(rules.dtype_of(index)):
        raise ValueError(
            f"`index` must be a scalar integer; received {rules.dtype_of(index)} "
            f"of shape {rules.shape_of(index)}.")


def _switch_rule(index, branches, *operands):
    outputs = [_specs(branch(*operands)) for branch in branches]
    for other in outputs[1:]:
        _same_specs(outputs[0], other, "Every branch of `switch`")
    return outputs[0]


@op(_switch_rule, family="control", check=_check_switch)
def switch(index, branches, *operands):
    """``branches[index](*operands)``, with `index` clamped to the valid range.

    Example:
        >>> ops.switch(1, [lambda x: x + 1, lambda x: x * 10], np.array(2.0))
        array(20.)
    """


# Loops ------------------------------------------------------------------------------------

def _check_while_loop(cond, body, loop_vars, maximum_iterations=None):
    _require_callable(cond=cond, body=body)
    if maximum_iterations is not None and not (
            isinstance(maximum_iterations, int) and maximum_iterations >= 0):
        raise ValueError(
            f"`maximum_iterations` must be None or an int >= 0; received {maximum_iterations!r}.")


def _while_loop_rule(cond, body, loop_vars, maximum_iterations=None):
    return _specs(tuple(loop_vars) if isinstance(loop_vars, list) else loop_vars)


@op(_while_loop_rule, family="control", check=_check_while_loop)
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` holds.

    Args:
        cond: returns a scalar boolean.
        body: returns new loop variables with the same structure, shapes and dtypes.
        loop_vars: a tensor or a nested structure of tensors; a list or tuple is passed
            to `cond` and `body` as positional arguments (and comes back as a tuple).
        maximum_iterations: optional cap on the number of iterations.

    Example:
        >>> ops.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i), (0, 0))
        (array(4, dtype=int32), array(6, dtype=int32))
    """


def _check_fori_loop(lower, upper, body_fun, init_val):
    _require_callable(body_fun=body_fun)


def _fori_loop_rule(lower, upper, body_fun, init_val):
    return _specs(init_val)


@op(_fori_loop_rule, family="control", check=_check_fori_loop)
def fori_loop(lower, upper, body_fun, init_val):
    """Runs ``val = body_fun(i, val)`` for ``i`` from `lower` to ``upper - 1``; returns `val`.

    Example:
        >>> ops.fori_loop(0, 5, lambda i, total: total + i, 0)
        array(10, dtype=int32)
    """


def _check_scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    _require_callable(f=f)
    if not isinstance(unroll, bool) and not (isinstance(unroll, int) and unroll >= 1):
        raise ValueError(f"`unroll` must be a bool or an int >= 1; received {unroll!r}.")
    if length is not None and not (isinstance(length, int) and length >= 0):
        raise ValueError(f"`length` must be None or an int >= 0; received {length!r}.")
    if xs is None:
        if length is None:
            raise ValueError("`scan` needs `xs` or `length` to know how many steps to run; received neither.")
        return
    size = _leading_size(xs, "xs")
    if length is not None and size is not None and size != length:
        raise ValueError(f"`length` is {length} but the leading axis of `xs` has size {size}.")


def _element_specs(xs):
    return tree.map_structure(lambda t: KerasTensor(_spec(t).shape[1:], _spec(t).dtype), xs,
                              none_is_leaf=False)


def _scan_rule(f, init, xs=None, length=None, reverse=False, unroll=1):
    n = length if length is not None else _leading_size(xs, "xs")
    carry, y = f(_specs(init), None if xs is None else _element_specs(xs))
    return _specs(carry), _stacked(y, n)


@op(_scan_rule, family="control", check=_check_scan)
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over the leading axis of `xs`, stacking the `y`s.

    Args:
        f: ``f(carry, x) -> (new_carry, y)``; `new_carry` keeps `init`'s structure,
            shapes and dtypes.
        init: the initial carry (a tensor or nested structure).
        xs: tensors (or a nested structure) to scan over their leading axis, or None.
        length: the number of steps; required when `xs` is None.
        reverse: scan from the last element to the first (outputs keep `xs`'s order).
        unroll: how many steps to unroll per loop iteration (a hint used by jax).

    Returns:
        ``(final_carry, stacked_ys)``.

    Example:
        >>> ops.scan(lambda c, x: (c + x, c * x), 0.0, np.array([1.0, 2.0, 3.0], "float32"))
        (array(6., dtype=float32), array([0., 2., 9.], dtype=float32))
    """


def _check_map(f, xs):
    _require_callable(f=f)
    _leading_size(xs, "xs")


def _map_rule(f, xs):
    return _stacked(f(_element_specs(xs)), _leading_size(xs, "xs"))


@op(_map_rule, family="control", check=_check_map)
def map(f, xs):
    """``f`` applied to each slice of `xs` along its leading axis, one at a time; results stacked.

    `xs` may be a nested structure: `f` then receives the matching structure of slices.

    Example:
        >>> ops.map(lambda x: x * x, np.array([1, 2, 3]))
        array([1, 4, 9])
    """


def _check_vectorized_map(function, elements):
    _require_callable(function=function)
    _leading_size(elements, "elements")


def _vectorized_map_rule(function, elements):
    return _map_rule(function, elements)


@op(_vectorized_map_rule, family="control", check=_check_vectorized_map)
def vectorized_map(function, elements):
    """Like `map`, but batched: `function` is vectorized over the leading axis of `elements`.

    Example:
        >>> ops.vectorized_map(lambda row: ops.sum(row), np.ones((2, 3)))
        array([3., 3.])
    """


def _check_associative_scan(f, elems, reverse=False, axis=0):
    _require_callable(f=f)
    for shape in _leaf_shapes(elems):
        rules.canonical_axis(axis, len(shape))
    _leading_size(elems, "elems", axis)


def _associative_scan_rule(f, elems, reverse=False, axis=0):
    return _specs(f(_specs(elems), _specs(elems)))


@op(_associative_scan_rule, family="control", check=_check_associative_scan)
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of `elems` along `axis` with an associative binary `f`, in O(log n) steps.

    Output ``k`` combines elements ``0..k``: ``[a, f(a, b), f(f(a, b), c), ...]``.

    Args:
        f: associative ``f(a, b)``, applied elementwise over slices along `axis`.
        elems: a tensor or nested structure of tensors of equal length along `axis`.
        reverse: scan from the end towards the start.
        axis: the axis to scan along.

    Example:
        >>> ops.associative_scan(lambda a, b: a + b, np.array([1, 2, 3, 4]))
        array([ 1,  3,  6, 10])
    """


def _core_ndims(signature, count):
    """The number of core dims of each of `count` inputs of a gufunc `signature`."""
    if signature is None:
        return [0] * count
    groups = re.findall(r"\(([^()]*)\)", signature.split("->")[0])
    if len(groups) != count:
        raise ValueError(
            f"`signature` {signature!r} describes {len(groups)} inputs; received {count}.")
    return [len([d for d in group.split(",") if d.strip()]) for group in groups]


def _vectorize_rule(pyfunc, *, excluded=None, signature=None):
    """The symbolic vectorized function: traces `pyfunc` on one element of the inputs."""

    def symbolic(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in set(excluded or ())]
        elements, loops = list(args), []
        for i, core in zip(positions, _core_ndims(signature, len(positions))):
            x = _spec(args[i])
            loops.append(x.shape[:len(x.shape) - core])
            elements[i] = KerasTensor(x.shape[len(x.shape) - core:], x.dtype)
        loop = rules.broadcast_shapes(*loops)
        return tree.map_structure(lambda t: KerasTensor(loop + _spec(t).shape, _spec(t).dtype),
                                  pyfunc(*elements, **kwargs))

    return symbolic


_SIGNATURE = re.compile(r"^(\([\w, ]*\))(,\([\w, ]*\))*->(\([\w, ]*\))(,\([\w, ]*\))*$")


def _check_vectorize(pyfunc, *, excluded=None, signature=None):
    if signature is not None and not _SIGNATURE.match(str(signature).replace(" ", "")):
        raise ValueError(
            f"`signature` must look like '(m,n),(n)->(m)'; received {signature!r}.")
    if excluded is not None and not all(isinstance(i, int) for i in excluded):
        raise ValueError(f"`excluded` must be a set of argument positions (ints); received {excluded!r}.")


@_function_transform(_check_vectorize)
@op(_vectorize_rule, family="control")
def vectorize(pyfunc, *, excluded=None, signature=None):
    """`pyfunc` turned into a function that broadcasts over its inputs, like `np.vectorize`.

    Args:
        pyfunc: a function of scalars (or of arrays with the core shapes of `signature`).
        excluded: positions of arguments passed through unchanged.
        signature: a generalized-ufunc signature such as ``"(m,n),(n)->(m)"``.

    Example:
        >>> ops.vectorize(lambda a, b: a + b)(np.array([1, 2, 3]), 10)
        array([11, 12, 13])
    """


# Slicing and scatter ------------------------------------------------------------------------

def _check_starts(inputs, start_indices):
    ndim = len(rules.shape_of(inputs))
    if isinstance(start_indices, (list, tuple)):
        count = len(start_indices)
    else:
        count = (rules.shape_of(start_indices) or (None,))[0]
    if count not in (ndim, None):
        raise ValueError(
            f"`start_indices` must have one entry per dim of `inputs` ({ndim}); received {start_indices!r}.")


def _check_slice(inputs, start_indices, shape):
    _check_starts(inputs, start_indices)
    dims = rules.shape_of(inputs)
    if len(shape) != len(dims) or any(not isinstance(s, numbers.Integral) or s < -1 for s in shape):
        raise ValueError(
            f"`shape` must hold one int >= 0 (or -1 for 'to the end') per dim of `inputs` "
            f"{dims}; received {shape!r}.")
    if any(d is not None and s > d for s, d in zip(shape, dims)):
        raise ValueError(f"`shape` {tuple(shape)} is larger than the `inputs` shape {dims}.")


def _slice_size(size, dim, start):
    """A static output size: `size`, or what remains after `start` when `size` is -1."""
    if size != -1:
        return size
    return dim - start if dim is not None and isinstance(start, numbers.Integral) else None


def _slice_rule(inputs, start_indices, shape):
    starts = start_indices if isinstance(start_indices, (list, tuple)) else [None] * len(shape)
    out = tuple(_slice_size(*args) for args in zip(shape, rules.shape_of(inputs), starts))
    return rules.tensor(out, rules.dtype_of(inputs))


@op(_slice_rule, family="control", check=_check_slice)
def slice(inputs, start_indices, shape):
    """The block of `inputs` of size `shape` starting at `start_indices` (which may be tensors).

    A size of -1 takes everything to the end of that dim. Start indices are clamped
    so that the block fits inside `inputs`.

    Example:
        >>> ops.slice(np.arange(6).reshape(2, 3), [1, 1], [1, -1])
        array([[4, 5]])
    """


def _check_slice_update(inputs, start_indices, updates):
    _check_starts(inputs, start_indices)
    dims, sizes = rules.shape_of(inputs), rules.shape_of(updates)
    if len(sizes) != len(dims) or any(None not in (s, d) and s > d for s, d in zip(sizes, dims)):
        raise ValueError(
            f"`updates` must have the rank of `inputs` and fit inside it: `inputs` has shape "
            f"{dims}, received `updates` of shape {sizes}.")


def _like_inputs(inputs, *args, **kwargs):
    return rules.tensor(rules.shape_of(inputs), rules.dtype_of(inputs))


@op(_like_inputs, family="control", check=_check_slice_update)
def slice_update(inputs, start_indices, updates):
    """`inputs` with the block starting at `start_indices` replaced by `updates`.

    Start indices are clamped so that `updates` fits inside `inputs`; `updates` is cast
    to the dtype of `inputs`.

    Example:
        >>> ops.slice_update(np.zeros(4), [1], np.ones(2))
        array([0., 1., 1., 0.])
    """


def _check_indices(indices, target, name):
    """`indices` must be (N, k) positions, k <= rank of the `name` tensor of shape `target`."""
    index_shape = rules.shape_of(indices)
    if not index_shape or (index_shape[-1] is not None and index_shape[-1] > len(target)):
        raise ValueError(
            f"`indices` must have shape (..., k) with k <= {len(target)}, the rank of "
            f"`{name}`; received shape {index_shape}.")
    return index_shape


def _check_scatter(indices, values, shape):
    if not isinstance(shape, (list, tuple)) or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise ValueError(f"`shape` must be a tuple of ints >= 0; received {shape!r}.")
    index_shape = _check_indices(indices, shape, "shape")
    expected = index_shape[:-1] + tuple(shape[index_shape[-1]:]) if index_shape[-1] is not None else None
    got = rules.shape_of(values)
    if expected is not None and (len(got) != len(expected) or any(
            None not in (g, e) and g != e for g, e in zip(got, expected))):
        raise ValueError(
            f"`values` must have shape {expected} for `indices` of shape {index_shape} and "
            f"`shape` {tuple(shape)}; received {got}.")


def _scatter_rule(indices, values, shape):
    return rules.tensor(tuple(shape), rules.dtype_of(values))


@op(_scatter_rule, family="control", check=_check_scatter)
def scatter(indices, values, shape):
    """A zero tensor of `shape` with `values` added at `indices` (duplicates accumulate).

    Args:
        indices: ``(N, k)`` integer positions into the first ``k`` dims of `shape`.
        values: ``(N,) + shape[k:]`` values; the result has their dtype.
        shape: the output shape.

    Example:
        >>> ops.scatter([[0, 1], [1, 0]], np.array([5.0, 7.0]), (2, 2))
        array([[0., 5.],
               [7., 0.]])
    """


def _check_scatter_update(inputs, indices, updates, reduction=None):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"`reduction` must be one of {_REDUCTIONS}; received {reduction!r}.")
    _check_indices(indices, rules.shape_of(inputs), "inputs")


@op(_like_inputs, family="control", check=_check_scatter_update)
def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with the entries at `indices` set to (or combined with) `updates`.

    Args:
        inputs: the tensor to update (its dtype is kept; `updates` is cast to it).
        indices: ``(N, k)`` integer positions into the first ``k`` dims of `inputs`.
        updates: ``(N,) + inputs.shape[k:]`` new values.
        reduction: None (replace) or ``"add"``, ``"max"``, ``"min"``, ``"mul"`` to
            combine with the current values (repeated indices then accumulate).

    Example:
        >>> ops.scatter_update(np.zeros(3), [[0], [0]], np.array([1.0, 2.0]), reduction="add")
        array([3., 0., 0.])
    """
