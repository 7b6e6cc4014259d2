"""Weight regularizers (`keras.regularizers`): callables ``weight -> scalar penalty``.

Example:
    >>> float(L2(0.1)(np.array([1.0, 2.0])))
    0.5
"""

import math
import numbers

from kerasnb.engine.initializers import lookup
from kerasnb.engine.ops import core, nn
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin, serialize_keras_object

__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1",
           "l1_l2", "l2", "orthogonal_regularizer", "serialize"]


def _check_factor(value, name, owner):
    """`value` as a float if it is a finite number >= 0, else a ValueError."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not (
            math.isfinite(value) and value >= 0):
        raise ValueError(f"{owner}: `{name}` must be a finite number >= 0; received {value!r}.")
    return float(value)


@builtin("regularizers", "regularizer")
class Regularizer:
    """Base class of regularizers: ``regularizer(weight)`` returns a scalar penalty.

    Subclasses implement `__call__` and `get_config` (the constructor arguments).

    Example:
        >>> class Sum(Regularizer):
        ...     def __call__(self, x):
        ...         return kerasnb.ops.sum(x)
        ...     def get_config(self):
        ...         return {}
        >>> Sum()(np.ones(3))
        array(3.)
    """

    def __call__(self, x):
        """The penalty for weight `x`: 0 for this base class."""
        x = core.convert_to_tensor(x)
        return knp.zeros((), dtype=core.dtype(x))

    def get_config(self):
        """The constructor arguments, as a JSON-able dict."""
        raise NotImplementedError(f"{type(self).__name__} must implement `get_config()`.")

    @classmethod
    def from_config(cls, config):
        """An instance rebuilt from `get_config()`'s dict."""
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


@builtin("regularizers", "l1_l2", "l1l2")
class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    Args:
        l1: the L1 factor (None counts as 0).
        l2: the L2 factor (None counts as 0).

    Example:
        >>> float(L1L2(l1=0.1, l2=0.1)(np.array([1.0, -2.0])))
        0.8
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check_factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _check_factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x):
        x = core.convert_to_tensor(x)
        penalty = knp.zeros((), dtype=core.dtype(x))
        if self.l1:
            penalty = knp.add(penalty, knp.multiply(self.l1, knp.sum(knp.absolute(x))))
        if self.l2:
            penalty = knp.add(penalty, knp.multiply(self.l2, knp.sum(knp.square(x))))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@builtin("regularizers", "l1")
class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    Example:
        >>> float(L1(0.5)(np.array([1.0, -2.0])))
        1.5
    """

    def __init__(self, l1=0.01):
        self.l1 = _check_factor(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, x):
        x = core.convert_to_tensor(x)
        return knp.multiply(self.l1, knp.sum(knp.absolute(x)))

    def get_config(self):
        return {"l1": self.l1}


@builtin("regularizers", "l2")
class L2(Regularizer):
    """``l2 * sum(square(x))``.

    Example:
        >>> float(L2(0.5)(np.array([1.0, -2.0])))
        2.5
    """

    def __init__(self, l2=0.01):
        self.l2 = _check_factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x):
        x = core.convert_to_tensor(x)
        return knp.multiply(self.l2, knp.sum(knp.square(x)))

    def get_config(self):
        return {"l2": self.l2}


@builtin("regularizers", "orthogonal_regularizer")
class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards being orthogonal to each other.

    The penalty is ``factor`` times the mean of ``abs(cos)`` over the distinct pairs of
    rows (`mode="rows"`) or columns (`mode="columns"`), ``cos`` being the dot product of
    the L2-normalized pair.

    Args:
        factor: the penalty factor, a finite number >= 0.
        mode: `"rows"` or `"columns"`.

    Example:
        >>> float(OrthogonalRegularizer(factor=0.5)(np.array([[1.0, 0.0], [1.0, 0.0]])))
        0.5
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check_factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"OrthogonalRegularizer: `mode` must be 'rows' or 'columns'; received {mode!r}.")
        self.mode = mode

    def __call__(self, x):
        x = core.convert_to_tensor(x)
        shape = tuple(core.shape(x))
        if len(shape) != 2:
            raise ValueError(
                f"OrthogonalRegularizer: the weight must be 2-D; received shape {shape}.")
        dtype = core.dtype(x)
        if self.mode == "rows":
            units = nn.normalize(x, axis=1)
            size = shape[0]
        else:
            units = knp.transpose(nn.normalize(x, axis=0))
            size = shape[1]
        cosines = knp.matmul(units, knp.transpose(units))
        off_diagonal = knp.multiply(cosines, knp.subtract(1, knp.eye(size, dtype=dtype)))
        # Each pair appears twice off the diagonal; a single row or column has no pair.
        pairs = max(size * (size - 1) / 2, 1)
        return knp.multiply(self.factor * 0.5 / pairs, knp.sum(knp.absolute(off_diagonal)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer


def serialize(regularizer):
    """The config dict of `regularizer`, in Keras's format.

    Example:
        >>> serialize(L2(0.1))["class_name"]
        'L2'
    """
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer of a `serialize` result (a config dict or a name).

    Example:
        >>> deserialize({"class_name": "L1", "config": {"l1": 0.1}})
        L1(l1=0.1)
    """
    return lookup.deserialize("regularizers", "regularizer", config, custom_objects)


def get(identifier):
    """The regularizer `identifier` stands for.

    Args:
        identifier: None (returns None), a name (`"l2"`, `"L1L2"`, ...; classes become
            default instances), a config dict, a `Regularizer` instance or class, or a
            callable ``weight -> penalty``.

    Example:
        >>> get("l2")
        L2(l2=0.01)
    """
    if identifier is None:
        return None
    return lookup.get("regularizers", "regularizer", identifier)
