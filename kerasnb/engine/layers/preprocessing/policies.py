"""Augmentation policies built from the other layers: `RandAugment` and `AugMix`.

The parameters of every candidate operation are drawn up front; `ops.switch` then runs
only the chosen operation (`lax.switch` under JAX, `tf.switch_case` in TensorFlow graphs)
inside an `ops.fori_loop` over the steps, so each operation is traced once and a policy
compiles quickly under `jax.jit`, `tf.function` and ``tf.data``.
"""

from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.color import (RandomBrightness, RandomColorDegeneration,
                                                       RandomContrast, RandomPosterization,
                                                       RandomSharpness, Solarization)
from kerasnb.engine.layers.preprocessing.geometric import (INTERPOLATIONS, RandomRotation,
                                                           RandomShear, RandomTranslation)
from kerasnb.engine.layers.preprocessing.histogram import AutoContrast, Equalization
from kerasnb.engine.layers.preprocessing.image_base import (BaseImagePreprocessingLayer,
                                                            check_choice, check_value_range,
                                                            factor_range)
from kerasnb.engine.random import random
from kerasnb.engine.saving.serialization import builtin

GEOMETRIC_OPS = ("random_shear", "random_translation", "random_rotation")
COLOR_OPS = ("random_brightness", "random_color_degeneration", "random_contrast",
             "random_sharpness")
TONE_OPS = ("random_posterization", "solarization", "auto_contrast", "equalization")


def _is_tensor(value):
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _split_steps(tree, steps):
    """Every tensor of `tree`, drawn for ``steps * batch`` images, as (steps, batch, ...)."""
    if isinstance(tree, dict):
        return {key: _split_steps(value, steps) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)) and not all(isinstance(v, int) for v in tree):
        return type(tree)(_split_steps(value, steps) for value in tree)
    if not _is_tensor(tree):
        return tree
    return ops.reshape(tree, (steps, -1) + tuple(ops.shape(tree)[1:]))


def _pick(tree, index):
    """Entry `index` (a scalar tensor) of every stacked tensor of `tree`."""
    if isinstance(tree, dict):
        return {key: _pick(value, index) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)) and not all(isinstance(v, int) for v in tree):
        return type(tree)(_pick(value, index) for value in tree)
    return ops.take(tree, index, axis=0) if _is_tensor(tree) else tree


