"""`kerasnb.optimizers.schedules` (`keras.optimizers.schedules`): learning-rate schedules.

Example:
    >>> from kerasnb.optimizers.schedules import CosineDecay
    >>> schedule = CosineDecay(0.1, decay_steps=1000)
"""

from kerasnb.engine.optimizers.schedules import (  # noqa: F401
    CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay, LearningRateSchedule,
    PiecewiseConstantDecay, PolynomialDecay, deserialize, serialize)
