"""Confusion-matrix metrics against NumPy reference math, scikit-learn and real Keras."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from kerasnb.engine import backend as engine_backend
from kerasnb.engine.metrics import confusion
from kerasnb.engine.saving.serialization import (
    builtins_of, deserialize_keras_object, serialize_keras_object)
from tests.engine.layers.harness import compiled
from tests.engine.ops.checks import to_numpy
from tests.oracle import real_keras

COUNT_CLASSES = {"tp": confusion.TruePositives, "fp": confusion.FalsePositives,
                 "tn": confusion.TrueNegatives, "fn": confusion.FalseNegatives}


# NumPy reference ------------------------------------------------------------------------

def ref_counts(y_true, y_pred, thresholds, sample_weight=None):
    """Weighted tp/fp/tn/fn of flattened data at each threshold, one threshold at a time."""
    y_pred = np.asarray(y_pred, np.float32)
    label = np.broadcast_to(np.asarray(y_true) != 0, y_pred.shape).ravel()
    weight = np.ones(y_pred.shape, np.float64)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, np.float64)
        sample_weight = sample_weight.reshape(sample_weight.shape
                                              + (1,) * (y_pred.ndim - sample_weight.ndim))
        weight = np.broadcast_to(sample_weight, y_pred.shape)
    weight, y_pred = weight.ravel(), y_pred.ravel()
    counts = {name: [] for name in ("tp", "fp", "tn", "fn")}
    for t in np.asarray(thresholds, np.float32):
        predicted = y_pred > t
        counts["tp"].append(weight[label & predicted].sum())
        counts["fp"].append(weight[~label & predicted].sum())
        counts["tn"].append(weight[~label & ~predicted].sum())
        counts["fn"].append(weight[label & ~predicted].sum())
    return {name: np.array(values) for name, values in counts.items()}


def ratio(a, b):
    return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)


def ref_top_k(y_pred, k):
    kept = np.full_like(y_pred, -1e10)
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    np.put_along_axis(kept, order, np.take_along_axis(y_pred, order, -1), -1)
    return kept


def ref_riemann_auc(counts, curve, summation):
    tp, fp, tn, fn = (counts[n] for n in ("tp", "fp", "tn", "fn"))
    recall = ratio(tp, tp + fn)
    if curve == "ROC":
        x, y = ratio(fp, fp + tn), recall
    else:
        x, y = recall, ratio(tp, tp + fp)
    if summation == "interpolation":
        heights = (y[:-1] + y[1:]) / 2
    elif summation == "minoring":
        heights = np.minimum(y[:-1], y[1:])
    else:
        heights = np.maximum(y[:-1], y[1:])
    return np.sum((x[:-1] - x[1:]) * heights)


def batches(seed, n_batches=3, shape=(16,), grid=None, weights=True):
    """Random (y_true, y_pred, sample_weight) batches. With `grid`, scores sit mid-way between
    the points k / grid, so an AUC with ``grid + 1`` thresholds sees every distinct score."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_batches):
        y_true = (rng.random(shape) < 0.5).astype("float32")
        y_pred = rng.random(shape).astype("float32")
        if grid:
            y_pred = ((np.floor(y_pred * grid) + 0.5) / grid).astype("float32")
        weight = rng.uniform(0.5, 2.0, shape[:1]).astype("float32") if weights else None
        out.append((y_true, y_pred, weight))
    return out


def run(metric, data):
    for y_true, y_pred, weight in data:
        metric.update_state(y_true, y_pred, sample_weight=weight)
    return to_numpy(metric.result())


def stacked(data):
    return [np.concatenate([d[i] for d in data]) if data[0][i] is not None else None
            for i in range(3)]


# Counts, precision, recall --------------------------------------------------------------

def test_counts_over_batches_with_weights(backend):
    thresholds = [0.0, 0.25, 0.5, 0.9, 1.0]
    data = batches(1, shape=(12, 3))
    expected = ref_counts(*stacked(data)[:2], thresholds, stacked(data)[2])
    first = ref_counts(*data[0][:2], [0.5], data[0][2])
    for cell, cls in COUNT_CLASSES.items():
        np.testing.assert_allclose(run(cls(thresholds=thresholds), data), expected[cell],
                                   rtol=1e-5)
        single = run(cls(), data[:1])
        assert single.shape == ()
        np.testing.assert_allclose(single, first[cell][0], rtol=1e-5)


