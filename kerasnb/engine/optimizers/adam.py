"""The Adam family: `Adam` (and AMSGrad), `AdamW`, `Adamax`, `Nadam`, `Lamb`.

Bias corrections depend only on the step, so they are computed once per step (per dtype),
not once per variable.

Example:
    >>> v = Variable([1.0])
    >>> Adam(learning_rate=0.1).apply([np.array([3.0])], [v])
    >>> v.numpy().round(4)
    array([0.9], dtype=float32)
"""

from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.optimizers.optimizer import Optimizer
from kerasnb.engine.saving.serialization import builtin


class _Moments(Optimizer):
    """Shared parts of optimizers with first and second moment slots (`beta_1`, `beta_2`)."""

    _slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate, beta_1, beta_2, epsilon, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, list(self._slot_names))

    def _slots(self, variable):
        index = self._get_variable_index(variable)
        return self._momentums[index], self._velocities[index]

    def _moments(self, g, m, v):
        """Updates the moment slots in place; returns their new values."""
        new_m = m.value + (g - m.value) * (1 - self.beta_1)
        new_v = v.value + (knp.square(g) - v.value) * (1 - self.beta_2)
        m.assign(new_m)
        v.assign(new_v)
        return new_m, new_v

    def _powers(self, dtype):
        """``(beta_1 ** t, beta_2 ** t)`` for the step ``t = iterations + 1``."""
        t = self._step_count(dtype)
        return (knp.power(core.cast(self.beta_1, dtype), t),
                knp.power(core.cast(self.beta_2, dtype), t))

    update_step = Optimizer._single_step

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config


@builtin("optimizers", "adam")
class Adam(_Moments):
    """Adam: adaptive moments with bias correction; `amsgrad` keeps the max second moment.

    ``w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)``.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the denominator.
        amsgrad: use the running maximum of the second moment.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Adam(learning_rate=1e-3, amsgrad=True)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.amsgrad = amsgrad

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def _update_variables(self, grads, variables, learning_rate):
        kernel = None if self.amsgrad else self._kernel("adam")
        if kernel is not None and len({v.dtype for v in variables}) == 1:
            slots = [self._slots(v) for v in variables]
            kernel(self._owned(variables), list(grads), self._owned([m for m, _ in slots]),
                   self._owned([v for _, v in slots]), learning_rate, self._iterations.value,
                   self.beta_1, self.beta_2, self.epsilon)
            return

        def step_size(dtype):
            power_1, power_2 = self._powers(dtype)
            return core.cast(learning_rate, dtype) * knp.sqrt(1 - power_2) / (1 - power_1)

        alphas = self._per_dtype(variables, step_size)
        for g, variable in zip(grads, variables):
            m, v = self._slots(variable)
            new_m, new_v = self._moments(g, m, v)
            if self.amsgrad:
                v_hat = self._velocity_hats[self._get_variable_index(variable)]
                new_v = knp.maximum(v_hat.value, new_v)
                v_hat.assign(new_v)
            variable.assign(variable.value - new_m * alphas[variable.dtype] /
                            (knp.sqrt(new_v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config["amsgrad"] = self.amsgrad
        return config


@builtin("optimizers", "adamw")
class AdamW(Adam):
    """Adam with decoupled weight decay (`weight_decay` is required).

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        weight_decay: the decoupled decay rate.
        beta_1, beta_2, epsilon, amsgrad: as in `Adam`.
        **kwargs: the other `Optimizer` arguments.

    Example:
        >>> opt = AdamW(learning_rate=1e-3, weight_decay=0.01)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-07, amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)


