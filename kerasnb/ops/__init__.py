"""`kerasnb.ops`: every op of `keras.ops`, eager on the active backend and symbolic on KerasTensors.

Example:
    >>> import kerasnb.ops as ops
    >>> ops.add([1.0, 2.0], 1.0)
"""

from kerasnb.engine.ops.core import *  # noqa: F401,F403
from kerasnb.engine.ops.numpy import *  # noqa: F401,F403
from kerasnb.engine.ops.nn import *  # noqa: F401,F403
from kerasnb.engine.ops.math import *  # noqa: F401,F403
from kerasnb.engine.ops.linalg import *  # noqa: F401,F403
from kerasnb.ops import image, linalg, nn, numpy  # noqa: E402  (sub-namespaces)
