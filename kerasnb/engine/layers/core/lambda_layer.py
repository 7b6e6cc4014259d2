"""`Lambda`: wraps a Python function as a layer, and its (guarded) serialization."""

import base64
import inspect
import marshal
import types

from kerasnb.engine.layers.core.identity import fresh_specs
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops.op import flatten
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

_LAMBDA = "__lambda__"


def _is_anonymous(fn):
    return isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>"


def _function_to_config(fn, what):
    """A lambda becomes its marshalled bytecode; a named function or object its registered name."""
    if _is_anonymous(fn):
        closure = None if fn.__closure__ is None else tuple(c.cell_contents for c in fn.__closure__)
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        return {"class_name": _LAMBDA, "config": {"code": code, "defaults": fn.__defaults__,
                                                   "closure": closure}}
    if callable(fn):
        return serialization.serialize_keras_object(fn)
    raise ValueError(f"`{what}` must be callable to be serialized; received {fn!r}.")


def _function_from_config(config):
    code = marshal.loads(base64.b64decode(config["code"].encode("ascii")))
    defaults = config.get("defaults")
    closure = config.get("closure")
    cells = None if closure is None else tuple(types.CellType(v) for v in closure)
    return types.FunctionType(code, globals(), code.co_name, None if defaults is None else tuple(defaults), cells)


def _is_lambda_config(value):
    return isinstance(value, dict) and value.get("class_name") == _LAMBDA


def _refuse(what):
    raise ValueError(
        f"Refusing to deserialize the Python lambda in `{what}` of a Lambda layer in safe mode: "
        "its bytecode could run arbitrary code. Pass `safe_mode=False` if you trust the source.")


@builtin("layers")
class Lambda(Layer):
    """Wraps a function of the inputs as a layer (no weights).

    Args:
        function: called as ``function(inputs, **arguments)``; it also receives `mask` and
            `training` if its signature names them.
        output_shape: the output shape without the batch dim, a function of the input
            shape, or None to infer it by running `function` symbolically.
        mask: None, a mask to output, or ``mask(inputs, previous_mask)``.
        arguments: extra keyword arguments for `function`.

    Example:
        >>> Lambda(lambda x: x ** 2)(np.array([[1.0, 2.0]]))
        array([[1., 4.]])
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"`function` must be callable; received function={function!r}.")
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError(f"`arguments` must be a dict or None; received arguments={arguments!r}.")
        if isinstance(output_shape, list) and all(d is None or isinstance(d, int) for d in output_shape):
            output_shape = tuple(output_shape)
        self.function = function
        self.arguments = arguments or {}
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_expects_mask = "mask" in params
        self._fn_expects_training = "training" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask:
            kwargs["mask"] = mask
        if self._fn_expects_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = flatten(input_shape)[0] if isinstance(input_shape, (list, tuple)) else None
        if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(input_shape[0], (list, tuple)):
            batch = input_shape[0][0]
        return (batch,) + tuple(self._output_shape)

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return fresh_specs(self.call(*args, **kwargs), args)
        shape_in = [a.shape for a in flatten(args[0])]
        shape = self.compute_output_shape(shape_in[0] if len(shape_in) == 1 else shape_in)
        if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
            return KerasTensor(shape, self.compute_dtype)
        return type(shape)(KerasTensor(tuple(s), self.compute_dtype) for s in shape)

    def get_config(self):
        config = {**super().get_config(), "function": _function_to_config(self.function, "function")}
        if self._output_shape is not None:
            config["output_shape"] = (_function_to_config(self._output_shape, "output_shape")
                                      if callable(self._output_shape) else self._output_shape)
        if self.mask is not None:
            config["mask"] = (_function_to_config(self.mask, "mask") if callable(self.mask)
                              else serialization.serialize_keras_object(self.mask))
        config["arguments"] = serialization.serialize_keras_object(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds the layer; refuses serialized lambdas unless ``safe_mode=False`` (here or
        in the enclosing `deserialize_keras_object`)."""
        config = dict(config)
        safe = serialization.in_safe_mode() if safe_mode is None else safe_mode is not False
        for key in ("function", "output_shape", "mask"):
            if key not in config:
                continue
            value = config[key]
            if _is_lambda_config(value):
                if safe:
                    _refuse(key)
                config[key] = _function_from_config(value["config"])
            elif key != "output_shape" or isinstance(value, dict) or isinstance(value, str):
                config[key] = serialization.deserialize_keras_object(value, custom_objects=custom_objects)
            elif isinstance(value, list) and all(d is None or isinstance(d, int) for d in value):
                config[key] = tuple(value)
        if "arguments" in config:
            config["arguments"] = serialization.deserialize_keras_object(config["arguments"],
                                                                          custom_objects=custom_objects)
        return super().from_config(config)
