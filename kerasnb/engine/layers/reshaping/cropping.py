"""Cropping layers: trim the ends of the spatial axes (`Cropping1D`, `Cropping2D`, `Cropping3D`)."""

from kerasnb.engine import config as engine_config
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.reshaping._args import int_tuple, like_input, pair_tuple, spatial_axes
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving.serialization import builtin


class _Cropping(Layer):
    """Shared logic: `self._pairs` holds one ``(before, after)`` pair per spatial axis."""

    def _setup(self, pairs, data_format):
        self._pairs = pairs
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=len(pairs) + 2)

    def _axes(self, rank):
        return spatial_axes(rank, self.data_format)

    def _check(self, shape):
        for axis, (before, after) in zip(self._axes(len(shape)), self._pairs):
            if shape[axis] is not None and before + after >= shape[axis]:
                raise ValueError(
                    f"{type(self).__name__}: `cropping`={self.cropping} must leave something of every "
                    f"cropped axis; received input shape {tuple(shape)}.")

    def call(self, inputs):
        shape = shape_of(inputs)
        self._check(shape)
        index = [slice(None)] * len(shape)
        for axis, (before, after) in zip(self._axes(len(shape)), self._pairs):
            index[axis] = slice(before, -after if after else None)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        out = list(input_shape)
        for axis, (before, after) in zip(self._axes(len(out)), self._pairs):
            if out[axis] is not None:
                out[axis] -= before + after
        return tuple(out)

    def compute_output_spec(self, inputs):
        return like_input(self, inputs)


@builtin("layers")
class Cropping1D(_Cropping):
    """Crops a ``(batch, steps, features)`` input along the steps axis.

    Args:
        cropping: an int (the same at both ends) or ``(start, end)``: how many steps to
            remove at each end.

    Example:
        >>> Cropping1D((1, 2))(np.ones((2, 6, 3))).shape
        (2, 3, 3)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = int_tuple(cropping, 2, "cropping", allow_zero=True)
        self._setup((self.cropping,), "channels_last")

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


@builtin("layers")
class Cropping2D(_Cropping):
    """Crops the height and width of a 4D image batch.

    Args:
        cropping: an int (all four sides), ``(height, width)`` (symmetric), or
            ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` (``(batch, height, width, channels)``) or
            ``"channels_first"``; None means `keras.config.image_data_format()`.

    Example:
        >>> Cropping2D(((1, 0), (2, 2)))(np.ones((2, 5, 6, 3))).shape
        (2, 4, 2, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = pair_tuple(cropping, 2, "cropping")
        self._setup(self.cropping, engine_config.standardize_data_format(data_format))

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


@builtin("layers")
class Cropping3D(_Cropping):
    """Crops the three spatial axes of a 5D volume batch.

    Args:
        cropping: an int (every side), three ints (symmetric per axis), or three
            ``(start, end)`` pairs.
        data_format: ``"channels_last"`` (``(batch, d1, d2, d3, channels)``) or
            ``"channels_first"``; None means `keras.config.image_data_format()`.

    Example:
        >>> Cropping3D(1)(np.ones((2, 4, 4, 4, 3))).shape
        (2, 2, 2, 2, 3)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = pair_tuple(cropping, 3, "cropping")
        self._setup(self.cropping, engine_config.standardize_data_format(data_format))

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
