"""Helpers shared by the metric tests: the real-Keras oracle, the compiled stateless run,
and the config round trip."""


import numpy as np

from kerasnb.engine.ops import core
from kerasnb.engine.saving.serialization import deserialize_keras_object, serialize_keras_object
from tests.engine.layers.harness import compiled
from tests.engine.ops.checks import to_numpy
from tests.oracle import real_keras


def keras_metrics():
    """`keras.metrics` of the real Keras 3 (test oracle only), on its numpy backend."""
    return real_keras().metrics


def oracle_result(name, init_kwargs, batches):
    """The result of real Keras's metric `name` after updating with each batch of `batches`."""
    metric = getattr(keras_metrics(), name)(**init_kwargs)
    for batch in batches:
        metric.update_state(*batch)
    return np.asarray(metric.result())


def eager_result(metric, batches):
    for batch in batches:
        metric.update_state(*batch)
    return to_numpy(metric.result())


def stateless_result(metric, batches):
    """Runs the updates through `stateless_update_state` compiled the backend's way; the
    metric's own Variables must stay untouched."""
    before = [np.array(v.numpy()) for v in metric.variables]
    step = compiled(lambda values, *args: metric.stateless_update_state(values, *args))
    values = [v.value for v in metric.variables]
    for batch in batches:
        values = step(values, *[None if a is None else core.convert_to_tensor(a) for a in batch])
    result = to_numpy(metric.stateless_result(values))
    for variable, old in zip(metric.variables, before):
        np.testing.assert_array_equal(variable.numpy(), old)
    return result


def check_round_trip(metric):
    """`get_config`/`from_config` and Keras-format serialization give an equal config."""
    config = metric.get_config()
    assert type(metric).from_config(config).get_config() == config
    revived = deserialize_keras_object(serialize_keras_object(metric))
    assert type(revived) is type(metric) and revived.get_config() == config
