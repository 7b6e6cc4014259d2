"""Initializers drawing from fixed distributions: `RandomNormal`, `TruncatedNormal`, `RandomUniform`."""

from kerasnb.engine import random as krandom
from kerasnb.engine.initializers.initializer import (
    RandomInitializer, check_float_dtype, check_number, check_shape)
from kerasnb.engine.saving.serialization import builtin


@builtin("initializers", "random_normal", "normal")
class RandomNormal(RandomInitializer):
    """Samples of a normal distribution of `mean` and `stddev`.

    Args:
        mean: the mean.
        stddev: the standard deviation.
        seed: an int, a `SeedGenerator` or None (see `RandomInitializer`).

    Example:
        >>> RandomNormal(stddev=1.0, seed=1)((2, 3)).shape
        (2, 3)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = check_number(mean, "mean", "RandomNormal")
        self.stddev = check_number(stddev, "stddev", "RandomNormal")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return krandom.normal(check_shape(shape, "RandomNormal"), mean=self.mean, stddev=self.stddev,
                              dtype=check_float_dtype(dtype, "RandomNormal"), seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@builtin("initializers", "truncated_normal")
class TruncatedNormal(RandomInitializer):
    """Samples of a normal distribution, redrawn when more than two `stddev` from `mean`.

    Args:
        mean: the mean.
        stddev: the standard deviation before truncation.
        seed: an int, a `SeedGenerator` or None (see `RandomInitializer`).

    Example:
        >>> TruncatedNormal(stddev=1.0, seed=1)((4,)).shape
        (4,)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = check_number(mean, "mean", "TruncatedNormal")
        self.stddev = check_number(stddev, "stddev", "TruncatedNormal")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return krandom.truncated_normal(
            check_shape(shape, "TruncatedNormal"), mean=self.mean, stddev=self.stddev,
            dtype=check_float_dtype(dtype, "TruncatedNormal"), seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@builtin("initializers", "random_uniform", "uniform")
class RandomUniform(RandomInitializer):
    """Samples of the uniform distribution on ``[minval, maxval)``.

    Args:
        minval: the lower bound.
        maxval: the upper bound (excluded).
        seed: an int, a `SeedGenerator` or None (see `RandomInitializer`).

    Example:
        >>> RandomUniform(-1.0, 1.0, seed=1)((2, 2)).shape
        (2, 2)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = check_number(minval, "minval", "RandomUniform")
        self.maxval = check_number(maxval, "maxval", "RandomUniform")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return krandom.uniform(check_shape(shape, "RandomUniform"), minval=self.minval,
                               maxval=self.maxval, dtype=check_float_dtype(dtype, "RandomUniform"),
                               seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}
