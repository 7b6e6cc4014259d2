"""Shortcuts of the per-step loss: averages over a static count divide plainly, and class-id
losses keep integer labels as integers; the numbers match the general path."""

import numpy as np

from kerasnb.engine.losses.loss import reduce_values, reduce_weighted_values
from kerasnb.engine.losses.probabilistic import SparseCategoricalCrossentropy
from kerasnb.engine.ops import core

LOGITS = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [-2.0, 1.0, 0.0], [0.0, 0.0, 0.0]], "float32")


def _reference_crossentropy(labels, logits):
    z = logits.astype("float64")
    log_probs = z - np.log(np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True)) - z.max(1, keepdims=True)
    return -log_probs[np.arange(len(labels)), labels]


def test_sum_over_batch_size_divides_by_the_count(backend):
    values = np.arange(12, dtype="float32").reshape(3, 4)
    np.testing.assert_allclose(core.convert_to_numpy(reduce_values(values)), values.mean(), rtol=1e-6)
    empty = np.zeros((0, 4), dtype="float32")
    assert float(core.convert_to_numpy(reduce_values(empty))) == 0.0
    weights = np.array([1.0, 0.0, 2.0], dtype="float32")
    np.testing.assert_allclose(
        core.convert_to_numpy(reduce_weighted_values(values[:, 0], weights)), (0 + 0 + 16) / 3, rtol=1e-6)


def test_sparse_crossentropy_same_for_integer_and_float_labels(backend):
    labels = np.array([0, 2, 1, 2])
    expected = _reference_crossentropy(labels, LOGITS).mean()
    loss = SparseCategoricalCrossentropy(from_logits=True)
    for y_true in (labels.astype("int32"), labels.astype("int64"), labels.astype("uint8"),
                   labels.astype("float32"), labels.reshape(-1, 1).astype("int32")):
        got = loss(y_true, LOGITS)
        assert core.dtype(got) == "float32"
        np.testing.assert_allclose(float(core.convert_to_numpy(got)), expected, rtol=1e-5)


def test_sparse_crossentropy_ignore_class_with_integer_labels(backend):
    labels = np.array([0, 2, 1, 2], dtype="int32")
    expected = _reference_crossentropy(labels, LOGITS)[labels != 2].mean()
    got = SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)(labels, LOGITS)
    np.testing.assert_allclose(float(core.convert_to_numpy(got)), expected, rtol=1e-5)
