"""`kerasnb.utils` (`keras.utils`): the utilities that the rest of kerasnb relies on.

Example:
    >>> import kerasnb
    >>> kerasnb.utils.set_random_seed(0)
"""

from kerasnb.engine.random import set_random_seed  # noqa: F401
from kerasnb.engine.session import clear_session  # noqa: F401
from kerasnb.engine.trainers.data_adapters import (  # noqa: F401
    PyDataset, pack_x_y_sample_weight, unpack_x_y_sample_weight)
from kerasnb.engine.callbacks.progbar import Progbar  # noqa: F401
from kerasnb.engine.utils.model_graph import model_to_dot, plot_model  # noqa: F401
