"""`kerasnb.models` (`keras.models`): Model, Sequential, cloning and JSON.

Example:
    >>> import kerasnb as keras
    >>> model = keras.models.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
"""

from kerasnb.engine.models import Model, Sequential, clone_model, model_from_json  # noqa: F401
from kerasnb.engine.saving.model_file import load_model, save_model  # noqa: F401
