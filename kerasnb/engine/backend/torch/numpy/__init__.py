"""The NumPy-compatible op family on the torch backend, split by kind."""

from kerasnb.engine.backend.torch.numpy.elementwise import *  # noqa: F401,F403
from kerasnb.engine.backend.torch.numpy.reductions import *  # noqa: F401,F403
from kerasnb.engine.backend.torch.numpy.arrays import *  # noqa: F401,F403
from kerasnb.engine.backend.torch.numpy.products import *  # noqa: F401,F403
