"""How the TensorFlow backend compiles a pure train/test/predict step: a `tf.function`."""

import tensorflow as tf


def compile_step(fn, jit_compile=False, donate_state=True):
    """`fn(state, data) -> (outputs, new_state)` as a graph function (XLA when `jit_compile`)."""
    return tf.function(fn, jit_compile=bool(jit_compile), reduce_retracing=True, autograph=False)

