"""Initializers (`keras.initializers`): callables ``(shape, dtype=None) -> tensor`` for weights.

Example:
    >>> init = get("he_normal")
    >>> init((3, 4)).shape
    (3, 4)
    >>> serialize(init)["class_name"]
    'HeNormal'
"""

from kerasnb.engine import dtypes
from kerasnb.engine.initializers import lookup
from kerasnb.engine.initializers.constant import Constant, Identity, Ones, Zeros
from kerasnb.engine.initializers.initializer import Initializer, RandomInitializer
from kerasnb.engine.initializers.orthogonal import Orthogonal
from kerasnb.engine.initializers.random import RandomNormal, RandomUniform, TruncatedNormal
from kerasnb.engine.initializers.stft import STFT
from kerasnb.engine.initializers.variance_scaling import (
    GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, VarianceScaling,
    compute_fans)
from kerasnb.engine.ops import core
from kerasnb.engine.saving.serialization import serialize_keras_object

__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "IdentityInitializer", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
    "OrthogonalInitializer", "RandomInitializer", "RandomNormal", "RandomUniform", "STFT",
    "STFTInitializer", "TruncatedNormal", "VarianceScaling", "Zeros", "compute_fans", "constant",
    "deserialize", "get", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
    "identity", "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal",
    "random_uniform", "serialize", "stft", "truncated_normal", "variance_scaling", "zeros",
]

# Keras's other names for the same classes.
IdentityInitializer = identity = Identity
OrthogonalInitializer = orthogonal = Orthogonal
STFTInitializer = stft = STFT
constant, zeros, ones = Constant, Zeros, Ones
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal, glorot_uniform = GlorotNormal, GlorotUniform
he_normal, he_uniform = HeNormal, HeUniform
lecun_normal, lecun_uniform = LecunNormal, LecunUniform


def serialize(initializer):
    """The config dict of `initializer`, in Keras's format.

    Example:
        >>> serialize(Constant(2.0))["config"]
        {'value': 2.0}
    """
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The initializer described by `config` (a `serialize` result or a name).

    Example:
        >>> deserialize({"class_name": "Ones", "config": {}})
        Ones()
    """
    return lookup.deserialize("initializers", "initializer", config, custom_objects)


def _from_tensor(value):
    """An initializer returning `value` (cast to the requested dtype) for its own shape only."""
    value_shape = tuple(core.shape(value))

    def initialize(shape, dtype=None):
        if tuple(shape) != value_shape:
            raise ValueError(
                f"This initializer is a fixed tensor of shape {value_shape}: `shape` must be "
                f"{value_shape}; received {tuple(shape)}.")
        return core.cast(value, dtypes.standardize_dtype(dtype))

    return initialize


def get(identifier):
    """The initializer that `identifier` stands for.

    Args:
        identifier: None (returns None); a name (`"glorot_uniform"`, `"GlorotUniform"`,
            `"zeros"`, ...; classes become default instances); a config dict; an
            `Initializer` instance or class; a callable ``(shape, dtype=None)``; or a tensor
            / NumPy array used as the value (the requested shape must match it).

    Example:
        >>> get("glorot_uniform")
        GlorotUniform(seed=None, input_axes=None, output_axes=None)
    """
    if identifier is None:
        return None
    if core.is_tensor(identifier) or (hasattr(identifier, "__array__") and hasattr(identifier, "shape")):
        return _from_tensor(identifier)
    return lookup.get("initializers", "initializer", identifier)
