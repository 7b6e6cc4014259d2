"""Layers: the `Layer` base, inputs, and the layer catalogue by family (one package each)."""

from kerasnb.engine.layers.input_layer import Input, InputLayer  # noqa: F401
from kerasnb.engine.layers.input_spec import InputSpec  # noqa: F401
from kerasnb.engine.layers.layer import Layer  # noqa: F401
from kerasnb.engine.layers.core import *  # noqa: F401,F403
from kerasnb.engine.layers.activations import *  # noqa: F401,F403
from kerasnb.engine.layers.regularization import *  # noqa: F401,F403
from kerasnb.engine.layers.reshaping import *  # noqa: F401,F403
from kerasnb.engine.layers.convolutional import *  # noqa: F401,F403
from kerasnb.engine.layers.pooling import *  # noqa: F401,F403
from kerasnb.engine.layers.normalization import *  # noqa: F401,F403
from kerasnb.engine.layers.merging import *  # noqa: F401,F403
from kerasnb.engine.layers.attention import *  # noqa: F401,F403
from kerasnb.engine.layers.rnn import *  # noqa: F401,F403
from kerasnb.engine.layers.preprocessing import *  # noqa: F401,F403
