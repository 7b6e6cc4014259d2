"""Shortcuts of the per-step metric updates give the same numbers as the general path:
`Mean` with a number for weight (the trainer's batch loss), and accuracy on integer labels."""

import numpy as np

from kerasnb.engine.metrics.accuracy import sparse_categorical_accuracy
from kerasnb.engine.metrics.reduction import Mean
from kerasnb.engine.ops import core


def test_mean_with_number_weights_matches_weight_arrays(backend):
    shortcut, general = Mean(), Mean()
    for value, weight in ((2.0, 128), (5.0, 32), (-1.0, 0.5)):
        shortcut.update_state(np.float32(value), sample_weight=weight)
        general.update_state(np.float32(value), sample_weight=np.float32(weight))
    expected = (2.0 * 128 + 5.0 * 32 - 0.5) / 160.5
    np.testing.assert_allclose(float(shortcut.result()), expected, rtol=1e-6)
    np.testing.assert_allclose(float(general.result()), expected, rtol=1e-6)
    assert core.dtype(shortcut.total.value) == "float32" and core.dtype(shortcut.count.value) == "float32"


def test_mean_mixes_number_weights_and_batches(backend):
    m = Mean()
    m.update_state(np.float32(4.0), sample_weight=3)
    m.update_state(np.array([1.0, 2.0], dtype="float32"))
    m.update_state(np.array([[1.0, 3.0]], dtype="float32"), sample_weight=2)  # rank 2: per-sample means
    np.testing.assert_allclose(float(m.result()), (12.0 + 3.0 + 4.0) / 7.0, rtol=1e-6)


def test_accuracy_compares_integer_labels_exactly(backend):
    scores = np.zeros((3, 300), dtype="float32")
    scores[0, 256], scores[1, 7], scores[2, 0] = 1.0, 1.0, 1.0
    # uint8 labels: the predicted id 256 must not wrap around to label 0
    got = sparse_categorical_accuracy(np.array([0, 7, 0], dtype="uint8"), scores)
    np.testing.assert_array_equal(core.convert_to_numpy(got), [0.0, 1.0, 1.0])
    assert core.dtype(got) == "float32"
    for labels in (np.array([256, 7, 1], dtype="int64"), np.array([[256.0], [7.0], [1.0]], dtype="float32")):
        got = core.convert_to_numpy(sparse_categorical_accuracy(labels, scores))
        np.testing.assert_array_equal(got, [1.0, 1.0, 0.0])
