"""IoU metrics against NumPy reference math and real Keras."""

import warnings

import numpy as np
import pytest

from kerasnb.engine.metrics import iou
from kerasnb.engine.ops import core
from tests.engine.metrics.metric_checks import (
    check_round_trip, eager_result, keras_metrics, oracle_result, stateless_result)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(9)
C = 4
LABELS = RNG.integers(0, C, size=(3, 5))
PREDS = np.where(RNG.uniform(size=(3, 5)) < 0.6, LABELS, RNG.integers(0, C, size=(3, 5)))
WEIGHTS = RNG.integers(0, 3, size=(3, 5))


def _matrix(labels, preds, weights, num_classes, ignore_class=None):
    matrix = np.zeros((num_classes, num_classes))
    for t, p, w in zip(np.ravel(labels), np.ravel(preds), np.ravel(weights)):
        if 0 <= t < num_classes and 0 <= p < num_classes and t != ignore_class:
            matrix[t, p] += w
    return matrix


def _mean_iou(matrix, target_ids):
    tp = np.diag(matrix)
    union = matrix.sum(0) + matrix.sum(1) - tp
    scores = [tp[c] / union[c] for c in target_ids if union[c] > 0]
    return np.mean(scores) if scores else 0.0


def _config(metric):
    """The config without the auto-generated name and the dtype (Keras's default integer
    dtype depends on its backend; ours is int32)."""
    return {k: v for k, v in metric.get_config().items() if k not in ("name", "dtype")}


def test_confusion_matrix(backend):
    got = to_numpy(iou.confusion_matrix(LABELS, PREDS, C, WEIGHTS))
    np.testing.assert_array_equal(got, _matrix(LABELS, PREDS, WEIGHTS, C))
    assert core.dtype(iou.confusion_matrix([0, 1], [1, 1], 2)) == "int32"


@pytest.mark.parametrize("name, kwargs, target_ids", [
    ("MeanIoU", {"num_classes": C}, range(C)),
    ("IoU", {"num_classes": C, "target_class_ids": [0, 2]}, [0, 2]),
    ("IoU", {"num_classes": C, "target_class_ids": [1], "ignore_class": 2}, [1]),
])
def test_iou_over_batches(backend, name, kwargs, target_ids):
    batches = [(LABELS[:2], PREDS[:2], WEIGHTS[:2]), (LABELS[2:], PREDS[2:], None)]
    weights = np.concatenate([WEIGHTS[:2].ravel(), np.ones(5, int)])
    matrix = _matrix(LABELS, PREDS, weights, C, kwargs.get("ignore_class"))
    metric = getattr(iou, name)(**kwargs)
    np.testing.assert_allclose(eager_result(metric, batches), _mean_iou(matrix, target_ids),
                               rtol=1e-5)
    np.testing.assert_allclose(oracle_result(name, kwargs, batches), _mean_iou(matrix, target_ids),
                               rtol=1e-5)
    np.testing.assert_array_equal(metric.total_cm.numpy(), matrix)
    assert _config(metric) == _config(getattr(keras_metrics(), name)(**kwargs))
    assert metric.dtype == "int32" and metric.total_cm.dtype == "int32"
    check_round_trip(metric)
    metric.reset_state()
    assert not np.any(metric.total_cm.numpy())
    np.testing.assert_allclose(
        stateless_result(getattr(iou, name)(**kwargs), batches), _mean_iou(matrix, target_ids),
        rtol=1e-5)


def test_out_of_range_labels_are_skipped_and_float_weights(backend):
    labels, preds = np.array([0, 1, 5, -1, 2]), np.array([0, 0, 1, 1, 7])
    m = iou.MeanIoU(num_classes=3)
    m.update_state(labels, preds)
    np.testing.assert_array_equal(m.total_cm.numpy(), _matrix(labels, preds, np.ones(5), 3))
    weights = np.array([0.3, 0.3, 0.3, 0.1], "float32")
    m = iou.MeanIoU(num_classes=2, dtype="float32")
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=weights)
    expected = _mean_iou(_matrix([0, 0, 1, 1], [0, 1, 0, 1], weights, 2), range(2))
    np.testing.assert_allclose(to_numpy(m.result()), expected, rtol=1e-5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        iou.MeanIoU(num_classes=2).update_state([0, 1], [0, 1], sample_weight=weights[:2])
    assert any("truncated" in str(w.message) for w in caught)


def test_binary_iou(backend):
    y_true = RNG.integers(0, 2, size=(10,))
    y_pred = RNG.uniform(size=(10,)).astype("float32")
    weights = RNG.integers(1, 3, size=(10,))
    for target_ids, threshold in (((0, 1), 0.5), ([1], 0.3)):
        m = iou.BinaryIoU(target_class_ids=target_ids, threshold=threshold)
        m.update_state(y_true, y_pred, sample_weight=weights)
        matrix = _matrix(y_true, (y_pred >= threshold).astype(int), weights, 2)
        np.testing.assert_allclose(to_numpy(m.result()), _mean_iou(matrix, target_ids), rtol=1e-5)
        assert _config(m) == _config(keras_metrics().BinaryIoU(
            target_class_ids=target_ids, threshold=threshold))
        check_round_trip(m)


@pytest.mark.parametrize("name, kwargs, target_ids", [
    ("OneHotMeanIoU", {"num_classes": C}, range(C)),
    ("OneHotIoU", {"num_classes": C, "target_class_ids": [3, 1]}, [3, 1]),
])
def test_one_hot_variants(backend, name, kwargs, target_ids):
    one_hot = np.eye(C, dtype="float32")[LABELS]
    scores = RNG.uniform(size=LABELS.shape + (C,)).astype("float32")
    metric = getattr(iou, name)(**kwargs)
    metric.update_state(one_hot, scores)
    matrix = _matrix(LABELS, scores.argmax(-1), np.ones(LABELS.size), C)
    np.testing.assert_allclose(to_numpy(metric.result()), _mean_iou(matrix, target_ids), rtol=1e-5)
    assert _config(metric) == _config(getattr(keras_metrics(), name)(**kwargs))
    check_round_trip(metric)


def test_bad_arguments():
    with pytest.raises(ValueError, match="target_class_ids"):
        iou.IoU(num_classes=2, target_class_ids=[2])
    with pytest.raises(ValueError, match="num_classes"):
        iou.MeanIoU(num_classes=0)
