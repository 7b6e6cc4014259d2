"""Deterministic initializers: `Constant`, `Zeros`, `Ones` and `Identity`."""

from kerasnb.engine import dtypes
from kerasnb.engine.initializers.initializer import Initializer, cast_value, check_number, check_shape
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import (
    builtin, deserialize_keras_object, serialize_keras_object)


@builtin("initializers", "constant")
class Constant(Initializer):
    """Fills the tensor with `value` (a number, or an array broadcastable to the shape).

    Example:
        >>> Constant(3.0)((2, 2))
        array([[3., 3.],
               [3., 3.]], dtype=float32)
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape, "Constant")
        dtype = dtypes.standardize_dtype(dtype)
        return knp.broadcast_to(cast_value(self.value, dtype), shape)

    def get_config(self):
        return {"value": serialize_keras_object(self.value)}

    @classmethod
    def from_config(cls, config):
        return cls(deserialize_keras_object(config.get("value", 0.0)))


@builtin("initializers", "zeros", "zero")
class Zeros(Initializer):
    """Fills the tensor with 0.

    Example:
        >>> Zeros()((2,), dtype="int32")
        array([0, 0], dtype=int32)
    """

    def __call__(self, shape, dtype=None):
        return knp.zeros(check_shape(shape, "Zeros"), dtype=dtypes.standardize_dtype(dtype))


@builtin("initializers", "ones", "one")
class Ones(Initializer):
    """Fills the tensor with 1.

    Example:
        >>> Ones()((3,))
        array([1., 1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return knp.ones(check_shape(shape, "Ones"), dtype=dtypes.standardize_dtype(dtype))


@builtin("initializers", "identity", "IdentityInitializer")
class Identity(Initializer):
    """`gain` times the identity matrix; only for 2-D shapes (rectangular ones included).

    Example:
        >>> Identity(gain=2.0)((2, 3))
        array([[2., 0., 0.],
               [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = check_number(gain, "gain", "Identity")

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(
                f"Identity: `shape` must be 2-D (a matrix); received {shape} of rank {len(shape)}.")
        dtype = dtypes.standardize_dtype(dtype)
        return knp.multiply(cast_value(self.gain, dtype), knp.eye(*shape, dtype=dtype))

    def get_config(self):
        return {"gain": self.gain}
