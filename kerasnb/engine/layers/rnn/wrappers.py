"""`Bidirectional` and `TimeDistributed`: layers that wrap another layer."""

import copy

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.ops.op import flatten
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _check_layer(layer, name="layer"):
    if not isinstance(layer, Layer):
        raise ValueError(f"`{name}` must be a Layer instance; received {layer!r}.")
    return layer


def _renamed(layer, prefix, **overrides):
    config = serialization.serialize_keras_object(layer)
    name = layer.name[len(prefix):] if layer.name.startswith(prefix) else layer.name
    config["config"] = {**config["config"], "name": prefix + name, **overrides}
    return serialization.deserialize_keras_object(config)


@builtin("layers")
class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the outputs.

    Args:
        layer: an `RNN` layer (e.g. `LSTM`, `GRU`); a copy named ``forward_<name>`` runs
            forwards.
        merge_mode: how outputs are combined: ``"concat"`` (default), ``"sum"``, ``"mul"``,
            ``"ave"``, or None (a list of both outputs).
        weights: initial weights (forward half then backward half), set when built.
        backward_layer: the backward layer; None copies `layer` with ``go_backwards=True``.

    Example:
        >>> Bidirectional(LSTM(4, return_sequences=True))(np.ones((2, 5, 3))).shape
        (2, 5, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        _check_layer(layer)
        if backward_layer is not None:
            _check_layer(backward_layer, "backward_layer")
        if merge_mode not in _MERGE_MODES:
            raise ValueError("`merge_mode` must be one of 'concat', 'sum', 'mul', 'ave' or None; "
                             f"received {merge_mode!r}.")
        for attr in ("go_backwards", "return_sequences", "return_state", "stateful"):
            if not hasattr(layer, attr):
                raise ValueError(f"`layer` must be a recurrent layer with `{attr}`; received {layer!r}.")
        super().__init__(**kwargs)
        self.forward_layer = _renamed(layer, "forward_")
        if backward_layer is None:
            backward_layer = _renamed(layer, "backward_", go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError("The forward and backward layers must have different `go_backwards`; both are "
                             f"{self.forward_layer.go_backwards}.")
        for attr in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(self.forward_layer, attr), getattr(self.backward_layer, attr)
            if a != b:
                raise ValueError(f"The forward and backward layers must have the same `{attr}`; "
                                 f"received {a} and {b}.")
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = weights
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True

    @property
    def states(self):
        f, b = self.forward_layer.states, self.backward_layer.states
        return tuple(f) + tuple(b) if f and b else None

    def reset_states(self):
        if not self.stateful:
            raise AttributeError(f"Bidirectional {self.name!r} is not stateful; there are no states to reset.")
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def build(self, input_shape):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(tuple(input_shape))
                sub.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return knp.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y, y_rev = core.cast(y, self.compute_dtype), core.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            y_rev = knp.flip(y_rev, axis=1)
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        shape = tuple(shape)
        if self.merge_mode == "concat":
            shape = shape[:-1] + (shape[-1] * 2,)
        outputs = [shape, shape] if self.merge_mode is None else [shape]
        if self.return_state:
            return outputs + states + states
        return outputs if self.merge_mode is None else shape

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        shapes = self.compute_output_shape(tuple(sequences.shape))
        if isinstance(shapes, tuple):
            return KerasTensor(shapes, self.compute_dtype)
        return [KerasTensor(s, self.compute_dtype) for s in shapes]

    def compute_mask(self, inputs, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            n = len(flatten(self.forward_layer.state_size))
            return masks + [None] * (2 * n)
        return masks if self.merge_mode is None else output_mask

    def get_config(self):
        s = serialization.serialize_keras_object
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": s(self.forward_layer), "backward_layer": s(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        d = serialization.deserialize_keras_object
        config["layer"] = d(config["layer"], custom_objects=custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = d(config["backward_layer"], custom_objects=custom_objects)
        return super().from_config(config)


@builtin("layers")
class TimeDistributed(Layer):
    """Applies a layer to every time step (axis 1) of its input.

    Args:
        layer: the layer to apply; it sees inputs of shape ``(batch, ...)`` and shares its
            weights across time steps.

    Example:
        >>> TimeDistributed(Dense(8))(np.ones((2, 5, 3))).shape
        (2, 5, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = _check_layer(layer)
        self.supports_masking = True

    def _step_shape(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed {self.name!r} needs inputs of rank >= 3 "
                             f"(batch, time, ...); received shape {tuple(input_shape)}.")
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        step = self._step_shape(input_shape)
        if not self.layer.built:
            self.layer.build(step)
            self.layer.built = True

    def compute_output_shape(self, input_shape):
        out = self.layer.compute_output_shape(self._step_shape(input_shape))
        return (out[0], input_shape[1]) + tuple(out[1:])

    def compute_output_spec(self, inputs, training=None, mask=None):
        spec = self.layer.compute_output_spec(KerasTensor(self._step_shape(inputs.shape), inputs.dtype))
        return KerasTensor((spec.shape[0], inputs.shape[1]) + tuple(spec.shape[1:]), spec.dtype)

    def call(self, inputs, training=None, mask=None):
        self._step_shape(inputs.shape)
        steps = inputs.shape[1]
        if steps is None:
            raise ValueError(f"TimeDistributed {self.name!r} needs a known number of time steps.")
        kwargs = {}
        if self.layer._call_has_training:
            kwargs["training"] = training
        outputs = []
        for t in range(steps):
            if mask is not None and self.layer._call_has_mask:
                kwargs["mask"] = mask[:, t]
            outputs.append(self.layer(inputs[:, t], **kwargs))
        return knp.stack(outputs, axis=1)

    def compute_mask(self, inputs, mask):
        return mask

    def get_config(self):
        return {**super().get_config(), "layer": serialization.serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = serialization.deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        return super().from_config(config)
