"""The NumPy-compatible op family on the tensorflow backend, split by kind."""

from kerasnb.engine.backend.tensorflow.numpy.elementwise import *  # noqa: F401,F403
from kerasnb.engine.backend.tensorflow.numpy.reductions import *  # noqa: F401,F403
from kerasnb.engine.backend.tensorflow.numpy.arrays import *  # noqa: F401,F403
from kerasnb.engine.backend.tensorflow.numpy.products import *  # noqa: F401,F403
