"""Every augmentation layer on every backend: eager and symbolic calls, inference, models,
tf.data under another backend, seeds, configs and saving."""

import numpy as np
import pytest

import kerasnb
from kerasnb.engine.saving import serialization
from tests.engine.layers.preprocessing.augmentation_cases import (  # noqa: F401 (fixtures)
    ALWAYS_ON, IMAGES, LAYERS, MAY_KEEP, eager_backend, make, numpy_by_default, output_shape)
from tests.engine.ops.checks import to_numpy

NAMES = sorted(LAYERS)


def _differs(images):
    return images.shape != IMAGES.shape or not np.allclose(images, IMAGES)


@pytest.mark.parametrize("name", NAMES)
def test_training_and_inference_calls(eager_backend, name):
    layer = make(name)
    out = to_numpy(layer(IMAGES))  # a direct call augments, as in Keras
    assert out.shape == output_shape(name) and out.dtype == np.float32
    assert np.all(np.isfinite(out))
    if name not in MAY_KEEP:  # some draws may change nothing (e.g. MixUp pairing an image with itself)
        changed = any(_differs(to_numpy(layer(IMAGES))) for _ in range(4))
        assert changed, f"{name} left the images unchanged while training"
    single = to_numpy(layer(IMAGES[0]))  # one image, rank 3
    assert single.shape == output_shape(name)[1:]
    inference = to_numpy(layer(IMAGES, training=False))
    assert inference.shape == output_shape(name)
    if name not in ALWAYS_ON:
        np.testing.assert_array_equal(inference, IMAGES)


def _chain():
    """A functional model through every layer (the size-changing crop last)."""
    inputs = kerasnb.Input(IMAGES.shape[1:])
    x = inputs
    for name in NAMES:
        if name != "RandomCrop":
            x = make(name)(x)
            assert tuple(x.shape) == (None,) + IMAGES.shape[1:], name
    outputs = make("RandomCrop")(x)
    assert tuple(outputs.shape) == (None,) + output_shape("RandomCrop")[1:]
    return kerasnb.Model(inputs, outputs)


def test_every_layer_in_a_model_on_every_backend(backend):
    """Predict is inference: only AutoContrast, CLAHE and the crop act, identically on every
    backend; a training call augments."""
    model = _chain()
    predicted = model.predict(IMAGES, verbose=0)
    with kerasnb.engine.backend.use_backend("numpy"):
        expected = _chain().predict(IMAGES, verbose=0)
    # CLAHE bins truncated pixel values: a last-bit difference upstream may move a bin.
    np.testing.assert_allclose(predicted, expected, rtol=1e-4, atol=1.0)
    if backend != "jax":  # eager JAX would compile every op of every layer (see the fit test)
        trained = to_numpy(model(IMAGES, training=True))
        assert trained.shape == expected.shape and not np.allclose(trained, expected)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in MAY_KEEP])
def test_seeded_layers_repeat_and_move_on(name):
    kerasnb.engine.backend.set_backend("numpy")
    first, second = make(name), make(name)
    calls = [to_numpy(first(IMAGES)) for _ in range(4)]
    for call in calls:
        np.testing.assert_array_equal(call, to_numpy(second(IMAGES)))
    if "seed" in LAYERS[name]:
        assert any(not np.array_equal(calls[0], c) for c in calls[1:]), \
            f"{name} drew the same transformation on every call"


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip(name):
    layer = make(name, name="aug")
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    revived = serialization.deserialize_keras_object(serialization.serialize_keras_object(layer))
    assert type(revived) is type(layer) and revived.get_config() == config


# The policies with fewer steps: their loops and switches are traced all the same.
SMALLER = {"AugMix": {"num_chains": 1, "chain_depth": 2}, "RandAugment": {"num_ops": 1}}


@pytest.mark.parametrize("name", NAMES)
def test_in_tf_data_under_jax(name):
    import tensorflow as tf
    kerasnb.engine.backend.set_backend("jax")
    layer = make(name, **SMALLER.get(name, {}))
    variables = [v.numpy() for v in layer.variables]
    epochs = 3
    dataset = tf.data.Dataset.from_tensor_slices(IMAGES).repeat(epochs).batch(len(IMAGES)).map(layer)
    got = [np.asarray(batch) for batch in dataset.as_numpy_iterator()]
    assert len(got) == epochs and all(g.shape == output_shape(name) for g in got)
    assert all(np.all(np.isfinite(g)) for g in got)
    assert kerasnb.engine.backend.current() == "jax"
    for before, variable in zip(variables, layer.variables):
        np.testing.assert_array_equal(variable.numpy(), before)  # the pipeline keeps its own state
    if name not in MAY_KEEP:
        assert any(_differs(g) for g in got), f"{name} left the images unchanged in tf.data"
    if "seed" in LAYERS[name] and name not in MAY_KEEP:
        assert not all(np.array_equal(got[0], g) for g in got[1:]), "every epoch drew the same"


def test_saved_in_a_model(tmp_path):
    kerasnb.engine.backend.set_backend("jax")
    inputs = kerasnb.Input(IMAGES.shape[1:])
    x = make("RandomFlip")(inputs)
    x = make("RandAugment")(x)
    x = make("AutoContrast")(x)
    model = kerasnb.Model(inputs, make("RandomCrop")(x))
    path = str(tmp_path / "augment.keras")
    model.save(path)
    restored = kerasnb.saving.load_model(path)
    assert [type(layer).__name__ for layer in restored.layers] == [
        "InputLayer", "RandomFlip", "RandAugment", "AutoContrast", "RandomCrop"]
    np.testing.assert_allclose(restored.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("backend_name, names", [
    ("jax", ["RandomFlip", "RandomTranslation", "RandomBrightness", "RandomCrop"]),
    ("tensorflow", ["RandomRotation", "RandomContrast", "RandAugment", "RandomErasing"]),
    ("torch", ["RandomZoom", "AugMix", "Equalization", "MixUp"]),
])
def test_fit_augments_inside_the_compiled_step(backend_name, names):
    kerasnb.engine.backend.set_backend(backend_name)
    model = kerasnb.Sequential([kerasnb.Input(IMAGES.shape[1:])] + [make(n) for n in names]
                               + [kerasnb.layers.Rescaling(1 / 255.0), kerasnb.layers.Flatten(),
                                  kerasnb.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    states = [v for v in model.non_trainable_variables if "seed" in v.path]
    before = [v.numpy() for v in states]
    history = model.fit(IMAGES, np.zeros((3, 1), "float32"), batch_size=3, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    moved = [not np.array_equal(v.numpy(), b) for v, b in zip(states, before)]
    assert any(moved), "no seed generator advanced during fit"


@pytest.mark.parametrize("name", NAMES)
def test_channels_first_gives_the_same_images(name):
    """The same seed draws the same transformation for either layout."""
    overrides = {"fill_value": 9.0} if name == "RandomErasing" else {}  # noise would follow the layout
    last = to_numpy(make(name, **overrides)(IMAGES))
    first = to_numpy(make(name, data_format="channels_first", **overrides)(np.moveaxis(IMAGES, -1, 1)))
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, rtol=1e-5, atol=1e-3)
