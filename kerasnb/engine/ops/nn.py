"""Neural-network ops (`keras.ops.nn`): activations, losses, normalization, encodings."""

from kerasnb.engine.ops.conv import *  # noqa: F401,F403  (convolution, pooling, attention, ctc)

__all__ = []
