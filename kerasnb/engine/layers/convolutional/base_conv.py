"""`BaseConv`: what every convolution layer shares (argument checks, bias, activation, config)."""

from kerasnb.engine import activations, config, constraints, initializers, regularizers
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import conv as conv_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving import serialization


def standardize_tuple(value, rank, arg, allow_zero=False):
    """`value` (an int or `rank` ints) as a tuple; ValueError naming `arg` otherwise."""
    return conv_ops.int_tuple(value, rank, arg, minimum=0 if allow_zero else 1)


def standardize_padding(padding, allow_causal=False):
    """The lower-cased padding name, checked against the allowed ones."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    name = padding.lower() if isinstance(padding, str) else padding
    if name not in allowed:
        raise ValueError(f"`padding` must be one of {allowed}; received {padding!r}.")
    return name


def check_positive_int(value, arg, allow_none=False):
    if value is None and allow_none:
        return value
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{arg}` must be a positive int; received {value!r}.")
    return value


class BaseConv(Layer):
    """Base of the convolution layers: subclasses set the weights in `build` and `_convolve`.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        kernel_size, strides, dilation_rate: ints or tuples of `rank` ints.
        padding: "valid" or "same"; "causal" too where `allow_causal`.
        data_format: "channels_last", "channels_first" or None (the global default).
        activation, use_bias, bias_initializer, bias_regularizer, bias_constraint: as in `Dense`.
    """

    def __init__(self, rank, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, bias_initializer="zeros",
                 bias_regularizer=None, bias_constraint=None, activity_regularizer=None,
                 allow_causal=False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal)
        self.data_format = config.standardize_data_format(data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides` > 1 cannot be combined with `dilation_rate` > 1; received "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}.")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.bias = None

    # Shared pieces -------------------------------------------------------------------

    @property
    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def _input_channels(self, input_shape):
        depth = input_shape[self._channel_axis]
        if depth is None:
            raise ValueError(
                f"{type(self).__name__} {self.name!r} needs a known channel dimension; "
                f"received input shape {tuple(input_shape)}.")
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: depth})
        return depth

    def _add_bias(self, size):
        if self.use_bias:
            self.bias = self.add_weight(shape=(size,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _finish(self, outputs):
        if self.bias is not None:
            shape = [1] * (self.rank + 2)
            shape[self._channel_axis] = -1
            outputs = ops.add(outputs, ops.reshape(self.bias, tuple(shape)))
        return self.activation(outputs)

    def call(self, inputs):
        return self._finish(self._convolve(inputs))

    def _convolve(self, inputs):
        raise NotImplementedError

    def _output_shape(self, input_shape, out_channels, kernel_shape):
        """The output shape of a plain convolution with `kernel_shape` (spatial dims)."""
        padding = self.padding
        space = list(conv_ops.spatial(input_shape, self.data_format))
        if padding == "causal":
            span = (self.kernel_size[0] - 1) * self.dilation_rate[0]
            space = [None if n is None else n + span for n in space]
            padding = "valid"
        in_shape = conv_ops.layout(input_shape[0], space, 1, self.data_format)
        g = conv_ops.conv_geometry(in_shape, tuple(kernel_shape) + (1, 1), self.strides, padding,
                                   self.data_format, self.dilation_rate)
        return conv_ops.layout(input_shape[0], g.out, out_channels, self.data_format)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {
            **super().get_config(), "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "bias_initializer": s(self.bias_initializer), "bias_regularizer": s(self.bias_regularizer),
            "activity_regularizer": s(self.activity_regularizer),
            "bias_constraint": s(self.bias_constraint),
        }

    @staticmethod
    def _weight_config(prefix, initializer, regularizer, constraint):
        s = serialization.serialize_keras_object
        return {f"{prefix}_initializer": s(initializer), f"{prefix}_regularizer": s(regularizer),
                f"{prefix}_constraint": s(constraint)}
