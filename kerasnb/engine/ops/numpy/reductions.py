"""Reductions, statistics, cumulative and segment ops, sorting and searching."""

from kerasnb.engine import dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op

__all__ = ["sum"]


@op(rules.reduction(dtypes.sum_result))
def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (all axes when None); small ints accumulate in 32 bits.

    Example:
        >>> ops.sum([[1, 2], [3, 4]], axis=0)
        array([4, 6], dtype=int32)
    """
