"""Callbacks inside a real `Model.fit` on every trainable backend, with a tiny linear model."""

import csv
import os

import numpy as np
import pytest

import kerasnb as keras
import kerasnb.callbacks as callbacks
from kerasnb.engine.losses.regression import MeanSquaredError
from kerasnb.engine.optimizers import SGD

X = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
Y = (X @ np.array([[2.0], [-1.0]], "float32") + 0.5).astype("float32")


def tiny_model(learning_rate=0.1, momentum=0.0):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=SGD(learning_rate, momentum=momentum), loss=MeanSquaredError())
    return model


class Scripted(callbacks.Callback):
    """Put first: writes ``logs[key] = values[epoch]`` for the callbacks after it, and keeps
    a copy of the weights at each epoch end in `weights`."""

    def __init__(self, key, values):
        super().__init__()
        self.key, self.values, self.weights = key, values, []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]
        self.weights.append([w.copy() for w in self.model.get_weights()])


def fit(model, callback_list, epochs, **kwargs):
    return model.fit(X, Y, batch_size=4, epochs=epochs, shuffle=False, verbose=0,
                     callbacks=callback_list, **kwargs)


def test_early_stopping_restores_best_weights(trainable_backend):
    model, script = tiny_model(), Scripted("score", [5, 3, 1, 2, 4, 0, 0])
    stop = callbacks.EarlyStopping(monitor="score", mode="min", patience=2,
                                   restore_best_weights=True)
    history = fit(model, [script, stop], epochs=7)
    seen = script.weights
    assert history.epoch == [0, 1, 2, 3, 4] and stop.stopped_epoch == 4
    assert history.history["score"] == [5, 3, 1, 2, 4]
    for restored, best in zip(model.get_weights(), seen[2]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(seen[2][0], seen[4][0])  # the weights did move afterwards


def test_reduce_lr_on_plateau_and_scheduler_change_the_rate(trainable_backend):
    model = tiny_model(learning_rate=0.2)
    reduce = callbacks.ReduceLROnPlateau(monitor="score", factor=0.5, patience=1, mode="min")
    history = fit(model, [Scripted("score", [1, 1, 1, 0.5]), reduce], epochs=4)
    np.testing.assert_allclose(history.history["learning_rate"], [0.2, 0.2, 0.1, 0.05], rtol=1e-6)
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 0.05, rtol=1e-6)

    model, seen = tiny_model(), []
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.0 if epoch == 0 else 0.1)
    recorder = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()[0].copy()))
    history = fit(model, [schedule, recorder], epochs=2)
    assert history.history["learning_rate"] == pytest.approx([0.0, 0.1])
    np.testing.assert_array_equal(seen[0], np.zeros((2, 1)))  # lr 0: the first epoch is frozen
    assert np.abs(seen[1]).sum() > 0


def test_csv_logger_matches_history(tmp_path, trainable_backend):
    path = tmp_path / "log.csv"
    history = fit(tiny_model(), [callbacks.CSVLogger(str(path))], epochs=3,
                  validation_data=(X, Y))
    rows = list(csv.DictReader(open(path)))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose([float(row[key]) for row in rows], history.history[key],
                                   rtol=1e-6)


def test_model_checkpoint_best_only(tmp_path, trainable_backend):
    model, script = tiny_model(), Scripted("score", [3, 1, 2, 0.5])
    pattern = str(tmp_path / "w{epoch}.weights.h5")
    checkpoint = callbacks.ModelCheckpoint(pattern, monitor="score", mode="min",
                                           save_best_only=True, save_weights_only=True)
    fit(model, [script, checkpoint], epochs=4)
    assert sorted(os.listdir(tmp_path)) == ["w1.weights.h5", "w2.weights.h5", "w4.weights.h5"]
    fresh = tiny_model()
    fresh.load_weights(str(tmp_path / "w2.weights.h5"))
    for loaded, expected in zip(fresh.get_weights(), script.weights[1]):
        np.testing.assert_array_equal(loaded, expected)


