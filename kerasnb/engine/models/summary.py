"""The rows of a model summary, and `Model.summary()`'s text table.

`layer_rows` is the one row model behind both the terminal table (`summary_text`) and the
notebook HTML view (`summary_html`).
"""

from dataclasses import dataclass, field

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


def params_text(stats):
    """``(1234, 4936)`` -> ``'1,234 (4.82 KB)'``."""
    return f"{stats[0]:,} ({format_bytes(stats[1])})"


@dataclass
class Row:
    """One layer of a summary.

    Attributes:
        layer: the layer itself (a nested model can be expanded from it).
        name, kind: the layer's name and class name.
        output_shape: the output shape(s) as text, ``"?"`` when unknown.
        params: the layer's parameter count (0 while unbuilt).
        trainable: the layer's `trainable` flag.
        dtype: the dtype policy name (an input layer's dtype).
        connected_to: ``"name[node][tensor]"`` of each input (functional graphs only).
        depth: 0 for the model's own layers, 1 for layers of a nested model, ...
    """

    layer: object
    name: str
    kind: str
    output_shape: str
    params: int
    trainable: bool
    dtype: str
    connected_to: list = field(default_factory=list)
    depth: int = 0

    @property
    def label(self):
        return f"{self.name} ({self.kind})"


def is_functional(model):
    from kerasnb.engine.models.functional import Functional
    return isinstance(model, Functional)


def sublayers(layer):
    """A model's `layers`, or the layers a plain layer holds."""
    from kerasnb.engine.models.model import Model
    return layer.layers if isinstance(layer, Model) else layer._layers


def calls(model, layer):
    """The symbolic calls (nodes) of `layer` that belong to `model`'s graph."""
    from kerasnb.engine.models.sequential import Sequential
    nodes = layer._inbound_nodes
    if is_functional(model):  # the calls of this graph (an InputLayer's own node has no arguments)
        in_graph = {id(n) for n in model._nodes}
        return [n for n in nodes if id(n) in in_graph or not n.args]
    if isinstance(model, Sequential):  # a rebuilt stack calls its layers again; the last call counts
        return nodes[-1:]
    return nodes[:1]


def shape_text(tensors):
    """The shape of one KerasTensor, or the list of shapes of several, as text."""
    shapes = [t.shape for t in tensors if isinstance(t, KerasTensor)]
    if not shapes:
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def dtype_text(layer):
    from kerasnb.engine.layers.input_layer import InputLayer
    return layer.dtype if isinstance(layer, InputLayer) else layer.dtype_policy.name


def layer_rows(model, expand_nested=False, depth=0):
    """One `Row` per layer of `model`, in order; with `expand_nested`, each nested model's
    rows follow its own row (with ``depth + 1``)."""
    from kerasnb.engine.ops.op import flatten
    functional = is_functional(model)
    rows = []
    for layer in sublayers(model):
        nodes = calls(model, layer)
        inbound = []
        if functional:
            for node in nodes:
                for t in flatten((node.args, node.kwargs)):
                    if isinstance(t, KerasTensor) and getattr(t, "_keras_history", None):
                        source, node_index, tensor_index = t._keras_history
                        inbound.append(f"{source.name}[{node_index}][{tensor_index}]")
        rows.append(Row(layer, layer.name, type(layer).__name__,
                        shape_text(flatten(nodes[0].outputs) if nodes else []),
                        weight_stats(layer.weights)[0] if layer.built else 0,
                        layer.trainable, dtype_text(layer), inbound, depth))
        if expand_nested and sublayers(layer):
            rows += layer_rows(layer, expand_nested=True, depth=depth + 1)
    return rows


def totals(model):
    """``[(title, (count, bytes)), ...]`` for all, trainable and non-trainable parameters."""
    return [("Total params", weight_stats(model.weights)),
            ("Trainable params", weight_stats(model.trainable_weights)),
            ("Non-trainable params", weight_stats(model.non_trainable_weights))]


def quantization_report(model):
    """``(rows, (bytes before, bytes after))`` when `model` holds quantized layers, else None.

    Each row is ``(layer, mode, bytes before, bytes after)`` for a quantized layer: its weights
    in its float policy versus as stored now. The totals cover all of `model`'s weights.
    """
    rows = []
    for layer in model._flatten_layers(include_self=False):
        mode = layer.quantization_mode if layer.built else None
        before = layer._float_weight_bytes() if mode is not None else None
        if before is not None:
            rows.append((layer, mode, before, weight_stats(layer.weights)[1]))
    if not rows:
        return None
    after = weight_stats(model.weights)[1]
    return rows, (after + sum(r[2] - r[3] for r in rows), after)


def quantization_text(report):
    """``'Quantized: 2 layers (int8); weights 37.54 KB -> 10.33 KB (3.63x smaller)'``."""
    rows, (before, after) = report
    modes = ", ".join(sorted({mode for _, mode, _, _ in rows}))
    ratio = f"{before / after:.2f}x smaller" if after <= before else f"{after / before:.2f}x larger"
    plural = "s" if len(rows) != 1 else ""
    return (f"Quantized: {len(rows)} layer{plural} ({modes}); weights {format_bytes(before)} -> "
            f"{format_bytes(after)} ({ratio})")


UNBUILT = "The model is not built yet: call it on data or `build(input_shape)` to count its parameters."


def summary_text(model, line_length=None, show_trainable=False, expand_nested=False, layer_range=None):
    """The summary table of `model` as text."""
    rows = layer_rows(model, expand_nested=expand_nested)
    if layer_range is not None:
        names = [r.name if r.depth == 0 else None for r in rows]
        start, end = (names.index(n) for n in layer_range)
        rows = rows[start:end + 1]
    connected = is_functional(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
    if show_trainable:
        headers.append("Trainable")
    table = []
    for row in rows:
        cells = ["  " * row.depth + row.label, row.output_shape, f"{row.params:,}"]
        if connected:
            cells.append(", ".join(row.connected_to) or "-")
        if show_trainable:
            cells.append("Y" if row.trainable else "N")
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
        out += [f"{title}: {params_text(stats)}" for title, stats in totals(model)]
        report = quantization_report(model)
        if report is not None:
            out.append(quantization_text(report))
    else:
        out.append(UNBUILT)
    return "\n".join(out)
