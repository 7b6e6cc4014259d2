"""Momentum-style optimizers: `SGD` (with momentum and Nesterov) and `Lion` (sign of momentum).

Example:
    >>> v = Variable([1.0])
    >>> SGD(learning_rate=0.1, momentum=0.9).apply([np.array([1.0])], [v])
    >>> v.numpy()
    array([0.9], dtype=float32)
"""

from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.optimizers.optimizer import Optimizer, _check_number
from kerasnb.engine.saving.serialization import builtin


@builtin("optimizers", "sgd")
class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum.

    ``m = momentum * m - lr * g``; ``w += m`` (Nesterov: ``w += momentum * m - lr * g``);
    without momentum ``w -= lr * g``.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        momentum: in [0, 1]; 0 keeps no momentum slot.
        nesterov: use Nesterov momentum.
        **kwargs: the `Optimizer` arguments (weight_decay, clipnorm, use_ema, ...).

    Example:
        >>> opt = SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.momentum = _check_number("SGD", "momentum", momentum, 0, 1, allow_none=False)
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum else []

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        rates = self._per_dtype(variables, lambda dtype: core.cast(learning_rate, dtype))
        for g, variable in zip(grads, variables):
            step = g * rates[variable.dtype]
            if not self.momentum:
                variable.assign(variable.value - step)
                continue
            m = self.momentums[self._get_variable_index(variable)]
            new_m = m.value * self.momentum - step
            m.assign(new_m)
            if self.nesterov:
                variable.assign(variable.value + (new_m * self.momentum - step))
            else:
                variable.assign(variable.value + new_m)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config


@builtin("optimizers", "lion")
class Lion(Optimizer):
    """Lion: steps of constant size along the sign of an interpolated momentum.

    ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``; ``m = beta_2 * m + (1 - beta_2) * g``.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        beta_1: interpolation factor of the update, in (0, 1].
        beta_2: decay of the momentum.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Lion(learning_rate=1e-4, weight_decay=0.01)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(
                "Lion: argument `beta_1` must be in the (0, 1] range, otherwise the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1!r}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum")

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        rates = self._per_dtype(variables, lambda dtype: core.cast(learning_rate, dtype))
        b1, b2 = self.beta_1, self.beta_2
        for g, variable in zip(grads, variables):
            m = self.momentums[self._get_variable_index(variable)]
            old = m.value
            direction = knp.sign(old * b1 + g * (1.0 - b1))
            variable.assign(variable.value - rates[variable.dtype] * direction)
            m.assign(old * b2 + g * (1.0 - b2))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
