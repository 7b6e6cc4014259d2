"""Callbacks that watch a metric, checked against real Keras on the same log sequences."""

import itertools
import os
import warnings

import numpy as np
import pytest

import kerasnb.callbacks as callbacks
from tests.engine.callbacks.fakes import FakeModel, run_fit
from tests.oracle import real_keras


class PlainOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class PlainModel:
    """A model for the Keras callbacks: NumPy weights, a float learning rate."""

    def __init__(self, learning_rate=1.0):
        self.stop_training = False
        self.optimizer = PlainOptimizer(learning_rate)
        self.weights = [np.zeros(2)]
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [w.copy() for w in weights]

    def save(self, filepath, overwrite=True):
        self.saved.append(filepath)

    save_weights = save


def drive(callback, model, series, key="val_loss"):
    """Epoch-end loop: sets weights to the epoch number, stops when asked; returns epochs run."""
    callback.set_model(model)
    callback.set_params({"epochs": len(series), "verbose": 0, "steps": 1})
    callback.on_train_begin()
    ran = 0
    for epoch, value in enumerate(series):
        ran += 1
        model.set_weights([np.full(2, float(epoch))])
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"loss": value, key: value})
        if model.stop_training:
            break
    callback.on_train_end()
    return ran


SERIES = [np.round(np.random.default_rng(seed).normal(1.0, 0.3, 12).cumsum() / np.arange(1, 13), 3)
          .tolist() for seed in range(4)]


@pytest.mark.parametrize("patience,min_delta,mode,baseline,start,restore", [
    (0, 0, "auto", None, 0, False), (2, 0, "min", None, 0, True), (3, 0.05, "auto", None, 2, True),
    (2, 0, "max", None, 0, True), (1, 0, "auto", 0.5, 0, True), (4, 0.01, "min", 2.0, 1, False)])
def test_early_stopping_matches_keras(patience, min_delta, mode, baseline, start, restore):
    keras = real_keras()
    for series in SERIES:
        kwargs = dict(monitor="val_loss", patience=patience, min_delta=min_delta, mode=mode,
                      baseline=baseline, start_from_epoch=start, restore_best_weights=restore)
        ours, theirs = callbacks.EarlyStopping(**kwargs), keras.callbacks.EarlyStopping(**kwargs)
        our_model, their_model = PlainModel(), PlainModel()
        assert drive(ours, our_model, series) == drive(theirs, their_model, series)
        assert (ours.stopped_epoch, ours.best, ours.best_epoch, ours.wait) == (
            theirs.stopped_epoch, theirs.best, theirs.best_epoch, theirs.wait)
        np.testing.assert_array_equal(our_model.weights[0], their_model.weights[0])


def test_early_stopping_restores_the_best_weights_in_a_fit_loop():
    model = FakeModel()
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = run_fit(model, [stop], losses=[1.0] * 8, val_losses=[3, 2, 1, 1.5, 1.2, 0.5, 0, 0])
    assert history.epoch == [0, 1, 2, 3, 4] and model.stop_training
    assert stop.stopped_epoch == 4 and stop.best_epoch == 2
    for weight in model.get_weights():  # weights of epoch e are e + 1 in the fake loop
        np.testing.assert_array_equal(weight, np.full(weight.shape, 3.0))


def test_missing_metric_warns_and_unknown_direction_raises():
    stop = callbacks.EarlyStopping(monitor="val_accuracy")
    stop.set_model(PlainModel())
    with pytest.raises(ValueError, match="mode='max'"):
        stop.on_epoch_end(0, {"loss": 1.0})
    watch_loss = callbacks.EarlyStopping(monitor="val_loss")
    watch_loss.set_model(PlainModel())
    watch_loss.on_train_begin()
    with pytest.warns(UserWarning, match="val_loss"):
        watch_loss.on_epoch_end(0, {"loss": 1.0})


def test_auto_mode_uses_the_metric_direction():
    class Metric:
        def __init__(self, name, direction):
            self.name, self._direction = name, direction

    class Container:
        metrics = [Metric("auc", "up"), Metric("mae", "down")]

    model = PlainModel()
    model.metrics = [Container()]
    for monitor, better, worse in (("val_auc", 0.9, 0.8), ("mae", 0.1, 0.2)):
        stop = callbacks.EarlyStopping(monitor=monitor)
        stop.set_model(model)
        stop._set_monitor_op()
        assert stop._is_improvement(better, worse) and not stop._is_improvement(worse, better)


@pytest.mark.parametrize("factor,patience,cooldown,min_lr,min_delta,mode", [
    (0.5, 1, 0, 0.0, 1e-4, "auto"), (0.1, 2, 1, 0.05, 0.0, "min"), (0.5, 0, 2, 0.2, 0.01, "max")])