def test_precision_recall_thresholds_and_reset(backend):
    thresholds = [0.1, 0.5, 0.8]
    data = batches(2, shape=(20,))
    y_true, y_pred, weight = stacked(data)
    counts = ref_counts(y_true, y_pred, thresholds, weight)
    precision = confusion.Precision(thresholds=thresholds)
    recall = confusion.Recall(thresholds=thresholds)
    np.testing.assert_allclose(run(precision, data), ratio(counts["tp"], counts["tp"] + counts["fp"]),
                               rtol=1e-5)
    np.testing.assert_allclose(run(recall, data), ratio(counts["tp"], counts["tp"] + counts["fn"]),
                               rtol=1e-5)
    precision.reset_state()
    np.testing.assert_array_equal(to_numpy(precision.result()), np.zeros(3))
    y_true, y_pred, weight = data[0]
    counts = ref_counts(y_true, y_pred, thresholds, weight)
    precision.update_state(y_true, y_pred, sample_weight=weight)
    np.testing.assert_allclose(to_numpy(precision.result()),
                               ratio(counts["tp"], counts["tp"] + counts["fp"]), rtol=1e-5)


def test_precision_recall_top_k_and_class_id(backend):
    data = batches(3, shape=(10, 5))
    y_true, y_pred, weight = stacked(data)
    kept = ref_top_k(y_pred, 2)
    counts = ref_counts(y_true, kept, [-1e10], weight)
    np.testing.assert_allclose(run(confusion.Precision(top_k=2), data),
                               ratio(counts["tp"], counts["tp"] + counts["fp"])[0], rtol=1e-5)
    counts = ref_counts(y_true[:, 3], y_pred[:, 3], [0.3, 0.6], weight)
    np.testing.assert_allclose(run(confusion.Recall(thresholds=[0.3, 0.6], class_id=3), data),
                               ratio(counts["tp"], counts["tp"] + counts["fn"]), rtol=1e-5)
    counts = ref_counts(y_true[:, 1], kept[:, 1], [0.5], weight)
    np.testing.assert_allclose(run(confusion.Precision(top_k=2, class_id=1, thresholds=0.5), data),
                               ratio(counts["tp"], counts["tp"] + counts["fp"])[0], rtol=1e-5)


def test_label_and_weight_shapes(backend):
    y_pred = np.array([0.7, 0.6, 0.2, 0.9], "float32")
    labels = np.array([1, 0, 1, 2], "float32")
    m = confusion.Precision()
    m.update_state(labels[:, None], y_pred)
    np.testing.assert_allclose(to_numpy(m.result()), 2 / 3, rtol=1e-6)
    per_entry = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    m = confusion.TruePositives()
    m.update_state(np.ones((2, 2)), np.full((2, 2), 0.9), sample_weight=per_entry)
    assert float(to_numpy(m.result())) == 10.0
    m = confusion.TruePositives()
    m.update_state(np.ones((2, 2)), np.full((2, 2), 0.9), sample_weight=np.array([1.0, 3.0]))
    assert float(to_numpy(m.result())) == 8.0
    m = confusion.Recall(class_id=1)
    m.update_state(np.array([[0, 1], [1, 0]]), np.array([[0.1, 0.2], [0.3, 0.8]]),
                   sample_weight=per_entry)
    assert float(to_numpy(m.result())) == 0.0
    assert float(to_numpy(m.false_negatives.value[0])) == 2.0


# AUC ------------------------------------------------------------------------------------

def test_auc_roc_equals_sklearn_on_grid_scores(backend):
    data = batches(4, shape=(30,), grid=10)
    y_true, y_pred, weight = stacked(data)
    got = run(confusion.AUC(num_thresholds=11), data)
    np.testing.assert_allclose(got, roc_auc_score(y_true, y_pred, sample_weight=weight), rtol=1e-5)
    explicit = run(confusion.AUC(thresholds=[0.8, 0.2, 0.5]), data)
    counts = ref_counts(y_true, y_pred, [-1e-7, 0.2, 0.5, 0.8, 1 + 1e-7], weight)
    np.testing.assert_allclose(explicit, ref_riemann_auc(counts, "ROC", "interpolation"), rtol=1e-5)


