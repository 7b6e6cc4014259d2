"""Reductions and statistics on the NumPy backend."""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = ["sum"]


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=common.numpy_dtype(dtypes.sum_result(x.dtype)))
