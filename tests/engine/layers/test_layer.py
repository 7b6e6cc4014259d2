"""The Layer base: building, weights, calls, losses, training flag, stateless calls, configs."""

import numpy as np
import pytest

import kerasnb
from kerasnb import layers, ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy


class Scale(Layer):
    """A custom layer with one weight, a non-trainable counter and an activity loss."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")

    def call(self, x, training=None):
        self.calls.assign(self.calls + 1)
        self.add_loss(ops.sum(x) * 0.0 + 1.5)
        scale = self.factor if training else 1.0
        return x * self.w * scale


def test_lazy_build_weights_and_paths(backend):
    layer = Scale(name="scale")
    assert not layer.built and layer.weights == []
    out = layer(np.ones((2, 3), "float32"))
    assert layer.built
    assert [v.path for v in layer.weights] == ["scale/w", "scale/calls"]
    assert [v.path for v in layer.trainable_weights] == ["scale/w"]
    assert [v.path for v in layer.non_trainable_weights] == ["scale/calls"]
    assert layer.count_params() == 4
    np.testing.assert_allclose(to_numpy(out), np.ones((2, 3)))
    assert float(layer.calls) == 1.0


def test_training_flag_reaches_nested_layers(backend):
    class Outer(Layer):
        def __init__(self):
            super().__init__()
            self.inner = Scale(factor=3.0)

        def call(self, x):
            return self.inner(x)

    outer = Outer()
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(to_numpy(outer(x)), np.ones((1, 2)))
    np.testing.assert_allclose(to_numpy(outer(x, training=True)), np.full((1, 2), 3.0))
    np.testing.assert_allclose(to_numpy(outer(x, training=False)), np.ones((1, 2)))
    assert [v.path for v in outer.weights] == [v.path for v in outer.inner.weights]


def test_losses_are_reset_each_call(backend):
    layer = Scale()
    layer(np.ones((2, 2), "float32"))
    layer(np.ones((2, 2), "float32"))
    assert len(layer.losses) == 1 and float(to_numpy(layer.losses[0])) == 1.5


def test_stateless_call_leaves_variables_untouched(backend):
    layer = Scale()
    x = np.ones((2, 3), "float32")
    layer(x)
    before = layer.get_weights()
    outputs, state, losses = layer.stateless_call([np.full(3, 5.0, "float32")], [np.array(10.0, "float32")],
                                                  x, return_losses=True)
    np.testing.assert_allclose(to_numpy(outputs), np.full((2, 3), 5.0))
    assert float(to_numpy(state[0])) == 11.0 and len(losses) == 1
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="needs 1 trainable and 1 non-trainable values; received 0 and 1"):
        layer.stateless_call([], [np.array(0.0)], x)


def test_symbolic_call_records_a_node():
    layer = Scale()
    x = KerasTensor((None, 4))
    y = layer(x)
    assert isinstance(y, KerasTensor) and y.shape == (None, 4)
    assert y._keras_history == (layer, 0, 0) and layer.input is x and layer.output is y


def test_trainable_setter_freezes_sublayers(backend):
    model = kerasnb.Sequential([kerasnb.Input((3,)), layers.Dense(2), layers.Dense(1)])
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4
    assert not model.layers[0].trainable


def test_freezing_one_layer_removes_its_weights_from_the_model():
    hidden, norm, head = layers.Dense(3), layers.BatchNormalization(), layers.Dense(1)
    late = layers.Dense(2, trainable=False)  # built later, inside the model
    model = kerasnb.Sequential([kerasnb.Input((2,)), hidden, norm, late, head])
    hidden.trainable = False
    assert not hidden.kernel.trainable and not late.kernel.trainable
    assert [id(v) for v in model.trainable_weights] == [
        id(v) for v in (norm.gamma, norm.beta, head.kernel, head.bias)]
    model.trainable = True  # unfreezes every layer, but moving statistics stay non-trainable
    assert len(model.trainable_weights) == 8
    assert not norm.moving_mean.trainable and not norm.moving_variance.trainable


def test_frozen_layer_is_not_updated_by_fit(trainable_backend):
    hidden = layers.Dense(3)
    model = kerasnb.Sequential([kerasnb.Input((2,)), hidden, layers.Dense(1)])
    hidden.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    before = hidden.get_weights()
    model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), verbose=0)
    for got, want in zip(hidden.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_layers_survive_a_backend_switch():
    kerasnb.config.set_backend("torch")
    layer = layers.Dense(2, kernel_initializer="ones")
    first = to_numpy(layer(np.ones((1, 3), "float32")))
    kerasnb.config.set_backend("jax")
    second = layer(np.ones((1, 3), "float32"))
    assert engine_backend.get().is_tensor(second)
    np.testing.assert_allclose(to_numpy(second), first)


def test_custom_layer_config_round_trip():
    layer = Scale(factor=4.0, name="s", dtype="float64")
    clone = Scale.from_config(layer.get_config())
    assert (clone.factor, clone.name, clone.dtype) == (4.0, "s", "float64")


def test_unexpected_arguments_are_named():
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['colour'\]"):
        Scale(colour="red")
    with pytest.raises(ValueError, match="`units` must be a positive int; received 0"):
        layers.Dense(0)


def test_input_spec_errors_name_the_layer(backend):
    dense = layers.Dense(2, name="head")
    dense(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"Input 0 of layer 'head' must have size 3 on axis -1; received shape \(1, 4\)"):
        dense(np.ones((1, 4), "float32"))


def test_input_spec_is_checked_again_for_new_shapes_dtypes_and_specs(backend):
    from kerasnb.engine.layers.input_spec import InputSpec
    dense = layers.Dense(2, name="head")
    x = ops.convert_to_tensor(np.ones((1, 3), "float32"))
    dense(x)
    dense(x)  # the same shape and dtype: the remembered check
    with pytest.raises(ValueError, match="must have size 3 on axis -1"):
        dense(ops.convert_to_tensor(np.ones((1, 4), "float32")))
    dense.input_spec = InputSpec(dtype="float64")
    with pytest.raises(ValueError, match="Input 0 of layer 'head' must have dtype float64; received float32"):
        dense(x)


def test_backend_tensors_are_autocast_like_arrays(backend):
    """A tensor of the active backend (the short path of `_convert_inputs`) reaches `call`
    as an array with the same data would: floats in the compute dtype, ints as they are."""
    seen = []

    class Record(Layer):
        def call(self, x):
            seen.append(ops.dtype(x))
            return x

    for dtype in ("float64", "float16", "int32"):
        data = np.arange(6).reshape(2, 3).astype(dtype)
        for value in (data, ops.convert_to_tensor(data)):
            out = Record()(value)
            np.testing.assert_array_equal(to_numpy(out), data.astype(seen[-1]))
        assert seen[-1] == seen[-2] == ("int32" if dtype == "int32" else "float32")
    assert Record(autocast=False)(ops.convert_to_tensor(np.ones(2, "float64"))) is not None
    assert seen[-1] == "float64"


def test_dense_passes_the_harness(backend):
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    check_layer(layers.Dense, {"units": 5, "activation": "relu"}, x, expected_shape=(4, 5),
                trainable_weights=2, non_trainable_weights=0,
                reference=lambda x, w: np.maximum(x @ w[0] + w[1], 0.0))
