"""Loss reductions, sample weights, masks, `ignore_class` and Circle's own mask."""

import numpy as np
import pytest

import kerasnb.losses as losses
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.losses.loss import reduce_weighted_values
from kerasnb.engine.ops import core
from tests.engine.losses import references as ref
from tests.engine.losses.cases import EMBEDDING_LABELS, EMBEDDINGS, LOGITS, RNG, Y_PRED, Y_TRUE
from tests.engine.ops.checks import to_numpy


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean",
                                       "mean_with_sample_weight", "none", None])
@pytest.mark.parametrize("weights", [None, "vector", "column"])
def test_reductions_and_sample_weights(backend, reduction, weights):
    sample_weight = {None: None, "vector": np.array([1.0, 0.5, 2.0, 0.0, 3.0], "float32"),
                     "column": RNG.random((5, 1)).astype("float32")}[weights]
    got = to_numpy(losses.Huber(reduction=reduction)(Y_TRUE, LOGITS, sample_weight=sample_weight))
    values = ref.huber(Y_TRUE, LOGITS)
    if weights == "column":
        values = values[:, None]
    expected = ref.reduce(values, sample_weight, reduction or "none")
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_rank2_sample_weights_on_sequence_losses(backend):
    labels = RNG.integers(0, 4, (3, 6))
    logits = RNG.normal(size=(3, 6, 4)).astype("float32")
    weights = RNG.random((3, 6)).astype("float32")
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    values = ref.scce(labels, logits, from_logits=True)
    np.testing.assert_allclose(to_numpy(loss(labels, logits, sample_weight=weights)),
                               (values * weights).mean(), rtol=1e-5)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
def test_mask_restricts_the_average(backend, reduction):
    values = RNG.random((4, 3)).astype("float32")
    mask = np.array([[1, 0, 1], [1, 1, 1], [0, 0, 0], [1, 1, 0]], bool)
    weights = RNG.random((4, 3)).astype("float32")
    got = to_numpy(reduce_weighted_values(values, weights, core.convert_to_tensor(mask),
                                          reduction))
    kept = np.where(mask, values * weights, 0.0)
    expected = {"sum_over_batch_size": kept.sum() / mask.sum(), "sum": kept.sum(),
                "mean_with_sample_weight": kept.sum() / (weights * mask).sum()}[reduction]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_keras_mask_of_predictions(name):
    # Only torch and tensorflow tensors can carry a `_keras_mask` attribute.
    engine_backend.set_backend(name)
    y_pred = core.convert_to_tensor(Y_PRED)
    mask = np.array([True, False, True, True, False])
    y_pred._keras_mask = core.convert_to_tensor(mask)
    got = to_numpy(losses.MeanSquaredError()(Y_TRUE, y_pred))
    np.testing.assert_allclose(got, ref.mse(Y_TRUE, Y_PRED)[mask].mean(), rtol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
def test_ignore_class_leaves_entries_out(backend, from_logits):
    labels = np.array([[0, 2, 1], [2, 2, 3]])
    y_pred = (RNG.normal(size=(2, 3, 4)) if from_logits else RNG.random((2, 3, 4)) + 0.1)
    y_pred = y_pred.astype("float32")
    values = ref.scce(labels, y_pred, from_logits=from_logits, ignore_class=2)
    valid = labels != 2
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=2)
    np.testing.assert_allclose(to_numpy(loss(labels, y_pred)), values[valid].mean(), rtol=1e-5)
    summed = losses.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=2,
                                                  reduction="sum")
    np.testing.assert_allclose(to_numpy(summed(labels, y_pred)), values.sum(), rtol=1e-5)
    function_values = to_numpy(losses.sparse_categorical_crossentropy(
        labels, y_pred, from_logits=from_logits, ignore_class=2))
    np.testing.assert_allclose(function_values, values, rtol=1e-5, atol=1e-6)


def test_circle_averages_over_positive_losses(backend):
    labels = np.array([1, 1, 2, 2, 0, 3])  # the last two have no positive pair: loss 0
    values = ref.circle(labels, EMBEDDINGS, gamma=2.0, margin=0.3)
    got = to_numpy(losses.Circle(gamma=2.0, margin=0.3)(labels, EMBEDDINGS))
    np.testing.assert_allclose(got, values[values > 0].mean(), rtol=1e-5)


def test_circle_with_reference_embeddings(backend):
    ref_labels = np.array([1, 2, 0, 0])
    ref_embeddings = RNG.normal(size=(4, 3)).astype("float32")
    ref_embeddings /= np.linalg.norm(ref_embeddings, axis=1, keepdims=True)
    got = to_numpy(losses.circle(EMBEDDING_LABELS, EMBEDDINGS, ref_labels, ref_embeddings,
                                 remove_diagonal=False, gamma=3.0, margin=0.2))
    expected = ref.circle(EMBEDDING_LABELS, EMBEDDINGS, ref_labels, ref_embeddings,
                          remove_diagonal=False, gamma=3.0, margin=0.2)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


