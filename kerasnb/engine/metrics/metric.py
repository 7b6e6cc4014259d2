"""`Metric`: the base of stateful metrics, with a stateless twin for compiled train steps.

A metric keeps its accumulators in `Variable`s (so they follow backend switches);
`update_state` folds in a batch, `result` reads the value, `reset_state` starts over.
`stateless_update_state`/`stateless_result` run the same code as pure functions of the
variable values, which is what compiled train steps use (DESIGN.md rule 3).

Example:
    >>> class Count(Metric):
    ...     def __init__(self, name="count"):
    ...         super().__init__(name=name)
    ...         self.n = self.add_variable((), "zeros", name="n")
    ...     def update_state(self, values):
    ...         self.n.assign_add(kerasnb.ops.size(values))
    ...     def result(self):
    ...         return self.n.value
    >>> c = Count(); c.update_state([1, 2, 3]); int(c.result())
    3
"""

from kerasnb.engine import config, dtype_policies, scope as scopes
from kerasnb.engine.initializers import lookup
from kerasnb.engine.naming import to_snake_case, unique_name
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import Variable


@builtin("metrics")
class Metric:
    """Base class of metrics: subclasses create variables with `add_variable` and implement
    `update_state(...)` and `result()`.

    Variables and metrics assigned as attributes (also inside lists) are tracked, so a
    metric built from other metrics reports all their accumulators in `variables`.

    Args:
        dtype: dtype (or dtype policy name) of the computations; defaults to ``floatx()``.
        name: the metric's name (its log key); defaults to the snake-cased class name.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype_policy = dtype_policies.get(dtype or config.floatx())
        self._variables = []
        self._metrics = []

    @property
    def dtype(self):
        """The compute dtype name, e.g. ``"float32"``."""
        return self._dtype_policy.compute_dtype

    def __setattr__(self, name, value):
        if "_variables" in self.__dict__:
            for item in value if isinstance(value, (list, tuple)) else (value,):
                self._track(item)
        super().__setattr__(name, value)

    def _track(self, item):
        if isinstance(item, Variable):
            store = self._variables
        elif isinstance(item, Metric) and item is not self:
            store = self._metrics
        else:
            return
        if all(item is not known for known in store):
            store.append(item)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__ must call `super().__init__()` before "
                "creating variables or being used.")

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A new non-trainable accumulator Variable owned by this metric.

        Args:
            shape: the variable's shape.
            initializer: an initializer name, instance or callable (e.g. ``"zeros"``).
            dtype: defaults to the metric's dtype.
            aggregation: how replicas combine it (``"sum"``, ``"mean"``, ...).
            name: the variable's name; its path is ``"<metric name>/<name>"``.
        """
        self._check_super_called()
        initializer = lookup.get("initializers", "initializer", initializer)
        name = name or f"variable_{len(self._variables)}"
        variable = Variable(initializer, shape=tuple(shape), dtype=dtype or self.dtype,
                            trainable=False, aggregation=aggregation, name=name)
        variable.path = f"{self.name.replace('/', '>')}/{name}"
        self._track(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of `add_variable` kept for older code (zeros unless `initializer` is given)."""
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's accumulators, then those of the metrics it tracks."""
        found = list(self._variables)
        for metric in self._metrics:
            found.extend(v for v in metric.variables if all(v is not f for f in found))
        return found

    def update_state(self, *args, **kwargs):
        """Folds a batch into the accumulators; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state`.")

    def result(self):
        """The metric's current value; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result`.")

    def reset_state(self):
        """Sets every accumulator back to zero."""
        for variable in self.variables:
            variable.assign(knp.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        """Updates with one batch and returns the result."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # Pure-function twins for compiled steps ------------------------------------------

    def _check_values(self, metric_variables):
        variables = self.variables
        if len(metric_variables) != len(variables):
            raise ValueError(
                f"`metric_variables` must hold one value per variable of {type(self).__name__} "
                f"{self.name!r} ({len(variables)}); received {len(metric_variables)} values.")
        return list(zip(variables, metric_variables))

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """`update_state` as a pure function: new variable values, the Variables untouched."""
        mapping = self._check_values(metric_variables)
        with scopes.StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        return [_current(scope, v, value) for v, value in mapping]

    def stateless_result(self, metric_variables):
        """`result` computed from explicit variable values."""
        with scopes.StatelessScope(self._check_values(metric_variables)):
            return self.result()

    def stateless_reset_state(self):
        """The variable values `reset_state` would set."""
        with scopes.StatelessScope() as scope:
            self.reset_state()
        return [_current(scope, v, v.value) for v in self.variables]

    # Config ------------------------------------------------------------------------

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


def _current(scope, variable, default):
    value = scope.get_current_value(variable)
    return default if value is None else value
