"""Layers: the `Layer` base, inputs, and the layer catalogue by family (one package each)."""

from kerasnb.engine.layers.input_layer import Input, InputLayer  # noqa: F401
from kerasnb.engine.layers.input_spec import InputSpec  # noqa: F401
from kerasnb.engine.layers.layer import Layer  # noqa: F401
from kerasnb.engine.layers.core import *  # noqa: F401,F403