def _positive_int(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: `{name}` must be a positive int; received {value!r}.")
    return value


class _Policy(BaseImagePreprocessingLayer):
    """Holds one sub-layer per operation name, all sharing the policy's settings."""

    def __init__(self, value_range, factor, interpolation, seed, data_format, names, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        owner = type(self).__name__
        self.value_range = check_value_range(owner, value_range)
        self.factor = factor_range(owner, "factor", factor, bounds=(0.0, 1.0))
        self.interpolation = check_choice(owner, "interpolation", interpolation, INTERPOLATIONS)
        self._make_generator(seed)
        common = {"seed": seed, "data_format": self.data_format, "dtype": self.dtype_policy}
        geometric = dict(common, interpolation=interpolation,
                         bounding_box_format=self.bounding_box_format)
        colour = dict(common, value_range=self.value_range)
        tone = {"data_format": self.data_format, "dtype": self.dtype_policy}
        f = self.factor
        build = {
            "random_shear": lambda: RandomShear(x_factor=f, y_factor=f, **geometric),
            "random_translation": lambda: RandomTranslation(f, f, **geometric),
            "random_rotation": lambda: RandomRotation(f, **geometric),
            "random_brightness": lambda: RandomBrightness(f, **colour),
            "random_color_degeneration": lambda: RandomColorDegeneration(f, **colour),
            "random_contrast": lambda: RandomContrast(f, **colour),
            "random_sharpness": lambda: RandomSharpness(f, **colour),
            "random_posterization": lambda: RandomPosterization(max(1, int(8 * f[1])), **colour),
            "solarization": lambda: Solarization(f, f, **colour),
            "auto_contrast": lambda: AutoContrast(self.value_range, **tone),
            "equalization": lambda: Equalization(self.value_range, **tone),
        }
        self.augmentations = [build[name]() for name in names]
        self.operation_names = tuple(names)

    def _draw_all(self, data, seed):
        """The parameters of every operation, drawn from `seed`."""
        return [layer.get_random_transformation(data, training=True, seed=seed)
                for layer in self.augmentations]

    def _draw_steps(self, data, seed, steps):
        """The parameters of every operation for `steps` steps in one draw each: tensors
        (steps, batch, ...). The operations draw for a stand-in batch of ``steps * batch``
        one-channel zero images (every parameter they draw is per image)."""
        images = self._images_of(data)
        plane = images[:, :1] if self.data_format == "channels_first" else images[..., :1]
        many = ops.tile(ops.zeros_like(plane), (steps, 1, 1, 1))
        return _split_steps(self._draw_all(many, seed), steps)

    def _switch(self, index, method, value, transforms, skip=False):
        """``augmentations[index].<method>(value, transforms[index])`` by `ops.switch`; with
        `skip`, an index past the last operation leaves `value` as it is."""
        def branch(layer, transform):
            return lambda x: getattr(layer, method)(x, transform, training=True)

        branches = [branch(layer, t) for layer, t in zip(self.augmentations, transforms)]
        if skip:
            branches.append(lambda x: x)
        return ops.switch(index, branches, value)

    def _images_in(self, images):
        return ops.cast(images, self.compute_dtype)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"value_range": self.value_range, "factor": self.factor,
                        "interpolation": self.interpolation, "seed": self.seed})
        return config_


