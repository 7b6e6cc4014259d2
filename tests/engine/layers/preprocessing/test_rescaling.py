"""Rescaling: ``x * scale + offset`` on every backend, in models, in tf.data."""

import numpy as np
import pytest

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import Rescaling
from tests.engine.layers.harness import check_layer
from tests.engine.layers.preprocessing.helpers import through_model, through_tf_data
from tests.engine.ops.checks import to_numpy

IMAGES = np.random.default_rng(0).integers(0, 256, (2, 4, 4, 3)).astype("uint8")


def test_rescaling_matches_numpy(backend):
    layer = check_layer(Rescaling, {"scale": 1 / 127.5, "offset": -1.0}, IMAGES.astype("float32"),
                        expected_shape=(2, 4, 4, 3), trainable_weights=0, non_trainable_weights=0,
                        reference=lambda x, w: x / 127.5 - 1.0)
    out = layer(IMAGES)
    assert str(to_numpy(out).dtype) == "float32"  # integer images give floats
    np.testing.assert_allclose(to_numpy(out), IMAGES / 127.5 - 1.0, rtol=1e-6, atol=1e-6)


def test_rescaling_per_channel(backend):
    scale, offset = [1.0, 0.5, 0.25], [0.0, 1.0, 2.0]
    got = to_numpy(Rescaling(scale, offset)(IMAGES))
    np.testing.assert_allclose(got, IMAGES * np.array(scale) + np.array(offset), rtol=1e-6)
    config.set_image_data_format("channels_first")
    first = np.moveaxis(IMAGES, -1, 1)
    got = to_numpy(Rescaling(scale, offset)(first))
    expected = first * np.array(scale)[:, None, None] + np.array(offset)[:, None, None]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_rescaling_in_a_model_and_in_tf_data(backend):
    layer = Rescaling(2.0, 1.0, dtype="float64")
    got, _ = through_model(layer, IMAGES.astype("float32"))
    np.testing.assert_allclose(got, IMAGES * 2.0 + 1.0)
    assert got.dtype == np.float64
    np.testing.assert_allclose(through_tf_data(Rescaling(1 / 255), IMAGES, batch_size=1), IMAGES / 255,
                               rtol=1e-6)


def test_rescaling_config_keeps_per_channel_factors():
    layer = Rescaling([1.0, 2.0], offset=0.5, name="r")
    config_ = layer.get_config()
    assert config_["scale"] == [1.0, 2.0] and config_["offset"] == 0.5
    assert Rescaling.from_config(config_).get_config() == config_


@pytest.mark.parametrize("kwargs", [{"scale": "x"}, {"scale": 1.0, "offset": [[[[1.0]]]]}])
def test_rescaling_rejects_bad_factors(kwargs):
    with pytest.raises(ValueError, match="Rescaling: `(scale|offset)`"):
        Rescaling(**kwargs)
