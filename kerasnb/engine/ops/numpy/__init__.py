"""NumPy-compatible ops (`keras.ops.numpy`), split by kind."""

from kerasnb.engine.ops.numpy.elementwise import *  # noqa: F401,F403
from kerasnb.engine.ops.numpy.reductions import *  # noqa: F401,F403
from kerasnb.engine.ops.numpy.arrays import *  # noqa: F401,F403
from kerasnb.engine.ops.numpy.products import *  # noqa: F401,F403
