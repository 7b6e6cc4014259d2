"""`kerasnb.ops.numpy` (`keras.ops.numpy`)."""

from kerasnb.engine.ops.numpy import *  # noqa: F401,F403
