"""Elementwise ops on the NumPy backend."""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = ["add", "sqrt"]


def _binary(fn):
    def impl(x1, x2):
        if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
            return fn(x1, x2)
        return fn(*common.binary_operands(convert_to_tensor, x1, x2))
    return impl


def _unary_float(fn):
    def impl(x):
        x = convert_to_tensor(x)
        return fn(x.astype(common.numpy_dtype(dtypes.float_result(x.dtype)), copy=False))
    return impl


add = _binary(np.add)
sqrt = _unary_float(np.sqrt)
