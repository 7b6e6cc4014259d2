"""Intersection-over-union metrics, from an accumulated confusion matrix.

For class ``c``: ``IoU = TP / (TP + FP + FN)``, read off a ``(num_classes, num_classes)``
confusion matrix (rows: true class, columns: predicted class) summed over all batches.
`IoU` averages the scores of chosen classes, `MeanIoU` of all classes; `BinaryIoU`
thresholds probabilities; the `OneHot*` variants take one-hot labels.

Example:
    >>> m = MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
"""

import warnings

from kerasnb.engine import config
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32"):
    """The ``(num_classes, num_classes)`` matrix counting (or summing `weights` of) each
    pair ``(labels[i], predictions[i])``; rows are labels, columns predictions.

    Example:
        >>> confusion_matrix([0, 1, 1], [0, 0, 1], 2)
        array([[1, 0],
               [1, 1]], dtype=int32)
    """
    labels = core.cast(knp.reshape(labels, (-1,)), "int32")
    predictions = core.cast(knp.reshape(predictions, (-1,)), "int32")
    if weights is None:
        weights = knp.ones_like(labels, dtype=dtype)
    weights = core.cast(core.convert_to_tensor(weights), dtype)
    if len(weights.shape) > 1:
        weights = knp.reshape(weights, (-1,))
    weights = knp.broadcast_to(weights, core.shape(labels))
    return core.scatter(knp.stack([labels, predictions], axis=1), weights,
                        (num_classes, num_classes))


class _ConfusionMatrixMetric(Metric):
    """Accumulates the confusion matrix of integer (or argmax-decoded) labels."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype or "int32")
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"`num_classes` must be an int >= 1; received {num_classes!r}.")
        self.num_classes, self.ignore_class, self.axis = num_classes, ignore_class, axis
        self.sparse_y_true, self.sparse_y_pred = sparse_y_true, sparse_y_pred
        self._direction = "up"
        self.total_cm = self.add_variable((num_classes, num_classes), "zeros",
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds a batch to the confusion matrix.

        Labels outside ``[0, num_classes)`` and labels equal to `ignore_class` are skipped.
        `sample_weight` must broadcast to the flattened labels; it is cast to the metric's
        dtype (so fractional weights are truncated with the default ``"int32"``).
        """
        if not self.sparse_y_true:
            y_true = knp.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = knp.argmax(y_pred, axis=self.axis)
        y_true = knp.reshape(core.cast(core.convert_to_tensor(y_true), self.dtype), (-1,))
        y_pred = knp.reshape(core.cast(core.convert_to_tensor(y_pred), self.dtype), (-1,))
        if sample_weight is None:
            sample_weight = 1
        elif hasattr(sample_weight, "dtype") and "float" in core.dtype(sample_weight) \
                and "int" in self.dtype:
            warnings.warn(
                f"{type(self).__name__}: `sample_weight` is float but the metric's dtype is "
                f"{self.dtype!r}, so the weights are truncated; pass integer weights or a "
                "float `dtype`.", stacklevel=2)
        sample_weight = core.cast(core.convert_to_tensor(sample_weight), self.dtype)
        if len(sample_weight.shape) > 1:
            sample_weight = knp.reshape(sample_weight, (-1,))
        sample_weight = knp.broadcast_to(sample_weight, core.shape(y_true))
        valid = knp.logical_and(
            knp.logical_and(y_true >= 0, y_true < self.num_classes),
            knp.logical_and(y_pred >= 0, y_pred < self.num_classes))
        if self.ignore_class is not None:
            valid = knp.logical_and(valid, knp.not_equal(y_true, self.ignore_class))
        zero = knp.zeros_like(y_true)
        y_true = knp.where(valid, y_true, zero)
        y_pred = knp.where(valid, y_pred, zero)
        sample_weight = knp.where(valid, sample_weight, knp.zeros_like(sample_weight))
        self.total_cm.assign_add(
            confusion_matrix(y_true, y_pred, self.num_classes, sample_weight, self.dtype))


@builtin("metrics")
class IoU(_ConfusionMatrixMetric):
    """The mean intersection-over-union of the classes `target_class_ids`.

    Classes that never occur (in labels or predictions) are left out of the mean.

    Args:
        num_classes: the number of classes (the confusion matrix is square of this size).
        target_class_ids: the classes whose IoU is averaged.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.
        ignore_class: a label (e.g. a "void" class such as 255 or -1) to leave out.
        sparse_y_true: whether labels are integers; else the argmax along `axis` is used.
        sparse_y_pred: whether predictions are integers; else the argmax along `axis`.
        axis: the class axis for argmax decoding.

    Example:
        >>> m = IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        target_class_ids = list(target_class_ids)
        if not target_class_ids or not all(0 <= i < num_classes for i in target_class_ids):
            raise ValueError(
                f"`target_class_ids` must be a non-empty list of class ids in [0, {num_classes}); "
                f"received {target_class_ids!r}.")
        self.target_class_ids = target_class_ids

    def result(self):
        matrix = core.cast(self.total_cm.value, "float32")
        true_positives = knp.diagonal(matrix)
        union = knp.sum(matrix, axis=0) + knp.sum(matrix, axis=1) - true_positives
        ids = core.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = knp.take(true_positives, ids)
        union = knp.take(union, ids)
        present = union > 1e-9
        scores = knp.where(present, true_positives / (union + config.epsilon()),
                           knp.zeros_like(union))
        count = knp.sum(core.cast(present, "float32"))
        return knp.sum(scores) / (count + config.epsilon())

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


@builtin("metrics")
class BinaryIoU(IoU):
    """IoU of binary labels, predictions being 1 where ``y_pred >= threshold``.

    Args:
        target_class_ids: ``[0]``, ``[1]`` or ``[0, 1]`` (the mean of both).
        threshold: predictions at or above it are class 1.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.

    Example:
        >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = core.cast(core.convert_to_tensor(y_pred), "float32")
        y_pred = core.cast(y_pred >= self.threshold, self.dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


@builtin("metrics")
class MeanIoU(IoU):
    """The mean IoU over all `num_classes` classes (those that occur).

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.
        ignore_class: a label to leave out.
        sparse_y_true: whether labels are integers; else the argmax along `axis` is used.
        sparse_y_pred: whether predictions are integers; else the argmax along `axis`.
        axis: the class axis for argmax decoding.

    Example:
        >>> m = MeanIoU(num_classes=2, dtype="float32")
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
        >>> round(float(m.result()), 4)
        0.2381
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@builtin("metrics")
class OneHotIoU(IoU):
    """`IoU` for one-hot labels (decoded by argmax along `axis`).

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.
        ignore_class: a label to leave out.
        sparse_y_pred: whether predictions are integers; else the argmax along `axis`.
        axis: the class axis.

    Example:
        >>> m = OneHotIoU(num_classes=3, target_class_ids=[0, 2])
        >>> m.update_state([[0, 0, 1], [1, 0, 0]], [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])
        >>> round(float(m.result()), 4)
        1.0
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@builtin("metrics")
class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` for one-hot labels (decoded by argmax along `axis`).

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.
        ignore_class: a label to leave out.
        sparse_y_pred: whether predictions are integers; else the argmax along `axis`.
        axis: the class axis.

    Example:
        >>> m = OneHotMeanIoU(num_classes=2)
        >>> m.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])
        >>> float(m.result())
        0.25
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
