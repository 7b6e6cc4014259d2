"""Shared checks of the preprocessing tests: inside tf.data, inside a model, saved and loaded."""

import numpy as np

import kerasnb
from kerasnb.engine import backend as engine_backend
from tests.engine.ops.checks import to_numpy


def through_tf_data(layer, x, batch_size=None):
    """`layer` mapped over a tf.data pipeline of `x`; the batches concatenated as NumPy.

    Also checks that the session's backend and the layer's Variables stayed where they were.
    """
    import tensorflow as tf
    session = engine_backend.current()
    dataset = tf.data.Dataset.from_tensor_slices(x)
    if batch_size:
        dataset = dataset.batch(batch_size)
    outputs = [np.asarray(o) for o in dataset.map(layer).as_numpy_iterator()]
    assert engine_backend.current() == session
    for variable in layer.variables:
        assert variable._module is engine_backend.get(), f"{variable.path} moved to another backend"
        variable.numpy()  # concrete, not a graph tensor
    return np.concatenate(outputs) if batch_size else np.stack(outputs)


def through_model(layer, x, dtype="float32"):
    """`layer` called inside a functional model (first symbolically, then on `x`)."""
    inputs = kerasnb.Input(shape=np.shape(x)[1:], dtype=dtype)
    model = kerasnb.Model(inputs, layer(inputs))
    return to_numpy(model(x)), model
