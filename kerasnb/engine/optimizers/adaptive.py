"""Per-coordinate adaptive optimizers: `Adagrad`, `Adadelta`, `RMSprop`, `Ftrl`, `Adafactor`.

Example:
    >>> v = Variable([1.0])
    >>> RMSprop(learning_rate=0.1).apply([np.array([1.0])], [v])
"""

from kerasnb.engine import initializers
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.optimizers.optimizer import Optimizer
from kerasnb.engine.saving.serialization import builtin


def _base_kwargs(weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
                 ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name):
    return dict(weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
                ema_overwrite_frequency=ema_overwrite_frequency,
                loss_scale_factor=loss_scale_factor,
                gradient_accumulation_steps=gradient_accumulation_steps, name=name)


def _rates(optimizer, variables, learning_rate):
    return optimizer._per_dtype(variables, lambda dtype: core.cast(learning_rate, dtype))


@builtin("optimizers", "adagrad")
class Adagrad(Optimizer):
    """Adagrad: steps scaled by the root of the running sum of squared gradients.

    ``a += g^2``; ``w -= lr * g / sqrt(a + epsilon)``.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        initial_accumulator_value: starting value of the accumulators.
        epsilon: added inside the square root.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Adagrad(learning_rate=0.01)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **_base_kwargs(
            weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name), **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator", initializers.Constant(self.initial_accumulator_value))

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        rates = _rates(self, variables, learning_rate)
        for g, variable in zip(grads, variables):
            accumulator = self._accumulators[self._get_variable_index(variable)]
            total = accumulator.value + knp.square(g)
            accumulator.assign(total)
            variable.assign(variable.value - rates[variable.dtype] * g /
                            knp.sqrt(total + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config


@builtin("optimizers", "adadelta")
class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of running RMS of past updates and of gradients.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        rho: decay of the running averages.
        epsilon: added inside the square roots.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Adadelta(learning_rate=1.0, rho=0.95)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **_base_kwargs(
            weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name), **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"])

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        rates = _rates(self, variables, learning_rate)
        rho, eps = self.rho, self.epsilon
        for g, variable in zip(grads, variables):
            index = self._get_variable_index(variable)
            grad_avg, delta_avg = self._accumulated_grads[index], self._accumulated_delta_vars[index]
            new_grad_avg = grad_avg.value * rho + (1 - rho) * knp.square(g)
            grad_avg.assign(new_grad_avg)
            old_delta_avg = delta_avg.value
            delta = -(knp.sqrt(old_delta_avg + eps) * g / knp.sqrt(new_grad_avg + eps))
            delta_avg.assign(old_delta_avg * rho + (1 - rho) * knp.square(delta))
            variable.assign(variable.value + rates[variable.dtype] * delta)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config


@builtin("optimizers", "rmsprop")
class RMSprop(Optimizer):
    """RMSprop: steps scaled by a running RMS of the gradients, optionally centered and with
    momentum.

    ``v = rho * v + (1 - rho) * g^2``; ``step = lr * g / sqrt(v - mean_g^2 + epsilon)``
    (``mean_g`` only when `centered`); with momentum ``m = momentum * m + step; w -= m``.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        rho: decay of the running averages.
        momentum: momentum factor (0 keeps no momentum slot).
        epsilon: added to the denominator.
        centered: subtract the squared running mean of the gradients.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = RMSprop(learning_rate=1e-3, centered=True)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **_base_kwargs(
            weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name), **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum > 0 else []
        self._average_gradients = (self.add_optimizer_variables(variables, "average_gradient")
                                   if self.centered else [])

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        rates = _rates(self, variables, learning_rate)
        rho = self.rho
        for g, variable in zip(grads, variables):
            index = self._get_variable_index(variable)
            velocity = self._velocities[index]
            new_v = velocity.value * rho + (1 - rho) * knp.square(g)
            velocity.assign(new_v)
            if self.centered:
                average = self._average_gradients[index]
                new_avg = average.value * rho + (1 - rho) * g
                average.assign(new_avg)
                denominator = new_v - knp.square(new_avg) + self.epsilon
            else:
                denominator = new_v + self.epsilon
            step = rates[variable.dtype] * g / knp.sqrt(denominator)
            if self.momentum > 0:
                momentum = self._momentums[index]
                step = momentum.value * self.momentum + step
                momentum.assign(step)
            variable.assign(variable.value - step)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config


def _non_negative(name, value):
    if value < 0.0:
        raise ValueError(f"Ftrl: `{name}` must be positive or zero. Received: {name}={value}.")


