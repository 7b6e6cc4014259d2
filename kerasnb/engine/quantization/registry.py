"""`get`, `serialize` and `deserialize` of the `keras.quantizers` namespace.

Example:
    >>> get("AbsMaxQuantizer", axis=0).axis
    (0,)
"""

import inspect

from kerasnb.engine.naming import to_snake_case
from kerasnb.engine.saving.serialization import builtins_of, deserialize_keras_object, serialize_keras_object


def _objects():
    """Quantizer and config classes by class name and by snake_case name."""
    # importing the modules registers their classes
    from kerasnb.engine.quantization import configs, quantizers  # noqa: F401
    objects = dict(builtins_of("quantizers"))
    objects.update({to_snake_case(name): cls for name, cls in list(objects.items())})
    return objects


def serialize(initializer):
    """The config dict of a quantizer or quantization config."""
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The quantizer or quantization config of a config dict."""
    return deserialize_keras_object(config, custom_objects, module_objects=_objects())


def get(identifier, **kwargs):
    """A quantizer or config from None, a config dict, a class name (instantiated with
    `kwargs`) or an object (returned as is).

    Raises:
        ValueError: the identifier names nothing known.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = _objects().get(identifier)
    else:
        found = identifier
    if inspect.isclass(found):
        found = found(**kwargs)
    if found is None or not callable(found) and not hasattr(found, "get_config"):
        raise ValueError(f"Could not interpret quantizer identifier: {identifier!r}.")
    return found
