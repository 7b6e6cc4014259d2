"""The metrics that are running means of loss functions, against NumPy references (and the
real Keras 3 as an oracle): several batches, sample weights, compiled stateless updates,
configs and lookup."""

import numpy as np
import pytest

import kerasnb.losses as losses
from kerasnb.engine.metrics import hinge, lookup, probabilistic, regression
from kerasnb.engine.ops import core
from tests.engine.losses import references as ref
from tests.engine.metrics.metric_checks import (
    check_round_trip, eager_result, oracle_result, stateless_result)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(11)
Y_TRUE = RNG.random((6, 3)).astype("float32")
Y_PRED = RNG.random((6, 3)).astype("float32") + 0.05
LOGITS = (RNG.normal(size=(6, 3)) * 3).astype("float32")
BINARY = (RNG.random((6, 3)) > 0.5).astype("float32")
LABELS = np.array([0, 2, 1, 2, 0, 1])
ONE_HOT = np.eye(3, dtype="float32")[LABELS]
WEIGHTS = np.array([1.0, 0.0, 2.0, 0.5, 1.5, 1.0], "float32")


def _cosine_similarity(t, p, axis=-1):
    return -ref.cosine(t, p, axis)


# metric class, default name, constructor kwargs, y_true, y_pred, per-sample reference
CASES = {
    "MeanSquaredError": (regression.MeanSquaredError, "mean_squared_error", {}, Y_TRUE, Y_PRED,
                         ref.mse),
    "MeanAbsoluteError": (regression.MeanAbsoluteError, "mean_absolute_error", {}, Y_TRUE,
                          LOGITS, ref.mae),
    "MeanAbsolutePercentageError": (regression.MeanAbsolutePercentageError,
                                    "mean_absolute_percentage_error", {}, Y_TRUE, Y_PRED,
                                    ref.mape),
    "MeanSquaredLogarithmicError": (regression.MeanSquaredLogarithmicError,
                                    "mean_squared_logarithmic_error", {}, Y_TRUE, Y_PRED,
                                    ref.msle),
    "LogCoshError": (regression.LogCoshError, "logcosh", {}, Y_TRUE, LOGITS, ref.log_cosh),
    "CosineSimilarity": (regression.CosineSimilarity, "cosine_similarity", {"axis": -1},
                         Y_TRUE, LOGITS, _cosine_similarity),
    "Hinge": (hinge.Hinge, "hinge", {}, BINARY, LOGITS, ref.hinge),
    "SquaredHinge": (hinge.SquaredHinge, "squared_hinge", {}, BINARY, LOGITS, ref.squared_hinge),
    "CategoricalHinge": (hinge.CategoricalHinge, "categorical_hinge", {}, ONE_HOT, LOGITS,
                         ref.categorical_hinge),
    "BinaryCrossentropy": (probabilistic.BinaryCrossentropy, "binary_crossentropy",
                           {"from_logits": True, "label_smoothing": 0.1}, BINARY, LOGITS,
                           lambda t, p: ref.bce(t, p, True, 0.1)),
    "CategoricalCrossentropy": (probabilistic.CategoricalCrossentropy,
                                "categorical_crossentropy",
                                {"from_logits": False, "label_smoothing": 0.2, "axis": -1},
                                ONE_HOT, Y_PRED, lambda t, p: ref.cce(t, p, False, 0.2)),
    "SparseCategoricalCrossentropy": (probabilistic.SparseCategoricalCrossentropy,
                                      "sparse_categorical_crossentropy",
                                      {"from_logits": True, "ignore_class": None, "axis": -1},
                                      LABELS, LOGITS, lambda t, p: ref.scce(t, p, True)),
    "KLDivergence": (probabilistic.KLDivergence, "kl_divergence", {},
                     Y_TRUE / Y_TRUE.sum(-1, keepdims=True),
                     Y_PRED / Y_PRED.sum(-1, keepdims=True), ref.kld),
    "Poisson": (probabilistic.Poisson, "poisson", {}, Y_TRUE * 2, Y_PRED, ref.poisson),
}


def _batches(y_true, y_pred):
    """Two batches: the first weighted, the second not."""
    return [(y_true[:4], y_pred[:4], WEIGHTS[:4]), (y_true[4:], y_pred[4:], None)]


def _expected_mean(reference, y_true, y_pred):
    values = reference(y_true, y_pred)
    weights = np.concatenate([WEIGHTS[:4], np.ones(len(y_true) - 4)])
    return (values * weights).sum() / weights.sum()


@pytest.mark.parametrize("name", sorted(CASES))
def test_weighted_mean_over_batches(backend, name):
    cls, default_name, kwargs, y_true, y_pred, reference = CASES[name]
    metric = cls(**kwargs)
    assert metric.name == default_name
    got = eager_result(metric, _batches(y_true, y_pred))
    np.testing.assert_allclose(got, _expected_mean(reference, y_true, y_pred), rtol=1e-5)
    metric.reset_state()
    np.testing.assert_allclose(to_numpy(metric.result()), 0.0)


@pytest.mark.parametrize("name", ["MeanSquaredError", "CosineSimilarity", "BinaryCrossentropy",
                                  "SparseCategoricalCrossentropy", "RootMeanSquaredError"])
