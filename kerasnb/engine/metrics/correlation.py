"""Correlation metrics: Pearson's and Lin's concordance correlation along an axis.

Each function correlates `y_true` with `y_pred` along `axis` (per sample for 2-D inputs);
each class is the running (weighted) mean of those per-sample coefficients.

Example:
    >>> float(pearson_correlation([1.0, 2.0, 3.0], [2.0, 4.0, 6.5]))  # doctest: +ELLIPSIS
    0.99...
"""

from kerasnb.engine import config
from kerasnb.engine.losses.loss import match_rank
from kerasnb.engine.metrics.reduction import MeanMetricWrapper
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


def _aligned(y_true, y_pred):
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.cast(core.convert_to_tensor(y_true), core.dtype(y_pred))
    return match_rank(y_true, y_pred)


@builtin("metrics")
def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of `y_true` and `y_pred` along `axis`:
    ``mean(z(y_true) * z(y_pred))`` with ``z`` the standardized values.

    Example:
        >>> kerasnb.ops.round(pearson_correlation([[1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0]]), 4)
        array([-1.], dtype=float32)
    """
    y_true, y_pred = _aligned(y_true, y_pred)

    def standardized(x):
        centered = x - knp.mean(x, axis=axis, keepdims=True)
        return centered / knp.std(centered, axis=axis, keepdims=True)

    return knp.mean(standardized(y_true) * standardized(y_pred), axis=axis)


@builtin("metrics")
def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along `axis`:
    ``2 cov(t, p) / (var(t) + var(p) + (mean(t) - mean(p))**2)``; it is 1 only when the
    values agree exactly, not just linearly.

    Example:
        >>> concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])  # doctest: +ELLIPSIS
        array([0.99...], dtype=float32)
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    true_mean = knp.mean(y_true, axis=axis, keepdims=True)
    pred_mean = knp.mean(y_pred, axis=axis, keepdims=True)
    true_centered, pred_centered = y_true - true_mean, y_pred - pred_mean
    spread = (knp.var(true_centered, axis=axis, keepdims=True)
              + knp.var(pred_centered, axis=axis, keepdims=True)
              + knp.square(true_mean - pred_mean))
    return knp.mean(2 * true_centered * pred_centered / (spread + config.epsilon()), axis=axis)


class _CorrelationMetric(MeanMetricWrapper):
    def __init__(self, fn, name, dtype, axis):
        super().__init__(fn, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@builtin("metrics")
class PearsonCorrelation(_CorrelationMetric):
    """The mean Pearson correlation of `y_true` and `y_pred` along `axis`.

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulators.
        axis: the axis along which the correlation is computed.

    Example:
        >>> m = PearsonCorrelation()
        >>> round(float(m([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])), 4)
        1.0
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name, dtype, axis)


@builtin("metrics")
class ConcordanceCorrelation(_CorrelationMetric):
    """The mean concordance correlation of `y_true` and `y_pred` along `axis`.

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulators.
        axis: the axis along which the correlation is computed.

    Example:
        >>> m = ConcordanceCorrelation()
        >>> round(float(m([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])), 3)
        0.364
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name, dtype, axis)
