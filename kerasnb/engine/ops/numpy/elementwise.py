"""Elementwise NumPy-compatible ops: arithmetic, comparisons, logic, bits, math functions."""

from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op

__all__ = ["add", "sqrt"]


@op(rules.binary_promote)
def add(x1, x2):
    """Adds two tensors elementwise, with broadcasting and Keras type promotion.

    Args:
        x1: first tensor (or Python scalar).
        x2: second tensor (or Python scalar).

    Returns:
        The elementwise sum.

    Example:
        >>> ops.add([1, 2], 3)
        array([4, 5], dtype=int32)
    """


@op(rules.unary_float)
def sqrt(x):
    """Square root, elementwise; integer inputs give floatx.

    Example:
        >>> ops.sqrt([4.0, 9.0])
        array([2., 3.], dtype=float32)
    """
