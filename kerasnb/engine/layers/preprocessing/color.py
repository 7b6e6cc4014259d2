"""Colour augmentation: brightness, contrast, hue, saturation, colour degeneration, colour
jitter, grayscale, inversion, posterization, sharpness, Gaussian blur and solarization.

Each layer draws its parameters per image (`get_random_transformation`), changes only the
pixel values (boxes, labels and masks pass through) and outputs images in the compute
dtype. `value_range` is the ``(low, high)`` range of the input pixels; results are clipped
to it. Layers whose `factor` is a probability apply with a chance drawn from that range.
"""

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.image_base import (BaseImagePreprocessingLayer,
                                                            check_value_range, factor_range)
from kerasnb.engine.random import random
from kerasnb.engine.saving.serialization import builtin

_UNIT = (0.0, 1.0)


def to_range(images, source, target):
    """Pixel values mapped linearly from the range `source` to the range `target`."""
    if tuple(source) == tuple(target):
        return images
    scale = (target[1] - target[0]) / (source[1] - source[0])
    return (images - source[0]) * scale + target[0]


class _ColorLayer(BaseImagePreprocessingLayer):
    """A colour layer: `value_range`, a seed, and per-image parameters from `_draw`."""

    def __init__(self, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range(type(self).__name__, value_range)
        self._make_generator(seed)

    def _batch(self, data):
        return ops.shape(self._images_of(data))[0]

    def _chance(self, batch, seed):
        """(batch,) booleans: True with a probability drawn from ``self.factor``."""
        chance = random.uniform((batch,), self.factor[0], self.factor[1], seed=seed)
        return random.uniform((batch,), seed=seed) < chance

    def _draw(self, data, seed):
        raise NotImplementedError

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        return self._draw(data, seed or self.generator)

    def _apply(self, images, transformation):
        raise NotImplementedError

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        return ops.cast(self._apply(images, transformation), self.compute_dtype)

    def _channels_last(self, images):
        return ops.moveaxis(images, 1, -1) if self.data_format == "channels_first" else images

    def _restore(self, images):
        return ops.moveaxis(images, -1, 1) if self.data_format == "channels_first" else images

    def _spatial_mean(self, images):
        h_axis, w_axis, _ = self._spatial_axes()
        return ops.mean(images, axis=(h_axis, w_axis), keepdims=True)

    def _clip(self, images):
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self):
        config_ = super().get_config()
        config_.update({"value_range": self.value_range, "seed": self.seed})
        if hasattr(self, "factor"):
            config_["factor"] = self.factor
        return config_


@builtin("layers")
class RandomBrightness(_ColorLayer):
    """Adds a random brightness offset to each image.

    Args:
        factor: the offset as a fraction of the value range: ``f`` draws from
            ``[-f, f]``, a pair from its range; in [-1, 1].
        value_range: the (low, high) range of the pixels; results are clipped to it.
        seed: an int for reproducible offsets.
        **kwargs: base layer arguments (`name`, `dtype`, `data_format`, ...).

    Example:
        >>> RandomBrightness((0.1, 0.1))(np.zeros((1, 2, 2, 3)))[0, 0, 0]  # + 0.1 * 255
        array([25.5, 25.5, 25.5], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(value_range, seed, **kwargs)
        self.factor = factor_range("RandomBrightness", "factor", factor)

    def _draw(self, data, seed):
        delta = random.uniform((self._batch(data),), self.factor[0], self.factor[1], seed=seed)
        return {"delta": delta * (self.value_range[1] - self.value_range[0])}

    def _apply(self, images, transformation):
        return self._clip(images + ops.cast(self._per_image(transformation["delta"]), images.dtype))


@builtin("layers")
class RandomContrast(_ColorLayer):
    """Scales each image's deviation from its per-channel mean by a random factor.

    Args:
        factor: ``f`` draws the contrast multiplier from ``[1, 1 + f]``; a pair ``(a, b)``
            from ``[1 - a, 1 + b]``; values in [0, 1].
        value_range: the (low, high) range of the pixels; results are clipped to it.
        seed: an int for reproducible factors.
        **kwargs: base layer arguments.

    Example:
        >>> RandomContrast(0.5, seed=1)(np.zeros((2, 4, 4, 3))).shape
        (2, 4, 4, 3)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(value_range, seed, **kwargs)
        self.factor = factor_range("RandomContrast", "factor", factor, bounds=(0.0, 1.0))

    def _draw(self, data, seed):
        return {"contrast": random.uniform((self._batch(data),), 1.0 - self.factor[0],
                                           1.0 + self.factor[1], seed=seed)}

    def _apply(self, images, transformation):
        mean = self._spatial_mean(images)
        contrast = ops.cast(self._per_image(transformation["contrast"]), images.dtype)
        return self._clip((images - mean) * contrast + mean)


