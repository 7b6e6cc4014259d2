"""The TensorFlow backend: eager ops, `tf.function` for compiled steps."""

from kerasnb.engine.backend.tensorflow.core import *  # noqa: F401,F403
from kerasnb.engine.backend.tensorflow import core, numpy, nn, math, linalg, image, random  # noqa: F401

NAME = "tensorflow"
