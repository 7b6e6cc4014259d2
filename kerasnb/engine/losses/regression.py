"""Regression losses: squared, absolute, percentage and log errors, Huber, log-cosh, cosine.

Each loss is a function of ``(y_true, y_pred)`` returning one value per sample (the last
axis is averaged or summed away) and a `LossFunctionWrapper` class around it.

Example:
    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
"""

import math

from kerasnb.engine import config
from kerasnb.engine.losses.wrapper import LossFunctionWrapper, pair
from kerasnb.engine.ops import nn
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


@builtin("losses", "mse", "MSE")
def mean_squared_error(y_true, y_pred):
    """Mean of ``(y_true - y_pred) ** 2`` over the last axis.

    Example:
        >>> mean_squared_error([[0.0, 2.0]], [[1.0, 1.0]])
        array([1.], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    return knp.mean(knp.square(y_true - y_pred), axis=-1)


@builtin("losses", "mae", "MAE")
def mean_absolute_error(y_true, y_pred):
    """Mean of ``abs(y_true - y_pred)`` over the last axis.

    Example:
        >>> mean_absolute_error([[0.0, 2.0]], [[1.0, 1.0]])
        array([1.], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    return knp.mean(knp.abs(y_true - y_pred), axis=-1)


@builtin("losses", "mape", "MAPE")
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)))`` over the last axis.

    Example:
        >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]])
        array([25.], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    scale = knp.maximum(knp.abs(y_true), config.epsilon())
    return 100.0 * knp.mean(knp.abs((y_true - y_pred) / scale), axis=-1)


@builtin("losses", "msle", "MSLE")
def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of ``(log(1 + y_pred) - log(1 + y_true)) ** 2`` over the last axis; inputs
    below epsilon count as epsilon.

    Example:
        >>> round(float(mean_squared_logarithmic_error([[0.0]], [[math.e - 1]])[0]), 4)
        1.0
    """
    y_true, y_pred = pair(y_true, y_pred)
    eps = config.epsilon()
    log_pred = knp.log(knp.maximum(y_pred, eps) + 1.0)
    log_true = knp.log(knp.maximum(y_true, eps) + 1.0)
    return knp.mean(knp.square(log_pred - log_true), axis=-1)


@builtin("losses")
def huber(y_true, y_pred, delta=1.0):
    """Mean Huber loss over the last axis: ``0.5 * e**2`` where ``|e| <= delta``, else
    ``delta * |e| - 0.5 * delta**2``, with ``e = y_pred - y_true``.

    Example:
        >>> huber([[0.0, 0.0]], [[0.5, 3.0]])
        array([1.3125], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    error = y_pred - y_true
    abs_error = knp.abs(error)
    quadratic = 0.5 * knp.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return knp.mean(knp.where(abs_error <= delta, quadratic, linear), axis=-1)


@builtin("losses")
def log_cosh(y_true, y_pred):
    """Mean of ``log(cosh(y_pred - y_true))`` over the last axis, computed stably as
    ``x + softplus(-2x) - log(2)``.

    Example:
        >>> log_cosh([[0.0]], [[0.0]])
        array([0.], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    error = y_pred - y_true
    return knp.mean(error + nn.softplus(-2.0 * error) - math.log(2.0), axis=-1)


def l2_normalize(x, axis=-1):
    """`x` divided by its L2 norm along `axis` (norms below 1e-6 count as 1e-6)."""
    squared_norm = knp.sum(knp.square(x), axis=axis, keepdims=True)
    return x / knp.sqrt(knp.maximum(squared_norm, 1e-12))


@builtin("losses")
def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine similarity of `y_true` and `y_pred` along `axis` (-1 means aligned).

    Example:
        >>> cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])
        array([-1.], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    return -knp.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


@builtin("losses")
class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors over the last axis, reduced over samples.

    Example:
        >>> float(MeanSquaredError()([[0.0, 2.0]], [[1.0, 1.0]]))
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


@builtin("losses")
class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors over the last axis, reduced over samples.

    Example:
        >>> float(MeanAbsoluteError()([[0.0, 2.0]], [[1.0, 1.0]]))
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


@builtin("losses")
class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error, reduced over samples.

    Example:
        >>> float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]))
        25.0
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction,
                         dtype=dtype)


@builtin("losses")
class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error, reduced over samples.

    Example:
        >>> round(float(MeanSquaredLogarithmicError()([[0.0]], [[math.e - 1]])), 4)
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction,
                         dtype=dtype)


@builtin("losses")
class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for errors up to `delta`, linear beyond.

    Args:
        delta: where the loss turns from quadratic to linear.

    Example:
        >>> float(Huber()([[0.0, 0.0]], [[0.5, 3.0]]))
        1.3125
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)


@builtin("losses")
class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error, reduced over samples.

    Example:
        >>> float(LogCosh()([[0.0]], [[0.0]]))
        0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)


@builtin("losses")
class CosineSimilarity(LossFunctionWrapper):
    """Minus the cosine similarity between labels and predictions along `axis`.

    Args:
        axis: the axis the similarity is computed along.

    Example:
        >>> float(CosineSimilarity()([[1.0, 0.0]], [[2.0, 0.0]]))
        -1.0
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype,
                         axis=axis)
