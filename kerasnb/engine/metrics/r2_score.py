"""`R2Score`: the coefficient of determination of a regression, streamed over batches.

``R2 = 1 - sum((y_true - y_pred)**2) / sum((y_true - mean(y_true))**2)`` per output column,
from running sums, so it equals the score of all the data seen at once.

Example:
    >>> m = R2Score()
    >>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
    >>> round(float(m.result()), 4)
    0.5714
"""

from kerasnb.engine.losses.loss import match_rank
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin

CLASS_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


@builtin("metrics")
class R2Score(Metric):
    """The R2 (coefficient of determination) of 2-D regression targets ``(batch, outputs)``.

    Args:
        class_aggregation: how the per-output scores combine: ``"uniform_average"`` (their
            mean), ``"variance_weighted_average"`` (weighted by each output's variance) or
            None (one score per output).
        num_regressors: the number of independent variables ``p``; when > 0 the adjusted
            R2 ``1 - (1 - R2) (n - 1) / (n - p - 1)`` is returned, with ``n`` the number of
            values seen (the plain R2 while ``p >= n - 1``).
        name: the metric's name.
        dtype: the dtype of the accumulators.

    Example:
        >>> m = R2Score(class_aggregation=None)
        >>> m.update_state([[1.0, 0.0], [3.0, 2.0]], [[1.0, 1.0], [3.0, 1.0]])
        >>> m.result()
        array([1., 0.], dtype=float32)
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in CLASS_AGGREGATIONS:
            raise ValueError(
                f"`class_aggregation` must be one of {CLASS_AGGREGATIONS}; received "
                f"class_aggregation={class_aggregation!r}.")
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(
                "`num_regressors` must be an int >= 0; received "
                f"num_regressors={num_regressors!r}.")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._direction = "up"
        self._built = False

    def _build(self, true_shape, pred_shape):
        if len(pred_shape) != 2 or len(true_shape) != 2 or None in (pred_shape[-1], true_shape[-1]):
            raise ValueError(
                "R2Score expects 2-D inputs of shape (batch_size, output_dim) with a known "
                f"output_dim; received shapes y_true.shape={tuple(true_shape)} and "
                f"y_pred.shape={tuple(pred_shape)}.")
        shape = (pred_shape[-1],)
        self.squared_sum = self.add_variable(shape, "zeros", name="squared_sum")
        self.sum = self.add_variable(shape, "zeros", name="sum")
        self.total_mse = self.add_variable(shape, "zeros", name="residual")
        self.count = self.add_variable(shape, "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = core.cast(core.convert_to_tensor(y_true), self.dtype)
        y_pred = core.cast(core.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = match_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        weights = core.cast(core.convert_to_tensor(1 if sample_weight is None else sample_weight),
                            self.dtype)
        if len(weights.shape) == 1:
            weights = knp.expand_dims(weights, 1)
        weights = knp.broadcast_to(weights, core.shape(y_true))
        weighted_true = y_true * weights
        self.sum.assign_add(knp.sum(weighted_true, axis=0))
        self.squared_sum.assign_add(knp.sum(y_true * weighted_true, axis=0))
        self.total_mse.assign_add(knp.sum(knp.square(y_true - y_pred) * weights, axis=0))
        self.count.assign_add(knp.sum(weights, axis=0))
        self.num_samples.assign_add(core.cast(knp.size(y_true), self.dtype))

    def result(self):
        total_sum = self.sum.value
        variation = self.squared_sum.value - total_sum * (total_sum / self.count.value)
        scores = 1 - self.total_mse.value / variation
        scores = knp.where(knp.isinf(scores), knp.zeros_like(scores), scores)
        if self.class_aggregation == "uniform_average":
            scores = knp.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            scores = knp.sum(variation * scores) / knp.sum(variation)
        if self.num_regressors == 0:
            return scores
        n = self.num_samples.value
        adjusted = 1 - (1 - scores) * (n - 1) / (n - self.num_regressors - 1)
        return knp.where(knp.less(self.num_regressors, n - 1), adjusted, scores)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype,
                "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
