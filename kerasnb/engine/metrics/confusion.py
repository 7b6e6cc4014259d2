"""Confusion-matrix metrics: counts, precision/recall, AUC and constrained operating points.

Every metric accumulates weighted true/false positives/negatives at a list of thresholds
(a score counts as positive when it is strictly greater than the threshold) and derives
its value from those counts in `result()`.

Example:
    >>> m = Precision(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); float(m.result())
    0.6666666...
"""

import enum

from kerasnb.engine import config as engine_config
from kerasnb.engine.metrics.confusion_utils import (
    TOP_K_FLOOR, check_optional_int, confusion_counts, evenly_spaced_thresholds,
    parse_thresholds)
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.ops import core, nn
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin

_VARIABLE_NAMES = {"tp": "true_positives", "fp": "false_positives",
                   "tn": "true_negatives", "fn": "false_negatives"}


def _one_or_all(values, thresholds):
    """A scalar for a single threshold, else the vector over thresholds."""
    return values[0] if len(thresholds) == 1 else values


class _CountsMetric(Metric):
    """Shared plumbing: one accumulator per wanted count, each of shape `shape`."""

    def _add_counts(self, names, shape):
        self._counts = {name: self.add_variable(shape, "zeros", name=_VARIABLE_NAMES[name])
                        for name in names}
        for name, variable in self._counts.items():
            setattr(self, _VARIABLE_NAMES[name], variable)

    def _accumulate(self, y_true, y_pred, sample_weight, thresholds, **options):
        counts = confusion_counts(tuple(self._counts), y_true, y_pred, thresholds, self.dtype,
                                  sample_weight=sample_weight, **options)
        for name, variable in self._counts.items():
            variable.assign_add(counts[name])


# Counts ---------------------------------------------------------------------------------

class _ThresholdCount(_CountsMetric):
    """The weighted number of one confusion-matrix cell at each threshold."""

    _cell = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros", name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's count at each threshold.

        Args:
            y_true: labels (non-zero is positive).
            y_pred: scores, positive where greater than the threshold.
            sample_weight: optional weights broadcastable to `y_true`.
        """
        counts = confusion_counts((self._cell,), y_true, y_pred, self.thresholds, self.dtype,
                                  sample_weight=sample_weight)
        self.accumulator.assign_add(counts[self._cell])

    def result(self):
        return _one_or_all(self.accumulator.value, self.thresholds)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


@builtin("metrics")
class TruePositives(_ThresholdCount):
    """The weighted number of true positives (label non-zero, score above the threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1]; one result per threshold.
            Defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = TruePositives(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); float(m.result())
        2.0
    """

    _cell = "tp"


@builtin("metrics")
class FalsePositives(_ThresholdCount):
    """The weighted number of false positives (label zero, score above the threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1]; defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = FalsePositives(); m.update_state([0, 1, 0, 0], [0, 0, 1, 1]); float(m.result())
        2.0
    """

    _cell = "fp"


@builtin("metrics")
class TrueNegatives(_ThresholdCount):
    """The weighted number of true negatives (label zero, score at or below the threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1]; defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = TrueNegatives(); m.update_state([0, 1, 0, 0], [1, 1, 0, 0]); float(m.result())
        2.0
    """

    _cell = "tn"


@builtin("metrics")
class FalseNegatives(_ThresholdCount):
    """The weighted number of false negatives (label non-zero, score at or below the threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1]; defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = FalseNegatives(); m.update_state([0, 1, 1, 1], [0, 1, 0, 0]); float(m.result())
        2.0
    """

    _cell = "fn"


# Precision and recall -------------------------------------------------------------------

class _ThresholdRate(_CountsMetric):
    """``tp / (tp + other)`` at each threshold, optionally for the top k or one class."""

    _other = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = check_optional_int(top_k, "top_k", 1)
        self.class_id = check_optional_int(class_id, "class_id", 0)
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else TOP_K_FLOOR)
        self._add_counts(("tp", self._other), (len(self.thresholds),))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts at each threshold.

        Args:
            y_true: labels (non-zero is positive).
            y_pred: scores, positive where greater than the threshold.
            sample_weight: optional weights broadcastable to `y_true`.
        """
        self._accumulate(y_true, y_pred, sample_weight, self.thresholds, top_k=self.top_k,
                         class_id=self.class_id)

    def result(self):
        positives = self.true_positives.value
        rate = knp.divide_no_nan(positives, positives + self._counts[self._other].value)
        return _one_or_all(rate, self.thresholds)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


