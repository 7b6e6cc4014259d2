"""`get` / `serialize` / `deserialize` of metrics and the `compile` name resolution,
checked against real Keras's `keras.metrics.get`."""

import numpy as np
import pytest

from kerasnb.engine.metrics import accuracy, lookup
from kerasnb.engine.metrics.iou import IoU
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.metrics.reduction import Mean, MeanMetricWrapper
from kerasnb.engine.saving.serialization import get_custom_objects, register_keras_serializable
from tests.engine.metrics.metric_checks import keras_metrics


def _keras_names():
    from keras.src.metrics import ALL_OBJECTS_DICT
    return ALL_OBJECTS_DICT


def test_names_resolve_like_keras():
    ours, theirs = lookup.metric_classes(), _keras_names()
    assert set(ours) <= set(theirs), sorted(set(ours) - set(theirs))
    for name, cls in ours.items():
        assert cls.__name__ == theirs[name].__name__, name
    for name in ("accuracy", "binary_accuracy", "f1_score", "r2_score", "mean", "Sum"):
        assert type(lookup.get(name)).__name__ == type(keras_metrics().get(name)).__name__


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="'sparse_categorical_accuracy'.*received 'acc'"):
        lookup.get("acc")
    with pytest.raises(ValueError, match="received 3"):
        lookup.get(3)
    with pytest.raises(ValueError, match="nope"):
        lookup.deserialize("nope")


def test_get_passes_objects_through():
    def my_metric(y_true, y_pred):
        return y_pred

    metric = Mean(name="m")
    assert lookup.get(None) is None
    assert lookup.get(my_metric) is my_metric and lookup.get(metric) is metric
    assert isinstance(lookup.get(accuracy.BinaryAccuracy), accuracy.BinaryAccuracy)
    config = {"class_name": "BinaryAccuracy", "config": {"name": "b", "threshold": 0.2}}
    found = lookup.get(config)
    assert isinstance(found, accuracy.BinaryAccuracy) and found.threshold == 0.2


@pytest.mark.parametrize("metric", [
    accuracy.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True, name="top2"),
    IoU(num_classes=3, target_class_ids=[1], ignore_class=0),
    MeanMetricWrapper(accuracy.binary_accuracy, name="wrapped", threshold=0.1),
])
def test_serialize_round_trip(metric):
    config = lookup.serialize(metric)
    assert config["module"] == "keras.metrics" and config["class_name"] == type(metric).__name__
    revived = lookup.deserialize(config)
    assert type(revived) is type(metric) and revived.get_config() == metric.get_config()


def test_functions_and_custom_metrics():
    function = accuracy.binary_accuracy
    assert lookup.deserialize(lookup.serialize(function)) is function

    @register_keras_serializable(package="test_lookup")
    class Counter(Metric):
        def __init__(self, name="counter", dtype=None):
            super().__init__(name=name, dtype=dtype)
            self.n = self.add_variable((), "zeros", name="n")

        def update_state(self, *args):
            self.n.assign_add(1.0)

        def result(self):
            return self.n.value

    try:
        revived = lookup.deserialize(lookup.serialize(Counter(name="c")))
        assert type(revived) is Counter and revived.name == "c"
        assert type(lookup.deserialize("Local", custom_objects={"Local": Counter})) is Counter
    finally:
        get_custom_objects().pop("test_lookup>Counter")


@pytest.mark.parametrize("y_true, y_pred, expected", [
    (np.zeros((4, 1)), np.zeros((4, 1)), accuracy.BinaryAccuracy),
    (np.zeros((4,)), np.zeros((4, 3)), accuracy.SparseCategoricalAccuracy),
    (np.zeros((4, 1)), np.zeros((4, 3)), accuracy.SparseCategoricalAccuracy),
    (np.zeros((4, 3)), np.zeros((4, 3)), accuracy.CategoricalAccuracy),
])
def test_compile_picks_the_accuracy(y_true, y_pred, expected):
    for identifier in ("accuracy", "acc"):
        metric = lookup.compile_metric(identifier, y_true, y_pred)
        assert type(metric) is expected and metric.name == identifier


def test_compile_wraps_functions_and_names_by_identifier():
    one_hot = np.eye(3)[:2]
    metric = lookup.compile_metric(accuracy.categorical_accuracy, one_hot, one_hot)
    assert isinstance(metric, MeanMetricWrapper) and metric.name == "categorical_accuracy"
    metric = lookup.compile_metric("f1_score", np.zeros((2, 3)), np.zeros((2, 3)))
    assert type(metric).__name__ == "F1Score" and metric.name == "f1_score"
    metric = lookup.compile_metric(Mean(name="custom"), np.zeros((2,)), np.zeros((2,)))
    assert metric.name == "custom"
    with pytest.raises(ValueError, match="None"):
        lookup.compile_metric(None, np.zeros((2,)), np.zeros((2,)))
