"""Activation layers: `Activation` and the parametrized ELU, LeakyReLU, ReLU, Softmax, PReLU."""

import numbers

from kerasnb.engine import activations, constraints, initializers, regularizers
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core as core_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def _number(value, name, minimum=None, allow_none=False):
    if value is None and allow_none:
        return value
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or (minimum is not None and value < minimum)):
        expected = "a number" if minimum is None else f"a number >= {minimum}"
        raise ValueError(f"`{name}` must be {expected}{' or None' if allow_none else ''}; "
                         f"received {name}={value!r}.")
    return value


class _Elementwise(Layer):
    """Shared parts of the weightless activation layers: masks pass, shapes are kept."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@builtin("layers")
class Activation(_Elementwise):
    """Applies an activation function to its inputs.

    Args:
        activation: an activation function or its name (``"relu"``, ``"softmax"``...).

    Example:
        >>> Activation("relu")(np.array([[-1.0, 2.0]]))
        array([[0., 2.]])
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


@builtin("layers")
class ELU(_Elementwise):
    """Exponential linear unit: ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Args:
        alpha: the scale of the negative part.

    Example:
        >>> ELU()(np.array([[-1.0, 2.0]])).round(3)
        array([[-0.632,  2.   ]])
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = _number(alpha, "alpha")

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


@builtin("layers")
class LeakyReLU(_Elementwise):
    """``x`` for ``x >= 0``, else ``negative_slope * x``.

    Args:
        negative_slope: the slope below zero (>= 0); the Keras 2 name `alpha` is accepted.

    Example:
        >>> LeakyReLU(0.1)(np.array([[-1.0, 2.0]]))
        array([[-0.1,  2. ]])
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _number(negative_slope, "negative_slope", minimum=0)

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@builtin("layers")
class ReLU(_Elementwise):
    """Rectified linear unit with optional cap, leak and threshold.

    Returns ``min(x, max_value)`` where ``x >= threshold`` and
    ``negative_slope * (x - threshold)`` below it.

    Args:
        max_value: the cap (>= 0), or None for none.
        negative_slope: the slope below `threshold` (>= 0).
        threshold: where the unit activates (>= 0).

    Example:
        >>> ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 2.0]]))
        array([[0. , 0.5, 1. ]])
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _number(max_value, "max_value", minimum=0, allow_none=True)
        self.negative_slope = _number(negative_slope, "negative_slope", minimum=0)
        self.threshold = _number(threshold, "threshold", minimum=0)

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


def _large_negative(dtype):
    return -3e4 if dtype == "float16" else -1e9


@builtin("layers")
class Softmax(_Elementwise):
    """Softmax over `axis`, skipping masked positions.

    Masked entries (mask False, or <= 0.5 for a numeric mask) get probability 0; the mask
    must broadcast to the inputs.

    Args:
        axis: an int or a tuple of ints.

    Example:
        >>> Softmax()(np.array([[1.0, 1.0, 5.0]]), mask=np.array([[True, True, False]]))
        array([[0.5, 0.5, 0. ]])
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, list):
            axis = tuple(axis)
        if not (isinstance(axis, int) or (isinstance(axis, tuple) and axis and all(
                isinstance(a, int) for a in axis))) or isinstance(axis, bool):
            raise ValueError(f"`axis` must be an int or a tuple of ints; received axis={axis!r}.")
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            in_shape, mask_shape = tuple(inputs.shape), tuple(mask.shape)
            if len(mask_shape) > len(in_shape) or any(
                    m is not None and i is not None and m not in (1, i)
                    for m, i in zip(mask_shape[::-1], in_shape[::-1])):
                raise ValueError(f"Softmax: `mask` must broadcast to the inputs; received inputs.shape="
                                 f"{in_shape}, mask.shape={mask_shape}.")
            if core_ops.dtype(mask) != "bool":
                mask = ops.greater(mask, core_ops.cast(0.5, core_ops.dtype(mask)))
            dtype = core_ops.dtype(inputs)
            inputs = ops.where(mask, inputs, core_ops.cast(_large_negative(dtype), dtype))
        axis = self.axis[0] if isinstance(self.axis, tuple) and len(self.axis) == 1 else self.axis
        outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, core_ops.cast(0.0, core_ops.dtype(outputs)))
        return outputs

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


@builtin("layers")
class PReLU(Layer):
    """Leaky ReLU with a learned slope: ``x`` for ``x >= 0``, else ``alpha * x``.

    `alpha` has the input's shape without the batch dim, with size 1 on `shared_axes`.

    Args:
        alpha_initializer: initializer of `alpha` (default zeros).
        alpha_regularizer: penalty on `alpha`, added to `losses`.
        alpha_constraint: projection applied to `alpha` after optimizer updates.
        shared_axes: axes (counting the batch as 0) along which one slope is shared,
            e.g. ``[1, 2]`` for one slope per channel of images.

    Example:
        >>> PReLU(alpha_initializer="ones")(np.array([[-1.0, 2.0]]))
        array([[-1.,  2.]])
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)
            if not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in axes):
                raise ValueError("`shared_axes` must be None, a positive int or a list of positive ints "
                                 f"(axis 0 is the batch); received shared_axes={shared_axes!r}.")
            self.shared_axes = axes

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis >= len(input_shape):
                raise ValueError(f"PReLU {self.name!r}: `shared_axes` entry {axis} is out of range for "
                                 f"input shape {tuple(input_shape)}.")
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f"PReLU {self.name!r} needs known non-batch dimensions outside `shared_axes`; "
                             f"received input shape {tuple(input_shape)}.")
        self.alpha = self.add_weight(shape=param_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint,
                                     name="alpha")
        axes = {i: input_shape[i] for i in range(1, len(input_shape))
                if self.shared_axes and i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        positive = activations.relu(inputs)
        negative = ops.multiply(ops.negative(self.alpha), activations.relu(ops.negative(inputs)))
        return ops.add(positive, negative)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {**super().get_config(), "alpha_initializer": s(self.alpha_initializer),
                "alpha_regularizer": s(self.alpha_regularizer),
                "alpha_constraint": s(self.alpha_constraint), "shared_axes": self.shared_axes}
