"""`Rescaling`: ``inputs * scale + offset``, e.g. pixels from [0, 255] to [0, 1]."""

import numpy as np

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.saving.serialization import builtin


def _check_factor(name, value):
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim > 3 or isinstance(value, (str, bool)):
        raise ValueError(f"Rescaling: `{name}` must be a number or a list of per-channel numbers; "
                         f"received {value!r}.")
    return value


@builtin("layers")
class Rescaling(DataLayer):
    """Multiplies the inputs by `scale` and adds `offset`; outputs are floats.

    Args:
        scale: a float, or per-channel floats (a list broadcast over the last axis, or over
            the channel axis with ``channels_first`` data).
        offset: a float, or per-channel floats.
        **kwargs: base `Layer` arguments (`name`, `dtype`, ...).

    Example:
        >>> Rescaling(1.0 / 255)(np.array([[0, 51, 255]], "uint8"))
        array([[0. , 0.2, 1. ]], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _check_factor("scale", scale)
        self.offset = _check_factor("offset", offset)
        self.supports_masking = True

    def _factor(self, value):
        factor = np.asarray(value, dtype=self.compute_dtype)
        if factor.ndim and config.image_data_format() == "channels_first":
            factor = factor.reshape(factor.shape + (1,) * (3 - factor.ndim))
        return factor

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        return ops.add(ops.multiply(inputs, self._factor(self.scale)), self._factor(self.offset))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config_ = super().get_config()
        config_.update({"scale": _plain(self.scale), "offset": _plain(self.offset)})
        return config_


def _plain(value):
    """A JSON-able copy of a number or per-channel factors."""
    return np.asarray(value).tolist() if isinstance(value, np.ndarray) else value
