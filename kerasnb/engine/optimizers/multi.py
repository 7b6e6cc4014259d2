"""`MultiOptimizer` and `OptimizerMap`: different optimizers for different variables.

Example:
    >>> mapping = OptimizerMap(SGD(), {"encoder/.*": Adam()})
    >>> opt = MultiOptimizer(mapping)
"""

import re
from collections.abc import MutableMapping

from kerasnb.engine.optimizers.loss_scale import LossScaleOptimizer
from kerasnb.engine.optimizers.optimizer import Optimizer
from kerasnb.engine.saving.serialization import builtin, deserialize_keras_object, serialize_keras_object


@builtin("optimizers", "optimizermap")
class OptimizerMap(MutableMapping):
    """Maps variable paths (exact strings, else full-match regexes) to optimizers.

    Args:
        default_optimizer: the optimizer of variables no key matches.
        optimizer_map: an optional dict ``{path or regex: optimizer}``.

    Example:
        >>> mapping = OptimizerMap(RMSprop())
        >>> mapping["encoder/.*"] = SGD()
        >>> type(mapping["encoder/dense/kernel"]).__name__
        'SGD'
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("OptimizerMap: `default_optimizer` must be an Optimizer. "
                            f"Received: {default_optimizer!r}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"OptimizerMap: `optimizer_map` must be a dict. Received: {optimizer_map!r}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = dict(optimizer_map or {})

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key!r}: patterns {matches}.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"{key!r} already exists in the OptimizerMap (value "
                             f"{self._optimizer_map[key]!r}); keys must not be duplicated.")
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap keys must be strings. Received: {key!r}")
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"OptimizerMap values must be Optimizers. Received: {optimizer!r}")
        if isinstance(optimizer, (LossScaleOptimizer, MultiOptimizer)):
            raise ValueError(f"An OptimizerMap cannot hold a {type(optimizer).__name__}.")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        return {"default_optimizer": serialize_keras_object(self._default_optimizer),
                "optimizer_map": serialize_keras_object(self._optimizer_map)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(deserialize_keras_object(config["default_optimizer"], custom_objects=custom_objects),
                   deserialize_keras_object(config["optimizer_map"], custom_objects=custom_objects))


@builtin("optimizers", "multioptimizer")
class MultiOptimizer(Optimizer):
    """Delegates each variable to the optimizer an `OptimizerMap` (or a callable
    ``variable -> optimizer``) picks for it.

    Args:
        optimizer_map: an `OptimizerMap` or a callable returning an optimizer per variable.
        loss_scale_factor: overrides the sub-optimizers' `loss_scale_factor`.
        name: the optimizer's name.

    Example:
        >>> opt = MultiOptimizer(lambda v: Adam() if "encoder" in v.path else SGD())
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        candidates = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        for opt in candidates + ([default] if default is not None else []):
            self._adopt(opt)

    def _adopt(self, opt):
        if not any(opt is known for known in self._inner_optimizers):
            opt.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(opt)
        return next(i for i, known in enumerate(self._inner_optimizers) if known is opt)

    @property
    def optimizers(self):
        """The sub-optimizers."""
        return self._inner_optimizers

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for opt in self._inner_optimizers:
            opt.loss_scale_factor = value

    @property
    def learning_rate(self):
        raise AttributeError("A MultiOptimizer has no single learning rate: use the "
                             "sub-optimizers' (`optimizer.optimizers`).")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("A MultiOptimizer has no single learning rate: set it on the "
                             "sub-optimizers (`optimizer.optimizers`).")

    @property
    def iterations(self):
        return self._iterations

    @property
    def variables(self):
        found = self._variables[:]
        for opt in self._inner_optimizers:
            found.extend(opt.variables)
        return found

    def build(self, variables):
        if self.built:
            return
        variables = list(variables)
        self._owner_of = {}
        groups = {}
        for variable in variables:
            opt = self._optimizer_map(variable)
            if not isinstance(opt, Optimizer):
                raise ValueError(f"The optimizer for variable {variable.path!r} is not an "
                                 f"Optimizer: {opt!r}.")
            if isinstance(opt, (LossScaleOptimizer, MultiOptimizer)):
                raise ValueError(f"A {type(opt).__name__} cannot be used inside a MultiOptimizer.")
            index = self._adopt(opt)
            self._owner_of[id(variable)] = index
            groups.setdefault(index, []).append(variable)
        for index, opt in enumerate(self._inner_optimizers):
            if index in groups:
                opt.build(groups[index])
        super().build(variables)

    def _split(self, pairs):
        groups = {}
        for item, variable in pairs:
            groups.setdefault(self._owner_of[id(variable)], []).append((item, variable))
        return groups

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `trainable_variables`, the "
                                 "optimizer must already be built.")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"Gradients must match trainable variables one to one. Received "
                             f"{len(grads)} gradients and {len(trainable_variables)} variables.")
        for index, pairs in sorted(self._split(zip(grads, trainable_variables)).items()):
            self._inner_optimizers[index].apply([g for g, _ in pairs], [v for _, v in pairs])
        self._iterations.assign(self._iterations.value + 1)

    def finalize_variable_values(self, var_list):
        for index, pairs in self._split((None, v) for v in var_list).items():
            self._inner_optimizers[index].finalize_variable_values([v for _, v in pairs])

    def set_weights(self, weights):
        if not self.built:
            raise ValueError("The optimizer is not built yet: call `optimizer.build(variables)` "
                             "before `set_weights()`.")
        for variable, weight in zip(self.variables, weights):
            variable.assign(weight)

    def get_config(self):
        return {"optimizer_map": serialize_keras_object(self._optimizer_map),
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizer_map"] = deserialize_keras_object(config["optimizer_map"],
                                                           custom_objects=custom_objects)
        return cls(**config)
