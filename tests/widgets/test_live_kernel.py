"""`LivePlot` in real Jupyter kernels: Stop and the learning-rate slider act while `fit`
runs (clicks sent as a frontend sends them), and a notebook executed by nbclient keeps
only small static outputs."""

import json
import queue
import time

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from kerasnb.widgets.live_chart import PLOTLY_MIME

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

SETUP = """
import time, numpy as np, kerasnb as keras
from kerasnb.widgets.live import LivePlot
keras.config.set_backend({backend!r})
rng = np.random.default_rng(0)
x = rng.random((256, 4), dtype=np.float32); y = (x.sum(1) > 2).astype("int32")
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                      keras.layers.Dense(2)])
m.compile(keras.optimizers.Adam(1e-2),
          keras.losses.SparseCategoricalCrossentropy(from_logits=True))

class Watch(keras.callbacks.Callback):
    # counts batches, reports a learning-rate change, and stops a runaway fit after 90 s
    def on_train_begin(self, logs=None):
        self.start, self.batches, self.epochs, self.reported = time.time(), 0, 0, False
    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        if time.time() - self.start > 90:
            print("safety stop")
            self.model.stop_training = True
    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1
        rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        if rate == np.float32(0.05) and not self.reported:
            print("learning rate is now 0.05", flush=True)
            self.reported = True

watch = Watch()
"""

FIT = ("live = LivePlot(update_interval=0.1)\n"
       "h = m.fit(x, y, epochs=100000, batch_size=32, callbacks=[live, watch], verbose=0)")

CHECK = ("import json\n"
         "print(json.dumps([live.status, len(h.epoch), watch.epochs, watch.batches,\n"
         "                  int(keras.ops.convert_to_numpy(m.optimizer.iterations)),\n"
         "                  live.history == h.history]))")


def _comm_msg(client, comm_id, data):
    client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))


@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"])
def test_stop_and_learning_rate_act_while_fit_runs(backend):
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(SETUP.format(backend=backend), timeout=180)
        assert reply["content"]["status"] == "ok"
        fit_id = client.execute(FIT)
        comms, outputs, phase, waiting, redraws = {}, [], "start", [], 0
        deadline = time.time() + 150
        while phase != "done":
            assert time.time() < deadline, f"fit did not end (phase {phase})"
            try:
                msg = client.get_iopub_msg(timeout=30)
            except queue.Empty:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "comm_open":
                comms[content["data"]["state"]["_model_name"]] = content["comm_id"]
            if msg["parent_header"].get("msg_id") == fit_id:
                outputs.append(msg)
                redraws += kind == "comm_msg" and "outputs" in content["data"].get("state", {})
            redraw = kind == "comm_msg" and "outputs" in content["data"].get("state", {})
            if phase == "start" and redraw:  # the chart was redrawn: fit is running
                _comm_msg(client, comms["FloatLogSliderModel"],
                          {"method": "update", "state": {"value": 0.05}, "buffer_paths": []})
                waiting = [client.execute(CHECK), client.kernel_info()]  # queued behind fit
                phase = "slid"
            elif phase == "slid" and kind == "stream" and "learning rate is now" in content["text"]:
                _comm_msg(client, comms["ButtonModel"],
                          {"method": "custom", "content": {"event": "click"}})
                phase = "clicked"
            elif (kind == "status" and content["execution_state"] == "idle"
                  and msg["parent_header"].get("msg_id") == fit_id):
                phase = "done"
        assert phase == "done"
        replies = [client.get_shell_msg(timeout=60) for _ in range(3)]
        assert [r["parent_header"]["msg_id"] for r in replies] == [fit_id] + waiting
        assert [r["content"]["status"] for r in replies] == ["ok"] * 3

        streams = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        assert "learning rate is now 0.05" in streams and "safety stop" not in streams
        shown = [m for m in outputs if m["msg_type"] in ("display_data", "update_display_data")]
        # the panel and the chart (widgets), then both turned static; the chart was redrawn
        # in its widget, every redraw with the fit's cell as its parent
        assert [m["msg_type"] for m in shown] == ["display_data"] * 2 + ["update_display_data"] * 2
        assert redraws >= 2  # the one that started the slide and at least one more
        final, chart = shown[-2]["content"]["data"], shown[-1]["content"]["data"]
        assert final["text/plain"].startswith("LivePlot: stopped at epoch ")
        assert PLOTLY_MIME in chart and WIDGET_MIME not in chart

        check = None
        while check is None:
            msg = client.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == waiting[0] and msg["msg_type"] == "stream":
                check = json.loads(msg["content"]["text"])
        status, logged, epochs, batches, iterations, same = check
        assert status == "stopped" and same
        assert logged == epochs and iterations == batches  # no step ran after the Stop
        reply = client.execute_interactive("m.stop_training", timeout=30)  # still listening
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


