"""RandAugment and AugMix: outputs equal their chosen operations applied by hand."""

import numpy as np
import pytest

import kerasnb.layers as layers
from tests.engine.layers.preprocessing.augmentation_cases import (  # noqa: F401 (fixtures)
    eager_backend, numpy_by_default)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(17)
IMAGES = RNG.uniform(0, 255, (3, 8, 8, 3)).astype("float32")


def _step(tree, index):
    """Entry `index` of every per-step array in a tree of drawn parameters."""
    if isinstance(tree, dict):
        return {key: _step(value, index) for key, value in tree.items()}
    if hasattr(tree, "shape") and len(tree.shape):
        return to_numpy(tree)[index]
    return tree  # None, or a static size


def test_rand_augment_applies_its_picks_in_order(eager_backend):
    layer = layers.RandAugment(num_ops=3, factor=0.4, seed=4)
    transformation = layer.get_random_transformation(IMAGES)
    got = to_numpy(layer.transform_images(IMAGES, transformation))
    picks = to_numpy(transformation["layer_idxes"])
    assert picks.shape == (3,) and np.all((picks >= 0) & (picks < 11))
    expected = IMAGES
    for pick in picks:
        op = layer.augmentations[pick]
        expected = to_numpy(op.transform_images(expected, transformation["transforms"][pick]))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)
    assert np.all((got >= 0) & (got <= 255))


def test_rand_augment_moves_boxes_and_masks_with_its_geometric_picks():
    layer = layers.RandAugment(num_ops=2, factor=0.3, seed=8, bounding_box_format="xyxy")
    boxes = {"boxes": np.array([[[1.0, 1.0, 5.0, 6.0]]] * 3, "float32"), "labels": np.ones((3, 1), "int32")}
    masks = (IMAGES[..., :1] > 128).astype("int32")
    for _ in range(3):
        transformation = layer.get_random_transformation(IMAGES)
        got_boxes = to_numpy(layer.transform_bounding_boxes(boxes, transformation))
        got_masks = to_numpy(layer.transform_segmentation_masks(masks, transformation))
        expected_boxes, expected_masks = boxes, masks
        for pick in to_numpy(transformation["layer_idxes"]):
            op, part = layer.augmentations[pick], transformation["transforms"][pick]
            expected_boxes = to_numpy(op.transform_bounding_boxes(expected_boxes, part))
            expected_masks = to_numpy(op.transform_segmentation_masks(expected_masks, part))
        np.testing.assert_allclose(got_boxes["boxes"], expected_boxes["boxes"], atol=1e-4)
        np.testing.assert_array_equal(got_masks, expected_masks)


def test_aug_mix_mixes_its_chains(eager_backend):
    layer = layers.AugMix(num_chains=3, chain_depth=2, factor=0.5, seed=6)
    drawn = layer.get_random_transformation(IMAGES)
    got = to_numpy(layer.transform_images(IMAGES, drawn))
    transformation = to_numpy(drawn)
    weights, blend, picks = (transformation[k] for k in ("chain_mixing_weights", "weight_sample", "picks"))
    np.testing.assert_allclose(weights.sum(), 1.0, rtol=1e-5)
    assert 0 <= blend <= 1 and np.all((picks >= 0) & (picks <= len(layer.augmentations)))
    mixed = np.zeros_like(IMAGES)
    for c in range(3):
        chain = IMAGES
        for d in range(2):
            k = c * 2 + d
            if picks[k] < len(layer.augmentations):  # the last index means "no operation"
                op = layer.augmentations[picks[k]]
                chain = to_numpy(op.transform_images(chain, _step(drawn["chain_transforms"][picks[k]], k)))
        mixed += weights[c] * chain
    np.testing.assert_allclose(got, np.clip(blend * IMAGES + (1 - blend) * mixed, 0, 255), rtol=1e-4,
                               atol=1e-2)


def test_operation_lists():
    assert layers.RandAugment().operation_names == (
        "random_shear", "random_translation", "random_rotation", "random_brightness",
        "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
        "solarization", "auto_contrast", "equalization")
    assert len(layers.AugMix(all_ops=False).operation_names) == 7
    assert len(layers.AugMix().operation_names) == 11
    aug = layers.AugMix(factor=0.6, value_range=(0, 1))
    assert aug.augmentations[0].x_factor == (0.0, 0.6)  # the shear gets the policy's strength
    assert aug.augmentations[3].factor == (1, 4)  # posterization: up to int(8 * 0.6) bits


def test_aug_mix_masks_mix_and_boxes_are_refused():
    layer = layers.AugMix(num_chains=2, chain_depth=1, seed=1, bounding_box_format="xyxy")
    out = to_numpy(layer({"images": IMAGES, "segmentation_masks": np.ones((3, 8, 8, 1), "int32")}))
    assert out["segmentation_masks"].dtype == np.float32 and out["images"].shape == IMAGES.shape
    with pytest.raises(NotImplementedError, match="AugMix does not support bounding boxes"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": np.zeros((3, 1, 4)), "labels": np.zeros((3, 1))}})


@pytest.mark.parametrize("make, match", [
    (lambda: layers.RandAugment(num_ops=0), "`num_ops` must be a positive int"),
    (lambda: layers.RandAugment(factor=1.5), "`factor`"),
    (lambda: layers.AugMix(chain_depth=0), "`chain_depth`"),
    (lambda: layers.AugMix(alpha=-1.0), "`alpha`"),
    (lambda: layers.AugMix(interpolation="area"), "`interpolation`"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
