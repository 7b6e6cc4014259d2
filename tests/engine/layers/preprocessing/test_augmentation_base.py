"""The augmentation base: training rules, dict inputs, one image vs batches, bounding-box
formats, random layers inside tf.data (per-element draws), subclassing, MaxNumBoundingBoxes."""

import numpy as np
import pytest

import kerasnb
import kerasnb.layers as layers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing import box_formats
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.layers.preprocessing.image_base import BaseImagePreprocessingLayer
from kerasnb.engine.random import random
from kerasnb.engine.random.seed_generator import SeedGenerator
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.preprocessing.augmentation_cases import numpy_by_default  # noqa: F401
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(21)
IMAGES = RNG.uniform(0, 255, (2, 4, 6, 3)).astype("float32")
SHIFT = 0.1 * 255  # RandomBrightness((0.1, 0.1)) adds exactly this


def test_training_rules(backend):
    layer = layers.RandomBrightness((0.1, 0.1))
    np.testing.assert_allclose(to_numpy(layer(IMAGES)), np.minimum(IMAGES + SHIFT, 255), rtol=1e-6)
    np.testing.assert_array_equal(to_numpy(layer(IMAGES, training=False)), IMAGES)
    ints = to_numpy(layer(IMAGES.astype("uint8"), training=False))
    assert ints.dtype == np.float32  # images always come out in the compute dtype
    model = kerasnb.Sequential([kerasnb.Input((4, 6, 3)), layer])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)  # inference
    if backend != "jax":  # eager JAX compiles every op: the compiled paths are tested elsewhere
        np.testing.assert_allclose(to_numpy(model(IMAGES)), np.minimum(IMAGES + SHIFT, 255), rtol=1e-6)
        np.testing.assert_array_equal(to_numpy(model(IMAGES, training=False)), IMAGES)


def test_dicts_and_single_images():
    layer = layers.RandomBrightness((0.1, 0.1))
    data = {"images": IMAGES, "labels": np.array([1, 2]), "segmentation_masks": np.ones((2, 4, 6, 1)),
            "extra": "kept"}
    out = to_numpy(layer(data))
    assert set(out) == {"images", "labels", "segmentation_masks", "extra"} and out["extra"] == "kept"
    np.testing.assert_allclose(out["images"], np.minimum(IMAGES + SHIFT, 255), rtol=1e-6)
    one = to_numpy(layer({"images": IMAGES[0], "labels": np.array(3)}))
    assert one["images"].shape == (4, 6, 3) and one["labels"].shape == ()
    boxes = {"boxes": np.array([[0.0, 0.0, 2.0, 2.0]]), "labels": np.array([5])}
    single = to_numpy(layers.RandomFlip("horizontal", seed=1, bounding_box_format="xyxy")(
        {"images": IMAGES[0], "bounding_boxes": boxes}))
    assert single["bounding_boxes"]["boxes"].shape == (1, 4)
    assert single["bounding_boxes"]["boxes"][0].tolist() in ([0, 0, 2, 2], [4, 0, 6, 2])


def test_symbolic_dicts():
    data = {"images": KerasTensor((None, 4, 6, 3), "uint8"), "labels": KerasTensor((None, 2)),
            "segmentation_masks": KerasTensor((None, 4, 6, 1), "int32")}
    out = layers.RandomCrop(2, 3)(data)
    assert out["images"].shape == (None, 2, 3, 3) and out["images"].dtype == "float32"
    assert out["segmentation_masks"].shape == (None, 2, 3, 1) and out["segmentation_masks"].dtype == "int32"
    assert out["labels"] is data["labels"]
    assert layers.RandomFlip()(KerasTensor((4, 6, 3), "uint8")).shape == (4, 6, 3)


@pytest.mark.parametrize("data, error, match", [
    ({"labels": np.zeros(2)}, ValueError, "dict with an 'images' key"),
    (np.zeros((4, 6)), ValueError, "rank 3 \\(one image\\) or 4"),
    ({"images": IMAGES, "bounding_boxes": {"boxes": np.zeros((2, 1, 4)), "labels": np.zeros((2, 1))}},
     ValueError, "no `bounding_box_format`"),
])
def test_bad_inputs(data, error, match):
    with pytest.raises(error, match=match):
        layers.RandomFlip(seed=1)(data)