@builtin("metrics")
class Precision(_ThresholdRate):
    """The fraction of predicted positives that are positive: ``tp / (tp + fp)``.

    Args:
        thresholds: a float or a list of floats in [0, 1]; one result per threshold.
            Defaults to 0.5, or, with `top_k`, to keeping every top-k score.
        top_k: only the `top_k` highest scores of each row can count as positive.
        class_id: only score the column `class_id` of the last axis.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = Precision(top_k=1); m.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])
        >>> float(m.result())
        0.5
    """

    _other = "fp"


@builtin("metrics")
class Recall(_ThresholdRate):
    """The fraction of positives predicted positive: ``tp / (tp + fn)``.

    Args:
        thresholds: a float or a list of floats in [0, 1]; one result per threshold.
            Defaults to 0.5, or, with `top_k`, to keeping every top-k score.
        top_k: only the `top_k` highest scores of each row can count as positive.
        class_id: only score the column `class_id` of the last axis.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = Recall(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); float(m.result())
        0.6666666...
    """

    _other = "fn"


# One rate at the best threshold that meets a constraint on another -----------------------

def _rates(counts):
    tp, fp, tn, fn = (counts[name].value for name in ("tp", "fp", "tn", "fn"))
    recall = knp.divide_no_nan(tp, tp + fn)
    return {"recall": recall, "sensitivity": recall,
            "precision": knp.divide_no_nan(tp, tp + fp),
            "specificity": knp.divide_no_nan(tn, tn + fp)}


class _ConstrainedRate(_CountsMetric):
    """The best `_target` rate over the thresholds where `_constraint` >= the given value."""

    _constraint = None
    _target = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not 0.0 <= value <= 1.0:
            raise ValueError(f"Argument `{self._constraint}` must be a number in [0, 1]; "
                             f"received {self._constraint}={value!r}.")
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) \
                or num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0; "
                             f"received num_thresholds={num_thresholds!r}.")
        self.value = value
        setattr(self, self._constraint, value)
        self.num_thresholds = num_thresholds
        self.class_id = check_optional_int(class_id, "class_id", 0)
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            self.thresholds = [0.0] + evenly_spaced_thresholds(num_thresholds) + [1.0]
        self._add_counts(("tp", "fp", "tn", "fn"), (num_thresholds,))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts at each threshold.

        Args:
            y_true: labels (non-zero is positive).
            y_pred: scores in [0, 1], positive where greater than the threshold.
            sample_weight: optional weights broadcastable to `y_true`.
        """
        self._accumulate(y_true, y_pred, sample_weight, self.thresholds, class_id=self.class_id)

    def result(self):
        rates = _rates(self._counts)
        allowed = knp.greater_equal(rates[self._constraint], self.value)
        target = rates[self._target]
        return knp.max(knp.where(allowed, target, knp.zeros_like(target)))

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "class_id": self.class_id, self._constraint: self.value}


@builtin("metrics")
class SensitivityAtSpecificity(_ConstrainedRate):
    """The best sensitivity (recall) over the thresholds whose specificity is at least
    `specificity`.

    Args:
        specificity: the required specificity, in [0, 1].
        num_thresholds: the number of evenly spaced thresholds in [0, 1].
        class_id: only score the column `class_id` of the last axis.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = SensitivityAtSpecificity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]); float(m.result())
        0.5
    """

    _constraint, _target = "specificity", "sensitivity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)


@builtin("metrics")
class SpecificityAtSensitivity(_ConstrainedRate):
    """The best specificity over the thresholds whose sensitivity (recall) is at least
    `sensitivity`.

    Args:
        sensitivity: the required sensitivity, in [0, 1].
        num_thresholds: the number of evenly spaced thresholds in [0, 1].
        class_id: only score the column `class_id` of the last axis.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = SpecificityAtSensitivity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]); float(m.result())
        0.6666666...
    """

    _constraint, _target = "sensitivity", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)


@builtin("metrics")
class PrecisionAtRecall(_ConstrainedRate):
    """The best precision over the thresholds whose recall is at least `recall`.

    Args:
        recall: the required recall, in [0, 1].
        num_thresholds: the number of evenly spaced thresholds in [0, 1].
        class_id: only score the column `class_id` of the last axis.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = PrecisionAtRecall(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]); float(m.result())
        0.5
    """

    _constraint, _target = "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name,
                         dtype=dtype)


@builtin("metrics")
class RecallAtPrecision(_ConstrainedRate):
    """The best recall over the thresholds whose precision is at least `precision`.

    Args:
        precision: the required precision, in [0, 1].
        num_thresholds: the number of evenly spaced thresholds in [0, 1].
        class_id: only score the column `class_id` of the last axis.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = RecallAtPrecision(0.8)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); float(m.result())
        0.5
    """

    _constraint, _target = "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)


# AUC --------------------------------------------------------------------------------------

class AUCCurve(enum.Enum):
    """The curve whose area `AUC` computes."""

    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"


class AUCSummationMethod(enum.Enum):
    """How `AUC` approximates the area between two neighbouring thresholds."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"


