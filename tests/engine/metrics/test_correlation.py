"""Pearson and concordance correlation against NumPy reference math and real Keras."""

import numpy as np
import pytest

from kerasnb.engine.metrics import correlation as corr
from tests.engine.metrics.metric_checks import (
    check_round_trip, eager_result, keras_metrics, oracle_result, stateless_result)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(11)
Y_TRUE = RNG.normal(size=(6, 8)).astype("float32")
Y_PRED = (0.6 * Y_TRUE + RNG.normal(size=(6, 8)) + 0.3).astype("float32")
WEIGHTS = RNG.uniform(0.5, 2, size=(6,)).astype("float32")


def _pearson(t, p, axis=-1):
    t = t - t.mean(axis=axis, keepdims=True)
    p = p - p.mean(axis=axis, keepdims=True)
    return (t * p).sum(axis=axis) / np.sqrt((t ** 2).sum(axis=axis) * (p ** 2).sum(axis=axis))


def _concordance(t, p, axis=-1):
    covariance = ((t - t.mean(axis=axis, keepdims=True))
                  * (p - p.mean(axis=axis, keepdims=True))).mean(axis=axis)
    spread = t.var(axis=axis) + p.var(axis=axis) + (t.mean(axis=axis) - p.mean(axis=axis)) ** 2
    return 2 * covariance / spread


@pytest.mark.parametrize("axis", [-1, 0])
def test_functions_match_numpy(backend, axis):
    got = to_numpy(corr.pearson_correlation(Y_TRUE, Y_PRED, axis=axis))
    np.testing.assert_allclose(got, _pearson(Y_TRUE, Y_PRED, axis), rtol=1e-4, atol=1e-6)
    got = to_numpy(corr.concordance_correlation(Y_TRUE, Y_PRED, axis=axis))
    np.testing.assert_allclose(got, _concordance(Y_TRUE, Y_PRED, axis), rtol=1e-4, atol=1e-6)


def test_perfect_agreement_and_rank_one_inputs(backend):
    x = np.array([1.0, 2.0, 4.0, 7.0], "float32")
    np.testing.assert_allclose(to_numpy(corr.pearson_correlation(x, 3 * x + 1)), 1.0, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(corr.concordance_correlation(x, x)), 1.0, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(corr.pearson_correlation(x[None], -x[None])), [-1.0],
                               rtol=1e-5)


@pytest.mark.parametrize("name, reference", [("PearsonCorrelation", _pearson),
                                             ("ConcordanceCorrelation", _concordance)])
def test_metrics_over_batches(backend, name, reference):
    batches = [(Y_TRUE[:4], Y_PRED[:4], WEIGHTS[:4]), (Y_TRUE[4:], Y_PRED[4:], WEIGHTS[4:])]
    expected = (reference(Y_TRUE, Y_PRED) * WEIGHTS).sum() / WEIGHTS.sum()
    metric = getattr(corr, name)()
    np.testing.assert_allclose(eager_result(metric, batches), expected, rtol=1e-5)
    np.testing.assert_allclose(oracle_result(name, {}, batches), expected, rtol=1e-5)
    np.testing.assert_allclose(stateless_result(getattr(corr, name)(), batches), expected,
                               rtol=1e-5)
    metric.reset_state()
    np.testing.assert_allclose(eager_result(metric, [(Y_TRUE, Y_PRED)]),
                               reference(Y_TRUE, Y_PRED).mean(), rtol=1e-5)
    assert getattr(corr, name)(axis=0).get_config() == getattr(keras_metrics(), name)(
        axis=0).get_config()
    check_round_trip(getattr(corr, name)(name="c", axis=0))
