"""Colour augmentation: vs real Keras with fixed parameters, and vs NumPy references
computed from each call's drawn parameters (`get_random_transformation`)."""

import numpy as np
import pytest

import kerasnb.layers as layers
from kerasnb.engine import config
from tests.engine.layers.preprocessing.augmentation_cases import (  # noqa: F401 (fixtures)
    eager_backend, jitted, numpy_by_default)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(7)
IMAGES = RNG.uniform(0, 255, (4, 5, 6, 3)).astype("float32")
UNIT = IMAGES / 255.0
CASES = {
    "bright": ("RandomBrightness", {"factor": (0.1, 0.1)}, "images"),
    "bright_unit": ("RandomBrightness", {"factor": (-0.5, -0.5), "value_range": (0, 1)}, "unit"),
    "saturation": ("RandomSaturation", {"factor": (0.25, 0.25)}, "images"),
    "degeneration": ("RandomColorDegeneration", {"factor": (0.4, 0.4)}, "images"),
    "blunt": ("RandomSharpness", {"factor": (0.2, 0.2)}, "images"),
    "sharp": ("RandomSharpness", {"factor": (0.8, 0.8)}, "images"),
    "posterize": ("RandomPosterization", {"factor": (3, 3)}, "images"),
    "solarize": ("Solarization", {}, "images"),
    "invert": ("RandomInvert", {"factor": (1.0, 1.0)}, "images"),
    "gray": ("RandomGrayscale", {"factor": 1.0}, "images"),
    "blur": ("RandomGaussianBlur", {"factor": (1.0, 1.0), "kernel_size": 5, "sigma": (0.7, 0.7)},
             "images"),
}
ARRAYS = {"images": IMAGES, "unit": UNIT}
KERAS_ORACLE = ("\n".join(f"keep({name!r}, keras.layers.{cls}(**{kw!r})({arr}, training=True))"
                          for name, (cls, kw, arr) in CASES.items()), ARRAYS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(eager_backend, keras_oracle, name):
    cls, kwargs, array = CASES[name]
    got = to_numpy(getattr(layers, cls)(**kwargs)(ARRAYS[array]))
    np.testing.assert_allclose(got, keras_oracle[name], rtol=1e-5, atol=2e-3)


def test_matches_keras_under_jit(keras_oracle):
    cls, kwargs, array = CASES["saturation"]
    got = to_numpy(jitted(getattr(layers, cls)(**kwargs), ARRAYS[array], training=True))
    np.testing.assert_allclose(got, keras_oracle["saturation"], rtol=1e-5, atol=2e-3)


# NumPy references from the drawn parameters ------------------------------------------------

def _drawn(layer, images):
    transformation = layer.get_random_transformation(images)
    return to_numpy(layer.transform_images(images, transformation)), to_numpy(transformation)


def _per_image(values):
    return np.asarray(values).reshape(-1, 1, 1, 1)


def rgb_to_hsv(rgb):
    r, g, b = np.moveaxis(rgb, -1, 0)
    high, low = rgb.max(-1), rgb.min(-1)
    span = high - low
    safe = np.where(span > 0, span, 1.0)
    hue = np.where(high == r, (g - b) / safe, np.where(high == g, 2.0 + (b - r) / safe, 4.0 + (r - g) / safe))
    hue = np.where(span > 0, (hue / 6.0) % 1.0, 0.0)
    saturation = np.where(high > 0, span / np.where(high > 0, high, 1.0), 0.0)
    return np.stack([hue, saturation, high], -1)


def hsv_to_rgb(hsv):
    h, s, v = np.moveaxis(hsv, -1, 0)
    k = lambda n: (n + h * 6.0) % 6.0  # noqa: E731
    channel = lambda n: v - v * s * np.clip(np.minimum(k(n), 4.0 - k(n)), 0.0, 1.0)  # noqa: E731
    return np.stack([channel(5.0), channel(3.0), channel(1.0)], -1)


def test_numpy_hsv_reference_round_trips():
    np.testing.assert_allclose(hsv_to_rgb(rgb_to_hsv(UNIT)), UNIT, atol=1e-5)


def test_contrast(eager_backend):
    layer = layers.RandomContrast((0.4, 0.6), seed=3)
    got, t = _drawn(layer, IMAGES)
    contrast = t["contrast"]
    assert np.all((contrast >= 0.6) & (contrast <= 1.6))
    mean = IMAGES.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(got, np.clip((IMAGES - mean) * _per_image(contrast) + mean, 0, 255),
                               rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("value_range", [(0, 255), (0, 1)])
def test_hue(eager_backend, value_range):
    images = IMAGES if value_range == (0, 255) else UNIT
    layer = layers.RandomHue(0.8, value_range=value_range, seed=4)
    got, t = _drawn(layer, images)
    shift = t["factor"]
    assert np.all(np.abs(shift) <= 0.4) and np.any(shift < 0) or np.any(shift > 0)
    hsv = rgb_to_hsv(images / value_range[1])
    hsv[..., 0] = (hsv[..., 0] + shift.reshape(-1, 1, 1)) % 1.0
    np.testing.assert_allclose(got, hsv_to_rgb(hsv) * value_range[1], atol=2e-3 * value_range[1])


def test_saturation_beyond_no_change_is_clipped(eager_backend):
    layer = layers.RandomSaturation((0.6, 0.9), seed=5)
    got, t = _drawn(layer, IMAGES)
    hsv = rgb_to_hsv(IMAGES / 255.0)
    hsv[..., 1] = np.clip(hsv[..., 1] * t["factor"].reshape(-1, 1, 1), 0.0, 1.0)
    np.testing.assert_allclose(got, hsv_to_rgb(hsv) * 255.0, atol=5e-3)
    fully = to_numpy(layers.RandomSaturation((0.0, 0.0))(IMAGES))  # gray: all channels equal
    np.testing.assert_allclose(fully, np.repeat(IMAGES.max(-1, keepdims=True), 3, -1), atol=1e-3)


def test_solarization(eager_backend):
    layer = layers.Solarization(addition_factor=(0.1, 0.3), threshold_factor=(0.3, 0.6), seed=2)
    got, t = _drawn(layer, IMAGES)
    add, threshold = _per_image(t["additions"]), _per_image(t["thresholds"])
    assert np.all((add >= 0.1 * 255) & (add <= 0.3 * 255))
    shifted = np.clip(IMAGES + add, 0, 255)
    np.testing.assert_allclose(got, np.where(shifted < threshold, shifted, 255 - shifted), atol=1e-3)
    unit = to_numpy(layers.Solarization(threshold_factor=(0.5, 0.5), value_range=(0, 1))(UNIT))
    np.testing.assert_allclose(unit, np.where(UNIT < 0.5, UNIT, 1 - UNIT), atol=1e-5)


def test_posterization(eager_backend):
    layer = layers.RandomPosterization(6, seed=2)
    got, t = _drawn(layer, IMAGES)
    bits = _per_image(t["bits"])
    assert np.all((bits >= 1) & (bits < 6))
    step = 2.0 ** (8 - bits)
    np.testing.assert_array_equal(got, np.floor(np.floor(IMAGES) / step) * step)


def test_invert_and_brightness_in_any_range(eager_backend):
    layer = layers.RandomInvert(0.9, value_range=(-1, 1), seed=2)
    images = IMAGES / 127.5 - 1.0
    got, t = _drawn(layer, images)
    np.testing.assert_allclose(got, np.where(_per_image(t["invert"]), -images, images), atol=1e-6)
    brighter, t = _drawn(layers.RandomBrightness(0.5, value_range=(-1, 1), seed=1), images)
    assert np.all(np.abs(t["delta"]) <= 1.0)
    np.testing.assert_allclose(brighter, np.clip(images + _per_image(t["delta"]), -1, 1), atol=1e-6)


def _blur_reference(images, sigma, size):
    offsets = np.arange(size) - (size - 1) / 2.0
    wx, wy = (np.exp(-offsets ** 2 / (2 * s ** 2)) for s in sigma)
    kernel = np.outer(wy / wy.sum(), wx / wx.sum())
    half = size // 2
    padded = np.pad(images, [(0, 0), (half, half), (half, half), (0, 0)])
    out = np.zeros_like(images)
    for dy in range(size):
        for dx in range(size):
            out += kernel[dy, dx] * padded[:, dy:dy + images.shape[1], dx:dx + images.shape[2]]
    return out


def test_gaussian_blur_with_random_widths(eager_backend):
    layer = layers.RandomGaussianBlur(factor=0.7, kernel_size=3, sigma=(0.3, 0.9), seed=3)
    got, t = _drawn(layer, IMAGES)
    assert np.all((t["sigma"] >= 0.3) & (t["sigma"] <= 0.9 + 1e-5))
    blurred = _blur_reference(IMAGES, t["sigma"], 3)
    np.testing.assert_allclose(got, np.where(_per_image(t["blur"]), blurred, IMAGES), rtol=1e-4, atol=1e-3)


def test_color_jitter_is_its_stages_in_order(eager_backend):
    layer = layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, saturation_factor=0.6,
                                     hue_factor=0.2, seed=6)
    transformation = layer.get_random_transformation(IMAGES)
    got = to_numpy(layer.transform_images(IMAGES, transformation))
    expected = IMAGES
    for stage, part in zip(layer.stages, transformation):
        expected = to_numpy(stage.transform_images(expected, part))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)
    assert [type(s).__name__ for s in layer.stages] == [
        "RandomBrightness", "RandomContrast", "RandomSaturation", "RandomHue"]
    assert not np.allclose(got, IMAGES)