def test_auc_riemann_sums(backend):
    data = batches(5, shape=(25,))
    y_true, y_pred, weight = stacked(data)
    counts = ref_counts(y_true, y_pred, confusion.AUC(num_thresholds=50).thresholds, weight)
    for curve, summation in [("ROC", "minoring"), ("ROC", "majoring"), ("PR", "minoring"),
                             ("PR", "majoring")]:
        metric = confusion.AUC(num_thresholds=50, curve=curve, summation_method=summation)
        np.testing.assert_allclose(run(metric, data), ref_riemann_auc(counts, curve, summation),
                                   rtol=1e-5)
    # The interpolated PR area is close to average precision on continuous scores.
    got = run(confusion.AUC(num_thresholds=50, curve="PR"), data)
    assert abs(got - average_precision_score(y_true, y_pred, sample_weight=weight)) < 0.03


def test_auc_multi_label_and_label_weights(backend):
    data = batches(6, shape=(40, 3), grid=20)
    y_true, y_pred, weight = stacked(data)
    per_label = [roc_auc_score(y_true[:, j], y_pred[:, j], sample_weight=weight) for j in range(3)]
    np.testing.assert_allclose(run(confusion.AUC(num_thresholds=21, multi_label=True), data),
                               np.mean(per_label), rtol=1e-5)
    label_weights = [0.5, 2.0, 1.0]
    weighted = confusion.AUC(num_thresholds=21, multi_label=True, num_labels=3,
                             label_weights=label_weights)
    assert len(weighted.variables) == 4 and tuple(weighted.variables[0].shape) == (21, 3)
    np.testing.assert_allclose(run(weighted, data),
                               np.average(per_label, weights=label_weights), rtol=1e-5)
    flat_weights = (weight[:, None] * np.array(label_weights)).ravel()
    np.testing.assert_allclose(
        run(confusion.AUC(num_thresholds=21, label_weights=label_weights), data),
        roc_auc_score(y_true.ravel(), y_pred.ravel(), sample_weight=flat_weights), rtol=1e-5)


def test_auc_from_logits_and_reset(backend):
    data = batches(7, shape=(30,), grid=10, weights=False)
    logit_data = [(t, np.log(np.clip(p, 1e-3, 1 - 1e-3) / (1 - np.clip(p, 1e-3, 1 - 1e-3))), w)
                  for t, p, w in data]
    from_probs = run(confusion.AUC(num_thresholds=7), [(t, 1 / (1 + np.exp(-p)), w)
                                                       for t, p, w in logit_data])
    metric = confusion.AUC(num_thresholds=7, from_logits=True)
    np.testing.assert_allclose(run(metric, logit_data), from_probs, rtol=1e-5)
    metric.reset_state()
    for variable in metric.variables:
        assert not to_numpy(variable.value).any()


def test_auc_prgain_matches_reference(backend):
    data = batches(8, shape=(30,))
    y_true, y_pred, weight = stacked(data)
    metric = confusion.AUC(num_thresholds=30, curve="prgain", summation_method="minoring")
    counts = ref_counts(y_true, y_pred, metric.thresholds, weight)
    tp, fp, tn, fn = (counts[n] for n in ("tp", "fp", "tn", "fn"))
    scale = ratio(tp + fn, tn + fp)
    recall_gain = np.maximum(np.where(tp == 0, 0.0, 1 - scale * ratio(fn, tp)), 0.0)
    precision_gain = np.where(tp == 0, 1.0, 1 - scale * ratio(fp, tp))
    expected = np.sum((recall_gain[:-1] - recall_gain[1:])
                      * np.minimum(precision_gain[:-1], precision_gain[1:]))
    np.testing.assert_allclose(run(metric, data), expected, rtol=1e-4, atol=1e-6)


# Operating points ------------------------------------------------------------------------

CONSTRAINED = [(confusion.SensitivityAtSpecificity, "specificity", "sensitivity"),
               (confusion.SpecificityAtSensitivity, "sensitivity", "specificity"),
               (confusion.PrecisionAtRecall, "recall", "precision"),
               (confusion.RecallAtPrecision, "precision", "recall")]


