"""The openvino backend: predict/evaluate through compiled OpenVINO models (against the numpy
backend), the compile cache and its invalidation, host-NumPy eager ops, and what it refuses."""

import numpy as np
import openvino
import pytest

import kerasnb
from kerasnb import layers, ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.backend.openvino import trainer as ov_trainer


@pytest.fixture
def ov_calls(monkeypatch):
    """Counts OpenVINO compilations and inferences made from now on."""
    counts = {"compile": 0, "infer": 0}
    compile_model, infer = openvino.Core.compile_model, openvino.CompiledModel.__call__

    def counting_compile(self, *args, **kwargs):
        counts["compile"] += 1
        return compile_model(self, *args, **kwargs)

    def counting_infer(self, *args, **kwargs):
        counts["infer"] += 1
        return infer(self, *args, **kwargs)

    monkeypatch.setattr(openvino.Core, "compile_model", counting_compile)
    monkeypatch.setattr(openvino.CompiledModel, "__call__", counting_infer)
    return counts


def _mlp():
    return kerasnb.Sequential([kerasnb.Input((6,)), layers.Dense(16, activation="relu"),
                               layers.Dense(4, activation="softmax")])


def _two_inputs():
    a, b = kerasnb.Input((6,), name="a"), kerasnb.Input((3,), name="b")
    h = layers.Concatenate()([layers.Dense(8, activation="tanh")(a), b])
    return kerasnb.Model({"a": a, "b": b},
                         {"scores": layers.Dense(4, activation="softmax")(h), "value": layers.Dense(1)(h)})


def _cnn():
    return kerasnb.Sequential([kerasnb.Input((6,)), layers.Reshape((3, 2, 1)),
                               layers.Conv2D(4, 2, padding="same", activation="relu"),
                               layers.MaxPooling2D(2, padding="same"), layers.Flatten(), layers.Dense(3)])


def _lstm():
    return kerasnb.Sequential([kerasnb.Input((6,)), layers.Reshape((3, 2)), layers.LSTM(5), layers.Dense(2)])


def _embedding_gru():
    return kerasnb.Sequential([kerasnb.Input((6,), dtype="int32"), layers.Embedding(10, 4),
                               layers.GRU(3, return_sequences=True), layers.GlobalAveragePooling1D()])


def _attention():
    inputs = kerasnb.Input((6,))
    tokens = layers.Dense(8)(layers.Reshape((6, 1))(inputs))
    mixed = layers.MultiHeadAttention(num_heads=2, key_dim=4)(tokens, tokens)
    return kerasnb.Model(inputs, layers.GlobalAveragePooling1D()(layers.LayerNormalization()(mixed + tokens)))


def _data(n=50, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, 6)).astype("float32"), rng.randint(0, 4, n)


def _on(name, fn):
    engine_backend.set_backend(name)
    return fn()


def _assert_close(actual, expected):
    kerasnb.tree.assert_same_structure(actual, expected)
    for a, e in zip(kerasnb.tree.flatten(actual), kerasnb.tree.flatten(expected)):
        assert a.shape == e.shape and a.dtype == e.dtype
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5)


ZOO = {"mlp": (_mlp, lambda x: x), "cnn": (_cnn, lambda x: x), "lstm": (_lstm, lambda x: x),
       "attention": (_attention, lambda x: x),
       "embedding_gru": (_embedding_gru, lambda x: (np.abs(x) * 4).astype("int64") % 10),
       "two_inputs": (_two_inputs, lambda x: {"a": x, "b": x[:, :3] * 2})}


@pytest.mark.parametrize("name", sorted(ZOO))
def test_predict_matches_numpy_backend(name, ov_calls):
    build, inputs = ZOO[name]
    model = build()
    x = inputs(_data()[0])
    expected = _on("numpy", lambda: model.predict(x, batch_size=16, verbose=0))
    actual = _on("openvino", lambda: model.predict(x, batch_size=16, verbose=0))
    _assert_close(actual, expected)
    assert ov_calls == {"compile": 1, "infer": 4}  # one model for 16, 16, 16 and 2 rows


def test_predict_on_batch_and_direct_call():
    model = _mlp()
    x = _data()[0]
    engine_backend.set_backend("openvino")
    np.testing.assert_allclose(model.predict_on_batch(x), model(x), rtol=1e-5, atol=1e-6)
    assert isinstance(model(x), np.ndarray)  # a direct call runs on host NumPy


def test_evaluate_matches_numpy_backend(ov_calls):
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    weights = np.linspace(0.5, 1.5, len(x))
    run = lambda: model.evaluate(x, y, sample_weight=weights, batch_size=16, verbose=0, return_dict=True)
    expected = _on("numpy", run)
    actual = _on("openvino", run)
    assert list(actual) == ["loss", "accuracy"]
    for key in expected:
        assert actual[key] == pytest.approx(expected[key], rel=1e-5)
    assert ov_calls["infer"] == 4
    assert model.test_on_batch(x, y, return_dict=True)["accuracy"] == pytest.approx(
        _on("numpy", lambda: model.test_on_batch(x, y, return_dict=True))["accuracy"])


