"""Optimizers (`keras.optimizers`) and learning-rate schedules (`keras.optimizers.schedules`)."""

from kerasnb.engine.optimizers import schedules  # noqa: F401
from kerasnb.engine.optimizers.adam import Adam, Adamax, AdamW, Lamb, Nadam  # noqa: F401
from kerasnb.engine.optimizers.adaptive import Adadelta, Adafactor, Adagrad, Ftrl, RMSprop  # noqa: F401
from kerasnb.engine.optimizers.lookup import deserialize, get, serialize  # noqa: F401
from kerasnb.engine.optimizers.loss_scale import LossScaleOptimizer  # noqa: F401
from kerasnb.engine.optimizers.multi import MultiOptimizer, OptimizerMap  # noqa: F401
from kerasnb.engine.optimizers.muon import Muon  # noqa: F401
from kerasnb.engine.optimizers.optimizer import Optimizer  # noqa: F401
from kerasnb.engine.optimizers.schedule_free import ScheduleFreeAdamW  # noqa: F401
from kerasnb.engine.optimizers.sgd import SGD, Lion  # noqa: F401