@builtin("optimizers", "adamax")
class Adamax(_Moments):
    """Adamax: Adam with the infinity norm in place of the second moment.

    ``u = max(beta_2 * u, |g|)``; ``w -= lr * m / ((1 - beta_1^t) * (u + epsilon))``.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        beta_1: decay of the first moment.
        beta_2: decay of the infinity norm.
        epsilon: added to the norm.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Adamax(learning_rate=2e-3)
    """

    _slot_names = ("momentum", "norm")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)

    def _update_variables(self, grads, variables, learning_rate):
        rates = self._per_dtype(variables, lambda dtype: core.cast(learning_rate, dtype))
        corrections = self._per_dtype(variables, lambda dtype: 1 - self._powers(dtype)[0])
        for g, variable in zip(grads, variables):
            m, u = self._slots(variable)
            new_m = m.value + (g - m.value) * (1 - self.beta_1)
            new_u = knp.maximum(u.value * self.beta_2, knp.abs(g))
            m.assign(new_m)
            u.assign(new_u)
            dtype = variable.dtype
            variable.assign(variable.value - rates[dtype] * new_m /
                            (corrections[dtype] * (new_u + self.epsilon)))


@builtin("optimizers", "nadam")
class Nadam(_Moments):
    """Nadam: Adam with Nesterov momentum and the momentum schedule of Dozat (2016).

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the denominator.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Nadam(learning_rate=2e-3)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)

    def build(self, variables):
        if self.built:
            return
        variables = list(variables)
        super().build(variables)
        dtype = variables[0].dtype if variables else None
        self._u_product = self.add_variable((), "ones", dtype, name="u_product")

    def _momentum_factor(self, dtype, offset):
        """``beta_1 * (1 - 0.5 * 0.96 ** (iterations + offset))``."""
        decay = knp.power(core.cast(0.96, dtype), self._step_count(dtype, offset))
        return core.cast(self.beta_1, dtype) * (1.0 - 0.5 * decay)

    def _update_variables(self, grads, variables, learning_rate):
        product_dtype = self._u_product.dtype
        self._u_product.assign(self._u_product.value * self._momentum_factor(product_dtype, 1))
        product = self._u_product.value

        def constants(dtype):
            u_t, u_next = self._momentum_factor(dtype, 1), self._momentum_factor(dtype, 2)
            u_prod = core.cast(product, dtype)
            t = self._step_count(dtype)
            return (core.cast(learning_rate, dtype), u_t, u_next, 1 - u_prod * u_next, 1 - u_prod,
                    1 - knp.power(core.cast(self.beta_2, dtype), t))

        table = self._per_dtype(variables, constants)
        for g, variable in zip(grads, variables):
            lr, u_t, u_next, denom_next, denom_now, correction_2 = table[variable.dtype]
            m, v = self._slots(variable)
            new_m, new_v = self._moments(g, m, v)
            m_hat = u_next * new_m / denom_next + (1 - u_t) * g / denom_now
            v_hat = new_v / correction_2
            variable.assign(variable.value - m_hat * lr / (knp.sqrt(v_hat) + self.epsilon))


@builtin("optimizers", "lamb")
class Lamb(_Moments):
    """LAMB: Adam's update rescaled per variable by the trust ratio ``||w|| / ||update||``.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the denominator.
        **kwargs: the `Optimizer` arguments.

    Example:
        >>> opt = Lamb(learning_rate=1e-3)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)

    def _update_variables(self, grads, variables, learning_rate):
        def constants(dtype):
            power_1, power_2 = self._powers(dtype)
            return core.cast(learning_rate, dtype), 1 - power_1, 1 - power_2

        table = self._per_dtype(variables, constants)
        for g, variable in zip(grads, variables):
            lr, correction_1, correction_2 = table[variable.dtype]
            m, v = self._slots(variable)
            new_m, new_v = self._moments(g, m, v)
            update = (new_m / correction_1) / (knp.sqrt(new_v / correction_2) + self.epsilon)
            value = variable.value
            w_norm = knp.sqrt(knp.sum(knp.square(value)))
            u_norm = knp.sqrt(knp.sum(knp.square(update)))
            one = core.cast(1.0, variable.dtype)
            ratio = knp.where(w_norm > 0, knp.where(u_norm > 0, w_norm / u_norm, one), one)
            variable.assign(value - ratio * lr * update)
