"""All of `kerasnb.ops` in one namespace for the preprocessing layers."""

from kerasnb.engine.ops.core import *  # noqa: F401,F403
from kerasnb.engine.ops.numpy import *  # noqa: F401,F403
from kerasnb.engine.ops.nn import *  # noqa: F401,F403
from kerasnb.engine.ops.math import *  # noqa: F401,F403
from kerasnb.engine.ops import image  # noqa: F401
