"""Elementwise ops on the TensorFlow backend."""

import tensorflow as tf

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.tensorflow.core import Tensor, convert_to_tensor

__all__ = ["add", "sqrt"]


def _binary(fn):
    def impl(x1, x2):
        if type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype:
            return fn(x1, x2)
        return fn(*common.binary_operands(convert_to_tensor, x1, x2))
    return impl


def _unary_float(fn):
    def impl(x):
        x = convert_to_tensor(x)
        return fn(tf.cast(x, dtypes.float_result(x.dtype.name)))
    return impl


add = _binary(tf.add)
sqrt = _unary_float(tf.sqrt)
