"""kerasnb: the Keras 3 API on hot-switchable backends, made for Jupyter.

Example:
    >>> import kerasnb as keras
    >>> keras.config.set_backend("numpy").target
    'numpy'
    >>> keras.ops.add(1, 2)
"""

__version__ = "0.1.0"

from kerasnb import backend, config, ops, random, tree, utils  # noqa: F401,E402
from kerasnb import activations, constraints, initializers, regularizers, saving  # noqa: F401,E402
from kerasnb import export, layers, models  # noqa: F401,E402
from kerasnb import callbacks, losses, metrics, optimizers  # noqa: F401,E402
from kerasnb import datasets, distribution, dtype_policies, quantizers  # noqa: F401,E402
from kerasnb.engine.dtype_policies import DTypePolicy, FloatDTypePolicy  # noqa: F401,E402
from kerasnb.engine.quantization.quantizers import Quantizer  # noqa: F401,E402
from kerasnb.engine.initializers import Initializer  # noqa: F401,E402
from kerasnb.engine.regularizers import Regularizer  # noqa: F401,E402
from kerasnb.engine.layers import Input, InputSpec, Layer  # noqa: F401,E402
from kerasnb.engine.models import Model, Sequential  # noqa: F401,E402
from kerasnb.engine.scope import StatelessScope  # noqa: F401,E402
from kerasnb.engine.tensors import KerasTensor, Variable  # noqa: F401,E402


def load_ipython_extension(shell):
    """``%load_ext kerasnb``: registers the backend magics (see `kerasnb.magics`)."""
    from kerasnb import magics

    magics.load_ipython_extension(shell)


def unload_ipython_extension(shell):
    """``%unload_ext kerasnb``: removes the magics again."""
    from kerasnb import magics

    magics.unload_ipython_extension(shell)


def version():
    """The kerasnb version string."""
    return __version__


def _use_notebook_progress():
    """In a Jupyter kernel, `fit` shows the live panel (kerasnb.widgets) instead of text."""
    from kerasnb.widgets.kernel_comms import kernel_shell  # imports no IPython or widgets
    if kernel_shell() is not None:
        from kerasnb.widgets.live_display import enable_live_display
        enable_live_display()


_use_notebook_progress()
