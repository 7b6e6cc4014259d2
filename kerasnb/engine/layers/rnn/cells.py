"""Recurrent cells: one time step of SimpleRNN, LSTM and GRU, and `StackedRNNCells`.

A cell maps ``(inputs_t, states) -> (output_t, new_states)``; `RNN` loops it over time.
"""

from kerasnb.engine import activations, constraints, initializers, regularizers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.random import random as krandom
from kerasnb.engine.random.seed_generator import SeedGenerator
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def check_units(units, name="units"):
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {units!r}.")
    return units


def check_rate(rate, name):
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
        raise ValueError(f"`{name}` must be a float in [0, 1); received {rate!r}.")
    return float(rate)


def as_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


class DropoutRNNCell:
    """Mixin: input and recurrent dropout masks drawn once per sequence and reused each step.

    `RNN` draws the masks before its loop (so the loop body stays free of random state)
    and clears them afterwards; a cell called on its own draws them on first use.
    """

    def get_dropout_mask(self, step_input):
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = krandom.dropout(knp.ones_like(step_input), self.dropout,
                                                 seed=self.seed_generator)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_state):
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = krandom.dropout(knp.ones_like(step_state), self.recurrent_dropout,
                                                           seed=self.seed_generator)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _tensors(self, states):
        """The states as a list of tensors in the compute dtype (callers may pass arrays)."""
        return [core.cast(core.convert_to_tensor(s), self.compute_dtype) for s in as_list(states)]

    def _masked(self, inputs, h_prev, training):
        """Inputs and previous state with the dropout masks applied when training."""
        if training and self.dropout > 0:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and self.recurrent_dropout > 0:
            h_prev = h_prev * self.get_recurrent_dropout_mask(h_prev)
        return inputs, h_prev


