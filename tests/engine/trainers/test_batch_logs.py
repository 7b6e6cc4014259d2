"""Eager `fit` steps whose batch logs nobody reads skip computing metric results: the
epoch logs and History are those of steps that compute them, a callback that reads batch
logs gets each step's results, and overridden steps keep their own logs."""

import numpy as np
import pytest

import kerasnb
from kerasnb import layers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.trainers.trainer import Trainer


def _fit(backend, callbacks, epochs=2, **compile_kwargs):
    engine_backend.set_backend(backend)
    kerasnb.utils.set_random_seed(3)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((48, 4)).astype("float32"), rng.integers(0, 3, 48)
    model = kerasnb.Sequential([kerasnb.Input((4,)), layers.Dense(6, activation="relu"),
                                layers.Dense(3)])
    model.compile(optimizer="adam", loss=kerasnb.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], **compile_kwargs)
    history = model.fit(x, y, batch_size=16, epochs=epochs, verbose=0, shuffle=False,
                        callbacks=callbacks)
    return model, history.history


class BatchLogs(kerasnb.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.logs.append(dict(logs))


@pytest.fixture
def counted_results(monkeypatch):
    calls = []
    original = Trainer.get_metrics_result

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Trainer, "get_metrics_result", counting)
    return calls


@pytest.mark.parametrize("backend, compile_kwargs", [("torch", {}), ("jax", {"run_eagerly": True})])
def test_unread_batch_logs_are_not_computed_and_epochs_log_the_same(backend, compile_kwargs, counted_results):
    pytest.importorskip(backend)
    _, quiet = _fit(backend, [], **compile_kwargs)
    assert len(counted_results) == 2  # once per epoch, not once per step
    reader = BatchLogs()
    _, loud = _fit(backend, [reader], **compile_kwargs)
    assert len(counted_results) == 2 + 6
    assert sorted(quiet) == sorted(loud) == ["accuracy", "loss"]
    for key in quiet:
        np.testing.assert_allclose(quiet[key], loud[key], rtol=1e-6)
    assert len(reader.logs) == 6 and reader.logs[-1] == pytest.approx(
        {k: v[-1] for k, v in loud.items()}, rel=1e-6)


def test_overridden_steps_keep_their_logs(counted_results):
    pytest.importorskip("torch")

    class Custom(kerasnb.Sequential):
        def train_step(self, data):
            logs = super().train_step(data)
            logs["extra"] = 1.0
            return logs

    engine_backend.set_backend("torch")
    model = Custom([kerasnb.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), batch_size=4,
                        epochs=1, verbose=0)
    assert history.history["extra"] == [1.0] and len(counted_results) == 2
