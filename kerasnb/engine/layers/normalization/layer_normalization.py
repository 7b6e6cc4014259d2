"""Per-sample normalizations: LayerNormalization, RMSNormalization, UnitNormalization."""

from kerasnb.engine import constraints, initializers, regularizers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.normalization import _ops as ops
from kerasnb.engine.layers.normalization.common import (
    broadcast, check_axis, check_bool, check_number, float_compute, resolve_axes)
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def _axes_shape(input_shape, axes, layer):
    shape = tuple(input_shape[a] for a in axes)
    if any(d is None for d in shape):
        raise ValueError(f"{layer} needs known sizes on the normalized axes; received input shape {input_shape}.")
    return shape


@builtin("layers")
class LayerNormalization(Layer):
    """Normalizes each sample over `axis` to zero mean and unit variance, then scales and shifts.

    Args:
        axis: int or list of ints, the axes to normalize over (usually the features, -1).
        epsilon: small float added to the variance.
        center: learn an offset `beta`.
        scale: learn a factor `gamma`.
        beta_initializer, gamma_initializer: initializers for the offset and factor.
        beta_regularizer, gamma_regularizer: optional penalties on them.
        beta_constraint, gamma_constraint: optional projections applied after updates.
        **kwargs: base `Layer` arguments; ``rms_scaling=False`` (found in configs written by
            Keras 3) is accepted, while Keras's deprecated ``rms_scaling=True`` is not supported.

    Example:
        >>> LayerNormalization()(np.array([[1.0, 3.0]])).shape
        (1, 2)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        if kwargs.pop("rms_scaling", False):
            raise NotImplementedError("LayerNormalization(rms_scaling=True), deprecated in Keras 3, "
                                      "is not supported; use `RMSNormalization` instead.")
        super().__init__(**kwargs)
        self.axis = check_axis(axis)
        self.epsilon = check_number("epsilon", epsilon)
        self.center = check_bool("center", center)
        self.scale = check_bool("scale", scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        self._axes = resolve_axes(self.axis, len(input_shape), "LayerNormalization")
        shape = _axes_shape(input_shape, self._axes, "LayerNormalization")
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer, name="gamma",
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     autocast=False) if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer, name="beta",
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    autocast=False) if self.center else None

    def call(self, inputs):
        x = float_compute(inputs)
        shape = ops.ndim(inputs)
        mean, variance = ops.moments(x, axes=self._axes, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, broadcast(self.gamma, shape, self._axes, ops.dtype(x)))
        shift = ops.negative(ops.multiply(mean, inv))
        if self.beta is not None:
            shift = ops.add(shift, broadcast(self.beta, shape, self._axes, ops.dtype(x)))
        return ops.cast(ops.add(ops.multiply(x, inv), shift), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        resolve_axes(self.axis, len(input_shape), "LayerNormalization")
        return tuple(input_shape)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": s(self.beta_initializer), "gamma_initializer": s(self.gamma_initializer),
                "beta_regularizer": s(self.beta_regularizer), "gamma_regularizer": s(self.gamma_regularizer),
                "beta_constraint": s(self.beta_constraint), "gamma_constraint": s(self.gamma_constraint)}


@builtin("layers")
class RMSNormalization(Layer):
    """Root-mean-square normalization: ``x / sqrt(mean(x ** 2) + epsilon) * scale`` over `axis`.

    Args:
        axis: int or list of ints, the axes to normalize over.
        epsilon: small float added to the mean square.

    Example:
        >>> RMSNormalization()(np.array([[3.0, 4.0]])).shape
        (1, 2)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axis(axis)
        self.epsilon = check_number("epsilon", epsilon)
        self.supports_masking = True

    def build(self, input_shape):
        self._axes = resolve_axes(self.axis, len(input_shape), "RMSNormalization")
        shape = _axes_shape(input_shape, self._axes, "RMSNormalization")
        self.scale = self.add_weight(shape=shape, initializer="ones", name="scale")

    def call(self, inputs):
        x = float_compute(inputs)
        mean_square = ops.mean(ops.square(x), axis=self._axes, keepdims=True)
        y = ops.multiply(x, ops.rsqrt(ops.add(mean_square, self.epsilon)))
        y = ops.multiply(y, broadcast(self.scale, ops.ndim(inputs), self._axes, ops.dtype(x)))
        return ops.cast(y, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        resolve_axes(self.axis, len(input_shape), "RMSNormalization")
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


@builtin("layers")
class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over `axis`.

    Args:
        axis: int or list of ints, the axes the norm is taken over.

    Example:
        >>> UnitNormalization()(np.array([[3.0, 4.0]]))  # [[0.6, 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axis(axis)
        self.supports_masking = True

    def call(self, inputs):
        axes = resolve_axes(self.axis, ops.ndim(inputs), "UnitNormalization")
        x = float_compute(inputs)
        square_sum = ops.sum(ops.square(x), axis=axes, keepdims=True)
        y = ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, 1e-12)))
        return ops.cast(y, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        resolve_axes(self.axis, len(input_shape), "UnitNormalization")
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
