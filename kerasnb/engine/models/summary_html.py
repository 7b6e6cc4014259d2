"""Static HTML views for notebooks: the `_repr_html_` of models, layers, variables,
KerasTensors and `History`.

A model's view is `Model.summary()` as a table (torchinfo-like columns: layer and type,
output shape, parameters, share of parameters, trainable, dtype, and inputs for functional
graphs), with the parameter totals and their byte sizes; nested models fold out of a
``<details>`` element. Views are plain XHTML (no script), so they render wherever a saved
notebook is shown.

Example:
    >>> html = model_html(model)  # what Jupyter shows for `model`  # doctest: +SKIP
"""

import numpy as np

from kerasnb.engine.models import summary
from kerasnb.engine.models.model import Model
from kerasnb.engine.ops.op import flatten
from kerasnb.engine.utils.html import element, escape, sparkline, table, view

_PREVIEW = dict(threshold=24, edgeitems=3, precision=4, max_line_width=72)
_HISTORY_HEAD, _HISTORY_TAIL = 10, 20


def _title(text, note=""):
    note = f' <span class="muted">{escape(note)}</span>' if note else ""
    return element("div", escape(text) + note, cls="title")


def _columns(model):
    columns = ["Layer (type)", "Output shape", "Param #", "% params", "Trainable", "Dtype"]
    return columns + (["Connected to"] if summary.is_functional(model) else [])


def _rows_html(model, total):
    """The ``<tr>`` rows of `model`'s layers; a nested model's own table folds out below it."""
    columns = _columns(model)
    out = []
    for row in summary.layer_rows(model):
        if row.layer.built:
            params, share = f"{row.params:,}", f"{100 * row.params / total:.1f}%" if total else "-"
        else:
            params, share = (element("span", "unbuilt", cls="muted"),), "-"
        cells = [row.label, row.output_shape, params, share, "yes" if row.trainable else "no", row.dtype]
        if len(columns) == 7:
            cells.append(", ".join(row.connected_to) or "-")
        out.append(element("tr", "".join(
            element("td", c[0] if isinstance(c, tuple) else escape(c), cls="num" if i in (2, 3) else None)
            for i, c in enumerate(cells))))
        inner = row.layer.layers if isinstance(row.layer, Model) else []
        if inner:
            count = f"{len(inner)} layer{'s' if len(inner) != 1 else ''}"
            fold = element("details", element("summary", escape(f"{row.name}: {count}"))
                           + _layer_table(row.layer, total))
            out.append(element("tr", element("td", fold, cls="nested", colspan=len(columns))))
    return out


def _layer_table(model, total):
    columns = _columns(model)
    head = element("tr", "".join(element("th", escape(c), cls="num" if i in (2, 3) else None)
                                 for i, c in enumerate(columns)))
    return element("table", element("thead", head) + element("tbody", "".join(_rows_html(model, total))))


def _totals(layer):
    return table(["Parameters", "Count (size)"],
                 [[title, summary.params_text(stats)] for title, stats in summary.totals(layer)],
                 numeric=(1,))


def _quantization(report):
    """The quantized layers: mode and weight bytes before and after, with the model's totals."""
    rows, (before, after) = report
    cells = [[layer.name, mode, summary.format_bytes(b), summary.format_bytes(a), f"{b / a:.2f}x" if a else "-"]
             for layer, mode, b, a in rows]
    cells.append([("<b>model</b>",), "", summary.format_bytes(before), summary.format_bytes(after),
                  f"{before / after:.2f}x" if after else "-"])
    return table(["Quantized layer", "Mode", "Weights before", "Weights after", "Smaller by"], cells,
                 numeric=(2, 3, 4), caption=summary.quantization_text(report))


def model_html(model):
    """The summary of `model` as an HTML table, with totals (or a note if it is unbuilt), and
    the weight bytes before and after quantization when it has quantized layers."""
    total = summary.weight_stats(model.weights)[0] if model.built else 0
    parts = [_title(f'Model: "{model.name}"', f"({type(model).__name__})")]
    parts.append(_layer_table(model, total) if summary.sublayers(model)
                 else element("div", "(no layers)", cls="muted"))
    parts.append(_totals(model) if model.built else element("div", escape(summary.UNBUILT), cls="muted"))
    report = summary.quantization_report(model) if model.built else None
    if report is not None:
        parts.append(_quantization(report))
    return view("".join(parts))


