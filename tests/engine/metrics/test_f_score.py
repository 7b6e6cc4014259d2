"""F-beta / F1 scores against NumPy reference math and real Keras."""

import numpy as np
import pytest

from kerasnb.engine.metrics.f_score import F1Score, FBetaScore
from tests.engine.metrics.metric_checks import (
    check_round_trip, eager_result, keras_metrics, oracle_result, stateless_result)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(5)
Y_TRUE = RNG.integers(0, 2, size=(10, 4)).astype("float32")
Y_PRED = RNG.uniform(size=(10, 4)).astype("float32")
WEIGHTS = RNG.uniform(0.2, 2, size=(10,)).astype("float32")
EPS = 1e-7


def _reference(y_true, y_pred, weights, average, beta, threshold):
    if threshold is None:
        predicted = (y_pred >= y_pred.max(axis=1, keepdims=True)).astype("float64")
    else:
        predicted = (y_pred > threshold).astype("float64")
    w = weights[:, None]
    axis = None if average == "micro" else 0
    tp = (predicted * y_true * w).sum(axis=axis)
    fp = (predicted * (1 - y_true) * w).sum(axis=axis)
    fn = ((1 - predicted) * y_true * w).sum(axis=axis)
    precision, recall = tp / (tp + fp + EPS), tp / (tp + fn + EPS)
    score = (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall + EPS)
    if average == "weighted":
        support = (y_true * w).sum(axis=0)
        return (score * support).sum() / support.sum()
    return score if average is None else score.mean()


CASES = [(None, 1.0, None), ("micro", 1.0, 0.5), ("macro", 2.0, 0.4), ("weighted", 0.5, None),
         ("weighted", 1.0, 0.6)]


@pytest.mark.parametrize("average, beta, threshold", CASES)
def test_scores_over_batches(backend, average, beta, threshold):
    kwargs = {"average": average, "beta": beta, "threshold": threshold}
    batches = [(Y_TRUE[:6], Y_PRED[:6], WEIGHTS[:6]), (Y_TRUE[6:], Y_PRED[6:], WEIGHTS[6:])]
    expected = _reference(Y_TRUE, Y_PRED, WEIGHTS, average, beta, threshold)
    metric = FBetaScore(**kwargs)
    np.testing.assert_allclose(eager_result(metric, batches), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(oracle_result("FBetaScore", kwargs, batches), expected,
                               rtol=1e-5, atol=1e-6)
    metric.reset_state()
    unweighted = _reference(Y_TRUE, Y_PRED, np.ones(10), average, beta, threshold)
    np.testing.assert_allclose(eager_result(metric, [(Y_TRUE, Y_PRED)]), unweighted,
                               rtol=1e-5, atol=1e-6)
    check_round_trip(metric)
    assert metric.get_config() == keras_metrics().FBetaScore(**kwargs).get_config()


@pytest.mark.parametrize("average, beta, threshold", CASES[:3])
def test_compiled_update(backend, average, beta, threshold):
    metric = F1Score(average=average, threshold=threshold)
    metric.update_state(Y_TRUE[:1], Y_PRED[:1])  # creates the variables
    metric.reset_state()
    batches = [(Y_TRUE[:6], Y_PRED[:6], WEIGHTS[:6]), (Y_TRUE[6:], Y_PRED[6:], WEIGHTS[6:])]
    expected = _reference(Y_TRUE, Y_PRED, WEIGHTS, average, 1.0, threshold)
    np.testing.assert_allclose(stateless_result(metric, batches), expected, rtol=1e-5, atol=1e-6)


def test_f1_is_f_beta_one(backend):
    f1 = F1Score(average="macro", threshold=0.5)
    got = eager_result(f1, [(Y_TRUE, Y_PRED)])
    np.testing.assert_allclose(got, _reference(Y_TRUE, Y_PRED, np.ones(10), "macro", 1.0, 0.5),
                               rtol=1e-5)
    assert f1.get_config() == {"name": "f1_score", "dtype": "float32", "average": "macro",
                               "threshold": 0.5}
    check_round_trip(f1)
    assert [v.path for v in f1.variables] == [
        "f1_score/true_positives", "f1_score/false_positives", "f1_score/false_negatives",
        "f1_score/intermediate_weights"]
    assert FBetaScore().name == "fbeta_score"


@pytest.mark.parametrize("kwargs, words", [
    ({"average": "mean"}, "average"), ({"beta": 2}, "beta"), ({"beta": -1.0}, "beta"),
    ({"threshold": 1.5}, "threshold"), ({"threshold": 1}, "threshold")])
def test_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        FBetaScore(**kwargs)


def test_inputs_must_be_two_dimensional(backend):
    with pytest.raises(ValueError, match="2-D"):
        F1Score().update_state(Y_TRUE[:, 0], Y_PRED[:, 0])
    assert to_numpy(F1Score()(Y_TRUE, Y_PRED)).shape == (4,)
