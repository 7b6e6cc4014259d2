"""Control flow, gradients, slicing and scatter on the JAX backend: `jax.lax` primitives.

Everything here traces under `jax.jit`. Python numbers in loop state are converted to
tensors first (Keras's dtypes: int32, floatx), so that loop carries keep their dtype.
"""

import jax
import jax.numpy as jnp

from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor
from kerasnb.engine.utils import tree

__all__ = ["associative_scan", "cond", "custom_gradient", "fori_loop", "map", "saturate_cast",
           "scan", "scatter", "scatter_update", "slice", "slice_update", "stop_gradient",
           "switch", "vectorize", "vectorized_map", "while_loop"]


def _tensors(structure):
    """Every leaf of `structure` as a jax.Array (Python numbers get Keras's dtypes)."""
    return tree.map_structure(convert_to_tensor, structure, none_is_leaf=False)


def _converting(fn):
    """`fn` with its outputs converted by `_tensors`."""
    return lambda *args: _tensors(fn(*args))


def _array_args(args):
    """Array-like arguments (arrays, Variables, other frameworks' tensors) as tensors."""
    return [convert_to_tensor(a) if hasattr(a, "shape") else a for a in args]


def cond(pred, true_fn, false_fn):
    pred = convert_to_tensor(pred).reshape(())
    return jax.lax.cond(pred, _converting(true_fn), _converting(false_fn))


def switch(index, branches, *operands):
    branches = [_converting(b) for b in branches]
    return jax.lax.switch(convert_to_tensor(index), branches, *_tensors(operands))


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    packed = isinstance(loop_vars, (list, tuple))
    state = _tensors(tuple(loop_vars) if packed else (loop_vars,))

    def step(carry):
        steps, state = carry
        out = body(*state)
        return steps + 1, _tensors(tuple(out) if packed else (out,))

    def keep_going(carry):
        steps, state = carry
        going = jnp.asarray(cond(*state)).reshape(())
        return going if maximum_iterations is None else going & (steps < maximum_iterations)

    _, state = jax.lax.while_loop(keep_going, step, (jnp.asarray(0, "int32"), state))
    return state if packed else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    # Python bounds stay static (so reverse-mode autodiff works); the index is int32.
    step = _converting(lambda i, value: body_fun(i.astype("int32"), value))
    return jax.lax.fori_loop(lower, upper, step, _tensors(init_val))


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return jax.lax.scan(_converting(f), _tensors(init), _tensors(xs), length=length,
                        reverse=reverse, unroll=unroll)


def map(f, xs):
    return jax.lax.map(_converting(f), _tensors(xs))


def vectorized_map(function, elements):
    return jax.vmap(_converting(function))(_tensors(elements))


def associative_scan(f, elems, reverse=False, axis=0):
    return jax.lax.associative_scan(f, _tensors(elems), reverse=reverse, axis=axis)


def _starts(start_indices):
    if isinstance(start_indices, (list, tuple)):
        return [convert_to_tensor(s, "int32") for s in start_indices]
    return list(convert_to_tensor(start_indices, "int32"))


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    starts = _starts(start_indices)
    sizes = [d - int(s) if k == -1 else k for k, d, s in zip(shape, inputs.shape, starts)]
    return jax.lax.dynamic_slice(inputs, starts, sizes)


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    return jax.lax.dynamic_update_slice(inputs, updates, _starts(start_indices))


def _positions(indices):
    return tuple(jnp.moveaxis(convert_to_tensor(indices), -1, 0))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    return jnp.zeros(shape, values.dtype).at[_positions(indices)].add(values)


_METHODS = {None: "set", "add": "add", "max": "max", "min": "min", "mul": "multiply"}


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    return getattr(inputs.at[_positions(indices)], _METHODS[reduction])(updates)


def stop_gradient(variable):
    return jax.lax.stop_gradient(convert_to_tensor(variable))


def custom_gradient(f):
    with_gradient = jax.custom_gradient(f)
    return lambda *args, **kwargs: with_gradient(*_array_args(args), **kwargs)


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    lo, hi = common.saturation_limits(x.dtype, dtype)
    return jnp.clip(x, lo, hi).astype(common.numpy_dtype(dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    excluded = set(excluded or ())
    vectorized = jnp.vectorize(pyfunc, excluded=excluded, signature=signature)

    def call(*args, **kwargs):
        args = [a if i in excluded else convert_to_tensor(a) for i, a in enumerate(args)]
        return vectorized(*args, **kwargs)

    return call
