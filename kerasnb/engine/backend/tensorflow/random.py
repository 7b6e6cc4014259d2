"""Random ops on the TensorFlow backend: the stateless `tf.random.stateless_*` samplers.

The seed is an ordinary tensor, so these ops work inside `tf.function`.
"""

import tensorflow as tf

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]


def _seed(seed):
    return tf.cast(convert_to_tensor(seed), "int64")


def _dtype(dtype):
    return dtypes.standardize_dtype(dtype or config.floatx())


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return tf.random.stateless_normal(shape, _seed(seed), mean, stddev, _dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return tf.random.stateless_uniform(shape, _seed(seed), minval, maxval, _dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return tf.random.stateless_truncated_normal(shape, _seed(seed), mean, stddev, _dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    # The stateless sampler draws int32 or int64 only; other integer dtypes are cast.
    sample = tf.random.stateless_uniform(shape, _seed(seed), minval, maxval, "int64")
    return tf.cast(sample, dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    return tf.random.stateless_gamma(shape, _seed(seed), alpha, dtype=_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    keys = tf.random.split(_seed(seed), 2)
    first, second = keys[0], keys[1]  # indexed: a graph tensor cannot be unpacked
    x = tf.random.stateless_gamma(shape, first, alpha, dtype=_dtype(dtype))
    y = tf.random.stateless_gamma(shape, second, beta, dtype=_dtype(dtype))
    return x / (x + y)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    return tf.random.stateless_binomial(shape, _seed(seed), counts, probabilities, _dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    samples = tf.random.stateless_categorical(logits, num_samples, _seed(seed), "int64")
    return tf.cast(samples, dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    dims = tf.unstack(tf.shape(inputs))
    shape = dims if noise_shape is None else [d if n is None else n for n, d in zip(noise_shape, dims)]
    keep = tf.random.stateless_uniform(tf.stack(shape), _seed(seed)) >= rate
    return tf.where(keep, inputs / tf.cast(1.0 - rate, inputs.dtype), tf.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    keys = tf.random.stateless_uniform([tf.shape(x)[axis]], _seed(seed))
    return tf.gather(x, tf.argsort(keys), axis=axis)
