"""The NumPy backend: the reference implementation of every op; inference only."""

from kerasnb.engine.backend.numpy.core import *  # noqa: F401,F403
from kerasnb.engine.backend.numpy import core, control, numpy, nn, conv, math, linalg, image, random, trainer  # noqa: F401

NAME = "numpy"
