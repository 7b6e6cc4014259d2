"""`kerasnb.backend`: which framework runs the ops, switchable at runtime.

Example:
    >>> import kerasnb
    >>> [b.name for b in kerasnb.backend.available()]
    ['numpy', 'jax', 'torch', 'tensorflow', 'openvino']
    >>> with kerasnb.backend.use_backend("numpy"):
    ...     kerasnb.backend.backend()
    'numpy'
"""

from kerasnb.engine.backend import (  # noqa: F401
    NAMES, TRAINABLE, BackendInfo, SwitchReport, available, busy, busy_reason, current,
    is_installed, live_variables, set_backend, use_backend)
from kerasnb.engine.backend import current as backend  # noqa: F401
from kerasnb.engine.config import epsilon, floatx, image_data_format  # noqa: F401
from kerasnb.engine.dtypes import result_type, standardize_dtype  # noqa: F401
from kerasnb.engine.tensors import is_keras_tensor  # noqa: F401
