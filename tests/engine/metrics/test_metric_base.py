"""`Metric`, `Sum`, `Mean`, `MeanMetricWrapper`: NumPy reference math, real-Keras oracle
checks for every sample-weight rank, masks, resets, the compiled stateless path, configs."""

import numpy as np
import pytest

from kerasnb.engine import backend as engine_backend
from kerasnb.engine.masks import set_mask
from kerasnb.engine.metrics.accuracy import binary_accuracy
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.metrics.reduction import Mean, MeanMetricWrapper, Sum
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from tests.engine.metrics.metric_checks import (
    check_round_trip, eager_result, oracle_result, stateless_result)
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(7)
VALUES = RNG.normal(size=(4, 3, 2)).astype("float32")
WEIGHT_SHAPES = [None, (), (4,), (4, 1), (4, 3), (4, 3, 1), (4, 3, 2)]


def _weight(shape):
    if shape is None:
        return None
    return np.float32(1.5) if shape == () else RNG.uniform(0, 2, size=shape).astype("float32")


def _abs_error(y_true, y_pred):
    return knp.abs(knp.subtract(y_true, y_pred))


def test_mean_and_sum_of_plain_values(backend):
    batches = [RNG.normal(size=(5,)).astype("float32"), RNG.normal(size=(3,)).astype("float32")]
    mean, total = Mean(), Sum()
    for batch in batches:
        mean.update_state(batch)
        total.update_state(batch)
    everything = np.concatenate(batches)
    np.testing.assert_allclose(to_numpy(mean.result()), everything.mean(), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(total.result()), everything.sum(), rtol=1e-5)
    assert core.dtype(mean.result()) == "float32"


def test_mean_weights_per_sample_and_per_entry(backend):
    values = RNG.normal(size=(4, 3)).astype("float32")
    per_sample, per_entry = _weight((4,)), _weight((4, 3))
    m = Mean()
    m.update_state(values, sample_weight=per_sample)
    expected = (values.mean(axis=1) * per_sample).sum() / per_sample.sum()
    np.testing.assert_allclose(to_numpy(m.result()), expected, rtol=1e-5)
    m.reset_state()
    m.update_state(values, sample_weight=per_entry)
    expected = (values * per_entry).sum() / per_entry.sum()
    np.testing.assert_allclose(to_numpy(m.result()), expected, rtol=1e-5)


@pytest.mark.parametrize("shape", WEIGHT_SHAPES)
@pytest.mark.parametrize("name", ["Mean", "Sum"])
def test_weight_ranks_match_keras(backend, name, shape):
    weights = [_weight(shape), _weight(shape)]
    batches = [(VALUES, weights[0]), (VALUES[:, :, ::-1] * 2, weights[1])]
    cls = {"Mean": Mean, "Sum": Sum}[name]
    expected = oracle_result(name, {}, batches)
    np.testing.assert_allclose(eager_result(cls(), batches), expected, rtol=1e-5, atol=1e-6)


def test_scalar_values_and_scalar_weight(backend):
    m = Mean()
    m.update_state(3.0)
    m.update_state(np.float32(5.0), sample_weight=2.0)
    np.testing.assert_allclose(to_numpy(m.result()), (3.0 + 10.0) / 3.0, rtol=1e-6)


def test_reset_state_and_call(backend):
    m = Mean()
    np.testing.assert_allclose(to_numpy(m([1.0, 2.0, 3.0])), 2.0)
    np.testing.assert_allclose(to_numpy(m([7.0])), 13.0 / 4.0, rtol=1e-6)
    m.reset_state()
    assert [float(v.numpy()) for v in m.variables] == [0.0, 0.0]
    assert float(to_numpy(m.result())) == 0.0
    np.testing.assert_allclose(to_numpy(m([4.0])), 4.0)


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_mask_on_values_and_on_predictions(name):
    engine_backend.set_backend(name)
    values = RNG.normal(size=(3, 4)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [0, 1, 0, 0]], bool)
    m = Mean()
    m.update_state(set_mask(core.convert_to_tensor(values), core.convert_to_tensor(mask)))
    np.testing.assert_allclose(to_numpy(m.result()), values[mask].mean(), rtol=1e-5)

    y_true = RNG.normal(size=(3, 4)).astype("float32")
    weights = _weight((3,))
    y_pred = set_mask(core.convert_to_tensor(values), core.convert_to_tensor(mask))
    wrapper = MeanMetricWrapper(_abs_error)
    wrapper.update_state(y_true, y_pred, sample_weight=weights)
    full = mask * weights[:, None]
    expected = (np.abs(y_true - values) * full).sum() / full.sum()
    np.testing.assert_allclose(to_numpy(wrapper.result()), expected, rtol=1e-5)


