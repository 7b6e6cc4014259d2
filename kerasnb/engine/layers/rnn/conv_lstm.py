"""Convolutional LSTMs: `ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`.

The LSTM's matrix products become convolutions: the input convolution uses the layer's
strides, padding and dilation, the recurrent one stride 1 and ``"same"`` padding.
"""

import math

from kerasnb.engine import (activations, backend as engine_backend, config as engine_config, constraints,
                            initializers, regularizers)
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.rnn.cells import DropoutRNNCell, _forget_bias_one, check_rate, check_units
from kerasnb.engine.layers.rnn.rnn import RNN
from kerasnb.engine.ops import conv as kconv
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.random.seed_generator import SeedGenerator
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def _tuple(value, rank, name):
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * rank
    value = tuple(value) if isinstance(value, (list, tuple)) else None
    if value is None or len(value) != rank or not all(isinstance(v, int) and v > 0 for v in value):
        raise ValueError(f"`{name}` must be a positive int or a tuple of {rank} positive ints; received {value!r}.")
    return value


def _output_length(length, kernel, stride, padding, dilation):
    if length is None:
        return None
    if padding == "same":
        return math.ceil(length / stride)
    return math.ceil((length - (kernel - 1) * dilation) / stride)


def _conv3d_by_slices(x, kernel, strides, padding, dilation):
    """A channels_last 3D convolution as a sum of 2D convolutions over depth offsets.

    Works around the TensorFlow backend's eager Conv3D gradient, which fails in TF 2.21
    (``_Conv3DGrad``: data_format attribute is None); reported to the ops owner.
    """
    k_depth, s_depth, d_depth = kernel.shape[0], strides[0], dilation[0]
    depth = x.shape[1]
    if padding == "same":
        out = -(-depth // s_depth)
        total = max((out - 1) * s_depth + (k_depth - 1) * d_depth + 1 - depth, 0)
        x = knp.pad(x, [(0, 0), (total // 2, total - total // 2), (0, 0), (0, 0), (0, 0)])
        depth = x.shape[1]
    n_out = (depth - (k_depth - 1) * d_depth - 1) // s_depth + 1
    total = None
    for j in range(k_depth):
        start = j * d_depth
        part = x[:, start:start + (n_out - 1) * s_depth + 1:s_depth]
        flat = knp.reshape(part, (-1,) + tuple(part.shape[2:]))
        y = kconv.conv(flat, kernel[j], strides=strides[1:], padding=padding, data_format="channels_last",
                       dilation_rate=dilation[1:])
        y = knp.reshape(y, (-1, n_out) + tuple(y.shape[1:]))
        total = y if total is None else total + y
    return total


class ConvLSTMCell(DropoutRNNCell, Layer):
    """One step of a convolutional LSTM over ``rank`` spatial dimensions (internal)."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.filters = check_units(filters, "filters")
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size")
        self.strides = _tuple(strides, rank, "strides")
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate")
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError(f"`padding` must be 'valid' or 'same'; received {padding!r}.")
        self.padding = padding.lower()
        data_format = engine_config.image_data_format() if data_format is None else data_format
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError("`data_format` must be 'channels_last' or 'channels_first'; "
                             f"received {data_format!r}.")
        self.data_format = data_format
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides` > 1 cannot be combined with `dilation_rate` > 1; received "
                             f"strides={self.strides}, dilation_rate={self.dilation_rate}.")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate(dropout, "dropout")
        self.recurrent_dropout = check_rate(recurrent_dropout, "recurrent_dropout")
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self._dropout_mask = self._recurrent_dropout_mask = None
        self.state_size = -1  # set in build, once the spatial shape is known
        self._spatial = None

    def build(self, input_shape):
        channel_axis = 1 if self.data_format == "channels_first" else -1
        channels = input_shape[channel_axis]
        if channels is None:
            raise ValueError(f"ConvLSTM {self.name!r} needs a known channel dimension; received {input_shape}.")
        spatial = input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1]
        self._spatial = tuple(_output_length(n, k, s, self.padding, d) for n, k, s, d in
                              zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        if self.data_format == "channels_first":
            self.state_size = (self.filters,) + self._spatial
        else:
            self.state_size = self._spatial + (self.filters,)
        self.state_size = [self.state_size, self.state_size]
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, 4 * self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, 4 * self.filters),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        init = _forget_bias_one(self.bias_initializer, self.filters) if self.unit_forget_bias \
            else self.bias_initializer
        self.bias = self.add_weight(shape=(4 * self.filters,), initializer=init,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None

    def get_initial_state(self, batch_size=None):
        return [knp.zeros((batch_size,) + tuple(s), dtype=self.compute_dtype) for s in self.state_size]

    def _add_bias(self, x, b):
        if self.data_format == "channels_first":
            b = knp.reshape(b, (1, -1) + (1,) * self.rank)
        return x + b

    def _conv(self, x, kernel, strides, padding, dilation):
        if self.rank == 3 and engine_backend.current() == "tensorflow":
            first = self.data_format == "channels_first"
            if first:
                x = knp.moveaxis(x, 1, -1)
            y = _conv3d_by_slices(x, kernel, strides, padding, dilation)
            return knp.moveaxis(y, -1, 1) if first else y
        return kconv.conv(x, kernel, strides=strides, padding=padding, data_format=self.data_format,
                          dilation_rate=dilation)

    def call(self, inputs, states, training=False):
        h_prev, c_prev = self._tensors(states)[:2]
        x, h_rec = self._masked(inputs, h_prev, training)
        z = self._conv(x, self.kernel, self.strides, self.padding, self.dilation_rate)
        if self.bias is not None:
            z = self._add_bias(z, self.bias)
        ones = (1,) * self.rank
        z = z + self._conv(h_rec, self.recurrent_kernel, ones, "same", ones)
        axis = 1 if self.data_format == "channels_first" else -1
        z_i, z_f, z_c, z_o = knp.split(z, 4, axis=axis)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]


class _ConvLSTM(RNN):
    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(self.rank, filters, kernel_size, strides=strides, padding=padding,
                            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                            recurrent_activation=recurrent_activation, use_bias=use_bias,
                            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                            name="conv_lstm_cell", dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=kwargs.pop("unroll", False),
                         zero_output_for_mask=kwargs.pop("zero_output_for_mask", False),
                         activity_regularizer=activity_regularizer, **kwargs)

    def __getattr__(self, name):
        if name in _CELL_ATTRS and "cell" in self.__dict__:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def build(self, input_shape):
        if len(input_shape) != self.rank + 3:
            raise ValueError(f"{type(self).__name__} {self.name!r} expects inputs of rank {self.rank + 3} "
                             f"(batch, time, spatial..., channels); received shape {tuple(input_shape)}.")
        super().build(input_shape)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        cell = self.cell
        step = tuple(sequences_shape[2:])
        spatial = step[1:] if cell.data_format == "channels_first" else step[:-1]
        spatial = tuple(_output_length(n, k, s, cell.padding, d) for n, k, s, d in
                        zip(spatial, cell.kernel_size, cell.strides, cell.dilation_rate))
        state = (cell.filters,) + spatial if cell.data_format == "channels_first" else spatial + (cell.filters,)
        output = (batch, steps) + state if self.return_sequences else (batch,) + state
        if self.return_state:
            return [output, (batch,) + state, (batch,) + state]
        return output

    def get_config(self):
        c = self.cell
        s = serialization.serialize_keras_object
        config = {**super().get_config(), "filters": c.filters, "kernel_size": c.kernel_size,
                  "strides": c.strides, "padding": c.padding, "data_format": c.data_format,
                  "dilation_rate": c.dilation_rate, "activation": activations.serialize(c.activation),
                  "recurrent_activation": activations.serialize(c.recurrent_activation),
                  "use_bias": c.use_bias, "kernel_initializer": s(c.kernel_initializer),
                  "recurrent_initializer": s(c.recurrent_initializer),
                  "bias_initializer": s(c.bias_initializer), "unit_forget_bias": c.unit_forget_bias,
                  "kernel_regularizer": s(c.kernel_regularizer),
                  "recurrent_regularizer": s(c.recurrent_regularizer),
                  "bias_regularizer": s(c.bias_regularizer),
                  "activity_regularizer": s(self.activity_regularizer),
                  "kernel_constraint": s(c.kernel_constraint), "recurrent_constraint": s(c.recurrent_constraint),
                  "bias_constraint": s(c.bias_constraint), "dropout": c.dropout,
                  "recurrent_dropout": c.recurrent_dropout, "seed": c.seed}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = serialization.deserialize_keras_object(config["dtype"])
        return cls(**config)


_CELL_ATTRS = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
               "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
               "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
               "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
               "dropout", "recurrent_dropout", "seed")


def _conv_lstm_doc(rank):
    spatial = {1: "steps", 2: "rows, cols", 3: "dim1, dim2, dim3"}[rank]
    return f"""A {rank}D convolutional LSTM: the LSTM's matrix products are {rank}D convolutions.

    Inputs are ``(batch, time, {spatial}, channels)`` (channels_last) or
    ``(batch, time, channels, {spatial})`` (channels_first).

    Args:
        filters: the number of output channels.
        kernel_size: an int or tuple of {rank} ints.
        strides, dilation_rate: ints or tuples of {rank} ints, for the input convolution.
        padding: ``"valid"`` or ``"same"`` for the input convolution.
        data_format: ``"channels_last"``, ``"channels_first"``, or None (the global default).
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
        bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
        recurrent_dropout, seed: as in `LSTMCell`.
        activity_regularizer: a penalty on the outputs.
        return_sequences, return_state, go_backwards, stateful: as in `RNN`.

    Example:
        >>> ConvLSTM{rank}D(4, 3, padding="same")(np.ones((2, 5) + (6,) * {rank} + (3,))).shape[-1]
        4
    """


@builtin("layers")
class ConvLSTM1D(_ConvLSTM):
    __doc__ = _conv_lstm_doc(1)
    rank = 1


@builtin("layers")
class ConvLSTM2D(_ConvLSTM):
    __doc__ = _conv_lstm_doc(2)
    rank = 2


@builtin("layers")
class ConvLSTM3D(_ConvLSTM):
    __doc__ = _conv_lstm_doc(3)
    rank = 3
