"""Learning-rate schedules against NumPy formulas and real Keras, traced, and serialized."""

import math

import numpy as np
import pytest

from kerasnb.optimizers import schedules
from tests.engine.layers.harness import compiled
from tests.engine.ops.checks import to_numpy
from tests.engine.optimizers.oracle import run_script

STEPS = [0, 1, 3, 5, 7, 10, 13, 20, 31, 50]

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.5}),
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.5,
                          "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [3, 10, 20], "values": [1.0, 0.5, 0.25, 0.1]}),
    ("PolynomialDecay", {"initial_learning_rate": 1.0, "decay_steps": 10}),
    ("PolynomialDecay", {"initial_learning_rate": 1.0, "decay_steps": 10, "power": 2.0,
                         "end_learning_rate": 0.1, "cycle": True}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.5, "decay_steps": 3, "decay_rate": 0.7}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.5, "decay_steps": 3, "decay_rate": 0.7,
                          "staircase": True}),
    ("CosineDecay", {"initial_learning_rate": 0.2, "decay_steps": 20, "alpha": 0.1}),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 20, "warmup_target": 0.4,
                     "warmup_steps": 5}),
    ("CosineDecayRestarts", {"initial_learning_rate": 1.0, "first_decay_steps": 5}),
    ("CosineDecayRestarts", {"initial_learning_rate": 1.0, "first_decay_steps": 4, "t_mul": 1.0,
                             "m_mul": 0.5, "alpha": 0.1}),
]


def reference(name, c, step):
    """The published formula of each schedule, in float64."""
    if name == "ExponentialDecay":
        p = step / c["decay_steps"]
        p = math.floor(p) if c.get("staircase") else p
        return c["initial_learning_rate"] * c["decay_rate"] ** p
    if name == "PiecewiseConstantDecay":
        return c["values"][sum(step > b for b in c["boundaries"])]
    if name == "PolynomialDecay":
        end, power, steps = c.get("end_learning_rate", 1e-4), c.get("power", 1.0), c["decay_steps"]
        if c.get("cycle"):
            steps = steps * (1 if step == 0 else math.ceil(step / steps))
        else:
            step = min(step, steps)
        return (c["initial_learning_rate"] - end) * (1 - step / steps) ** power + end
    if name == "InverseTimeDecay":
        p = step / c["decay_steps"]
        p = math.floor(p) if c.get("staircase") else p
        return c["initial_learning_rate"] / (1 + c["decay_rate"] * p)
    if name == "CosineDecay":
        alpha, steps = c.get("alpha", 0.0), c["decay_steps"]
        start, warmup = c["initial_learning_rate"], c.get("warmup_steps", 0)
        if c.get("warmup_target") is not None:
            if step < warmup:
                return start + (c["warmup_target"] - start) * step / warmup
            start, step = c["warmup_target"], step - warmup
        step = min(step, steps)
        return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / steps)) + alpha)
    if name == "CosineDecayRestarts":
        t_mul, m_mul, alpha = c.get("t_mul", 2.0), c.get("m_mul", 1.0), c.get("alpha", 0.0)
        length, start, restart = c["first_decay_steps"], 0, 0
        while step >= start + length:
            start, length, restart = start + length, length * t_mul, restart + 1
        fraction = (step - start) / length
        peak = m_mul ** restart
        return c["initial_learning_rate"] * ((1 - alpha) * peak * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)
    raise AssertionError(name)


@pytest.mark.parametrize("name,config", CASES, ids=[f"{i}-{n}" for i, (n, _) in enumerate(CASES)])
def test_matches_formula(backend, name, config):
    schedule = getattr(schedules, name)(**config)
    got = [float(to_numpy(schedule(step))) for step in STEPS]
    np.testing.assert_allclose(got, [reference(name, config, s) for s in STEPS], rtol=1e-5, atol=1e-6)


_KERAS_SCRIPT = r"""
import pickle, sys
import numpy as np
import keras
cases, steps = pickle.load(sys.stdin.buffer)
out = []
for name, config in cases:
    schedule = getattr(keras.optimizers.schedules, name)(**config)
    out.append(([float(np.asarray(schedule(np.int64(s)))) for s in steps],
                keras.optimizers.schedules.serialize(schedule)))
pickle.dump(out, sys.stdout.buffer)
"""


def test_matches_keras_values_and_configs(backend):
    expected = run_script(_KERAS_SCRIPT, (CASES, STEPS))
    for (name, config), (values, serialized) in zip(CASES, expected):
        schedule = getattr(schedules, name)(**config)
        got = [float(to_numpy(schedule(np.int64(step)))) for step in STEPS]
        np.testing.assert_allclose(got, values, rtol=1e-5, atol=1e-6, err_msg=name)
        assert schedules.serialize(schedule) == serialized
        restored = schedules.deserialize(serialized)
        assert type(restored) is type(schedule) and restored.get_config() == schedule.get_config()


def test_traces_at_a_tensor_step(trainable_backend):
    built = [getattr(schedules, name)(**config) for name, config in CASES]
    fn = compiled(lambda step: [schedule(step) for schedule in built])
    for step in (2, 11):
        got = [float(to_numpy(v)) for v in fn(np.int64(step))]
        np.testing.assert_allclose(got, [reference(n, c, step) for n, c in CASES], rtol=1e-5, atol=1e-6)


def test_argument_errors():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.CosineDecay(0.1, -1)
    with pytest.raises(ValueError, match="one element fewer"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])


def test_base_class_contract():
    class Halving(schedules.LearningRateSchedule):
        def __init__(self, start):
            self.start = start

        def __call__(self, step):
            return self.start * 0.5 ** float(step)

        def get_config(self):
            return {"start": self.start}

    assert Halving(1.0)(2) == 0.25
    assert Halving.from_config({"start": 2.0}).start == 2.0
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(1)
