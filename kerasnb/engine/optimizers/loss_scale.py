"""`LossScaleOptimizer`: dynamic loss scaling for mixed-precision training.

The loss is multiplied by a scale before differentiation (`scale_loss`) and gradients are
divided by it. A step whose gradients are not all finite is skipped and the scale halved;
after `dynamic_growth_steps` finite steps in a row the scale doubles. The skip is a select
over the new and old values, so it traces under `jax.jit` and `tf.function`.

Example:
    >>> opt = LossScaleOptimizer(kerasnb.optimizers.SGD(0.1), initial_scale=1024.0)
    >>> float(opt.scale_loss(1.0))
    1024.0
"""

from kerasnb.engine import initializers
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.optimizers.optimizer import Optimizer
from kerasnb.engine.saving.serialization import builtin, deserialize_keras_object, serialize_keras_object

# Base arguments that older configs carry; only their default values are accepted.
_INNER_ONLY = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
               "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
               "loss_scale_factor": None, "gradient_accumulation_steps": None}


@builtin("optimizers", "lossscaleoptimizer")
class LossScaleOptimizer(Optimizer):
    """Wraps `inner_optimizer` with dynamic loss scaling.

    Args:
        inner_optimizer: the optimizer doing the updates.
        initial_scale: the starting loss scale.
        dynamic_growth_steps: finite steps in a row before the scale doubles.
        name: the optimizer's name.

    Example:
        >>> opt = LossScaleOptimizer(kerasnb.optimizers.Adam())
    """

    def __init__(self, inner_optimizer, initial_scale=32768.0, dynamic_growth_steps=2000, name=None,
                 **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`; use "
                             "`loss_scale_factor` on the optimizer for a fixed scale.")
        for arg, default in _INNER_ONLY.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{arg}`; set `{arg}` on "
                                 "the `inner_optimizer` instead.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: {kwargs}")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` must be an Optimizer. "
                            f"Received: {inner_optimizer!r}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        inner_optimizer._use_kernels = False  # `apply` below restores its state on overflow
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        inner_optimizer.loss_scale_factor = None

    def build(self, variables):
        if self.built:
            return
        variables = list(variables)
        self.step_counter = self.add_variable((), initializers.Zeros(), "int64", name="step_counter")
        self.dynamic_scale = self.add_variable((), initializers.Constant(self.initial_scale),
                                               "float32", name="dynamic_scale")
        self.inner_optimizer.build(variables)
        super().build(variables)

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    def check_finite(self, grads):
        """Whether every gradient is finite everywhere (a bool tensor)."""
        return knp.all(knp.stack([knp.all(knp.isfinite(g)) for g in grads if g is not None]))

    def apply(self, grads, trainable_variables=None):
        if not self.built:
            if trainable_variables is None:
                raise ValueError("When passing `grads` without `trainable_variables`, the "
                                 "optimizer must already be built.")
            self.build(trainable_variables)
        grads = [None if g is None else core.convert_to_tensor(g) for g in grads]
        variables = self._trainable_variables if trainable_variables is None else list(trainable_variables)
        finite = self.check_finite(grads)
        scale = self.dynamic_scale.value
        touched = variables + self.inner_optimizer.variables
        before = [v.value for v in touched]
        unscaled = [g if g is None or self._overwrites(v) else g / core.cast(scale, core.dtype(g))
                    for g, v in zip(grads, variables)]
        self.inner_optimizer.apply(unscaled, trainable_variables)
        for variable, old in zip(touched, before):
            variable.assign(knp.where(finite, variable.value, old))
        counter = self.step_counter.value
        grow = knp.logical_and(finite, knp.equal(counter, self.dynamic_growth_steps - 1))
        zero = knp.zeros_like(counter)
        self.step_counter.assign(knp.where(grow, zero, knp.where(finite, counter + 1, zero)))
        self.dynamic_scale.assign(knp.where(grow, scale * 2.0, knp.where(finite, scale, scale / 2.0)))

    def scale_loss(self, loss):
        """`loss` times the current scale."""
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return loss * scale

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {"name": self.name, "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = deserialize_keras_object(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)
