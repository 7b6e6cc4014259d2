"""Control flow, gradients, slicing and scatter on the TensorFlow backend.

Conditionals and loops are `tf.cond`, `tf.switch_case` and `tf.while_loop`, so they run
eagerly and inside `tf.function` alike; `scan` stacks its outputs in `tf.TensorArray`s.
"""

import functools
import math

import tensorflow as tf

from kerasnb.engine.backend import common
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor, dtype_of
from kerasnb.engine.utils import tree

__all__ = ["associative_scan", "cond", "custom_gradient", "fori_loop", "map", "saturate_cast",
           "scan", "scatter", "scatter_update", "slice", "slice_update", "stop_gradient",
           "switch", "vectorize", "vectorized_map", "while_loop"]


def _tensors(structure):
    """Every leaf of `structure` as a tf.Tensor (Python numbers get Keras's dtypes)."""
    return tree.map_structure(convert_to_tensor, structure, none_is_leaf=False)


def _converting(fn):
    """`fn` with its outputs converted by `_tensors`."""
    return lambda *args: _tensors(fn(*args))


def _int32(x):
    return tf.cast(convert_to_tensor(x), "int32")


def cond(pred, true_fn, false_fn):
    pred = tf.reshape(tf.cast(convert_to_tensor(pred), "bool"), [])
    return tf.cond(pred, _converting(true_fn), _converting(false_fn))


def switch(index, branches, *operands):
    index = tf.clip_by_value(_int32(index), 0, len(branches) - 1)
    operands = _tensors(operands)
    return tf.switch_case(index, [lambda b=b: _tensors(b(*operands)) for b in branches])


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    packed = isinstance(loop_vars, (list, tuple))
    state = _tensors(tuple(loop_vars) if packed else (loop_vars,))

    def step(*state):
        out = body(*state)
        return _tensors(tuple(out) if packed else (out,))

    state = tf.while_loop(lambda *s: tf.reshape(cond(*s), []), step, state,
                          maximum_iterations=maximum_iterations)
    return tuple(state) if packed else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    upper = _int32(upper)
    _, value = tf.while_loop(lambda i, value: i < upper,
                             lambda i, value: (i + 1, _tensors(body_fun(i, value))),
                             (_int32(lower), _tensors(init_val)))
    return value


def _traced_outputs(fn, *args):
    """`fn`'s output structure as symbolic tensors (shapes, dtypes), traced without running."""
    specs = tree.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), args, none_is_leaf=False)
    return tf.function(fn, autograph=False).get_concrete_function(*specs).structured_outputs


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    carry, xs = _tensors(init), _tensors(xs)
    if xs is None:
        n, element_spec = length, None
    else:
        first = tree.flatten(xs)[0]
        n = first.shape[0] if first.shape[0] is not None else tf.shape(first)[0]
        element_spec = tree.map_structure(lambda t: tf.TensorSpec(t.shape[1:], t.dtype), xs)
    step = _converting(f)
    y_structure = _traced_outputs(step, carry, element_spec)[1]
    y_spec = tree.flatten(y_structure)
    arrays = [tf.TensorArray(y.dtype, size=n, element_shape=y.shape) for y in y_spec if y is not None]

    def body(i, carry, arrays):
        index = n - 1 - i if reverse else i
        x = None if xs is None else tree.map_structure(lambda t: t[index], xs)
        carry, y = step(carry, x)
        leaves = [leaf for leaf in tree.flatten(y) if leaf is not None]
        return i + 1, carry, [a.write(index, leaf) for a, leaf in zip(arrays, leaves)]

    _, carry, arrays = tf.while_loop(lambda i, *_: i < n, body, (0, carry, arrays))
    stacked = iter(a.stack() for a in arrays)
    return carry, tree.pack_sequence_as(y_structure, [None if y is None else next(stacked) for y in y_spec])


def map(f, xs):
    return scan(lambda carry, x: ((), f(x)), (), xs)[1]


def vectorized_map(function, elements):
    return tf.vectorized_map(function, _tensors(elements))


def _part(x, axis, start, stop):
    """``x[start:stop]`` along `axis`; the bounds may be tensors."""
    here = tf.range(x.shape.rank) == axis
    return tf.slice(x, tf.where(here, start, 0), tf.where(here, stop - start, -1))


