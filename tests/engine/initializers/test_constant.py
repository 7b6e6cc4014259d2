"""Constant, Zeros, Ones and Identity initializers on every backend."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import initializers


def test_zeros_ones_constant_values_and_dtypes(backend):
    zeros = ops.convert_to_numpy(initializers.Zeros()((2, 3)))
    np.testing.assert_array_equal(zeros, np.zeros((2, 3), np.float32))
    assert zeros.dtype == np.float32
    ones = ops.convert_to_numpy(initializers.Ones()((4,), dtype="int64"))
    np.testing.assert_array_equal(ones, np.ones(4, np.int64))
    assert ones.dtype == np.int64
    filled = ops.convert_to_numpy(initializers.Constant(2.5)((2, 2), dtype="float64"))
    np.testing.assert_array_equal(filled, np.full((2, 2), 2.5))
    assert filled.dtype == np.float64


def test_constant_broadcasts_an_array_value(backend):
    value = ops.convert_to_numpy(initializers.Constant([1.0, 2.0, 3.0])((2, 3)))
    np.testing.assert_array_equal(value, np.array([[1, 2, 3], [1, 2, 3]], np.float32))
    with pytest.raises(ValueError):
        initializers.Constant([1.0, 2.0])((2, 3))


def test_identity_is_gain_times_eye(backend):
    value = ops.convert_to_numpy(initializers.Identity(gain=3.0)((3, 5)))
    np.testing.assert_array_equal(value, 3.0 * np.eye(3, 5, dtype=np.float32))
    assert ops.convert_to_numpy(initializers.Identity()((2, 2), dtype="float16")).dtype == np.float16


def test_configs_round_trip():
    for init in (initializers.Constant(1.5), initializers.Identity(0.5), initializers.Zeros(),
                 initializers.Ones()):
        clone = initializers.deserialize(initializers.serialize(init))
        assert type(clone) is type(init) and clone.get_config() == init.get_config()
        assert type(init).from_config(init.get_config()).get_config() == init.get_config()
    assert initializers.Identity(2.0).get_config() == {"gain": 2.0}
    assert initializers.Constant.from_config({}).value == 0.0


def test_constant_with_an_array_value_round_trips(backend):
    config = initializers.serialize(initializers.Constant(np.array([1.0, 2.0], np.float32)))
    clone = initializers.deserialize(config)
    np.testing.assert_array_equal(ops.convert_to_numpy(clone((2,))), [1.0, 2.0])


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="Identity.*2-D.*rank 3"):
        initializers.Identity()((2, 2, 2))
    with pytest.raises(ValueError, match="`gain` must be a number; received 'big'"):
        initializers.Identity(gain="big")
    with pytest.raises(ValueError, match="`shape` must be a tuple of ints >= 0; received"):
        initializers.Zeros()((2, -1))
    with pytest.raises(ValueError, match="`shape`"):
        initializers.Ones()("3")
