"""CSVLogger (against Keras's file), RemoteMonitor (a local HTTP server), BackupAndRestore,
SwapEMAWeights."""

import json
import os
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

import kerasnb.callbacks as callbacks
from kerasnb.engine.tensors import Variable
from tests.engine.callbacks.fakes import FakeModel, run_fit
from tests.oracle import real_keras


def _write_csv(module, path, epochs_logs, append=False, separator=","):
    logger = module.CSVLogger(path, separator=separator, append=append)
    logger.on_train_begin()
    for epoch, logs in enumerate(epochs_logs):
        logger.on_epoch_end(epoch, logs)
    logger.on_train_end()


@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_logger_writes_what_keras_writes(tmp_path, separator):
    keras = real_keras()
    runs = [[{"loss": 1.5, "acc": 0.25}, {"loss": 0.75, "acc": 0.5, "val_loss": 1.0}],
            [{"loss": 0.5, "val_loss": 0.9, "vec": np.array([1, 2])}, {"loss": 0.4}]]
    for module, name in ((callbacks, "ours.csv"), (keras.callbacks, "theirs.csv")):
        _write_csv(module, str(tmp_path / name), runs[0], separator=separator)
        _write_csv(module, str(tmp_path / name), runs[1], append=True, separator=separator)
    ours = (tmp_path / "ours.csv").read_text()
    assert ours == (tmp_path / "theirs.csv").read_text()
    header = ours.splitlines()[0].split(separator)
    assert header == ["epoch", "acc", "loss", "val_acc", "val_loss"]


def test_csv_logger_in_a_fit_loop(tmp_path):
    path = tmp_path / "log.csv"
    run_fit(FakeModel(), [callbacks.CSVLogger(path)], losses=[2.0, 1.0], val_losses=[3.0, 2.5])
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,2.0,3.0", "1,1.0,2.5"]


def test_remote_monitor_posts_epoch_logs():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], self.headers.get("X-Run"),
                             body.decode()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        root = f"http://127.0.0.1:{server.server_port}"
        as_json = callbacks.RemoteMonitor(root=root, path="/j", send_as_json=True,
                                          headers={"X-Run": "7"})
        as_form = callbacks.RemoteMonitor(root=root, field="payload")
        run_fit(FakeModel(), [as_json, as_form], losses=[0.5], val_losses=[np.float32(0.25)])
    finally:
        server.shutdown()
        server.server_close()
    (path, kind, run, body), (form_path, form_kind, _, form_body) = received
    assert (path, kind, run) == ("/j", "application/json", "7")
    assert json.loads(body) == {"epoch": 0, "loss": 0.5, "val_loss": 0.25}
    assert form_path == "/publish/epoch/end/" and form_kind == "application/x-www-form-urlencoded"
    assert json.loads(urllib.parse.parse_qs(form_body)["payload"][0]) == json.loads(body)


def test_remote_monitor_warns_when_unreachable():
    monitor = callbacks.RemoteMonitor(root="http://127.0.0.1:9")
    with pytest.warns(UserWarning, match="Could not reach"):
        monitor.on_epoch_end(0, {"loss": 1.0})


def test_backup_and_restore_resumes_after_an_interruption(tmp_path, backend):
    backup_dir = str(tmp_path / "backup")
    model = FakeModel()
    with pytest.raises(RuntimeError, match="interrupted"):
        run_fit(model, [callbacks.BackupAndRestore(backup_dir)], losses=[1.0] * 5,
                fail_at_epoch=3)
    assert json.load(open(os.path.join(backup_dir, "training_metadata.json")))["epoch"] == 3
    resumed = FakeModel()  # a fresh process: nothing trained yet
    epochs = []
    history = run_fit(resumed, [callbacks.BackupAndRestore(backup_dir),
                                callbacks.LambdaCallback(on_epoch_begin=lambda e, l: epochs.append(e))],
                      losses=[1.0] * 5)
    assert epochs == [3, 4] and history.epoch == [3, 4]
    # restored after epoch 3 (iterations 6, momentum of epoch 2 step 1), then two more epochs
    assert int(resumed.optimizer.iterations.numpy()) == 10
    np.testing.assert_array_equal(resumed.optimizer.momentum.numpy(), np.full(3, 41.0))
    assert not os.path.exists(backup_dir)  # deleted once training finished


