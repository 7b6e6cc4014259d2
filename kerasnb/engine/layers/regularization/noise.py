"""Gaussian noise layers and `ActivityRegularization`."""

import math

from kerasnb.engine import regularizers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.regularization.dropout import _Noise, check_rate
from kerasnb.engine.ops import core as core_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.random import random as random_ops
from kerasnb.engine.saving.serialization import builtin


@builtin("layers")
class GaussianDropout(_Noise):
    """Multiplies the inputs by noise ~ N(1, rate / (1 - rate)) while training.

    Args:
        rate: the equivalent drop probability, in ``[0, 1]``.
        seed: an int for reproducible noise.

    Example:
        >>> GaussianDropout(0.2, seed=0)(np.ones((2, 3)), training=True).shape
        (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        check_rate(rate)
        super().__init__(seed=seed, active=rate > 0, **kwargs)
        self.rate = rate

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate)) if self.rate < 1 else math.inf
        noise = random_ops.normal(core_ops.shape(inputs), mean=1.0, stddev=stddev,
                                  dtype=core_ops.dtype(inputs), seed=self.seed_generator)
        return ops.multiply(inputs, noise)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@builtin("layers")
class GaussianNoise(_Noise):
    """Adds zero-mean Gaussian noise of standard deviation `stddev` while training.

    Args:
        stddev: the noise's standard deviation, in ``[0, 1]``.
        seed: an int for reproducible noise.

    Example:
        >>> GaussianNoise(0.1, seed=0)(np.ones((2, 3)), training=True).shape
        (2, 3)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        check_rate(stddev, "stddev")
        super().__init__(seed=seed, active=stddev > 0, **kwargs)
        self.stddev = stddev

    def call(self, inputs, training=False):
        if not training or self.stddev <= 0:
            return inputs
        noise = random_ops.normal(core_ops.shape(inputs), mean=0.0, stddev=self.stddev,
                                  dtype=core_ops.dtype(inputs), seed=self.seed_generator)
        return ops.add(inputs, noise)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


@builtin("layers")
class ActivityRegularization(Layer):
    """Passes inputs through and adds an L1/L2 penalty on them to `losses`.

    Args:
        l1: the L1 factor (sum of absolute values).
        l2: the L2 factor (sum of squares).

    Example:
        >>> layer = ActivityRegularization(l1=0.1)
        >>> _ = layer(np.ones((2, 3)))
        >>> len(layer.losses)
        1
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        for name, value in (("l1", l1), ("l2", l2)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"`{name}` must be a non-negative number; received {name}={value!r}.")
        kwargs.pop("activity_regularizer", None)
        super().__init__(**kwargs)
        # The penalty is added here rather than through the base `activity_regularizer`
        # hook, whose batch-size division currently fails (see the family report).
        self.regularizer = regularizers.L1L2(l1=l1, l2=l2)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs):
        batch = core_ops.shape(inputs)[0] if len(inputs.shape) else 1
        penalty = self.regularizer(inputs)
        self.add_loss(ops.divide(penalty, core_ops.cast(batch, core_ops.dtype(penalty))))
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
