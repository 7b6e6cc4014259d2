"""Resizing and CenterCrop: vs real Keras (images and bounding boxes), on every backend, in
models and tf.data."""

import numpy as np
import pytest

from kerasnb.engine import backend as engine_backend, config
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
# xyxy pixel boxes on the 5x8 images: inside, all zeros (unused), leaving the image, a corner
# sliver, all -1 (unused), a thin box with no width.
BOXES = np.array([[[1, 1, 4, 3], [0, 0, 0, 0], [6, 2, 9, 6], [7.5, 4.5, 8, 5]],
                  [[-1, -1, -1, -1], [2, 0, 8, 5], [0.5, 1.5, 2.5, 4], [3, 2, 3, 4]]], "float32")
BOX_LABELS = np.array([[1, 2, 3, 4], [5, 6, 7, 8]], "int32")
BOX_CASES = [  # (layer, arguments, box format)
    ("Resizing", {"height": 10, "width": 4}, "xyxy"),
    ("Resizing", {"height": 4, "width": 4, "pad_to_aspect_ratio": True}, "rel_xyxy"),
    ("Resizing", {"height": 3, "width": 3, "crop_to_aspect_ratio": True}, "xywh"),
    ("Resizing", {"height": 6, "width": 3, "crop_to_aspect_ratio": True}, "rel_yxyx"),
    ("CenterCrop", {"height": 3, "width": 4}, "xyxy"),
    ("CenterCrop", {"height": 6, "width": 4}, "yxyx"),  # smaller than the output: crop, resize
    ("CenterCrop", {"height": 3, "width": 10}, "center_xywh"),
]


def in_format(boxes, fmt, height=5, width=8):
    """xyxy pixel boxes in `fmt` (a NumPy reference of the conversion)."""
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    if fmt.startswith("rel_"):
        x1, x2, y1, y2 = x1 / width, x2 / width, y1 / height, y2 / height
    parts = {"xyxy": [x1, y1, x2, y2], "yxyx": [y1, x1, y2, x2], "xywh": [x1, y1, x2 - x1, y2 - y1],
             "center_xywh": [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]}[fmt.replace("rel_", "")]
    return np.stack(parts, axis=-1).astype("float32")


BOX_INPUTS = np.stack([in_format(BOXES, fmt) for _, _, fmt in BOX_CASES])

KERAS_ORACLE = ("\n".join(
    [f"keep('resize{i}', keras.layers.Resizing(**{kw!r})(images))" for i, kw in enumerate(VARIANTS)]
    + [f"keep('crop{i}', keras.layers.CenterCrop({h}, {w})(images))" for i, (h, w) in enumerate(CROPS)]
    + ["keep('uint8', keras.layers.Resizing(3, 4)(images.astype('uint8')))"]) + f"""
for i, (name, kwargs, fmt) in enumerate({BOX_CASES!r}):
    layer = getattr(keras.layers, name)(bounding_box_format=fmt, **kwargs)
    out = layer({{"images": images, "bounding_boxes": {{"boxes": box_inputs[i], "labels": box_labels}}}})
    keep(f"boxes{{i}}", out["bounding_boxes"]["boxes"])
    keep(f"box_labels{{i}}", out["bounding_boxes"]["labels"])
    keep(f"box_images{{i}}", out["images"])
    one = layer({{"images": images[1], "bounding_boxes": {{"boxes": box_inputs[i][1], "labels": box_labels[1]}}}})
    keep(f"one_boxes{{i}}", one["bounding_boxes"]["boxes"])
""", {"images": IMAGES, "box_inputs": BOX_INPUTS, "box_labels": BOX_LABELS})


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


def test_bounding_boxes_match_keras(backend, keras_oracle):
    classes = {"Resizing": Resizing, "CenterCrop": CenterCrop}
    for i, (name, kwargs, fmt) in enumerate(BOX_CASES):
        layer = classes[name](bounding_box_format=fmt, **kwargs)
        out = layer({"images": IMAGES, "bounding_boxes": {"boxes": BOX_INPUTS[i], "labels": BOX_LABELS}})
        boxes = out["bounding_boxes"]
        np.testing.assert_allclose(to_numpy(boxes["boxes"]), keras_oracle[f"boxes{i}"], rtol=1e-5,
                                   atol=1e-5, err_msg=f"{name} {kwargs} {fmt}")
        np.testing.assert_array_equal(to_numpy(boxes["labels"]), keras_oracle[f"box_labels{i}"])
        np.testing.assert_allclose(to_numpy(out["images"]), keras_oracle[f"box_images{i}"], rtol=1e-4,
                                   atol=1e-3)


