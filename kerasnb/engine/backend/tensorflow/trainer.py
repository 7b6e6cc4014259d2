"""How the TensorFlow backend compiles a pure train/test/predict step: a `tf.function`
whose state lives in `tf.Variable`s captured by the graph.

Passing a few dozen state tensors into a `tf.function` on every call costs more than a
small step itself (TensorFlow checks each argument's type), so the state is held in
captured variables: the graph reads them, runs the pure step, assigns the new values and
also returns them. A value changed from outside between steps (e.g. `set_weights` in a
callback) is noticed by identity and copied in before the next step.

`tf.function`'s own dispatch (matching the call against its traces) also costs more than
a small step, so each batch signature (structure, dtypes, shapes) is looked up once and
its concrete function called directly afterwards; the traces are those `tf.function`
itself picks (``reduce_retracing``: a second batch shape gets a relaxed trace).
"""

import numpy as np
import tensorflow as tf


def accepts_numpy(jit_compile):
    """The compiled step takes NumPy batches and converts them itself (cheaper)."""
    return True


class _Unkeyed(Exception):
    """A batch leaf without dtype and shape: left to `tf.function`'s own dispatch."""


def _leaf_key(leaf):
    if leaf is None:
        return None
    dtype, shape = getattr(leaf, "dtype", None), getattr(leaf, "shape", None)
    if dtype is None or shape is None:
        raise _Unkeyed
    return (type(leaf), str(dtype), tuple(shape))


def batch_signature(data):
    """A hashable key of `data`'s structure and of each leaf's type, dtype and shape
    (`_Unkeyed` for a leaf that has no dtype or shape).

    Example:
        >>> batch_signature((np.zeros((2, 3), "float32"), None))
        (<class 'tuple'>, ((<class 'numpy.ndarray'>, 'float32', (2, 3)), None))
    """
    if isinstance(data, (tuple, list)):
        return (type(data), tuple(batch_signature(part) for part in data))
    if isinstance(data, dict):
        return (dict, tuple((k, batch_signature(data[k])) for k in sorted(data)))
    return _leaf_key(data)


def _to_tensors(data):
    """`data` with its NumPy leaves as tensors (structure kept)."""
    if type(data) is tuple:
        return tuple(_to_tensors(part) for part in data)
    if isinstance(data, np.ndarray):
        return tf.convert_to_tensor(data)
    if isinstance(data, (tuple, list, dict)):
        return tf.nest.map_structure(_to_tensors, data)
    return data


def compile_step(fn, jit_compile=False, donate_state=True):
    """`fn(state, data) -> (outputs, new_state)` as a graph function (XLA when `jit_compile`).

    `donate_state`: the caller replaces its state with `new_state` after each call.
    """
    holders, last, traces = [], [], {}

    def step(data):
        result, new_state = fn([holder.read_value() for holder in holders], data)
        for holder, value in zip(holders, new_state):
            holder.assign(value)
        return result, new_state

    graph = tf.function(step, jit_compile=bool(jit_compile), autograph=False, reduce_retracing=True)

    def run(state, data):
        if not holders:
            holders.extend(tf.Variable(value, trainable=False) for value in state)
        else:
            for holder, value, previous in zip(holders, state, last):
                if value is not previous:
                    holder.assign(value)
        data = _to_tensors(data)
        try:
            key = batch_signature(data)
        except _Unkeyed:
            result, new_state = graph(data)
        else:
            concrete = traces.get(key)
            if concrete is None:
                concrete = traces[key] = graph.get_concrete_function(data)
            result, new_state = concrete(data)
        last[:] = new_state if donate_state else state  # what the caller passes next time
        return result, new_state

    return run


class GraphState:
    """A value that traced graphs (a ``tf.data`` map, a user's `tf.function`) read and assign.

    It lives in a `tf.Variable` made outside any graph being traced, so each run of the
    graph sees the value the previous run wrote (e.g. the seed counter of a random layer).

    Example:
        >>> state = GraphState(np.array([7, 0]))
        >>> state.write(state.read() + [0, 1])
    """

    def __init__(self, value):
        with tf.init_scope():
            self._holder = tf.Variable(value, trainable=False)

    def read(self):
        return self._holder.read_value()

    def write(self, value):
        self._holder.assign(tf.cast(value, self._holder.dtype))


def take_rows(array, index):
    """The rows `index` (valid int indices) of `array`."""
    return tf.gather(array, index)
