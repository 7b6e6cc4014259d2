"""Turning objects into JSON-able configs and back, in Keras 3's format.

A config is ``{"module", "class_name", "config", "registered_name"}``. Built-in objects are
written with Keras's module names (``"keras.initializers"``), so files interoperate with
Keras 3; custom objects are found through `register_keras_serializable`, a
`custom_object_scope`, or the `custom_objects` argument.

Example:
    >>> @register_keras_serializable(package="demo")
    ... class Scale:
    ...     def __init__(self, factor): self.factor = factor
    ...     def get_config(self): return {"factor": self.factor}
    >>> config = serialize_keras_object(Scale(2))
    >>> deserialize_keras_object(config).factor
    2
"""

import inspect
import threading

import numpy as np

_BUILTINS = {}           # (namespace, name) -> class or function, e.g. ("initializers", "Zeros")
_CUSTOM = {}             # "package>name" -> object, filled by register_keras_serializable
_REGISTERED_NAMES = {}   # object -> "package>name"
_scopes = threading.local()


def builtin(namespace, *aliases, module=None):
    """Decorator: registers a built-in class or function of ``keras.<namespace>``.

    Args:
        namespace: e.g. ``"initializers"``, ``"activations"``, ``"layers"``.
        *aliases: extra names it is found under (e.g. ``"glorot_uniform"``).
        module: the ``module`` Keras 3 writes in configs of it, when that is not
            ``keras.<namespace>``. An internal one (``keras.src...``) also makes the class
            name its ``registered_name``, as in Keras's own files.

    Example:
        >>> @builtin("", module="keras.src.models.functional")
        ... class Functional(Model): ...
    """

    def decorate(obj):
        for name in (obj.__name__,) + aliases:
            _BUILTINS[(namespace, name)] = obj
        obj._keras_namespace = namespace
        obj._keras_module = module
        return obj

    return decorate


def builtins_of(namespace):
    """Every built-in name of `namespace` and its object."""
    return {name: obj for (ns, name), obj in _BUILTINS.items() if ns == namespace}


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a custom class or function under ``"package>name"``.

    Example:
        >>> @register_keras_serializable(package="mine")
        ... def double(x):
        ...     return 2 * x
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"`package` must be a string without '>'; received {package!r}.")

    def decorate(obj):
        key = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot register {obj.__name__}: a class needs a `get_config` method.")
        _CUSTOM[key] = obj
        _REGISTERED_NAMES[obj] = key
        return obj

    return decorate


def get_custom_objects():
    """The global registry dict ``{"package>name": object}``; it may be edited directly."""
    return _CUSTOM


def get_registered_name(obj):
    """``"package>name"`` for a registered object, else its own name."""
    return _REGISTERED_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def _scope_objects():
    merged = {}
    for objects in getattr(_scopes, "stack", []):
        merged.update(objects)
    return merged


class CustomObjectScope:
    """Context manager making `custom_objects` (a dict ``{name: object}``) visible to deserialization.

    Example:
        >>> with CustomObjectScope({"double": lambda x: 2 * x}):
        ...     fn = deserialize_keras_object("double")
    """

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _scopes.stack = getattr(_scopes, "stack", []) + [self.custom_objects]
        return self

    def __exit__(self, *exc):
        _scopes.stack = _scopes.stack[:-1]


custom_object_scope = CustomObjectScope


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered or passed under `name`, searched in the argument dicts,
    the active scopes, the global registry, then `module_objects`; None if absent."""
    for table in (custom_objects or {}, _scope_objects(), _CUSTOM, module_objects or {}):
        if name in table:
            return table[name]
    return None


def serialize_keras_object(obj):
    """A JSON-able config for `obj` (objects with `get_config`, functions, tensors, plain data)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return type(obj)(serialize_keras_object(v) for v in obj)
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, (np.ndarray, np.generic)) or (hasattr(obj, "shape") and hasattr(obj, "dtype")):
        from kerasnb.engine.backend.common import to_numpy_any
        from kerasnb.engine.dtypes import standardize_dtype
        array = np.asarray(to_numpy_any(obj))
        return {"class_name": "__tensor__",
                "config": {"value": array.tolist(), "dtype": standardize_dtype(array.dtype)}}
    registered = _REGISTERED_NAMES.get(obj if inspect.isfunction(obj) or inspect.isclass(obj) else type(obj))
    if inspect.isfunction(obj):
        return {"module": "builtins", "class_name": "function",
                "config": registered or obj.__name__, "registered_name": "function"}
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r}: expected None, plain data, a tensor, a function, or an "
            "object with a `get_config()` method.")
    cls = type(obj)
    namespace = getattr(cls, "_keras_namespace", None)
    builtin_cls = namespace is not None and _BUILTINS.get((namespace, cls.__name__)) is cls
    if builtin_cls:
        module = cls._keras_module or _public_module(namespace)
        registered = cls.__name__ if module.startswith("keras.src.") else None
    else:
        module, registered = cls.__module__, registered or cls.__name__
    return {"module": module, "class_name": cls.__name__,
            "config": serialize_keras_object(obj.get_config()), "registered_name": registered}


