"""compile/fit/evaluate/predict: end to end on every trainable backend, log names and return
formats, the numpy backend's inference-only path, interruption, and input errors."""

import os
import signal

import numpy as np
import pytest
from sklearn.datasets import load_digits

import kerasnb
from kerasnb import layers
from kerasnb.engine import backend as engine_backend


def _mlp(inputs=5, classes=3, hidden=8):
    return kerasnb.Sequential([kerasnb.Input((inputs,)), layers.Dense(hidden, activation="relu"),
                               layers.Dense(classes)])


def _data(n=40, inputs=5, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, inputs)).astype("float32"), rng.randint(0, classes, n)


def _compiled(model=None, **kwargs):
    model = model or _mlp()
    kwargs.setdefault("optimizer", kerasnb.optimizers.SGD(0.1))
    kwargs.setdefault("loss", kerasnb.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.compile(**kwargs)
    return model


def test_digits_reach_95_percent(trainable_backend):
    digits = load_digits()
    x, y = digits.data.astype("float32") / 16.0, digits.target
    order = np.random.RandomState(0).permutation(len(x))
    x, y = x[order], y[order]
    model = kerasnb.Sequential([kerasnb.Input((64,)), layers.Dense(64, activation="relu"),
                                layers.Dropout(0.1), layers.Dense(10)])
    model.compile(optimizer="adam", loss=kerasnb.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x[:1400], y[:1400], batch_size=32, epochs=15, verbose=0,
                        validation_data=(x[1400:], y[1400:]))
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert len(history.history["loss"]) == 15 and history.epoch == list(range(15))
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x[1400:], y[1400:], verbose=0)
    assert accuracy > 0.95
    predicted = model.predict(x[1400:], verbose=0).argmax(-1)
    assert np.mean(predicted == y[1400:]) == pytest.approx(accuracy, abs=1e-6)


@pytest.mark.parametrize("name", ["numpy", "openvino"])
def test_inference_only_backends_refuse_fit(name):
    x, y = _data()
    model = _compiled()
    engine_backend.set_backend(name)
    with pytest.raises(RuntimeError, match=r"fit\(\)` needs a backend with automatic differentiation \(jax, torch, tensorflow\)"):
        model.fit(x, y, verbose=0)
    with pytest.raises(RuntimeError, match="train_on_batch"):
        model.train_on_batch(x, y)


def test_numpy_backend_evaluates_and_predicts_like_jax():
    x, y = _data()
    model = _compiled(metrics=["accuracy"])
    engine_backend.set_backend("numpy")
    on_numpy = model.evaluate(x, y, verbose=0, return_dict=True), model.predict(x, verbose=0)
    engine_backend.set_backend("jax")
    on_jax = model.evaluate(x, y, verbose=0, return_dict=True), model.predict(x, verbose=0)
    assert list(on_numpy[0]) == ["loss", "accuracy"]
    for key in on_numpy[0]:
        assert on_numpy[0][key] == pytest.approx(on_jax[0][key], rel=1e-5)
    np.testing.assert_allclose(on_numpy[1], on_jax[1], rtol=1e-5, atol=1e-6)


def test_predict_batches_that_do_not_divide_and_dict_outputs(backend):
    inputs = kerasnb.Input((5,))
    model = kerasnb.Model(inputs, {"a": layers.Dense(2)(inputs), "b": layers.Dense(1)(inputs)})
    x, _ = _data(n=23)
    out = model.predict(x, batch_size=10, verbose=0)
    assert sorted(out) == ["a", "b"] and out["a"].shape == (23, 2) and out["b"].shape == (23, 1)
    direct = model(x)
    np.testing.assert_allclose(out["a"], kerasnb.ops.convert_to_numpy(direct["a"]), rtol=1e-5, atol=1e-6)
    single = model.predict_on_batch(x[:4])
    np.testing.assert_allclose(single["b"], out["b"][:4], rtol=1e-5, atol=1e-6)


def test_evaluate_and_on_batch_return_formats(trainable_backend):
    x, y = _data()
    model = _compiled()
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model = _compiled(metrics=["accuracy"])
    values = model.evaluate(x, y, verbose=0)
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "accuracy"] and values == list(as_dict.values())
    assert model.metrics_names == ["loss", "compile_metrics"]
    logs = model.train_on_batch(x[:8], y[:8], return_dict=True)
    assert list(logs) == ["loss", "accuracy"]
    first = model.test_on_batch(x[:8], y[:8])
    expected = model.evaluate(x[:8], y[:8], verbose=0)
    assert first == pytest.approx(expected, rel=1e-5)