class _GatedCell(DropoutRNNCell, Layer):
    """Shared constructor, weights and config of the three dense recurrent cells."""

    gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
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
        self.state_size = units
        self.output_size = units

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known last input dimension; "
                             f"received {input_shape}.")
        n = self.gates * self.units
        self.kernel = self.add_weight(shape=(features, n), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_init(),
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None

    def get_initial_state(self, batch_size=None):
        return [knp.zeros((batch_size, self.units), dtype=self.compute_dtype)
                for _ in as_list(self.state_size)]

    def get_config(self):
        s = serialization.serialize_keras_object
        config = {**super().get_config(), "units": self.units,
                  "activation": activations.serialize(self.activation)}
        if self.gates > 1:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update({
            "use_bias": self.use_bias, "kernel_initializer": s(self.kernel_initializer),
            "recurrent_initializer": s(self.recurrent_initializer), "bias_initializer": s(self.bias_initializer),
            "kernel_regularizer": s(self.kernel_regularizer),
            "recurrent_regularizer": s(self.recurrent_regularizer), "bias_regularizer": s(self.bias_regularizer),
            "kernel_constraint": s(self.kernel_constraint), "recurrent_constraint": s(self.recurrent_constraint),
            "bias_constraint": s(self.bias_constraint), "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout, "seed": self.seed})
        return config


@builtin("layers")
class SimpleRNNCell(_GatedCell):
    """One step of a fully connected RNN: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    Args:
        units: the state and output size.
        activation: the activation (default tanh).
        use_bias: add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: weight penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: weight constraints.
        dropout: drop rate of the inputs (training only).
        recurrent_dropout: drop rate of the previous state (training only).
        seed: seed of the dropout masks.

    Example:
        >>> RNN(SimpleRNNCell(4))(np.ones((2, 5, 3))).shape
        (2, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(units, activation, None, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                         kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, **kwargs)

    def call(self, inputs, states, training=False):
        h_prev = self._tensors(states)[0]
        x, h_prev = self._masked(inputs, h_prev, training)
        h = knp.matmul(x, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        h = self.activation(h + knp.matmul(h_prev, self.recurrent_kernel))
        return h, ([h] if isinstance(states, (list, tuple)) else h)


def _forget_bias_one(base, units):
    def init(shape, dtype=None):
        return knp.concatenate([base((units,), dtype=dtype), knp.ones((units,), dtype=dtype),
                                base((2 * units,), dtype=dtype)])
    return init


@builtin("layers")
class LSTMCell(_GatedCell):
    """One step of a long short-term memory cell (gate order i, f, c, o).

    Args:
        units: the state and output size.
        activation: the cell and output activation (default tanh).
        recurrent_activation: the gate activation (default sigmoid).
        use_bias: add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        unit_forget_bias: start the forget-gate bias at one (other gates use `bias_initializer`).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: weight penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: weight constraints.
        dropout, recurrent_dropout: drop rates of the inputs and previous state (training only).
        seed: seed of the dropout masks.

    Example:
        >>> out, (h, c) = LSTMCell(4)(np.ones((2, 3)), [np.zeros((2, 4)), np.zeros((2, 4))])
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint,
                         dropout, recurrent_dropout, seed, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]

    def _bias_init(self):
        if self.unit_forget_bias:
            return _forget_bias_one(self.bias_initializer, self.units)
        return self.bias_initializer

    def call(self, inputs, states, training=False):
        h_prev, c_prev = self._tensors(states)[:2]
        x, h_prev = self._masked(inputs, h_prev, training)
        z = knp.matmul(x, self.kernel) + knp.matmul(h_prev, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        z_i, z_f, z_c, z_o = knp.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


@builtin("layers")
class GRUCell(_GatedCell):
    """One step of a gated recurrent unit (gate order z, r, h).

    Args:
        units: the state and output size.
        activation: the candidate activation (default tanh).
        recurrent_activation: the gate activation (default sigmoid).
        use_bias: add biases.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: weight penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: weight constraints.
        dropout, recurrent_dropout: drop rates of the inputs and previous state (training only).
        reset_after: apply the reset gate after the recurrent matmul (bias of shape
            ``(2, 3 * units)``, separate input and recurrent biases); else before it
            (bias of shape ``(3 * units,)``).
        seed: seed of the dropout masks.

    Example:
        >>> out, h = GRUCell(4)(np.ones((2, 3)), np.zeros((2, 4)))
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True, seed=None,
                 **kwargs):
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint,
                         dropout, recurrent_dropout, seed, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        h_prev = self._tensors(states)[0]
        x, h_rec = self._masked(inputs, h_prev, training)
        u = self.units
        x_all = knp.matmul(x, self.kernel)
        if self.bias is not None:
            x_all = x_all + (self.bias[0] if self.reset_after else self.bias)
        x_z, x_r, x_h = knp.split(x_all, 3, axis=-1)
        if self.reset_after:
            rec = knp.matmul(h_rec, self.recurrent_kernel)
            if self.bias is not None:
                rec = rec + self.bias[1]
            r_z, r_r, r_h = knp.split(rec, 3, axis=-1)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            candidate = self.activation(x_h + r * r_h)
        else:
            rec = knp.matmul(h_rec, self.recurrent_kernel[:, :2 * u])
            r_z, r_r = knp.split(rec, 2, axis=-1)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            candidate = self.activation(x_h + knp.matmul(r * h_rec, self.recurrent_kernel[:, 2 * u:]))
        h = z * h_prev + (1 - z) * candidate
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


@builtin("layers")
class StackedRNNCells(Layer):
    """Several cells run as one: each step feeds the output of one cell to the next.

    Args:
        cells: a list of cells (layers with `call(inputs, states)` and `state_size`).

    Example:
        >>> RNN(StackedRNNCells([LSTMCell(8), GRUCell(4)]))(np.ones((2, 5, 3))).shape
        (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(f"`cells` must be a non-empty list of RNN cells; received {cells!r}.")
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError("Every cell in `cells` needs a `call` method and a `state_size` "
                                 f"attribute; received {cell!r}.")
        self.cells = list(cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", None) or as_list(last.state_size)[0]

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            if hasattr(cell, "get_initial_state"):
                states.append(as_list(cell.get_initial_state(batch_size=batch_size)))
            else:
                states.append([knp.zeros((batch_size, d), dtype=self.compute_dtype)
                               for d in as_list(cell.state_size)])
        return states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            size = getattr(cell, "output_size", None) or as_list(cell.state_size)[0]
            shape = shape[:-1] + (size,)

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, state in zip(self.cells, states):
            nested = isinstance(state, (list, tuple))
            state = list(state) if nested else [state]
            kwargs = {"training": training} if getattr(cell, "_call_has_training", False) else {}
            inputs, state = cell.call(inputs, state, **kwargs)
            new_states.append(as_list(state))
        return inputs, new_states

    def get_config(self):
        return {**super().get_config(),
                "cells": [serialization.serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["cells"] = [serialization.deserialize_keras_object(c, custom_objects=custom_objects)
                           for c in config["cells"]]
        return super().from_config(config)
