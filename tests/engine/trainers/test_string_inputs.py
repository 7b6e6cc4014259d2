"""fit/evaluate/predict on string inputs: models whose first layers read text (StringLookup,
a FeatureSpace's raw-input model) train from NumPy string arrays and tf.data on every
trainable backend, with the numbers of the same model fed the encoded values."""

import numpy as np
import pytest

import kerasnb
from kerasnb import layers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.trainers import trainer

VOCAB = ["red", "green", "blue"]
TOKENS = np.array(["red", "blue", "teal", "green", "red", "blue", "green", "pink", "red", "blue"])


def _ids(tokens):
    """StringLookup's indices, written out: 0 for out-of-vocabulary, then the vocabulary."""
    return np.array([VOCAB.index(t) + 1 if t in VOCAB else 0 for t in tokens], "int64")


def _targets(n=len(TOKENS)):
    return np.random.RandomState(0).normal(size=(n, 2)).astype("float32")


def _head(seed=3):
    return layers.Dense(2, kernel_initializer=kerasnb.initializers.GlorotUniform(seed=seed))


def _string_model(**compile_kwargs):
    inputs = kerasnb.Input((1,), dtype="string")
    encoded = layers.CategoryEncoding(len(VOCAB) + 1, output_mode="one_hot")(
        layers.StringLookup(vocabulary=VOCAB)(inputs))
    model = kerasnb.Model(inputs, _head()(encoded))
    model.compile(kerasnb.optimizers.SGD(0.1), "mse", metrics=["mae"], **compile_kwargs)
    return model


def _int_model():
    inputs = kerasnb.Input((1,), dtype="int64")
    model = kerasnb.Model(inputs, _head()(layers.CategoryEncoding(len(VOCAB) + 1, output_mode="one_hot")(inputs)))
    model.compile(kerasnb.optimizers.SGD(0.1), "mse", metrics=["mae"])
    return model


def _fit(model, x, y, **kwargs):
    return model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0, **kwargs).history


def _assert_same_weights(a, b):
    for left, right in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(left, right, atol=1e-6)


def test_string_lookup_model_matches_the_model_fed_encoded_ints(trainable_backend):
    y = _targets()
    strings, ints = _string_model(), _int_model()
    ints.set_weights(strings.get_weights())
    # (batch,) strings reach the (None, 1) input with a trailing axis added, as in Keras
    ours = _fit(strings, TOKENS, y, validation_data=(TOKENS[:4], y[:4]))
    reference = _fit(ints, _ids(TOKENS)[:, None], y, validation_data=(_ids(TOKENS[:4])[:, None], y[:4]))
    assert ours.keys() == reference.keys() == {"loss", "mae", "val_loss", "val_mae"}
    for key in ours:
        assert ours[key] == pytest.approx(reference[key], abs=1e-6)
    _assert_same_weights(strings, ints)
    assert strings.evaluate(TOKENS, y, verbose=0) == pytest.approx(
        ints.evaluate(_ids(TOKENS)[:, None], y, verbose=0), abs=1e-6)
    expected = ints.predict(_ids(TOKENS)[:, None], verbose=0)
    for x in (TOKENS[:, None], TOKENS[:, None].astype("S")):  # str and bytes
        np.testing.assert_allclose(strings.predict(x, verbose=0), expected, atol=1e-6)
    np.testing.assert_allclose(strings.predict_on_batch(TOKENS[:, None].astype(object)), expected, atol=1e-6)


def test_string_batches_from_tf_data_train_like_numpy_arrays(trainable_backend):
    tf = pytest.importorskip("tensorflow")
    y = _targets()
    from_arrays, from_dataset = _string_model(), _string_model()
    from_dataset.set_weights(from_arrays.get_weights())
    _fit(from_arrays, TOKENS, y)
    dataset = tf.data.Dataset.from_tensor_slices((TOKENS, y)).batch(4)
    from_dataset.fit(dataset, epochs=2, verbose=0)
    _assert_same_weights(from_arrays, from_dataset)
    np.testing.assert_allclose(from_dataset.predict(dataset.map(lambda x, _: x), verbose=0),
                               from_arrays.predict(TOKENS, verbose=0), atol=1e-6)


@pytest.mark.parametrize("options", [{"jit_compile": True}, {"steps_per_execution": 3}])
def test_compile_options_give_the_eager_numbers_on_string_inputs(trainable_backend, options):
    y = _targets()
    eager, compiled = _string_model(run_eagerly=True), _string_model(**options)
    compiled.set_weights(eager.get_weights())
    assert _fit(compiled, TOKENS, y)["loss"] == pytest.approx(_fit(eager, TOKENS, y)["loss"], abs=1e-6)
    _assert_same_weights(compiled, eager)


