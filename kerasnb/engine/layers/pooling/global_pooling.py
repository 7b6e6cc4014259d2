"""Global pooling over all spatial positions: `GlobalMaxPooling1D`-`3D`, `GlobalAveragePooling1D`-`3D`."""

from kerasnb.engine.layers.pooling.base_pooling import BasePooling
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.ops.core import cast
from kerasnb.engine.saving.serialization import builtin


class GlobalPooling(BasePooling):
    """Reduces every spatial axis with `_reduce`; `keepdims` keeps them with size 1."""

    _reduce = None

    def __init__(self, rank, data_format=None, keepdims=False, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        if not isinstance(keepdims, bool):
            raise ValueError(f"`keepdims` must be a bool; received {keepdims!r}.")
        self.keepdims = keepdims

    def call(self, inputs):
        return type(self)._reduce(inputs, axis=self._spatial_axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = self._spatial_axes
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalMaxPooling(GlobalPooling):
    _reduce = staticmethod(ops.max)


class GlobalAveragePooling(GlobalPooling):
    _reduce = staticmethod(ops.mean)


_DOC = """{what} over all {n}D spatial positions, one value per channel and sample.

    Args:
        data_format: "channels_last" ``(batch, {dims}, channels)`` or "channels_first";
            None means `keras.config.image_data_format()`.
        keepdims: keep the spatial axes (with size 1) instead of dropping them.
{mask}
    Example:
        >>> {name}()(np.ones((2, {example}, 3))).shape
        (2, 3)
    """


@builtin("layers", "GlobalMaxPool1D")
class GlobalMaxPooling1D(GlobalMaxPooling):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format, keepdims, **kwargs)


@builtin("layers", "GlobalMaxPool2D")
class GlobalMaxPooling2D(GlobalMaxPooling):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format, keepdims, **kwargs)


@builtin("layers", "GlobalMaxPool3D")
class GlobalMaxPooling3D(GlobalMaxPooling):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format, keepdims, **kwargs)


@builtin("layers", "GlobalAvgPool1D")
class GlobalAveragePooling1D(GlobalAveragePooling):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps = self._spatial_axes[0]
        keep = ops.expand_dims(cast(mask, "bool"), 2 if steps == 1 else 1)
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=steps,
                        keepdims=self.keepdims)
        count = ops.sum(cast(keep, total.dtype), axis=steps, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, previous_mask):
        return None


@builtin("layers", "GlobalAvgPool2D")
class GlobalAveragePooling2D(GlobalAveragePooling):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format, keepdims, **kwargs)


@builtin("layers", "GlobalAvgPool3D")
class GlobalAveragePooling3D(GlobalAveragePooling):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format, keepdims, **kwargs)


_MASK_DOC = """
    Call arguments:
        mask: optional ``(batch, steps)`` booleans; the mean is over the unmasked steps only.
"""
_DIMS = {1: ("steps", "8"), 2: ("rows, cols", "4, 4"), 3: ("d1, d2, d3", "2, 2, 2")}
for _cls, _n, _what in ((GlobalMaxPooling1D, 1, "Maximum"), (GlobalMaxPooling2D, 2, "Maximum"),
                        (GlobalMaxPooling3D, 3, "Maximum"), (GlobalAveragePooling1D, 1, "Mean"),
                        (GlobalAveragePooling2D, 2, "Mean"), (GlobalAveragePooling3D, 3, "Mean")):
    _cls.__doc__ = _DOC.format(what=_what, n=_n, name=_cls.__name__, dims=_DIMS[_n][0],
                               example=_DIMS[_n][1],
                               mask=_MASK_DOC if _cls is GlobalAveragePooling1D else "")

GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)
