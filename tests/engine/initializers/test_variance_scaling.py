"""VarianceScaling and the Glorot / He / LeCun presets: fans, statistics, configs, errors."""

import math

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import initializers
from kerasnb.engine.initializers import compute_fans

DENSE = (40, 100)         # fan_in 40, fan_out 100
CONV = (3, 3, 16, 32)     # fan_in 3*3*16 = 144, fan_out 3*3*32 = 288


def test_compute_fans():
    assert compute_fans(()) == (1, 1)
    assert compute_fans((7,)) == (7, 7)
    assert compute_fans(DENSE) == (40, 100)
    assert compute_fans(CONV) == (144, 288)
    assert compute_fans((5, 8, 4), input_axes=[0, 1], output_axes=[-1]) == (40, 4)
    with pytest.raises(ValueError, match="axis 3"):
        compute_fans((5, 8), input_axes=[0], output_axes=[3])


# name: (shape, expected variance, uniform?)
PRESETS = {
    "GlorotUniform": (DENSE, 2 / (40 + 100), True),
    "GlorotNormal": (DENSE, 2 / (40 + 100), False),
    "HeUniform": (CONV, 2 / 144, True),
    "HeNormal": (CONV, 2 / 144, False),
    "LecunUniform": (DENSE, 1 / 40, True),
    "LecunNormal": (CONV, 1 / 144, False),
}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_statistics(backend, name):
    shape, variance, uniform = PRESETS[name]
    values = ops.convert_to_numpy(getattr(initializers, name)(seed=11)(shape))
    assert values.shape == shape and values.dtype == np.float32
    std = math.sqrt(variance)
    assert abs(values.mean()) < 6 * std / math.sqrt(values.size)
    assert abs(values.std() - std) < 0.1 * std
    if uniform:
        limit = math.sqrt(3 * variance)
        assert -limit <= values.min() and values.max() <= limit and values.max() > 0.9 * limit
    else:  # truncated at two standard deviations of the untruncated normal
        assert np.abs(values).max() <= 2 * std / 0.8796 + 1e-6


@pytest.mark.parametrize("mode, fan", [("fan_in", 40), ("fan_out", 100), ("fan_avg", 70)])
def test_variance_scaling_modes_untruncated(backend, mode, fan):
    init = initializers.VarianceScaling(scale=3.0, mode=mode, distribution="untruncated_normal", seed=2)
    values = ops.convert_to_numpy(init(DENSE, dtype="float64"))
    assert values.dtype == np.float64
    assert abs(values.std() - math.sqrt(3.0 / fan)) < 0.1 * math.sqrt(3.0 / fan)
    assert np.abs(values).max() > 2.5 * math.sqrt(3.0 / fan)  # not truncated


def test_input_and_output_axes_choose_the_fans(backend):
    init = initializers.VarianceScaling(mode="fan_out", distribution="uniform", seed=1,
                                        input_axes=[0], output_axes=[1, 2])
    values = ops.convert_to_numpy(init((50, 4, 25)))  # fan_out 100
    assert np.abs(values).max() <= math.sqrt(3 / 100)
    assert np.abs(values).max() > 0.9 * math.sqrt(3 / 100)


def test_aliases_are_the_same_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.he_normal is initializers.HeNormal
    assert initializers.lecun_uniform is initializers.LecunUniform
    assert initializers.variance_scaling is initializers.VarianceScaling
    assert isinstance(initializers.GlorotNormal(), initializers.VarianceScaling)


def test_configs_round_trip_in_keras_format():
    config = initializers.serialize(initializers.GlorotUniform(seed=3, input_axes=[0], output_axes=[1]))
    assert config == {"module": "keras.initializers", "class_name": "GlorotUniform",
                      "config": {"seed": 3, "input_axes": [0], "output_axes": [1]},
                      "registered_name": None}
    init = initializers.VarianceScaling(2.0, "fan_avg", "Normal", seed=4)
    assert init.distribution == "truncated_normal"
    clone = initializers.deserialize(initializers.serialize(init))
    assert type(clone) is initializers.VarianceScaling and clone.get_config() == init.get_config()


def test_a_keras_written_config_loads():
    config = {"module": "keras.initializers", "class_name": "VarianceScaling",
              "config": {"seed": None, "scale": 1.0, "mode": "fan_in",
                         "distribution": "truncated_normal", "input_axes": None,
                         "output_axes": None},
              "registered_name": None}
    init = initializers.deserialize(config)
    assert isinstance(init, initializers.VarianceScaling) and init.mode == "fan_in"


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`scale` must be a positive number; received 0"):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="`mode` must be one of .*received 'fan'"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="`distribution` must be one of .*received 'cauchy'"):
        initializers.VarianceScaling(distribution="cauchy")
    with pytest.raises(ValueError, match="GlorotUniform: `input_axes` and `output_axes` must be given"):
        initializers.GlorotUniform(input_axes=[0])
    with pytest.raises(ValueError, match="`output_axes` must be None or a list of ints"):
        initializers.HeNormal(input_axes=[0], output_axes="1")
    with pytest.raises(ValueError, match="HeUniform needs a floating-point `dtype`"):
        initializers.HeUniform()((2, 2), dtype="int8")
