"""Control flow, gradients, slicing and scatter on the NumPy backend: plain Python loops.

NumPy has no autodiff: `stop_gradient` is the identity and `custom_gradient` only runs
the forward function.
"""

import builtins

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor
from kerasnb.engine.utils import tree

__all__ = ["associative_scan", "cond", "custom_gradient", "fori_loop", "map", "saturate_cast",
           "scan", "scatter", "scatter_update", "slice", "slice_update", "stop_gradient",
           "switch", "vectorize", "vectorized_map", "while_loop"]


def _tensors(structure):
    """Every leaf of `structure` as an ndarray (Python numbers get Keras's dtypes)."""
    return tree.map_structure(convert_to_tensor, structure, none_is_leaf=False)


def _stack(items):
    """Stacks equally structured outputs along a new leading axis."""
    return tree.map_structure(lambda *leaves: np.stack(leaves), *items, none_is_leaf=False)


def _iterations(n, reverse):
    return range(n - 1, -1, -1) if reverse else range(n)


def cond(pred, true_fn, false_fn):
    return _tensors(true_fn() if bool(convert_to_tensor(pred)) else false_fn())


def switch(index, branches, *operands):
    index = int(np.clip(convert_to_tensor(index), 0, len(branches) - 1))
    return _tensors(branches[index](*_tensors(operands)))


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    packed = isinstance(loop_vars, (list, tuple))
    state = _tensors(tuple(loop_vars) if packed else (loop_vars,))
    steps = 0
    while (maximum_iterations is None or steps < maximum_iterations) and bool(cond(*state)):
        state = _tensors(tuple(body(*state)) if packed else (body(*state),))
        steps += 1
    return state if packed else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    value = _tensors(init_val)
    for i in range(int(lower), int(upper)):
        value = _tensors(body_fun(i, value))
    return value


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    carry, xs = _tensors(init), _tensors(xs)
    n = length if xs is None else len(tree.flatten(xs)[0])
    element = (lambda i: None) if xs is None else (lambda i: tree.map_structure(lambda t: t[i], xs))
    ys = [None] * n
    for i in _iterations(n, reverse):
        carry, ys[i] = _tensors(f(carry, element(i)))
    if n:
        return carry, _stack(ys)
    empty = None if xs is None else tree.map_structure(lambda t: np.zeros(t.shape[1:], t.dtype), xs)
    return carry, tree.map_structure(lambda t: t[None][:0], _tensors(f(carry, empty)[1]),
                                     none_is_leaf=False)


def map(f, xs):
    return scan(lambda carry, x: ((), f(x)), (), xs)[1]


vectorized_map = map


def _part(x, axis, start, stop):
    return x[(builtins.slice(None),) * axis + (builtins.slice(start, stop),)]


def associative_scan(f, elems, reverse=False, axis=0):
    leaves = tree.flatten(_tensors(elems))
    axis = axis % leaves[0].ndim
    if reverse:
        leaves = [np.flip(x, axis) for x in leaves]
    n, step = leaves[0].shape[axis], 1
    while step < n:  # each pass combines every element with the one `step` before it
        earlier = tree.pack_sequence_as(elems, [_part(x, axis, 0, n - step) for x in leaves])
        later = tree.pack_sequence_as(elems, [_part(x, axis, step, n) for x in leaves])
        combined = tree.flatten(f(earlier, later))
        leaves = [np.concatenate([_part(x, axis, 0, step), c], axis) for x, c in zip(leaves, combined)]
        step *= 2
    if reverse:
        leaves = [np.flip(x, axis) for x in leaves]
    return tree.pack_sequence_as(elems, leaves)


def _starts(start_indices):
    """Start indices (a list of ints or tensors, or a tensor) as Python ints."""
    if isinstance(start_indices, (list, tuple)):
        return [int(np.asarray(common.to_numpy_any(s))) for s in start_indices]
    return [int(s) for s in np.asarray(common.to_numpy_any(start_indices)).reshape(-1)]


def _block(starts, sizes, dims):
    """The index of a block of `sizes` at `starts`, clamped into an array of shape `dims`."""
    return tuple(builtins.slice(s, s + k) for s, k in
                 ((min(max(start, 0), dim - size), size) for start, size, dim in zip(starts, sizes, dims)))


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    starts = _starts(start_indices)
    sizes = [d - s if k == -1 else k for k, d, s in zip(shape, inputs.shape, starts)]
    return inputs[_block(starts, sizes, inputs.shape)]


def slice_update(inputs, start_indices, updates):
    inputs, updates = convert_to_tensor(inputs), convert_to_tensor(updates)
    out = inputs.copy()
    out[_block(_starts(start_indices), updates.shape, inputs.shape)] = updates
    return out


def _positions(indices):
    return tuple(np.moveaxis(convert_to_tensor(indices), -1, 0))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    out = np.zeros(shape, values.dtype)
    np.add.at(out, _positions(indices), values)
    return out


_UFUNCS = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def scatter_update(inputs, indices, updates, reduction=None):
    out = convert_to_tensor(inputs).copy()
    updates = convert_to_tensor(updates, out.dtype)
    if reduction is None:
        out[_positions(indices)] = updates
    else:
        _UFUNCS[reduction].at(out, _positions(indices), updates)
    return out


def stop_gradient(variable):
    return convert_to_tensor(variable)


def custom_gradient(f):
    return lambda *args, **kwargs: f(*args, **kwargs)[0]


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    lo, hi = common.saturation_limits(x.dtype, dtype)
    with np.errstate(invalid="ignore"):  # NaN has no integer value; it becomes 0
        return np.clip(x, lo, hi).astype(common.numpy_dtype(dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    excluded = set(excluded or ())
    vectorized = np.vectorize(pyfunc, excluded=excluded, signature=signature)

    def call(*args, **kwargs):
        args = [a if i in excluded else convert_to_tensor(a) for i, a in enumerate(args)]
        return _tensors(vectorized(*args, **kwargs))

    return call