def ref_constrained(y_true, y_pred, weight, constraint, target, value, num_thresholds):
    counts = ref_counts(y_true, y_pred, np.linspace(0, 1, num_thresholds), weight)
    tp, fp, tn, fn = (counts[n] for n in ("tp", "fp", "tn", "fn"))
    rates = {"sensitivity": ratio(tp, tp + fn), "recall": ratio(tp, tp + fn),
             "specificity": ratio(tn, tn + fp), "precision": ratio(tp, tp + fp)}
    feasible = rates[constraint] >= np.float32(value)
    return rates[target][feasible].max() if feasible.any() else 0.0


def test_constrained_rates(backend):
    data = batches(9, shape=(30, 2))
    y_true, y_pred, weight = stacked(data)
    for cls, constraint, target in CONSTRAINED:
        metric = cls(0.6, num_thresholds=40, class_id=1)
        expected = ref_constrained(y_true[:, 1], y_pred[:, 1], weight, constraint, target, 0.6,
                                   40)
        np.testing.assert_allclose(run(metric, data), expected, rtol=1e-5)
        assert getattr(metric, constraint) == 0.6


# Compiled stateless updates ---------------------------------------------------------------

@pytest.mark.parametrize("make,ref", [
    (lambda: confusion.AUC(num_thresholds=11, multi_label=True, num_labels=3),
     lambda t, p, w: np.mean([roc_auc_score(t[:, j], p[:, j], sample_weight=w) for j in range(3)])),
    (lambda: confusion.Precision(top_k=1, class_id=2),
     lambda t, p, w: (lambda c: c["tp"][0] / (c["tp"][0] + c["fp"][0]))(
         ref_counts(t[:, 2], ref_top_k(p, 1)[:, 2], [-1e10], w))),
    (lambda: confusion.SensitivityAtSpecificity(0.7, num_thresholds=13),
     lambda t, p, w: ref_constrained(t, p, w, "specificity", "sensitivity", 0.7, 13)),
])
def test_compiled_stateless_update(trainable_backend, make, ref):
    metric = make()
    data = batches(10, n_batches=2, shape=(24, 3), grid=10)

    def step(values, y_true, y_pred, weight):
        return metric.stateless_update_state(values, y_true, y_pred, sample_weight=weight)

    step = compiled(step)
    values = [v.value for v in metric.variables]
    for y_true, y_pred, weight in data:
        values = step(values, y_true, y_pred, weight)
    np.testing.assert_allclose(to_numpy(metric.stateless_result(values)), ref(*stacked(data)),
                               rtol=1e-5)
    assert not any(to_numpy(v.value).any() for v in metric.variables)


# Config, errors, real Keras -------------------------------------------------------------

CONFIGS = [
    (confusion.TruePositives, {"thresholds": [0.2, 0.7]}),
    (confusion.FalseNegatives, {"name": "fn_metric"}),
    (confusion.Precision, {"thresholds": 0.3, "class_id": 1, "top_k": 2}),
    (confusion.Recall, {}),
    (confusion.AUC, {"thresholds": [0.6, 0.1], "curve": "PR", "summation_method": "majoring",
                     "multi_label": True, "num_labels": 2, "label_weights": [1.0, 3.0]}),
    (confusion.AUC, {"num_thresholds": 33, "from_logits": True}),
    (confusion.PrecisionAtRecall, {"recall": 0.4, "num_thresholds": 9, "class_id": 0}),
    (confusion.RecallAtPrecision, {"precision": 0.7}),
    (confusion.SensitivityAtSpecificity, {"specificity": 0.2}),
    (confusion.SpecificityAtSensitivity, {"sensitivity": 0.9, "num_thresholds": 1}),
]


@pytest.mark.parametrize("cls,kwargs", CONFIGS)
def test_config_round_trip(cls, kwargs):
    metric = cls(**kwargs)
    config = metric.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config
    assert [tuple(v.shape) for v in clone.variables] == [tuple(v.shape) for v in metric.variables]
    restored = deserialize_keras_object(serialize_keras_object(metric),
                                        module_objects=builtins_of("metrics"))
    assert type(restored) is cls and restored.get_config() == config


