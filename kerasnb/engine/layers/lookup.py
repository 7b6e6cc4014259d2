"""`kerasnb.layers.serialize` / `deserialize`: layers to configs and back."""

from kerasnb.engine.saving import serialization


def serialize(layer):
    """The config dict of `layer` (Keras 3 format).

    Example:
        >>> serialize(Dense(2))["class_name"]
        'Dense'
    """
    return serialization.serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A new layer from `serialize`'s config; custom classes come from `custom_objects`,
    a custom object scope, or `register_keras_serializable`."""
    return serialization.deserialize_keras_object(config, custom_objects=custom_objects)
