"""Upsampling layers: repeat (or interpolate) along the spatial axes."""

import numbers

from kerasnb.engine import config as engine_config
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.reshaping._args import int_tuple, like_input, spatial_axes
from kerasnb.engine.ops import image as image_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving.serialization import builtin

INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")


class _UpSampling(Layer):
    """Shared logic: each spatial axis ``i`` is repeated ``self._factors[i]`` times."""

    def _axes(self, rank):
        return spatial_axes(rank, self.data_format)

    def call(self, inputs):
        for axis, factor in zip(self._axes(len(inputs.shape)), self._factors):
            inputs = ops.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for axis, factor in zip(self._axes(len(out)), self._factors):
            if out[axis] is not None:
                out[axis] *= factor
        return tuple(out)

    def compute_output_spec(self, inputs):
        return like_input(self, inputs)


@builtin("layers")
class UpSampling1D(_UpSampling):
    """Repeats every step of a ``(batch, steps, features)`` input `size` times.

    Args:
        size: the repetition factor, a positive int.

    Example:
        >>> UpSampling1D(2)(np.ones((2, 3, 4))).shape
        (2, 6, 4)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, numbers.Integral) or isinstance(size, bool) or size <= 0:
            raise ValueError(f"`size` must be a positive int; received size={size!r}.")
        self.size = int(size)
        self._factors = (self.size,)
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=3)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


@builtin("layers")
class UpSampling2D(_UpSampling):
    """Upsamples the height and width of a 4D image batch.

    Args:
        size: an int or ``(height_factor, width_factor)``, positive.
        data_format: ``"channels_last"`` or ``"channels_first"``; None means
            `keras.config.image_data_format()`.
        interpolation: ``"nearest"`` repeats rows and columns; ``"bilinear"``,
            ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"`` or ``"area"`` resize with
            `ops.image.resize` (no antialiasing).

    Example:
        >>> UpSampling2D((2, 3))(np.ones((1, 2, 2, 3))).shape
        (1, 4, 6, 3)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = engine_config.standardize_data_format(data_format)
        self.size = int_tuple(size, 2, "size")
        self._factors = self.size
        if not isinstance(interpolation, str) or interpolation.lower() not in INTERPOLATIONS:
            raise ValueError(f"`interpolation` must be one of {INTERPOLATIONS}; "
                             f"received interpolation={interpolation!r}.")
        self.interpolation = interpolation.lower()
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        shape = shape_of(inputs)
        height, width = (shape[axis] for axis in self._axes(4))
        if height is None or width is None:
            raise ValueError(f"UpSampling2D with interpolation={self.interpolation!r} needs known "
                             f"spatial dims; received input shape {shape}.")
        return image_ops.resize(inputs, (height * self.size[0], width * self.size[1]),
                                interpolation=self.interpolation, antialias=False,
                                data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


@builtin("layers")
class UpSampling3D(_UpSampling):
    """Repeats the three spatial axes of a 5D volume batch.

    Args:
        size: an int or three positive ints, the factor per spatial axis.
        data_format: ``"channels_last"`` or ``"channels_first"``; None means
            `keras.config.image_data_format()`.

    Example:
        >>> UpSampling3D(2)(np.ones((1, 1, 2, 3, 4))).shape
        (1, 2, 4, 6, 4)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = engine_config.standardize_data_format(data_format)
        self.size = int_tuple(size, 3, "size")
        self._factors = self.size
        self.input_spec = InputSpec(ndim=5)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
