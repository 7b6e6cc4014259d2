"""Every augmentation layer with small settings, shared by the augmentation tests."""

import numpy as np
import pytest

import kerasnb.layers as layers
from kerasnb.engine import backend as engine_backend

IMAGES = np.random.default_rng(11).uniform(0, 255, (3, 8, 10, 3)).astype("float32")

# name -> constructor arguments; every layer gets a seed where it takes one.
LAYERS = {
    "RandomFlip": {"seed": 1},
    "RandomRotation": {"factor": 0.2, "seed": 1},
    "RandomTranslation": {"height_factor": 0.2, "width_factor": 0.3, "seed": 1},
    "RandomZoom": {"height_factor": 0.3, "seed": 1},
    "RandomShear": {"x_factor": 0.3, "y_factor": 0.2, "seed": 1},
    "RandomPerspective": {"scale": 0.4, "seed": 1},
    "RandomElasticTransform": {"seed": 1},
    "RandomCrop": {"height": 6, "width": 7, "seed": 1},
    "RandomBrightness": {"factor": 0.2, "seed": 1},
    "RandomContrast": {"factor": 0.5, "seed": 1},
    "RandomHue": {"factor": 0.5, "seed": 1},
    "RandomSaturation": {"factor": 0.8, "seed": 1},
    "RandomColorDegeneration": {"factor": 0.5, "seed": 1},
    "RandomGrayscale": {"factor": 0.5, "seed": 1},
    "RandomInvert": {"seed": 1},
    "RandomPosterization": {"factor": 4, "seed": 1},
    "RandomSharpness": {"factor": 0.8, "seed": 1},
    "RandomGaussianBlur": {"seed": 1},
    "Solarization": {"addition_factor": 0.3, "threshold_factor": 0.5, "seed": 1},
    "RandomColorJitter": {"brightness_factor": 0.2, "contrast_factor": 0.3, "saturation_factor": 0.5,
                          "hue_factor": 0.2, "seed": 1},
    "AutoContrast": {},
    "Equalization": {},
    "ContrastLimitedAdaptiveHistogramEqualization": {"tile_grid_size": (2, 3)},
    "MixUp": {"seed": 1},
    "CutMix": {"seed": 1},
    "RandomErasing": {"seed": 1},
    "RandAugment": {"seed": 1},
    "AugMix": {"num_chains": 2, "chain_depth": 2, "seed": 1},
    "MaxNumBoundingBoxes": {"max_number": 3},
}

# Layers that change pixels in inference too (the rest are the identity there).
ALWAYS_ON = {"AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "RandomCrop"}
# Layers whose training output may equal the input (no change expected by construction).
MAY_KEEP = {"MaxNumBoundingBoxes", "RandomGrayscale"}


def make(layer, **overrides):
    return getattr(layers, layer)(**dict(LAYERS[layer], **overrides))


def output_shape(name, shape=IMAGES.shape):
    return (shape[0], 6, 7, shape[3]) if name == "RandomCrop" else shape


@pytest.fixture(params=["numpy", "torch", "tensorflow"])
def eager_backend(request):
    """The backends whose eager ops are cheap. JAX runs the layers compiled (models, fit,
    `jitted`): its eager mode compiles every op for every new shape."""
    engine_backend.set_backend(request.param)
    return request.param


def jitted(layer, *args, **kwargs):
    """`layer` called inside `jax.jit` (as in a compiled train step), state passed through."""
    import jax
    engine_backend.set_backend("jax")
    layer(*args, **kwargs)  # build
    state = [v.value for v in layer.non_trainable_variables]

    def run(state, args):
        return layer.stateless_call([], state, *args, **kwargs)[0]

    return jax.jit(run)(state, args)


def painted(shape, boxes, value=255.0):
    """Zero images (batch, height, width, 1) with `value` inside each xyxy pixel box."""
    images = np.zeros(shape, "float32")
    for i, image_boxes in enumerate(boxes):
        for x1, y1, x2, y2 in image_boxes:
            images[i, int(y1):int(y2), int(x1):int(x2)] = value
    return images


def bright_box(image, threshold=127.0):
    """The xyxy box around the pixels of `image` (height, width, ...) above `threshold`, or
    None."""
    rows, cols = np.nonzero(image.reshape(image.shape[0], image.shape[1], -1).max(-1) > threshold)
    if not len(rows):
        return None
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], "float32")


@pytest.fixture(autouse=True)
def numpy_by_default():
    """Tests that ask for no backend run on NumPy (fast eager ops); an explicit backend
    fixture switches afterwards."""
    engine_backend.set_backend("numpy")
