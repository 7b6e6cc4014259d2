"""Hinge losses for maximum-margin classification: `Hinge`, `SquaredHinge`,
`CategoricalHinge`.

Binary labels may be given as 0/1 (they are mapped to -1/1) or as -1/1.

Example:
    >>> float(Hinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.25
"""

from kerasnb.engine.losses.wrapper import LossFunctionWrapper, pair
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


def signed_labels(y_true):
    """`y_true` mapped from {0, 1} to {-1, 1} when every label is 0 or 1; otherwise as is."""
    is_binary = knp.all(knp.logical_or(knp.equal(y_true, 0), knp.equal(y_true, 1)))
    return knp.where(is_binary, 2.0 * y_true - 1.0, y_true)


@builtin("losses")
def hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0)`` over the last axis.

    Example:
        >>> hinge([[1.0, 0.0]], [[0.5, -2.0]])
        array([0.25], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    return knp.mean(knp.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0), axis=-1)


@builtin("losses")
def squared_hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0) ** 2`` over the last axis.

    Example:
        >>> squared_hinge([[1.0, 0.0]], [[0.5, -2.0]])
        array([0.125], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    margin = knp.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0)
    return knp.mean(knp.square(margin), axis=-1)


@builtin("losses")
def categorical_hinge(y_true, y_pred):
    """``max(0, 1 + max_wrong - true_score)`` per sample, for one-hot `y_true`: the best
    score among the wrong classes should trail the true class's score by a margin of 1.

    Example:
        >>> categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]])
        array([0.5], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    positive = knp.sum(y_true * y_pred, axis=-1)
    negative = knp.max((1.0 - y_true) * y_pred, axis=-1)
    return knp.maximum(negative - positive + 1.0, core.cast(0.0, core.dtype(y_pred)))


@builtin("losses")
class Hinge(LossFunctionWrapper):
    """Hinge loss ``max(1 - y_true * y_pred, 0)``, averaged over the last axis.

    Example:
        >>> float(Hinge()([[1.0, 0.0]], [[0.5, -2.0]]))
        0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


@builtin("losses")
class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss ``max(1 - y_true * y_pred, 0) ** 2``, averaged over the last axis.

    Example:
        >>> float(SquaredHinge()([[1.0, 0.0]], [[0.5, -2.0]]))
        0.125
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


@builtin("losses")
class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss for one-hot labels.

    Example:
        >>> float(CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]]))
        0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)
