"""Convolutions `Conv1D`-`Conv3D` (grouped) and their transposes `Conv1DTranspose`-`Conv3DTranspose`."""

from kerasnb.engine import backend, constraints, initializers, regularizers
from kerasnb.engine.layers.convolutional.base_conv import BaseConv, check_positive_int, standardize_tuple
from kerasnb.engine.ops import conv as conv_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving.serialization import builtin


class BaseConvolution(BaseConv):
    """An N-D convolution with `filters` outputs and an optional bias; see `Conv2D`."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, allow_causal=rank == 1, **kwargs)
        self.filters = check_positive_int(filters, "filters")
        self.groups = check_positive_int(groups, "groups")
        if filters % groups:
            raise ValueError(
                f"`filters` must be divisible by `groups`; received filters={filters}, groups={groups}.")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        depth = self._input_channels(input_shape)
        if depth % self.groups:
            raise ValueError(
                f"The input channels ({depth}) must be divisible by `groups` ({self.groups}); "
                f"received input shape {tuple(input_shape)}.")
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (depth // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, name="kernel")
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, inputs):
        padding = self.padding
        if padding == "causal":
            pads = [(0, 0)] * 3
            pads[1 if self.data_format == "channels_last" else 2] = (
                self.dilation_rate[0] * (self.kernel_size[0] - 1), 0)
            inputs = ops.pad(inputs, pads)
            padding = "valid"
        if self.rank == 3 and backend.current() == "tensorflow":
            return _conv3d_by_slices(inputs, self.kernel, self.strides, padding, self.data_format,
                                     self.dilation_rate)
        return conv_ops.conv(inputs, self.kernel, strides=self.strides, padding=padding,
                             data_format=self.data_format, dilation_rate=self.dilation_rate)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self.filters, self.kernel_size)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "groups": self.groups,
                **self._weight_config("kernel", self.kernel_initializer, self.kernel_regularizer,
                                      self.kernel_constraint)}


def _conv3d_by_slices(inputs, kernel, strides, padding, data_format, dilation):
    """A 3D convolution as a sum of 2D ones, one per kernel depth offset.

    Works around TensorFlow's eager gradient of its 3D convolution kernel, which fails
    (its gradient function reads a `data_format` attribute that eager ops do not record).
    """
    shape = tuple(inputs.shape)
    g = conv_ops.conv_geometry(shape, tuple(kernel.shape), strides, padding, data_format, dilation)
    if None in g.out or any(p is None for p in g.pads):
        return conv_ops.conv(inputs, kernel, strides, padding, data_format, dilation)
    x = inputs if data_format == "channels_last" else ops.transpose(inputs, (0, 2, 3, 4, 1))
    x = ops.pad(x, [(0, 0), *g.pads, (0, 0)])
    depth, rows, cols, channels = x.shape[1:]
    out_depth = g.out[0]
    total = None
    for offset in range(g.window[0]):
        start = offset * g.dilation[0]
        slab = x[:, start:start + (out_depth - 1) * g.strides[0] + 1:g.strides[0]]
        y = conv_ops.conv(ops.reshape(slab, (-1, rows, cols, channels)), kernel[offset],
                          g.strides[1:], "valid", "channels_last", g.dilation[1:])
        y = ops.reshape(y, (-1, out_depth, *y.shape[1:]))
        total = y if total is None else ops.add(total, y)
    return total if data_format == "channels_last" else ops.transpose(total, (0, 4, 1, 2, 3))


class BaseConvTranspose(BaseConv):
    """An N-D transposed convolution; see `Conv2DTranspose`."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, **kwargs)
        self.filters = check_positive_int(filters, "filters")
        self.output_padding = (None if output_padding is None
                               else standardize_tuple(output_padding, rank, "output_padding", True))
        if self.output_padding is not None and any(
                p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(
                "Each `output_padding` value must be smaller than its `strides` value; received "
                f"output_padding={self.output_padding}, strides={self.strides}.")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        depth = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, depth), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel")
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, inputs):
        return conv_ops.conv_transpose(
            inputs, self.kernel, strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, data_format=self.data_format,
            dilation_rate=self.dilation_rate)

    def compute_output_shape(self, input_shape):
        space = conv_ops.spatial(input_shape, self.data_format)
        in_shape = conv_ops.layout(input_shape[0], space, 1, self.data_format)
        g = conv_ops.transpose_geometry(in_shape, self.kernel_size + (1, 1), self.strides,
                                        self.padding, self.output_padding, self.data_format,
                                        self.dilation_rate)
        return conv_ops.layout(input_shape[0], g.out, self.filters, self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "output_padding": self.output_padding,
                **self._weight_config("kernel", self.kernel_initializer, self.kernel_regularizer,
                                      self.kernel_constraint)}


