"""Control flow, gradients, slicing and scatter on the PyTorch backend.

Conditionals and loops are Python control flow on eager tensors (autograd records
through them); `vectorized_map` and `vectorize` use `torch.vmap`; `custom_gradient` is a
`torch.autograd.Function`.
"""

import builtins
import math

import torch

from kerasnb.engine.backend import common
from kerasnb.engine.backend.torch.core import convert_to_tensor, dtype_of, to_torch_dtype
from kerasnb.engine.utils import tree

__all__ = ["associative_scan", "cond", "custom_gradient", "fori_loop", "map", "saturate_cast",
           "scan", "scatter", "scatter_update", "slice", "slice_update", "stop_gradient",
           "switch", "vectorize", "vectorized_map", "while_loop"]


def _tensors(structure):
    """Every leaf of `structure` as a torch.Tensor (Python numbers get Keras's dtypes)."""
    return tree.map_structure(convert_to_tensor, structure, none_is_leaf=False)


def _stack(items):
    return tree.map_structure(lambda *leaves: torch.stack(leaves), *items, none_is_leaf=False)


def cond(pred, true_fn, false_fn):
    return _tensors(true_fn() if bool(convert_to_tensor(pred)) else false_fn())


def switch(index, branches, *operands):
    index = min(max(int(convert_to_tensor(index)), 0), len(branches) - 1)
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
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        carry, ys[i] = _tensors(f(carry, element(i)))
    if n:
        return carry, _stack(ys)
    empty = None if xs is None else tree.map_structure(lambda t: t.new_zeros(t.shape[1:]), xs)
    return carry, tree.map_structure(lambda t: t[None][:0], _tensors(f(carry, empty)[1]),
                                     none_is_leaf=False)


def map(f, xs):
    return scan(lambda carry, x: ((), f(x)), (), xs)[1]


def vectorized_map(function, elements):
    return torch.vmap(function)(_tensors(elements))


def _part(x, axis, start, stop):
    return x.narrow(axis, start, stop - start)


def associative_scan(f, elems, reverse=False, axis=0):
    leaves = tree.flatten(_tensors(elems))
    axis = axis % leaves[0].ndim
    if reverse:
        leaves = [torch.flip(x, [axis]) for x in leaves]
    n, step = leaves[0].shape[axis], 1
    while step < n:  # each pass combines every element with the one `step` before it
        earlier = tree.pack_sequence_as(elems, [_part(x, axis, 0, n - step) for x in leaves])
        later = tree.pack_sequence_as(elems, [_part(x, axis, step, n) for x in leaves])
        combined = tree.flatten(f(earlier, later))
        leaves = [torch.cat([_part(x, axis, 0, step), c], axis) for x, c in zip(leaves, combined)]
        step *= 2
    if reverse:
        leaves = [torch.flip(x, [axis]) for x in leaves]
    return tree.pack_sequence_as(elems, leaves)


def _starts(start_indices):
    if isinstance(start_indices, (list, tuple)):
        return [int(convert_to_tensor(s)) for s in start_indices]
    return [int(s) for s in convert_to_tensor(start_indices).reshape(-1)]


def _block(starts, sizes, dims):
    """The index of a block of `sizes` at `starts`, clamped into a tensor of shape `dims`."""
    return tuple(builtins.slice(s, s + k) for s, k in
                 ((min(max(start, 0), dim - size), size) for start, size, dim in zip(starts, sizes, dims)))


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    starts = _starts(start_indices)
    sizes = [d - s if k == -1 else k for k, d, s in zip(shape, inputs.shape, starts)]
    return inputs[_block(starts, sizes, inputs.shape)]


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    out = inputs.clone()
    out[_block(_starts(start_indices), updates.shape, inputs.shape)] = updates
    return out


def _rows(indices, shape):
    """Positions `indices` (N, k) into the first k dims of `shape`, as flat row numbers."""
    indices = convert_to_tensor(indices).to(torch.int64)
    k = indices.shape[-1]
    strides = [math.prod(shape[i + 1:k]) for i in range(k)]
    rows = (indices * torch.tensor(strides, dtype=torch.int64, device=indices.device)).sum(-1)
    return rows.reshape(-1), (math.prod(shape[:k]),) + tuple(shape[k:])


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    rows, flat_shape = _rows(indices, tuple(shape))
    out = torch.zeros(flat_shape, dtype=values.dtype, device=values.device)
    return out.index_add_(0, rows, values.reshape((-1,) + flat_shape[1:])).reshape(tuple(shape))


_REDUCE = {"add": "sum", "max": "amax", "min": "amin", "mul": "prod"}


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = convert_to_tensor(inputs)
    rows, flat_shape = _rows(indices, tuple(inputs.shape))
    updates = convert_to_tensor(updates, inputs.dtype).reshape((-1,) + flat_shape[1:])
    out = inputs.reshape(flat_shape).clone()
    if reduction is None:
        out[rows] = updates
    else:
        rows = rows.reshape((-1,) + (1,) * (updates.ndim - 1)).expand_as(updates)
        out.scatter_reduce_(0, rows, updates, _REDUCE[reduction], include_self=True)
    return out.reshape(inputs.shape)


def stop_gradient(variable):
    return convert_to_tensor(variable).detach()


class _CustomGradient(torch.autograd.Function):
    """Runs ``f(*args) -> (output, grad_fn)`` forward; backward calls ``grad_fn(*args, upstream=)``."""

    @staticmethod
    def forward(ctx, f, *args):
        output, ctx.grad_fn = f(*args)
        ctx.args = args
        return output

    @staticmethod
    def backward(ctx, *upstream):
        grads = ctx.grad_fn(*ctx.args, upstream=upstream[0] if len(upstream) == 1 else upstream)
        return (None,) + (tuple(grads) if isinstance(grads, (list, tuple)) else (grads,))


def custom_gradient(f):
    def call(*args, **kwargs):
        args = [convert_to_tensor(a) if hasattr(a, "shape") else a for a in args]  # arrays, Variables
        return _CustomGradient.apply(lambda *a: f(*a, **kwargs), *args)

    return call


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    if x.dtype != torch.bool:  # booleans fit every dtype
        lo, hi = common.saturation_limits(dtype_of(x), dtype)
        x = torch.clamp(x, lo.item(), hi.item())
    return x.to(to_torch_dtype(dtype))


def _batched(tensors, cores):
    """Broadcasts the loop dims (all but the last `core` dims) of `tensors`, flattened into one."""
    loop = torch.broadcast_shapes(*[t.shape[:t.ndim - c] for t, c in zip(tensors, cores)])
    flat = []
    for t, c in zip(tensors, cores):
        core = t.shape[t.ndim - c:]
        flat.append(t.expand(loop + core).reshape((-1,) + core))
    return loop, flat


def vectorize(pyfunc, *, excluded=None, signature=None):
    excluded = set(excluded or ())

    def call(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [convert_to_tensor(args[i]) for i in positions]
        loop, flat = _batched(tensors, common.core_ndims(signature, len(tensors)))

        def element(*values):
            full = list(args)
            for i, value in zip(positions, values):
                full[i] = value
            return pyfunc(*full, **kwargs)

        out = torch.vmap(element)(*flat)
        return tree.map_structure(lambda t: t.reshape(loop + t.shape[1:]), out)

    return call