def test_one_compiled_model_per_input_signature(ov_calls):
    inputs = kerasnb.Input((None, 3))
    model = kerasnb.Model(inputs, layers.Dense(2)(inputs))
    short, long = np.ones((4, 5, 3), "float32"), np.arange(84, dtype="float32").reshape(4, 7, 3)
    expected = [_on("numpy", lambda: model.predict(x, verbose=0)) for x in (short, long)]
    engine_backend.set_backend("openvino")
    for _ in range(2):
        for x, e in zip((short, long), expected):
            np.testing.assert_allclose(model.predict(x, verbose=0), e, rtol=1e-5, atol=1e-5)
    assert ov_calls["compile"] == 2


@pytest.mark.parametrize("write", ["set_weights", "assign_same_array", "load_weights", "other_backend"])
def test_predict_sees_new_weights(write, tmp_path, ov_calls):
    model = _mlp()
    x = _data()[0]
    engine_backend.set_backend("openvino")
    before = model.predict(x, verbose=0)
    kernel = model.layers[-1].kernel
    if write == "set_weights":
        model.layers[-1].set_weights([kernel.numpy() * 3, np.ones(4)])
    elif write == "assign_same_array":  # the same array object, changed in place, assigned again
        value = kernel.numpy()
        kernel.assign(value)
        model.predict(x, verbose=0)
        value *= 3
        kernel.assign(value)
    elif write == "load_weights":
        other = _mlp()
        other.save_weights(tmp_path / "other.weights.h5")
        model.load_weights(tmp_path / "other.weights.h5")
    else:
        engine_backend.set_backend("torch")
        kernel.assign(kernel.value * 3)
        engine_backend.set_backend("openvino")
    after = model.predict(x, verbose=0)
    assert not np.allclose(after, before, atol=1e-3)
    np.testing.assert_allclose(after, _on("numpy", lambda: model.predict(x, verbose=0)), rtol=1e-5, atol=1e-6)


def test_unchanged_weights_reuse_the_compiled_model(ov_calls):
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    engine_backend.set_backend("openvino")
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)  # metric updates are not weight writes
    model.predict(x[:7], verbose=0)
    assert ov_calls["compile"] == 1
    assert isinstance(next(iter(ov_trainer.compiled_forward(model)._compiled.values())).compiled,
                      openvino.CompiledModel)


def test_custom_steps_and_run_eagerly_run_on_host(ov_calls):
    class Doubled(kerasnb.Sequential):
        def predict_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            return self(x, training=False) * 2

    model = Doubled([kerasnb.Input((6,)), layers.Dense(3)])
    x = _data()[0]
    expected = _on("numpy", lambda: model.predict(x, verbose=0))
    np.testing.assert_allclose(_on("openvino", lambda: model.predict(x, verbose=0)), expected, rtol=1e-6)
    plain = _mlp()
    plain.compile(loss="mse", run_eagerly=True)
    plain.predict(x, verbose=0)
    assert ov_calls == {"compile": 0, "infer": 0}


def test_untranslatable_model_names_the_backend():
    class Odd(layers.Layer):
        def call(self, x):
            return ops.cumprod(ops.sort(x, axis=-1), axis=-1)

    inputs = kerasnb.Input((6,))
    model = kerasnb.Model(inputs, Odd()(inputs))
    engine_backend.set_backend("openvino")
    with pytest.raises(NotImplementedError, match=r"openvino backend .* ONNX.*numpy backend"):
        model.predict(_data()[0], verbose=0)


def test_losses_added_during_a_call_refuse_evaluate_but_not_predict():
    class Penalized(layers.Layer):
        def call(self, x):
            self.add_loss(ops.mean(ops.square(x)))
            return x * 2

    inputs = kerasnb.Input((6,))
    model = kerasnb.Model(inputs, layers.Dense(2)(Penalized(name="penalized")(inputs)))
    model.compile(loss="mse")
    x, y = _data()[0], np.zeros((50, 2), "float32")
    expected = _on("numpy", lambda: model.predict(x, verbose=0))
    np.testing.assert_allclose(_on("openvino", lambda: model.predict(x, verbose=0)), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(NotImplementedError, match=r"openvino backend .*\['penalized'\].*numpy backend"):
        model.evaluate(x, y, verbose=0)


def test_fit_is_refused_naming_the_trainable_backends():
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy")
    engine_backend.set_backend("openvino")
    with pytest.raises(RuntimeError, match=r"automatic differentiation \(jax, torch, tensorflow\)"):
        model.fit(*_data(), verbose=0)


def test_eager_ops_run_on_host_numpy():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    expected = _on("numpy", lambda: (ops.matmul(x, x.T), ops.softmax(x), ops.add(x, 1)))
    actual = _on("openvino", lambda: (ops.matmul(x, x.T), ops.softmax(x), ops.add(x, 1)))
    for a, e in zip(actual, expected):
        assert isinstance(a, np.ndarray)
        np.testing.assert_array_equal(a, e)
    with pytest.raises(NotImplementedError, match="openvino backend"):
        engine_backend.get().value_and_grad(lambda v: v)


def test_variables_made_on_openvino_follow_switches():
    engine_backend.set_backend("openvino")
    model = _mlp()
    values = model.get_weights()
    engine_backend.set_backend("torch")
    import torch
    assert isinstance(model.layers[0].kernel.value, torch.Tensor)
    engine_backend.set_backend("openvino")
    for got, want in zip(model.get_weights(), values):
        np.testing.assert_array_equal(got, want)


def test_devices_are_openvinos_own():
    devices = engine_backend.load("openvino").devices()  # what available() reports
    assert "cpu" in devices
    assert devices == [d.lower() for d in openvino.Core().available_devices]
