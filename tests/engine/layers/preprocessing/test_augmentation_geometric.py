"""Geometric augmentation: vs real Keras with fixed parameters, flips and crops vs NumPy,
bounding boxes and segmentation masks moving with the pixels, channels_first, errors."""

import numpy as np
import pytest

import kerasnb.layers as layers
from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import box_formats
from tests.engine.layers.preprocessing.augmentation_cases import (  # noqa: F401 (fixtures)
    bright_box, eager_backend, jitted, numpy_by_default, painted)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(5)
IMAGES = RNG.uniform(0, 255, (2, 6, 8, 3)).astype("float32")
SQUARE = RNG.uniform(0, 255, (2, 6, 6, 3)).astype("float32")
# A factor range of one value makes the layer deterministic, so Keras's numbers must match.
CASES = {
    "rot90": ("RandomRotation", {"factor": (0.25, 0.25), "fill_mode": "constant"}, "square"),
    "rot30": ("RandomRotation", {"factor": (30 / 360, 30 / 360)}, "images"),
    "rot_nearest": ("RandomRotation", {"factor": (-0.1, -0.1), "interpolation": "nearest",
                                       "fill_mode": "nearest"}, "images"),
    "trans": ("RandomTranslation", {"height_factor": (0.5, 0.5), "width_factor": (-0.25, -0.25),
                                    "fill_mode": "constant", "fill_value": 3.0}, "images"),
    "trans_frac": ("RandomTranslation", {"height_factor": (0.1, 0.1), "width_factor": (0.3, 0.3),
                                         "fill_mode": "nearest"}, "images"),
    "zoom_out": ("RandomZoom", {"height_factor": (0.5, 0.5)}, "images"),
    "zoom_in": ("RandomZoom", {"height_factor": (-0.3, -0.3), "width_factor": (0.2, 0.2),
                               "fill_mode": "constant"}, "images"),
}
ARRAYS = {"images": IMAGES, "square": SQUARE}

