"""Accuracy functions and metrics against NumPy reference math and real Keras."""

import numpy as np
import pytest

from kerasnb.engine.metrics import accuracy as acc
from tests.engine.metrics.metric_checks import (
    check_round_trip, eager_result, keras_metrics, oracle_result, stateless_result)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(3)
N, C = 12, 5
SCORES = RNG.uniform(size=(N, C)).astype("float32")
LABELS = RNG.integers(0, C, size=(N,))
ONE_HOT = np.eye(C, dtype="float32")[LABELS]
BINARY_TRUE = RNG.integers(0, 2, size=(N, 1)).astype("float32")
BINARY_PRED = RNG.uniform(size=(N, 1)).astype("float32")
WEIGHTS = RNG.uniform(0, 2, size=(N,)).astype("float32")


def _in_top_k(labels, scores, k):
    target = scores[np.arange(len(labels)), labels]
    return ((scores > target[:, None]).sum(axis=1) < k).astype("float32")


def test_functions_match_numpy_reference(backend):
    exact = np.array([1, 2, 3, 4])
    got = to_numpy(acc.accuracy(exact, np.array([1, 0, 3, 5])))
    np.testing.assert_array_equal(got, [1.0, 0.0, 1.0, 0.0])
    got = to_numpy(acc.binary_accuracy(BINARY_TRUE, BINARY_PRED, threshold=0.4))
    np.testing.assert_array_equal(got, ((BINARY_PRED > 0.4) == BINARY_TRUE).astype("float32"))
    argmax_hits = (SCORES.argmax(axis=1) == LABELS).astype("float32")
    np.testing.assert_array_equal(to_numpy(acc.categorical_accuracy(ONE_HOT, SCORES)), argmax_hits)
    for labels in (LABELS, LABELS[:, None]):
        got = to_numpy(acc.sparse_categorical_accuracy(labels, SCORES))
        np.testing.assert_array_equal(got, argmax_hits)
        got = to_numpy(acc.sparse_top_k_categorical_accuracy(labels, SCORES, k=2))
        np.testing.assert_array_equal(got.reshape(-1), _in_top_k(LABELS, SCORES, 2))
    got = to_numpy(acc.top_k_categorical_accuracy(ONE_HOT, SCORES, k=3))
    np.testing.assert_array_equal(got, _in_top_k(LABELS, SCORES, 3))
    sorted_ids = np.argsort(-SCORES, axis=1)
    got = to_numpy(acc.sparse_top_k_categorical_accuracy(LABELS, sorted_ids, k=2,
                                                          from_sorted_ids=True))
    np.testing.assert_array_equal(got, _in_top_k(LABELS, SCORES, 2))
    assert all(to_numpy(f).dtype == np.float32 for f in (
        acc.accuracy(exact, exact), acc.categorical_accuracy(ONE_HOT, SCORES)))


def test_sequence_shapes(backend):
    scores = RNG.uniform(size=(3, 4, C)).astype("float32")
    labels = RNG.integers(0, C, size=(3, 4))
    got = to_numpy(acc.sparse_categorical_accuracy(labels, scores))
    np.testing.assert_array_equal(got, (scores.argmax(-1) == labels).astype("float32"))
    got = to_numpy(acc.sparse_top_k_categorical_accuracy(labels, scores, k=2))
    expected = _in_top_k(labels.reshape(-1), scores.reshape(-1, C), 2).reshape(3, 4)
    np.testing.assert_array_equal(got, expected)
    got = to_numpy(acc.top_k_categorical_accuracy(np.eye(C)[labels], scores, k=2))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name, args", [
    ("sparse_categorical_accuracy", (LABELS[:, None], SCORES)),
    ("sparse_categorical_accuracy", (LABELS, SCORES)),
    ("categorical_accuracy", (ONE_HOT, SCORES)),
    ("binary_accuracy", (BINARY_TRUE[:, 0], BINARY_PRED)),
    ("sparse_top_k_categorical_accuracy", (LABELS[:, None], SCORES)),
])
def test_function_shapes_match_keras(backend, name, args):
    expected = np.asarray(getattr(keras_metrics(), name)(*args))
    got = to_numpy(getattr(acc, name)(*args))
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


CLASS_CASES = [
    ("Accuracy", {}, LABELS, (LABELS + np.arange(N) % 2) % C,
     lambda t, p: (t == p).astype("float32")),
    ("BinaryAccuracy", {"threshold": 0.3}, BINARY_TRUE, BINARY_PRED,
     lambda t, p: ((p > 0.3) == t)[:, 0].astype("float32")),
    ("CategoricalAccuracy", {}, ONE_HOT, SCORES,
     lambda t, p: (t.argmax(1) == p.argmax(1)).astype("float32")),
    ("SparseCategoricalAccuracy", {}, LABELS[:, None], SCORES,
     lambda t, p: (t[:, 0] == p.argmax(1)).astype("float32")),
    ("TopKCategoricalAccuracy", {"k": 2}, ONE_HOT, SCORES,
     lambda t, p: _in_top_k(t.argmax(1), p, 2)),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, LABELS, SCORES,
     lambda t, p: _in_top_k(t, p, 3)),
    ("SparseTopKCategoricalAccuracy", {"k": 1, "from_sorted_ids": True}, LABELS,
     np.argsort(-SCORES, axis=1), lambda t, p: (p[:, 0] == t).astype("float32")),
]


@pytest.mark.parametrize("name, kwargs, y_true, y_pred, reference", CLASS_CASES)
def test_metrics_over_batches(backend, name, kwargs, y_true, y_pred, reference):
    half = N // 2
    batches = [(y_true[:half], y_pred[:half], WEIGHTS[:half]), (y_true[half:], y_pred[half:], None)]
    weights = np.concatenate([WEIGHTS[:half], np.ones(N - half, "float32")])
    expected = (reference(y_true, y_pred) * weights).sum() / weights.sum()
    metric = getattr(acc, name)(**kwargs)
    np.testing.assert_allclose(eager_result(metric, batches), expected, rtol=1e-6)
    np.testing.assert_allclose(oracle_result(name, kwargs, batches), expected, rtol=1e-6)
    assert metric.get_config() == getattr(keras_metrics(), name)(**kwargs).get_config()
    check_round_trip(metric)
    metric.reset_state()
    np.testing.assert_allclose(eager_result(metric, batches[1:]),
                               reference(y_true, y_pred)[half:].mean(), rtol=1e-6)


@pytest.mark.parametrize("name, kwargs, y_true, y_pred, reference",
                         [CLASS_CASES[i] for i in (1, 3, 6)])
def test_metrics_compile(backend, name, kwargs, y_true, y_pred, reference):
    batches = [(y_true[:5], y_pred[:5], WEIGHTS[:5]), (y_true[5:], y_pred[5:], WEIGHTS[5:])]
    expected = (reference(y_true, y_pred) * WEIGHTS).sum() / WEIGHTS.sum()
    np.testing.assert_allclose(stateless_result(getattr(acc, name)(**kwargs), batches), expected,
                               rtol=1e-6)


def test_default_names(backend):
    assert [m().name for m in (acc.Accuracy, acc.BinaryAccuracy, acc.CategoricalAccuracy,
                               acc.SparseCategoricalAccuracy, acc.TopKCategoricalAccuracy,
                               acc.SparseTopKCategoricalAccuracy)] == [
        "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy"]
    assert acc.TopKCategoricalAccuracy(k=3).k == 3
