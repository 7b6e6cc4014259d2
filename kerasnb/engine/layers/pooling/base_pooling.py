"""`BasePooling`: what every pooling layer shares (rank, data format, input spec, config)."""

from kerasnb.engine import config
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer


class BasePooling(Layer):
    """Base of the pooling layers over `rank` spatial dimensions.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        data_format: "channels_last" ``(batch, spatial..., channels)`` or "channels_first"
            ``(batch, channels, spatial...)``; None means `keras.config.image_data_format()`.
    """

    def __init__(self, rank, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    @property
    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
