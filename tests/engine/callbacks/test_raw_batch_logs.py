"""`Callback.raw_batch_logs`: batch hooks get the trainer's logs unconverted when asked to."""

import numpy as np

import kerasnb as keras
import kerasnb.callbacks as callbacks
from kerasnb.engine.ops import core

BATCH_HOOKS = ["on_train_batch_end", "on_test_batch_end", "on_predict_batch_end"]


class Lazy:
    """A log value that counts how often it is converted to float (a device sync)."""

    conversions = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        Lazy.conversions += 1
        return self.value


class Seen(callbacks.Callback):
    """Keeps the logs every batch hook and `on_epoch_end` received."""

    def __init__(self, raw=None):
        super().__init__()
        if raw is not None:
            self.raw_batch_logs = raw
        self.batches, self.epochs = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(logs)

    def on_test_batch_end(self, batch, logs=None):
        self.batches.append(logs)

    def on_predict_batch_end(self, batch, logs=None):
        self.batches.append(logs)

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(logs)


class RawSeen(Seen):
    raw_batch_logs = True


def test_default_is_plain_floats():
    assert callbacks.Callback.raw_batch_logs is False
    assert callbacks.ProgbarLogger.raw_batch_logs is True  # built-in displays read rarely


def test_raw_callbacks_get_the_logs_object_and_nothing_is_converted_for_them():
    Lazy.conversions = 0
    raw, instance_raw = RawSeen(), Seen(raw=True)
    cbs = callbacks.CallbackList([raw, instance_raw])
    logs = {"loss": Lazy(0.5)}
    for hook in BATCH_HOOKS:
        getattr(cbs, hook)(0, logs)
    assert Lazy.conversions == 0
    assert all(seen is logs for seen in raw.batches + instance_raw.batches)
    assert len(raw.batches) == len(instance_raw.batches) == 3
    cbs.on_epoch_end(0, logs)  # epoch hooks always get floats
    assert raw.epochs == [{"loss": 0.5}] and Lazy.conversions == 1


def test_plain_and_raw_callbacks_side_by_side():
    Lazy.conversions = 0
    raw, plain = RawSeen(), Seen()
    cbs = callbacks.CallbackList([raw, plain])
    logs = {"loss": Lazy(2.0)}
    cbs.on_train_batch_end(0, logs)
    assert raw.batches == [logs] and raw.batches[0] is logs
    assert plain.batches == [{"loss": 2.0}] and type(plain.batches[0]["loss"]) is float
    assert Lazy.conversions == 1  # once for all plain callbacks


def test_fit_hands_backend_tensors_to_raw_callbacks(trainable_backend):
    rng = np.random.default_rng(0)
    x = rng.random((64, 3), dtype=np.float32)
    y = x.sum(1, keepdims=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    raw, plain = RawSeen(), Seen()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[raw, plain])
    assert len(raw.batches) == len(plain.batches) == 4
    assert all(core.is_tensor(logs["loss"]) for logs in raw.batches)
    assert all(type(logs["loss"]) is float for logs in plain.batches)
    np.testing.assert_allclose([float(core.convert_to_numpy(logs["loss"])) for logs in raw.batches],
                               [logs["loss"] for logs in plain.batches], rtol=1e-6)
    assert raw.epochs == plain.epochs and type(raw.epochs[0]["loss"]) is float