def test_backup_and_restore_resumes_like_an_uninterrupted_fit(tmp_path, trainable_backend):
    reference = tiny_model(momentum=0.9)
    fit(reference, [], epochs=4)

    def crash(epoch, logs):
        if epoch == 2:
            raise RuntimeError("interrupted")

    backup_dir = str(tmp_path / "backup")
    interrupted = tiny_model(momentum=0.9)
    with pytest.raises(RuntimeError, match="interrupted"):
        fit(interrupted, [callbacks.BackupAndRestore(backup_dir),
                          callbacks.LambdaCallback(on_epoch_begin=crash)], epochs=4)
    resumed = tiny_model(momentum=0.9)
    resumed.build((None, 2))
    history = fit(resumed, [callbacks.BackupAndRestore(backup_dir)], epochs=4)
    assert history.epoch == [2, 3]
    for got, expected in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert not os.path.exists(backup_dir)


def test_terminate_on_nan_stops_at_the_first_bad_batch(trainable_backend):
    bad_y = Y.copy()
    bad_y[0] = np.nan
    batches = []
    model = tiny_model()
    history = model.fit(X, bad_y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                        callbacks=[callbacks.TerminateOnNaN(), callbacks.LambdaCallback(
                            on_train_batch_end=lambda batch, logs: batches.append(batch))])
    assert batches == [0] and model.stop_training and len(history.epoch) <= 1


def test_tensorboard_reads_back_the_history(tmp_path, trainable_backend):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    log_dir = str(tmp_path / "logs")
    model = tiny_model()
    history = fit(model, [callbacks.TensorBoard(log_dir, histogram_freq=1)], epochs=2,
                  validation_data=(X, Y))
    runs = {}
    for run in ("train", "validation"):
        runs[run] = EventAccumulator(os.path.join(log_dir, run))
        runs[run].Reload()
    for run, key in (("train", "loss"), ("validation", "val_loss")):
        logged = [event.value for event in runs[run].Scalars("epoch_loss")]
        np.testing.assert_allclose(logged, history.history[key], rtol=1e-6)
    kernel_path = model.layers[0].weights[0].path
    histogram = runs["train"].Histograms(f"{kernel_path}/histogram")[-1].histogram_value
    np.testing.assert_allclose(histogram.sum, model.get_weights()[0].sum(), rtol=1e-5)


def test_history_and_progress_output(trainable_backend, capsys):
    model = tiny_model()
    history = model.fit(X, Y, batch_size=4, epochs=2, verbose=2)
    assert model.history is history and history.epoch == [0, 1]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[1].startswith("2/2 - ")
    assert f"loss: {history.history['loss'][0]:.4f}" in lines[1]


def test_swap_ema_weights_validates_with_the_averages(trainable_backend):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=SGD(0.1, use_ema=True, ema_momentum=0.5), loss=MeanSquaredError())
    snapshots = {}

    def numpy_values(variables):
        return [np.array(v.numpy()) for v in variables]

    def after_batch(batch, logs):
        snapshots["trained"] = numpy_values(model.trainable_variables)
        snapshots["averages"] = numpy_values(model.optimizer._model_variables_moving_average)

    def on_test_begin(logs):
        snapshots["validated_with"] = numpy_values(model.trainable_variables)

    def on_epoch_end(epoch, logs):
        snapshots["after_validation"] = numpy_values(model.trainable_variables)

    recorder = callbacks.LambdaCallback(on_train_batch_end=after_batch,
                                        on_test_begin=on_test_begin, on_epoch_end=on_epoch_end)
    history = fit(model, [callbacks.SwapEMAWeights(), recorder], epochs=1, validation_data=(X, Y))
    for validated, average in zip(snapshots["validated_with"], snapshots["averages"]):
        np.testing.assert_array_equal(validated, average)
    for restored, trained in zip(snapshots["after_validation"], snapshots["trained"]):
        np.testing.assert_array_equal(restored, trained)
    kernel, bias = snapshots["averages"]
    expected = np.mean((X @ kernel + bias - Y) ** 2)
    np.testing.assert_allclose(history.history["val_loss"][0], expected, rtol=1e-5)
    assert not np.allclose(snapshots["averages"][0], snapshots["trained"][0])
