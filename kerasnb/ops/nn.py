"""`kerasnb.ops.nn` (`keras.ops.nn`)."""

from kerasnb.engine.ops.nn import *  # noqa: F401,F403
