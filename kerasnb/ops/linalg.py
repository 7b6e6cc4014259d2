"""`kerasnb.ops.linalg` (`keras.ops.linalg`)."""

from kerasnb.engine.ops.linalg import *  # noqa: F401,F403
