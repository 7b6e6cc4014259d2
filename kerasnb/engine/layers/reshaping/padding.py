"""Zero-padding layers: `ZeroPadding1D`, `ZeroPadding2D`, `ZeroPadding3D`."""

from kerasnb.engine import config as engine_config
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.reshaping._args import int_tuple, like_input, pair_tuple, spatial_axes
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving.serialization import builtin


class _ZeroPadding(Layer):
    """Shared logic: `self.padding` holds one ``(before, after)`` pair per spatial axis."""

    def _pairs(self):
        return (self.padding,) if self._spatial_rank == 1 else self.padding

    def _setup(self, data_format, rank):
        self._spatial_rank = rank - 2
        self.data_format = engine_config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank)

    def call(self, inputs):
        rank = len(inputs.shape)
        widths = [(0, 0)] * rank
        for axis, pair in zip(spatial_axes(rank, self.data_format), self._pairs()):
            widths[axis] = tuple(pair)
        return ops.pad(inputs, tuple(widths))

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for axis, (before, after) in zip(spatial_axes(len(out), self.data_format), self._pairs()):
            if out[axis] is not None:
                out[axis] += before + after
        return tuple(out)

    def compute_output_spec(self, inputs):
        return like_input(self, inputs)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


@builtin("layers")
class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis of a 3D input with zeros.

    Args:
        padding: an int (both ends) or ``(start, end)``: how many zeros to add.
        data_format: ``"channels_last"`` (``(batch, steps, features)``) or
            ``"channels_first"`` (``(batch, features, steps)``); None means
            `keras.config.image_data_format()`.

    Example:
        >>> ZeroPadding1D((1, 2))(np.ones((2, 3, 4))).shape
        (2, 6, 4)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = int_tuple(padding, 2, "padding", allow_zero=True)
        self._setup(data_format, 3)


@builtin("layers")
class ZeroPadding2D(_ZeroPadding):
    """Pads the height and width of a 4D image batch with zeros.

    Args:
        padding: an int (all four sides), ``(height, width)`` (symmetric), or
            ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` or ``"channels_first"``; None means
            `keras.config.image_data_format()`.

    Example:
        >>> ZeroPadding2D(1)(np.ones((2, 3, 3, 1))).shape
        (2, 5, 5, 1)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = pair_tuple(padding, 2, "padding")
        self._setup(data_format, 4)


@builtin("layers")
class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes of a 5D volume batch with zeros.

    Args:
        padding: an int (every side), three ints (symmetric per axis), or three
            ``(start, end)`` pairs.
        data_format: ``"channels_last"`` or ``"channels_first"``; None means
            `keras.config.image_data_format()`.

    Example:
        >>> ZeroPadding3D(((1, 0), (0, 0), (2, 2)))(np.ones((1, 2, 2, 2, 3))).shape
        (1, 3, 2, 6, 3)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = pair_tuple(padding, 3, "padding")
        self._setup(data_format, 5)