def _public_module(namespace):
    """``"keras.layers"`` for namespace ``"layers"``; ``"keras"`` for the top level ``""``."""
    return f"keras.{namespace}" if namespace else "keras"


def _namespace(module):
    """The namespace of a Keras or kerasnb module name (``"keras.src.layers.core"`` -> ``"layers"``)."""
    parts = [p for p in module.split(".") if p not in ("keras", "kerasnb", "src", "engine")]
    return parts[0] if parts else ""


def _resolve(name, registered_name, module, custom_objects, module_objects):
    found = None
    if registered_name not in (None, "function"):
        found = get_registered_object(registered_name, custom_objects, module_objects)
    if found is None:
        found = get_registered_object(name, custom_objects, module_objects)
    if found is None and module:
        found = _BUILTINS.get((_namespace(module), name))
    if found is None:
        found = next((obj for (ns, n), obj in _BUILTINS.items() if n == name), None)
    if found is None:
        raise ValueError(
            f"Unknown object {registered_name or name!r} (module {module!r}): register it with "
            "`kerasnb.saving.register_keras_serializable`, or pass it in `custom_objects`.")
    return found


def in_safe_mode():
    """Whether code-carrying configs (lambdas) must be refused right now: the `safe_mode` of
    the innermost `deserialize_keras_object` call, True outside one, False after
    `kerasnb.config.enable_unsafe_deserialization()`."""
    from kerasnb.engine import config as engine_config
    if engine_config._settings.get("unsafe_deserialization"):
        return False
    stack = getattr(_scopes, "safe_mode", None)
    return stack[-1] if stack else True


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds an object from `serialize_keras_object`'s config (or a registered name).

    Args:
        config: a config dict, a name string, or plain data.
        custom_objects: ``{name: object}`` for custom classes and functions.
        safe_mode: refuse configs that would run arbitrary code (e.g. lambdas). Inside
            another `deserialize_keras_object` call (e.g. a model's `from_config` rebuilding
            its layers) the outermost call's `safe_mode` applies, as in Keras.
        **kwargs: ``module_objects``, a dict of extra objects to look names up in.
    """
    enclosing = getattr(_scopes, "safe_mode", [])
    safe = enclosing[-1] if enclosing else safe_mode is not False
    _scopes.safe_mode = enclosing + [safe]
    try:
        return _deserialize(config, custom_objects, safe_mode, **kwargs)
    finally:
        _scopes.safe_mode = _scopes.safe_mode[:-1]


def _deserialize(config, custom_objects, safe_mode, **kwargs):
    module_objects = kwargs.get("module_objects")
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, module_objects)
        return config if found is None else found
    if isinstance(config, (list, tuple)):
        return type(config)(deserialize_keras_object(v, custom_objects, safe_mode, **kwargs) for v in config)
    if not isinstance(config, dict):
        raise TypeError(f"`config` must be a dict, a string or plain data; received {type(config).__name__}.")
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, **kwargs) for k, v in config.items()}
    class_name, inner = config["class_name"], config.get("config")
    if class_name == "__tensor__":
        from kerasnb.engine.ops.core import convert_to_tensor
        return convert_to_tensor(np.asarray(inner["value"], dtype=inner["dtype"]))
    if class_name == "__lambda__" and safe_mode:
        raise ValueError(
            "Refusing to deserialize a lambda in safe mode: it would run arbitrary code. "
            "Pass `safe_mode=False` if you trust the source.")
    if class_name == "function":
        return _resolve(inner, None, None, custom_objects, module_objects)
    cls = _resolve(class_name, config.get("registered_name"), config.get("module"),
                   custom_objects, module_objects)
    if hasattr(cls, "from_config"):
        return cls.from_config(inner or {})
    return cls(**(inner or {}))
