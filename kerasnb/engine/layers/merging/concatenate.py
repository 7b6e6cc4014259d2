"""`Concatenate`: joins a list of tensors along one axis."""

import numbers

from kerasnb.engine.layers.merging.base import Merge, check_shape_list
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.ops.core import cast
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving.serialization import builtin


@builtin("layers")
class Concatenate(Merge):
    """Concatenates a list of tensors along `axis`; the other dims must match.

    Masks are concatenated too (inputs without a mask count as unmasked), then reduced
    over the last axis, so the output mask has the output's rank minus one.

    Args:
        axis: the concatenation axis (negative counts from the end; 0 is the batch axis).

    Example:
        >>> Concatenate(axis=1)([np.ones((2, 3, 4)), np.ones((2, 1, 4))]).shape
        (2, 4, 4)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
            raise ValueError(f"`axis` must be an int; received axis={axis!r}.")
        self.axis = int(axis)

    def _output_shape(self, input_shape):
        check_shape_list(self, input_shape)
        rank = len(input_shape[0])
        error = ValueError(
            f"`Concatenate` needs inputs of the same rank whose dims match except on axis {self.axis}; "
            f"received input shapes {[tuple(s) for s in input_shape]}.")
        if any(len(s) != rank for s in input_shape):
            raise error
        if not -rank <= self.axis < rank:
            raise ValueError(f"`axis`={self.axis} is out of range for inputs of rank {rank}.")
        axis = self.axis % rank
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            for i, (a, b) in enumerate(zip(out, shape)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is None:
                    out[i] = b
                elif b is not None and a != b:
                    raise error
        return tuple(out)

    def call(self, inputs, mask=None):
        self._check_inputs(inputs)
        self._output_shape([shape_of(x) for x in inputs])
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        masks = self._mask_list(inputs, mask)
        if all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(ops.ones_like(x, dtype="bool"))
                continue
            m = cast(m, "bool")
            if len(shape_of(m)) < len(shape_of(x)):
                m = ops.logical_or(ops.expand_dims(m, -1), ops.zeros_like(x, dtype="bool"))
            full.append(m)
        return ops.any(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: ``Concatenate(axis=axis, **kwargs)(inputs)``.

    Args:
        inputs: a list of tensors.
        axis: the concatenation axis.
        **kwargs: layer arguments such as `name`.

    Example:
        >>> concatenate([np.ones((2, 3)), np.ones((2, 2))]).shape
        (2, 5)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
