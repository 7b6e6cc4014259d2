"""ONNX translators of whole recurrent layers: `SimpleRNN`, `LSTM` and `GRU` (also as
`RNN(cell)` and inside `Bidirectional`) become ONNX `RNN`, `LSTM` and `GRU` nodes.

Keras packs the gates as LSTM (i, f, c, o) and GRU (z, r, h); ONNX wants LSTM (i, o, f, c)
and GRU (z, r, h), kernels transposed. `go_backwards` runs forwards over the reversed
sequence, so outputs come in processing order as in Keras. Masks and stateful layers are
not exported (a clear error).
"""

import numpy as np

from kerasnb.engine import activations
from kerasnb.engine.export.onnx.registry import translates_layer
from kerasnb.engine.export.onnx.graph import INT64_MIN
from kerasnb.engine.layers.rnn.cells import GRUCell, LSTMCell, SimpleRNNCell
from kerasnb.engine.layers.rnn.rnn import RNN
from kerasnb.engine.ops.op import flatten

# Keras activation name -> (ONNX activation, alpha, beta); alpha/beta None when unused.
ACTIVATIONS = {
    "tanh": ("Tanh", None, None), "sigmoid": ("Sigmoid", None, None), "relu": ("Relu", None, None),
    "hard_sigmoid": ("HardSigmoid", 1 / 6, 0.5), "linear": ("Affine", 1.0, 0.0),
    "softsign": ("Softsign", None, None), "softplus": ("Softplus", None, None), "elu": ("Elu", 1.0, None),
}
CELLS = {SimpleRNNCell: "RNN", LSTMCell: "LSTM", GRUCell: "GRU"}
LSTM_ORDER = (0, 3, 1, 2)  # Keras i, f, c, o -> ONNX i, o, f, c


def _activation_attrs(functions):
    names, alphas, betas = [], [], []
    for fn in functions:
        name = activations.serialize(fn)
        if not isinstance(name, str) or name not in ACTIVATIONS:
            raise NotImplementedError(
                f"recurrent activation {name!r} (ONNX recurrent ops take {', '.join(sorted(ACTIVATIONS))})")
        onnx_name, alpha, beta = ACTIVATIONS[name]
        names.append(onnx_name)
        alphas.append(alpha)
        betas.append(beta)
    attrs = {"activations": names}
    if any(a is not None for a in alphas):
        attrs["activation_alpha"] = [0.0 if a is None else float(a) for a in alphas]
    if any(b is not None for b in betas):
        attrs["activation_beta"] = [0.0 if b is None else float(b) for b in betas]
    return attrs


def _gates(matrix, units, order):
    """Columns regrouped by gate `order`, transposed to ONNX's (gates * units, inputs)."""
    blocks = [matrix[..., i * units:(i + 1) * units] for i in order]
    return np.concatenate(blocks, axis=-1).T


def _weights(cell, kind):
    """ONNX ``W``, ``R``, ``B`` arrays (with the leading direction axis) for `cell`."""
    units = cell.units
    kernel, recurrent = cell.kernel.numpy(), cell.recurrent_kernel.numpy()
    bias = None if cell.bias is None else cell.bias.numpy()
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[kind]
    order = LSTM_ORDER if kind == "LSTM" else tuple(range(gates))
    w, r = _gates(kernel, units, order), _gates(recurrent, units, order)
    if bias is None:
        b = np.zeros((2 * gates * units,), kernel.dtype)
    elif kind == "GRU" and cell.reset_after:
        b = np.concatenate([bias[0], bias[1]])
    else:
        b = np.concatenate([_gates(bias, units, order).reshape(-1), np.zeros_like(bias)])
    return w[None], r[None], b[None]


@translates_layer(RNN)
def recurrent_layer(g, out, layer, sequences, initial_state=None, mask=None, training=None):
    cell = layer.cell
    kind = CELLS.get(type(cell))
    if kind is None:
        raise NotImplementedError(f"cell {type(cell).__name__} (SimpleRNN, LSTM and GRU cells translate)")
    if mask is not None:
        raise NotImplementedError("masked sequences (remove the mask, e.g. `mask_zero`/`Masking`)")
    if layer.stateful:
        raise NotImplementedError("stateful recurrent layers")
    dtype = layer.compute_dtype
    outputs = flatten(out)
    x = g.transpose(g.value(sequences, dtype), [1, 0, 2])  # (time, batch, features)
    if layer.go_backwards:
        x = g.node("Slice", [x, g.ints([-1]), g.ints([INT64_MIN]), g.ints([0]), g.ints([-1])], dtype)
    names = (cell.kernel.path, cell.recurrent_kernel.path, cell.bias.path if cell.use_bias else f"{cell.path}/bias")
    w, r, b = (g.const(a.astype(np.dtype(dtype)), hint=name) for a, name in zip(_weights(cell, kind), names))
    inputs = [x, w, r, b, ""]
    states = [] if initial_state is None else flatten(initial_state)
    inputs += [g.unsqueeze(g.value(s, dtype), [0]) for s in states]
    while inputs[-1] == "":
        inputs.pop()
    functions = [cell.activation]
    if kind != "RNN":
        functions = [cell.recurrent_activation, cell.activation] + ([cell.activation] if kind == "LSTM" else [])
    attrs = _activation_attrs(functions)
    if kind == "GRU":
        attrs["linear_before_reset"] = int(cell.reset_after)
    count = 3 if kind == "LSTM" else 2
    results = g.node(kind, inputs, dtype, outputs=count, hidden_size=cell.units, direction="forward", **attrs)
    sequence, final = results[0], results[1:]
    if layer.return_sequences:
        main = g.transpose(g.squeeze(sequence, [1]), [1, 0, 2])
    else:
        main = g.squeeze(final[0], [0])
    if not layer.return_state:
        return main
    return [main] + [g.squeeze(s, [0]) for s in final][:len(outputs) - 1]
