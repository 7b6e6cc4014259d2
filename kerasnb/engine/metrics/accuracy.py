"""Accuracy metrics: how often predictions match labels, exactly, after a threshold, by
argmax, or within the top ``k`` scores.

Each function returns per-sample 0/1 values (``floatx``); each class is the running
(weighted) mean of its function.

Example:
    >>> m = CategoricalAccuracy()
    >>> float(m([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]))
    0.5
"""

from kerasnb.engine import config, dtypes
from kerasnb.engine.losses.loss import match_rank
from kerasnb.engine.metrics.reduction import MeanMetricWrapper
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


def _as_floats(matches):
    return core.cast(matches, config.floatx())


def accuracy(y_true, y_pred):
    """1.0 where `y_pred` equals `y_true` exactly, else 0.0.

    Example:
        >>> accuracy([1, 2, 3], [1, 0, 3])
        array([1., 0., 1.], dtype=float32)
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.cast(core.convert_to_tensor(y_true), core.dtype(y_pred))
    y_true, y_pred = match_rank(y_true, y_pred)
    return _as_floats(knp.equal(y_true, y_pred))


@builtin("metrics")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``y_pred > threshold`` agrees with the 0/1 label `y_true`, else 0.0.

    Example:
        >>> binary_accuracy([[1], [0]], [[0.7], [0.6]])
        array([[1.], [0.]], dtype=float32)
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true)
    y_true, y_pred = match_rank(y_true, y_pred)
    predicted = core.cast(knp.greater(y_pred, threshold), core.dtype(y_true))
    return _as_floats(knp.equal(y_true, predicted))


@builtin("metrics")
def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of one-hot `y_true` equals the argmax of `y_pred`, else 0.0.

    Example:
        >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])
        array([1., 0.], dtype=float32)
    """
    y_pred = core.convert_to_tensor(y_pred)
    true_ids = knp.argmax(y_true, axis=-1)
    true_shape = core.shape(true_ids)
    squeezed = len(true_ids.shape) == len(y_pred.shape)
    if squeezed:
        true_ids = knp.squeeze(true_ids, -1)
    pred_ids = knp.argmax(y_pred, axis=-1)
    matches = _as_floats(knp.equal(true_ids, core.cast(pred_ids, core.dtype(true_ids))))
    return knp.reshape(matches, true_shape) if squeezed else matches


@builtin("metrics")
def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label `y_true` (shape ``(n,)`` or ``(n, 1)``) equals the argmax
    of `y_pred`, else 0.0.

    Example:
        >>> sparse_categorical_accuracy([2, 1], [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])
        array([1., 0.], dtype=float32)
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true)
    float_labels = not dtypes.is_int(core.dtype(y_true))  # integer ones compare as they are
    if float_labels:
        y_true = core.cast(y_true, core.dtype(y_pred))
    true_shape = core.shape(y_true)
    squeezed = len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1
    if squeezed:
        y_true = knp.squeeze(y_true, -1)
    pred_ids = knp.argmax(y_pred, axis=-1)
    if float_labels:
        pred_ids = core.cast(pred_ids, core.dtype(y_true))
    matches = _as_floats(knp.equal(y_true, pred_ids))
    if squeezed:
        matches = knp.reshape(matches, true_shape)
    if len(matches.shape) > 1 and matches.shape[-1] == 1:
        matches = knp.squeeze(matches, -1)
    return matches


def _in_top_k_rows(y_true, y_pred, k, from_sorted_ids=False):
    """Top-k matches of integer labels, flattening leading axes of both inputs first."""
    true_shape = core.shape(y_true)
    if len(y_pred.shape) > 2:
        y_pred = knp.reshape(y_pred, (-1, y_pred.shape[-1]))
    flattened = len(y_true.shape) > 1
    if flattened:
        y_true = knp.reshape(y_true, (-1,))
    if from_sorted_ids:
        matches = knp.any(knp.equal(knp.expand_dims(y_true, 1), y_pred[:, :k]), axis=1)
    else:
        matches = knp.in_top_k(y_true, y_pred, k)
    matches = _as_floats(matches)
    return knp.reshape(matches, true_shape) if flattened else matches


