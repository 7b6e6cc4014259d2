"""Helpers shared by the normalization layers: argument checks, axes, float32 compute."""

from kerasnb.engine import dtypes
from kerasnb.engine.layers.normalization import _ops as ops


def check_bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be a bool; received {value!r}.")
    return value


def check_number(name, value, low=0.0, low_open=False, high=None):
    """A float in ``[low, high]`` (``(low, ...`` with `low_open`)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and (value < low or (low_open and value == low) or (high is not None and value > high)):
        ok = False
    if not ok:
        bound = f"{'>' if low_open else '>='} {low}" + ("" if high is None else f" and <= {high}")
        raise ValueError(f"`{name}` must be a number {bound}; received {value!r}.")
    return float(value)


def check_axis(value, allow_list=True):
    """An int axis, or (with `allow_list`) a non-empty list of int axes."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if allow_list and isinstance(value, (list, tuple)) and value and all(
            isinstance(a, int) and not isinstance(a, bool) for a in value):
        return list(value)
    expected = "an int or a list of ints" if allow_list else "an int"
    raise ValueError(f"`axis` must be {expected}; received {value!r}.")


def resolve_axes(axis, ndim, layer):
    """Non-negative sorted axes for an input of rank `ndim`, with a clear error when out of range."""
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"{layer}: `axis` {axis!r} is out of bounds for an input of rank {ndim}.")
        out.append(a % ndim)
    return sorted(set(out))


def float_compute(x):
    """`x` cast to at least float32, for statistics."""
    target = dtypes.result_type(ops.dtype(x), "float32")
    return ops.cast(x, target)


def broadcast(weight, ndim, axes, dtype):
    """`weight` (shaped like the normalized `axes`) reshaped to broadcast against rank-`ndim` inputs."""
    target = [1] * ndim
    for a, size in zip(axes, weight.shape):
        target[a] = size
    return ops.cast(ops.reshape(weight, target), dtype)