def test_backup_restores_optimizer_state_and_falls_back_to_the_previous_copy(tmp_path):
    backup_dir = str(tmp_path / "b")
    backup = callbacks.BackupAndRestore(backup_dir, save_freq=2, double_checkpoint=True,
                                        delete_checkpoint=False)
    model = FakeModel()
    run_fit(model, [backup], losses=[1.0] * 3, steps=3)
    assert sorted(os.listdir(backup_dir)) == sorted(
        f + s for f in ("latest.weights.h5", "optimizer_state.npz", "training_metadata.json")
        for s in ("", ".bkp"))
    meta = json.load(open(os.path.join(backup_dir, "training_metadata.json")))
    # batches 0..8 in all; backups after the 2nd, 4th, 6th and 8th batch (epoch 2, batch 1)
    assert meta == {"epoch": 2, "batch": 1}
    with open(os.path.join(backup_dir, "latest.weights.h5"), "wb") as broken:
        broken.write(b"not a weights file")
    restored = FakeModel()
    fallback = callbacks.BackupAndRestore(backup_dir, delete_checkpoint=False)
    fallback.set_model(restored)
    fallback.on_train_begin()
    # the .bkp is the backup after the 6th batch (epoch 1 not finished: resume at epoch 1),
    # when weights were 2 and momentum 12 in the fake loop
    assert restored._initial_epoch == 1
    np.testing.assert_array_equal(restored.get_weights()[1], np.full(3, 2.0))
    np.testing.assert_array_equal(restored.optimizer.momentum.numpy(), np.full(3, 12.0))
    with pytest.raises(ValueError, match="backup_dir"):
        callbacks.BackupAndRestore("")


class EMAOptimizer:
    def __init__(self, weights, averages):
        self.use_ema = True
        self._trainable_variables = weights
        self._model_variables_moving_average = [Variable(a) for a in averages]


def test_swap_ema_weights_around_evaluation(backend):
    model = FakeModel()
    weights = model.trainable_variables
    originals = [w.numpy() for w in weights]
    averages = [np.full(w.shape, -1.0, "float32") for w in weights]
    model.optimizer = EMAOptimizer(weights, averages)
    swap = callbacks.SwapEMAWeights()
    cbs = callbacks.CallbackList([swap], model=model, epochs=1)
    cbs.on_test_begin()
    for weight, average in zip(weights, averages):
        np.testing.assert_array_equal(weight.numpy(), average)
    cbs.on_test_end()
    cbs.on_predict_begin()
    cbs.on_predict_end()
    for weight, original in zip(weights, originals):
        np.testing.assert_array_equal(weight.numpy(), original)

    on_epoch = callbacks.SwapEMAWeights(swap_on_epoch=True)
    cbs = callbacks.CallbackList([on_epoch], model=model, epochs=2)
    cbs.on_epoch_end(0)
    np.testing.assert_array_equal(weights[0].numpy(), averages[0])
    cbs.on_epoch_begin(1)
    np.testing.assert_array_equal(weights[0].numpy(), originals[0])
    cbs.on_epoch_end(1)  # last epoch: EMA weights stay, and the averages now agree with them
    for weight, average in zip(weights, model.optimizer._model_variables_moving_average):
        np.testing.assert_array_equal(weight.numpy(), average.numpy())
        np.testing.assert_array_equal(weight.numpy(), np.full(weight.shape, -1.0))


def test_swap_ema_weights_needs_an_ema_optimizer():
    swap = callbacks.SwapEMAWeights()
    swap.set_model(FakeModel())
    with pytest.raises(ValueError, match="use_ema"):
        swap.on_test_begin()