@builtin("metrics")
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the class of one-hot `y_true` is among the `k` highest scores of `y_pred`.

    Example:
        >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]],
        ...                            [[0.1, 0.2, 0.7], [0.05, 0.15, 0.8]], k=2)
        array([1., 1.], dtype=float32)
    """
    y_pred = core.convert_to_tensor(y_pred)
    true_ids = core.cast(knp.argmax(y_true, axis=-1), "int32")
    return _in_top_k_rows(true_ids, y_pred, k)


@builtin("metrics")
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label `y_true` is among the `k` highest scores of `y_pred`.

    Args:
        y_true: integer labels of shape ``(n,)`` or ``(n, 1)``.
        y_pred: scores of shape ``(n, classes)``, or with ``from_sorted_ids=True`` class ids
            sorted by decreasing score (e.g. the indices returned by ``ops.top_k``).
        k: how many top entries count.
        from_sorted_ids: whether `y_pred` holds sorted class ids instead of scores.

    Example:
        >>> sparse_top_k_categorical_accuracy([2, 0], [[0.1, 0.2, 0.7], [0.05, 0.15, 0.8]], k=2)
        array([1., 0.], dtype=float32)
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.cast(core.convert_to_tensor(y_true),
                       core.dtype(y_pred) if from_sorted_ids else "int32")
    return _in_top_k_rows(y_true, y_pred, k, from_sorted_ids)


class _AccuracyMetric(MeanMetricWrapper):
    """A mean of an accuracy function, with a config of ``name``, ``dtype`` and `_options`."""

    _options = ()

    def __init__(self, fn, name, dtype, **kwargs):
        super().__init__(fn, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype}
        config.update({key: getattr(self, key) for key in self._options})
        return config


@builtin("metrics")
class Accuracy(_AccuracyMetric):
    """How often `y_pred` equals `y_true` exactly.

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulators.

    Example:
        >>> float(Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]]))
        0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name, dtype)


@builtin("metrics")
class BinaryAccuracy(_AccuracyMetric):
    """How often ``y_pred > threshold`` agrees with the binary labels `y_true`.

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulators.
        threshold: the decision threshold on `y_pred`.

    Example:
        >>> float(BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]))
        0.75
    """

    _options = ("threshold",)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


@builtin("metrics")
class CategoricalAccuracy(_AccuracyMetric):
    """How often the argmax of `y_pred` is the class of the one-hot `y_true`.

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulators.

    Example:
        >>> float(CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]],
        ...                             [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


@builtin("metrics")
class SparseCategoricalAccuracy(_AccuracyMetric):
    """How often the argmax of `y_pred` equals the integer label `y_true`.

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulators.

    Example:
        >>> float(SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype)


@builtin("metrics")
class TopKCategoricalAccuracy(_AccuracyMetric):
    """How often the class of one-hot `y_true` is among the `k` highest scores.

    Args:
        k: how many top scores count.
        name: the metric's name.
        dtype: the dtype of the accumulators.

    Example:
        >>> float(TopKCategoricalAccuracy(k=1)([[0, 0, 1], [0, 1, 0]],
        ...                                    [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    _options = ("k",)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)


@builtin("metrics")
class SparseTopKCategoricalAccuracy(_AccuracyMetric):
    """How often the integer label `y_true` is among the `k` highest scores.

    Args:
        k: how many top scores count.
        name: the metric's name.
        dtype: the dtype of the accumulators.
        from_sorted_ids: `y_pred` holds class ids sorted by decreasing score instead of
            scores.

    Example:
        >>> float(SparseTopKCategoricalAccuracy(k=1)([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    _options = ("k",)

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k,
                         from_sorted_ids=from_sorted_ids)

    def get_config(self):
        config = super().get_config()
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
