"""`LivePlot` and the automatic progress display, headless (no kernel): state, throttling,
Stop, learning rate and static fallbacks."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import kerasnb as keras
from kerasnb.widgets import live_chart
from kerasnb.widgets.live import LivePlot

STEPS = 8  # 256 samples / batch 32


def _model(learning_rate=1e-2):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2)])
    model.compile(keras.optimizers.Adam(learning_rate),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _data(samples=256):
    rng = np.random.default_rng(0)
    x = rng.random((samples, 4), dtype=np.float32)
    return x, (x.sum(1) > 2).astype("int32")


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Tick(keras.callbacks.Callback):
    """Advances a `FakeClock` by `seconds` after every training batch."""

    def __init__(self, clock, seconds):
        super().__init__()
        self.clock, self.seconds = clock, seconds

    def on_train_batch_end(self, batch, logs=None):
        self.clock.now += self.seconds


def test_state_after_training_matches_history(trainable_backend):
    x, y = _data(320)
    live = LivePlot(update_interval=0)
    history = _model().fit(x, y, epochs=3, batch_size=32, validation_split=0.2,
                           callbacks=[live], verbose=0)
    assert live.history == history.history
    assert live.status == "done" and live.summary_text() == "LivePlot: 3/3 epochs"
    assert live.progress.value == 1.0
    assert live.status_line.value.startswith(f"Epoch 3/3 · step {STEPS}/{STEPS} · ETA 0:00 · ")
    assert live.logs == {k: v[-1] for k, v in history.history.items() if not k.startswith("val_")}
    table = ET.fromstring(live.metrics_table.value)
    rows = [[cell.text for cell in row] for row in table.iter("tr")]
    assert rows[0] == ["metric", "train", "validation"]
    assert rows[1] == ["loss", live_chart.fmt(history.history["loss"][-1]),
                       live_chart.fmt(history.history["val_loss"][-1])]
    assert rows[2][0] == "accuracy"
    panels = {panel.name: panel for panel in live.panels()}
    assert list(panels) == ["loss", "accuracy"]
    lines = {line.style: line for line in panels["loss"].lines}
    assert lines["train"].x == [1, 2, 3] and lines["train"].y == history.history["loss"]
    assert lines["val"].y == history.history["val_loss"]
    assert lines["batch"].x[-1] == 3.0 and len(lines["batch"].x) >= 3 * STEPS
    assert all(w.comm is None for w in (live.stop_button, live.lr_control, live.progress))


def test_batch_logs_are_read_only_when_redrawing(monkeypatch):
    clock = FakeClock()
    live = LivePlot(update_interval=0.25, clock=clock)
    live.set_model(_model())
    live.set_params({"verbose": 1, "epochs": 1, "steps": 100})
    live.on_train_begin()
    live.on_epoch_begin(0)
    reads = []
    convert = keras.ops.convert_to_numpy
    monkeypatch.setattr(keras.ops, "convert_to_numpy", lambda x: reads.append(1) or convert(x))
    for batch in range(100):
        live.on_train_batch_end(batch, {"loss": keras.ops.convert_to_tensor(1.0 / (batch + 1))})
    # the clock never moved: only the first batch redraws, and it keeps its logs unread
    assert reads == [] and live.logs == {} and live.updates == 1
    clock.now += 0.25
    live.on_train_batch_end(100, {"loss": keras.ops.convert_to_tensor(0.5)})
    # the next redraw shows the kept logs (computed long ago: no wait for the device)
    assert len(reads) == 1 and live.logs == {"loss": 1.0} and live.updates == 2
    live.on_epoch_end(0, {"loss": 0.25})
    assert live.logs == {"loss": 0.25}
    assert [p[:2] for p in live._batches] == [(0, 1), (0, 101), (0, 101)]


def test_each_redraw_replaces_the_chart_in_its_output_widget():
    clock = FakeClock()
    live = LivePlot(update_interval=0.25, clock=clock)
    live.set_model(_model())
    live.set_params({"verbose": 1, "epochs": 2, "steps": 10})
    live.on_train_begin()
    shown = []
    for epoch in range(2):
        live.on_epoch_begin(epoch)
        for batch in range(10):
            clock.now += 0.1
            live.on_train_batch_end(batch, {"loss": 1.0 / (10 * epoch + batch + 1)})
            (output,) = live.chart_output.outputs  # one figure, replaced (never appended)
            shown.append(output["data"])
        live.on_epoch_end(epoch, {"loss": 0.5 - epoch / 10})
    assert output["output_type"] == "display_data"
    figures = [data[live_chart.PLOTLY_MIME] for data in shown]
    points = [sum(len(trace["x"]) for trace in figure["data"]) for figure in figures]
    assert points == sorted(points) and points[-1] > points[0] == 0  # the lines grow
    # redrawn after the epoch end, without the SVG twin that only the final chart keeps
    assert live.chart_output.outputs[0]["data"] == live.chart_bundle(static=False)
    assert set(live.chart_bundle()) == set(live.chart_bundle(static=False)) | {"text/html"}
    live.on_train_end()
    assert live.chart_output.comm is None  # closed with the panel


@pytest.mark.parametrize("seconds_per_batch", [0.0, 0.01, 0.1])
def test_redraws_are_throttled_and_every_long_epoch_ends_with_one(seconds_per_batch):
    clock = FakeClock()
    live = LivePlot(update_interval=0.25, clock=clock)
    redraws_at_epoch_end = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            redraws_at_epoch_end.append((live.updates, live.history["loss"][-1]))

    x, y = _data()
    model = _model()
    epochs = 4
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0,
              callbacks=[Tick(clock, seconds_per_batch), live, Watch()])
    total = epochs * STEPS * seconds_per_batch
    # the first batch, then at most one per interval, and one per epoch end
    assert live.updates <= 1 + total / 0.25 + epochs
    if seconds_per_batch == 0.0:
        assert live.updates == 1
    if seconds_per_batch * STEPS >= 0.25:  # epochs outlast the interval: each ends redrawn
        assert all(b[0] > a[0] for a, b in zip(redraws_at_epoch_end, redraws_at_epoch_end[1:]))
        assert "Epoch 4/4 · step 8/8" in live.status_line.value
    if seconds_per_batch == 0.01:  # fast steps: never a redraw per step
        assert live.updates < epochs * STEPS / 2


def test_stop_ends_fit_after_the_current_batch(trainable_backend):
    x, y = _data()
    model = _model()
    live = LivePlot(update_interval=0)
    saved = {}

    class Click(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if saved or self.epoch != 1 or batch != 3:
                return
            live.stop_button.click()  # what a click in the notebook runs
            saved["weights"] = [keras.ops.convert_to_numpy(w) for w in self.model.weights]

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0, callbacks=[live, Click()])
    assert live.status == "stopped" and live.stop_button.description == "Stopping…"
    assert live.summary_text() == "LivePlot: stopped at epoch 2/5, step 4/8 (2 epochs logged)"
    assert history.epoch == [0, 1] and live.history == history.history
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == STEPS + 4
    for before, after in zip(saved["weights"], model.weights):
        np.testing.assert_array_equal(before, keras.ops.convert_to_numpy(after))


def test_learning_rate_control_sets_the_optimizer(trainable_backend):
    x, y = _data()
    model = _model(1e-2)
    live = LivePlot(update_interval=0)
    seen = []

    class Slide(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))
            if epoch == 0:
                live.lr_control.value = 0.05  # what moving the slider runs

    model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[live, Slide()])
    assert live.lr_control.min <= np.log10(0.01) <= live.lr_control.max
    assert seen == pytest.approx([0.01, 0.05])
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.05)


def test_learning_rate_control_follows_other_callbacks_and_refuses_schedules():
    keras.config.set_backend("torch")
    x, y = _data()
    model = _model(1e-2)
    live = LivePlot(update_interval=0)
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, rate: rate / 2)
    model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[halve, live])
    assert live.lr_control.value == pytest.approx(0.0025)

    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    model.compile(keras.optimizers.SGD(schedule), "sparse_categorical_crossentropy")
    scheduled = LivePlot(update_interval=0)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0, callbacks=[scheduled])
    assert scheduled.lr_control.disabled
    assert "schedule" in scheduled.lr_note.value


def test_static_fallbacks_are_well_formed_and_plain_text_is_deterministic():
    keras.config.set_backend("torch")
    x, y = _data()
    texts = []
    for _ in range(2):
        live = LivePlot(update_interval=0)
        _model().fit(x, y, epochs=2, batch_size=32, validation_data=(x, y), verbose=0,
                     callbacks=[live])
        summary, chart = live._repr_mimebundle_(), live.chart_bundle()
        texts.append((summary["text/plain"], chart["text/plain"]))
        ET.fromstring(summary["text/html"])
        root = ET.fromstring(chart["text/html"])
        assert len(root.findall("{http://www.w3.org/2000/svg}svg")) == 2
        json.dumps(chart[live_chart.PLOTLY_MIME], allow_nan=False)
        assert "<script" not in chart["text/html"] + summary["text/html"]
    assert texts[0] == texts[1] == ("LivePlot: 2/2 epochs", "LivePlot chart: loss, accuracy")


def test_chosen_metrics_only_are_charted():
    keras.config.set_backend("torch")
    x, y = _data()
    live = LivePlot(metrics=["accuracy"], update_interval=0)
    _model().fit(x, y, epochs=1, batch_size=32, verbose=0, callbacks=[live])
    assert [p.name for p in live.panels()] == ["accuracy"]
    assert live.chart_bundle()["text/plain"] == "LivePlot chart: accuracy"


def test_batch_samples_stay_bounded():
    clock = FakeClock()
    live = LivePlot(update_interval=0, max_points=10, clock=clock)
    live.set_model(_model())
    live.set_params({"verbose": 1, "epochs": 1, "steps": 1000})
    live.on_train_begin()
    live.on_epoch_begin(0)
    for batch in range(1000):
        clock.now += 1
        live.on_train_batch_end(batch, {"loss": 1.0})
    (panel,) = live.panels()
    xs = panel.lines[0].x
    assert len(xs) <= 20 and xs == sorted(xs)
    assert np.allclose(np.diff(xs), xs[1] - xs[0])  # evenly spaced after thinning
    bundle = live.chart_bundle()
    assert len(bundle[live_chart.PLOTLY_MIME]["data"][0]["x"]) <= 10


@pytest.mark.parametrize("bad, message", [
    (dict(metrics="loss"), "`metrics` must be a list"),
    (dict(update_interval=-1), "`update_interval` must be"),
    (dict(max_points=1), "`max_points` must be an int >= 2"),
])
def test_arguments_are_checked(bad, message):
    with pytest.raises((TypeError, ValueError), match=message):
        LivePlot(**bad)


def test_importing_the_live_module_loads_no_notebook_packages():
    code = ("import sys, kerasnb.widgets.live, kerasnb.widgets.live_display\n"
            "print(sorted(m for m in ('ipywidgets', 'IPython', 'plotly', 'zmq')\n"
            "             if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
