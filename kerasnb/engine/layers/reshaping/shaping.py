"""Layers that rearrange the non-batch dims: `Flatten`, `Reshape`, `Permute`, `RepeatVector`."""

import math
import numbers

from kerasnb.engine import config as engine_config
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.reshaping._args import like_input
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.ops.core import shape as dynamic_shape
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving.serialization import builtin


def _reshape_batched(inputs, dims):
    """Reshapes to ``(batch,) + dims``; `dims` holds ints (at most one -1)."""
    if -1 not in dims and math.prod(dims) > 0:
        return ops.reshape(inputs, (-1,) + tuple(dims))
    return ops.reshape(inputs, (dynamic_shape(inputs)[0],) + tuple(dims))


@builtin("layers")
class Flatten(Layer):
    """Flattens every sample to one dimension; the batch axis is kept.

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"``; with channels_first the
            channel axis is moved last before flattening, so both orderings give the same
            feature order. None means `keras.config.image_data_format()`.

    Example:
        >>> Flatten()(np.ones((2, 3, 4))).shape
        (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = engine_config.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        shape = shape_of(inputs)
        rank = len(shape)
        if self.data_format == "channels_first" and rank > 2:
            inputs = ops.transpose(inputs, (0,) + tuple(range(2, rank)) + (1,))
        rest = shape[1:]
        if not rest:
            return ops.reshape(inputs, (-1, 1))
        flat = -1 if any(d is None for d in rest) else math.prod(rest)
        return _reshape_batched(inputs, (flat,))

    def compute_output_shape(self, input_shape):
        rest = tuple(input_shape[1:])
        if not rest:
            return (input_shape[0], 1)
        return (input_shape[0], None if None in rest else math.prod(rest))

    def compute_output_spec(self, inputs):
        return like_input(self, inputs)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _resolve_target(input_dims, target):
    """`target` with its -1 resolved from the known `input_dims` (None where unknowable)."""
    if None in input_dims:
        return tuple(None if d == -1 else d for d in target)
    size = math.prod(input_dims)
    if -1 not in target:
        if math.prod(target) != size:
            raise ValueError(
                f"Reshape cannot turn samples of shape {tuple(input_dims)} ({size} values) into "
                f"`target_shape`={target}: the total size must be unchanged.")
        return tuple(target)
    known = math.prod(d for d in target if d != -1)
    if known == 0 or size % known:
        raise ValueError(
            f"Reshape cannot turn samples of shape {tuple(input_dims)} ({size} values) into "
            f"`target_shape`={target}: {size} is not a multiple of {known}.")
    return tuple(size // known if d == -1 else d for d in target)


@builtin("layers")
class Reshape(Layer):
    """Reshapes every sample to `target_shape`; the batch axis is kept.

    Args:
        target_shape: the new shape of one sample (no batch dim), a tuple of ints; one
            entry may be -1, inferred from the sample size.

    Example:
        >>> Reshape((-1, 2))(np.ones((3, 12))).shape
        (3, 6, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            target = tuple(target_shape)
        except TypeError:
            target = None
        if target is None or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool)
                                     for d in target):
            raise ValueError(f"`target_shape` must be a tuple of ints; received target_shape={target_shape!r}.")
        target = tuple(int(d) for d in target)
        if any(d < -1 for d in target) or target.count(-1) > 1:
            raise ValueError(
                "`target_shape` entries must be >= 0, except one optional -1 for an inferred "
                f"dimension; received target_shape={target_shape!r}.")
        self.target_shape = target
        self.built = True

    def call(self, inputs):
        dims = _resolve_target(shape_of(inputs)[1:], self.target_shape)
        return _reshape_batched(inputs, tuple(-1 if d is None else d for d in dims))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + _resolve_target(tuple(input_shape[1:]), self.target_shape)

    def compute_output_spec(self, inputs):
        return like_input(self, inputs)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


@builtin("layers")
class Permute(Layer):
    """Permutes the non-batch axes of the input.

    Args:
        dims: a permutation of ``1..rank-1`` (axes are numbered from 1, the batch axis
            is not included): output axis ``i + 1`` is input axis ``dims[i]``.

    Example:
        >>> Permute((2, 1))(np.ones((4, 10, 64))).shape
        (4, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            dims_tuple = tuple(int(d) for d in dims)
        except (TypeError, ValueError):
            dims_tuple = None
        if dims_tuple is None or sorted(dims_tuple) != list(range(1, len(dims_tuple) + 1)):
            raise ValueError(
                "`dims` must be a permutation of 1..n (consecutive axis indices starting at 1, "
                f"without the batch axis); received dims={dims!r}.")
        self.dims = dims_tuple
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def compute_output_spec(self, inputs):
        return like_input(self, inputs)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


@builtin("layers")
class RepeatVector(Layer):
    """Repeats a ``(batch, features)`` input `n` times into ``(batch, n, features)``.

    Args:
        n: the number of repetitions, a positive int.

    Example:
        >>> RepeatVector(3)(np.ones((2, 5))).shape
        (2, 3, 5)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n <= 0:
            raise ValueError(f"`n` must be a positive int; received n={n!r}.")
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def compute_output_spec(self, inputs):
        return like_input(self, inputs)

    def get_config(self):
        return {**super().get_config(), "n": self.n}
