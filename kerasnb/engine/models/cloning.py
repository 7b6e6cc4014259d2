"""`clone_model`: the same architecture with new weights."""

from kerasnb.engine.layers.input_layer import InputLayer
from kerasnb.engine.models.functional import Functional
from kerasnb.engine.models.sequential import Sequential
from kerasnb.engine.saving import serialization


def _fresh(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A new model with the architecture of `model` and newly initialized weights.

    Args:
        model: a Sequential, functional or subclassed (config-serializable) model.
        clone_function: ``fn(layer) -> new layer`` used for each layer (default: from its config).
        recursive: also clone nested models layer by layer with `clone_function`.

    Example:
        >>> twin = clone_model(model)
        >>> twin.count_params() == model.count_params()
        True
    """
    if input_tensors is not None or call_function is not None or kwargs:
        raise NotImplementedError("clone_model supports `clone_function` and `recursive` only so far.")
    clone_function = clone_function or _fresh

    def clone_layer(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function, recursive=True)
        return clone_function(layer)

    if isinstance(model, (Sequential, Functional)):
        originals = {layer.name: layer for layer in model._flatten_layers(include_self=False)}

        def factory(config):
            name = config.get("name") or config["config"].get("name")
            original = originals.get(name)
            if original is None or isinstance(original, InputLayer):
                return serialization.deserialize_keras_object(config)
            return clone_layer(original)

        return type(model).from_config(model.get_config(), layer_factory=factory)
    return _fresh(model)