def _enum_member(kind, value, argument):
    if isinstance(value, kind):
        return value
    by_text = {member.value.lower(): member for member in kind}
    found = by_text.get(value.lower()) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"Argument `{argument}` must be one of "
                         f"{[member.value for member in kind]}; received {argument}={value!r}.")
    return found


def _check_label_weights(label_weights, num_labels):
    if label_weights is None:
        return None
    values = label_weights.tolist() if hasattr(label_weights, "tolist") else label_weights
    if not isinstance(values, (list, tuple)):
        values = core.convert_to_numpy(values).tolist()
    values = [float(v) for v in values]
    if any(v < 0 for v in values):
        raise ValueError("Argument `label_weights` must hold non-negative weights; "
                         f"received label_weights={values}.")
    if num_labels and len(values) != num_labels:
        raise ValueError(f"Argument `label_weights` must hold `num_labels`={num_labels} "
                         f"weights; received {len(values)}: {values}.")
    return values


def _interpolated_pr_area(tp, fp, fn):
    """Per-interval areas under the PR curve, interpolating tp and fp (not precision)
    linearly between neighbouring thresholds (Davis & Goadrich, 2006)."""
    predicted = tp + fp
    tp_low, tp_high = tp[:-1], tp[1:]
    predicted_low, predicted_high = predicted[:-1], predicted[1:]
    gained_tp = tp_low - tp_high
    slope = knp.divide_no_nan(gained_tp, knp.maximum(predicted_low - predicted_high, 0.0))
    offset = tp_high - slope * predicted_high
    both_positive = knp.logical_and(predicted_low > 0, predicted_high > 0)
    ratio = knp.where(both_positive,
                      knp.divide_no_nan(predicted_low, knp.maximum(predicted_high, 0.0)),
                      knp.ones_like(predicted_high))
    return knp.divide_no_nan(slope * (gained_tp + offset * knp.log(ratio)),
                             knp.maximum(tp_high + fn[1:], 0.0))


def _gain_curve(tp, fp, tn, fn):
    """(recall gain, precision gain): the PR curve rescaled by the positive/negative ratio,
    with gains fixed to (0, 1) where there are no true positives and recall gain floored at 0."""
    ratio = knp.divide_no_nan(tp + fn, tn + fp)
    no_hits = knp.equal(tp, 0.0)
    recall_gain = 1.0 - ratio * knp.divide_no_nan(fn, tp)
    precision_gain = 1.0 - ratio * knp.divide_no_nan(fp, tp)
    recall_gain = knp.maximum(knp.where(no_hits, knp.zeros_like(tp), recall_gain), 0.0)
    precision_gain = knp.where(no_hits, knp.ones_like(tp), precision_gain)
    return recall_gain, precision_gain


