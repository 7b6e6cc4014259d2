"""`LivePlot`: the live training panel (progress, metrics, charts, Stop, learning rate).

In a Jupyter kernel `LivePlot` shows two outputs that update in place (display handles, no
``clear_output``, no new figure per update, at most one redraw per `update_interval`):

- a panel of widgets: progress (epoch, step, ETA, throughput), the current metrics, a
  **Stop** button and a learning-rate slider; both act during `fit` (see
  `kernel_comms.process_comm_messages`);
- a chart: a plotly figure of every metric (training per batch and per epoch, validation per
  epoch) in one bundle with a static SVG twin and a short ``text/plain``. While training it
  lives in an ipywidgets ``Output`` whose ``outputs`` are replaced at each redraw, because
  JupyterLab's plotly renderer (jupyterlab-plotly) draws only the first figure of a display
  and ignores every ``update_display_data`` after it; the ``Output`` makes the frontend draw
  each new figure in a fresh renderer.

When training ends (or is stopped or interrupted) the panel is replaced by a static HTML
summary and its widgets are closed, so a saved notebook keeps no widget state, only
HTML/SVG/JSON that GitHub, nbconvert and nbval render. Outside a kernel nothing is shown,
but the widgets and charts are still kept up to date (for tests and benchmarks).

`kerasnb.widgets.live_display.enable_live_display` makes `fit(verbose=1)` show one by itself.

Example:
    >>> live = LivePlot(metrics=["loss"])
    >>> model.fit(x, y, epochs=5, callbacks=[live], verbose=0)  # doctest: +SKIP
"""

import html
import math
import time

import kerasnb
from kerasnb.callbacks import Callback
from kerasnb.engine.utils.html import table, view
from kerasnb.widgets import live_chart
from kerasnb.widgets.kernel_comms import kernel_shell, process_comm_messages

_running = {}  # id(model) -> the LivePlot showing its fit in this kernel


def showing(model):
    """Whether a `LivePlot` is showing a fit of `model` in this kernel right now."""
    return id(model) in _running


