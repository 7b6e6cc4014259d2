"""`RNN`: runs a recurrent cell over the time axis of ``(batch, time, ...)`` sequences.

The loop is `ops.scan` (traceable under `jax.jit` and `tf.function`), or a Python loop
when ``unroll=True``. Masked time steps keep the previous states and output.
"""

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.rnn.cells import DropoutRNNCell, StackedRNNCells, as_list
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.ops.op import flatten, pack
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor, Variable


def _expand_to(mask_t, x):
    """A ``(batch,)`` bool mask reshaped to broadcast against `x`."""
    return knp.reshape(mask_t, (-1,) + (1,) * (len(x.shape) - 1))


def _state_shapes(state_size, batch):
    """Shapes of the (possibly nested) states for a batch size."""
    if isinstance(state_size, (list, tuple)):
        return [_state_shapes(s, batch) for s in state_size]
    size = tuple(state_size) if isinstance(state_size, (list, tuple)) else (state_size,)
    return (batch,) + size


class _StateHolder:
    """Holds the state Variables of a stateful RNN outside the layer's weights (as Keras does:
    they are not part of `weights`/`set_weights`), while `RNN.variables` still lists them."""

    def __init__(self, variables):
        self.variables = list(variables)


@builtin("layers")
class RNN(Layer):
    """A recurrent layer built from a cell.

    Args:
        cell: a cell (``call(inputs, states) -> (output, new_states)`` with `state_size`),
            or a list of cells (stacked with `StackedRNNCells`).
        return_sequences: return the output of every step, ``(batch, time, units)``,
            instead of the last one.
        return_state: also return the final states (after the output).
        go_backwards: process the sequence from last step to first (outputs come in
            processing order).
        stateful: keep the final states of each batch as the initial states of the next
            (needs a fixed batch size); `reset_states` zeroes them.
        unroll: unroll the loop in Python (needs a known number of steps).
        zero_output_for_mask: masked steps output zeros instead of repeating the previous output.

    Call arguments:
        sequences: ``(batch, time, features)``.
        initial_state: a list of initial state tensors; None means zeros.
        mask: ``(batch, time)`` booleans; False steps are skipped.
        training: enables the cell's dropout.

    Example:
        >>> RNN(LSTMCell(4), return_sequences=True)(np.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError("`cell` must have a `call(inputs, states)` method and a `state_size` "
                             f"attribute; received {cell!r}.")
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self._state_holder = None

    @property
    def states(self):
        """The state Variables of a stateful layer (after it is built), else None."""
        return None if self._state_holder is None else self._state_holder.variables

    def _own_state(self):
        return super()._own_state() + (self.states or [])

    @property
    def state_size(self):
        return as_list(self.cell.state_size)

    def _output_size(self):
        size = getattr(self.cell, "output_size", None)
        return as_list(self.cell.state_size)[0] if size is None else size

    def build(self, input_shape):
        step_shape = (input_shape[0],) + tuple(input_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            if input_shape[0] is None:
                raise ValueError(f"RNN {self.name!r} with `stateful=True` needs a fixed batch size; "
                                 f"received input shape {tuple(input_shape)}.")
            if self.states is None:
                zeros = flatten(self.get_initial_state(input_shape[0]))
                self._state_holder = _StateHolder(
                    Variable(s, dtype=self.variable_dtype, trainable=False, name="rnn_state") for s in zeros)

    def get_initial_state(self, batch_size):
        """The zero states for a batch, as a list (nested for stacked cells)."""
        if hasattr(self.cell, "get_initial_state"):
            return as_list(self.cell.get_initial_state(batch_size=batch_size))
        return [knp.zeros((batch_size,) + tuple(as_list(d)), dtype=self.compute_dtype)
                for d in self.state_size]

    def reset_states(self, states=None):
        """Zeroes the states of a stateful layer (or sets them to `states`)."""
        if self.states is None:
            return
        values = [None] * len(self.states) if states is None else flatten(states)
        for variable, value in zip(self.states, values):
            variable.assign(knp.zeros(variable.shape, dtype=variable.dtype) if value is None else value)

    reset_state = reset_states

    # The loop ---------------------------------------------------------------------------

    def _cell_call(self, x, states, training):
        kwargs = {"training": training} if getattr(self.cell, "_call_has_training", False) else {}
        output, new_states = self.cell.call(x, states, **kwargs)
        return output, as_list(new_states)

    def _prepare_dropout(self, cell, x0, states, training):
        if not training:
            return
        if isinstance(cell, DropoutRNNCell):
            cell.get_dropout_mask(x0)
            cell.get_recurrent_dropout_mask(flatten(states)[0])
        elif isinstance(cell, StackedRNNCells):
            for sub, state in zip(cell.cells, states):
                self._prepare_dropout(sub, x0, as_list(state), training)
                kwargs = {"training": training} if getattr(sub, "_call_has_training", False) else {}
                x0, _ = sub.call(x0, as_list(state), **kwargs)

    def _reset_dropout(self, cell):
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        elif isinstance(cell, StackedRNNCells):
            for sub in cell.cells:
                self._reset_dropout(sub)

    def _loop(self, sequences, states, mask, training):
        """Returns ``(last_output, outputs (batch, time, ...), final_states)``."""
        xs = knp.swapaxes(sequences, 0, 1)
        if mask is not None:
            mask = knp.swapaxes(core.cast(mask, "bool"), 0, 1)
        if self.go_backwards:
            xs = knp.flip(xs, axis=0)
            mask = None if mask is None else knp.flip(mask, axis=0)
        zero_out = self.zero_output_for_mask

        def step(carry, inputs):
            old_states, prev_out = carry
            x_t, m_t = inputs if mask is not None else (inputs, None)
            out, new_states = self._cell_call(x_t, old_states, training)
            if m_t is not None:
                flat_new = [knp.where(_expand_to(m_t, n), n, o)
                            for n, o in zip(flatten(new_states), flatten(old_states))]
                new_states = pack(old_states, flat_new)
                out = knp.where(_expand_to(m_t, out), out, knp.zeros_like(out) if zero_out else prev_out)
            return (new_states, out), out

        out0 = None
        if mask is not None:  # the output shape comes from one step of the cell
            out0 = knp.zeros_like(self._cell_call(xs[0], states, training)[0])
        if self.unroll:
            steps = xs.shape[0]
            if steps is None:
                raise ValueError(f"RNN {self.name!r} with `unroll=True` needs a known number of time steps.")
            carry, outputs = (states, out0), []
            for t in range(steps):
                carry, out = step(carry, (xs[t], mask[t]) if mask is not None else xs[t])
                outputs.append(out)
            outputs = knp.stack(outputs, axis=0)
        else:
            if out0 is None:  # scan needs a fixed carry structure: carry no output
                def plain(carry, x_t):
                    out, new_states = self._cell_call(x_t, carry, training)
                    return pack(carry, flatten(new_states)), out
                final, outputs = core.scan(plain, states, xs)
                carry = (final, None)
            else:
                carry, outputs = core.scan(step, (states, out0), (xs, mask))
        final_states = carry[0]
        return outputs[-1], knp.swapaxes(outputs, 0, 1), final_states

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if self.stateful and self.states is not None:
            expected = self.states[0].shape[0]
            if sequences.shape[0] is not None and sequences.shape[0] != expected:
                raise ValueError(f"Stateful RNN {self.name!r} expects batch size {expected}; "
                                 f"received inputs of shape {tuple(sequences.shape)}.")
        if initial_state is None:
            if self.stateful:
                initial_state = pack(self.get_initial_state(sequences.shape[0]), [v.value for v in self.states])
            else:
                initial_state = self.get_initial_state(core.shape(sequences)[0])
        initial_state = [core.cast(core.convert_to_tensor(s), self.cell.compute_dtype)
                         if not isinstance(s, (list, tuple)) else
                         [core.cast(core.convert_to_tensor(v), self.cell.compute_dtype) for v in s]
                         for s in as_list(initial_state)]
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        self._prepare_dropout(self.cell, sequences[:, 0], initial_state, training)
        try:
            last, outputs, states = self._loop(sequences, initial_state, mask, training)
        finally:
            self._reset_dropout(self.cell)
        if self.stateful:
            for variable, value in zip(self.states, flatten(states)):
                variable.assign(value)
        output = outputs if self.return_sequences else last
        output = core.cast(output, self.compute_dtype)
        if self.return_state:
            return [output] + [core.cast(s, self.compute_dtype) if not isinstance(s, (list, tuple))
                               else [core.cast(v, self.compute_dtype) for v in s] for s in states]
        return output

    # Shapes, masks, config ----------------------------------------------------------------

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        size = self._output_size()
        size = tuple(size) if isinstance(size, (list, tuple)) else (size,)
        output = (batch, steps) + size if self.return_sequences else (batch,) + size
        if self.return_state:
            return [output] + _state_shapes(self.state_size, batch)
        return output

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=False):
        if self.unroll and sequences.shape[1] is None:
            raise ValueError(f"RNN {self.name!r} with `unroll=True` needs a known number of time steps; "
                             f"received input shape {tuple(sequences.shape)}.")
        shapes = self.compute_output_shape(tuple(sequences.shape))
        if not self.return_state:
            return KerasTensor(shapes, self.compute_dtype)

        def spec(s):
            return [spec(v) for v in s] if isinstance(s, list) else KerasTensor(s, self.compute_dtype)
        return [spec(s) for s in shapes]

    def compute_mask(self, inputs, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(flatten(self.state_size))
        return output_mask

    def get_config(self):
        config = {**super().get_config(), "return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards,
                  "stateful": self.stateful, "unroll": self.unroll,
                  "zero_output_for_mask": self.zero_output_for_mask}
        if type(self) is RNN:
            config["cell"] = serialization.serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if cls is RNN:
            config["cell"] = serialization.deserialize_keras_object(config["cell"], custom_objects=custom_objects)
        return super().from_config(config)
