"""Adaptive pooling to a fixed output size: `AdaptiveAveragePooling1D`-`3D`, `AdaptiveMaxPooling1D`-`3D`."""

from kerasnb.engine.layers.pooling.base_pooling import BasePooling
from kerasnb.engine.ops import conv as conv_ops
from kerasnb.engine.saving.serialization import builtin


class AdaptivePooling(BasePooling):
    """Pools each spatial axis into `output_size` windows; subclasses set `_pool` to the op."""

    _pool = None

    def __init__(self, rank, output_size, data_format=None, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.output_size = conv_ops.int_tuple(output_size, rank, "output_size")

    def call(self, inputs):
        return type(self)._pool(inputs, self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        depth = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        return conv_ops.layout(input_shape[0], self.output_size, depth, self.data_format)

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size}


class AdaptiveAveragePooling(AdaptivePooling):
    _pool = staticmethod(conv_ops.adaptive_average_pool)


class AdaptiveMaxPooling(AdaptivePooling):
    _pool = staticmethod(conv_ops.adaptive_max_pool)


_DOC = """{n}D adaptive {what} pooling: any input size to `output_size` positions.

    An axis of length ``n`` split into ``out`` windows gives window ``i`` the positions
    ``floor(i * n / out)`` to ``ceil((i + 1) * n / out) - 1``.

    Args:
        output_size: int or tuple of {n} ints, the output spatial size.
        data_format: "channels_last" ``(batch, {dims}, channels)`` or "channels_first";
            None means `keras.config.image_data_format()`.

    Example:
        >>> {name}(2)(np.ones((1, {example}, 3))).shape
        (1, {result}, 3)
    """


@builtin("layers")
class AdaptiveAveragePooling1D(AdaptiveAveragePooling):
    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(1, output_size, data_format, **kwargs)


@builtin("layers")
class AdaptiveAveragePooling2D(AdaptiveAveragePooling):
    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(2, output_size, data_format, **kwargs)


@builtin("layers")
class AdaptiveAveragePooling3D(AdaptiveAveragePooling):
    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(3, output_size, data_format, **kwargs)


@builtin("layers")
class AdaptiveMaxPooling1D(AdaptiveMaxPooling):
    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(1, output_size, data_format, **kwargs)


@builtin("layers")
class AdaptiveMaxPooling2D(AdaptiveMaxPooling):
    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(2, output_size, data_format, **kwargs)


@builtin("layers")
class AdaptiveMaxPooling3D(AdaptiveMaxPooling):
    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(3, output_size, data_format, **kwargs)


_DIMS = {1: ("steps", "5", "2"), 2: ("rows, cols", "5, 5", "2, 2"), 3: ("d1, d2, d3", "3, 3, 3", "2, 2, 2")}
for _cls, _n, _what in ((AdaptiveAveragePooling1D, 1, "average"), (AdaptiveAveragePooling2D, 2, "average"),
                        (AdaptiveAveragePooling3D, 3, "average"), (AdaptiveMaxPooling1D, 1, "max"),
                        (AdaptiveMaxPooling2D, 2, "max"), (AdaptiveMaxPooling3D, 3, "max")):
    _dims, _example, _result = _DIMS[_n]
    _cls.__doc__ = _DOC.format(n=_n, what=_what, name=_cls.__name__, dims=_dims, example=_example,
                               result=_result)
