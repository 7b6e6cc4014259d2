"""Elementwise ops on the PyTorch backend."""

import torch

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.torch.core import convert_to_tensor, to_torch_dtype

__all__ = ["add", "sqrt"]


def _binary(fn):
    def impl(x1, x2):
        if type(x1) is torch.Tensor and type(x2) is torch.Tensor and x1.dtype == x2.dtype:
            return fn(x1, x2)
        return fn(*common.binary_operands(convert_to_tensor, x1, x2))
    return impl


def _unary_float(fn):
    def impl(x):
        x = convert_to_tensor(x)
        return fn(x.to(to_torch_dtype(dtypes.float_result(x.dtype))))
    return impl


add = _binary(torch.add)
sqrt = _unary_float(torch.sqrt)