_CONV_DOC = """{n}D convolution: a learned `kernel` slid over the input, plus a bias.

    Args:
        filters: the number of output channels.
        kernel_size: int or tuple of {n} ints, the window size.
        strides: int or tuple of {n} ints (strides > 1 exclude dilation > 1).
        padding: "valid" (none) or "same" (output size ``ceil(input / stride)``){causal}.
        data_format: "channels_last" ``(batch, {dims}, channels)`` or "channels_first";
            None means `keras.config.image_data_format()`.
        dilation_rate: int or tuple of {n} ints, the spacing of kernel elements.
        groups: splits the input channels into this many groups, each convolved with
            ``filters / groups`` filters. The kernel is ``(kernel_size..., channels / groups,
            filters)``.
        activation: an activation or its name; None means linear.
        use_bias: add a `bias` vector of `filters` values.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: as in `Dense`.

    Example:
        >>> Conv{n}D(4, 3)(np.ones((2, {example}, 3))).shape
        (2, {result}, 4)
    """

_TRANSPOSE_DOC = """{n}D transposed convolution (the gradient of `Conv{n}D` for its input), plus a bias.

    Args:
        filters: the number of output channels.
        kernel_size: int or tuple of {n} ints.
        strides: int or tuple of {n} ints, the upsampling factor.
        padding: "valid" or "same" (output ``input * strides`` when `output_padding` is None).
        output_padding: None or int/tuple of {n} ints, each smaller than its stride: extra
            rows at the end of each output dimension.
        data_format: "channels_last" or "channels_first"; None means the global default.
        dilation_rate: int or tuple of {n} ints.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in
            `Dense`. The kernel is ``(kernel_size..., filters, input_channels)``.

    Example:
        >>> Conv{n}DTranspose(4, 3, strides=2, padding="same")(np.ones((2, {example}, 3))).shape
        (2, {result}, 4)
    """


@builtin("layers", "Convolution1D")
class Conv1D(BaseConvolution):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)


@builtin("layers", "Convolution2D")
class Conv2D(BaseConvolution):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)


@builtin("layers", "Convolution3D")
class Conv3D(BaseConvolution):
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)


@builtin("layers", "Convolution1DTranspose")
class Conv1DTranspose(BaseConvTranspose):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@builtin("layers", "Convolution2DTranspose")
class Conv2DTranspose(BaseConvTranspose):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@builtin("layers", "Convolution3DTranspose")
class Conv3DTranspose(BaseConvTranspose):
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 output_padding=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


Conv1D.__doc__ = _CONV_DOC.format(n=1, dims="steps", causal=', or "causal" (left padding only)',
                                  example=8, result=6)
Conv2D.__doc__ = _CONV_DOC.format(n=2, dims="rows, cols", causal="", example="8, 8", result="6, 6")
Conv3D.__doc__ = _CONV_DOC.format(n=3, dims="d1, d2, d3", causal="", example="5, 5, 5",
                                  result="3, 3, 3")
Conv1DTranspose.__doc__ = _TRANSPOSE_DOC.format(n=1, example=4, result=8)
Conv2DTranspose.__doc__ = _TRANSPOSE_DOC.format(n=2, example="4, 4", result="8, 8")
Conv3DTranspose.__doc__ = _TRANSPOSE_DOC.format(n=3, example="2, 2, 2", result="4, 4, 4")

Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (
    Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
