"""Reductions and statistics on the PyTorch backend."""

import torch

from kerasnb.engine import dtypes
from kerasnb.engine.backend.torch.core import convert_to_tensor, to_torch_dtype

__all__ = ["sum"]


def _dims(axis):
    return () if axis is None else axis


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return torch.sum(x, dim=_dims(axis), keepdim=keepdims, dtype=to_torch_dtype(dtypes.sum_result(x.dtype)))
