"""`Pipeline`: layers applied in sequence, as one layer that also works inside ``tf.data``."""

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.masks import get_mask
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.ops.op import flatten
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


@builtin("layers")
class Pipeline(DataLayer):
    """Applies `layers` one after the other (e.g. an augmentation pipeline).

    Unlike a `Sequential` model it is a plain layer, and it leaves its inputs as they are
    (strings stay NumPy), so a pipeline of data layers stays usable in ``dataset.map``. When
    called without `training` it runs in training mode (augmentation active), as in Keras.

    Args:
        layers: a list of layers.
        name: the layer name.

    Example:
        >>> pipeline = Pipeline([Rescaling(1 / 255), Resizing(32, 32)])
        >>> dataset = dataset.map(pipeline)
    """

    def __init__(self, layers, name=None):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(l, Layer) for l in layers):
            raise ValueError(f"Pipeline: `layers` must be a list of layers; received {layers!r}.")
        super().__init__(name=name)
        self._pipeline_layers = list(layers)
        self.built = True

    @property
    def layers(self):
        return self._pipeline_layers

    def _convert_inputs(self, args):
        return args

    def call(self, inputs, training=None, mask=None):
        training = True if training is None else training
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_has_mask:
                kwargs["mask"] = mask
            if layer._call_has_training:
                kwargs["training"] = training
            inputs = layer(inputs, **kwargs)
            masks = [get_mask(x) for x in flatten(inputs)]
            mask = masks[0] if len(masks) == 1 else masks
        return inputs

    def get_config(self):
        return {"layers": [serialization.serialize_keras_object(l) for l in self._pipeline_layers],
                "name": self.name}

    @classmethod
    def from_config(cls, config):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("Pipeline: the config needs `layers`, a list of serialized layers; "
                             f"received {layers!r}.")
        return cls([serialization.deserialize_keras_object(l) for l in layers], name=config.get("name"))