def test_default_names_and_thresholds():
    assert confusion.AUC().name.startswith("auc")
    assert confusion.PrecisionAtRecall(0.5).name.startswith("precision_at_recall")
    auc = confusion.AUC(num_thresholds=5)
    np.testing.assert_allclose(auc.thresholds, [-1e-7, 0.25, 0.5, 0.75, 1 + 1e-7])
    assert auc.curve is confusion.AUCCurve.ROC
    assert auc.summation_method is confusion.AUCSummationMethod.INTERPOLATION


@pytest.mark.parametrize("make,words", [
    (lambda: confusion.Precision(thresholds=[0.5, 1.5]), "thresholds"),
    (lambda: confusion.TruePositives(thresholds=-0.1), "thresholds"),
    (lambda: confusion.Precision(top_k=0), "top_k"),
    (lambda: confusion.Recall(class_id="a"), "class_id"),
    (lambda: confusion.AUC(curve="DET"), "curve"),
    (lambda: confusion.AUC(summation_method="left"), "summation_method"),
    (lambda: confusion.AUC(num_thresholds=1), "num_thresholds"),
    (lambda: confusion.AUC(num_labels=3), "num_labels"),
    (lambda: confusion.AUC(label_weights=[1.0, -1.0]), "label_weights"),
    (lambda: confusion.PrecisionAtRecall(1.5), "recall"),
    (lambda: confusion.SpecificityAtSensitivity(0.5, num_thresholds=0), "num_thresholds"),
    (lambda: confusion.AUC(multi_label=True).update_state([1, 0], [0.2, 0.3]), "rank 2"),
    (lambda: confusion.Recall(class_id=0).update_state([1, 0], [0.2, 0.3]), "class_id"),
    (lambda: confusion.Recall(class_id=2).update_state([[1, 0]], [[0.2, 0.3]]), "class_id"),
])
def test_bad_arguments(make, words):
    with pytest.raises(ValueError, match=words):
        make()


@pytest.fixture(scope="module")
def keras_metrics():
    return real_keras().metrics


ORACLE_CASES = [
    ("Precision", {"thresholds": [0.3, 0.5, 0.7]}, (20, 4)),
    ("Recall", {"top_k": 2, "class_id": 1}, (20, 4)),
    ("TrueNegatives", {"thresholds": [0.0, 0.4, 1.0]}, (20, 4)),
    ("AUC", {"num_thresholds": 50, "curve": "PR"}, (30,)),
    ("AUC", {"num_thresholds": 20, "multi_label": True, "label_weights": [1, 2, 0.5, 1],
             "curve": "PRGAIN", "summation_method": "majoring"}, (30, 4)),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75], "label_weights": [2, 1, 1, 1]}, (30, 4)),
    ("RecallAtPrecision", {"precision": 0.55, "num_thresholds": 30}, (40,)),
    ("SpecificityAtSensitivity", {"sensitivity": 0.4, "class_id": 2}, (40, 4)),
]


@pytest.mark.parametrize("name,kwargs,shape", ORACLE_CASES)
def test_matches_real_keras(keras_metrics, name, kwargs, shape):
    data = batches(11, n_batches=2, shape=shape)
    expected = run(getattr(keras_metrics, name)(**kwargs), data)
    got = run(getattr(confusion, name)(**kwargs), data)
    np.testing.assert_allclose(got, np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_tf_function_with_unknown_batch_size():
    import tensorflow as tf
    engine_backend.set_backend("tensorflow")
    metric = confusion.Recall(class_id=2, thresholds=[0.2, 0.6])
    spec = [[tf.TensorSpec(v.shape) for v in metric.variables], tf.TensorSpec([None, 3]),
            tf.TensorSpec([None, 3]), tf.TensorSpec([None])]

    @tf.function(input_signature=spec)
    def step(values, y_true, y_pred, weight):
        return metric.stateless_update_state(values, y_true, y_pred, sample_weight=weight)

    data = batches(12, n_batches=1, shape=(9, 3)) + batches(13, n_batches=1, shape=(14, 3))
    values = [v.value for v in metric.variables]
    for y_true, y_pred, weight in data:
        values = step(values, y_true, y_pred, weight)
    y_true, y_pred, weight = stacked(data)
    counts = ref_counts(y_true[:, 2], y_pred[:, 2], [0.2, 0.6], weight)
    np.testing.assert_allclose(to_numpy(metric.stateless_result(values)),
                               ratio(counts["tp"], counts["tp"] + counts["fn"]), rtol=1e-5)
