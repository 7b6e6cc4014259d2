"""The NumPy-compatible op family on the jax backend, split by kind."""

from kerasnb.engine.backend.jax.numpy.elementwise import *  # noqa: F401,F403
from kerasnb.engine.backend.jax.numpy.reductions import *  # noqa: F401,F403
from kerasnb.engine.backend.jax.numpy.arrays import *  # noqa: F401,F403
from kerasnb.engine.backend.jax.numpy.products import *  # noqa: F401,F403
