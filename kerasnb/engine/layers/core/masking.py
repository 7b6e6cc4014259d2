"""`Masking`: marks padded time steps (all features equal to `mask_value`) as masked."""

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.masks import set_mask
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


@builtin("layers")
class Masking(Layer):
    """Masks time steps whose features all equal `mask_value` (and zeroes them).

    The output mask is ``any(inputs != mask_value, axis=-1)``; downstream layers that
    support masking (RNNs, attention, Softmax) skip the masked steps.

    Args:
        mask_value: the padding value.

    Example:
        >>> x = np.array([[[1.0], [0.0], [2.0]]])
        >>> Masking(0.0).compute_mask(x)
        array([[ True, False,  True]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config") is not None:
            mask_value = serialization.deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, previous_mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = ops.where(keep, inputs, ops.zeros_like(inputs))
        set_mask(outputs, ops.squeeze(keep, axis=-1))
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mask_value": serialization.serialize_keras_object(self.mask_value)}
