"""Random ops on the JAX backend: `jax.random` with a key made from each seed tensor.

The seed is a traced value like any other, so these ops work inside `jax.jit`.
"""

import jax
import jax.numpy as jnp

from kerasnb.engine import config
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]


def _key(seed):
    """A threefry key from the ``[seed, counter]`` tensor `seed`."""
    return jax.random.wrap_key_data(convert_to_tensor(seed).astype(jnp.uint32))


def _dtype(dtype):
    return common.numpy_dtype(dtype or config.floatx())


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    sample = jax.random.normal(_key(seed), shape, _dtype(dtype))
    return (mean + stddev * sample).astype(_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return jax.random.uniform(_key(seed), shape, _dtype(dtype), minval, maxval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    sample = jax.random.truncated_normal(_key(seed), -2.0, 2.0, shape, _dtype(dtype))
    return (mean + stddev * sample).astype(_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(_key(seed), shape, minval, maxval, _dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    return jax.random.gamma(_key(seed), alpha, shape, _dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    # Two gamma draws: this reuses gamma's compiled sampler rather than compiling another.
    first, second = jax.random.split(_key(seed))
    x = jax.random.gamma(first, alpha, shape, _dtype(dtype))
    return x / (x + jax.random.gamma(second, beta, shape, _dtype(dtype)))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    return jax.random.binomial(_key(seed), counts, probabilities, shape, _dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    samples = jax.random.categorical(_key(seed), logits, axis=-1, shape=(num_samples, logits.shape[0]))
    return samples.T.astype(_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    shape = [d if n is None else n for n, d in zip(noise_shape or inputs.shape, inputs.shape)]
    keep = jax.random.bernoulli(_key(seed), 1.0 - rate, shape)
    return jnp.where(keep, inputs / (1.0 - rate), 0).astype(inputs.dtype)


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(_key(seed), convert_to_tensor(x), axis=axis, independent=False)