class _HSVLayer(_ColorLayer):
    """Shared HSV round trip: pixels to [0, 1], HSV, `_adjust`, back to RGB and the range."""

    def _apply(self, images, transformation):
        unit = ops.clip(to_range(images, self.value_range, _UNIT), 0.0, 1.0)
        hsv = self._channels_last(ops.image.rgb_to_hsv(unit, data_format=self.data_format))
        h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        h, s = self._adjust(h, s, ops.reshape(transformation["factor"], (-1, 1, 1)))
        rgb = ops.image.hsv_to_rgb(self._restore(ops.stack([h, s, v], axis=-1)),
                                   data_format=self.data_format)
        return to_range(ops.clip(rgb, 0.0, 1.0), _UNIT, self.value_range)


@builtin("layers")
class RandomHue(_HSVLayer):
    """Rotates the hue of each image by a random amount.

    Args:
        factor: the size of the hue shift: ``f`` draws a shift of up to ``f / 2`` of the
            colour circle (in a random direction) from ``[0, f]``; a pair from its range;
            in [0, 1].
        value_range: the (low, high) range of the pixels.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible shifts.
        **kwargs: base layer arguments.

    Example:
        >>> RandomHue(0.3, seed=1)(np.zeros((2, 4, 4, 3))).shape
        (2, 4, 4, 3)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        self.factor = factor_range("RandomHue", "factor", factor, bounds=(0.0, 1.0))

    def _draw(self, data, seed):
        batch = self._batch(data)
        sign = ops.where(random.uniform((batch,), seed=seed) > 0.5, -1.0, 1.0)
        amount = random.uniform((batch,), self.factor[0], self.factor[1], seed=seed)
        return {"factor": sign * amount * 0.5}

    def _adjust(self, h, s, shift):
        h = h + ops.cast(shift, h.dtype)
        return h - ops.floor(h), s


@builtin("layers")
class RandomSaturation(_HSVLayer):
    """Scales the saturation of each image by a random amount.

    A drawn value ``f`` multiplies the saturation by ``f / (1 - f)``: 0 makes the image
    gray, 0.5 leaves it as it is, 1 saturates it fully.

    Args:
        factor: ``f`` draws from ``[0, f]``, a pair from its range; in [0, 1].
        value_range: the (low, high) range of the pixels.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible amounts.
        **kwargs: base layer arguments.

    Example:
        >>> RandomSaturation((0.5, 0.5))(np.ones((1, 2, 2, 3)))  # unchanged
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        self.factor = factor_range("RandomSaturation", "factor", factor, bounds=(0.0, 1.0))

    def _draw(self, data, seed):
        f = random.uniform((self._batch(data),), self.factor[0], self.factor[1], seed=seed)
        return {"factor": f / (1.0 - f + config.epsilon())}

    def _adjust(self, h, s, multiplier):
        return h, ops.clip(s * ops.cast(multiplier, s.dtype), 0.0, 1.0)


