"""Depthwise (`DepthwiseConv1D/2D`) and depthwise-separable (`SeparableConv1D/2D`) convolutions."""

from kerasnb.engine import constraints, initializers, regularizers
from kerasnb.engine.layers.convolutional.base_conv import BaseConv, check_positive_int
from kerasnb.engine.ops import conv as conv_ops
from kerasnb.engine.saving.serialization import builtin


class BaseDepthwiseConv(BaseConv):
    """Each input channel convolved with its own `depth_multiplier` filters; see `DepthwiseConv2D`."""

    def __init__(self, rank, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, **kwargs)
        self.depth_multiplier = check_positive_int(depth_multiplier, "depth_multiplier")
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape):
        depth = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (depth, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, name="kernel")
        self._add_bias(depth * self.depth_multiplier)
        self.built = True

    def _convolve(self, inputs):
        return conv_ops.depthwise_conv(inputs, self.kernel, strides=self.strides,
                                       padding=self.padding, data_format=self.data_format,
                                       dilation_rate=self.dilation_rate)

    def compute_output_shape(self, input_shape):
        depth = input_shape[self._channel_axis]
        out = None if depth is None else depth * self.depth_multiplier
        return self._output_shape(input_shape, out, self.kernel_size)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                **self._weight_config("depthwise", self.depthwise_initializer,
                                      self.depthwise_regularizer, self.depthwise_constraint)}


class BaseSeparableConv(BaseConv):
    """A depthwise convolution followed by a pointwise (1x1) one; see `SeparableConv2D`."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, **kwargs)
        self.filters = check_positive_int(filters, "filters")
        self.depth_multiplier = check_positive_int(depth_multiplier, "depth_multiplier")
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        depth = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (depth, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (depth * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel")
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, inputs):
        return conv_ops.separable_conv(
            inputs, self.depthwise_kernel, self.pointwise_kernel, strides=self.strides,
            padding=self.padding, data_format=self.data_format, dilation_rate=self.dilation_rate)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self.filters, self.kernel_size)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "depth_multiplier": self.depth_multiplier,
                **self._weight_config("depthwise", self.depthwise_initializer,
                                      self.depthwise_regularizer, self.depthwise_constraint),
                **self._weight_config("pointwise", self.pointwise_initializer,
                                      self.pointwise_regularizer, self.pointwise_constraint)}


_DEPTHWISE_DOC = """{n}D depthwise convolution: each input channel gets its own filters.

    Output channel ``c * depth_multiplier + m`` comes from input channel ``c``. The `kernel`
    is ``(kernel_size..., channels, depth_multiplier)``, the `bias` has
    ``channels * depth_multiplier`` values.

    Args:
        kernel_size: int or tuple of {n} ints.
        strides: int or tuple of {n} ints (strides > 1 exclude dilation > 1).
        padding: "valid" or "same".
        depth_multiplier: filters per input channel.
        data_format: "channels_last" or "channels_first"; None means the global default.
        dilation_rate: int or tuple of {n} ints.
        activation, use_bias: as in `Dense`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in `Dense`.

    Example:
        >>> DepthwiseConv{n}D(3, depth_multiplier=2)(np.ones((2, {example}, 4))).shape
        (2, {result}, 8)
    """

_SEPARABLE_DOC = """{n}D separable convolution: a depthwise convolution, then a pointwise one mixing channels.

    Weights: `depthwise_kernel` ``(kernel_size..., channels, depth_multiplier)``,
    `pointwise_kernel` ``(1, ..., channels * depth_multiplier, filters)`` and `bias`
    ``(filters,)``.

    Args:
        filters: the number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the depthwise step, as
            in `Conv{n}D`.
        depth_multiplier: depthwise filters per input channel.
        activation, use_bias: as in `Dense`.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer:
            penalties.
        depthwise_constraint, pointwise_constraint, bias_constraint: constraints.

    Example:
        >>> SeparableConv{n}D(5, 3)(np.ones((2, {example}, 4))).shape
        (2, {result}, 5)
    """


@builtin("layers")
class DepthwiseConv1D(BaseDepthwiseConv):
    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


@builtin("layers")
class DepthwiseConv2D(BaseDepthwiseConv):
    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


@builtin("layers", "SeparableConvolution1D")
class SeparableConv1D(BaseSeparableConv):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer,
                         pointwise_initializer, bias_initializer, depthwise_regularizer,
                         pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


@builtin("layers", "SeparableConvolution2D")
class SeparableConv2D(BaseSeparableConv):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer,
                         pointwise_initializer, bias_initializer, depthwise_regularizer,
                         pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


DepthwiseConv1D.__doc__ = _DEPTHWISE_DOC.format(n=1, example=8, result=6)
DepthwiseConv2D.__doc__ = _DEPTHWISE_DOC.format(n=2, example="8, 8", result="6, 6")
SeparableConv1D.__doc__ = _SEPARABLE_DOC.format(n=1, example=8, result=6)
SeparableConv2D.__doc__ = _SEPARABLE_DOC.format(n=2, example="8, 8", result="6, 6")

SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
