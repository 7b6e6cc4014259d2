"""Augmentations that mix or erase image regions: `MixUp`, `CutMix` and `RandomErasing`.

`MixUp` and `CutMix` pair each image with another one of the batch (a random
permutation) and mix their labels in the same proportion as their pixels, so they need
batches and float (e.g. one-hot) labels.
"""

from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.image_base import (BaseImagePreprocessingLayer,
                                                            check_value_range, factor_range)
from kerasnb.engine.random import random
from kerasnb.engine.saving.serialization import builtin


class _MixingLayer(BaseImagePreprocessingLayer):
    def _pixel_grid(self, height, width):
        """Row and column index of every pixel, shaped to broadcast against a batch."""
        rows = ops.arange(height, dtype="float32")
        cols = ops.arange(width, dtype="float32")
        if self.data_format == "channels_first":
            return ops.reshape(rows, (1, 1, -1, 1)), ops.reshape(cols, (1, 1, 1, -1))
        return ops.reshape(rows, (1, -1, 1, 1)), ops.reshape(cols, (1, 1, -1, 1))

    def _window(self, images, fractions, seed):
        """(batch, ...) masks of one random window per image, whose sides are ``fractions``
        (batch, 2) of the width and height; also the windows' (batch,) area fractions."""
        rows, cols = self._pixel_grid(*self._image_size(images))
        height, width = (ops.cast(size, "float32") for size in self._image_size(images))
        batch = ops.shape(images)[0]
        size_w, size_h = fractions[:, 0] * width, fractions[:, 1] * height
        left = random.uniform((batch,), seed=seed) * (width - size_w)
        top = random.uniform((batch,), seed=seed) * (height - size_h)
        left, top, right, bottom = (self._per_image(v) for v in (left, top, left + size_w, top + size_h))
        inside = ops.logical_and(ops.logical_and(cols >= left, cols < right),
                                 ops.logical_and(rows >= top, rows < bottom))
        return inside, (size_w * size_h) / (width * height)

    def get_config(self):
        return dict(super().get_config(), seed=self.seed)


def _mix(a, b, weight):
    weight = ops.cast(ops.reshape(weight, (-1,) + (1,) * (ops.ndim(a) - 1)), ops.dtype(a))
    return weight * a + (1.0 - weight) * b