def associative_scan(f, elems, reverse=False, axis=0):
    leaves = tree.flatten(_tensors(elems))
    axis = axis % leaves[0].shape.rank
    n = tf.shape(leaves[0])[axis]
    if reverse:
        leaves = [tf.reverse(x, [axis]) for x in leaves]

    def combine(step, leaves):  # combines every element with the one `step` before it
        earlier = tree.pack_sequence_as(elems, [_part(x, axis, 0, n - step) for x in leaves])
        later = tree.pack_sequence_as(elems, [_part(x, axis, step, n) for x in leaves])
        combined = tree.flatten(f(earlier, later))
        return step * 2, [tf.ensure_shape(tf.concat([_part(x, axis, 0, step), c], axis), x.shape)
                          for x, c in zip(leaves, combined)]

    _, leaves = tf.while_loop(lambda step, leaves: step < n, combine, (tf.constant(1), leaves))
    if reverse:
        leaves = [tf.reverse(x, [axis]) for x in leaves]
    return tree.pack_sequence_as(elems, leaves)


def _starts(start_indices):
    if isinstance(start_indices, (list, tuple)):
        return tf.stack([_int32(s) for s in start_indices])
    return tf.reshape(_int32(start_indices), [-1])


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    starts, sizes = _starts(start_indices), tf.constant(shape, "int32")
    limit = tf.maximum(tf.shape(inputs) - tf.maximum(sizes, 0), 0)
    begin = tf.where(sizes == -1, starts, tf.minimum(tf.maximum(starts, 0), limit))
    return tf.slice(inputs, begin, shape)


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = tf.cast(convert_to_tensor(updates), inputs.dtype)
    sizes = tf.shape(updates)
    begin = tf.minimum(tf.maximum(_starts(start_indices), 0), tf.shape(inputs) - sizes)
    grid = tf.meshgrid(*[tf.range(sizes[i]) for i in range(updates.shape.rank)], indexing="ij")
    return tf.tensor_scatter_nd_update(inputs, tf.stack(grid, axis=-1) + begin, updates)


def scatter(indices, values, shape):
    return tf.scatter_nd(convert_to_tensor(indices), convert_to_tensor(values), shape)


def _scatter_product(indices, updates, shape):
    """The product of `updates` landing on each entry of a tensor of `shape` (1 where none)."""
    k = indices.shape[-1]
    strides = [math.prod(shape[i + 1:k]) for i in range(k)]
    rows = tf.reshape(tf.reduce_sum(tf.cast(indices, "int64") * strides, -1), [-1])
    flat = tf.reshape(updates, [-1] + list(shape[k:]))
    return tf.reshape(tf.math.unsorted_segment_prod(flat, rows, math.prod(shape[:k])), shape)


_NATIVE = {None: tf.tensor_scatter_nd_update, "add": tf.tensor_scatter_nd_add,
           "max": tf.tensor_scatter_nd_max, "min": tf.tensor_scatter_nd_min}


def scatter_update(inputs, indices, updates, reduction=None):
    inputs, indices = convert_to_tensor(inputs), convert_to_tensor(indices)
    updates = tf.cast(convert_to_tensor(updates), inputs.dtype)
    if reduction == "mul":
        return inputs * _scatter_product(indices, updates, inputs.shape.as_list())
    return _NATIVE[reduction](inputs, indices, updates)


def stop_gradient(variable):
    return tf.stop_gradient(convert_to_tensor(variable))


def custom_gradient(f):
    with_gradient = tf.custom_gradient(f)

    def call(*args, **kwargs):
        args = [convert_to_tensor(a) if hasattr(a, "shape") else a for a in args]  # arrays, Variables
        return with_gradient(*args, **kwargs)

    return call


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    if x.dtype != tf.bool:  # booleans fit every dtype
        lo, hi = common.saturation_limits(dtype_of(x), dtype)
        x = tf.clip_by_value(x, convert_to_tensor(lo, dtype_of(x)), convert_to_tensor(hi, dtype_of(x)))
    return tf.cast(x, dtype)


def _batched(tensors, cores):
    """Broadcasts the loop dims (all but the last `core` dims) of `tensors`, flattened into one."""
    loop = functools.reduce(tf.broadcast_static_shape,
                            [t.shape[:t.shape.rank - c] for t, c in zip(tensors, cores)])
    flat = []
    for t, c in zip(tensors, cores):
        core = t.shape[t.shape.rank - c:]
        flat.append(tf.reshape(tf.broadcast_to(t, loop + core), [-1] + core.as_list()))
    return loop, flat


def vectorize(pyfunc, *, excluded=None, signature=None):
    excluded = set(excluded or ())

    def call(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [convert_to_tensor(args[i]) for i in positions]
        loop, flat = _batched(tensors, common.core_ndims(signature, len(tensors)))

        def element(values):
            full = list(args)
            for i, value in zip(positions, values):
                full[i] = value
            return pyfunc(*full, **kwargs)

        out = tf.vectorized_map(element, tuple(flat))
        return tree.map_structure(lambda t: tf.reshape(t, loop.as_list() + t.shape[1:].as_list()), out)

    return call
