"""The `Initializer` base class, and the seed handling shared by the random initializers."""

import numbers
import random as python_random

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.ops import core
from kerasnb.engine.random import SeedGenerator
from kerasnb.engine.saving.serialization import (
    builtin, deserialize_keras_object, serialize_keras_object)


@builtin("initializers", "initializer")
class Initializer:
    """Base class of initializers: callables ``(shape, dtype=None) -> tensor``.

    Subclasses implement `__call__`; those with constructor arguments also implement
    `get_config` (returning those arguments), which `from_config` feeds back to the
    constructor.

    Example:
        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return kerasnb.ops.full(shape, 0.5, dtype=dtype)
        >>> Halves()((2, 3)).shape
        (2, 3)
    """

    def __call__(self, shape, dtype=None):
        """A tensor of `shape` and `dtype` (floatx by default) on the active backend."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(self, shape, dtype=None)`.")

    def get_config(self):
        """The constructor arguments, as a JSON-able dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """An instance rebuilt from `get_config()`'s dict."""
        return cls(**config)

    def clone(self):
        """A new instance with the same config."""
        return type(self).from_config(self.get_config())

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


def check_shape(shape, owner, min_rank=0):
    """`shape` as a tuple of ints >= 0, else a ValueError naming `owner`."""
    valid = isinstance(shape, (list, tuple)) and all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape)
    if not valid:
        raise ValueError(f"{owner}: `shape` must be a tuple of ints >= 0; received {shape!r}.")
    if len(shape) < min_rank:
        raise ValueError(
            f"{owner}: `shape` must have rank >= {min_rank}; received {tuple(shape)} "
            f"of rank {len(shape)}.")
    return tuple(int(d) for d in shape)


def check_float_dtype(dtype, owner):
    """`dtype` standardized (floatx when None); a ValueError unless it is a float dtype."""
    dtype = dtypes.standardize_dtype(dtype)
    if not dtypes.is_float(dtype):
        raise ValueError(f"{owner} needs a floating-point `dtype`; received {dtype!r}.")
    return dtype


def cast_value(value, dtype):
    """`value` (a Python number or list, an array or a tensor) as a tensor of `dtype`.

    Python values go through float64/int64, so ``cast_value(0.1, "float64")`` is exactly 0.1
    (a direct cast would round it to float32 first).

    Example:
        >>> cast_value(0.1, "float64")
        array(0.1)
    """
    if isinstance(value, (numbers.Number, list, tuple)):
        value = np.asarray(value)
    return core.cast(core.convert_to_tensor(value), dtype)


def check_number(value, name, owner, positive=False):
    """`value` as given if it is a real number (> 0 when `positive`), else a ValueError."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or (positive and value <= 0):
        expected = "a positive number" if positive else "a number"
        raise ValueError(f"{owner}: `{name}` must be {expected}; received {value!r}.")
    return value


def _check_seed(seed, owner):
    if seed is None:
        # Picked once per instance, from Python's generator (seeded by set_random_seed).
        return python_random.randint(1, 10**9)
    if isinstance(seed, dict):
        seed = deserialize_keras_object(seed, module_objects={"SeedGenerator": SeedGenerator})
    if isinstance(seed, SeedGenerator):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return int(seed)
    raise ValueError(
        f"{owner}: `seed` must be None, an int or a kerasnb.random.SeedGenerator; received {seed!r}.")


class RandomInitializer(Initializer):
    """Base of the initializers that draw random numbers.

    Args:
        seed: an int (every call returns the same values), a `SeedGenerator` (each call
            draws new values), or None (an int picked at construction, so each instance
            has its own values and repeats them, as in Keras 3).
    """

    def __init__(self, seed=None):
        self._init_seed = seed
        self.seed = _check_seed(seed, type(self).__name__)

    def get_config(self):
        return {"seed": serialize_keras_object(self._init_seed)}