def test_compiled_stateless_updates(trainable_backend, name):
    if name == "RootMeanSquaredError":
        metric, y_true, y_pred = regression.RootMeanSquaredError(), Y_TRUE, Y_PRED
        expected = np.sqrt(_expected_mean(lambda t, p: ((t - p) ** 2).mean(-1), Y_TRUE, Y_PRED))
    else:
        cls, _, kwargs, y_true, y_pred, reference = CASES[name]
        metric = cls(**kwargs)
        expected = _expected_mean(reference, y_true, y_pred)
    batches = [(y_true[:4], y_pred[:4], WEIGHTS[:4]), (y_true[4:], y_pred[4:], np.ones(2, "float32"))]
    np.testing.assert_allclose(stateless_result(metric, batches), expected, rtol=1e-5)


def test_root_mean_squared_error(backend):
    metric = regression.RootMeanSquaredError()
    assert metric.name == "root_mean_squared_error"
    got = eager_result(metric, _batches(Y_TRUE, Y_PRED))
    squared = ((Y_TRUE.astype("float64") - Y_PRED) ** 2)
    weights = np.concatenate([WEIGHTS[:4], np.ones(2)])[:, None] * np.ones((1, 3))
    np.testing.assert_allclose(got, np.sqrt((squared * weights).sum() / weights.sum()), rtol=1e-5)
    column = regression.RootMeanSquaredError()
    column.update_state(Y_TRUE[:, 0], Y_PRED[:, :1])
    np.testing.assert_allclose(to_numpy(column.result()),
                               np.sqrt(((Y_TRUE[:, 0] - Y_PRED[:, 0]) ** 2).mean()), rtol=1e-5)


def test_sparse_crossentropy_ignore_class(backend):
    labels = np.array([0, 2, 1, 2])
    values = ref.scce(labels, Y_PRED[:4], ignore_class=2)
    metric = probabilistic.SparseCategoricalCrossentropy(ignore_class=2)
    metric.update_state(labels, Y_PRED[:4])
    # without weights the ignored entries count as zeros
    np.testing.assert_allclose(to_numpy(metric.result()), values.mean(), rtol=1e-5)
    weighted = probabilistic.SparseCategoricalCrossentropy(ignore_class=2)
    weighted.update_state(labels, Y_PRED[:4], sample_weight=WEIGHTS[:4])
    kept = WEIGHTS[:4] * (labels != 2)
    np.testing.assert_allclose(to_numpy(weighted.result()),
                               (values * kept).sum() / kept.sum(), rtol=1e-5)


@pytest.mark.parametrize("name", ["MeanAbsolutePercentageError", "LogCoshError",
                                  "CategoricalHinge", "BinaryCrossentropy",
                                  "CategoricalCrossentropy", "KLDivergence"])
def test_against_real_keras(name):
    cls, _, kwargs, y_true, y_pred, _ = CASES[name]
    batches = _batches(y_true, y_pred)
    np.testing.assert_allclose(eager_result(cls(**kwargs), batches),
                               oracle_result(name, kwargs, batches), rtol=1e-5)
    ignore = {"ignore_class": 1}
    probabilities = Y_PRED / Y_PRED.sum(-1, keepdims=True)
    labels_batches = [(LABELS, probabilities, WEIGHTS)]
    np.testing.assert_allclose(
        eager_result(probabilistic.SparseCategoricalCrossentropy(**ignore), labels_batches),
        oracle_result("SparseCategoricalCrossentropy", ignore, labels_batches), rtol=1e-5)
    rmse_batches = _batches(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(eager_result(regression.RootMeanSquaredError(), rmse_batches),
                               oracle_result("RootMeanSquaredError", {}, rmse_batches), rtol=1e-5)


def test_configs_round_trip():
    for cls, _, kwargs, *_rest in CASES.values():
        metric = cls(name="custom", **kwargs)
        check_round_trip(metric)
        assert metric.get_config()["name"] == "custom"
        assert all(metric.get_config()[key] == value for key, value in kwargs.items())
    check_round_trip(regression.RootMeanSquaredError())


def test_lookup_by_name_and_alias():
    for name, (cls, default_name, *_rest) in CASES.items():
        assert type(lookup.get(name)) is cls
        assert type(lookup.get(default_name if name != "LogCoshError" else "log_cosh_error")) is cls
    for alias, cls in [("mse", regression.MeanSquaredError), ("MAE", regression.MeanAbsoluteError),
                       ("mape", regression.MeanAbsolutePercentageError),
                       ("msle", regression.MeanSquaredLogarithmicError),
                       ("bce", probabilistic.BinaryCrossentropy),
                       ("root_mean_squared_error", regression.RootMeanSquaredError)]:
        assert type(lookup.get(alias)) is cls


def test_loss_functions_are_the_metric_functions():
    for function in (losses.huber, losses.log_cosh, losses.binary_focal_crossentropy,
                     losses.categorical_focal_crossentropy, losses.hinge,
                     losses.kl_divergence, losses.mean_squared_error):
        config = lookup.serialize(function)
        assert lookup.deserialize(config) is function


def test_direction(backend):
    assert regression.CosineSimilarity()._direction == "up"
    assert probabilistic.Poisson()._direction == "down"
    assert core.dtype(regression.MeanSquaredError(dtype="float64").result()) == "float64"
