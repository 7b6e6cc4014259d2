"""The TensorFlow backend: eager ops, `tf.function` for compiled steps."""

from kerasnb.engine.backend.tensorflow.core import *  # noqa: F401,F403
from kerasnb.engine.backend.tensorflow import core, control, numpy, nn, conv, math, linalg, image, random, trainer  # noqa: F401

NAME = "tensorflow"
