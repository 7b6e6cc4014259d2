"""keras.utils results against real Keras 3 (test-only oracle, run in a subprocess)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import kerasnb
from tests.engine.utils import keras_utils_oracle


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("oracle")
    keras_utils_oracle.write_files(root)
    out = root / "keras.npz"
    env = dict(os.environ, KERAS_BACKEND="numpy", TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run([sys.executable, keras_utils_oracle.__file__, str(root), str(out)], env=env,
                   check=True, capture_output=True)
    with np.load(out) as expected:
        return dict(expected), keras_utils_oracle.cases(kerasnb.utils, root)


def test_same_names(both):
    expected, ours = both
    assert sorted(expected) == sorted(ours)


@pytest.mark.parametrize("name", [
    "image_bilinear_", "image_bilinear_crop_to_aspect_ratio",
    "image_bilinear_pad_to_aspect_ratio", "image_nearest_", "image_bicubic_", "image_area_", "image_lanczos3_pad_to_aspect_ratio", "image_labels", "image_gray",
    "texts", "text_labels", "audio", "audio_labels", "series_x", "series_y", "split_left",
    "split_right", "categorical", "normalize", "pad"])
def test_matches_keras(both, name):
    expected, ours = both
    if name != "categorical":  # Keras gives float32 only on its numpy backend, float64 elsewhere
        assert ours[name].dtype == expected[name].dtype, name
    assert ours[name].shape == expected[name].shape, name
    if name == "image_gray":  # Pillow's RGB-to-gray rounding may differ from libpng's by 1
        np.testing.assert_allclose(ours[name], expected[name], atol=1.0)
        assert np.mean(np.abs(ours[name] - expected[name])) < 0.5
    elif ours[name].dtype.kind in "fc":
        np.testing.assert_allclose(ours[name], expected[name], atol=2e-3, rtol=1e-5)
    else:
        np.testing.assert_array_equal(ours[name], expected[name])
