"""How the TensorFlow backend compiles a pure train/test/predict step: a `tf.function`
whose state lives in `tf.Variable`s captured by the graph.

Passing a few dozen state tensors into a `tf.function` on every call costs more than a
small step itself (TensorFlow checks each argument's type), so the state is held in
captured variables: the graph reads them, runs the pure step, assigns the new values and
also returns them. A value changed from outside between steps (e.g. `set_weights` in a
callback) is noticed by identity and copied in before the next step.
"""

import tensorflow as tf


def compile_step(fn, jit_compile=False, donate_state=True):
    """`fn(state, data) -> (outputs, new_state)` as a graph function (XLA when `jit_compile`).

    `donate_state`: the caller replaces its state with `new_state` after each call.
    """
    holders, last = [], []

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
        result, new_state = graph(data)
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
