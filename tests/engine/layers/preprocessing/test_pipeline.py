"""Pipeline: layers in sequence, as one layer; training defaults to True; tf.data; configs."""

import numpy as np
import pytest

import kerasnb
from kerasnb.engine.layers import Dense, Dropout
from kerasnb.engine.layers.preprocessing import (
    CenterCrop, Normalization, Pipeline, Rescaling, StringLookup)
from kerasnb.engine.saving import serialization
from tests.engine.layers.preprocessing.helpers import through_model, through_tf_data
from tests.engine.ops.checks import to_numpy

IMAGES = np.random.default_rng(7).integers(0, 256, (3, 6, 6, 2)).astype("uint8")


def test_layers_run_in_order(backend):
    pipeline = Pipeline([Rescaling(1 / 255), CenterCrop(4, 4), Rescaling(2.0, -1.0)])
    expected = (IMAGES[:, 1:5, 1:5] / 255) * 2 - 1
    np.testing.assert_allclose(to_numpy(pipeline(IMAGES)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(through_tf_data(pipeline, IMAGES, batch_size=2), expected, rtol=1e-5, atol=1e-6)
    got, model = through_model(pipeline, IMAGES.astype("float32"))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert model.outputs[0].shape == (None, 4, 4, 2)
    assert pipeline.layers[1].height == 4


def test_training_defaults_to_true():
    x = np.ones((4, 50), "float32")
    pipeline = Pipeline([Dropout(0.5, seed=1)])
    assert np.any(to_numpy(pipeline(x)) == 0)  # dropout active by default
    np.testing.assert_array_equal(to_numpy(pipeline(x, training=False)), x)


def test_strings_pass_through_untouched(backend):
    pipeline = Pipeline([StringLookup(vocabulary=["a", "b"]), kerasnb.layers.CategoryEncoding(3)])
    got = to_numpy(pipeline(np.array([["a", "b", "c"]])))
    np.testing.assert_array_equal(got, [[1, 1, 1]])


def test_weights_and_config_round_trip(tmp_path):
    norm = Normalization()
    norm.adapt(np.arange(10.0).reshape(5, 2))
    pipeline = Pipeline([norm, Dense(3)], name="prep")
    x = np.ones((2, 2), "float32")
    expected = to_numpy(pipeline(x))
    clone = serialization.deserialize_keras_object(serialization.serialize_keras_object(pipeline))
    assert [type(l).__name__ for l in clone.layers] == ["Normalization", "Dense"]
    assert clone.get_config()["name"] == "prep"
    inputs = kerasnb.Input((2,))
    model = kerasnb.Model(inputs, pipeline(inputs))
    path = str(tmp_path / "pipe.keras")
    model.save(path)
    np.testing.assert_allclose(to_numpy(kerasnb.saving.load_model(path)(x)), expected, rtol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="`layers` must be a list of layers"):
        Pipeline(Rescaling(1.0))
    with pytest.raises(ValueError, match="`layers` must be a list of layers"):
        Pipeline([lambda x: x])
    with pytest.raises(ValueError, match="needs `layers`"):
        Pipeline.from_config({"name": "p"})
