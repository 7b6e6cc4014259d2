"""Overlap losses for segmentation: `Dice` and `Tversky` (1 minus an overlap score).

With ``axis=None`` the overlap is taken over the whole batch (a scalar); with an axis (or
tuple of axes) it is taken per remaining index, e.g. ``axis=(1, 2, 3)`` gives one value per
image.

Example:
    >>> round(float(Dice()([[1.0, 0.0]], [[1.0, 0.0]])), 4)
    0.0
"""

from kerasnb.engine import config
from kerasnb.engine.losses.wrapper import LossFunctionWrapper, pair
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


@builtin("losses")
def dice(y_true, y_pred, axis=None):
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`` over `axis`.

    Example:
        >>> round(float(dice([[1.0, 1.0]], [[1.0, 0.0]])), 4)
        0.3333
    """
    y_true, y_pred = pair(y_true, y_pred, match=False)
    intersection = knp.sum(y_true * y_pred, axis=axis)
    total = knp.sum(y_true, axis=axis) + knp.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (total + config.epsilon())


@builtin("losses")
def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha * sum(y_true * (1 - y_pred)) + beta * sum((1 - y_true) * y_pred))``
    over `axis` (soft counts; ``alpha = beta = 0.5`` gives Dice). As in Keras, `alpha`
    weighs the positives missed and `beta` the false alarms.

    Example:
        >>> round(float(tversky([[1.0, 1.0]], [[1.0, 0.0]], alpha=0.5, beta=0.5)), 4)
        0.3333
    """
    y_true, y_pred = pair(y_true, y_pred, match=False)
    true_positives = knp.sum(y_true * y_pred, axis=axis)
    missed = knp.sum(y_true * (1.0 - y_pred), axis=axis)
    false_alarms = knp.sum((1.0 - y_true) * y_pred, axis=axis)
    denominator = (true_positives + alpha * missed + beta * false_alarms
                   + config.epsilon())
    return 1.0 - true_positives / denominator


@builtin("losses")
class Dice(LossFunctionWrapper):
    """Dice loss, 1 minus the Dice overlap of labels and predictions.

    Args:
        axis: the axes the overlap is summed over (None: all).

    Example:
        >>> round(float(Dice()([[1.0, 1.0]], [[1.0, 0.0]])), 4)
        0.3333
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis


@builtin("losses")
class Tversky(LossFunctionWrapper):
    """Tversky loss: a Dice-like overlap loss with separate weights for the two error kinds.

    Args:
        alpha: the weight of ``sum(y_true * (1 - y_pred))`` (positives missed).
        beta: the weight of ``sum((1 - y_true) * y_pred)`` (false alarms).
        axis: the axes the counts are summed over (None: all).

    Example:
        >>> round(float(Tversky()([[1.0, 1.0]], [[1.0, 0.0]])), 4)
        0.3333
    """

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha, self.beta, self.axis = alpha, beta, axis