@builtin("layers")
class RandomColorDegeneration(_ColorLayer):
    """Blends each image with its grayscale version by a random amount (dulls colours).

    Args:
        factor: the weight of the grayscale image: ``f`` draws from ``[0, f]``, a pair from
            its range; in [0, 1] (0 leaves the image, 1 makes it gray).
        value_range: the (low, high) range of the pixels; results are clipped to it.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible amounts.
        **kwargs: base layer arguments.

    Example:
        >>> RandomColorDegeneration((1.0, 1.0))(rgb)  # fully gray, still 3 channels
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        self.factor = factor_range("RandomColorDegeneration", "factor", factor, bounds=(0.0, 1.0))

    def _draw(self, data, seed):
        return {"factor": random.uniform((self._batch(data),), self.factor[0], self.factor[1],
                                         seed=seed)}

    def _apply(self, images, transformation):
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        weight = ops.cast(self._per_image(transformation["factor"]), images.dtype)
        return self._clip(images + weight * (gray - images))


@builtin("layers")
class RandomGrayscale(_ColorLayer):
    """Turns each image to grayscale (kept as 3 channels) with probability `factor`.

    Integer images keep their dtype.

    Args:
        factor: the probability, in [0, 1].
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible choices.
        **kwargs: base layer arguments.

    Example:
        >>> RandomGrayscale(1.0)(rgb)  # every image gray
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__((0, 255), seed, data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: `factor` must be a probability in [0, 1]; received "
                             f"{factor!r}.")
        self.factor = factor

    def _draw(self, data, seed):
        return {"gray": random.uniform((self._batch(data),), seed=seed) < self.factor}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.where(self._per_image(transformation["gray"]), gray, images)

    def _output_image_dtype(self, dtype):
        return dtype

    def get_config(self):
        config_ = super().get_config()
        del config_["value_range"]
        return config_


