"""DataLayer: tf.data pipelines under every backend through a thread-local dispatch override."""

import inspect
import threading

import numpy as np
import pytest

import kerasnb
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.random.seed_generator import SeedGenerator
from tests.engine.layers.preprocessing.helpers import through_tf_data
from tests.engine.ops.checks import to_numpy


class Shift(DataLayer):
    """Adds a weight; records the framework of the tensors its call sees."""

    def build(self, input_shape):
        self.shift = self.add_weight(shape=(input_shape[-1],), initializer="ones", trainable=False)

    def call(self, inputs):
        self.seen = type(inputs).__module__.split(".")[0]
        return ops.add(inputs, self.shift)


def test_evaluating_is_local_to_its_thread(backend):
    seen, ready, checked = {}, threading.Event(), threading.Event()

    def other_thread():
        ready.wait(10)
        seen["other"] = engine_backend.current(), type(to_tensor()).__module__.split(".")[0]
        checked.set()

    def to_tensor():
        return ops.add(np.ones(2, "float32"), 1.0)

    worker = threading.Thread(target=other_thread)
    worker.start()
    with engine_backend.evaluating("numpy"):
        ready.set()
        checked.wait(10)
        seen["own"] = engine_backend.current(), type(to_tensor()).__module__
    worker.join()
    expected_module = type(engine_backend.get().convert_to_tensor(np.ones(1))).__module__.split(".")[0]
    assert seen["own"] == ("numpy", "numpy")
    assert seen["other"] == (backend, expected_module)
    assert "module" not in type(engine_backend._state).__dict__ or \
        type(engine_backend._state).__dict__["module"] is None  # the view is removed again


def test_a_data_layer_runs_on_tensorflow_inside_tf_data(backend):
    x = np.arange(12, dtype="float32").reshape(6, 2)
    layer = Shift()
    got = through_tf_data(layer, x, batch_size=4)  # first built inside the pipeline
    np.testing.assert_allclose(got, x + 1)
    assert layer.seen == "tensorflow"
    np.testing.assert_allclose(to_numpy(layer(x)), x + 1)  # eagerly, on the session's backend
    assert layer.seen == ("numpy" if backend == "numpy" else type(layer(x)).__module__.split(".")[0])


def test_a_layer_built_inside_tf_data_keeps_concrete_weights(backend):
    layer = Shift()
    through_tf_data(layer, np.zeros((3, 2), "float32"))
    layer.shift.assign(np.array([5.0, 6.0]))  # usable and writable afterwards
    np.testing.assert_allclose(to_numpy(layer(np.zeros((1, 2), "float32"))), [[5.0, 6.0]])


def test_symbolic_and_eager_calls_outside_graphs_are_unchanged(backend):
    assert not engine_backend.in_tf_graph()
    layer = Shift()
    out = layer(np.zeros((2, 3), "float32"))
    assert engine_backend.get().is_tensor(out)


def test_in_tf_graph_is_true_only_while_tracing():
    import tensorflow as tf
    seen = []

    @tf.function
    def traced(x):
        seen.append(engine_backend.in_tf_graph())
        return x

    traced(tf.constant(1.0))
    assert seen == [True] and not engine_backend.in_tf_graph()


@pytest.mark.parametrize("name", ["jax", "torch"])
def test_evaluating_leaves_the_session_backend_as_it_was(name):
    engine_backend.set_backend(name)
    with engine_backend.evaluating("tensorflow"):
        assert engine_backend.current() == "tensorflow"
    assert engine_backend.current() == name


class WhereAmI(DataLayer):
    def call(self, inputs):
        self.code_file = inspect.currentframe().f_code.co_filename
        return inputs


def test_autograph_leaves_the_python_of_a_data_layer_alone(backend):
    import tensorflow as tf
    layer = WhereAmI()
    tf.data.Dataset.from_tensor_slices(np.zeros((2, 1))).map(layer)
    assert layer.code_file == __file__  # not a file that AutoGraph generated
    nested = WhereAmI()
    tf.data.Dataset.from_tensor_slices(np.zeros((2, 1))).map(lambda x: nested(x) + 1)
    assert nested.code_file == __file__


class Noise(DataLayer):
    """Adds seeded uniform noise: state (a SeedGenerator) that the call advances."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.generator = SeedGenerator(3)

    def call(self, inputs):
        return ops.add(inputs, kerasnb.random.uniform(ops.shape(inputs), seed=self.generator))


def test_random_state_advances_per_element_inside_tf_data(backend):
    layer = Noise()
    before = layer.generator.state.numpy()
    got = through_tf_data(layer, np.zeros((4, 3), "float32"))
    assert len({tuple(row) for row in got.tolist()}) == 4  # new numbers for every element
    np.testing.assert_array_equal(layer.generator.state.numpy(), before)  # Variables untouched
    assert to_numpy(layer(np.zeros((1, 3), "float32"))).shape == (1, 3)  # still usable eagerly
