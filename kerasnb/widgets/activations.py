"""`LayerInspector`: every layer's activations for one sample of the data, and the prediction.

Example:
    >>> import numpy as np, kerasnb as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])
    >>> LayerInspector(model, np.zeros((5, 3), "float32"))
    LayerInspector: 1 layer, 5 samples
"""

import html

import numpy as np

from kerasnb import tree
from kerasnb.engine.utils.html import table
from kerasnb.layers import InputLayer
from kerasnb.models import Model
from kerasnb.ops import convert_to_numpy
from kerasnb.widgets import images, svg
from kerasnb.widgets.display import InspectorDisplay, figure, panel
from kerasnb.widgets.stats import tensor_stats

INPUT = "input"


class LayerInspector(InspectorDisplay):
    """Shows what each layer of a model computes for one sample of `x`.

    The view has a slider over the samples of `x` and a layer picker; for the chosen sample
    it shows the input, the prediction (top classes for a vector output), a table of every
    layer's output statistics, and the chosen layer's output: bars for vectors, a heatmap
    for sequences and matrices, a grid of channels for feature maps (channels last).

    Activations come from a Functional model over the layers' symbolic outputs, so the
    model must be Functional or Sequential (an unbuilt Sequential is built on the first
    sample). Layers called more than once (shared layers) are left out.

    Args:
        model: a Functional or Sequential `kerasnb.Model`.
        x: the inputs: an array whose first axis indexes samples, or a list/dict of such
            arrays for a model with several inputs.
        y: optional true labels (class indices or one-hot rows), shown with the prediction.
        class_names: optional names of the output classes.
        top_k: how many classes the prediction lists.
        max_channels: the most feature-map channels drawn.
        max_cells: the most rows and columns of a heatmap.

    Example:
        >>> LayerInspector(model, x_test[:100], y=y_test[:100])
    """

    def __init__(self, model, x, y=None, class_names=None, top_k=5, max_channels=16,
                 max_cells=128):
        if not hasattr(model, "layers"):
            raise TypeError(f"`model` must be a kerasnb Model; received {model!r}.")
        for name, value in (("top_k", top_k), ("max_channels", max_channels),
                            ("max_cells", max_cells)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive int; received {value!r}.")
        self.model, self.x = model, tree.map_structure(np.asarray, x)
        leaves = tree.flatten(self.x)
        if not leaves or leaves[0].ndim == 0 or leaves[0].shape[0] == 0:
            raise ValueError("`x` must hold at least one sample along its first axis; received "
                             f"shapes {[leaf.shape for leaf in leaves]}.")
        self.num_samples = int(leaves[0].shape[0])
        self.y = None if y is None else np.asarray(y)
        if self.y is not None and len(self.y) != self.num_samples:
            raise ValueError(f"`y` must have one label per sample ({self.num_samples}); "
                             f"received {len(self.y)}.")
        self.class_names = None if class_names is None else [str(c) for c in class_names]
        self.top_k, self.max_channels, self.max_cells = top_k, max_channels, max_cells
        self._extractor, self._layers, self._counts = self._build_extractor()
        self._sample, self._layer = 0, self._layers[0].name if self._layers else INPUT
        self._cache = (None, None)

    def _sample_inputs(self, index):
        return tree.map_structure(lambda a: a[index:index + 1], self.x)

    def _build_extractor(self):
        """A Functional model returning every layer's output, then the model's outputs."""
        if getattr(self.model, "inputs", None) is None and hasattr(self.model, "add"):
            self.model(self._sample_inputs(0))  # builds an unbuilt Sequential
        inputs = getattr(self.model, "inputs", None)
        if not inputs:
            raise ValueError(f"LayerInspector needs a Functional or Sequential model with "
                             f"symbolic inputs; received {type(self.model).__name__} "
                             f"{self.model.name!r}, which has none (subclassed models are "
                             f"not supported).")
        layers, outputs, counts = [], [], []
        for layer in self.model.layers:
            if isinstance(layer, InputLayer):
                continue
            try:
                flat = tree.flatten(layer.output)
            except (AttributeError, ValueError):  # shared layers have no single output
                continue
            layers.append(layer)
            outputs.extend(flat)
            counts.append(len(flat))
        outputs.extend(tree.flatten(self.model.outputs))
        return Model(inputs, outputs), layers, counts

    def __repr__(self):
        n = len(self._layers)
        return (f"LayerInspector: {n} layer{'s' * (n != 1)}, {self.num_samples} "
                f"sample{'s' * (self.num_samples != 1)}")

    @property
    def layer_names(self):
        """The inspected layers, in model order (``"input"`` names the input itself)."""
        return [layer.name for layer in self._layers]

    def activations(self, sample):
        """Each layer's output for one sample, without the batch axis.

        Args:
            sample: the index of the sample in `x`.

        Returns:
            A dict from layer name to a numpy array (a list of arrays for a layer with
            several outputs).
        """
        return self._compute(sample)[0]

    def prediction(self, sample):
        """The model's (first) output for one sample, without the batch axis."""
        return self._compute(sample)[1]

    def _compute(self, sample):
        if not isinstance(sample, (int, np.integer)) or not 0 <= sample < self.num_samples:
            raise ValueError(f"`sample` must be an int in [0, {self.num_samples}); "
                             f"received {sample!r}.")
        if self._cache[0] == sample:
            return self._cache[1]
        flat = [np.asarray(convert_to_numpy(t))[0]
                for t in tree.flatten(self._extractor(self._sample_inputs(sample)))]
        found, start = {}, 0
        for layer, count in zip(self._layers, self._counts):
            found[layer.name] = flat[start] if count == 1 else flat[start:start + count]
            start += count
        result = (found, flat[start])
        self._cache = (sample, result)
        return result

    def select(self, sample=None, layer=None):
        """Chooses the sample and the layer shown; returns the inspector."""
        if sample is not None:
            self._compute(sample)
            self._sample = int(sample)
        if layer is not None:
            names = [INPUT] + self.layer_names
            if layer not in names:
                raise ValueError(f"`layer` must be one of {names}; received {layer!r}.")
            self._layer = layer
        self._sync_widget()
        return self

    def html(self):
        found, output = self._compute(self._sample)
        heading = f"<b>sample {self._sample}</b> of {self.num_samples}"
        parts = ["<div>", figure("input", self._input_html()),
                 figure("prediction", self._prediction_html(output)), "</div>"]
        rows = []
        for layer in self._layers:
            for i, value in enumerate(_as_list(found[layer.name])):
                s = tensor_stats(value)
                name = layer.name + (f"[{i}]" if isinstance(found[layer.name], list) else "")
                mark = "▶ " if layer.name == self._layer else ""
                rows.append([mark + name, type(layer).__name__, s["shape"], svg.fmt(s["mean"]),
                             svg.fmt(s["std"]), svg.fmt(s["min"]), svg.fmt(s["max"]),
                             f"{s['zero_fraction']:.0%}"])
        parts.append(table(["layer", "type", "shape", "mean", "std", "min", "max", "zeros"],
                           rows, numeric=range(3, 8), caption="activations"))
        if self._layer != INPUT:
            for i, value in enumerate(_as_list(found[self._layer])):
                parts.append(figure(f"{self._layer} output {i}" if i else f"{self._layer} output",
                                    self._activation_html(value, self._layer)))
        return panel("layer-inspector", heading, parts)

    def _input_html(self):
        parts = []
        for i, leaf in enumerate(tree.flatten(self.x)):
            value = leaf[self._sample].astype(np.float64)
            image_like = value.ndim == 2 or (value.ndim == 3 and value.shape[2] in (1, 3))
            if image_like and min(value.shape[:2]) > 1:
                parts.append(images.img_tag(images.image_png(value), f"input {i}"))
            else:
                parts.append(self._activation_html(value, f"input {i}"))
        return "".join(parts)

    def _activation_html(self, value, name):
        value = np.asarray(value, dtype=np.float64)
        if value.ndim == 0:
            return f"<div>{svg.fmt(value)}</div>"
        if value.ndim == 1:
            return svg.column_bars_svg(value, title=name)
        if value.ndim == 2:
            return images.img_tag(images.heatmap_png(value, self.max_cells), f"{name} heatmap")
        maps = np.moveaxis(value[..., :self.max_channels], -1, 0)
        if maps.ndim > 3:
            maps = maps.mean(axis=tuple(range(1, maps.ndim - 2)))
        tiles = np.stack([images.downsample(m, self.max_cells // 2) for m in maps])
        lo, hi = images.finite_range(tiles)
        return (f"<div style='font-size:11px;color:#777'>first {len(tiles)} of "
                f"{value.shape[-1]} channels, scale {svg.fmt(lo)} … {svg.fmt(hi)}</div>"
                + images.img_tag(images.tile_grid_png(tiles, target=64), f"{name} channels"))

    def _prediction_html(self, output):
        output = np.asarray(output, dtype=np.float64).ravel()
        truth = self._true_label()
        if output.size == 1:
            text = f"output {svg.fmt(output[0])}"
            if truth is not None:
                text += f" · true {truth}"
            return f"<div>{html.escape(text)}</div>"
        order = np.argsort(-np.nan_to_num(output, nan=-np.inf), kind="stable")[:self.top_k]
        labels = [self._class_name(i) for i in order]
        probabilities = (output.min() >= 0) and abs(output.sum() - 1) < 1e-3
        text = f"predicted {labels[0]}" + (f" · true {self._class_name(truth)}"
                                           if truth is not None else "")
        return (f"<div style='font-size:12px'>{html.escape(text)} "
                f"({'probabilities' if probabilities else 'scores'})</div>"
                + svg.labeled_bars_svg(labels, output[order], title="top classes"))

    def _true_label(self):
        if self.y is None:
            return None
        label = np.asarray(self.y[self._sample])
        if label.ndim and label.size > 1:
            return int(np.argmax(label))
        label = label.item()
        return int(label) if float(label).is_integer() else label

    def _class_name(self, index):
        if self.class_names is not None and isinstance(index, (int, np.integer)) \
                and 0 <= index < len(self.class_names):
            return self.class_names[index]
        return str(index)

    def _build_widget(self):
        import ipywidgets as widgets
        self._slider = widgets.IntSlider(description="sample", min=0, max=self.num_samples - 1,
                                         continuous_update=False)
        self._selector = widgets.Dropdown(description="layer",
                                          options=[INPUT] + self.layer_names)
        return self._assemble([self._slider, self._selector])

    def _read_controls(self):
        self._sample, self._layer = self._slider.value, self._selector.value

    def _write_controls(self):
        self._slider.value, self._selector.value = self._sample, self._layer


def _as_list(value):
    return value if isinstance(value, list) else [value]
