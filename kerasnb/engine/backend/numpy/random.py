"""Random ops on the NumPy backend: a fresh `np.random.Generator` seeded by each seed tensor."""

import numpy as np

from kerasnb.engine import config
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]


def _rng(seed):
    """A generator determined by the ``[seed, counter]`` tensor `seed`."""
    return np.random.default_rng(convert_to_tensor(seed).astype(np.uint64))


def _dtype(dtype):
    return common.numpy_dtype(dtype or config.floatx())


def _array(x):
    return x if isinstance(x, (int, float)) else convert_to_tensor(x)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _rng(seed).normal(_array(mean), _array(stddev), shape).astype(_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _rng(seed).uniform(_array(minval), _array(maxval), shape).astype(_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    rng = _rng(seed)
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2
    while outside.any():  # redraw only what fell outside two standard deviations
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2
    return (_array(mean) + _array(stddev) * z).astype(_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return _rng(seed).integers(_array(minval), _array(maxval), shape).astype(_dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    return _rng(seed).gamma(_array(alpha), 1.0, shape).astype(_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return _rng(seed).beta(_array(alpha), _array(beta), shape).astype(_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    counts = np.asarray(_array(counts)).astype(np.int64)
    return _rng(seed).binomial(counts, _array(probabilities), shape).astype(_dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    # Gumbel-max: the argmax of logits plus Gumbel noise is a categorical sample.
    noise = _rng(seed).gumbel(size=(logits.shape[0], num_samples, logits.shape[1]))
    return np.argmax(logits[:, None, :] + noise, axis=-1).astype(_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    shape = [d if n is None else n for n, d in zip(noise_shape or inputs.shape, inputs.shape)]
    keep = _rng(seed).uniform(size=shape) >= rate
    return np.where(keep, inputs / (1.0 - rate), 0).astype(inputs.dtype)


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    return np.take(x, _rng(seed).permutation(x.shape[axis]), axis=axis)
