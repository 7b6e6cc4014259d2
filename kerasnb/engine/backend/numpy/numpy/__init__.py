"""The NumPy-compatible op family on the numpy backend, split by kind."""

from kerasnb.engine.backend.numpy.numpy.elementwise import *  # noqa: F401,F403
from kerasnb.engine.backend.numpy.numpy.reductions import *  # noqa: F401,F403
from kerasnb.engine.backend.numpy.numpy.arrays import *  # noqa: F401,F403
from kerasnb.engine.backend.numpy.numpy.products import *  # noqa: F401,F403
