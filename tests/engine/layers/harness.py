"""The shared layer-test harness: one call checks everything a layer must do.

`check_layer` builds the layer on the active backend and checks eager vs symbolic shape
and dtype, weight counts, the config round trip, numerics against a NumPy reference
written in the test, and (on trainable backends) gradient flow through `stateless_call`,
eagerly and inside the backend's compiled function.
"""

import numpy as np

from kerasnb.engine import backend as engine_backend
from kerasnb.engine.ops.op import flatten, pack
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.ops.checks import to_numpy


def _symbolic(x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return type(x)(_symbolic(v) for v in x)
    if isinstance(x, dict):
        return {k: _symbolic(v) for k, v in x.items()}
    x = np.asarray(x)
    return KerasTensor((None,) + x.shape[1:], x.dtype.name)


def compiled(fn):
    """`fn` compiled the active backend's way (jax.jit, tf.function); torch and numpy run eagerly."""
    name = engine_backend.current()
    if name == "jax":
        import jax
        return jax.jit(fn)
    if name == "tensorflow":
        import tensorflow as tf
        return tf.function(fn)
    return fn


def check_layer(layer_cls, init_kwargs, inputs, expected_shape=None, trainable_weights=None,
                non_trainable_weights=None, reference=None, call_kwargs=None, rtol=1e-5, atol=1e-5,
                gradients=True, training=False):
    """Runs the harness on the active backend and returns the built layer.

    Args:
        layer_cls: the layer class. init_kwargs: its constructor arguments.
        inputs: NumPy input(s) (first dim is the batch).
        expected_shape: the output shape (or list of shapes) for `inputs`.
        trainable_weights, non_trainable_weights: expected counts of weight variables.
        reference: ``fn(inputs, weights_as_numpy_list) -> expected outputs`` in NumPy.
        call_kwargs: extra call arguments (e.g. ``{"mask": ...}``).
        gradients: check gradient flow on jax/torch/tensorflow.
        training: the `training` flag for calls, when the layer takes one.
    """
    call_kwargs = dict(call_kwargs or {})
    if training:
        call_kwargs["training"] = True
    layer = layer_cls(**init_kwargs)
    outputs = layer(inputs, **call_kwargs)
    assert layer.built, f"{layer_cls.__name__} is not built after its first call"
    got = [to_numpy(o) for o in flatten(outputs)]
    if expected_shape is not None:
        shapes = expected_shape if isinstance(expected_shape, list) else [expected_shape]
        assert [g.shape for g in got] == [tuple(s) for s in shapes], f"{layer_cls.__name__}: shapes {[g.shape for g in got]}"
    if trainable_weights is not None:
        assert len(layer.trainable_weights) == trainable_weights, [v.path for v in layer.trainable_weights]
    if non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == non_trainable_weights, [v.path for v in layer.non_trainable_weights]
    if reference is not None:
        expected = reference(inputs, layer.get_weights())
        for g, e in zip(got, flatten(expected)):
            np.testing.assert_allclose(g, np.asarray(e), rtol=rtol, atol=atol)

    fresh = layer_cls(**init_kwargs)
    symbolic = fresh(_symbolic(inputs), **{k: _symbolic(v) if k == "mask" else v for k, v in call_kwargs.items()})
    for s, g, o in zip(flatten(symbolic), got, flatten(outputs)):
        assert isinstance(s, KerasTensor)
        assert s.shape[1:] == g.shape[1:], f"{layer_cls.__name__}: symbolic {s.shape} vs eager {g.shape}"
        assert s.dtype == engine_backend.get().dtype_of(o), f"{layer_cls.__name__}: dtype {s.dtype}"

    config = layer.get_config()
    clone = layer_cls.from_config(config)
    assert clone.get_config() == config, f"{layer_cls.__name__}: config round trip changed"
    revived = serialization.deserialize_keras_object(serialization.serialize_keras_object(layer))
    assert type(revived) is layer_cls and revived.get_config() == config

    if gradients and engine_backend.current() in ("jax", "torch", "tensorflow") and layer.trainable_weights:
        _check_gradients(layer, inputs, call_kwargs)
    return layer


def _check_gradients(layer, inputs, call_kwargs):
    module = engine_backend.get()
    import kerasnb.ops as ops
    trainable = [v.value for v in layer.trainable_variables]
    others = [v.value for v in layer.non_trainable_variables]
    x = pack(inputs, [module.convert_to_tensor(v) for v in flatten(inputs)])

    def loss(values):
        outputs, _ = layer.stateless_call(values, others, x, **call_kwargs)
        return sum(ops.sum(ops.square(ops.cast(o, "float32"))) for o in flatten(outputs)
                   if "float" in module.dtype_of(o))

    value, grads = module.value_and_grad(loss)(trainable)
    grads = [to_numpy(g) for g in grads]
    assert all(np.all(np.isfinite(g)) for g in grads), "non-finite gradient"
    assert any(np.any(g != 0) for g in grads), "no gradient reaches the weights"
    if engine_backend.current() != "torch":
        compiled_value, _ = compiled(module.value_and_grad(loss))(trainable)
        np.testing.assert_allclose(to_numpy(compiled_value), to_numpy(value), rtol=1e-4, atol=1e-5)
