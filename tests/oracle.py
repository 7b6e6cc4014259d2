"""Real Keras 3 as an in-process test oracle, on its numpy backend."""

import importlib
import os


def real_keras():
    """Imports Keras 3 on its numpy backend, leaving ``KERAS_BACKEND`` as it was.

    Setting the variable for good would leak into every kernel and subprocess that later tests
    start, and they would all default to numpy.

    Example:
        >>> real_keras().backend.backend()
        'numpy'
    """
    saved = os.environ.get("KERAS_BACKEND")
    os.environ["KERAS_BACKEND"] = "numpy"
    try:
        return importlib.import_module("keras")
    finally:
        if saved is None:
            del os.environ["KERAS_BACKEND"]
        else:
            os.environ["KERAS_BACKEND"] = saved
