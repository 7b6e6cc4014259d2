"""MixUp, CutMix and RandomErasing vs NumPy references from each call's drawn parameters."""

import numpy as np
import pytest

import kerasnb.layers as layers
from tests.engine.layers.preprocessing.augmentation_cases import (  # noqa: F401 (fixtures)
    eager_backend, numpy_by_default)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(13)
IMAGES = RNG.uniform(0, 255, (6, 8, 10, 3)).astype("float32")
LABELS = np.eye(4, dtype="float32")[np.arange(6) % 4]  # one-hot
MASKS = RNG.integers(0, 3, (6, 8, 10, 1)).astype("int32")


def _call(layer, data):
    transformation = layer.get_random_transformation(data)
    out = {"images": layer.transform_images(data["images"], transformation)}
    if "labels" in data:
        out["labels"] = layer.transform_labels(data["labels"], transformation)
    if "segmentation_masks" in data:
        out["segmentation_masks"] = layer.transform_segmentation_masks(data["segmentation_masks"],
                                                                       transformation)
    return to_numpy(out), to_numpy(transformation)


def test_mixup_blends_images_labels_and_masks(eager_backend):
    layer = layers.MixUp(alpha=0.5, seed=3)
    out, t = _call(layer, {"images": IMAGES, "labels": LABELS, "segmentation_masks": MASKS})
    order, weight = t["permutation_order"], t["mix_weight"]
    assert sorted(order) == list(range(6)) and np.all((weight >= 0) & (weight <= 1))
    w = weight.reshape(-1, 1, 1, 1)
    np.testing.assert_allclose(out["images"], w * IMAGES + (1 - w) * IMAGES[order], rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(out["labels"], weight[:, None] * LABELS + (1 - weight[:, None]) * LABELS[order],
                               atol=1e-6)
    np.testing.assert_allclose(out["segmentation_masks"], w * MASKS + (1 - w) * MASKS[order], atol=1e-5)
    np.testing.assert_allclose(out["labels"].sum(-1), 1.0, atol=1e-6)  # still distributions


def test_mixup_appends_the_partner_boxes():
    boxes = {"boxes": RNG.uniform(0, 5, (6, 2, 4)).astype("float32"), "labels": np.arange(12).reshape(6, 2)}
    layer = layers.MixUp(seed=1, bounding_box_format="xyxy")
    transformation = layer.get_random_transformation(IMAGES)
    out = to_numpy(layer.transform_bounding_boxes(boxes, transformation))
    order = to_numpy(transformation["permutation_order"])
    np.testing.assert_array_equal(out["labels"], np.concatenate([boxes["labels"], boxes["labels"][order]], 1))
    np.testing.assert_array_equal(out["boxes"], np.concatenate([boxes["boxes"], boxes["boxes"][order]], 1))


def test_cutmix_pastes_one_window_and_mixes_labels_by_area(eager_backend):
    layer = layers.CutMix(seed=5)
    out, t = _call(layer, {"images": IMAGES, "labels": LABELS, "segmentation_masks": MASKS})
    order, inside, kept = t["permutation_order"], t["batch_masks"], t["mix_weight"]
    np.testing.assert_array_equal(out["images"], np.where(inside, IMAGES[order], IMAGES))
    np.testing.assert_array_equal(out["segmentation_masks"], np.where(inside, MASKS[order], MASKS))
    np.testing.assert_allclose(out["labels"], kept[:, None] * LABELS + (1 - kept[:, None]) * LABELS[order],
                               atol=1e-6)
    for i in range(6):
        rows, cols = np.nonzero(inside[i, ..., 0])
        if len(rows):  # one rectangle, the same on every channel
            assert len(rows) == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
        pasted = inside[i, ..., 0].mean()
        assert abs((1 - kept[i]) - pasted) <= (2 * (8 + 10) + 4) / 80  # area vs pixel count
    assert np.all(inside == inside[..., :1])


def test_cutmix_leaves_a_single_image_and_refuses_boxes():
    np.testing.assert_array_equal(to_numpy(layers.CutMix(seed=1)(IMAGES[0])), IMAGES[0])
    with pytest.raises(NotImplementedError, match="CutMix does not support bounding boxes"):
        layers.CutMix(bounding_box_format="xyxy")({"images": IMAGES, "bounding_boxes": {
            "boxes": np.zeros((6, 1, 4)), "labels": np.zeros((6, 1))}})


@pytest.mark.parametrize("fill_value", [None, 9.0, [1.0, 2.0, 3.0]])
def test_random_erasing(eager_backend, fill_value):
    layer = layers.RandomErasing(factor=0.8, scale=(0.1, 0.4), fill_value=fill_value, seed=2)
    out, t = _call(layer, {"images": IMAGES})
    erased = t["batch_masks"]
    fill = np.broadcast_to(t["fill_value"], IMAGES.shape)
    np.testing.assert_array_equal(out["images"], np.where(erased, fill, IMAGES))
    assert np.all((fill >= 0) & (fill <= 255))
    if fill_value is not None:
        np.testing.assert_array_equal(fill[0, 0, 0], np.broadcast_to(fill_value, (3,)))
    for i in range(6):
        rows, cols = np.nonzero(erased[i, ..., 0])
        if len(rows):
            assert np.sqrt(0.1) * 8 - 1 <= rows.max() - rows.min() + 1 <= np.sqrt(0.4) * 8 + 1
            assert np.sqrt(0.1) * 10 - 1 <= cols.max() - cols.min() + 1 <= np.sqrt(0.4) * 10 + 1


def test_random_erasing_without_chance_erases_nothing():
    np.testing.assert_array_equal(to_numpy(layers.RandomErasing(factor=0.0, seed=1)(IMAGES)), IMAGES)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.MixUp(alpha=0), "`alpha` must be a positive number"),
    (lambda: layers.CutMix(factor=2), "`factor`"),
    (lambda: layers.RandomErasing(scale=(0.1, 1.5)), "`scale`"),
    (lambda: layers.RandomErasing(fill_value=[1, 2]), "`fill_value`"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
