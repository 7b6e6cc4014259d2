"""`Muon`: momentum orthogonalized by Newton-Schulz iterations for 2-D weights, AdamW for the rest.

Example:
    >>> opt = Muon(learning_rate=0.02, exclude_layers=["head"])
"""

import math
import re

from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.optimizers.optimizer import Optimizer
from kerasnb.engine.saving.serialization import builtin


def _swap_last_axes(x):
    rank = len(core.shape(x))
    return knp.transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2])


@builtin("optimizers", "muon")
class Muon(Optimizer):
    """Muon (Jordan et al., 2024) with the Moonlight update-RMS matching.

    2-D variables get ``m = momentum * m + g``, an approximately orthogonalized update
    ``NS5(g + momentum * m)`` (Nesterov) or ``NS5(m)``, scaled by
    ``sqrt(max(rows, cols)) * rms_rate``. Other variables (rank != 2, names containing
    "embedding" when `exclude_embeddings`, paths matching `exclude_layers`) use AdamW with
    ``learning_rate * adam_lr_ratio`` and `adam_weight_decay`.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable.
        adam_beta_1, adam_beta_2: AdamW moment decays.
        adam_weight_decay: weight decay of the AdamW variables.
        epsilon: AdamW epsilon.
        weight_decay: weight decay of the Muon variables.
        exclude_layers: regexes of variable paths that use AdamW.
        exclude_embeddings: embeddings use AdamW.
        muon_a, muon_b, muon_c: Newton-Schulz coefficients.
        adam_lr_ratio: AdamW learning rate as a fraction of `learning_rate`.
        momentum: Muon momentum.
        ns_steps: Newton-Schulz iterations.
        nesterov: use the Nesterov form.
        rms_rate: update RMS factor, or None for no rescaling.
        **kwargs: the other `Optimizer` arguments.

    Example:
        >>> opt = Muon(learning_rate=0.01, momentum=0.9)
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-07, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.775, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable):
        """Whether `variable` is trained with AdamW rather than Muon."""
        if len(variable.shape) != 2:
            return True
        path = getattr(variable, "path", variable.name)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def build(self, variables):
        if self.built:
            return
        variables = list(variables)
        super().build(variables)
        self.momentums = [None] * len(variables)
        self.adam_velocities = [None] * len(variables)
        for i, variable in enumerate(variables):
            if self._overwrites(variable):
                continue
            self.momentums[i] = self.add_variable_from_reference(variable, "momentum")
            if self._should_use_adamw(variable):
                self.adam_velocities[i] = self.add_variable_from_reference(variable, "velocity")

    update_step = Optimizer._single_step

    def _update_variables(self, grads, variables, learning_rate):
        def adam_constants(dtype):
            t = self._step_count(dtype)
            power_1 = knp.power(core.cast(self.adam_beta_1, dtype), t)
            power_2 = knp.power(core.cast(self.adam_beta_2, dtype), t)
            lr = core.cast(learning_rate * self.adam_lr_ratio, dtype)
            return lr * knp.sqrt(1 - power_2) / (1 - power_1)

        alphas = self._per_dtype(variables, adam_constants)
        for g, variable in zip(grads, variables):
            index = self._get_variable_index(variable)
            m, v = self.momentums[index], self.adam_velocities[index]
            if v is not None:
                new_m = m.value + (g - m.value) * (1 - self.adam_beta_1)
                new_v = v.value + (knp.square(g) - v.value) * (1 - self.adam_beta_2)
                m.assign(new_m)
                v.assign(new_v)
                variable.assign(variable.value - new_m * alphas[variable.dtype] /
                                (knp.sqrt(new_v) + self.epsilon))
                continue
            new_m = m.value + (g + m.value * (self.momentum - 1))
            m.assign(new_m)
            direction = g + self.momentum * new_m if self.nesterov else new_m
            update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
            variable.assign(variable.value -
                            self.lr_adjust(core.cast(learning_rate, variable.dtype) * update))

    def lr_adjust(self, x):
        """Scales an orthogonalized update by ``sqrt(max(rows, cols)) * rms_rate`` (Moonlight)."""
        if self.rms_rate is None:
            return x
        rows, cols = core.shape(x)[:2]
        return x * math.sqrt(max(rows, cols)) * self.rms_rate

    def zeropower_via_newtonschulz5(self, x, steps):
        """An approximate orthogonalization of matrix `x` by `steps` quintic Newton-Schulz steps."""
        shape = core.shape(x)
        if len(shape) < 2:
            raise ValueError(f"Muon: expected a gradient of rank >= 2. Received: shape={shape}")
        tall = shape[-2] > shape[-1]
        if tall:
            x = _swap_last_axes(x)
        x = x / (knp.sqrt(knp.sum(knp.square(x), axis=(-2, -1), keepdims=True)) + 1e-7)
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        for _ in range(steps):
            gram = knp.matmul(x, _swap_last_axes(x))
            x = a * x + knp.matmul(b * gram + knp.matmul(c * gram, gram), x)
        return _swap_last_axes(x) if tall else x

    def _apply_weight_decay(self, variables, learning_rate):
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            decay = self.adam_weight_decay if self._should_use_adamw(variable) else self.weight_decay
            if decay is None:
                continue
            dtype = variable.dtype
            value = variable.value
            variable.assign(value - value * core.cast(decay, dtype) * core.cast(learning_rate, dtype))

    def get_config(self):
        config = super().get_config()
        config.update({
            "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon, "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a, "muon_b": self.muon_b, "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
            "ns_steps": self.ns_steps, "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate,
        })
        return config
