"""Weight constraints (`keras.constraints`): callables ``weight -> constrained weight``.

Optimizers apply a variable's constraint after each update.

Example:
    >>> NonNeg()(np.array([-1.0, 2.0]))
    array([0., 2.])
"""

import numbers

from kerasnb.engine.config import epsilon
from kerasnb.engine.initializers import lookup
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin, serialize_keras_object

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get",
           "max_norm", "min_max_norm", "non_neg", "serialize", "unit_norm"]


def _check_bound(value, name, owner, upper=None):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < 0 or (
            upper is not None and value > upper):
        expected = "a number >= 0" if upper is None else f"a number in [0, {upper}]"
        raise ValueError(f"{owner}: `{name}` must be {expected}; received {value!r}.")
    return value


def _check_axis(axis, owner):
    def is_int(a):
        return isinstance(a, int) and not isinstance(a, bool)

    valid = is_int(axis) or (isinstance(axis, (list, tuple)) and all(is_int(a) for a in axis))
    if not valid:
        raise ValueError(f"{owner}: `axis` must be an int or a list of ints; received {axis!r}.")
    return axis


def _norms(w, axis):
    """The L2 norms of `w` along `axis`, kept as size-1 dims."""
    return knp.sqrt(knp.sum(knp.square(w), axis=axis, keepdims=True))


def _rescale(w, norms, desired):
    """`w` scaled so that its norms along the reduced axes become `desired`."""
    return knp.multiply(core.cast(w, core.dtype(norms)),
                        knp.divide(desired, knp.add(norms, epsilon())))


@builtin("constraints", "constraint")
class Constraint:
    """Base class of constraints: ``constraint(w)`` returns the projected weight.

    The base class returns `w` unchanged; subclasses implement `__call__` and, when they
    take arguments, `get_config`.

    Example:
        >>> class Clip(Constraint):
        ...     def __call__(self, w):
        ...         return kerasnb.ops.clip(w, -1.0, 1.0)
        >>> Clip()(np.array([3.0]))
        array([1.])
    """

    def __call__(self, w):
        """The constrained weight."""
        return w

    def get_config(self):
        """The constructor arguments, as a JSON-able dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """An instance rebuilt from `get_config()`'s dict."""
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


@builtin("constraints", "max_norm")
class MaxNorm(Constraint):
    """Rescales the slices of `w` whose L2 norm along `axis` exceeds `max_value`.

    Args:
        max_value: the largest norm allowed.
        axis: the axis (or axes) the norms are taken over; for a dense kernel
            ``(input_dim, units)``, 0 constrains each unit's incoming weights.

    Example:
        >>> np.round(MaxNorm(1.0)(np.array([[3.0], [4.0]])), 4)
        array([[0.6],
               [0.8]])
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _check_bound(max_value, "max_value", "MaxNorm")
        self.axis = _check_axis(axis, "MaxNorm")

    def __call__(self, w):
        w = core.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return _rescale(w, norms, knp.clip(norms, 0, self.max_value))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@builtin("constraints", "min_max_norm")
class MinMaxNorm(Constraint):
    """Moves the L2 norms of `w` along `axis` into ``[min_value, max_value]``.

    Args:
        min_value: the smallest norm allowed.
        max_value: the largest norm allowed.
        rate: how far to move: the new norm is ``rate * clip(norm) + (1 - rate) * norm``
            (1 enforces the bounds at once).
        axis: the axis (or axes) the norms are taken over.

    Example:
        >>> np.round(MinMaxNorm(1.0, 2.0)(np.array([[0.3], [0.4]])), 4)
        array([[0.6],
               [0.8]])
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _check_bound(min_value, "min_value", "MinMaxNorm")
        self.max_value = _check_bound(max_value, "max_value", "MinMaxNorm")
        if min_value > max_value:
            raise ValueError(
                f"MinMaxNorm: `min_value` must be <= `max_value`; received min_value={min_value!r}, "
                f"max_value={max_value!r}.")
        self.rate = _check_bound(rate, "rate", "MinMaxNorm", upper=1)
        self.axis = _check_axis(axis, "MinMaxNorm")

    def __call__(self, w):
        w = core.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = knp.clip(norms, self.min_value, self.max_value)
        desired = knp.add(knp.multiply(self.rate, clipped), knp.multiply(1 - self.rate, norms))
        return _rescale(w, norms, desired)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


@builtin("constraints", "non_neg")
class NonNeg(Constraint):
    """Replaces negative weights by 0.

    Example:
        >>> NonNeg()(np.array([-1.0, 2.0]))
        array([0., 2.])
    """

    def __call__(self, w):
        return knp.maximum(core.convert_to_tensor(w), 0)


@builtin("constraints", "unit_norm")
class UnitNorm(Constraint):
    """Rescales `w` to unit L2 norm along `axis`.

    Args:
        axis: the axis (or axes) the norms are taken over.

    Example:
        >>> np.round(UnitNorm()(np.array([[3.0], [4.0]])), 4)
        array([[0.6],
               [0.8]])
    """

    def __init__(self, axis=0):
        self.axis = _check_axis(axis, "UnitNorm")

    def __call__(self, w):
        w = core.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return knp.divide(core.cast(w, core.dtype(norms)), knp.add(norms, epsilon()))

    def get_config(self):
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm


def serialize(constraint):
    """The config dict of `constraint`, in Keras's format.

    Example:
        >>> serialize(NonNeg())["class_name"]
        'NonNeg'
    """
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """The constraint of a `serialize` result (a config dict or a name).

    Example:
        >>> deserialize({"class_name": "MaxNorm", "config": {"max_value": 3}})
        MaxNorm(max_value=3, axis=0)
    """
    return lookup.deserialize("constraints", "constraint", config, custom_objects)


def get(identifier):
    """The constraint `identifier` stands for.

    Args:
        identifier: None (returns None), a name (`"non_neg"`, `"MaxNorm"`, ...; classes
            become default instances), a config dict, a `Constraint` instance or class, or a
            callable ``w -> w``.

    Example:
        >>> get("unit_norm")
        UnitNorm(axis=0)
    """
    if identifier is None:
        return None
    return lookup.get("constraints", "constraint", identifier)
