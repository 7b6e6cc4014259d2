"""`get`, `serialize` and `deserialize` for losses: by name (``"mse"``,
``"categorical_crossentropy"``, ``"Huber"``...), config dict, class or callable.

Example:
    >>> get("mse").__name__
    'mean_squared_error'
"""

from kerasnb.engine.initializers import lookup
from kerasnb.engine.saving.serialization import serialize_keras_object


def serialize(loss):
    """The config of `loss` in Keras's format (a loss object or a loss function).

    Example:
        >>> serialize(mean_squared_error)["config"]
        'mean_squared_error'
    """
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """The loss of a `serialize` result (a config dict, or a name).

    Args:
        name: a config dict or a loss name.
        custom_objects: ``{name: object}`` for custom losses.
    """
    return lookup.deserialize("losses", "loss", name, custom_objects)


def get(identifier):
    """The loss `identifier` stands for.

    Args:
        identifier: None (returns None); a name (functions are returned as is, class names
            become default instances); a config dict; a loss class or instance; a callable.

    Raises:
        ValueError: if `identifier` names no loss or is not callable.
    """
    if identifier is None:
        return None
    return lookup.get("losses", "loss", identifier)
