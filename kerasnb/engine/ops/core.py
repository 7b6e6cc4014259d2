"""Core ops: conversion, dtype and shape queries, control flow, gradients, slicing and scatter."""

from kerasnb.engine import backend, dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op
from kerasnb.engine.tensors import KerasTensor, Variable

__all__ = ["cast", "convert_to_numpy", "convert_to_tensor", "dtype", "is_tensor", "shape"]


def _cast_rule(x, dtype):
    return rules.tensor(rules.shape_of(x), dtypes.standardize_dtype(dtype))


@op(_cast_rule, family="core")
def cast(x, dtype):
    """Casts `x` to `dtype`.

    Example:
        >>> ops.cast([1.7, -1.2], "int32")
        array([ 1, -1], dtype=int32)
    """


def _convert_rule(x, dtype=None, sparse=None, ragged=None):
    return rules.tensor(rules.shape_of(x), dtypes.standardize_dtype(dtype) if dtype else rules.dtype_of(x))


@op(_convert_rule, family="core")
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tensor of the active backend from arrays, Python data, Variables or other frameworks' tensors.

    Example:
        >>> ops.convert_to_tensor([1, 2])
        array([1, 2], dtype=int32)
    """


def convert_to_numpy(x):
    """A NumPy array holding the values of tensor `x` (any backend).

    Example:
        >>> ops.convert_to_numpy(ops.ones((2,)))
        array([1., 1.], dtype=float32)
    """
    if isinstance(x, KerasTensor):
        raise TypeError("A symbolic KerasTensor has no values to convert to NumPy.")
    return backend.get().convert_to_numpy(x)


def dtype(x):
    """The Keras dtype name of `x` (tensor of any backend, Variable, KerasTensor or Python value).

    Example:
        >>> ops.dtype(ops.ones((2,), dtype="int8"))
        'int8'
    """
    return rules.dtype_of(x)


def is_tensor(x):
    """Whether `x` is a tensor of the active backend (KerasTensors and Variables are not).

    Example:
        >>> ops.is_tensor(ops.ones((1,)))
        True
    """
    return backend.get().is_tensor(x)


def shape(x):
    """The shape of `x` as a tuple; unknown dims are None (symbolic) or scalar tensors (traced).

    Example:
        >>> ops.shape(ops.ones((2, 3)))
        (2, 3)
    """
    if isinstance(x, (KerasTensor, Variable)):
        return x.shape
    return backend.get().shape(backend.get().convert_to_tensor(x))
