"""The JAX backend: XLA-compiled, 64-bit types enabled so dtypes match the other backends."""

from kerasnb.engine.backend.jax.core import *  # noqa: F401,F403
from kerasnb.engine.backend.jax import core, control, numpy, nn, conv, math, linalg, image, random, trainer  # noqa: F401

NAME = "jax"
