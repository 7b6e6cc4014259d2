"""`kerasnb.optimizers` (`keras.optimizers`): optimizers, `get`/`serialize`/`deserialize`,
and the `schedules` submodule.

Example:
    >>> import kerasnb
    >>> opt = kerasnb.optimizers.get("adam")
"""

from kerasnb.engine.optimizers import (  # noqa: F401
    SGD, Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lamb, Lion, LossScaleOptimizer,
    MultiOptimizer, Muon, Nadam, Optimizer, OptimizerMap, RMSprop, ScheduleFreeAdamW, deserialize,
    get, serialize)
from kerasnb.optimizers import schedules  # noqa: F401
