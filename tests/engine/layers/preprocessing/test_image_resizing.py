"""Resizing and CenterCrop: vs real Keras, on every backend, in models and tf.data."""

import numpy as np
import pytest

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import CenterCrop, Resizing
from tests.engine.layers.harness import check_layer
from tests.engine.layers.preprocessing.helpers import through_model, through_tf_data
from tests.engine.ops.checks import to_numpy

IMAGES = np.random.default_rng(2).uniform(0, 255, (2, 5, 8, 3)).astype("float32")
VARIANTS = [
    {"height": 3, "width": 4},
    {"height": 4, "width": 4, "crop_to_aspect_ratio": True},
    {"height": 4, "width": 4, "pad_to_aspect_ratio": True, "fill_value": 7.0},
    {"height": 10, "width": 6, "interpolation": "nearest"},
    {"height": 3, "width": 3, "interpolation": "bicubic", "antialias": True},
]
CROPS = [(3, 4), (5, 8), (6, 4), (2, 10)]


KERAS_ORACLE = ("\n".join(
    [f"keep('resize{i}', keras.layers.Resizing(**{kw!r})(images))" for i, kw in enumerate(VARIANTS)]
    + [f"keep('crop{i}', keras.layers.CenterCrop({h}, {w})(images))" for i, (h, w) in enumerate(CROPS)]
    + ["keep('uint8', keras.layers.Resizing(3, 4)(images.astype('uint8')))"]), {"images": IMAGES})


@pytest.mark.parametrize("index", range(len(VARIANTS)))
def test_resizing_matches_keras(backend, keras_oracle, index):
    kwargs = VARIANTS[index]
    expected = keras_oracle[f"resize{index}"]
    check_layer(Resizing, kwargs, IMAGES, expected_shape=expected.shape, trainable_weights=0,
                reference=lambda x, w: expected, rtol=1e-4, atol=1e-3)


def test_resizing_keeps_integer_images(backend, keras_oracle):
    out = to_numpy(Resizing(3, 4)(IMAGES.astype("uint8")))
    assert out.dtype == np.uint8  # rounded: a value at .5 may go either way
    np.testing.assert_allclose(out.astype("int32"), keras_oracle["uint8"].astype("int32"), atol=1)


@pytest.mark.parametrize("index", range(len(CROPS)))
def test_center_crop_matches_keras(backend, keras_oracle, index):
    height, width = CROPS[index]
    expected = keras_oracle[f"crop{index}"]
    check_layer(CenterCrop, {"height": height, "width": width}, IMAGES, expected_shape=expected.shape,
                reference=lambda x, w: expected, rtol=1e-4, atol=1e-3)


def test_center_crop_is_a_central_window():
    out = to_numpy(CenterCrop(3, 4)(IMAGES.astype("uint8")))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, IMAGES.astype("uint8")[:, 1:4, 2:6].astype("float32"))
    single = to_numpy(CenterCrop(3, 4)(IMAGES[0]))  # one image, rank 3
    np.testing.assert_array_equal(single, IMAGES[0, 1:4, 2:6])


def test_channels_first(backend):
    config.set_image_data_format("channels_first")
    first = np.moveaxis(IMAGES, -1, 1)
    np.testing.assert_array_equal(to_numpy(CenterCrop(3, 4)(first)), first[:, :, 1:4, 2:6])
    out = to_numpy(Resizing(10, 16, interpolation="nearest")(first))
    np.testing.assert_array_equal(out, first.repeat(2, axis=2).repeat(2, axis=3))


def test_dicts_of_images_masks_and_labels(backend):
    masks = np.random.default_rng(3).integers(0, 4, (2, 5, 8, 1)).astype("int32")
    labels = np.array([1, 2])
    out = Resizing(10, 16, interpolation="bilinear")({"images": IMAGES, "segmentation_masks": masks,
                                                     "labels": labels})
    np.testing.assert_array_equal(to_numpy(out["segmentation_masks"]), masks.repeat(2, 1).repeat(2, 2))
    assert to_numpy(out["images"]).shape == (2, 10, 16, 3)
    np.testing.assert_array_equal(to_numpy(out["labels"]), labels)
    cropped = CenterCrop(3, 4)({"images": IMAGES, "segmentation_masks": masks})
    np.testing.assert_array_equal(to_numpy(cropped["segmentation_masks"]), masks[:, 1:4, 2:6])
    with pytest.raises(NotImplementedError, match="bounding boxes are not supported"):
        Resizing(3, 3)({"images": IMAGES, "bounding_boxes": {}})


def test_in_a_model_and_in_tf_data(backend):
    got, model = through_model(Resizing(3, 4, crop_to_aspect_ratio=True), IMAGES)
    assert model.outputs[0].shape == (None, 3, 4, 3)
    np.testing.assert_allclose(got, to_numpy(Resizing(3, 4, crop_to_aspect_ratio=True)(IMAGES)), rtol=1e-6)
    crop = CenterCrop(2, 3)
    np.testing.assert_allclose(through_tf_data(crop, IMAGES, batch_size=1), IMAGES[:, 1:3, 2:5])
    resized = through_tf_data(Resizing(3, 4), IMAGES)  # single images inside the pipeline
    np.testing.assert_allclose(resized, to_numpy(Resizing(3, 4)(IMAGES)), rtol=1e-5, atol=1e-3)


def test_symbolic_shapes_with_unknown_sizes():
    from kerasnb.engine.tensors import KerasTensor
    assert CenterCrop(3, 4)(KerasTensor((None, None, None, 3), "uint8")).shape == (None, 3, 4, 3)
    out = Resizing(3, 4)(KerasTensor((None, None, None, 3), "uint8"))
    assert out.shape == (None, 3, 4, 3) and out.dtype == "uint8"


@pytest.mark.parametrize("kwargs, match", [
    ({"height": 0, "width": 2}, "`height` must be a positive int"),
    ({"height": 2, "width": 2.5}, "`width` must be a positive int"),
    ({"height": 2, "width": 2, "interpolation": "cubic"}, "`interpolation`"),
    ({"height": 2, "width": 2, "crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "both"),
    ({"height": 2, "width": 2, "fill_mode": "reflect"}, "`fill_mode`"),
    ({"height": 2, "width": 2, "data_format": "nhwc"}, "data_format"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Resizing(**kwargs)


def test_bad_rank():
    with pytest.raises(ValueError, match="rank 3 .* or 4"):
        CenterCrop(2, 2)(np.zeros((4, 4)))