def test_string_inputs_run_eagerly_except_in_tensorflow_graphs():
    model = _string_model(jit_compile=True)
    for name, expected in [("jax", (False, False)), ("torch", (False, False)),
                           ("tensorflow", (True, False))]:
        pytest.importorskip(name)
        engine_backend.set_backend(name)
        module = engine_backend.get()
        assert trainer._compilation(model, module, text=True) == expected
        assert trainer._compilation(model, module)[1] is True  # numbers keep XLA / torch.compile


@pytest.mark.parametrize("name", ["numpy", "openvino"])
def test_inference_only_backends_predict_from_strings(name):
    pytest.importorskip(name)
    model = _string_model()
    kernel, bias = model.get_weights()
    engine_backend.set_backend(name)
    expected = np.eye(len(VOCAB) + 1, dtype="float32")[_ids(TOKENS)] @ kernel + bias
    np.testing.assert_allclose(model.predict(TOKENS, verbose=0), expected, atol=1e-5)
    loss = np.mean((expected - _targets()) ** 2)
    assert model.evaluate(TOKENS, _targets(), verbose=0)[0] == pytest.approx(loss, abs=1e-5)


def _columns(n=16):
    rng = np.random.RandomState(1)
    return {"color": np.array(VOCAB + ["teal"])[rng.randint(0, 4, n)],
            "size": rng.randint(1, 4, n).astype("int64"),
            "weight": rng.normal(5.0, 2.0, n)}


def test_feature_space_raw_input_model_trains_like_the_encoded_model(trainable_backend):
    """As in Keras's structured-data tutorial: a training model on the encoded features and
    an inference model on the raw inputs share their layers."""
    fs = kerasnb.utils.FeatureSpace(
        features={"color": "string_categorical", "size": "integer_categorical",
                  "weight": "float_normalized"}, output_mode="concat")
    columns, y = _columns(), _targets(16)
    fs.adapt(columns)
    encoded = fs.get_encoded_features()
    head = _head()
    outputs = head(encoded)
    training_model = kerasnb.Model(encoded, outputs)
    raw_model = kerasnb.Model(fs.get_inputs(), outputs)
    for model in (training_model, raw_model):
        model.compile(kerasnb.optimizers.SGD(0.1), "mse")
    start = raw_model.get_weights()
    features = kerasnb.ops.convert_to_numpy(fs(columns))
    reference = _fit(training_model, features, y)["loss"]
    trained = head.get_weights()
    expected = training_model.predict(features, verbose=0)
    raw_model.set_weights(start)
    assert _fit(raw_model, columns, y)["loss"] == pytest.approx(reference, abs=1e-5)
    for ours, theirs in zip(head.get_weights(), trained):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)
    np.testing.assert_allclose(raw_model.predict(columns, verbose=0), expected, atol=1e-5)


def test_string_data_for_a_numeric_input_names_the_input_and_dtype(trainable_backend):
    inputs = kerasnb.Input((1,), name="color")
    model = kerasnb.Model(inputs, layers.Dense(2)(inputs))
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"Input 'color' .* expects float32 data; received text "
                                         r"\(dtype (<U5|string)\).*dtype=\"string\""):
        model.fit(TOKENS, _targets(), verbose=0)


@pytest.mark.parametrize("name", ["jax", "torch"])
def test_strings_under_a_distribution_are_refused_with_what_to_do(name):
    pytest.importorskip(name)
    from kerasnb import distribution
    engine_backend.set_backend(name)
    model = _string_model()
    distribution.set_distribution(distribution.DataParallel(devices=["cpu:0"]))
    try:
        with pytest.raises(ValueError, match=rf"String inputs x \(dtype <U5\) cannot be split across "
                                             rf"the devices of a distribution on the {name} backend.*tf.data"):
            model.fit(TOKENS, _targets(), verbose=0)
    finally:
        distribution.set_distribution(None)


def test_the_data_is_checked_for_strings_once_per_run(monkeypatch):
    pytest.importorskip("torch")
    engine_backend.set_backend("torch")
    seen = []
    real = trainer._text_of
    monkeypatch.setattr(trainer, "_text_of", lambda batch: seen.append(batch) or real(batch))
    model = _int_model()
    ids = _ids(TOKENS)[:, None]
    model.fit(ids, _targets(), batch_size=2, epochs=3, verbose=0)  # 15 steps
    model.predict(ids, batch_size=2, verbose=0)
    assert len(seen) == 2
