"""Reductions and statistics on the TensorFlow backend."""

import tensorflow as tf

from kerasnb.engine import dtypes
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor

__all__ = ["sum"]


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return tf.reduce_sum(tf.cast(x, dtypes.sum_result(x.dtype.name)), axis=axis, keepdims=keepdims)
