"""`kerasnb.regularizers` (`keras.regularizers`): weight penalties, by class or by name.

Example:
    >>> import kerasnb
    >>> kerasnb.regularizers.get("l2")
    L2(l2=0.01)
"""

from kerasnb.engine.regularizers import (  # noqa: F401
    L1, L1L2, L2, OrthogonalRegularizer, Regularizer, deserialize, get, l1, l1_l2, l2,
    orthogonal_regularizer, serialize)
