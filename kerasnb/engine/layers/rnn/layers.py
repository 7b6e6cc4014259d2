"""`SimpleRNN`, `LSTM` and `GRU`: `RNN` over the matching built-in cell."""

from kerasnb.engine.layers.rnn.cells import GRUCell, LSTMCell, SimpleRNNCell
from kerasnb.engine.layers.rnn.rnn import RNN
from kerasnb.engine.saving.serialization import builtin

_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll")
_LAYER_ARGS = ("name", "dtype", "trainable", "autocast", "input_shape", "batch_input_shape",
               "batch_size", "input_dim")


class _CellRNN(RNN):
    """An `RNN` that builds its own cell from the constructor's cell arguments."""

    cell_class = None

    def __init__(self, cell_kwargs, rnn_kwargs, activity_regularizer=None, **kwargs):
        kwargs.pop("implementation", None)
        for key in ("zero_output_for_mask",):
            if key in kwargs:
                rnn_kwargs[key] = kwargs.pop(key)
        layer_kwargs = {k: v for k, v in kwargs.items() if k in _LAYER_ARGS}
        unexpected = set(kwargs) - set(layer_kwargs)
        if unexpected:
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments {sorted(unexpected)}.")
        cell = self.cell_class(**cell_kwargs, dtype=kwargs.get("dtype"),
                               trainable=kwargs.get("trainable", True),
                               name=f"{self.cell_class.__name__[:-4].lower()}_cell".replace("simplernn", "simple_rnn"))
        super().__init__(cell, **rnn_kwargs, activity_regularizer=activity_regularizer, **layer_kwargs)
        self._cell_kwargs = list(cell_kwargs)

    def __getattr__(self, name):
        # The cell's hyper-parameters (units, activation, ...) read through the layer.
        if name != "_cell_kwargs" and name in self.__dict__.get("_cell_kwargs", ()):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self):
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config = {**super().get_config(), **cell_config}
        config["activity_regularizer"] = self._serialize(self.activity_regularizer)
        return config

    @staticmethod
    def _serialize(obj):
        from kerasnb.engine.saving import serialization
        return serialization.serialize_keras_object(obj)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        from kerasnb.engine.saving import serialization
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = serialization.deserialize_keras_object(config["dtype"])
        return cls(**config)


def _split(local, cell_names):
    cell = {k: local[k] for k in cell_names}
    rnn = {k: local[k] for k in _RNN_ARGS}
    return cell, rnn


_COMMON = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
           "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
           "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
           "recurrent_dropout", "seed")


@builtin("layers")
class SimpleRNN(_CellRNN):
    """A fully connected RNN whose output is fed back as the next step's state.

    Args:
        units: the state and output size.
        activation: the activation (default tanh).
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed:
            as in `SimpleRNNCell`.
        activity_regularizer: a penalty on the outputs.
        return_sequences, return_state, go_backwards, stateful, unroll: as in `RNN`.

    Example:
        >>> SimpleRNN(4, return_sequences=True)(np.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    cell_class = SimpleRNNCell

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, seed=None, **kwargs):
        cell, rnn = _split(locals(), _COMMON)
        super().__init__(cell, rnn, activity_regularizer=activity_regularizer, **kwargs)


@builtin("layers")
class LSTM(_CellRNN):
    """Long short-term memory layer (Hochreiter and Schmidhuber, 1997).

    Args:
        units: the state and output size.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
        bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
        recurrent_dropout, seed: as in `LSTMCell`.
        activity_regularizer: a penalty on the outputs.
        return_sequences, return_state, go_backwards, stateful, unroll: as in `RNN`.
        use_cudnn: accepted for compatibility; the generic loop always runs.

    Example:
        >>> output, h, c = LSTM(4, return_state=True)(np.ones((2, 5, 3)))
    """

    cell_class = LSTMCell

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell, rnn = _split(locals(), _COMMON + ("recurrent_activation", "unit_forget_bias"))
        super().__init__(cell, rnn, activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = _check_cudnn(use_cudnn)


@builtin("layers")
class GRU(_CellRNN):
    """Gated recurrent unit layer (Cho et al., 2014).

    Args:
        units: the state and output size.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
        seed, reset_after: as in `GRUCell`.
        activity_regularizer: a penalty on the outputs.
        return_sequences, return_state, go_backwards, stateful, unroll: as in `RNN`.
        use_cudnn: accepted for compatibility; the generic loop always runs.

    Example:
        >>> GRU(4)(np.ones((2, 5, 3))).shape
        (2, 4)
    """

    cell_class = GRUCell

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell, rnn = _split(locals(), _COMMON + ("recurrent_activation", "reset_after"))
        super().__init__(cell, rnn, activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = _check_cudnn(use_cudnn)


def _check_cudnn(value):
    if value not in ("auto", True, False):
        raise ValueError(f"`use_cudnn` must be 'auto', True or False; received {value!r}.")
    return value
