"""Hinge metrics: running (weighted) means of the hinge losses.

Example:
    >>> float(Hinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.25
"""

from kerasnb.engine.losses.hinge import categorical_hinge, hinge, squared_hinge
from kerasnb.engine.metrics.reduction import MeanMetricWrapper
from kerasnb.engine.saving.serialization import builtin

for _function in (hinge, squared_hinge, categorical_hinge):
    builtin("metrics")(_function)


@builtin("metrics")
class Hinge(MeanMetricWrapper):
    """The mean hinge loss.

    Example:
        >>> float(Hinge()([[1.0, 0.0]], [[0.5, -2.0]]))
        0.25
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class SquaredHinge(MeanMetricWrapper):
    """The mean squared hinge loss.

    Example:
        >>> float(SquaredHinge()([[1.0, 0.0]], [[0.5, -2.0]]))
        0.125
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class CategoricalHinge(MeanMetricWrapper):
    """The mean categorical hinge loss.

    Example:
        >>> float(CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]]))
        0.5
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"