def test_bounding_boxes_of_one_image_match_keras(keras_oracle):
    engine_backend.set_backend("numpy")  # the batch's code path, with a batch axis added
    classes = {"Resizing": Resizing, "CenterCrop": CenterCrop}
    for i, (name, kwargs, fmt) in enumerate(BOX_CASES):
        layer = classes[name](bounding_box_format=fmt, **kwargs)
        one = layer({"images": IMAGES[1], "bounding_boxes": {"boxes": BOX_INPUTS[i][1],
                                                            "labels": BOX_LABELS[1]}})
        np.testing.assert_allclose(to_numpy(one["bounding_boxes"]["boxes"]), keras_oracle[f"one_boxes{i}"],
                                   rtol=1e-5, atol=1e-5, err_msg=f"one image: {name} {kwargs}")


def test_bounding_boxes_by_hand():
    stretched = Resizing(10, 16, bounding_box_format="xyxy")(
        {"images": IMAGES, "bounding_boxes": {"boxes": BOXES, "labels": BOX_LABELS}})["bounding_boxes"]
    expected = np.clip(BOXES * [2, 2, 2, 2], 0, [16, 10, 16, 10])
    expected[0, 1] = expected[1, 0] = 0.0  # unused boxes come back as zeros
    np.testing.assert_allclose(to_numpy(stretched["boxes"]), expected)
    np.testing.assert_array_equal(to_numpy(stretched["labels"]), [[1, -1, 3, 4], [-1, 6, 7, -1]])
    window = CenterCrop(3, 4, bounding_box_format="xyxy")(  # rows 1..4, columns 2..6
        {"images": IMAGES, "bounding_boxes": {"boxes": BOXES[:1, :1], "labels": BOX_LABELS[:1, :1]}})
    np.testing.assert_allclose(to_numpy(window["bounding_boxes"]["boxes"]), [[[0, 0, 2, 2]]])
    ragged = CenterCrop(3, 4, bounding_box_format="xyxy")(  # Python lists of several lengths
        {"images": IMAGES, "bounding_boxes": {"boxes": [[[1, 1, 4, 3]], []], "labels": [[1], []]}})
    np.testing.assert_allclose(to_numpy(ragged["bounding_boxes"]["boxes"]), [[[0, 0, 2, 2]], [[0, 0, 0, 0]]])
    np.testing.assert_array_equal(to_numpy(ragged["bounding_boxes"]["labels"]), [[1], [-1]])


def test_bounding_boxes_in_tf_data_symbolically_and_in_configs(backend):
    import tensorflow as tf
    layer = Resizing(4, 4, pad_to_aspect_ratio=True, bounding_box_format="rel_xyxy")
    data = {"images": IMAGES, "bounding_boxes": {"boxes": in_format(BOXES, "rel_xyxy"), "labels": BOX_LABELS}}
    eager = layer(data)["bounding_boxes"]
    for batch in tf.data.Dataset.from_tensor_slices(data).batch(2).map(layer):
        np.testing.assert_allclose(batch["bounding_boxes"]["boxes"], to_numpy(eager["boxes"]), rtol=1e-6)
        np.testing.assert_array_equal(batch["bounding_boxes"]["labels"], to_numpy(eager["labels"]))
    from kerasnb.engine.tensors import KerasTensor
    spec = CenterCrop(3, 4, bounding_box_format="xyxy")({
        "images": KerasTensor((None, 5, 8, 3)), "bounding_boxes": {
            "boxes": KerasTensor((None, 4, 4)), "labels": KerasTensor((None, 4), "int32")}})
    assert spec["images"].shape == (None, 3, 4, 3) and spec["bounding_boxes"]["boxes"].shape == (None, 4, 4)
    assert spec["bounding_boxes"]["labels"].dtype == "int32"
    config_ = layer.get_config()
    assert config_["bounding_box_format"] == "rel_xyxy"
    assert Resizing.from_config(config_).get_config() == config_
    assert "bounding_box_format" not in Resizing(2, 2).get_config()


def test_bounding_box_errors():
    with pytest.raises(ValueError, match="no `bounding_box_format`"):
        Resizing(3, 3)({"images": IMAGES, "bounding_boxes": {"boxes": BOXES, "labels": BOX_LABELS}})
    with pytest.raises(ValueError, match="`bounding_box_format` must be one of"):
        CenterCrop(3, 3, bounding_box_format="xyzw")
    with pytest.raises(ValueError, match="must be a dict with keys 'boxes' and 'labels'"):
        CenterCrop(3, 3, bounding_box_format="xyxy")({"images": IMAGES, "bounding_boxes": {"boxes": BOXES}})
    with pytest.raises(ValueError, match="received keys \\['images', 'masks'\\]"):
        Resizing(3, 3)({"images": IMAGES, "masks": IMAGES})


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
