"""`Dot`: per-sample dot products between two tensors."""

import math
import numbers

from kerasnb.engine.layers.merging.base import Merge, check_shape_list
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.ops.nn_stats import normalize as l2_normalize
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _moved(x, src, dst):
    """`x` with axis `src` moved to position `dst`."""
    order = [i for i in range(len(shape_of(x))) if i != src]
    order.insert(dst, src)
    return ops.transpose(x, order) if order != sorted(order) else x


@builtin("layers")
class Dot(Merge):
    """The dot product of two tensors over one axis each, sample by sample.

    With inputs of shapes ``(b, *x_dims)`` and ``(b, *y_dims)`` the output has shape
    ``(b, *x_dims without axes[0], *y_dims without axes[1])``, or ``(b, 1)`` when that
    leaves nothing but the batch axis.

    Args:
        axes: an int (the same axis in both inputs) or a pair of ints; the batch axis 0
            cannot be used. Negative axes count from the end of each input.
        normalize: L2-normalize both inputs along their dot axes first, giving the
            cosine similarity.

    Example:
        >>> Dot(axes=(1, 2))([np.ones((2, 3, 5)), np.ones((2, 4, 3))]).shape
        (2, 5, 4)
    """

    _expected_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, list):
            axes = tuple(axes)
        if not (_is_int(axes) or (isinstance(axes, tuple) and len(axes) == 2 and all(_is_int(a) for a in axes))):
            raise ValueError(f"`axes` must be an int or a pair of ints; received axes={axes!r}.")
        self.axes = int(axes) if _is_int(axes) else tuple(int(a) for a in axes)
        self.normalize = bool(normalize)

    def _resolved_axes(self, shape1, shape2):
        pair = (self.axes, self.axes) if _is_int(self.axes) else self.axes
        out = []
        for axis, shape in zip(pair, (shape1, shape2)):
            if len(shape) < 2:
                raise ValueError(f"`Dot` needs inputs of rank >= 2; received shapes {shape1} and {shape2}.")
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ValueError(f"`axes`={self.axes} must name a non-batch axis of inputs of shapes "
                                 f"{shape1} and {shape2}.")
            out.append(axis % len(shape))
        return tuple(out)

    def _output_shape(self, input_shape):
        check_shape_list(self, input_shape, 2)
        shape1, shape2 = (tuple(s) for s in input_shape)
        a1, a2 = self._resolved_axes(shape1, shape2)
        if None not in (shape1[a1], shape2[a2]) and shape1[a1] != shape2[a2]:
            raise ValueError(f"`Dot` axes must have the same size: axis {a1} of {shape1} has "
                             f"{shape1[a1]}, axis {a2} of {shape2} has {shape2[a2]}.")
        if None not in (shape1[0], shape2[0]) and shape1[0] != shape2[0]:
            raise ValueError(f"`Dot` inputs must have the same batch size; received {shape1} and {shape2}.")
        rest = shape1[1:a1] + shape1[a1 + 1:] + shape2[1:a2] + shape2[a2 + 1:]
        return (shape1[0],) + (rest or (1,))

    def call(self, inputs, mask=None):
        self._check_inputs(inputs)
        x, y = inputs
        sx, sy = shape_of(x), shape_of(y)
        a1, a2 = self._resolved_axes(sx, sy)
        out_shape = self._output_shape([sx, sy])
        if self.normalize:
            x, y = l2_normalize(x, axis=a1), l2_normalize(y, axis=a2)
        x_rest, y_rest = sx[1:a1] + sx[a1 + 1:], sy[1:a2] + sy[a2 + 1:]
        if None in x_rest + y_rest:
            raise ValueError(f"`Dot` needs known non-batch dims; received shapes {sx} and {sy}.")
        k = sx[a1] if sx[a1] is not None else sy[a2]
        x = ops.reshape(_moved(x, a1, len(sx) - 1), (-1, math.prod(x_rest), k))
        y = ops.reshape(_moved(y, a2, 1), (-1, k, math.prod(y_rest)))
        return ops.reshape(ops.matmul(x, y), (-1,) + out_shape[1:])

    def compute_output_spec(self, inputs, mask=None):
        shape = self._output_shape([tuple(x.shape) for x in inputs])
        x, y = (KerasTensor((1, 1, 1), t.dtype) for t in inputs)
        if self.normalize:
            x, y = l2_normalize(x), l2_normalize(y)
        return KerasTensor(shape, ops.matmul(x, y).dtype)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: ``Dot(axes=axes, **kwargs)(inputs)``.

    Args:
        inputs: a list of two tensors.
        axes: the dot axis (an int) or one axis per input.
        **kwargs: other `Dot` arguments (`normalize`) and layer arguments such as `name`.

    Example:
        >>> dot([np.ones((2, 3)), np.ones((2, 3))], axes=1).shape
        (2, 1)
    """
    return Dot(axes=axes, **kwargs)(inputs)