def test_reduce_lr_on_plateau_matches_keras(factor, patience, cooldown, min_lr, min_delta, mode):
    keras = real_keras()
    for series in SERIES:
        kwargs = dict(monitor="val_loss", factor=factor, patience=patience, cooldown=cooldown,
                      min_lr=min_lr, min_delta=min_delta, mode=mode)
        rates = []
        for module in (callbacks, keras.callbacks):
            model = PlainModel(learning_rate=1.0)
            callback = module.ReduceLROnPlateau(**kwargs)
            trace = []
            callback.set_model(model)
            callback.on_train_begin()
            for epoch, value in enumerate(series):
                logs = {"val_loss": value}
                callback.on_epoch_end(epoch, logs)
                trace.append((float(model.optimizer.learning_rate), callback.wait,
                              callback.cooldown_counter, logs["learning_rate"]))
            rates.append(trace)
        np.testing.assert_allclose(np.array(rates[0]), np.array(rates[1]), rtol=1e-6)


def test_reduce_lr_on_plateau_on_backend_variables(backend):
    model = FakeModel(learning_rate=0.8)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_lr=0.15)
    history = run_fit(model, [reduce], losses=[1.0, 1.0, 1.0, 1.0, 1.0])
    # logs hold the rate the epoch ran with; each stalled epoch then halves it, down to min_lr
    np.testing.assert_allclose(history.history["learning_rate"], [0.8, 0.8, 0.4, 0.2, 0.15],
                               rtol=1e-6)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.15, rtol=1e-6)
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.0)


def test_learning_rate_scheduler(backend):
    model = FakeModel(learning_rate=1.0)
    two_args = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    history = run_fit(model, [two_args], losses=[1.0, 1.0, 1.0])
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 0.5, 0.25])
    one_arg = callbacks.LearningRateScheduler(lambda epoch: 0.1 * (epoch + 1))
    history = run_fit(FakeModel(), [one_arg], losses=[1.0, 1.0])
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.2], rtol=1e-6)
    with pytest.raises(ValueError, match="float"):
        run_fit(FakeModel(), [callbacks.LearningRateScheduler(lambda epoch, lr: 1)], [1.0])
    with pytest.raises(TypeError, match="schedule"):
        callbacks.LearningRateScheduler(0.1)


def test_terminate_on_nan():
    model = FakeModel()
    history = run_fit(model, [callbacks.TerminateOnNaN()], losses=[1.0, float("nan"), 1.0])
    assert history.epoch == [0, 1] and model.stop_training
    with pytest.raises(RuntimeError, match="NaN or Inf"):
        run_fit(FakeModel(), [callbacks.TerminateOnNaN(raise_error=True)], [float("inf")])


@pytest.mark.parametrize("kwargs", [
    dict(filepath="m-{epoch:02d}-{val_loss:.2f}.keras", save_best_only=True),
    dict(filepath="w-{epoch}.weights.h5", save_weights_only=True),
    dict(filepath="b-{epoch}-{batch}.keras", save_freq=3, monitor="loss"),
    dict(filepath="best.keras", save_best_only=True, mode="max", initial_value_threshold=1.0)])
def test_model_checkpoint_matches_keras(tmp_path, kwargs):
    keras = real_keras()
    kwargs = dict(kwargs, filepath=str(tmp_path / kwargs["filepath"]))
    series = [2.0, 1.5, 1.7, 1.2, 1.2, 3.0]
    saved = []
    for module in (callbacks, keras.callbacks):
        model = PlainModel()
        callback = module.ModelCheckpoint(**kwargs)
        callback.set_model(model)
        callback.on_train_begin()
        for epoch, value in enumerate(series):
            callback.on_epoch_begin(epoch)
            for batch in range(2):
                callback.on_train_batch_end(batch, {"loss": value})
            callback.on_epoch_end(epoch, {"loss": value, "val_loss": value})
        saved.append(model.saved)
    assert saved[0] == saved[1] and saved[0]


def test_model_checkpoint_best_only_files(tmp_path):
    model = FakeModel()
    path = str(tmp_path / "ckpt" / "e{epoch}.weights.h5")
    best = callbacks.ModelCheckpoint(path, save_best_only=True, save_weights_only=True)
    run_fit(model, [best], losses=[0] * 4, val_losses=[3.0, 1.0, 2.0, 0.5])
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["e1.weights.h5", "e2.weights.h5",
                                                    "e4.weights.h5"]
    model.load_weights(str(tmp_path / "ckpt" / "e2.weights.h5"))
    np.testing.assert_array_equal(model.get_weights()[1], np.full(3, 2.0))


def test_model_checkpoint_argument_errors(tmp_path):
    with pytest.raises(ValueError, match=".weights.h5"):
        callbacks.ModelCheckpoint(str(tmp_path / "a.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match=".keras"):
        callbacks.ModelCheckpoint(str(tmp_path / "a.txt"))
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint(str(tmp_path / "a.keras"), save_freq="often")
    bad = callbacks.ModelCheckpoint(str(tmp_path / "{nope}.keras"))
    bad.set_model(PlainModel())
    with pytest.raises(KeyError, match="nope"):
        bad.on_epoch_end(0, {"val_loss": 1.0})