def test_grayscale_keeps_the_dtype_and_weights(eager_backend):
    images = IMAGES.astype("uint8")
    got = to_numpy(layers.RandomGrayscale(1.0)(images))
    assert got.dtype == np.uint8
    gray = images.astype("float32") @ np.array([0.2989, 0.587, 0.114], "float32")
    np.testing.assert_allclose(got[..., 0].astype("float32"), gray, atol=1.0)
    np.testing.assert_array_equal(got[..., 0], got[..., 2])


@pytest.mark.parametrize("cls, kwargs", [
    ("RandomSharpness", {"factor": (0.9, 0.9)}),
    ("RandomGaussianBlur", {"factor": (1.0, 1.0), "sigma": (0.8, 0.8)}),
    ("RandomHue", {"factor": (0.3, 0.3), "seed": 1}),
    ("RandomContrast", {"factor": (0.5, 0.5), "seed": 1}),
])
def test_channels_first_matches_channels_last(cls, kwargs):
    last = to_numpy(getattr(layers, cls)(**kwargs)(IMAGES))
    config.set_image_data_format("channels_first")
    first = to_numpy(getattr(layers, cls)(**kwargs)(np.moveaxis(IMAGES, -1, 1)))
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, rtol=1e-5, atol=1e-3)


def test_colour_layers_leave_boxes_labels_and_masks():
    boxes = {"boxes": np.array([[[1.0, 1.0, 3.0, 4.0]]] * 4, "float32"), "labels": np.ones((4, 1))}
    masks = np.ones((4, 5, 6, 1), "int32")
    out = to_numpy(layers.RandomBrightness(0.3, seed=1, bounding_box_format="xyxy")(
        {"images": IMAGES, "bounding_boxes": boxes, "segmentation_masks": masks, "labels": np.arange(4)}))
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"], boxes["boxes"])
    np.testing.assert_array_equal(out["segmentation_masks"], masks)
    np.testing.assert_array_equal(out["labels"], np.arange(4))


@pytest.mark.parametrize("make, match", [
    (lambda: layers.RandomBrightness(1.5), "`factor`"),
    (lambda: layers.RandomContrast(-0.2), "`factor`"),
    (lambda: layers.RandomHue(0.2, value_range=(1, 1)), "`value_range`"),
    (lambda: layers.RandomSaturation(0.2, value_range=[0]), "`value_range`"),
    (lambda: layers.RandomGrayscale(1.5), "probability"),
    (lambda: layers.RandomPosterization(9), "`factor`"),
    (lambda: layers.RandomPosterization((2.5, 4)), "whole numbers"),
    (lambda: layers.RandomGaussianBlur(kernel_size=4), "`kernel_size`"),
    (lambda: layers.Solarization(threshold_factor=2), "`threshold_factor`"),
    (lambda: layers.RandomInvert(seed="x"), "`seed`"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
