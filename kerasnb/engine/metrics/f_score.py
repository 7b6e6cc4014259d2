"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged.

``F_beta = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)``; with
``beta=1`` this is the F1 score. Inputs are 2-D, ``(batch, classes)``: multi-class (one-hot)
or multi-label.

Example:
    >>> m = F1Score(threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
    ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> kerasnb.ops.round(m.result(), 4)
    array([0.5   , 0.8   , 0.6667], dtype=float32)
"""

from kerasnb.engine import config
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin

AVERAGES = (None, "micro", "macro", "weighted")


@builtin("metrics")
class FBetaScore(Metric):
    """The F-beta score of multi-class or multi-label predictions.

    Counts of true positives, false positives, false negatives and label support are
    accumulated per class (``average`` None/macro/weighted) or in total (micro); the
    variables are created on the first update, once the number of classes is known.

    Args:
        average: None (one score per class), ``"micro"`` (from the total counts),
            ``"macro"`` (the plain mean of the per-class scores) or ``"weighted"`` (their
            mean weighted by each class's support).
        beta: a positive float; recall counts ``beta`` times as much as precision.
        threshold: a float in ``(0, 1]``: predictions above it count as positive. None
            marks only the highest prediction of each row as positive.
        name: the metric's name.
        dtype: the dtype of the accumulators.

    Example:
        >>> m = FBetaScore(beta=2.0, average="micro", threshold=0.5)
        >>> m.update_state([[1, 0], [0, 1]], [[0.9, 0.7], [0.2, 0.1]])
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in AVERAGES:
            raise ValueError(f"`average` must be one of {AVERAGES}; received average={average!r}.")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(
                f"`beta` must be a Python float > 0; received beta={beta!r} "
                f"of type {type(beta).__name__}.")
        if threshold is not None and (not isinstance(threshold, float)
                                      or not 0.0 < threshold <= 1.0):
            raise ValueError(
                "`threshold` must be None or a Python float with 0 < threshold <= 1; "
                f"received threshold={threshold!r} of type {type(threshold).__name__}.")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self._direction = "up"
        self._built = False

    def _build(self, true_shape, pred_shape):
        if len(pred_shape) != 2 or len(true_shape) != 2 or None in (pred_shape[-1], true_shape[-1]):
            raise ValueError(
                f"{type(self).__name__} expects 2-D inputs of shape (batch_size, num_classes) "
                "with a known number of classes; received shapes "
                f"y_true.shape={tuple(true_shape)} and y_pred.shape={tuple(pred_shape)}.")
        shape = () if self.average == "micro" else (pred_shape[-1],)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, "zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = core.cast(core.convert_to_tensor(y_true), self.dtype)
        y_pred = core.cast(core.convert_to_tensor(y_pred), self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            row_max = knp.max(y_pred, axis=-1, keepdims=True)
            positive = knp.logical_and(y_pred >= row_max, knp.abs(y_pred) > 1e-9)
        else:
            positive = y_pred > self.threshold
        y_pred = core.cast(positive, self.dtype)
        if sample_weight is not None:
            sample_weight = knp.expand_dims(
                core.cast(core.convert_to_tensor(sample_weight), self.dtype), 1)

        def weighted_total(values):
            if sample_weight is not None:
                values = values * sample_weight
            return knp.sum(values, axis=self.axis)

        self.true_positives.assign_add(weighted_total(y_pred * y_true))
        self.false_positives.assign_add(weighted_total(y_pred * (1 - y_true)))
        self.false_negatives.assign_add(weighted_total((1 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_total(y_true))

    def result(self):
        epsilon = config.epsilon()
        true_positives = self.true_positives.value
        precision = true_positives / (true_positives + self.false_positives.value + epsilon)
        recall = true_positives / (true_positives + self.false_negatives.value + epsilon)
        beta_squared = self.beta ** 2
        score = (1 + beta_squared) * (
            precision * recall / (beta_squared * precision + recall + epsilon))
        if self.average == "weighted":
            support = self.intermediate_weights.value
            return knp.sum(score * support / (knp.sum(support) + epsilon))
        if self.average is not None:
            return knp.mean(score)
        return score

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "average": self.average,
                "beta": self.beta, "threshold": self.threshold}


@builtin("metrics")
class F1Score(FBetaScore):
    """The F1 score: the harmonic mean of precision and recall (`FBetaScore` with beta 1).

    Args:
        average: None, ``"micro"``, ``"macro"`` or ``"weighted"`` (see `FBetaScore`).
        threshold: None (the row's highest prediction is positive) or a float in ``(0, 1]``.
        name: the metric's name.
        dtype: the dtype of the accumulators.

    Example:
        >>> m = F1Score(average="macro")
        >>> m.update_state([[1, 0], [0, 1]], [[0.9, 0.1], [0.8, 0.2]])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