@builtin("layers")
class MixUp(_MixingLayer):
    """MixUp: blends each image (and its labels) with another image of the batch.

    With weight ``w ~ Beta(alpha, alpha)`` per image, outputs are ``w x + (1 - w) x[p]``
    for a random permutation ``p``; labels and segmentation masks mix the same way and the
    partner's bounding boxes are appended to the image's own.

    Args:
        alpha: the Beta distribution's parameter (small values keep images mostly whole).
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible draws.
        **kwargs: base layer arguments.

    Example:
        >>> out = MixUp(seed=1)({"images": images, "labels": one_hot_labels})
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number; received {alpha!r}.")
        self.alpha = alpha
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = seed or self.generator
        images = self._images_of(data)
        batch = ops.shape(images)[0]
        order = random.shuffle(self._batch_range(images), seed=seed)
        weight = random.beta((batch,), self.alpha, self.alpha, seed=seed)
        return {"permutation_order": order, "mix_weight": weight}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        partners = ops.take(images, transformation["permutation_order"], axis=0)
        return _mix(images, partners, transformation["mix_weight"])

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        labels = ops.cast(labels, self.compute_dtype)
        partners = ops.take(labels, transformation["permutation_order"], axis=0)
        return _mix(labels, partners, transformation["mix_weight"])

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_labels(segmentation_masks, transformation, training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        order = transformation["permutation_order"]
        return dict(bounding_boxes, **{
            key: ops.concatenate([bounding_boxes[key], ops.take(bounding_boxes[key], order, axis=0)],
                                 axis=1) for key in ("boxes", "labels")})

    def get_config(self):
        return dict(super().get_config(), alpha=self.alpha)


@builtin("layers")
class CutMix(_MixingLayer):
    """CutMix: pastes a random window of another image of the batch into each image.

    Per image, ``m ~ Beta(a, a)`` (``a`` drawn from `factor` once per call) sets a window
    of ``sqrt(1 - m)`` of each side at a random place; the window comes from the partner
    image (a random permutation) and labels mix in proportion to the pasted area. One
    image (rank 3) can only mix with itself, so it passes unchanged. Bounding boxes are not
    supported.

    Args:
        factor: the Beta parameter ``a`` is drawn from ``[0, f]`` (or a pair's range); in
            [0, 1].
        seed: an int for reproducible draws.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> out = CutMix(seed=1)({"images": images, "labels": one_hot_labels})
    """

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor_range("CutMix", "factor", factor, bounds=(0.0, 1.0))
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = seed or self.generator
        images = self._images_of(data)
        batch = ops.shape(images)[0]
        alpha = random.uniform((), self.factor[0], self.factor[1], seed=seed) + 1e-6
        kept = random.beta((batch,), alpha, alpha, seed=seed)
        side = ops.sqrt(1.0 - kept)
        inside, area = self._window(images, ops.stack([side, side], axis=-1), seed)
        order = random.shuffle(self._batch_range(images), seed=seed)
        return {"permutation_order": order, "batch_masks": inside, "mix_weight": 1.0 - area}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        return self.transform_segmentation_masks(images, transformation, training)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        partners = ops.take(segmentation_masks, transformation["permutation_order"], axis=0)
        return ops.where(transformation["batch_masks"], partners, segmentation_masks)

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        labels = ops.cast(labels, self.compute_dtype)
        partners = ops.take(labels, transformation["permutation_order"], axis=0)
        return _mix(labels, partners, transformation["mix_weight"])

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError("CutMix does not support bounding boxes (a pasted window cuts "
                                  "boxes arbitrarily); drop 'bounding_boxes'.")

    def get_config(self):
        return dict(super().get_config(), factor=self.factor)


@builtin("layers")
class RandomErasing(_MixingLayer):
    """Random erasing: fills a random window of each image with noise or a constant.

    Each image is erased with a probability drawn from `factor`; the window's sides are
    ``sqrt(s)`` of the width and of the height for ``s`` drawn from `scale` (each side
    its own draw), at a random place.

    Args:
        factor: the probability of erasing is drawn from ``[0, f]`` (or a pair's range);
            in [0, 1].
        scale: the range of the squared side fractions, in [0, 1].
        fill_value: None fills with Gaussian noise of standard deviation ``high``; a number
            or 3 per-channel numbers fill with constants; clipped to `value_range`.
        value_range: the (low, high) range of the pixels.
        seed: an int for reproducible draws.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> RandomErasing(fill_value=0.0, seed=1)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor_range("RandomErasing", "factor", factor, bounds=(0.0, 1.0))
        self.scale = factor_range("RandomErasing", "scale", scale, bounds=(0.0, 1.0))
        if fill_value is not None and not (
                isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool) or
                isinstance(fill_value, (list, tuple)) and len(fill_value) == 3):
            raise ValueError(f"RandomErasing: `fill_value` must be None, a number or 3 per-channel "
                             f"numbers; received {fill_value!r}.")
        self.fill_value = list(fill_value) if isinstance(fill_value, tuple) else fill_value
        self.value_range = check_value_range("RandomErasing", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = seed or self.generator
        images = self._images_of(data)
        batch = ops.shape(images)[0]
        sides = ops.sqrt(random.uniform((batch, 2), self.scale[0], self.scale[1], seed=seed))
        inside, _ = self._window(images, sides, seed)
        chance = random.uniform((batch,), self.factor[0], self.factor[1], seed=seed)
        erase = random.uniform((batch,), seed=seed) < chance
        if self.fill_value is None:
            fill = random.normal(tuple(ops.shape(images)), seed=seed) * self.value_range[1]
        else:
            fill = ops.convert_to_tensor(self.fill_value, dtype="float32")
            if ops.ndim(fill):
                _, _, c_axis = self._spatial_axes()
                fill = ops.reshape(fill, (3, 1, 1) if c_axis == 1 else (3,))
        fill = ops.clip(fill, self.value_range[0], self.value_range[1])
        return {"batch_masks": ops.logical_and(inside, self._per_image(erase)), "fill_value": fill}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        fill = ops.cast(transformation["fill_value"], self.compute_dtype)
        return ops.where(transformation["batch_masks"], fill, images)

    def get_config(self):
        return dict(super().get_config(), factor=self.factor, scale=self.scale,
                    fill_value=self.fill_value, value_range=self.value_range)