def test_multi_output_dict_names_and_loss_weights(trainable_backend):
    x, y = _data()
    inputs = kerasnb.Input((5,))
    hidden = layers.Dense(4, activation="relu")(inputs)
    model = kerasnb.Model(inputs, {"c": layers.Dense(3)(hidden), "r": layers.Dense(1)(hidden)})
    target = {"c": y, "r": x[:, :1]}
    model.compile("sgd", loss={"c": kerasnb.losses.SparseCategoricalCrossentropy(from_logits=True),
                               "r": "mse"}, loss_weights={"c": 1.0, "r": 0.5}, metrics={"c": "acc"})
    history = model.fit(x, target, batch_size=8, epochs=1, verbose=0)
    assert sorted(history.history) == ["c_acc", "c_loss", "loss", "r_loss"]
    logs = model.evaluate(x, target, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["c_loss"] + 0.5 * logs["r_loss"], rel=1e-5)
    with pytest.raises(ValueError, match="`loss` has keys \\['z'\\]"):
        model.compile("sgd", loss={"z": "mse"})
        model.fit(x, target, verbose=0)


def test_steps_per_execution_gives_the_same_weights(trainable_backend):
    x, y = _data(n=48)
    results = []
    for steps in (1, 4):
        kerasnb.utils.set_random_seed(3)
        model = _compiled(steps_per_execution=steps, metrics=["accuracy"])
        history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append((model.get_weights(), history.history))
    for a, b in zip(results[0][0], results[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for key in results[0][1]:
        np.testing.assert_allclose(results[0][1][key], results[1][1][key], rtol=1e-5)


def test_run_eagerly_matches_compiled(trainable_backend):
    x, y = _data()
    results = []
    for eager in (False, True):
        kerasnb.utils.set_random_seed(5)
        model = _compiled(run_eagerly=eager, metrics=["accuracy"])
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


class _InterruptAt(kerasnb.callbacks.Callback):
    """Sends SIGINT to this process at the start of train batch `step` of epoch `epoch`."""

    def __init__(self, epoch, step):
        super().__init__()
        self.at, self.epoch = (epoch, step), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            os.kill(os.getpid(), signal.SIGINT)


class _InterruptInside(layers.Layer):
    """Sends SIGINT to this process during its `calls`-th training call (inside a step)."""

    def __init__(self, calls, **kwargs):
        super().__init__(**kwargs)
        self.calls, self.seen = calls, 0

    def call(self, x, training=None):
        if training:
            self.seen += 1
            if self.seen == self.calls:
                os.kill(os.getpid(), signal.SIGINT)
        return x


@pytest.mark.parametrize("inside", [False, True], ids=["between-steps", "inside-a-step"])
def test_interrupt_keeps_the_last_completed_step(trainable_backend, inside):
    """Ctrl-C between steps stops at once; during a step it waits for the step to finish.
    Either way the weights are those of the last completed step and History holds only
    completed epochs."""
    x, y = _data(n=40)
    kerasnb.utils.set_random_seed(11)
    model = _mlp()
    if inside:  # the 8th training call is step 2 of epoch 1 (5 steps per epoch)
        model = kerasnb.Sequential([kerasnb.Input((5,)), _InterruptInside(8)] + model.layers)
    _compiled(model, metrics=["accuracy"], run_eagerly=inside)
    start = model.get_weights()
    history = kerasnb.callbacks.History()
    callbacks = [history] + ([] if inside else [_InterruptAt(epoch=1, step=2)])
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=callbacks)
    assert history.epoch == [0] and len(history.history["loss"]) == 1
    completed = 24 if inside else 16  # samples of epoch 1 whose step completed
    reference = _compiled(_mlp(), metrics=["accuracy"])
    reference.set_weights(start)
    reference.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    reference.fit(x[:completed], y[:completed], batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert engine_backend._state.busy == 0  # a switch is possible again


class _SwitchBackend(kerasnb.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.error = None
        try:
            kerasnb.config.set_backend("numpy")
        except RuntimeError as error:
            self.error = error
        self.model.stop_training = True


def test_switch_refused_during_fit_and_stop_training(trainable_backend):
    x, y = _data()
    model = _compiled()
    switch = _SwitchBackend()
    history = model.fit(x, y, batch_size=8, epochs=5, verbose=0, callbacks=[switch])
    assert "fit()" in str(switch.error) and kerasnb.config.backend() == trainable_backend
    assert len(history.history["loss"]) == 1  # stop_training ended the run after one epoch


def test_errors_before_training(trainable_backend):
    x, y = _data()
    model = _mlp()
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="adamm"):
        model.compile(optimizer="adamm", loss="mse")
    model = _compiled(metrics=["no_such_metric"])
    model.build((None, 5))
    before = model.get_weights()
    with pytest.raises(ValueError, match="no_such_metric"):
        model.fit(x, y, verbose=0)
    model = _compiled(loss="no_such_loss")
    with pytest.raises(ValueError, match="no_such_loss"):
        model.fit(x, y, verbose=0)
    model = _compiled()
    model.build((None, 5))
    with pytest.raises(ValueError, match="40 samples.*39"):
        model.fit(x, y[:39], verbose=0)
    with pytest.raises(ValueError, match="shape"):
        model.fit(x[:, :4], y, verbose=0)
    for a, b in zip(before, model.get_weights()):
        assert a.shape == b.shape


class _Tracked(kerasnb.Model):
    """A subclassed model with its own train_step and metric tracker, as in Keras guides."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.tracker = kerasnb.metrics.Mean(name="custom_loss")

    def call(self, x):
        return self.dense(x)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = kerasnb.ops.mean(kerasnb.ops.abs(y - y_pred))
        self.tracker.update_state(loss)
        return loss


def test_subclassed_model_with_custom_loss_and_tracker(trainable_backend):
    x = np.random.RandomState(0).normal(size=(32, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = _Tracked()
    model.compile(optimizer=kerasnb.optimizers.SGD(0.05))
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0)
    assert "custom_loss" in history.history and "custom_loss" in model.metrics_names
    assert history.history["custom_loss"][-1] < history.history["custom_loss"][0]


def test_batchnorm_and_dropout_state_flows(trainable_backend):
    x, y = _data(n=32)
    model = kerasnb.Sequential([kerasnb.Input((5,)), layers.Dense(6), layers.BatchNormalization(),
                                layers.Dropout(0.5), layers.Dense(3)])
    _compiled(model)
    bn = model.layers[1]
    dropout = model.layers[2]
    seed_before = dropout.seed_generator.state.numpy().copy()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert not np.allclose(bn.moving_mean.numpy(), 0.0)
    assert not np.array_equal(dropout.seed_generator.state.numpy(), seed_before)


def test_generator_input_and_validation_freq(trainable_backend):
    x, y = _data(n=32)

    def batches():
        while True:
            for start in range(0, 32, 8):
                yield x[start:start + 8], y[start:start + 8]

    model = _compiled(metrics=["accuracy"])
    history = model.fit(batches(), steps_per_epoch=4, epochs=4, verbose=0,
                        validation_data=(x, y), validation_freq=2)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2


def test_torch_jit_compile_goes_through_torch_compile(monkeypatch):
    """`jit_compile=True` on torch compiles the step with `torch.compile` (Dynamo tracing of
    kerasnb's own step; the "eager" compiler backend skips C++ code generation to keep the
    test fast) and trains to the same weights as the eager step."""
    import torch
    engine_backend.set_backend("torch")
    calls = []
    real = torch.compile

    def recording(fn, **kwargs):
        calls.append(fn)
        return real(fn, backend="eager")

    monkeypatch.setattr(torch, "compile", recording)
    x, y = _data(n=32)
    weights = []
    for jit in (True, False):
        kerasnb.utils.set_random_seed(2)
        model = _compiled(jit_compile=jit)
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    assert len(calls) == 1
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_small_cnn_trains(trainable_backend):
    """Convolution and max pooling differentiate inside each backend's compiled step."""
    rng = np.random.RandomState(0)
    x = rng.normal(size=(32, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype("int64")
    model = kerasnb.Sequential([kerasnb.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                                layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(2)])
    _compiled(model, optimizer="adam", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_compile_keeps_the_loss_and_optimizer_as_given():
    loss = kerasnb.losses.Huber()
    model = _compiled(loss=loss, optimizer="adam")
    assert model.loss is loss and isinstance(model.optimizer, kerasnb.optimizers.Adam)
    assert _compiled(loss={"out": "mse"}).loss == {"out": "mse"}
