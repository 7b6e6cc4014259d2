"""TensorFlow backend core: tensor conversion, dtypes, shapes, and the autodiff entry point."""

import contextlib
import logging
import os

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common


@contextlib.contextmanager
def quiet():
    """Keeps TensorFlow's log lines out of notebooks while the block runs.

    Its C++ notices (absl, oneDNN, the LiteRT converter) go straight to file descriptor 2,
    which Jupyter would show under the cell; its Python logger reports INFO lines such as
    "Assets written to". Errors still propagate as exceptions.

    Example:
        >>> with quiet():
        ...     tf.saved_model.save(module, path)
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logger = logging.getLogger("tensorflow")
    level = logger.level
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        logger.setLevel(logging.ERROR)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
        logger.setLevel(level)


def _import_quietly():
    with quiet():
        import tensorflow
    return tensorflow


tf = _import_quietly()

__all__ = ["NAME", "Tensor", "devices", "is_tensor", "convert_to_tensor", "convert_to_numpy",
           "cast", "dtype_of", "shape", "value_and_grad"]

NAME = "tensorflow"
Tensor = type(tf.constant(0.0))


def devices():
    return [f"{d.device_type.lower()}:{i}" for i, d in enumerate(tf.config.list_physical_devices())]


def is_tensor(x):
    return tf.is_tensor(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tf.Tensor from `x` (Python data, an array, a Variable or another framework's tensor)."""
    if tf.is_tensor(x):
        if dtype is not None and x.dtype != tf.as_dtype(dtypes.standardize_dtype(dtype)):
            x = tf.cast(x, dtypes.standardize_dtype(dtype))
        return x
    if hasattr(x, "_migrate"):
        return convert_to_tensor(x.value, dtype)
    if common.is_foreign_tensor(x) or isinstance(x, (np.ndarray, np.generic)):
        x = np.asarray(common.to_numpy_any(x))
        return convert_to_tensor(tf.convert_to_tensor(x), dtype)
    return tf.convert_to_tensor(x, dtype=common.python_dtype(x, dtype))


def convert_to_numpy(x):
    x = convert_to_tensor(x)
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def cast(x, dtype):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(dtype)
    return x if x.dtype == dtype else tf.cast(x, dtype)


def dtype_of(x):
    return dtypes.standardize_dtype(x.dtype.name)


def shape(x):
    """Static shape where known; unknown dims (inside tf.function) are dynamic scalars."""
    static = x.shape.as_list() if x.shape.rank is not None else None
    if static is not None and None not in static:
        return tuple(static)
    dynamic = tf.shape(x)
    return tuple(d if d is not None else dynamic[i] for i, d in enumerate(static or []))


def _dense(grad):
    return tf.convert_to_tensor(grad) if isinstance(grad, tf.IndexedSlices) else grad


def value_and_grad(fn, argnums=0, has_aux=False):
    """``fn``'s value and its gradient with respect to the `argnums` arguments."""

    def run(*args):
        positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
        args = list(args)
        for i in positions:
            args[i] = tf.nest.map_structure(convert_to_tensor, args[i])
        with tf.GradientTape() as tape:
            for i in positions:
                tape.watch(args[i])
            out = fn(*args)
        value, aux = out if has_aux else (out, None)
        grads = tape.gradient(value, [args[i] for i in positions],
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        grads = tf.nest.map_structure(_dense, grads)  # gathers give IndexedSlices
        result = grads[0] if isinstance(argnums, int) else tuple(grads)
        return ((value, aux) if has_aux else value), result

    return run


def _register_variable_conversion():
    """Lets TensorFlow's own operators (``tf_tensor * variable``) read a Variable's current
    value, including a value mapped by a StatelessScope, instead of a NumPy copy."""
    from kerasnb.engine.tensors import Variable

    def convert(variable, dtype=None, name=None, as_ref=False):
        return tf.convert_to_tensor(variable.value, dtype=dtype, name=name)

    tf.register_tensor_conversion_function(Variable, convert)


_register_variable_conversion()


def host_call(fn, args, dtype, shape):
    """``fn(*numpy_args)`` (one NumPy array out) on tensors; inside a traced graph (tf.data,
    `tf.function`) through `tf.numpy_function`. `dtype` may be ``"string"`` (tf.string)."""
    out_dtype = tf.string if dtype == "string" else tf.as_dtype(dtypes.standardize_dtype(dtype))
    if not tf.executing_eagerly():
        out = tf.numpy_function(fn, list(args), out_dtype, stateful=False)
        out.set_shape(shape)
        return out
    out = fn(*[convert_to_numpy(a) if tf.is_tensor(a) else a for a in args])
    return tf.convert_to_tensor(out, dtype=out_dtype)


def host_call_ragged(fn, args, dtype):
    """A `tf.RaggedTensor` (rows of varying length) from ``fn(*numpy_args)``, which returns
    the rows' values end to end and the row lengths (int64); traceable as `host_call`."""
    out_dtype = tf.as_dtype(dtypes.standardize_dtype(dtype))
    if tf.executing_eagerly():
        values, lengths = fn(*[convert_to_numpy(a) if tf.is_tensor(a) else a for a in args])
    else:
        values, lengths = tf.numpy_function(fn, list(args), [out_dtype, tf.int64], stateful=False)
        values.set_shape([None])
        lengths.set_shape([None])
    return tf.RaggedTensor.from_row_lengths(tf.cast(values, out_dtype), tf.cast(lengths, tf.int64))