@builtin("layers")
class RandomInvert(_ColorLayer):
    """Inverts images (``low + high - x``) with a random probability.

    Args:
        factor: the probability of inverting an image is drawn from ``[0, f]`` (or a pair's
            range) per image; in [0, 1].
        value_range: the (low, high) range of the pixels.
        seed: an int for reproducible choices.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> RandomInvert((1.0, 1.0))(np.zeros((1, 1, 1, 3)))  # certainly inverted
        array([[[[255., 255., 255.]]]], dtype=float32)
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        self.factor = factor_range("RandomInvert", "factor", factor, bounds=(0.0, 1.0))

    def _draw(self, data, seed):
        return {"invert": self._chance(self._batch(data), seed)}

    def _apply(self, images, transformation):
        inverted = (self.value_range[0] + self.value_range[1]) - images
        return ops.where(self._per_image(transformation["invert"]), inverted, images)


@builtin("layers")
class RandomPosterization(_ColorLayer):
    """Keeps only the top bits of each 8-bit channel value, a random number per image.

    Pixels are mapped to [0, 255], truncated to integers, reduced to their ``b`` highest
    bits and mapped back.

    Args:
        factor: the number of bits kept: an int ``f`` draws ``b`` from ``[1, f)``, a pair
            ``(a, b)`` from ``[a, b)`` (one value if equal); in [1, 8].
        value_range: the (low, high) range of the pixels.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible choices.
        **kwargs: base layer arguments.

    Example:
        >>> RandomPosterization((2, 2))(np.array([[[[200.0, 100.0, 30.0]]]]))  # 2 bits
        array([[[[192.,  64.,   0.]]]], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        lower, upper = factor_range("RandomPosterization", "factor", factor, bounds=(1, 8))
        if int(lower) != lower or int(upper) != upper:
            raise ValueError(f"RandomPosterization: `factor` must be whole numbers of bits; received "
                             f"{factor!r}.")
        self.factor = (int(lower), int(upper))

    def _draw(self, data, seed):
        lower, upper = self.factor
        return {"bits": random.randint((self._batch(data),), lower, max(upper, lower + 1), seed=seed)}

    def _apply(self, images, transformation):
        step = ops.power(2.0, ops.cast(8 - self._per_image(transformation["bits"]), images.dtype))
        pixels = ops.floor(ops.clip(to_range(images, self.value_range, (0, 255)), 0, 255))
        return to_range(ops.floor(pixels / step) * step, (0, 255), self.value_range)


@builtin("layers")
class RandomSharpness(_ColorLayer):
    """Sharpens or blurs each image by a random amount.

    The image is blended with a smoothed copy (3x3 kernel, centre weight 5/13, zero
    padding): a drawn ``f`` gives ``x + (1 - 2 f) (smooth - x)``, so 0 fully blurs, 0.5
    leaves the image and 1 sharpens.

    Args:
        factor: ``f`` draws from ``[0, f]``, a pair from its range; in [0, 1].
        value_range: the (low, high) range of the pixels; results are clipped to it.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible amounts.
        **kwargs: base layer arguments.

    Example:
        >>> RandomSharpness(0.7, seed=1)(np.zeros((2, 4, 4, 3))).shape
        (2, 4, 4, 3)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        self.factor = factor_range("RandomSharpness", "factor", factor, bounds=(0.0, 1.0))

    def _draw(self, data, seed):
        return {"factor": random.uniform((self._batch(data),), self.factor[0], self.factor[1],
                                         seed=seed)}

    def _apply(self, images, transformation):
        x = self._channels_last(images)
        kernel = ops.convert_to_tensor([[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]],
                                       dtype=x.dtype) / 13.0
        channels = ops.shape(x)[-1]
        kernel = ops.tile(ops.reshape(kernel, (3, 3, 1, 1)), (1, 1, channels, 1))
        smooth = ops.depthwise_conv(x, kernel, padding="same", data_format="channels_last")
        weight = ops.cast(self._per_image(transformation["factor"]), x.dtype) * 2.0
        return self._restore(self._clip(x + (1.0 - weight) * (smooth - x)))


@builtin("layers")
class RandomGaussianBlur(_ColorLayer):
    """Blurs images with a Gaussian kernel of random width, with a random probability.

    Args:
        factor: the probability of blurring an image is drawn from ``[0, f]`` (or a pair's
            range); in [0, 1].
        kernel_size: an odd int, or a pair ``(size_x, size_y)``.
        sigma: the Gaussian's standard deviations (x, y) are drawn, once per call, from
            ``[0, s]`` (or a pair's range); in [0, 1].
        value_range: the (low, high) range of the pixels; results are clipped to it.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        seed: an int for reproducible blurs.
        **kwargs: base layer arguments.

    Example:
        >>> RandomGaussianBlur(kernel_size=5, seed=1)(np.zeros((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None,
                 seed=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        owner = "RandomGaussianBlur"
        self.factor = factor_range(owner, "factor", factor, bounds=(0.0, 1.0))
        self.sigma = factor_range(owner, "sigma", sigma, bounds=(0.0, 1.0))
        sizes = kernel_size if isinstance(kernel_size, (list, tuple)) else (kernel_size, kernel_size)
        if len(sizes) != 2 or not all(isinstance(k, int) and not isinstance(k, bool) and k > 0 and
                                      k % 2 == 1 for k in sizes):
            raise ValueError(f"{owner}: `kernel_size` must be an odd positive int or a pair of them; "
                             f"received {kernel_size!r}.")
        self.kernel_size = tuple(sizes)

    def _draw(self, data, seed):
        batch = self._batch(data)
        blur = self._chance(batch, seed)
        sigma = random.uniform((2,), self.sigma[0], self.sigma[1], seed=seed) + 1e-6
        return {"blur": blur, "sigma": sigma}

    @staticmethod
    def _weights(size, sigma, dtype):
        offsets = ops.arange(size, dtype=dtype) - (size - 1) / 2.0
        weights = ops.exp(-(offsets ** 2) / (2.0 * ops.cast(sigma, dtype) ** 2))
        return weights / ops.sum(weights)

    def _apply(self, images, transformation):
        x = self._channels_last(images)
        size_x, size_y = self.kernel_size
        sigma = transformation["sigma"]
        kernel = (self._weights(size_y, sigma[1], x.dtype)[:, None]
                  * self._weights(size_x, sigma[0], x.dtype)[None, :])
        channels = ops.shape(x)[-1]
        kernel = ops.tile(ops.reshape(kernel, (size_y, size_x, 1, 1)), (1, 1, channels, 1))
        blurred = ops.depthwise_conv(x, kernel, padding="same", data_format="channels_last")
        out = ops.where(self._per_image(transformation["blur"]), blurred, x)
        return self._restore(self._clip(out))

    def get_config(self):
        return dict(super().get_config(), kernel_size=self.kernel_size, sigma=self.sigma)


@builtin("layers")
class Solarization(_ColorLayer):
    """Adds a random amount to the pixels, then inverts those above a random threshold.

    Pixels are mapped to [0, 255]; ``y = clip(x + a, 0, 255)`` becomes ``255 - y`` where
    ``y >= t``; then they are mapped back. With both factors 0 (the default) every pixel is
    inverted.

    Args:
        addition_factor: ``a`` is drawn per image from ``[0, f] * 255`` (a pair ``(p, q)``:
            ``[p, q] * 255``); in [0, 1].
        threshold_factor: ``t`` likewise.
        value_range: the (low, high) range of the pixels.
        seed: an int for reproducible draws.
        **kwargs: base layer arguments.

    Example:
        >>> Solarization(threshold_factor=(0.5, 0.5))(np.array([[[[10.0, 200.0, 100.0]]]]))
        array([[[[ 10.,  55., 100.]]]], dtype=float32)
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None,
                 **kwargs):
        super().__init__(value_range, seed, **kwargs)
        self.addition_factor = factor_range("Solarization", "addition_factor", addition_factor,
                                            bounds=(0.0, 1.0), single="from_zero")
        self.threshold_factor = factor_range("Solarization", "threshold_factor", threshold_factor,
                                             bounds=(0.0, 1.0), single="from_zero")

    def _draw(self, data, seed):
        batch = self._batch(data)
        add = random.uniform((batch,), self.addition_factor[0] * 255.0,
                             self.addition_factor[1] * 255.0, seed=seed)
        threshold = random.uniform((batch,), self.threshold_factor[0] * 255.0,
                                   self.threshold_factor[1] * 255.0, seed=seed)
        return {"additions": add, "thresholds": threshold}

    def _apply(self, images, transformation):
        pixels = to_range(images, self.value_range, (0, 255))
        add = ops.cast(self._per_image(transformation["additions"]), images.dtype)
        threshold = ops.cast(self._per_image(transformation["thresholds"]), images.dtype)
        pixels = ops.clip(pixels + add, 0.0, 255.0)
        pixels = ops.where(pixels < threshold, pixels, 255.0 - pixels)
        return to_range(pixels, (0, 255), self.value_range)

    def get_config(self):
        return dict(super().get_config(), addition_factor=self.addition_factor,
                    threshold_factor=self.threshold_factor)


@builtin("layers")
class RandomColorJitter(_ColorLayer):
    """Random brightness, contrast, saturation and hue, applied in that order.

    Each factor is given to a `RandomBrightness`, `RandomContrast`, `RandomSaturation` or
    `RandomHue` sub-layer (None skips it); their parameters are drawn from this layer's
    seed.

    Args:
        value_range: the (low, high) range of the pixels.
        brightness_factor, contrast_factor, saturation_factor, hue_factor: the sub-layers'
            `factor`, or None.
        seed: an int for reproducible draws.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=1)(rgb).shape
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(value_range, seed, data_format, **kwargs)
        self.brightness_factor, self.contrast_factor = brightness_factor, contrast_factor
        self.saturation_factor, self.hue_factor = saturation_factor, hue_factor
        common = {"value_range": self.value_range, "seed": seed, "data_format": self.data_format,
                  "dtype": self.dtype_policy}
        self.stages = [cls(factor, **common) for cls, factor in (
            (RandomBrightness, brightness_factor), (RandomContrast, contrast_factor),
            (RandomSaturation, saturation_factor), (RandomHue, hue_factor)) if factor is not None]

    def _draw(self, data, seed):
        return [stage._draw(data, seed) for stage in self.stages]

    def _apply(self, images, transformation):
        for stage, part in zip(self.stages, transformation):
            images = ops.cast(stage._apply(images, part), self.compute_dtype)
        return images

    def get_config(self):
        return dict(super().get_config(), brightness_factor=self.brightness_factor,
                    contrast_factor=self.contrast_factor, saturation_factor=self.saturation_factor,
                    hue_factor=self.hue_factor)