def test_wrapper_passes_kwargs_and_weights(backend):
    y_true = np.array([[1], [0], [1], [0]], "float32")
    y_pred = np.array([[0.4], [0.2], [0.9], [0.35]], "float32")
    weights = np.array([1.0, 2.0, 0.5, 1.0], "float32")
    m = MeanMetricWrapper(binary_accuracy, threshold=0.3)
    m.update_state(y_true, y_pred, sample_weight=weights)
    hits = ((y_pred[:, 0] > 0.3) == (y_true[:, 0] == 1)).astype("float32")
    np.testing.assert_allclose(to_numpy(m.result()), (hits * weights).sum() / weights.sum(),
                               rtol=1e-6)
    assert m.name.startswith("mean_metric_wrapper")
    check_round_trip(m)
    assert m.get_config()["threshold"] == 0.3


@pytest.mark.parametrize("shape", [None, (4,), (4, 3)])
def test_stateless_path_compiles(backend, shape):
    batches = [(VALUES, _weight(shape)), (VALUES * 3, _weight(shape))]
    for make in (Mean, Sum):
        expected = eager_result(make(), batches)
        np.testing.assert_allclose(stateless_result(make(), batches), expected, rtol=1e-5)
    wrapper_batches = [(VALUES, VALUES[::-1], _weight(shape)), (VALUES, VALUES * 2, _weight(shape))]
    expected = eager_result(MeanMetricWrapper(_abs_error), wrapper_batches)
    np.testing.assert_allclose(stateless_result(MeanMetricWrapper(_abs_error), wrapper_batches),
                               expected, rtol=1e-5)


def test_stateless_reset_and_argument_check(backend):
    m = Mean()
    m.update_state([1.0, 2.0])
    assert [float(to_numpy(v)) for v in m.stateless_reset_state()] == [0.0, 0.0]
    assert float(m.count.numpy()) == 2.0
    with pytest.raises(ValueError, match="metric_variables"):
        m.stateless_update_state([m.total.value], [1.0])


def test_variables_of_nested_metrics_are_tracked(backend):
    class Pair(Metric):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.first = Mean(name="first")
            self.parts = [Sum(name="second"), Sum(name="third")]
            self.seen = self.add_weight(name="seen")

        def update_state(self, values):
            self.first.update_state(values)
            for part in self.parts:
                part.update_state(values)
            self.seen.assign_add(1.0)

        def result(self):
            return self.first.result() + self.parts[0].result() + self.seen.value

    pair = Pair(name="pair")
    assert [v.path for v in pair.variables] == [
        "pair/seen", "first/total", "first/count", "second/total", "third/total"]
    pair.update_state([1.0, 3.0])
    np.testing.assert_allclose(to_numpy(pair.result()), 2.0 + 4.0 + 1.0)
    values = pair.stateless_update_state([v.value for v in pair.variables], [5.0])
    np.testing.assert_allclose(to_numpy(pair.stateless_result(values)), 3.0 + 9.0 + 2.0)
    pair.reset_state()
    assert all(float(np.sum(v.numpy())) == 0.0 for v in pair.variables)


def test_missing_super_init_and_default_names(backend):
    class Broken(Metric):
        def __init__(self):
            self.total = None

        def update_state(self, values):
            pass

        def result(self):
            return 0.0

    with pytest.raises(RuntimeError, match="super"):
        Broken()([1.0])

    class CountThings(Metric):
        def update_state(self, values):
            pass

        def result(self):
            return 0.0

    first, second = CountThings(), CountThings()
    assert first.name.startswith("count_things") and second.name != first.name


def test_config_and_dtype_match_keras(backend):
    keras_config = {"name": "mean", "dtype": "float32"}
    assert Mean().get_config() == keras_config
    check_round_trip(Mean(name="loss", dtype="float16"))
    assert Sum(dtype="float16").get_config()["dtype"] == "float16"
    half = Mean(dtype="float16")
    half.update_state([1.0, 2.0])
    assert core.dtype(half.result()) == "float16"
    assert Mean(dtype="mixed_float16").dtype == "float16"
    assert repr(Mean(name="m")) == "<Mean name=m>"


def test_state_follows_backend_switch():
    engine_backend.set_backend("numpy")
    m = Mean()
    m.update_state([1.0, 2.0])
    engine_backend.set_backend("jax")
    m.update_state([6.0])
    np.testing.assert_allclose(to_numpy(m.result()), 3.0)