KERAS_ORACLE = ("\n".join(
    [f"keep({name!r}, keras.layers.{cls}(**{kw!r})({arr}, training=True))"
     for name, (cls, kw, arr) in CASES.items()]
    + [f"keep('shear{s}', keras.ops.image.affine_transform(images, np.array([[1, {s} * 0.3, 0, 0, 1, 0, "
       "0, 0]] * 2, 'float32'), fill_mode='reflect'))" for s in (1, -1)]), ARRAYS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(eager_backend, keras_oracle, name):
    cls, kwargs, array = CASES[name]
    got = to_numpy(getattr(layers, cls)(**kwargs)(ARRAYS[array]))
    np.testing.assert_allclose(got, keras_oracle[name], rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("name", ["rot30", "zoom_in"])
def test_matches_keras_under_jit(keras_oracle, name):
    cls, kwargs, array = CASES[name]
    got = to_numpy(jitted(getattr(layers, cls)(**kwargs), ARRAYS[array], training=True))
    np.testing.assert_allclose(got, keras_oracle[name], rtol=1e-5, atol=1e-3)


def test_shear_matches_keras_either_way(keras_oracle):
    got = to_numpy(layers.RandomShear(x_factor=(0.3, 0.3), seed=3)(IMAGES))
    for i in range(2):  # each image is sheared one way or the other
        assert any(np.allclose(got[i], keras_oracle[f"shear{s}"][i], atol=1e-3) for s in (1, -1))


@pytest.mark.parametrize("mode, axes", [("horizontal", (1,)), ("vertical", (0,)),
                                        ("horizontal_and_vertical", (0, 1))])
def test_flips_vs_numpy(eager_backend, mode, axes):
    images = np.random.default_rng(1).uniform(0, 255, (16, 4, 5, 2)).astype("float32")
    got = to_numpy(layers.RandomFlip(mode, seed=2)(images))
    flipped = [np.array_equal(g, np.flip(x, axes)) for g, x in zip(got, images)]
    kept = [np.array_equal(g, x) for g, x in zip(got, images)]
    assert all(f or k for f, k in zip(flipped, kept))
    assert any(flipped) and any(kept)


def test_flip_channels_first_and_unbatched():
    config.set_image_data_format("channels_first")
    images = np.random.default_rng(1).uniform(0, 255, (16, 2, 4, 5)).astype("float32")
    got = to_numpy(layers.RandomFlip("horizontal", seed=2)(images))
    assert all(np.array_equal(g, x) or np.array_equal(g, x[:, :, ::-1]) for g, x in zip(got, images))
    one = to_numpy(layers.RandomFlip("vertical", seed=2)(images[0]))
    assert np.array_equal(one, images[0]) or np.array_equal(one, images[0][:, ::-1])


def test_rotation_channels_first_matches_channels_last():
    last = to_numpy(layers.RandomRotation(0.3, seed=4)(IMAGES))
    first = to_numpy(layers.RandomRotation(0.3, seed=4, data_format="channels_first")(
        np.moveaxis(IMAGES, -1, 1)))
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, rtol=1e-5, atol=1e-3)


# Boxes and masks moving with the pixels ---------------------------------------------------

BOXES = np.array([[[1, 2, 4, 5], [6, 1, 8, 3]], [[2, 0, 5, 2], [3, 4, 7, 7]]], "float32")  # xyxy
EXACT = {  # integer moves: the bright pixels land exactly inside the moved boxes
    "flip": lambda: layers.RandomFlip(seed=3),
    "translation": lambda: layers.RandomTranslation((0.25, 0.25), (-0.125, -0.125),
                                                    fill_mode="constant", interpolation="nearest"),
    "rotation90": lambda: layers.RandomRotation((0.25, 0.25), fill_mode="constant",
                                                interpolation="nearest"),
}


def _one_box_per_image(box_index):
    images = painted((2, 8, 8, 1), BOXES[:, box_index:box_index + 1])
    boxes = {"boxes": BOXES[:, box_index:box_index + 1], "labels": np.array([[1], [2]], "int32")}
    return images, boxes


@pytest.mark.parametrize("kind", sorted(EXACT))
@pytest.mark.parametrize("box_index", [0, 1])
def test_boxes_and_masks_move_exactly_with_the_pixels(eager_backend, kind, box_index):
    images, boxes = _one_box_per_image(box_index)
    layer = EXACT[kind]()
    layer.bounding_box_format = "xyxy"
    out = to_numpy(layer({"images": images, "bounding_boxes": boxes,
                          "segmentation_masks": (images > 0).astype("int32")}))
    for i in range(2):
        np.testing.assert_allclose(out["bounding_boxes"]["boxes"][i, 0], bright_box(out["images"][i]),
                                   atol=1e-4)
    np.testing.assert_array_equal(out["segmentation_masks"], (out["images"] > 127).astype("int32"))
    assert out["segmentation_masks"].dtype == np.int32
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"], boxes["labels"])


APPROXIMATE = {  # non-integer moves: the moved box is the box around the moved corners
    "rotation": lambda fmt: layers.RandomRotation(0.1, fill_mode="constant", interpolation="nearest",
                                                  seed=5, bounding_box_format=fmt),
    "zoom": lambda fmt: layers.RandomZoom((-0.4, 0.4), fill_mode="constant", interpolation="nearest",
                                          seed=5, bounding_box_format=fmt),
    "shear": lambda fmt: layers.RandomShear(0.3, 0.3, fill_mode="constant", interpolation="nearest",
                                            seed=5, bounding_box_format=fmt),
    "perspective": lambda fmt: layers.RandomPerspective(scale=0.3, interpolation="nearest", seed=5,
                                                        bounding_box_format=fmt),
}


@pytest.mark.parametrize("kind", sorted(APPROXIMATE))
@pytest.mark.parametrize("fmt", ["xyxy", "rel_yxyx", "center_xywh"])
def test_boxes_cover_the_moved_pixels(kind, fmt):
    images, boxes = _one_box_per_image(0)
    given = dict(boxes, boxes=box_formats.from_xyxy(boxes["boxes"], fmt, 8, 8))
    layer = APPROXIMATE[kind](fmt)
    for _ in range(3):
        out = to_numpy(layer({"images": images, "bounding_boxes": given}))
        moved = to_numpy(box_formats.to_xyxy(out["bounding_boxes"]["boxes"], fmt, 8, 8))
        for i in range(2):
            pixels = bright_box(out["images"][i])
            if pixels is None:
                assert out["bounding_boxes"]["labels"][i, 0] in (-1, boxes["labels"][i, 0])
                continue
            box = moved[i, 0]
            assert np.all(box[:2] <= pixels[:2] + 1) and np.all(box[2:] >= pixels[2:] - 1), (box, pixels)
            assert np.all(box >= 0) and np.all(box <= 8)  # clipped to the image


def test_boxes_that_leave_the_image_are_dropped():
    images, boxes = _one_box_per_image(0)
    layer = layers.RandomTranslation((1.0, 1.0), 0.0, fill_mode="constant", bounding_box_format="xyxy")
    out = to_numpy(layer({"images": images, "bounding_boxes": boxes}))
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"], [[-1], [-1]])
    assert np.all(out["images"] == 0)


def test_rotated_masks_follow_nearest_neighbour_images():
    images, _ = _one_box_per_image(1)
    out = to_numpy(layers.RandomRotation(0.2, interpolation="nearest", fill_mode="constant", seed=1)(
        {"images": images, "segmentation_masks": (images > 0).astype("uint8"),
         "labels": np.array([3, 4])}))
    np.testing.assert_array_equal(out["segmentation_masks"], (out["images"] > 127).astype("uint8"))
    np.testing.assert_array_equal(out["labels"], [3, 4])


# Perspective and elastic ------------------------------------------------------------------

def test_perspective_without_strength_or_chance_is_the_identity(eager_backend):
    np.testing.assert_allclose(to_numpy(layers.RandomPerspective(scale=0.0, seed=1)(IMAGES)), IMAGES,
                               atol=1e-3)
    np.testing.assert_array_equal(to_numpy(layers.RandomPerspective(factor=0.0, seed=1)(IMAGES)),
                                  IMAGES)
    warped = to_numpy(layers.RandomPerspective(factor=(1.0, 1.0), scale=0.5, seed=1)(IMAGES))
    np.testing.assert_allclose(warped[:, 0, 0], IMAGES[:, 0, 0], atol=1e-3)  # the origin stays


def test_elastic_transform(eager_backend):
    layer = layers.RandomElasticTransform(factor=(1.0, 1.0), interpolation="nearest",
                                          value_range=(0, 200), seed=2)
    images = painted((2, 32, 32, 1), [[[5, 6, 20, 25]], [[10, 2, 30, 12]]])
    changed = False
    for _ in range(3):
        out = to_numpy(layer({"images": images, "segmentation_masks": (images > 0).astype("int32")}))
        assert out["images"].max() <= 200  # clipped to the value range
        np.testing.assert_array_equal(out["segmentation_masks"], (out["images"] > 100).astype("int32"))
        changed = changed or not np.array_equal(out["images"], np.minimum(images, 200))
    assert changed
    unchanged = layers.RandomElasticTransform(scale=0.0, seed=2)(images)
    np.testing.assert_array_equal(to_numpy(unchanged), images)
    with pytest.raises(NotImplementedError, match="does not move bounding boxes"):
        layers.RandomElasticTransform(seed=1, bounding_box_format="xyxy")(
            {"images": images, "bounding_boxes": {"boxes": BOXES, "labels": np.ones((2, 2))}})


# Crops ---------------------------------------------------------------------------------------

def _window_offsets(out, images):
    h, w = out.shape[1:3]
    return [(top, left) for top in range(images.shape[1] - h + 1)
            for left in range(images.shape[2] - w + 1)
            if np.array_equal(out, images[:, top:top + h, left:left + w])]


def test_random_crop_takes_a_window_with_its_boxes_and_masks(eager_backend):
    images = np.random.default_rng(3).uniform(0, 255, (2, 9, 10, 3)).astype("float32")
    boxes = {"boxes": np.array([[[1, 1, 6, 7]], [[0, 0, 10, 9]]], "float32"),
             "labels": np.array([[1], [2]])}
    layer = layers.RandomCrop(5, 6, seed=4, bounding_box_format="xyxy")
    seen = set()
    for _ in range(4):
        out = to_numpy(layer({"images": images, "bounding_boxes": boxes,
                              "segmentation_masks": images[..., :1].astype("int32")}))
        offsets = _window_offsets(out["images"], images)
        assert len(offsets) == 1
        top, left = offsets[0]
        seen.add((top, left))
        np.testing.assert_array_equal(out["segmentation_masks"],
                                      images[:, top:top + 5, left:left + 6, :1].astype("int32"))
        expected = np.clip(boxes["boxes"] - [left, top, left, top], 0, [6, 5, 6, 5])
        np.testing.assert_allclose(out["bounding_boxes"]["boxes"], expected)
    assert len(seen) > 1


def test_random_crop_in_inference_and_for_small_images_resizes_a_centred_window(eager_backend):
    images = np.random.default_rng(3).uniform(0, 255, (2, 9, 12, 3)).astype("float32")
    reference = layers.Resizing(4, 4, crop_to_aspect_ratio=True)
    np.testing.assert_allclose(to_numpy(layers.RandomCrop(4, 4)(images, training=False)),
                               to_numpy(reference(images)), rtol=1e-5, atol=1e-3)
    small = layers.RandomCrop(10, 16, seed=1)(images)  # too small: resized in training too
    np.testing.assert_allclose(to_numpy(small), to_numpy(layers.Resizing(10, 16, crop_to_aspect_ratio=True)(
        images)), rtol=1e-5, atol=1e-3)


def test_random_crop_symbolic_shapes():
    from kerasnb.engine.tensors import KerasTensor
    out = layers.RandomCrop(4, 5)(KerasTensor((None, 9, 12, 3)))
    assert out.shape == (None, 4, 5, 3)
    first = layers.RandomCrop(4, 5, data_format="channels_first")(KerasTensor((None, 3, 9, 12)))
    assert first.shape == (None, 3, 4, 5)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.RandomRotation(1.5), "`factor` must be a number or a pair"),
    (lambda: layers.RandomRotation(0.1, fill_mode="edge"), "`fill_mode` must be one of"),
    (lambda: layers.RandomTranslation(0.1, 0.1, interpolation="bicubic"), "`interpolation`"),
    (lambda: layers.RandomTranslation(0.1, "x"), "`width_factor`"),
    (lambda: layers.RandomZoom((-1.0, 0.2)), "above -1"),
    (lambda: layers.RandomShear(-0.2), "`x_factor`"),
    (lambda: layers.RandomPerspective(scale=2.0), "`scale` must be a number in \\[0, 1\\]"),
    (lambda: layers.RandomCrop(0, 3), "`height` must be a positive int"),
    (lambda: layers.RandomFlip("diagonal"), "`mode` must be one of"),
    (lambda: layers.RandomFlip(seed=1.5), "`seed` must be an int"),
    (lambda: layers.RandomElasticTransform(fill_mode="edge"), "`fill_mode`"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
