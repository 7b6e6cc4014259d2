"""R2Score against NumPy reference math and real Keras."""

import numpy as np
import pytest

from kerasnb.engine.metrics.r2_score import R2Score
from tests.engine.metrics.metric_checks import (
    check_round_trip, eager_result, keras_metrics, oracle_result, stateless_result)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(2)
Y_TRUE = RNG.normal(size=(12, 3)).astype("float32") * [1.0, 3.0, 0.5]
Y_PRED = (Y_TRUE + RNG.normal(size=(12, 3)) * 0.7).astype("float32")
WEIGHTS = RNG.uniform(0.2, 2, size=(12,)).astype("float32")


def _reference(y_true, y_pred, weights, aggregation, regressors):
    w = np.broadcast_to(weights[:, None], y_true.shape)
    mean = (w * y_true).sum(0) / w.sum(0)
    variation = (w * (y_true - mean) ** 2).sum(0)
    scores = 1 - (w * (y_true - y_pred) ** 2).sum(0) / variation
    if aggregation == "uniform_average":
        scores = scores.mean()
    elif aggregation == "variance_weighted_average":
        scores = (scores * variation).sum() / variation.sum()
    n = y_true.size
    if 0 < regressors < n - 1:
        scores = 1 - (1 - scores) * (n - 1) / (n - regressors - 1)
    return scores


@pytest.mark.parametrize("aggregation, regressors", [
    ("uniform_average", 0), ("variance_weighted_average", 0), (None, 0), ("uniform_average", 4),
    ("uniform_average", 40)])
def test_score_over_batches(backend, aggregation, regressors):
    kwargs = {"class_aggregation": aggregation, "num_regressors": regressors}
    batches = [(Y_TRUE[:5], Y_PRED[:5], WEIGHTS[:5]), (Y_TRUE[5:], Y_PRED[5:], WEIGHTS[5:])]
    expected = _reference(Y_TRUE, Y_PRED, WEIGHTS, aggregation, regressors)
    metric = R2Score(**kwargs)
    np.testing.assert_allclose(eager_result(metric, batches), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(oracle_result("R2Score", kwargs, batches), expected,
                               rtol=1e-4, atol=1e-5)
    metric.reset_state()
    np.testing.assert_allclose(eager_result(metric, [(Y_TRUE, Y_PRED)]),
                               _reference(Y_TRUE, Y_PRED, np.ones(12), aggregation, regressors),
                               rtol=1e-4, atol=1e-5)
    assert metric.get_config() == keras_metrics().R2Score(**kwargs).get_config()
    check_round_trip(metric)


def test_compiled_update_and_per_entry_weights(backend):
    metric = R2Score(num_regressors=2)
    metric.update_state(Y_TRUE[:2], Y_PRED[:2])  # creates the variables
    metric.reset_state()
    batches = [(Y_TRUE[:6], Y_PRED[:6], WEIGHTS[:6]), (Y_TRUE[6:], Y_PRED[6:], WEIGHTS[6:])]
    expected = _reference(Y_TRUE, Y_PRED, WEIGHTS, "uniform_average", 2)
    np.testing.assert_allclose(stateless_result(metric, batches), expected, rtol=1e-4)
    entry_weights = np.broadcast_to(WEIGHTS[:, None], Y_TRUE.shape)
    np.testing.assert_allclose(eager_result(R2Score(), [(Y_TRUE, Y_PRED, entry_weights)]),
                               _reference(Y_TRUE, Y_PRED, WEIGHTS, "uniform_average", 0),
                               rtol=1e-4)


def test_single_output_column_vectors(backend):
    y_true, y_pred = Y_TRUE[:, 0], Y_PRED[:, 0]
    expected = _reference(y_true[:, None], y_pred[:, None], np.ones(12), None, 0)
    got = eager_result(R2Score(class_aggregation=None), [(y_true[:, None], y_pred)])
    np.testing.assert_allclose(got, expected, rtol=1e-4)


@pytest.mark.parametrize("kwargs, words", [({"class_aggregation": "mean"}, "class_aggregation"),
                                           ({"num_regressors": -1}, "num_regressors")])
def test_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        R2Score(**kwargs)


def test_inputs_must_be_two_dimensional(backend):
    with pytest.raises(ValueError, match="2-D"):
        R2Score().update_state(Y_TRUE[None], Y_PRED[None])
    assert to_numpy(R2Score(class_aggregation=None)(Y_TRUE, Y_PRED)).shape == (3,)
