"""`WeightInspector`: a model's variables (stats, histogram, heatmaps) and how they change.

Example:
    >>> import kerasnb as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> inspector = WeightInspector(model)
    >>> inspector
    WeightInspector: 2 variables in 1 layer
"""

import html

import numpy as np

from kerasnb.callbacks import Callback
from kerasnb.engine.utils.html import table
from kerasnb.ops import convert_to_numpy
from kerasnb.widgets import images, svg
from kerasnb.widgets.display import InspectorDisplay, figure, panel
from kerasnb.widgets.stats import STAT_LABELS, histogram, tensor_stats

_MAX_OVERVIEW_ROWS = 200
_TREND_KEYS = ("mean", "std", "l2_norm")


def kernel_tiles(kernel, max_filters=16):
    """The first filters of a convolution kernel as 2-D tiles.

    The last axis of `kernel` indexes filters. A 3-D (1-D conv) kernel gives tiles of
    (kernel position, input channel); higher ranks are averaged over the input channels
    and any leading spatial axes, leaving the last two spatial axes.

    Args:
        kernel: an array of rank >= 3, e.g. ``(kh, kw, in, out)``.
        max_filters: the most tiles returned.

    Returns:
        A float64 array of shape ``(min(out, max_filters), a, b)``.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim < 3:
        raise ValueError(f"`kernel` must have rank >= 3; received shape {kernel.shape}.")
    if not isinstance(max_filters, int) or max_filters < 1:
        raise ValueError(f"`max_filters` must be a positive int; received {max_filters!r}.")
    tiles = np.moveaxis(kernel[..., :max_filters], -1, 0)
    if tiles.ndim == 3:
        return tiles
    reduce = (tiles.ndim - 1,) + tuple(range(1, tiles.ndim - 3))
    return tiles.mean(axis=reduce)


def _picture(values, max_cells, max_filters):
    """The reduced array drawn for a variable: a bar vector, a heatmap or conv tiles."""
    if values.ndim == 1:
        return images.downsample(values[None, :], max_cells)[0].astype(np.float32)
    if values.ndim == 2:
        return images.downsample(values, max_cells).astype(np.float32)
    if values.ndim >= 3:
        tiles = kernel_tiles(values, max_filters)
        return np.stack([images.downsample(t, 64) for t in tiles]).astype(np.float32)
    return None


class WeightInspector(InspectorDisplay, Callback):
    """Explores a model's variables, now and across training epochs.

    The view shows, for the chosen variable, a stats table (shape, mean, std, min, max,
    L2 norm, fraction of zeros, NaN and Inf counts), a histogram, a picture (bars for
    vectors, a heatmap for matrices, a grid of the first filters for convolution kernels)
    and, once epochs are recorded, the mean, std and L2 norm per epoch. An overview table
    lists every variable.

    Pass it to `fit(callbacks=[...])` to record a snapshot after every epoch (index 0 is
    the weights when the inspector was created or training started). A snapshot keeps
    statistics, histogram counts and a downsampled picture per variable (at most
    ``max_cells**2`` numbers), never full copies of the weights.

    Args:
        model: a built or unbuilt `kerasnb.Model`.
        bins: histogram bins.
        max_cells: the most rows and columns of a heatmap (bigger matrices are averaged
            in blocks).
        max_filters: the most filters shown for a convolution kernel.

    Example:
        >>> inspector = WeightInspector(model)
        >>> model.fit(x, y, epochs=3, callbacks=[inspector])
        >>> inspector  # in a notebook: pick a variable and an epoch
    """

    def __init__(self, model, bins=30, max_cells=128, max_filters=16):
        Callback.__init__(self)
        if not hasattr(model, "layers"):
            raise TypeError(f"`model` must be a kerasnb Model; received {model!r}.")
        for name, value in (("bins", bins), ("max_cells", max_cells),
                            ("max_filters", max_filters)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive int; received {value!r}.")
        self._model = model
        self.bins, self.max_cells, self.max_filters = bins, max_cells, max_filters
        self.snapshots = []
        self._path, self._index = None, 0
        if self._variables():
            self.record("initial")

    def set_model(self, model):
        if model is not self._model:
            raise ValueError(f"This WeightInspector inspects {self._model.name!r}; it cannot "
                             f"record the training of another model ({model.name!r}).")

    def _variables(self):
        """(layer name, variable) pairs of the model's layers, each variable once."""
        seen, found = set(), []
        for layer in self._model.layers:
            for variable in layer.weights:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    found.append((layer.name, variable))
        return found

    def __repr__(self):
        found = self._variables()
        layers = len({name for name, _ in found})
        return (f"WeightInspector: {len(found)} variable{'s' * (len(found) != 1)} in "
                f"{layers} layer{'s' * (layers != 1)}")

    @property
    def paths(self):
        """The paths of the inspected variables, in model order."""
        return [variable.path for _, variable in self._variables()]

    def record(self, label=None):
        """Takes a snapshot of every variable now.

        Args:
            label: a name for the snapshot (default ``"snapshot N"``).
        """
        entries = {}
        for layer_name, variable in self._variables():
            values = np.asarray(convert_to_numpy(variable))
            counts, edges = histogram(values, self.bins)
            entries[variable.path] = {
                "layer": layer_name, "dtype": str(variable.dtype),
                "trainable": bool(variable.trainable), "stats": tensor_stats(values),
                "counts": counts, "edges": edges,
                "picture": _picture(values.astype(np.float64), self.max_cells,
                                    self.max_filters)}
        self.snapshots.append({"label": label or f"snapshot {len(self.snapshots)}",
                               "variables": entries})
        self._follow_latest()

    def stats(self, path=None, snapshot=-1):
        """The statistics of a variable (default: the chosen one) in a snapshot (the latest)."""
        return self._entry(path, snapshot)["stats"]

    def trend(self, key, path=None):
        """One statistic of a variable in every snapshot (NaN where it was absent)."""
        path = path or self._chosen_path()
        return [s["variables"][path]["stats"][key] if path in s["variables"] else float("nan")
                for s in self.snapshots]

    def select(self, variable=None, epoch=None):
        """Chooses the variable (by path) and snapshot shown; returns the inspector."""
        if variable is not None:
            if variable not in self.paths:
                raise ValueError(f"`variable` must be one of {self.paths}; received {variable!r}.")
            self._path = variable
        if epoch is not None:
            if not self.snapshots or not -len(self.snapshots) <= epoch < len(self.snapshots):
                raise ValueError(f"`epoch` must index the {len(self.snapshots)} snapshots; "
                                 f"received {epoch!r}.")
            self._index = epoch % len(self.snapshots)
        self._sync_widget()
        return self

    def on_epoch_begin(self, epoch, logs=None):
        if not self.snapshots:  # the model was built by fit
            self.record("initial")

    def on_epoch_end(self, epoch, logs=None):
        self.record(f"epoch {epoch + 1}")

    def on_train_end(self, logs=None):
        self._refresh_fallback()

    def _chosen_path(self):
        paths = self.paths
        if self._path not in paths:
            self._path = paths[0] if paths else None
        return self._path

    def _entry(self, path=None, snapshot=None):
        if not self.snapshots:
            raise ValueError("The model has no variables yet: build it or train it first.")
        path = path or self._chosen_path()
        index = self._index if snapshot is None else snapshot
        entries = self.snapshots[index]["variables"]
        if path not in entries:
            raise ValueError(f"Variable {path!r} is not in snapshot {index}; it has "
                             f"{sorted(entries)}.")
        return entries[path]

    def _follow_latest(self):
        """After a new snapshot, show it if the previous latest one was shown."""
        if self._index >= len(self.snapshots) - 2:
            self._index = len(self.snapshots) - 1
        self._sync_widget()

    def html(self):
        if not self.snapshots:
            return panel("weight-inspector", html.escape(repr(self)),
                         ["<div>No variables yet: the model is not built.</div>"])
        path = self._chosen_path()
        snapshot = self.snapshots[self._index]
        entry = snapshot["variables"].get(path)
        heading = (f"<b>{html.escape(path)}</b> · snapshot "
                   f"<b>{html.escape(snapshot['label'])}</b> ({self._index} of "
                   f"{len(self.snapshots) - 1})")
        if entry is None:
            return panel("weight-inspector", heading, ["<div>Not present in this snapshot.</div>"])
        parts = ["<div>", figure("statistics", self._stats_html(entry)),
                 figure("histogram (finite values)",
                        svg.histogram_svg(entry["counts"], entry["edges"], title=path))]
        picture = entry["picture"]
        if picture is not None:
            parts.append(figure(*self._picture_html(path, entry)))
        parts.append("</div>")
        if len(self.snapshots) > 1:
            labels = (self.snapshots[0]["label"], self.snapshots[-1]["label"])
            parts.append("<div>" + "".join(
                svg.line_svg(self.trend(key, path), labels=labels, marker=self._index,
                             title=STAT_LABELS[key]) for key in _TREND_KEYS) + "</div>")
        parts.append(self._overview_html(snapshot))
        return panel("weight-inspector", heading, parts)

    def _stats_html(self, entry):
        stats = entry["stats"]
        rows = [["shape", stats["shape"]], ["dtype", entry["dtype"]],
                ["trainable", entry["trainable"]]]
        for key, label in STAT_LABELS.items():
            value = stats[key]
            rows.append([label, value if isinstance(value, int) else svg.fmt(value)])
        return table(["statistic", "value"], rows)

    def _picture_html(self, path, entry):
        picture, shape = entry["picture"], entry["stats"]["shape"]
        if picture.ndim == 1:
            return "values", svg.column_bars_svg(picture, title=path)
        if picture.ndim == 2:
            note = ("" if picture.shape == shape
                    else f", averaged to {picture.shape[0]}×{picture.shape[1]}")
            return (f"heatmap {shape[0]}×{shape[1]}{note}",
                    images.img_tag(images.heatmap_png(picture, target=200), f"{path} heatmap"))
        lo, hi = images.finite_range(picture)
        title = (f"first {picture.shape[0]} of {shape[-1]} filters (shared scale "
                 f"{svg.fmt(lo)} … {svg.fmt(hi)})")
        return title, images.img_tag(images.tile_grid_png(picture), f"{path} filters")

    def _overview_html(self, snapshot):
        rows = []
        for path, entry in list(snapshot["variables"].items())[:_MAX_OVERVIEW_ROWS]:
            s = entry["stats"]
            rows.append([path, s["shape"], svg.fmt(s["mean"]), svg.fmt(s["std"]),
                         svg.fmt(s["l2_norm"]), s["nan_count"] + s["inf_count"]])
        more = len(snapshot["variables"]) - len(rows)
        caption = "all variables" + (f" (first {len(rows)}; {more} more)" if more > 0 else "")
        return ("<details style='margin-top:6px'><summary style='font-size:12px'>"
                f"{html.escape(caption)}</summary>"
                + table(["variable", "shape", "mean", "std", "L2 norm", "NaN+Inf"], rows,
                        numeric=range(2, 6))
                + "</details>")

    def _build_widget(self):
        import ipywidgets as widgets
        self._selector = widgets.Dropdown(description="variable",
                                          layout=widgets.Layout(width="max-content"))
        self._slider = widgets.IntSlider(description="epoch", min=0, continuous_update=False)
        return self._assemble([self._selector, self._slider])

    def _read_controls(self):
        self._path, self._index = self._selector.value, self._slider.value

    def _write_controls(self):
        options = [(f"{v.path}  {tuple(v.shape)}", v.path) for _, v in self._variables()]
        if list(self._selector.options) != options:
            self._selector.options = options
        self._selector.value = self._chosen_path()
        self._slider.max = max(len(self.snapshots) - 1, 0)
        self._slider.value = self._index
        self._slider.disabled = len(self.snapshots) < 2
