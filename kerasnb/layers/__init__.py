"""`kerasnb.layers` (`keras.layers`): the Layer base and the layer catalogue.

Example:
    >>> import kerasnb as keras
    >>> keras.layers.Dense(4, activation="relu")
"""

from kerasnb.engine.layers import *  # noqa: F401,F403
from kerasnb.engine.layers import Input, InputLayer, InputSpec, Layer  # noqa: F401
from kerasnb.engine.layers.lookup import deserialize, serialize  # noqa: F401