@builtin("layers")
class RandAugment(_Policy):
    """RandAugment: `num_ops` operations, each picked at random from a fixed list.

    The operations (shear, translation, rotation, brightness, colour degeneration,
    contrast, sharpness, posterization, solarization, auto contrast, equalization) share
    the strength `factor`; one pick and one set of parameters per call serve the whole
    batch. Geometric picks also move bounding boxes and segmentation masks.

    Args:
        value_range: the (low, high) range of the pixels.
        num_ops: how many operations to apply in sequence.
        factor: the strength, ``f`` meaning ``[0, f]``; in [0, 1].
        interpolation: "bilinear" or "nearest", for the geometric operations.
        seed: an int for reproducible picks.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments (`bounding_box_format`, ...).

    Example:
        >>> RandAugment(num_ops=2, factor=0.3, seed=1)(np.zeros((2, 16, 16, 3))).shape
        (2, 16, 16, 3)
    """

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(value_range, factor, interpolation, seed, data_format,
                         GEOMETRIC_OPS + COLOR_OPS + TONE_OPS, **kwargs)
        self.num_ops = _positive_int("RandAugment", "num_ops", num_ops)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = seed or self.generator
        picks = random.randint((self.num_ops,), 0, len(self.augmentations), seed=seed)
        return {"layer_idxes": picks, "transforms": self._draw_all(data, seed)}

    def _apply(self, method, value, transformation, training):
        if not training or transformation is None:
            return value

        def step(i, x):
            return self._switch(ops.take(transformation["layer_idxes"], i), method, x,
                                transformation["transforms"])

        return ops.fori_loop(0, self.num_ops, step, value)

    def transform_images(self, images, transformation, training=True):
        return self._apply("transform_images", self._images_in(images), transformation, training)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self._apply("transform_segmentation_masks", segmentation_masks, transformation,
                           training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return self._apply("transform_bounding_boxes", bounding_boxes, transformation, training)

    def get_config(self):
        return dict(super().get_config(), num_ops=self.num_ops)


@builtin("layers")
class AugMix(_Policy):
    """AugMix: a random mix of several chains of random operations, mixed with the input.

    Each of `num_chains` chains applies `chain_depth` steps, each a random operation or
    nothing; the chains are averaged with Dirichlet(`alpha`) weights and the result is
    blended with the input by a Beta(`alpha`, `alpha`) weight, then clipped to
    `value_range`. Picks and parameters are drawn once per call for the whole batch.
    Segmentation masks go through the same mix; bounding boxes are not supported.

    Args:
        value_range: the (low, high) range of the pixels.
        num_chains: the number of chains.
        chain_depth: the number of steps per chain.
        factor: the strength of the operations, ``f`` meaning ``[0, f]``; in [0, 1].
        alpha: the Dirichlet and Beta parameter.
        all_ops: also use brightness, colour degeneration, contrast and sharpness (besides
            shear, translation, rotation, posterization, solarization, auto contrast and
            equalization).
        interpolation: "bilinear" or "nearest", for the geometric operations.
        seed: an int for reproducible draws.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> AugMix(num_chains=2, chain_depth=2, seed=1)(np.zeros((2, 16, 16, 3))).shape
        (2, 16, 16, 3)
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0,
                 all_ops=True, interpolation="bilinear", seed=None, data_format=None, **kwargs):
        names = GEOMETRIC_OPS + TONE_OPS + (COLOR_OPS if all_ops else ())
        super().__init__(value_range, factor, interpolation, seed, data_format, names, **kwargs)
        self.num_chains = _positive_int("AugMix", "num_chains", num_chains)
        self.chain_depth = _positive_int("AugMix", "chain_depth", chain_depth)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"AugMix: `alpha` must be a positive number; received {alpha!r}.")
        self.alpha, self.all_ops = alpha, bool(all_ops)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = seed or self.generator
        gammas = random.gamma((self.num_chains,), self.alpha, seed=seed)
        weights = gammas / ops.sum(gammas)
        blend = random.beta((), self.alpha, self.alpha, seed=seed)
        steps = self.num_chains * self.chain_depth
        picks = random.randint((steps,), 0, len(self.augmentations) + 1, seed=seed)
        transforms = self._draw_steps(data, seed, steps)
        return {"chain_mixing_weights": weights, "weight_sample": blend, "picks": picks,
                "chain_transforms": transforms}

    def _mix(self, method, value, transformation):
        """Runs the chains one step at a time (step k is step ``k % depth`` of chain
        ``k // depth``), adding each finished chain to the mix by its weight."""
        depth = self.chain_depth
        weights = ops.cast(transformation["chain_mixing_weights"], self.compute_dtype)

        def step(k, carry):
            chain, mixed = carry
            chain = ops.where(k % depth == 0, value, chain)
            chain = self._switch(ops.take(transformation["picks"], k), method, chain,
                                 _pick(transformation["chain_transforms"], k), skip=True)
            weight = ops.where(k % depth == depth - 1, ops.take(weights, k // depth), 0.0)
            return chain, mixed + ops.cast(chain, self.compute_dtype) * weight

        mixed = ops.zeros_like(ops.cast(value, self.compute_dtype))
        _, mixed = ops.fori_loop(0, self.num_chains * depth, step, (value, mixed))
        blend = ops.cast(transformation["weight_sample"], self.compute_dtype)
        return blend * ops.cast(value, self.compute_dtype) + (1.0 - blend) * mixed

    def transform_images(self, images, transformation, training=True):
        images = self._images_in(images)
        if not training or transformation is None:
            return images
        out = self._mix("transform_images", images, transformation)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        return self._mix("transform_segmentation_masks", segmentation_masks, transformation)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError("AugMix does not support bounding boxes (its output mixes "
                                  "differently warped images); drop 'bounding_boxes'.")

    def get_config(self):
        return dict(super().get_config(), num_chains=self.num_chains, chain_depth=self.chain_depth,
                    alpha=self.alpha, all_ops=self.all_ops)
