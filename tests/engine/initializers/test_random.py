"""RandomNormal, TruncatedNormal and RandomUniform: statistics, dtypes and seed semantics."""

import math

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import initializers
from kerasnb.engine.random import SeedGenerator, set_random_seed
from kerasnb.engine.tensors import Variable

SHAPE = (40, 100)  # 4000 samples


def _truncated_std(stddev):
    """Independent reference: the std of a normal of `stddev` truncated at two stddevs."""
    grid = np.linspace(-2.0, 2.0, 200001)
    density = np.exp(-grid ** 2 / 2)
    return stddev * math.sqrt(np.sum(grid ** 2 * density) / np.sum(density))


def _values(init, shape=SHAPE, dtype=None):
    return ops.convert_to_numpy(init(shape, dtype=dtype))


def test_random_normal_statistics(backend):
    values = _values(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=3))
    assert values.shape == SHAPE and values.dtype == np.float32
    assert abs(values.mean() - 1.0) < 6 * 2.0 / math.sqrt(values.size)
    assert abs(values.std() - 2.0) < 0.1 * 2.0


def test_truncated_normal_statistics_and_bounds(backend):
    values = _values(initializers.TruncatedNormal(mean=-1.0, stddev=0.5, seed=4))
    assert -2.0 <= values.min() and values.max() <= 0.0
    assert abs(values.mean() + 1.0) < 0.05
    assert abs(values.std() - _truncated_std(0.5)) < 0.1 * 0.5


def test_random_uniform_statistics_and_bounds(backend):
    values = _values(initializers.RandomUniform(minval=2.0, maxval=4.0, seed=5), dtype="float64")
    assert values.dtype == np.float64
    assert 2.0 <= values.min() and values.max() < 4.0
    assert abs(values.mean() - 3.0) < 0.05
    assert abs(values.std() - 2.0 / math.sqrt(12)) < 0.05


def test_int_seed_repeats_values_on_every_call(backend):
    init = initializers.RandomNormal(seed=7)
    first, second = _values(init, (5,)), _values(init, (5,))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, _values(initializers.RandomNormal(seed=7), (5,)))
    assert not np.array_equal(first, _values(initializers.RandomNormal(seed=8), (5,)))


def test_seed_generator_draws_new_values_on_each_call(backend):
    init = initializers.RandomUniform(seed=SeedGenerator(1))
    assert not np.array_equal(_values(init, (5,)), _values(init, (5,)))


def test_unseeded_instances_differ_and_repeat_their_own_values(backend):
    first, second = initializers.TruncatedNormal(), initializers.TruncatedNormal()
    assert not np.array_equal(_values(first, (6,)), _values(second, (6,)))
    np.testing.assert_array_equal(_values(first, (6,)), _values(first, (6,)))


def test_set_random_seed_makes_unseeded_initializers_reproducible(backend):
    set_random_seed(123)
    first = _values(initializers.RandomNormal(), (4,))
    set_random_seed(123)
    np.testing.assert_array_equal(first, _values(initializers.RandomNormal(), (4,)))


def test_configs_round_trip():
    for init in (initializers.RandomNormal(0.5, 2.0, seed=1), initializers.TruncatedNormal(seed=2),
                 initializers.RandomUniform(-1.0, 1.0)):
        config = initializers.serialize(init)
        assert config["module"] == "keras.initializers" and config["registered_name"] is None
        clone = initializers.deserialize(config)
        assert type(clone) is type(init) and clone.get_config() == init.get_config()
    assert initializers.RandomNormal(seed=1).get_config() == {"seed": 1, "mean": 0.0, "stddev": 0.05}
    assert initializers.RandomUniform().get_config()["seed"] is None


def test_seed_generator_seed_round_trips(backend):
    init = initializers.RandomNormal(seed=SeedGenerator(9))
    clone = initializers.RandomNormal.from_config(init.get_config())
    assert isinstance(clone.seed, SeedGenerator)
    np.testing.assert_array_equal(_values(init, (3,)), _values(clone, (3,)))


def test_a_keras_written_seed_generator_config_loads(backend):
    config = {"module": "keras.initializers", "class_name": "RandomNormal",
              "config": {"seed": {"module": "keras.random", "class_name": "SeedGenerator",
                                  "config": {"seed": 1, "name": "seed_generator_1"},
                                  "registered_name": None},
                         "mean": 0.0, "stddev": 0.05},
              "registered_name": None}
    init = initializers.deserialize(config)
    assert isinstance(init.seed, SeedGenerator) and init.stddev == 0.05
    assert not np.array_equal(_values(init, (3,)), _values(init, (3,)))


def test_variables_take_initializers(backend):
    variable = Variable(initializers.RandomUniform(-1.0, 1.0, seed=2), shape=(3, 4), dtype="float64")
    assert variable.shape == (3, 4) and variable.dtype == "float64"
    np.testing.assert_array_equal(variable.numpy(), _values(initializers.RandomUniform(-1.0, 1.0, seed=2),
                                                            (3, 4), dtype="float64"))


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`seed` must be None, an int or a .*SeedGenerator; received 'a'"):
        initializers.RandomNormal(seed="a")
    with pytest.raises(ValueError, match="`stddev` must be a number"):
        initializers.TruncatedNormal(stddev=None)
    with pytest.raises(ValueError, match="RandomUniform needs a floating-point `dtype`; received 'int32'"):
        initializers.RandomUniform(seed=1)((2,), dtype="int32")
