"""Geometric augmentation: `RandomFlip`, `RandomRotation`, `RandomTranslation`, `RandomZoom`,
`RandomShear`, `RandomPerspective`, `RandomElasticTransform` and `RandomCrop`.

Flips, rotations, translations, zooms, shears and perspective warps are each a projective
map per image, from output pixel indices to input pixel indices (the convention of
`ops.image.affine_transform`). Images and segmentation masks (nearest neighbour) are resampled
through it and bounding boxes are carried by its inverse, so boxes move with the pixels.
"""

import math

from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing import box_formats
from kerasnb.engine.layers.preprocessing.image_base import (BaseImagePreprocessingLayer,
                                                            check_choice, check_value_range,
                                                            factor_range)
from kerasnb.engine.ops import image_sampling as sampling
from kerasnb.engine.random import random
from kerasnb.engine.saving.serialization import builtin

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _matrix(rows):
    """A (batch, 3, 3) stack from nine (batch,) tensors, row by row."""
    return ops.reshape(ops.stack(rows, axis=-1), (-1, 3, 3))


def _about_center(x_scale, x_shear, y_shear, y_scale, height, width):
    """The map ``p -> A (p - c) + c`` for the 2x2 parts of A, with c the image centre."""
    cx = (ops.cast(width, "float32") - 1.0) / 2.0
    cy = (ops.cast(height, "float32") - 1.0) / 2.0
    zeros, ones = ops.zeros_like(x_scale), ops.ones_like(x_scale)
    return _matrix([x_scale, x_shear, cx - x_scale * cx - x_shear * cy,
                    y_shear, y_scale, cy - y_shear * cx - y_scale * cy,
                    zeros, zeros, ones])


