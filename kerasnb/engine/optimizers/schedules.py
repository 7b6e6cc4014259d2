"""Learning-rate schedules (`keras.optimizers.schedules`): callables ``step -> learning rate``.

A schedule is evaluated by the optimizer at its `iterations` counter on every step, with
ops only, so it traces under `jax.jit` and `tf.function`.

Example:
    >>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(float(schedule(10)), 6)
    0.05
"""

import math
import numbers

from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import (
    builtin, builtins_of, deserialize_keras_object, serialize_keras_object)

__all__ = ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay",
           "LearningRateSchedule", "PiecewiseConstantDecay", "PolynomialDecay", "deserialize",
           "serialize"]

_NAMESPACE = "optimizers.schedules"


def _positive(owner, name, value):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{owner}: argument `{name}` must be > 0. Received: {name}={value!r}")
    return value


def _start(initial_learning_rate, step):
    """The initial rate as a tensor, its dtype, and `step` cast to that dtype."""
    initial = core.convert_to_tensor(initial_learning_rate)
    dtype = core.dtype(initial)
    return initial, dtype, core.cast(step, dtype)


@builtin(_NAMESPACE)
class LearningRateSchedule:
    """Base class of learning-rate schedules: ``schedule(step)`` returns the rate at `step`.

    Subclasses implement `__call__(step)` with ops and `get_config()`.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** kerasnb.ops.cast(step, "float32")
        ...     def get_config(self):
        ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule {type(self).__name__!r} must override `__call__(self, step)`.")

    def get_config(self):
        """The constructor arguments, as a JSON-able dict."""
        raise NotImplementedError(
            f"Learning rate schedule {type(self).__name__!r} must override `get_config()`.")

    @classmethod
    def from_config(cls, config):
        """An instance rebuilt from `get_config()`'s dict."""
        return cls(**config)


@builtin(_NAMESPACE)
class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per decay period (> 0).
        decay_rate: the factor applied per period.
        staircase: decay in whole periods (integer division of the step).
        name: a name for the schedule.

    Example:
        >>> float(ExponentialDecay(1.0, 2, 0.5, staircase=True)(3))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        initial, dtype, step = _start(self.initial_learning_rate, step)
        periods = step / core.cast(self.decay_steps, dtype)
        if self.staircase:
            periods = knp.floor(periods)
        return initial * knp.power(core.cast(self.decay_rate, dtype), periods)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


