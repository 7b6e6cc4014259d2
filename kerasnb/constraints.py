"""`kerasnb.constraints` (`keras.constraints`): weight projections, by class or by name.

Example:
    >>> import kerasnb
    >>> kerasnb.constraints.get("non_neg")
    NonNeg()
"""

from kerasnb.engine.constraints import (  # noqa: F401
    Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm, deserialize, get, max_norm, min_max_norm,
    non_neg, serialize, unit_norm)
