"""`kerasnb.saving` (`keras.saving`): the serialization registry.

Example:
    >>> import kerasnb
    >>> @kerasnb.saving.register_keras_serializable(package="demo")
    ... def double(x):
    ...     return 2 * x
"""

from kerasnb.engine.saving.serialization import (  # noqa: F401
    CustomObjectScope, custom_object_scope, deserialize_keras_object, get_custom_objects,
    get_registered_name, get_registered_object, register_keras_serializable,
    serialize_keras_object)
from kerasnb.engine.saving.model_file import load_model, save_model  # noqa: F401
from kerasnb.engine.saving.weights_file import load_weights, save_weights  # noqa: F401
