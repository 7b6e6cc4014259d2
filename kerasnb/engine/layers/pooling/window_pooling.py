"""Sliding-window pooling: `MaxPooling1D`-`3D` and `AveragePooling1D`-`3D`."""

from kerasnb.engine.layers.pooling.base_pooling import BasePooling
from kerasnb.engine.ops import conv as conv_ops
from kerasnb.engine.saving.serialization import builtin


class WindowPooling(BasePooling):
    """Max or mean over sliding windows; subclasses set `_pool` to the op."""

    _pool = None

    def __init__(self, rank, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.pool_size = conv_ops.int_tuple(pool_size, rank, "pool_size")
        self.strides = self.pool_size if strides is None else conv_ops.int_tuple(strides, rank, "strides")
        self.padding = conv_ops.check_padding(padding)

    def call(self, inputs):
        return type(self)._pool(inputs, self.pool_size, strides=self.strides, padding=self.padding,
                                data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding}


class MaxPooling(WindowPooling):
    _pool = staticmethod(conv_ops.max_pool)


class AveragePooling(WindowPooling):
    _pool = staticmethod(conv_ops.average_pool)


_DOC = """{n}D {what} pooling over sliding windows.

    Args:
        pool_size: int or tuple of {n} ints, the window size.
        strides: int or tuple of {n} ints; None means `pool_size`.
        padding: "valid" (windows inside the input) or "same" (output ``ceil(input /
            strides)``; {pad_note}).
        data_format: "channels_last" ``(batch, {dims}, channels)`` or "channels_first";
            None means `keras.config.image_data_format()`.

    Example:
        >>> {name}({size})(np.ones((2, {example}, 3))).shape
        (2, {result}, 3)
    """


@builtin("layers", "MaxPool1D")
class MaxPooling1D(MaxPooling):
    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(1, pool_size, strides, padding, data_format, name=name, **kwargs)


@builtin("layers", "MaxPool2D")
class MaxPooling2D(MaxPooling):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(2, pool_size, strides, padding, data_format, name=name, **kwargs)


@builtin("layers", "MaxPool3D")
class MaxPooling3D(MaxPooling):
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(3, pool_size, strides, padding, data_format, name=name, **kwargs)


@builtin("layers", "AvgPool1D")
class AveragePooling1D(AveragePooling):
    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(1, pool_size, strides, padding, data_format, name=name, **kwargs)


@builtin("layers", "AvgPool2D")
class AveragePooling2D(AveragePooling):
    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(2, pool_size, strides, padding, data_format, name=name, **kwargs)


@builtin("layers", "AvgPool3D")
class AveragePooling3D(AveragePooling):
    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(3, pool_size, strides, padding, data_format, name=name, **kwargs)


_MAX = dict(what="Max", pad_note="padding never wins the maximum")
_AVG = dict(what="Average", pad_note="each mean is over the window's real elements only")
_DIMS = {1: ("steps", "8", "4"), 2: ("rows, cols", "8, 8", "4, 4"), 3: ("d1, d2, d3", "4, 4, 4", "2, 2, 2")}
for _cls, _n, _kind in ((MaxPooling1D, 1, _MAX), (MaxPooling2D, 2, _MAX), (MaxPooling3D, 3, _MAX),
                        (AveragePooling1D, 1, _AVG), (AveragePooling2D, 2, _AVG),
                        (AveragePooling3D, 3, _AVG)):
    _dims, _example, _result = _DIMS[_n]
    _cls.__doc__ = _DOC.format(n=_n, name=_cls.__name__, size=2, dims=_dims, example=_example,
                               result=_result, **_kind)

MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