@builtin("optimizers", "ftrl")
class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) with L1, L2 and L2-shrinkage regularization.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        learning_rate_power: power of the accumulator in the step size (<= 0).
        initial_accumulator_value: starting value of the accumulators (>= 0).
        l1_regularization_strength: L1 strength (>= 0).
        l2_regularization_strength: L2 strength (>= 0).
        l2_shrinkage_regularization_strength: L2 shrinkage strength (>= 0).
        beta: the FTRL beta (adds ``beta / (2 * lr)`` to the L2 strength).
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **_base_kwargs(
            weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name), **kwargs)
        _non_negative("initial_accumulator_value", initial_accumulator_value)
        if learning_rate_power > 0.0:
            raise ValueError("Ftrl: `learning_rate_power` must be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        _non_negative("l1_regularization_strength", l1_regularization_strength)
        _non_negative("l2_regularization_strength", l2_regularization_strength)
        _non_negative("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators, self._linears = self.add_optimizer_variables(
            variables, ["accumulator", "linear"],
            [initializers.Constant(self.initial_accumulator_value), "zeros"])

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        rates = _rates(self, variables, learning_rate)
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        shrinkage = 2 * self.l2_shrinkage_regularization_strength
        for g, variable in zip(grads, variables):
            index = self._get_variable_index(variable)
            accumulator, linear = self._accumulators[index], self._linears[index]
            lr = rates[variable.dtype]
            l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
            value, old_acc = variable.value, accumulator.value
            new_acc = old_acc + knp.square(g)
            new_acc_power = knp.power(new_acc, power)
            sigma = (new_acc_power - knp.power(old_acc, power)) / lr
            new_linear = linear.value + ((g + shrinkage * value) - sigma * value)
            linear.assign(new_linear)
            quadratic = new_acc_power / lr + 2 * l2
            variable.assign((knp.clip(new_linear, -l1, l1) - new_linear) / quadratic)
            accumulator.assign(new_acc)

    def get_config(self):
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config


def _rms(x):
    return knp.sqrt(knp.mean(knp.square(x)))


@builtin("optimizers", "adafactor")
class Adafactor(Optimizer):
    """Adafactor: Adam-like steps with a factored second moment (row and column averages for
    variables of rank >= 2), relative step sizes and update clipping.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        beta_2_decay: the second-moment decay is ``1 - t ** beta_2_decay``.
        epsilon_1: added to the squared gradients.
        epsilon_2: lower bound of the variable's RMS in the step size.
        clip_threshold: the update's RMS is clipped to this.
        relative_step: cap a float learning rate at ``1 / sqrt(t)``.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Adafactor(learning_rate=1e-2)
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=0.001,
                 clip_threshold=1.0, relative_step=True, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **_base_kwargs(
            weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name), **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._r, self._c, self._v = [], [], []
        for variable in variables:
            shape = tuple(variable.shape)
            if len(shape) < 2:
                # Placeholders, so the variable list lines up with Keras's.
                self._r.append(self.add_variable((), dtype="int32", name=variable.name))
                self._c.append(self.add_variable((), dtype="int32", name=variable.name))
            elif self._overwrites(variable):
                self._r.append(None)
                self._c.append(None)
            else:
                self._r.append(self.add_variable(shape[:-1], dtype=variable.dtype, name=variable.name))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], dtype=variable.dtype,
                                                 name=variable.name))
            self._v.append(None if self._overwrites(variable) else
                           self.add_variable_from_reference(variable, "velocity"))

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        scheduled = callable(self._learning_rate)

        def constants(dtype):
            t = self._step_count(dtype)
            inverse_sqrt = 1 / knp.sqrt(t)
            lr = core.cast(learning_rate, dtype)
            if self.relative_step and not scheduled:
                lr = knp.minimum(lr, inverse_sqrt)
            return knp.minimum(lr, inverse_sqrt), 1 - knp.power(t, self.beta_2_decay)

        table = self._per_dtype(variables, constants)
        for g, variable in zip(grads, variables):
            dtype = variable.dtype
            rho, beta = table[dtype]
            index = self._get_variable_index(variable)
            r, c, v = self._r[index], self._c[index], self._v[index]
            value = variable.value
            alpha = knp.maximum(core.cast(self.epsilon_2, dtype), _rms(value)) * rho
            squared = knp.square(g) + self.epsilon_1
            if len(variable.shape) >= 2:
                new_r = beta * r.value + (1 - beta) * knp.mean(squared, axis=-1)
                new_c = beta * c.value + (1 - beta) * knp.mean(squared, axis=-2)
                r.assign(new_r)
                c.assign(new_c)
                new_v = knp.expand_dims(new_r / knp.mean(new_r, axis=-1, keepdims=True), -1) * \
                    knp.expand_dims(new_c, -2)
            else:
                new_v = beta * v.value + (1 - beta) * squared
            v.assign(new_v)
            u = g / knp.sqrt(new_v)
            u = u / knp.maximum(core.cast(1.0, dtype), _rms(u) / self.clip_threshold)
            variable.assign(value - alpha * u)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                       "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                       "relative_step": self.relative_step})
        return config
