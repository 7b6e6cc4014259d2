"""`ScheduleFreeAdamW`: AdamW without a learning-rate schedule (Defazio et al., 2024).

The optimizer keeps the gradient-step sequence ``z`` (the "momentum" slot) and stores in the
model variable the interpolation ``y = (1 - beta_1) * z + beta_1 * x`` of ``z`` and its
running average ``x``.

Example:
    >>> opt = ScheduleFreeAdamW(learning_rate=0.0025, warmup_steps=100)
"""

from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.optimizers.optimizer import Optimizer
from kerasnb.engine.saving.serialization import builtin


@builtin("optimizers", "schedulefreeadamw")
class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        beta_1: interpolation between the average ``x`` and the step sequence ``z``.
        beta_2: decay of the second moment.
        epsilon: added to the denominator.
        warmup_steps: linear learning-rate warmup length (0: none).
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = ScheduleFreeAdamW(weight_decay=0.01)
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-08,
                 warmup_steps=0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"])
        for z, variable in zip(self._momentums, variables):
            if z is not None:
                z.assign(variable.value)

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        def constants(dtype):
            t = self._step_count(dtype)
            lr = core.cast(learning_rate, dtype)
            if self.warmup_steps > 0:
                lr = lr * knp.minimum(t / core.cast(self.warmup_steps, dtype), 1.0)
            correction_2 = 1 - knp.power(core.cast(self.beta_2, dtype), t)
            return lr, correction_2, 1.0 / t

        table = self._per_dtype(variables, constants)
        b1 = self.beta_1
        for g, variable in zip(grads, variables):
            lr, correction_2, weight = table[variable.dtype]
            index = self._get_variable_index(variable)
            z, v = self._momentums[index], self._velocities[index]
            old_z = z.value
            new_v = v.value + (knp.square(g) - v.value) * (1 - self.beta_2)
            v.assign(new_v)
            new_z = old_z - lr * g / (knp.sqrt(new_v / correction_2) + self.epsilon)
            z.assign(new_z)
            old_x = (variable.value - (1 - b1) * old_z) / b1
            new_x = (1 - weight) * old_x + weight * new_z
            variable.assign((1 - b1) * new_z + b1 * new_x)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "warmup_steps": self.warmup_steps})
        return config
