"""The PyTorch backend: a lean eager path on the default device (CUDA when present)."""

from kerasnb.engine.backend.torch.core import *  # noqa: F401,F403
from kerasnb.engine.backend.torch import core, control, numpy, nn, conv, math, linalg, image, random, trainer  # noqa: F401
from kerasnb.engine.backend.torch import optimizers  # noqa: F401

NAME = "torch"
