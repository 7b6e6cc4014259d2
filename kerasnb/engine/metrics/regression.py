"""Regression metrics: running (weighted) means of the regression losses, plus
`RootMeanSquaredError` and `CosineSimilarity`.

Example:
    >>> m = MeanAbsoluteError()
    >>> float(m([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
"""

from kerasnb.engine.losses import regression
from kerasnb.engine.losses.loss import match_rank
from kerasnb.engine.losses.wrapper import pair
from kerasnb.engine.metrics.reduction import Mean, MeanMetricWrapper
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin

for _function in (regression.mean_squared_error, regression.mean_absolute_error,
                  regression.mean_absolute_percentage_error,
                  regression.mean_squared_logarithmic_error, regression.huber,
                  regression.log_cosh):
    builtin("metrics")(_function)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine similarity of `y_true` and `y_pred` along `axis` (1 means aligned)."""
    y_true, y_pred = pair(y_true, y_pred)
    return knp.sum(regression.l2_normalize(y_true, axis) * regression.l2_normalize(y_pred, axis),
                   axis=axis)


@builtin("metrics")
class MeanSquaredError(MeanMetricWrapper):
    """The mean of squared errors.

    Example:
        >>> float(MeanSquaredError()([[0.0, 2.0]], [[1.0, 1.0]]))
        1.0
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(regression.mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of absolute errors.

    Example:
        >>> float(MeanAbsoluteError()([[0.0, 2.0]], [[1.0, 1.0]]))
        1.0
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(regression.mean_absolute_error, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean absolute percentage error.

    Example:
        >>> float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]))
        25.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(regression.mean_absolute_percentage_error, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean squared logarithmic error.

    Example:
        >>> float(MeanSquaredLogarithmicError()([[0.0]], [[0.0]]))
        0.0
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(regression.mean_squared_logarithmic_error, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class LogCoshError(MeanMetricWrapper):
    """The mean of ``log(cosh(y_pred - y_true))``.

    Example:
        >>> float(LogCoshError()([[0.0]], [[0.0]]))
        0.0
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(regression.log_cosh, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions along `axis`.

    Args:
        axis: the axis the similarity is computed along.

    Example:
        >>> float(CosineSimilarity()([[1.0, 0.0]], [[2.0, 0.0]]))
        1.0
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self._direction = "up"


@builtin("metrics")
class RootMeanSquaredError(Mean):
    """The square root of the (weighted) mean squared error over everything seen.

    Example:
        >>> round(float(RootMeanSquaredError()([[0.0, 2.0]], [[3.0, 2.0]])), 4)
        2.1213
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = core.cast(core.convert_to_tensor(y_pred), self.dtype)
        y_true = core.cast(core.convert_to_tensor(y_true), self.dtype)
        y_true, y_pred = match_rank(y_true, y_pred)
        super().update_state(knp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return knp.sqrt(super().result())