class LivePlot(Callback):
    """A live training panel: progress, metrics, plotly charts, Stop and learning rate.

    Args:
        metrics: the metric names to chart (e.g. ``["loss", "accuracy"]``; their ``val_``
            twins go on the same axes), or `None` for every metric.
        update_interval: the least seconds between two redraws (the first batch, the end
            of any epoch that lasted at least this long, and the end of training always
            redraw).
        max_points: the most points drawn per line; per-batch samples are thinned evenly.
        batch_size: samples per step, to show samples/s (taken from the fit's parameters
            when it passes ``batch_size``; else steps/s are shown).
        clock: a zero-argument function returning seconds (for tests).

    Attributes:
        logs: the latest training values shown (during an epoch, those of the batch of the
            previous redraw, so that reading them never waits for the device).
        history: per-epoch values of every log, as in `History.history`.
        updates: the number of redraws so far.
        status: "idle", "training", "done", "stopped" or "interrupted".

    Example:
        >>> live = LivePlot(update_interval=0.5)
        >>> model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[live])  # doctest: +SKIP
    """

    raw_batch_logs = True  # batch logs are converted (a device sync) only to redraw

    def __init__(self, metrics=None, update_interval=0.25, max_points=500, batch_size=None,
                 clock=time.monotonic):
        super().__init__()
        if metrics is not None and (isinstance(metrics, str) or
                                    not all(isinstance(m, str) for m in metrics)):
            raise TypeError(f"`metrics` must be a list of metric names or None; "
                            f"received {metrics!r}.")
        if not isinstance(update_interval, (int, float)) or update_interval < 0:
            raise ValueError(f"`update_interval` must be a number of seconds >= 0; "
                             f"received {update_interval!r}.")
        if not isinstance(max_points, int) or max_points < 2:
            raise ValueError(f"`max_points` must be an int >= 2; received {max_points!r}.")
        self.metrics = list(metrics) if metrics is not None else None
        self.update_interval = float(update_interval)
        self.max_points = max_points
        self.batch_size = batch_size
        self._clock = clock
        self.logs, self.history, self.updates, self.status = {}, {}, 0, "idle"
        self.progress = self.status_line = self.metrics_table = None
        self.stop_button = self.lr_control = self.lr_note = self.chart_output = None
        self._box = self._panel = self._chart = None
        self._shell = None

    # Hooks ------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        params = self.params or {}
        self.epochs, self.steps = params.get("epochs", 1), params.get("steps")
        self.batch_size = self.batch_size or params.get("batch_size")
        self.logs, self.history, self.updates, self.status = {}, {}, 0, "training"
        self.epoch, self.step, self.phase, self.stopped = 0, 0, "train", False
        self._epoch_steps, self._epochs_of, self._batches, self._stride, self._ticks = \
            {}, {}, [], 1, 0
        self._start = self._epoch_start = self._clock()
        self._rate_mark, self._next, self._seconds, self._pending = None, 0.0, 0.0, None
        self._build_widgets()
        self._shell = kernel_shell()
        if self._shell is not None:
            _running[id(self.model)] = self
            self._show()
            self._shell.events.register("post_run_cell", self._after_cell)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.step, self.phase = epoch, 0, "train"
        self._epoch_start, self._rate_mark = self._clock(), None

    def on_train_batch_end(self, batch, logs=None):
        self.step = batch + 1
        now = self._batch_time = self._clock()
        if self._rate_mark is None:  # rates leave out the first step (tracing, compiling)
            self._rate_mark = (now, self.step)
        if now < self._next:
            return
        # Show the values kept at the previous redraw: long computed by now, so reading
        # them never waits for the device (async backends keep running ahead).
        self._take_pending()
        self._pending = (self.epoch, self.step, logs)
        self._redraw()

    def _take_pending(self):
        if self._pending is not None:
            epoch, step, logs = self._pending
            self._pending = None
            self.logs = scalar_logs(logs)
            self._record(epoch, step, self.logs)

    def on_test_begin(self, logs=None):
        self.phase, self._val_step = "validate", 0

    def on_test_batch_end(self, batch, logs=None):
        self._val_step = batch + 1
        if self.status == "training" and self._clock() >= self._next:
            self._redraw(chart=False)

    def on_test_end(self, logs=None):
        self.phase = "train"

    def on_epoch_end(self, epoch, logs=None):
        self._take_pending()
        logs = scalar_logs(logs)
        self._epoch_steps[epoch] = self.step
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
            self._epochs_of.setdefault(key, []).append(epoch + 1)
        self.logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        self._record(epoch, self.step, self.logs, always=True)
        self._sync_learning_rate()
        now = self._clock()  # an epoch that outlasts the interval always ends with a redraw
        if now - self._epoch_start >= self.update_interval or now >= self._next:
            self._redraw()

    def on_train_end(self, logs=None):
        self._finish("stopped" if self.stopped else "done")

    # State ------------------------------------------------------------------------------

    def _record(self, epoch, step, values, always=False):
        """Keeps a per-batch sample, evenly thinned to at most 2 * max_points."""
        self._ticks += 1
        if not always and self._ticks % self._stride:
            return
        self._batches.append((epoch, step, values))
        if len(self._batches) > 2 * self.max_points:
            self._batches = self._batches[1::2]
            self._stride *= 2

    def panels(self):
        """The chart's `live_chart.Panel`s: one per charted metric."""
        names = []
        for key in self.history or self.logs:
            base = key[4:] if key.startswith("val_") else key
            if base not in names and (self.metrics is None or base in self.metrics):
                names.append(base)
        for key in self.logs:
            if key not in names and (self.metrics is None or key in self.metrics):
                names.append(key)
        names.sort(key=lambda name: name != "loss")
        panels = []
        for name in names:
            points = [(self._x(e, s), v[name]) for e, s, v in self._batches if name in v]
            lines = [live_chart.Line("train (batches)", [p[0] for p in points],
                                     [p[1] for p in points], "batch")]
            for key, label, style in ((name, "train", "train"),
                                      ("val_" + name, "validation", "val")):
                lines.append(live_chart.Line(label, self._epochs_of.get(key, []),
                                             self.history.get(key, []), style))
            panels.append(live_chart.Panel(name, [line for line in lines if line.x]))
        return panels

    def _x(self, epoch, step):
        steps = self.steps or self._epoch_steps.get(epoch) or max(self.step, 1)
        return epoch + step / steps

    def chart_bundle(self, static=True):
        """The chart's MIME bundle: plotly JSON, ``text/plain`` and, if `static`, the SVG twin
        as ``text/html`` (left out of the redraws during `fit`: it costs most of a redraw, and
        only the final chart is kept in the notebook)."""
        panels = self.panels()
        plain = "LivePlot chart: " + (", ".join(p.name for p in panels) or "no metrics yet")
        return live_chart.chart_bundle(panels, plain, self.max_points, static)

    def progress_text(self):
        """One line: epoch, step, ETA and throughput (or the final state once finished)."""
        epoch = f"Epoch {self.epoch + 1}/{self.epochs}"
        steps = f"/{self.steps}" if self.steps else ""
        if self.phase == "validate":
            return f"{epoch} · validating step {self._val_step}"
        parts = [epoch, f"step {self.step}{steps}"]
        rate = self._steps_per_second()
        if rate and self.steps:
            left = self.steps - self.step
            parts.append(f"ETA {_clock(left / rate)}")
            if self.epochs - self.epoch > 1:
                total = left + (self.epochs - self.epoch - 1) * self.steps
                parts.append(f"{_clock(total / rate)} to go in all")
        if rate:
            parts.append(f"{rate * self.batch_size:,.0f} samples/s" if self.batch_size
                         else f"{rate:,.1f} steps/s")
        return " · ".join(parts)

    def _steps_per_second(self):
        if self._rate_mark is None:
            return None
        mark_time, mark_step = self._rate_mark
        now = self._batch_time
        if self.step > mark_step and now > mark_time:
            return (self.step - mark_step) / (now - mark_time)
        if now > self._epoch_start:
            return self.step / (now - self._epoch_start)
        return None

    def _fraction(self):
        if not self.epochs:
            return 1.0
        within = self.step / self.steps if self.steps else 0.0
        return min((self.epoch + within) / self.epochs, 1.0)

    # Widgets ----------------------------------------------------------------------------

    def _build_widgets(self):
        import ipywidgets as widgets

        self.progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, bar_style="info",
                                              layout=widgets.Layout(width="260px"))
        self.status_line = widgets.HTML()
        self.metrics_table = widgets.HTML()
        self.stop_button = widgets.Button(description="Stop", icon="stop", button_style="danger",
                                          tooltip="End training after the current batch")
        self.stop_button.on_click(self._on_stop)
        self.lr_control, self.lr_note = self._learning_rate_control(widgets), widgets.HTML()
        if self.lr_control.disabled:
            self.lr_note.value = html.escape(self._lr_reason)
        self._box = widgets.VBox([
            widgets.HBox([self.progress, self.status_line]),
            widgets.HBox([self.stop_button, self.lr_control, self.lr_note]),
            self.metrics_table])
        self.chart_output = widgets.Output()

    def _learning_rate_control(self, widgets):
        rate, self._lr_reason = _learning_rate(self.model)
        exponent = round(math.log10(rate)) if rate and rate > 0 else -3
        control = widgets.FloatLogSlider(
            value=rate if rate and rate > 0 else 10.0 ** exponent, base=10, min=exponent - 3,
            max=exponent + 2, step=0.05, description="learning rate", readout_format=".2e",
            continuous_update=False, disabled=self._lr_reason is not None,
            style={"description_width": "initial"}, layout=widgets.Layout(width="360px"))
        self._syncing = False
        control.observe(self._on_learning_rate, names="value")
        return control

    def _on_stop(self, _button=None):
        self.stopped = True
        self.model.stop_training = True
        self.stop_button.disabled = True
        self.stop_button.description = "Stopping…"

    def _on_learning_rate(self, change):
        if not self._syncing and self._lr_reason is None:
            self.model.optimizer.learning_rate = float(change["new"])

    def _sync_learning_rate(self):
        """Moves the slider to the optimizer's rate if another callback changed it."""
        rate, reason = _learning_rate(self.model)
        control = self.lr_control
        if rate is None or reason is not None or math.isclose(rate, control.value, rel_tol=1e-6):
            return
        self._syncing = True
        try:
            if rate > 0:
                exponent = math.log10(rate)
                control.min, control.max = min(control.min, exponent), max(control.max, exponent)
            control.value = rate
        finally:
            self._syncing = False

    def _redraw(self, chart=True):
        """Refreshes progress and metrics (and the chart), then handles pending clicks."""
        self.updates += 1
        self._refresh_widgets()
        if chart:  # sent even when nothing is shown: headless runs cost what notebooks do
            self._draw_chart()
        if self._shell is not None:
            process_comm_messages()
        self._next = self._clock() + self.update_interval

    def _refresh_widgets(self):
        self.progress.value = self._fraction()
        self.status_line.value = html.escape(self.progress_text())
        self.metrics_table.value = _metrics_html(self.logs, self.history)

    def _draw_chart(self):
        """Replaces the chart in `chart_output` (the frontend draws it in a fresh renderer)."""
        self.chart_output.outputs = (
            {"output_type": "display_data", "data": self.chart_bundle(static=False),
             "metadata": {}},)

    def _show(self):
        from IPython.display import display

        self._panel = display(_widget_view(self._box, "LivePlot: training"),
                              raw=True, display_id=True)
        self._chart = display(_widget_view(self.chart_output, "LivePlot chart: training"),
                              raw=True, display_id=True)
        self._draw_chart()

    def _after_cell(self, result=None):
        """After the cell (fit interrupted or failed): leave the static summary."""
        if self.status == "training":
            self._finish("interrupted")

    def _finish(self, status):
        self.status, self._seconds = status, self._clock() - self._start
        self._take_pending()
        _running.pop(id(self.model), None)
        self._refresh_widgets()
        if self._shell is not None:
            self._shell.events.unregister("post_run_cell", self._after_cell)
            if self._panel is not None:
                self._panel.update(self._repr_mimebundle_(), raw=True)
                self._chart.update(self.chart_bundle(), raw=True)
        if self._box is not None:
            for widget in (self.progress, self.status_line, self.metrics_table,
                           self.stop_button, self.lr_control, self.lr_note, self._box,
                           self.chart_output):
                widget.close()
        self._shell = self._panel = self._chart = None

    # Static views -----------------------------------------------------------------------

    def summary_text(self):
        """A short deterministic line: "LivePlot: 5/5 epochs", "... stopped at ...", ..."""
        if self.status == "idle":
            return "LivePlot: not started"
        done = len(self._epoch_steps)
        if self.status in ("stopped", "interrupted"):
            steps = f"/{self.steps}" if self.steps else ""
            return (f"LivePlot: {self.status} at epoch {self.epoch + 1}/{self.epochs}, "
                    f"step {self.step}{steps} ({done} epochs logged)")
        return f"LivePlot: {done}/{self.epochs} epochs"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The static summary: the final progress line and the metrics table."""
        text = self.summary_text()
        if self.status == "idle":
            return {"text/plain": text, "text/html": f"<div>{html.escape(text)}</div>"}
        line = f"{text} · {self._seconds:.1f} s"
        body = (f"<div class='kerasnb-live-summary'><div><b>{html.escape(line)}</b></div>"
                f"<div>{html.escape(self.progress_text())}</div>"
                f"{_metrics_html(self.logs, self.history)}</div>")
        return {"text/plain": text, "text/html": body}


def _widget_view(widget, plain):
    """The MIME bundle that shows `widget` (and `plain` where widgets are not rendered)."""
    return {"application/vnd.jupyter.widget-view+json": {
        "model_id": widget.model_id, "version_major": 2, "version_minor": 0},
        "text/plain": plain}


def _learning_rate(model):
    """(current rate as a float or None, why it cannot be set live or None)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None, "no optimizer"
    rate = optimizer.learning_rate
    value = float(kerasnb.ops.convert_to_numpy(rate)) if rate is not None else None
    if not isinstance(rate, kerasnb.Variable):
        return value, "The learning rate follows a schedule, so it is not adjustable here."
    return value, None


def scalar_logs(logs):
    """Scalar logs as Python floats (tensors are fetched from the device)."""
    out = {}
    for key, value in (logs or {}).items():
        try:
            out[key] = float(kerasnb.ops.convert_to_numpy(value))
        except (TypeError, ValueError):
            continue
    return out


def _metrics_html(logs, history):
    names = list(logs)
    names += [k[4:] for k in history if k.startswith("val_") and k[4:] not in names]
    names.sort(key=lambda name: name != "loss")
    if not names:
        return ""
    rows = [[name, _cell(logs.get(name)), _cell((history.get("val_" + name) or [None])[-1])]
            for name in names]
    return view(table(["metric", "train", "validation"], rows, numeric=(1, 2),
                      cls="kerasnb-live-metrics"))


def _cell(value):
    return "" if value is None else live_chart.fmt(value)


def _clock(seconds):
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"
