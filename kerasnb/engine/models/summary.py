"""The terminal `Model.summary()` table: layers, output shapes, parameters, connections, totals."""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.tensors import KerasTensor


def format_bytes(count):
    """``1536`` -> ``'1.50 KB'``."""
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.2f} {unit}"
        count /= 1024.0
    return f"{count:.2f} GB"


def weight_stats(variables):
    """(number of parameters, bytes) of `variables`."""
    count = sum(int(np.prod(v.shape)) for v in variables)
    size = sum(int(np.prod(v.shape)) * dtypes.itemsize(v.dtype) for v in variables)
    return count, size


def _shape_text(outputs):
    shapes = [o.shape for o in outputs if isinstance(o, KerasTensor)]
    if not shapes:
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def layer_rows(model):
    """One row per layer: name (type), output shape, param count, trainable, inbound names."""
    from kerasnb.engine.models.functional import Functional
    from kerasnb.engine.ops.op import flatten
    functional = isinstance(model, Functional)
    in_graph = {id(n) for n in getattr(model, "_nodes", [])}
    rows = []
    for layer in model.layers:
        nodes = layer._inbound_nodes
        if functional:  # the calls of this graph (an InputLayer's own node has no arguments)
            nodes = [n for n in nodes if id(n) in in_graph or not n.args]
        outputs = flatten(nodes[0].outputs) if nodes else []
        inbound = []
        if functional:
            for node in nodes:
                for t in flatten((node.args, node.kwargs)):
                    if isinstance(t, KerasTensor) and getattr(t, "_keras_history", None):
                        source, node_index, tensor_index = t._keras_history
                        inbound.append(f"{source.name}[{node_index}][{tensor_index}]")
        params = weight_stats(layer.weights)[0] if layer.built else 0
        rows.append((f"{layer.name} ({type(layer).__name__})", _shape_text(outputs), params,
                     layer.trainable, inbound))
    return rows


def summary_text(model, line_length=None, show_trainable=False, expand_nested=False, layer_range=None):
    """The summary table of `model` as text."""
    from kerasnb.engine.models.functional import Functional
    rows = layer_rows(model)
    if layer_range is not None:
        names = [r[0].split(" ")[0] for r in rows]
        start, end = (names.index(n) for n in layer_range)
        rows = rows[start:end + 1]
    connected = isinstance(model, Functional)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
    if show_trainable:
        headers.append("Trainable")
    table = []
    for name, shape, params, trainable, inbound in rows:
        cells = [name, shape, f"{params:,}"]
        if connected:
            cells.append(", ".join(inbound) or "-")
        if show_trainable:
            cells.append("Y" if trainable else "N")
        table.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h) for i, h in enumerate(headers)]
    if line_length:
        widths[-1] = max(widths[-1], line_length - sum(widths[:-1]) - 2 * (len(widths) - 1))

    def line(cells):
        return "  ".join(c.rjust(w) if h == "Param #" else c.ljust(w)
                         for c, w, h in zip(cells, widths, headers)).rstrip()

    rule = "─" * (sum(widths) + 2 * (len(widths) - 1))
    out = [f'Model: "{model.name}"', rule, line(headers), rule]
    out += [line(cells) for cells in table] or ["(no layers)"]
    out.append(rule)
    if model.built:
        total = weight_stats(model.weights)
        trainable = weight_stats(model.trainable_weights)
        frozen = weight_stats(model.non_trainable_weights)
        out += [f"Total params: {total[0]:,} ({format_bytes(total[1])})",
                f"Trainable params: {trainable[0]:,} ({format_bytes(trainable[1])})",
                f"Non-trainable params: {frozen[0]:,} ({format_bytes(frozen[1])})"]
    else:
        out.append("The model is not built yet: call it on data or `build(input_shape)` to count its parameters.")
    return "\n".join(out)
