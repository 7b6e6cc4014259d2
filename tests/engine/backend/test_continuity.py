"""Training continues across a backend switch as if no switch had happened."""

import threading

import numpy as np
import pytest

import kerasnb as keras
from tests.engine.backend.test_switching import run_python

PAIRS = [("torch", "jax"), ("jax", "tensorflow"), ("tensorflow", "torch")]


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(192, 6)).astype("float32")
    return x, (x[:, :3].sum(axis=1) > 0).astype("float32")


def _model():
    keras.utils.set_random_seed(11)
    model = keras.Sequential([
        keras.Input((6,)), keras.layers.Dense(12, activation="relu"),
        keras.layers.BatchNormalization(), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    return model


def _fit(model, epochs, initial_epoch=0):
    x, y = _data()
    return model.fit(x, y, batch_size=32, epochs=epochs, initial_epoch=initial_epoch,
                     shuffle=True, verbose=0).history


@pytest.mark.parametrize("source,target", PAIRS)
def test_switching_mid_training_matches_one_backend(source, target):
    keras.config.set_backend(source)
    reference = _model()
    expected = _fit(reference, 6)

    model = _model()
    first = _fit(model, 3)
    report = keras.config.set_backend(target)
    assert (report.source, report.target) == (source, target) and report.variables > 0
    second = _fit(model, 6, initial_epoch=3)

    for key in expected:
        np.testing.assert_allclose(first[key] + second[key], expected[key], rtol=2e-4, atol=2e-5)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5)
    for got, want in zip(model.optimizer.variables, reference.optimizer.variables):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got),
                                   keras.ops.convert_to_numpy(want), rtol=2e-4, atol=2e-5)
    assert int(model.optimizer.iterations.numpy()) == 6 * 6


def test_metric_state_carries_over():
    keras.config.set_backend("torch")
    metric = keras.metrics.AUC()
    metric.update_state([0, 1, 1, 0], [0.1, 0.8, 0.3, 0.6])
    keras.config.set_backend("jax")
    metric.update_state([1, 0], [0.9, 0.2])
    whole = keras.metrics.AUC()
    whole.update_state([0, 1, 1, 0, 1, 0], [0.1, 0.8, 0.3, 0.6, 0.9, 0.2])
    assert float(metric.result()) == pytest.approx(float(whole.result()))


def test_seed_state_carries_over():
    keras.config.set_backend("torch")
    moved = keras.random.SeedGenerator(5)
    keras.random.uniform((2,), seed=moved)
    keras.random.uniform((2,), seed=moved)
    keras.config.set_backend("jax")
    native = keras.random.SeedGenerator(5)
    keras.random.uniform((2,), seed=native)
    keras.random.uniform((2,), seed=native)
    np.testing.assert_array_equal(moved.state.numpy(), native.state.numpy())
    np.testing.assert_array_equal(keras.random.uniform((3,), seed=moved),
                                  keras.random.uniform((3,), seed=native))


def test_first_use_of_a_framework_keeps_global_rngs():
    # Importing jax draws from NumPy's global RNG; shuffling must not notice a first switch.
    code = ("import numpy as np, kerasnb\n"
            "np.random.seed(3); expected = np.random.permutation(10)\n"
            "np.random.seed(3); kerasnb.config.set_backend('jax')\n"
            "print((np.random.permutation(10) == expected).all())")
    assert run_python(code, KERASNB_BACKEND="numpy") == "True"


class _SwitchFromCallback(keras.callbacks.Callback):
    def __init__(self, target):
        super().__init__()
        self.target, self.errors = target, []

    def on_epoch_end(self, epoch, logs=None):
        try:
            keras.config.set_backend(self.target)
        except RuntimeError as exc:
            self.errors.append(str(exc))
        worker = threading.Thread(target=self._switch_from_thread)
        worker.start()
        worker.join()

    def _switch_from_thread(self):
        try:
            keras.config.set_backend(self.target)
        except RuntimeError as exc:
            self.errors.append(str(exc))


def test_switch_during_fit_is_refused_from_callback_and_thread():
    keras.config.set_backend("torch")
    model = _model()
    x, y = _data()
    callback = _SwitchFromCallback("jax")
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[callback]).history
    assert len(callback.errors) == 4
    assert all("while fit() is running" in e for e in callback.errors)
    assert keras.config.backend() == "torch" and len(history["loss"]) == 2
    assert keras.config.set_backend("jax").target == "jax"
