"""Argument checks and shape helpers shared by the reshaping layers."""

import numbers

from kerasnb.engine.tensors import KerasTensor


def int_tuple(value, n, name, allow_zero=False):
    """`value` (an int or `n` ints) as a tuple of `n` ints, each > 0 (>= 0 if `allow_zero`)."""
    def is_int(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    if is_int(value):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = None
        if values is None or len(values) != n or not all(is_int(v) for v in values):
            raise ValueError(f"`{name}` must be an int or a tuple of {n} ints; received {name}={value!r}.")
        values = tuple(int(v) for v in values)
    low = 0 if allow_zero else 1
    if any(v < low for v in values):
        raise ValueError(f"`{name}` values must be >= {low}; received {name}={value!r}.")
    return values


def pair_tuple(value, rank, name):
    """`value` as `rank` ``(before, after)`` pairs: an int, `rank` ints, or `rank` pairs."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int_tuple(value, 2, name, allow_zero=True),) * rank
    try:
        entries = tuple(value)
    except TypeError:
        entries = None
    if entries is None or len(entries) != rank:
        raise ValueError(
            f"`{name}` must be an int, a tuple of {rank} ints or a tuple of {rank} pairs of ints; "
            f"received {name}={value!r}.")
    return tuple(int_tuple(e, 2, f"{name}[{i}]", allow_zero=True) for i, e in enumerate(entries))


def spatial_axes(rank, data_format):
    """Indices of the spatial axes of a ``rank``-dim batched tensor in `data_format`."""
    if data_format == "channels_first":
        return tuple(range(2, rank))
    return tuple(range(1, rank - 1))


def like_input(layer, inputs):
    """A KerasTensor with the layer's output shape and the input's dtype."""
    return KerasTensor(layer.compute_output_shape(tuple(inputs.shape)), inputs.dtype)
