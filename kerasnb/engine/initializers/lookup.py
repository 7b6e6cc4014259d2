"""`get` / `deserialize` for the object namespaces: initializers, activations, regularizers, constraints.

Names are looked up among the namespace's built-ins (registered with
`kerasnb.engine.saving.serialization.builtin`, aliases included), then among custom
objects (`custom_objects`, `custom_object_scope`, `register_keras_serializable`).
"""

import inspect

from kerasnb.engine.saving.serialization import (
    builtins_of, deserialize_keras_object, get_registered_object)


def _unknown(namespace, what, identifier):
    names = ", ".join(repr(n) for n in sorted(builtins_of(namespace)))
    return ValueError(
        f"Could not interpret {what} identifier: `identifier` must be None, a built-in name "
        f"({names}), a registered custom name, a config dict or a callable; "
        f"received {identifier!r}.")


def lookup(namespace, what, name, custom_objects=None):
    """The built-in or custom object called `name`, else a ValueError listing the built-ins."""
    found = builtins_of(namespace).get(name)
    if found is None:
        found = get_registered_object(name, custom_objects)
    if found is None:
        raise _unknown(namespace, what, name)
    return found


def deserialize(namespace, what, config, custom_objects=None):
    """The object of a `serialize` result (a config dict or a name; classes named become
    default instances) in `namespace`."""
    if isinstance(config, str):
        found = lookup(namespace, what, config, custom_objects)
        return found() if inspect.isclass(found) else found
    return deserialize_keras_object(
        config, custom_objects=custom_objects, module_objects=builtins_of(namespace))


def get(namespace, what, identifier, instantiate=True):
    """The callable that `identifier` (a name, a config dict, a class or a callable) stands for.

    Args:
        namespace: ``"initializers"``, ``"activations"``, ...
        what: the noun for error messages, e.g. ``"initializer"``.
        identifier: a name, a config dict, a class, or a callable (returned as is).
        instantiate: turn classes (found by name or passed) into default instances.
    """
    if isinstance(identifier, dict):
        obj = deserialize(namespace, what, identifier)
    elif isinstance(identifier, str):
        obj = lookup(namespace, what, identifier)
    else:
        obj = identifier
    if instantiate and inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        raise _unknown(namespace, what, identifier)
    return obj
