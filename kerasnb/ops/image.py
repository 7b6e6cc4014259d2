"""`kerasnb.ops.image` (`keras.ops.image`)."""

from kerasnb.engine.ops.image import *  # noqa: F401,F403
