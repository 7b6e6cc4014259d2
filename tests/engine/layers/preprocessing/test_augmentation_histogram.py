"""AutoContrast, Equalization and CLAHE: vs real Keras and vs NumPy references."""

import numpy as np
import pytest

import kerasnb.layers as layers
from kerasnb.engine import config
from tests.engine.layers.preprocessing.augmentation_cases import (  # noqa: F401 (fixtures)
    eager_backend, jitted, numpy_by_default)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(9)
IMAGES = RNG.uniform(0, 255, (2, 12, 10, 3)).astype("float32")
# Low-contrast images with few distinct levels, so that histograms have empty bins.
NARROW = (np.round(RNG.uniform(80, 120, (3, 6, 7, 2)) / 4) * 4).astype("float32")
KERAS_ORACLE = ("\n".join([
    "keep('auto', keras.layers.AutoContrast()(narrow))",
    "keep('auto_unit', keras.layers.AutoContrast(value_range=(0, 1))(narrow / 255))",
    "keep('clahe', keras.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 3))(images))",
    "keep('clahe_uint8', keras.layers.ContrastLimitedAdaptiveHistogramEqualization("
    "clip_limit=0, tile_grid_size=(4, 3))(images.astype('uint8')))",
    "keep('clahe_unit', keras.layers.ContrastLimitedAdaptiveHistogramEqualization("
    "value_range=(0, 1), clip_limit=2.0, tile_grid_size=(3, 2))(images / 255))",
] + [f"keep('equalize{i}', keras.layers.Equalization()(narrow[{i}], training=True))" for i in range(3)]
  + [f"keep('equalize_bins{i}', keras.layers.Equalization(bins=16)(images[{i}], training=True))"
     for i in range(2)]), {"images": IMAGES, "narrow": NARROW})


def test_auto_contrast_matches_keras(eager_backend, keras_oracle):
    np.testing.assert_allclose(to_numpy(layers.AutoContrast()(NARROW)), keras_oracle["auto"], atol=1e-3)
    unit = to_numpy(layers.AutoContrast(value_range=(0, 1))(NARROW / 255))
    np.testing.assert_allclose(unit, keras_oracle["auto_unit"], atol=1e-5)


@pytest.mark.parametrize("name, kwargs, images", [
    ("clahe", {"tile_grid_size": (2, 3)}, IMAGES),
    ("clahe_uint8", {"clip_limit": 0, "tile_grid_size": (4, 3)}, IMAGES.astype("uint8")),
    ("clahe_unit", {"value_range": (0, 1), "clip_limit": 2.0, "tile_grid_size": (3, 2)}, IMAGES / 255),
])
def test_clahe_matches_keras(eager_backend, keras_oracle, name, kwargs, images):
    got = to_numpy(layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)(images))
    assert got.dtype == images.dtype  # CLAHE keeps the input dtype
    np.testing.assert_allclose(got.astype("float64"), keras_oracle[name], atol=1e-3 if got.dtype.kind == "f"
                               else 0)


def test_equalization_under_jit(keras_oracle):
    got = jitted(layers.Equalization(), NARROW[0], training=True)
    np.testing.assert_allclose(to_numpy(got), keras_oracle["equalize0"], atol=1e-3)


def test_equalization_matches_keras_per_image(eager_backend, keras_oracle):
    for i in range(3):
        np.testing.assert_allclose(to_numpy(layers.Equalization()(NARROW[i])), keras_oracle[f"equalize{i}"],
                                   atol=1e-3)
    for i in range(2):
        np.testing.assert_allclose(to_numpy(layers.Equalization(bins=16)(IMAGES[i])),
                                   keras_oracle[f"equalize_bins{i}"], atol=1e-3)


def _equalize_reference(images, bins, low=0.0, high=255.0):
    """Per image and channel: the rounded normalized CDF of the histogram, as a lookup table."""
    out = np.empty_like(images)
    for b in range(images.shape[0]):
        for c in range(images.shape[-1]):
            values = (images[b, ..., c] - low) * 255.0 / (high - low)
            index = np.clip(np.floor(values * (bins - 1) / 255.0), 0, bins - 1).astype(int)
            hist = np.bincount(index.ravel(), minlength=bins)
            if np.count_nonzero(hist) <= 1:
                out[b, ..., c] = images[b, ..., c]
                continue
            cdf = np.cumsum(hist)
            first = cdf[np.nonzero(cdf)[0][0]]
            table = np.clip(np.round((cdf - first) * 255.0 / (cdf[-1] - first)), 0, 255)
            out[b, ..., c] = table[index] * (high - low) / 255.0 + low
    return out


@pytest.mark.parametrize("bins, value_range", [(256, (0, 255)), (32, (0, 255)), (64, (-1, 1))])
def test_equalization_is_per_image_vs_numpy(eager_backend, bins, value_range):
    images = NARROW if value_range == (0, 255) else NARROW / 127.5 - 1.0
    images = images.copy()
    images[1, ..., 0] = images[1, 0, 0, 0]  # a constant channel stays as it is
    got = to_numpy(layers.Equalization(value_range=value_range, bins=bins)(images))
    np.testing.assert_allclose(got, _equalize_reference(images, bins, *value_range), atol=1e-4)
    np.testing.assert_array_equal(got[1, ..., 0], images[1, ..., 0])


def test_equalization_is_the_identity_in_inference_unlike_auto_contrast_and_clahe():
    np.testing.assert_array_equal(to_numpy(layers.Equalization()(NARROW, training=False)), NARROW)
    assert not np.allclose(to_numpy(layers.AutoContrast()(NARROW, training=False)), NARROW)
    clahe = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
    assert not np.allclose(to_numpy(clahe(IMAGES, training=False)), IMAGES)


def test_auto_contrast_vs_numpy_with_a_constant_channel(eager_backend):
    images = NARROW.copy()
    images[0, ..., 1] = 7.0
    got = to_numpy(layers.AutoContrast()(images))
    low, high = images.min(axis=(1, 2), keepdims=True), images.max(axis=(1, 2), keepdims=True)
    expected = np.where(high > low, (images - low) / np.where(high > low, high - low, 1) * 255.0, images)
    np.testing.assert_allclose(got, expected, atol=1e-3)


@pytest.mark.parametrize("layer", [
    lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(3, 2)),
    lambda: layers.Equalization(bins=64),
    lambda: layers.AutoContrast(),
])
def test_channels_first_matches_channels_last(layer):
    last = to_numpy(layer()(IMAGES))
    config.set_image_data_format("channels_first")
    first = to_numpy(layer()(np.moveaxis(IMAGES, -1, 1)))
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, atol=1e-3)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.Equalization(bins=0), "`bins` must be a positive int"),
    (lambda: layers.AutoContrast(value_range=(3, 3)), "`value_range`"),
    (lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2,)), "`tile_grid_size`"),
    (lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(clip_limit="high"), "`clip_limit`"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
