"""`Wrapper`: the base of layers that wrap another layer (TimeDistributed, Bidirectional...)."""

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


@builtin("layers")
class Wrapper(Layer):
    """Holds one inner `layer`, builds it, and serializes it in its config.

    Subclasses define `call` in terms of ``self.layer``.

    Args:
        layer: the wrapped `Layer` instance.

    Example:
        >>> class Twice(Wrapper):
        ...     def call(self, x):
        ...         return self.layer(self.layer(x))
        >>> Twice(Dense(3))(np.ones((2, 3))).shape
        (2, 3)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"`layer` must be a Layer instance; received layer={layer!r} "
                             f"(of type {type(layer).__name__}).")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True

    def get_config(self):
        return {**super().get_config(), "layer": serialization.serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = serialization.deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = serialization.deserialize_keras_object(config["dtype"])
        return cls(layer, **config)
