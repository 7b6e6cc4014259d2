"""Host-side (NumPy) computation for the layers that work on strings, hashes and vocabularies.

Strings are not backend tensors: they travel as NumPy arrays (``str``, ``bytes`` or object
dtype), or as ``tf.string`` tensors inside TensorFlow graphs. Layers that read them compute
in NumPy and hand numeric results back as backend tensors through `host_call`, which each
backend may specialise to stay traceable: `tf.numpy_function` inside ``tf.data`` and
`tf.function`, `jax.pure_callback` under `jax.jit`.

Example:
    >>> host_call(lambda x: np.char.str_len(text_array(x)), [np.array(["ab", "c"])], "int64")
    array([2, 1])
"""

import numpy as np

from kerasnb.engine import backend
from kerasnb.engine.backend import common
from kerasnb.engine.tensors import KerasTensor


def is_string_array(x):
    """True for NumPy string data (str, bytes, or objects holding them) and tf.string tensors."""
    dtype = getattr(x, "dtype", None)
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "USO"
    if isinstance(x, KerasTensor):
        return False
    return dtype is not None and getattr(dtype, "name", None) == "string"


def _decode(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def text_array(x):
    """`x` (a list, NumPy array or tf.string tensor) as a NumPy object array of Python `str`."""
    array = np.asarray(common.to_numpy_any(x) if common.is_foreign_tensor(x) else x, dtype=object)
    out = np.empty(array.size, dtype=object)
    out[:] = [_decode(v) for v in array.reshape(-1)]
    return out.reshape(array.shape)


def host_array(x):
    """`x` as a NumPy array: strings via `text_array`, tensors and lists via NumPy."""
    if is_string_array(x) or (isinstance(x, (list, tuple)) and np.asarray(x).dtype.kind in "USO"):
        return text_array(x)
    return np.asarray(common.to_numpy_any(x) if common.is_foreign_tensor(x) else x)


def host_call(fn, args, dtype, shape=None):
    """Runs ``fn(*numpy_args)`` and returns its one output as a tensor of the active backend.

    Args:
        fn: takes NumPy arrays (strings as object arrays of `str` or `bytes`), returns one array.
        args: arrays, tensors or tf.string tensors.
        dtype: the output dtype (a Keras dtype; ``"string"`` for text, which stays a NumPy
            object array except on TensorFlow, where it is a tf.string tensor).
        shape: the output shape (None dims allowed), needed where the call is traced.

    Example:
        >>> host_call(lambda x: x + 1, [np.arange(3)], "int64")
        array([1, 2, 3])
    """
    module = backend.get()
    native = getattr(module.core, "host_call", None)
    if native is not None and (dtype != "string" or module.NAME == "tensorflow"):
        return native(lambda *values: fn(*[host_array(v) for v in values]), args, dtype, shape)
    out = fn(*[host_array(a) for a in args])
    if dtype == "string":
        return text_array(out)
    return module.convert_to_tensor(np.asarray(out), dtype)