class _Geometric(BaseImagePreprocessingLayer):
    """A random projective map per image (``_random_matrix``), applied to all the data."""

    def __init__(self, interpolation="bilinear", fill_mode="reflect", fill_value=0.0, seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        owner = type(self).__name__
        self.interpolation = check_choice(owner, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_mode = check_choice(owner, "fill_mode", fill_mode, FILL_MODES)
        self.fill_value = fill_value
        self._make_generator(seed)

    def _random_matrix(self, batch, height, width, seed):
        """(batch, 3, 3) maps from output to input pixel indices, drawn from `seed`."""
        raise NotImplementedError

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = self._images_of(data)
        height, width = self._image_size(images)
        batch = ops.shape(images)[0]
        matrix = self._random_matrix(batch, height, width, seed or self.generator)
        return {"matrix": matrix, "height": height, "width": width}

    def _warp(self, images, transformation, interpolation):
        matrix = ops.cast(transformation["matrix"], "float32")
        coefficients = ops.reshape(matrix, (-1, 9))[:, :8] / matrix[:, 2, 2:3]
        return ops.image.affine_transform(images, coefficients, interpolation=interpolation,
                                          fill_mode=self.fill_mode, fill_value=self.fill_value,
                                          data_format=self.data_format)

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        return self._warp(images, transformation, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        return self._warp(segmentation_masks, transformation, "nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = transformation["height"], transformation["width"]
        boxes = self._boxes_to_xyxy(bounding_boxes, height, width)
        forward = box_formats.invert_3x3(ops.cast(transformation["matrix"], "float32"))
        boxes["boxes"] = box_formats.move_boxes(boxes["boxes"], forward)
        return self._boxes_from_xyxy(boxes, height, width)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"interpolation": self.interpolation, "fill_mode": self.fill_mode,
                        "fill_value": self.fill_value, "seed": self.seed})
        return config_


@builtin("layers")
class RandomFlip(_Geometric):
    """Flips each image left-right and/or upside down with probability 1/2.

    With "horizontal_and_vertical", one draw per image decides both flips (as in Keras).
    Boxes and masks flip with their images.

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical".
        seed: an int for reproducible flips.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments (`name`, `dtype`, `bounding_box_format`, ...).

    Example:
        >>> RandomFlip("horizontal", seed=0)(np.arange(4.0).reshape(1, 1, 4, 1))[0, 0, :, 0]
        array([3., 2., 1., 0.], dtype=float32)  # or the input, by chance
    """

    MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = check_choice("RandomFlip", "mode", mode, self.MODES)

    def _flip_matrix(self, flips, height, width):
        sign = ops.where(flips, -1.0, 1.0)
        ones = ops.ones_like(sign)
        x_sign = sign if self.mode != "vertical" else ones
        y_sign = sign if self.mode != "horizontal" else ones
        return _about_center(x_sign, ops.zeros_like(sign), ops.zeros_like(sign), y_sign, height, width)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = self._images_of(data)
        height, width = self._image_size(images)
        flips = random.uniform((ops.shape(images)[0],), seed=seed or self.generator) <= 0.5
        return {"flips": flips, "matrix": self._flip_matrix(flips, height, width),
                "height": height, "width": width}

    def _warp(self, images, transformation, interpolation):
        h_axis, w_axis, _ = self._spatial_axes()
        axes = {"horizontal": (w_axis,), "vertical": (h_axis,),
                "horizontal_and_vertical": (h_axis, w_axis)}[self.mode]
        flipped = images
        for axis in axes:
            flipped = ops.flip(flipped, axis=axis)
        return ops.where(self._per_image(transformation["flips"]), flipped, images)

    def get_config(self):
        config_ = super().get_config()
        for key in ("interpolation", "fill_mode", "fill_value"):
            config_.pop(key)
        config_["mode"] = self.mode
        return config_


@builtin("layers")
class RandomRotation(_Geometric):
    """Rotates each image about its centre by a random angle.

    Args:
        factor: a fraction of a full turn: ``f`` draws from ``[-f, f]``, a pair ``(a, b)``
            from ``[a, b]`` (e.g. 0.25 rotates by up to 90 degrees either way).
        fill_mode: how pixels from outside are filled: "reflect", "wrap", "constant" or
            "nearest".
        interpolation: "bilinear" or "nearest".
        seed: an int for reproducible angles.
        fill_value: the value outside the image with ``fill_mode="constant"``.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments (`name`, `dtype`, `bounding_box_format`, ...).

    Example:
        >>> RandomRotation(0.1, seed=1)(np.zeros((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(interpolation, fill_mode, fill_value, seed, data_format, **kwargs)
        self.factor = factor_range("RandomRotation", "factor", factor)

    def _random_matrix(self, batch, height, width, seed):
        degrees = random.uniform((batch,), self.factor[0] * 360.0, self.factor[1] * 360.0, seed=seed)
        radians = degrees * (math.pi / 180.0)
        cos, sin = ops.cos(radians), ops.sin(radians)
        return _about_center(cos, -sin, sin, cos, height, width)

    def get_config(self):
        return dict(super().get_config(), factor=self.factor)


@builtin("layers")
class RandomTranslation(_Geometric):
    """Shifts each image by a random fraction of its height and width.

    Args:
        height_factor: ``f`` shifts vertically by a fraction in ``[-f, f]`` of the height
            (positive is down); a pair ``(a, b)`` draws from ``[a, b]``.
        width_factor: the same horizontally (positive is right).
        fill_mode, interpolation, seed, fill_value, data_format: as in `RandomRotation`.
        **kwargs: base layer arguments.

    Example:
        >>> RandomTranslation(0.2, 0.2, seed=1)(np.zeros((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(interpolation, fill_mode, fill_value, seed, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_lower, self.height_upper = factor_range("RandomTranslation", "height_factor",
                                                            height_factor)
        self.width_lower, self.width_upper = factor_range("RandomTranslation", "width_factor",
                                                          width_factor)

    def _random_matrix(self, batch, height, width, seed):
        dy = random.uniform((batch,), self.height_lower, self.height_upper, seed=seed)
        dx = random.uniform((batch,), self.width_lower, self.width_upper, seed=seed)
        dy, dx = dy * ops.cast(height, "float32"), dx * ops.cast(width, "float32")
        zeros, ones = ops.zeros_like(dx), ops.ones_like(dx)
        return _matrix([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros, ones])

    def get_config(self):
        return dict(super().get_config(), height_factor=self.height_factor,
                    width_factor=self.width_factor)


@builtin("layers")
class RandomZoom(_Geometric):
    """Zooms each image in or out about its centre by a random amount per axis.

    Args:
        height_factor: ``f`` zooms vertically by a fraction in ``[-f, f]``: positive zooms
            out (the content shrinks), negative zooms in; a pair ``(a, b)`` draws from
            ``[a, b]``; values above -1.
        width_factor: the same horizontally; None zooms both axes by the same amount.
        fill_mode, interpolation, seed, fill_value, data_format: as in `RandomRotation`.
        **kwargs: base layer arguments.

    Example:
        >>> RandomZoom(0.3, seed=1)(np.zeros((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(interpolation, fill_mode, fill_value, seed, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_lower, self.height_upper = self._range("height_factor", height_factor)
        if width_factor is not None:
            self.width_lower, self.width_upper = self._range("width_factor", width_factor)

    @staticmethod
    def _range(name, value):
        lower, upper = factor_range("RandomZoom", name, value)
        if lower <= -1.0:
            raise ValueError(f"RandomZoom: `{name}` must stay above -1 (a zoom of 0 would have no "
                             f"pixels); received {value!r}.")
        return lower, upper

    def _random_matrix(self, batch, height, width, seed):
        zoom_y = 1.0 + random.uniform((batch,), self.height_lower, self.height_upper, seed=seed)
        zoom_x = zoom_y if self.width_factor is None else 1.0 + random.uniform(
            (batch,), self.width_lower, self.width_upper, seed=seed)
        zeros = ops.zeros_like(zoom_x)
        return _about_center(zoom_x, zeros, zeros, zoom_y, height, width)

    def get_config(self):
        return dict(super().get_config(), height_factor=self.height_factor,
                    width_factor=self.width_factor)


@builtin("layers")
class RandomShear(_Geometric):
    """Shears each image along x and/or y by a random amount, with a random direction.

    The output pixel ``(x, y)`` reads the input at ``(x + sx * y, y + sy * x)``, with
    ``sx``, ``sy`` drawn from the factors and one random sign per image.

    Args:
        x_factor: ``f`` in [0, 1] draws the horizontal shear from ``[-f, f]``; a pair
            ``(a, b)`` in [-1, 1] from ``[a, b]``.
        y_factor: the same vertically.
        interpolation, fill_mode, fill_value, data_format, seed: as in `RandomRotation`.
        **kwargs: base layer arguments.

    Example:
        >>> RandomShear(0.2, 0.2, seed=1)(np.zeros((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(interpolation, fill_mode, fill_value, seed, data_format, **kwargs)
        self.x_factor = self._range("x_factor", x_factor)
        self.y_factor = self._range("y_factor", y_factor)

    @staticmethod
    def _range(name, value):
        if isinstance(value, (list, tuple)):  # an explicit range, e.g. from a config
            return factor_range("RandomShear", name, value, bounds=(-1.0, 1.0))
        lower, upper = factor_range("RandomShear", name, value, bounds=(0.0, 1.0), single="from_zero")
        return -upper, upper

    def _random_matrix(self, batch, height, width, seed):
        sign = ops.where(random.uniform((batch,), seed=seed) > 0.5, -1.0, 1.0)
        shear_y = random.uniform((batch,), self.y_factor[0], self.y_factor[1], seed=seed) * sign
        shear_x = random.uniform((batch,), self.x_factor[0], self.x_factor[1], seed=seed) * sign
        zeros, ones = ops.zeros_like(sign), ops.ones_like(sign)
        return _matrix([ones, shear_x, zeros, shear_y, ones, zeros, zeros, zeros, ones])

    def get_config(self):
        return dict(super().get_config(), x_factor=self.x_factor, y_factor=self.y_factor)


@builtin("layers")
class RandomPerspective(_Geometric):
    """Warps images in perspective, moving their corners by random amounts.

    Each image is warped with probability drawn from `factor`; the corners at ``(w-1, 0)``,
    ``(0, h-1)`` and ``(w-1, h-1)`` move by up to ``scale / 2`` of their coordinates (as in
    Keras, the corner at the origin stays). Outside pixels take `fill_value`.

    Args:
        factor: the probability of warping an image: ``f`` draws it from ``[0, f]``, a pair
            from its range; in [0, 1].
        scale: the strength of the warp, in [0, 1].
        interpolation: "bilinear" or "nearest".
        fill_value: the value of pixels from outside the image.
        seed: an int for reproducible warps.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> RandomPerspective(scale=0.3, seed=1)(np.zeros((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None,
                 data_format=None, **kwargs):
        super().__init__(interpolation, "constant", fill_value, seed, data_format, **kwargs)
        self.factor = factor_range("RandomPerspective", "factor", factor, bounds=(0.0, 1.0))
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 <= scale <= 1:
            raise ValueError(f"RandomPerspective: `scale` must be a number in [0, 1]; received "
                             f"{scale!r}.")
        self.scale = scale

    def _random_matrix(self, batch, height, width, seed):
        chance = random.uniform((batch,), self.factor[0], self.factor[1], seed=seed)
        apply = random.uniform((batch,), seed=seed) < chance
        moves = random.uniform((batch, 4, 2), -0.5 * self.scale, 0.5 * self.scale, seed=seed)
        w, h = ops.cast(width, "float32") - 1.0, ops.cast(height, "float32") - 1.0
        zero = ops.zeros_like(w)
        corners = ops.reshape(ops.stack([zero, zero, w, zero, zero, h, w, h]), (1, 4, 2))
        start = corners + ops.zeros_like(moves)
        end = start + start * moves
        coefficients = ops.cast(sampling.homography(start, end), "float32")
        matrix = ops.reshape(ops.concatenate(
            [coefficients, ops.ones_like(coefficients[:, :1])], axis=-1), (-1, 3, 3))
        identity = ops.reshape(ops.eye(3, dtype="float32"), (1, 3, 3))
        return ops.where(ops.reshape(apply, (-1, 1, 1)), matrix, identity)

    def get_config(self):
        config_ = super().get_config()
        config_.pop("fill_mode")
        config_.update({"factor": self.factor, "scale": self.scale})
        return config_


@builtin("layers")
class RandomElasticTransform(BaseImagePreprocessingLayer):
    """Distorts images with a smooth random displacement field (elastic deformation).

    Each image is distorted with probability drawn from `factor`. The strength ``d`` drawn
    from `scale` sets the displacement ``alpha = 0.1 d max(h, w)`` and its smoothness
    ``sigma = 0.05 d min(h, w)``: the field is Gaussian noise times ``sigma``, blurred by a
    Gaussian of width ``sigma``, times ``alpha``. Outputs are clipped to `value_range`.
    Segmentation masks move with the same field; bounding boxes are not supported.

    Args:
        factor: the probability of distorting an image: ``f`` draws it from ``[0, f]``.
        scale: the strength, ``s`` draws ``d`` from ``[0, s]``; in [0, 1].
        interpolation: "bilinear" or "nearest".
        fill_mode: "reflect", "wrap", "constant", "nearest" or "mirror".
        fill_value: the value outside the image with ``fill_mode="constant"``.
        value_range: the (low, high) range of the pixel values.
        seed: an int for reproducible distortions.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> RandomElasticTransform(seed=1)(np.zeros((2, 16, 16, 3))).shape
        (2, 16, 16, 3)
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        owner = "RandomElasticTransform"
        self.factor = factor_range(owner, "factor", factor, bounds=(0.0, 1.0))
        self.scale = factor_range(owner, "scale", scale, bounds=(0.0, 1.0))
        self.interpolation = check_choice(owner, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_mode = check_choice(owner, "fill_mode", fill_mode, FILL_MODES + ("mirror",))
        self.fill_value = fill_value
        self.value_range = check_value_range(owner, value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        seed = seed or self.generator
        images = self._images_of(data)
        height, width = self._image_size(images)
        if not isinstance(height, int) or not isinstance(width, int):
            raise ValueError("RandomElasticTransform needs images of known height and width; "
                             f"received shape {tuple(images.shape)}.")
        batch = ops.shape(images)[0]
        chance = random.uniform((batch,), self.factor[0], self.factor[1], seed=seed)
        apply = random.uniform((batch,), seed=seed) < chance
        strength = random.uniform((), self.scale[0], self.scale[1], seed=seed)
        alpha = 0.1 * max(height, width) * strength
        sigma = 0.05 * min(height, width) * strength + 1e-3
        size = int(6 * 0.05 * min(height, width) * self.scale[1]) | 1
        offsets = ops.arange(size, dtype="float32") - (size - 1) / 2.0
        weights = ops.exp(-(offsets ** 2) / (2.0 * sigma ** 2))
        weights = weights / ops.sum(weights)
        kernel = ops.reshape(weights[:, None] * weights[None, :], (size, size, 1, 1))
        noise = random.normal((2 * batch, height, width, 1), seed=seed) * sigma
        field = ops.depthwise_conv(noise, kernel, padding="same", data_format="channels_last")
        field = ops.reshape(field * alpha, (2, -1, height, width))
        return {"apply": apply, "dx": field[0], "dy": field[1]}

    def _warp(self, images, transformation, interpolation):
        x, undo = sampling.to_batched_channels_last(images, self.data_format)
        rows, cols = sampling.pixel_grid(ops.shape(x)[1], ops.shape(x)[2], "float32")
        order = 0 if interpolation == "nearest" else 1
        warped = sampling.sample_images(ops.cast(x, "float32"), rows + transformation["dy"],
                                        cols + transformation["dx"], order, self.fill_mode,
                                        self.fill_value)
        warped = ops.cast(undo(warped), ops.dtype(images))
        return ops.where(self._per_image(transformation["apply"]), warped, images)

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        out = self._warp(images, transformation, self.interpolation)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        return self._warp(segmentation_masks, transformation, "nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError("RandomElasticTransform does not move bounding boxes (a "
                                  "non-rigid warp has no box image); drop 'bounding_boxes'.")

    def get_config(self):
        config_ = super().get_config()
        config_.update({"factor": self.factor, "scale": self.scale,
                        "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                        "fill_value": self.fill_value, "value_range": self.value_range,
                        "seed": self.seed})
        return config_


@builtin("layers")
class RandomCrop(BaseImagePreprocessingLayer):
    """Crops a random ``(height, width)`` window of the images while training.

    One window position is drawn per call (shared by the batch). Images no larger than
    the window in a dimension, and every image in inference, are instead cropped to the
    largest centred window of the target aspect ratio and resized to ``(height, width)``,
    so the output size is always the same. Boxes and masks are cropped (and scaled) alike.

    Args:
        height, width: the output size.
        seed: an int for reproducible crops.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        name: the layer name.
        **kwargs: base layer arguments.

    Example:
        >>> RandomCrop(4, 4, seed=1)(np.zeros((2, 8, 8, 3))).shape
        (2, 4, 4, 3)
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(data_format=data_format, name=name, **kwargs)
        for arg, value in (("height", height), ("width", width)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"RandomCrop: `{arg}` must be a positive int; received {value!r}.")
        self.height, self.width = height, width
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        images = self._images_of(data)
        height, width = self._image_size(images)
        if not isinstance(height, int) or not isinstance(width, int):
            raise ValueError("RandomCrop needs images of known height and width; received shape "
                             f"{tuple(images.shape)}.")
        if training and height > self.height and width > self.width:
            seed = seed or self.generator
            top = ops.cast(random.uniform((), 0.0, float(height - self.height + 1), seed=seed), "int32")
            left = ops.cast(random.uniform((), 0.0, float(width - self.width + 1), seed=seed), "int32")
            return {"top": top, "left": left, "crop": (self.height, self.width),
                    "height": height, "width": width}
        crop_h = max(min(height, int(width * self.height / self.width)), 1)
        crop_w = max(min(width, int(height * self.width / self.height)), 1)
        return {"top": (height - crop_h) // 2, "left": (width - crop_w) // 2, "crop": (crop_h, crop_w),
                "height": height, "width": width}

    def _crop(self, images, transformation, interpolation):
        h_axis, w_axis, _ = self._spatial_axes()
        starts = [0, 0, 0, 0]
        sizes = [d if isinstance(d, int) else -1 for d in ops.shape(images)]  # -1: a run-time batch
        starts[h_axis], starts[w_axis] = transformation["top"], transformation["left"]
        sizes[h_axis], sizes[w_axis] = transformation["crop"]
        out = ops.slice(images, starts, sizes)
        if transformation["crop"] != (self.height, self.width):
            out = ops.image.resize(out, (self.height, self.width), interpolation=interpolation,
                                   data_format=self.data_format)
        return out

    def transform_images(self, images, transformation, training=True):
        return self._crop(ops.cast(images, self.compute_dtype), transformation, "bilinear")

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self._crop(segmentation_masks, transformation, "nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        boxes = self._boxes_to_xyxy(bounding_boxes, transformation["height"], transformation["width"])
        crop_h, crop_w = transformation["crop"]
        top = ops.cast(transformation["top"], "float32")
        left = ops.cast(transformation["left"], "float32")
        x1, y1, x2, y2 = [boxes["boxes"][..., i] for i in range(4)]
        sx, sy = self.width / crop_w, self.height / crop_h
        boxes["boxes"] = ops.stack([(x1 - left) * sx, (y1 - top) * sy, (x2 - left) * sx,
                                    (y2 - top) * sy], axis=-1)
        return self._boxes_from_xyxy(boxes, self.height, self.width)

    def _output_image_shape(self, shape):
        shape = list(shape)
        h_axis, w_axis = (len(shape) - 2, len(shape) - 1) if self.data_format == "channels_first" \
            else (len(shape) - 3, len(shape) - 2)
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config_