def layer_html(layer):
    """A layer's view: its row of the summary, its weights, its sublayers and totals."""
    node = layer._inbound_nodes[:1]
    shape = summary.shape_text(flatten(node[0].outputs) if node else [])
    params = summary.weight_stats(layer.weights)[0] if layer.built else 0
    parts = [_title(f"{layer.name} ({type(layer).__name__})", "" if layer.built else "not built"),
             table(["Output shape", "Param #", "Trainable", "Dtype"],
                   [[shape, f"{params:,}", "yes" if layer.trainable else "no", summary.dtype_text(layer)]],
                   numeric=(1,))]
    if not layer.built:
        parts.append(element("div", "The layer creates its weights on its first call.", cls="muted"))
        return view("".join(parts))
    if layer.weights:
        parts.append(table(["Weight", "Shape", "Dtype", "Param #", "Trainable"],
                           [[v.path, str(v.shape), v.dtype, f"{int(np.prod(v.shape)):,}",
                             "yes" if v.trainable else "no"] for v in layer.weights], numeric=(3,)))
    if summary.sublayers(layer):
        parts.append(element("details", element("summary", "Sublayers") + _layer_table(layer, params)))
    if layer.weights:
        parts.append(_totals(layer))
    return view("".join(parts))


def _stats(values):
    finite = values[np.isfinite(values)]
    stats = [("NaN / Inf", f"{np.isnan(values).sum():,} / {np.isinf(values).sum():,}")]
    if finite.size:
        stats = [("mean", f"{finite.mean():.4g}"), ("std", f"{finite.std():.4g}"),
                 ("min", f"{finite.min():.4g}"), ("max", f"{finite.max():.4g}")] + stats
    return stats


def variable_html(variable):
    """A variable's view: path, shape, dtype, trainable, a few statistics and its values."""
    value = variable.numpy()
    rows = [("shape", str(variable.shape)), ("dtype", variable.dtype),
            ("trainable", "yes" if variable.trainable else "no"),
            ("size", f"{value.size:,} ({summary.format_bytes(value.size * value.dtype.itemsize)})")]
    if value.size and value.dtype.kind in "biuf":
        rows += _stats(value.astype(np.float64))
    preview = np.array2string(value, **_PREVIEW)
    return view(_title(f"Variable {variable.path}") + table(None, rows)
                + element("pre", escape(preview)))


def keras_tensor_html(tensor):
    """A KerasTensor's view: shape, dtype and the layer (or op) that produces it."""
    rows = [("shape", str(tensor.shape)), ("dtype", tensor.dtype)]
    if tensor.sparse:
        rows.append(("sparse", "yes"))
    rows.append(("produced by", _producer(tensor)))
    name = f" {tensor.name}" if tensor.name else ""
    return view(_title(f"KerasTensor{name}", "(symbolic)") + table(None, rows))


def _producer(tensor):
    history = getattr(tensor, "_keras_history", None)
    if history:
        layer, node_index, tensor_index = history
        return f"{layer.name} ({type(layer).__name__}), call {node_index}, output {tensor_index}"
    if tensor.history is not None:
        operation = tensor.history.operation
        return f"op {getattr(operation, '__name__', type(operation).__name__)}"
    return "-"


def _cell(value):
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)


def history_html(history):
    """`History` as a table: one row per epoch, one column per log key, a sparkline per key.

    Epochs are numbered from 1, as in the progress bar. Long histories show their first and
    last epochs only (the sparklines cover all of them).
    """
    keys = list(history.history)
    count = max((len(v) for v in history.history.values()), default=0)
    if not count:
        return view(_title("History", "no epochs recorded yet"))
    epochs = list(history.epoch) if len(history.epoch) == count else list(range(count))

    def numeric(key):
        try:
            return [float(v) for v in history.history[key]]
        except (TypeError, ValueError):
            return []

    trend = [("trend",)] + [(sparkline(numeric(k)),) for k in keys]
    indices = list(range(count))
    if count > _HISTORY_HEAD + _HISTORY_TAIL:
        indices = indices[:_HISTORY_HEAD] + [None] + indices[-_HISTORY_TAIL:]
    rows = [trend]
    for i in indices:
        if i is None:
            rows.append([f"... {count - _HISTORY_HEAD - _HISTORY_TAIL} more"] + [""] * len(keys))
            continue
        rows.append([str(epochs[i] + 1)] + [_cell(history.history[k][i]) if i < len(history.history[k])
                                           else "" for k in keys])
    note = f"{count} epoch{'s' if count != 1 else ''}"
    return view(_title("History", note) + table(["epoch"] + keys, rows, numeric=range(len(keys) + 1)))