def test_bad_boxes():
    layer = layers.RandomFlip(bounding_box_format="xyxy")
    with pytest.raises(ValueError, match="'boxes' and 'labels'"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": np.zeros((2, 1, 4))}})
    with pytest.raises(ValueError, match="\\(batch, num_boxes, 4\\)"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": np.zeros((2, 1, 3)), "labels": np.zeros((2, 1))}})
    with pytest.raises(ValueError, match="`bounding_box_format` must be one of"):
        layers.RandomFlip(bounding_box_format="corners")


def test_ragged_box_lists_are_padded():
    boxes = {"boxes": [[[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 1, 1]]], "labels": [[4], [5, 6]]}
    out = to_numpy(layers.RandomFlip("vertical", seed=0, bounding_box_format="xyxy")(
        {"images": IMAGES, "bounding_boxes": boxes}, training=False))
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"], [[4, -1], [5, 6]])
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"][0, 1], [0, 0, 0, 0])


# Box formats ---------------------------------------------------------------------------------

XYXY = np.array([[[2.0, 1.0, 6.0, 4.0], [0.0, 3.0, 1.0, 8.0]]], "float32")
HEIGHT, WIDTH = 8.0, 10.0
REFERENCE = {  # the same boxes written by hand in every format
    "xyxy": XYXY,
    "yxyx": XYXY[..., [1, 0, 3, 2]],
    "xywh": np.concatenate([XYXY[..., :2], XYXY[..., 2:] - XYXY[..., :2]], -1),
    "center_xywh": np.concatenate([(XYXY[..., :2] + XYXY[..., 2:]) / 2, XYXY[..., 2:] - XYXY[..., :2]], -1),
    "center_yxhw": np.concatenate([(XYXY[..., [1, 0]] + XYXY[..., [3, 2]]) / 2,
                                   XYXY[..., [3, 2]] - XYXY[..., [1, 0]]], -1),
    "rel_xyxy": XYXY / [WIDTH, HEIGHT, WIDTH, HEIGHT],
    "rel_yxyx": XYXY[..., [1, 0, 3, 2]] / [HEIGHT, WIDTH, HEIGHT, WIDTH],
    "rel_xywh": np.concatenate([XYXY[..., :2], XYXY[..., 2:] - XYXY[..., :2]], -1) / [WIDTH, HEIGHT, WIDTH, HEIGHT],
    "rel_center_xywh": np.concatenate([(XYXY[..., :2] + XYXY[..., 2:]) / 2,
                                       XYXY[..., 2:] - XYXY[..., :2]], -1) / [WIDTH, HEIGHT, WIDTH, HEIGHT],
}


@pytest.mark.parametrize("source", sorted(REFERENCE))
@pytest.mark.parametrize("target", ["xyxy", "center_yxhw", "rel_xywh"])
def test_box_format_conversions(backend, source, target):
    got = box_formats.convert_format(REFERENCE[source], source, target, height=HEIGHT, width=WIDTH)
    np.testing.assert_allclose(to_numpy(got), REFERENCE[target], rtol=1e-6, atol=1e-6)


def test_box_helpers():
    with pytest.raises(ValueError, match="need the image height"):
        box_formats.convert_format(XYXY, "xyxy", "rel_xyxy", width=3)
    with pytest.raises(ValueError, match="`target` must be one of"):
        box_formats.convert_format(XYXY, "xyxy", "ltrb")
    clipped = to_numpy(box_formats.clip_to_image(
        {"boxes": np.array([[[-2.0, 1.0, 3.0, 9.0], [11.0, 1.0, 12.0, 2.0]]]), "labels": np.array([[3, 4]])},
        HEIGHT, WIDTH))
    np.testing.assert_allclose(clipped["boxes"], [[[0, 1, 3, 8], [10, 1, 10, 2]]])
    np.testing.assert_array_equal(clipped["labels"], [[3, -1]])  # no area left: dropped
    matrices = np.eye(3)[None] + RNG.uniform(-0.2, 0.2, (4, 3, 3))
    np.testing.assert_allclose(to_numpy(box_formats.invert_3x3(matrices.astype("float32"))),
                               np.linalg.inv(matrices), rtol=1e-4, atol=1e-5)


def test_moving_boxes_vs_numpy():
    matrix = np.array([[[0.9, 0.2, 1.0], [-0.1, 1.1, 2.0], [0.01, 0.02, 1.0]]], "float32")
    moved = to_numpy(box_formats.move_boxes(XYXY, matrix))
    for box, out in zip(XYXY[0], moved[0]):
        corners = np.array([[x, y, 1.0] for x in box[[0, 2]] - 0.5 for y in box[[1, 3]] - 0.5])
        mapped = corners @ matrix[0].T
        points = mapped[:, :2] / mapped[:, 2:] + 0.5
        np.testing.assert_allclose(out, np.concatenate([points.min(0), points.max(0)]), rtol=1e-5)


# Random layers inside tf.data ------------------------------------------------------------------

class Noisy(DataLayer):
    """Adds one uniform number per call, drawn from its own SeedGenerator."""

    def __init__(self):
        super().__init__()
        self.generator = SeedGenerator(7)

    def call(self, inputs):
        return ops.add(inputs, random.uniform((), seed=self.generator))


@pytest.mark.parametrize("name", ["numpy", "jax", "torch", "tensorflow"])
def test_random_data_layers_draw_per_element_in_tf_data(name):
    import tensorflow as tf
    engine_backend.set_backend(name)
    layer = Noisy()
    state = layer.generator.state.numpy()
    dataset = tf.data.Dataset.from_tensor_slices(np.zeros((4,), "float32")).map(layer)
    first, second = list(dataset.as_numpy_iterator()), list(dataset.as_numpy_iterator())
    assert len(set(first)) == 4 and len(set(first) | set(second)) == 8  # new numbers every time
    np.testing.assert_array_equal(layer.generator.state.numpy(), state)  # a concrete, untouched Variable
    assert float(to_numpy(layer(np.zeros((), "float32")))) >= 0.0  # still usable eagerly


# Subclassing ----------------------------------------------------------------------------------

class AddNoise(BaseImagePreprocessingLayer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.generator = SeedGenerator(3)

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return random.normal(tuple(ops.shape(images)), seed=seed or self.generator)

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        return images + transformation if training else images


def test_a_subclass_gets_dicts_and_single_images():
    layer = AddNoise()
    out = to_numpy(layer({"images": IMAGES[0], "labels": np.array(1)}))
    assert out["images"].shape == (4, 6, 3) and not np.allclose(out["images"], IMAGES[0])
    np.testing.assert_array_equal(to_numpy(layer(IMAGES, training=False)), IMAGES)
    with pytest.raises(ValueError, match="does not take a `factor`"):
        AddNoise(factor=0.5)


# MaxNumBoundingBoxes ----------------------------------------------------------------------------

def test_max_num_bounding_boxes(backend):
    boxes = {"boxes": RNG.uniform(0, 4, (2, 5, 4)).astype("float32"), "labels": np.arange(10).reshape(2, 5)}
    out = to_numpy(layers.MaxNumBoundingBoxes(3)({"images": IMAGES, "bounding_boxes": boxes}))
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"], boxes["boxes"][:, :3])
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"], boxes["labels"][:, :3])
    np.testing.assert_array_equal(out["images"], IMAGES)
    padded = to_numpy(layers.MaxNumBoundingBoxes(7, fill_value=-2)({"images": IMAGES, "bounding_boxes": boxes}))
    np.testing.assert_array_equal(padded["bounding_boxes"]["labels"][:, 5:], -2)
    np.testing.assert_array_equal(padded["bounding_boxes"]["boxes"][:, 5:], -2)
    one = to_numpy(layers.MaxNumBoundingBoxes(2)({"images": IMAGES[0], "bounding_boxes": {
        "boxes": boxes["boxes"][0, :1], "labels": boxes["labels"][0, :1]}}))
    np.testing.assert_array_equal(one["bounding_boxes"]["labels"], [0, -1])


def test_max_num_bounding_boxes_symbolic_and_errors():
    spec = layers.MaxNumBoundingBoxes(4)({"images": KerasTensor((None, 4, 6, 3)), "bounding_boxes": {
        "boxes": KerasTensor((None, None, 4)), "labels": KerasTensor((None, None), "int32")}})
    assert spec["bounding_boxes"]["boxes"].shape == (None, 4, 4)
    assert spec["bounding_boxes"]["labels"].shape == (None, 4)
    with pytest.raises(ValueError, match="`max_number` must be a positive int"):
        layers.MaxNumBoundingBoxes(0)