@builtin("metrics")
class AUC(_CountsMetric):
    """The area under the ROC, precision-recall or precision-recall-gain curve, from the
    confusion counts at a grid of thresholds.

    Args:
        num_thresholds: the number of thresholds (> 1), evenly spaced over [0, 1] with the
            ends just outside it.
        curve: ``"ROC"``, ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (trapezoids; for PR, interpolated counts),
            ``"minoring"`` (lower rectangles) or ``"majoring"`` (upper rectangles).
        name: the metric's name.
        dtype: the dtype of the result.
        thresholds: explicit thresholds in [0, 1]; overrides `num_thresholds`.
        multi_label: with ``(samples, labels)`` data, one curve per label, averaged;
            otherwise every entry is one sample of a single curve.
        num_labels: the number of labels, when `multi_label` (else found at the first update).
        label_weights: non-negative weights per label: for the average of the per-label
            areas when `multi_label`, else weights of each label's entries.
        from_logits: `y_pred` holds logits (a sigmoid is applied first).

    Example:
        >>> m = AUC(num_thresholds=3); m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())
        0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, None))
            self.num_thresholds = len(inner) + 2
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) \
                    or num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1; "
                                 f"received num_thresholds={num_thresholds!r}.")
            inner = evenly_spaced_thresholds(num_thresholds)
            self.num_thresholds = num_thresholds
        epsilon = engine_config.epsilon()
        self._thresholds = [0.0 - epsilon] + inner + [1.0 + epsilon]
        self.curve = _enum_member(AUCCurve, curve, "curve")
        self.summation_method = _enum_member(AUCSummationMethod, summation_method,
                                             "summation_method")
        if not multi_label and num_labels:
            raise ValueError("Argument `num_labels` is only used with `multi_label=True`; "
                             f"received num_labels={num_labels!r} with multi_label=False.")
        self.multi_label = bool(multi_label)
        self.num_labels = check_optional_int(num_labels, "num_labels", 1)
        self._label_weights = _check_label_weights(label_weights, num_labels)
        self._from_logits = from_logits
        self._built = False
        if not self.multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        """Every threshold, the two just outside [0, 1] included."""
        return list(self._thresholds)

    @property
    def label_weights(self):
        """The label weights as a tensor of the metric's dtype, or None."""
        if self._label_weights is None:
            return None
        return knp.array(self._label_weights, dtype=self.dtype)

    def _build(self, pred_shape):
        if self.multi_label:
            if len(pred_shape) != 2:
                raise ValueError("With `multi_label=True`, `y_pred` must have rank 2 "
                                 f"(num_samples, num_labels); received shape {pred_shape}.")
            self._num_labels = pred_shape[1]
            shape = (self.num_thresholds, self._num_labels)
        else:
            shape = (self.num_thresholds,)
        self._add_counts(("tp", "fp", "tn", "fn"), shape)
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts at each threshold.

        Args:
            y_true: labels (non-zero is positive).
            y_pred: scores in [0, 1] (logits when `from_logits`).
            sample_weight: optional weights broadcastable to `y_true`.
        """
        y_pred = core.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = nn.sigmoid(y_pred)
        self._accumulate(y_true, y_pred, sample_weight, self._thresholds,
                         multi_label=self.multi_label,
                         label_weights=None if self.multi_label else self._label_weights)

    def result(self):
        if not self._built:
            return knp.zeros((), dtype=self.dtype)
        tp, fp, tn, fn = (self._counts[name].value for name in ("tp", "fp", "tn", "fn"))
        if self.curve is AUCCurve.PR \
                and self.summation_method is AUCSummationMethod.INTERPOLATION:
            return self._total(_interpolated_pr_area(tp, fp, fn))
        recall = knp.divide_no_nan(tp, tp + fn)
        if self.curve is AUCCurve.ROC:
            x, y = knp.divide_no_nan(fp, fp + tn), recall
        elif self.curve is AUCCurve.PR:
            x, y = recall, knp.divide_no_nan(tp, tp + fp)
        else:
            x, y = _gain_curve(tp, fp, tn, fn)
        if self.summation_method is AUCSummationMethod.INTERPOLATION:
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method is AUCSummationMethod.MINORING:
            heights = knp.minimum(y[:-1], y[1:])
        else:
            heights = knp.maximum(y[:-1], y[1:])
        return self._total((x[:-1] - x[1:]) * heights)

    def _total(self, areas):
        """The sum of the per-interval areas, averaged over labels when `multi_label`."""
        if not self.multi_label:
            return knp.sum(areas)
        per_label = knp.sum(areas, axis=0)
        if self._label_weights is None:
            return knp.mean(per_label)
        weights = self.label_weights
        return knp.divide_no_nan(knp.sum(per_label * weights), knp.sum(weights))

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve.value, "summation_method": self.summation_method.value,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": self._label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config