@builtin(_NAMESPACE)
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` for steps in ``(boundaries[i-1], boundaries[i]]``.

    Args:
        boundaries: increasing step boundaries.
        values: one more value than boundaries.
        name: a name for the schedule.

    Example:
        >>> schedule = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
        >>> [round(float(schedule(s)), 6) for s in (10, 11, 21)]
        [1.0, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: `boundaries` must have one element fewer than "
                f"`values`. Received: boundaries={boundaries} of length {len(boundaries)}, "
                f"and values={values} of length {len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = core.convert_to_tensor(step)
        step_dtype = core.dtype(step)
        bounds = [core.cast(b, step_dtype) for b in self.boundaries]
        values = [core.convert_to_tensor(v) for v in self.values]
        dtype = core.dtype(values[0])
        result = core.cast(step <= bounds[0], dtype) * values[0] + \
            core.cast(step > bounds[-1], dtype) * values[-1]
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            inside = knp.logical_and(step > low, step <= high)
            result = result + core.cast(inside, dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@builtin(_NAMESPACE)
class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from `initial_learning_rate` to `end_learning_rate` over `decay_steps`.

    ``(initial - end) * (1 - step / decay_steps) ** power + end``, with the step capped at
    `decay_steps`, or (``cycle=True``) `decay_steps` stretched to the next multiple above it.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: length of the decay (> 0).
        end_learning_rate: the final rate.
        power: the polynomial's power.
        cycle: restart the decay after `decay_steps`.
        name: a name for the schedule.

    Example:
        >>> float(PolynomialDecay(1.0, 10, end_learning_rate=0.0)(5))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        initial, dtype, step = _start(self.initial_learning_rate, step)
        end = core.cast(self.end_learning_rate, dtype)
        decay_steps = core.cast(self.decay_steps, dtype)
        if self.cycle:
            periods = knp.where(step == 0, core.cast(1.0, dtype), knp.ceil(step / decay_steps))
            decay_steps = decay_steps * periods
        else:
            step = knp.minimum(step, decay_steps)
        remaining = 1 - step / decay_steps
        return (initial - end) * knp.power(remaining, core.cast(self.power, dtype)) + end

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


@builtin(_NAMESPACE)
class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per decay period (> 0).
        decay_rate: the decay factor.
        staircase: decay in whole periods.
        name: a name for the schedule.

    Example:
        >>> float(InverseTimeDecay(1.0, 1, 0.5)(2))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        initial, dtype, step = _start(self.initial_learning_rate, step)
        periods = step / core.cast(self.decay_steps, dtype)
        if self.staircase:
            periods = knp.floor(periods)
        return initial / (core.cast(1, dtype) + core.cast(self.decay_rate, dtype) * periods)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


def _cosine(fraction, dtype):
    """``0.5 * (1 + cos(pi * fraction))`` in `dtype`."""
    return 0.5 * (1.0 + knp.cos(core.cast(math.pi, dtype) * fraction))


@builtin(_NAMESPACE)
class CosineDecay(LearningRateSchedule):
    """Cosine decay over `decay_steps`, optionally after a linear warmup.

    Without `warmup_target`: ``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * t / decay_steps))
    + alpha)`` with `t` capped at `decay_steps`. With it, the rate first rises linearly from
    `initial_learning_rate` to `warmup_target` over `warmup_steps`, then decays from
    `warmup_target`.

    Args:
        initial_learning_rate: the starting rate.
        decay_steps: length of the decay (> 0).
        alpha: the final rate as a fraction of the decayed-from rate.
        name: a name for the schedule.
        warmup_target: the rate reached at the end of the warmup, or None for no warmup.
        warmup_steps: length of the warmup.

    Example:
        >>> round(float(CosineDecay(1.0, 10)(5)), 6)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("CosineDecay", "decay_steps", decay_steps)
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decayed(self, step, decay_steps, start, dtype):
        return start * ((1 - self.alpha) * _cosine(step / decay_steps, dtype) + self.alpha)

    def __call__(self, step):
        initial, dtype, step = _start(self.initial_learning_rate, step)
        decay_steps = core.cast(self.decay_steps, dtype)
        if self.warmup_target is None:
            return self._decayed(knp.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = core.cast(self.warmup_target, dtype)
        warmup_steps = core.cast(self.warmup_steps, dtype)
        step = knp.minimum(step, decay_steps + warmup_steps)
        warming = step < warmup_steps
        safe_warmup = knp.where(warming, warmup_steps, core.cast(1.0, dtype))
        warmup = (target - initial) * (step / safe_warmup) + initial
        return knp.where(warming, warmup,
                         self._decayed(step - warmup_steps, decay_steps, target, dtype))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


@builtin(_NAMESPACE)
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by `t_mul`, peaks shrink by `m_mul`.

    Args:
        initial_learning_rate: the starting rate.
        first_decay_steps: length of the first period (> 0).
        t_mul: factor on the length of each next period.
        m_mul: factor on the peak rate of each next period.
        alpha: the minimum rate as a fraction of the initial rate.
        name: a name for the schedule.

    Example:
        >>> float(CosineDecayRestarts(1.0, 10)(10))
        1.0
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = _positive("CosineDecayRestarts", "first_decay_steps",
                                           first_decay_steps)
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        initial, dtype, step = _start(self.initial_learning_rate, step)
        fraction = step / core.cast(self.first_decay_steps, dtype)
        t_mul = core.cast(self.t_mul, dtype)
        if self.t_mul == 1.0:
            restart = knp.floor(fraction)
            fraction = fraction - restart
        else:
            restart = knp.floor(knp.log(1.0 - fraction * (1.0 - t_mul)) / knp.log(t_mul))
            done = (1.0 - knp.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - done) / knp.power(t_mul, restart)
        peak = knp.power(core.cast(self.m_mul, dtype), restart)
        alpha = core.cast(self.alpha, dtype)
        return initial * ((1 - alpha) * peak * _cosine(fraction, dtype) + alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


def serialize(learning_rate_schedule):
    """The config dict of a schedule.

    Example:
        >>> serialize(ExponentialDecay(0.1, 10, 0.9))["class_name"]
        'ExponentialDecay'
    """
    return serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """A schedule rebuilt from `serialize`'s config.

    Example:
        >>> deserialize(serialize(CosineDecay(0.1, 100))).decay_steps
        100
    """
    return deserialize_keras_object(config, custom_objects=custom_objects,
                                    module_objects=builtins_of(_NAMESPACE))
