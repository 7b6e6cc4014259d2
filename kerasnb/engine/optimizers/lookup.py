"""`get` / `serialize` / `deserialize` for optimizers (`keras.optimizers.get("adam")`).

Example:
    >>> get("adam").learning_rate.numpy()
    array(0.001, dtype=float32)
"""

import inspect

from kerasnb.engine.saving.serialization import (
    builtins_of, deserialize_keras_object, get_registered_object, serialize_keras_object)

_NAMESPACE = "optimizers"


def _names():
    return ", ".join(sorted(repr(n) for n in builtins_of(_NAMESPACE)))


def serialize(optimizer):
    """The config dict of an optimizer.

    Example:
        >>> serialize(get("sgd"))["class_name"]
        'SGD'
    """
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer rebuilt from `serialize`'s config (class names are matched case-insensitively,
    as in Keras).

    Example:
        >>> type(deserialize({"class_name": "adam", "config": {}})).__name__
        'Adam'
    """
    if not isinstance(config, dict):
        raise TypeError(f"`config` must be a dict from `serialize`; received {type(config).__name__}.")
    config = dict(config)
    builtins = builtins_of(_NAMESPACE)
    name = config.get("class_name")
    if isinstance(name, str) and name.lower() in builtins and name not in builtins:
        config["class_name"] = builtins[name.lower()].__name__
    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=builtins)


def get(identifier):
    """The optimizer `identifier` stands for: an optimizer instance (returned as is), None, a name
    such as ``"adam"``, or a config dict.

    Example:
        >>> type(get("rmsprop")).__name__
        'RMSprop'
    """
    from kerasnb.engine.optimizers.optimizer import Optimizer
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        builtins = builtins_of(_NAMESPACE)
        cls = builtins.get(identifier.lower()) or builtins.get(identifier) or \
            get_registered_object(identifier)
        if cls is None:
            raise ValueError(
                f"Could not interpret optimizer identifier: {identifier!r}. Expected an optimizer "
                f"instance, a config dict, or one of the names {_names()}.")
        found = cls() if inspect.isclass(cls) else cls
    else:
        raise ValueError(
            f"Could not interpret optimizer identifier: {identifier!r}. Expected an optimizer "
            f"instance, a config dict, or one of the names {_names()}.")
    if not isinstance(found, Optimizer):
        raise ValueError(f"Could not interpret optimizer identifier: {identifier!r} is not an "
                         "optimizer.")
    return found