CELLS = [
    SETUP.format(backend="torch") + "\nfrom kerasnb.widgets.live_display import enable_live_display\n"
    "enable_live_display()\nm.compile('adam', 'sparse_categorical_crossentropy', "
    "metrics=['accuracy'])",
    "h = m.fit(x, y, epochs=3, batch_size=32, validation_split=0.25)",
    "h = m.fit(x, y, epochs=2, batch_size=32, verbose=2)",
    "h = m.fit(x, y, epochs=2, batch_size=32, verbose=0)",
    "live = LivePlot(update_interval=0)\n"
    "h = m.fit(x, y, epochs=40, batch_size=4, validation_split=0.25, callbacks=[live])",
    "m.evaluate(x, y, verbose=1)",
    "class Boom(keras.callbacks.Callback):\n"
    "    def on_train_batch_end(self, batch, logs=None):\n"
    "        if batch == 3:\n"
    "            raise KeyboardInterrupt\n"
    "m.fit(x, y, epochs=3, batch_size=32, callbacks=[Boom()])",
]


def test_notebook_keeps_static_outputs_and_stays_small(tmp_path):
    notebook = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    NotebookClient(notebook, timeout=600, allow_errors=True, kernel_name="python3").execute()
    cells = [cell.outputs for cell in notebook.cells]
    assert cells[0] == []

    summary, chart = cells[1]
    assert summary.output_type == chart.output_type == "display_data"
    assert summary.data["text/plain"] == "LivePlot: 3/3 epochs"
    assert '<table class="kerasnb-live-metrics">' in summary.data["text/html"]
    assert chart.data["text/plain"] == "LivePlot chart: loss, accuracy"
    assert chart.data["text/html"].count("<svg") == 2
    figure = chart.data[PLOTLY_MIME]
    assert [t["name"] for t in figure["data"][:3]] == ["train (batches)", "train", "validation"]

    lines = "".join(o.text for o in cells[2] if o.output_type == "stream").splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 1/2", "8/8", "Epoch 2/2", "8/8"]
    assert cells[3] == []

    assert len(cells[4]) == 2  # the user's LivePlot only: no second automatic panel
    assert cells[4][0].data["text/plain"] == "LivePlot: 40/40 epochs"
    assert len(json.dumps(cells[4][1].data)) < 1_000_000

    progress, result = cells[5]
    assert progress.data["text/plain"].startswith("evaluate: 8/8 steps - loss: ")
    assert "<progress value='8' max='8'>" in progress.data["text/html"]
    assert result.output_type == "execute_result"

    summary, _, error = cells[6]
    assert summary.data["text/plain"] == \
        "LivePlot: interrupted at epoch 1/3, step 3/8 (0 epochs logged)"
    assert error.ename == "KeyboardInterrupt"

    for outputs in cells:
        for output in outputs:
            assert WIDGET_MIME not in output.get("data", {})
            assert "\r" not in output.get("text", "")
    path = tmp_path / "live.ipynb"
    nbformat.write(notebook, path)
    assert path.stat().st_size < 1_000_000
