"""Dropout layers: `Dropout`, its channel-wise `SpatialDropout1D/2D/3D`, and `AlphaDropout`.

All are active only when called with ``training=True`` and are the identity otherwise.
"""

import numbers

from kerasnb.engine import config as engine_config
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core as core_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.random import random as random_ops
from kerasnb.engine.random.seed_generator import SeedGenerator
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def check_rate(rate, name="rate"):
    if not isinstance(rate, numbers.Real) or isinstance(rate, bool) or not 0 <= rate <= 1:
        raise ValueError(f"`{name}` must be a float between 0 and 1; received {name}={rate!r}.")
    return rate


def check_seed(seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ValueError(f"`seed` must be an int or None; received seed={seed!r}.")
    return seed


def _check_noise_shape(noise_shape):
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str) or not isinstance(noise_shape, (list, tuple)) or not all(
            d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in noise_shape):
        raise ValueError("`noise_shape` must be a tuple of positive ints and None; "
                         f"received noise_shape={noise_shape!r}.")
    return tuple(noise_shape)


class _Noise(Layer):
    """Shared parts of the random regularization layers (masks pass, shapes are kept)."""

    def __init__(self, seed=None, active=True, **kwargs):
        super().__init__(**kwargs)
        self.seed = check_seed(seed)
        self.supports_masking = True
        if active:
            self.seed_generator = SeedGenerator(seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@builtin("layers")
class Dropout(_Noise):
    """Zeroes each entry with probability `rate` while training, scaling the rest by ``1/(1-rate)``.

    Args:
        rate: the drop probability, in ``[0, 1]``.
        noise_shape: the shape of the keep/drop mask, broadcast over the inputs (None
            entries take the input's size), e.g. ``(None, 1, None)`` for the same mask at
            every time step.
        seed: an int for reproducible masks.

    Example:
        >>> Dropout(0.5, seed=1)(np.ones((2, 4)), training=True)   # zeros and 2.0s
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        check_rate(rate)
        super().__init__(seed=seed, active=rate > 0, **kwargs)
        self.rate = rate
        self.noise_shape = _check_noise_shape(noise_shape)

    def _noise_shape(self, inputs):
        return self.noise_shape

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        if self.rate >= 1:
            return ops.zeros_like(inputs)
        return random_ops.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs),
                                  seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


class _SpatialDropout(Dropout):
    """Dropout of whole channels; subclasses set the input rank."""

    rank = None

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.data_format = None if data_format is None and self.rank == 1 else (
            engine_config.standardize_data_format(data_format))

    def _noise_shape(self, inputs):
        ones = (1,) * self.rank
        if self.data_format == "channels_first":
            return (None, None) + ones
        return (None,) + ones + (None,)

    def get_config(self):
        config = {"rate": self.rate, "seed": self.seed, "name": self.name,
                  "dtype": serialization.serialize_keras_object(self.dtype_policy)}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


@builtin("layers")
class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature maps of ``(batch, steps, channels)`` inputs while training.

    Args:
        rate: the drop probability of each channel, in ``[0, 1]``.
        seed: an int for reproducible masks.
        name, dtype: as for every layer.

    Example:
        >>> SpatialDropout1D(0.5, seed=1)(np.ones((1, 3, 4)), training=True)  # columns of 0 or 2
    """

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)


@builtin("layers")
class SpatialDropout2D(_SpatialDropout):
    """Drops whole channels of 4D image batches while training.

    Args:
        rate: the drop probability of each channel, in ``[0, 1]``.
        data_format: ``"channels_last"`` (``(b, h, w, c)``) or ``"channels_first"``
            (``(b, c, h, w)``); None means the global image data format.
        seed: an int for reproducible masks.
        name, dtype: as for every layer.

    Example:
        >>> SpatialDropout2D(0.5)(np.ones((1, 2, 2, 3)), training=True).shape
        (1, 2, 2, 3)
    """

    rank = 2

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype)


@builtin("layers")
class SpatialDropout3D(_SpatialDropout):
    """Drops whole channels of 5D volume batches while training.

    Args:
        rate: the drop probability of each channel, in ``[0, 1]``.
        data_format: ``"channels_last"`` (``(b, d, h, w, c)``) or ``"channels_first"``
            (``(b, c, d, h, w)``); None means the global image data format.
        seed: an int for reproducible masks.
        name, dtype: as for every layer.

    Example:
        >>> SpatialDropout3D(0.5)(np.ones((1, 2, 2, 2, 3)), training=True).shape
        (1, 2, 2, 2, 3)
    """

    rank = 3

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@builtin("layers")
class AlphaDropout(_Noise):
    """Dropout for self-normalizing (SELU) networks: keeps mean and variance of the inputs.

    While training, dropped entries are set to SELU's negative saturation value and the
    result is affinely rescaled so that zero-mean, unit-variance inputs stay so.

    Args:
        rate: the drop probability, in ``[0, 1]``.
        noise_shape: the shape of the keep/drop mask, broadcast over the inputs.
        seed: an int for reproducible masks.

    Example:
        >>> AlphaDropout(0.2, seed=0)(np.zeros((2, 3)), training=True).shape
        (2, 3)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        check_rate(rate)
        super().__init__(seed=seed, active=rate > 0, **kwargs)
        self.rate = rate
        self.noise_shape = _check_noise_shape(noise_shape)

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        dtype = core_ops.dtype(inputs)
        saturation = -_SELU_ALPHA * _SELU_SCALE
        if self.rate >= 1:  # everything dropped: the limit of the affine map is the constant 0
            return ops.zeros_like(inputs)
        shape = core_ops.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(d if n is None else n for n, d in zip(self.noise_shape, shape))
        kept = core_ops.cast(ops.greater_equal(random_ops.uniform(shape, seed=self.seed_generator), self.rate),
                             dtype)
        a = ((1 - self.rate) * (1 + self.rate * saturation ** 2)) ** -0.5
        b = -a * saturation * self.rate
        x = ops.add(ops.multiply(inputs, kept), ops.multiply(saturation, ops.subtract(1.0, kept)))
        return ops.add(ops.multiply(x, a), b)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
