"""Sequential, functional and subclassed models: graphs, introspection, weights, configs."""

import json
import re

import numpy as np
import pytest

import kerasnb
from kerasnb import Input, Model, Sequential, layers, ops
from kerasnb.engine.models import clone_model, model_from_json
from tests.engine.ops.checks import to_numpy

X = np.random.default_rng(1).standard_normal((5, 4)).astype("float32")


def mlp():
    return Sequential([Input((4,)), layers.Dense(8, activation="relu", name="hidden"),
                       layers.Dense(3, name="out")], name="mlp")


def test_sequential_matches_a_numpy_forward_pass(backend):
    model = mlp()
    w1, b1, w2, b2 = model.get_weights()
    expected = np.maximum(X @ w1 + b1, 0) @ w2 + b2
    np.testing.assert_allclose(to_numpy(model(X)), expected, rtol=1e-5, atol=1e-5)
    assert model.output_shape == (None, 3) and model.count_params() == 4 * 8 + 8 + 8 * 3 + 3
    assert [l.name for l in model.layers] == ["hidden", "out"]
    assert model.get_layer("out") is model.layers[1] and model.get_layer(index=0).name == "hidden"


def test_sequential_lazy_add_pop_and_input_shape_argument(backend):
    model = Sequential([layers.Dense(2)])
    assert not model.built
    model(X)
    assert model.built and model.output_shape == (None, 2)
    model.add(layers.Dense(7))
    assert model.output_shape == (None, 7)
    assert model.pop().units == 7 and model.output_shape == (None, 2)
    typed = Sequential([layers.Dense(2, input_shape=(4,))])
    assert typed.input_shape == (None, 4) and typed.built
    with pytest.raises(ValueError, match="already has a layer named 'dense_x'"):
        Sequential([layers.Dense(1, name="dense_x"), layers.Dense(1, name="dense_x")])


def test_functional_multi_input_dict_output_and_shared_layer(backend):
    a, b = Input((4,), name="a"), Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = ops.add(shared(a), shared(b))
    model = Model({"a": a, "b": b}, {"sum": merged, "left": shared(a)}, name="twin")
    out = model({"a": X, "b": 2 * X})
    kernel, bias = shared.get_weights()
    np.testing.assert_allclose(to_numpy(out["sum"]), (X @ kernel + bias) + (2 * X @ kernel + bias), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(to_numpy(out["left"]), X @ kernel + bias, rtol=1e-5, atol=1e-5)
    assert len(model.weights) == 2
    assert [l.name for l in model.layers] == ["a", "b", "shared"]


def test_nested_models(backend):
    inner = mlp()
    x = Input((4,))
    outer = Model(x, layers.Dense(1, name="head")(inner(x)))
    assert len(outer.weights) == 6
    w = outer.get_weights()
    expected = (np.maximum(X @ w[0] + w[1], 0) @ w[2] + w[3]) @ w[4] + w[5]
    np.testing.assert_allclose(to_numpy(outer(X)), expected, rtol=1e-5, atol=1e-5)


def test_subclassed_model(backend):
    class TwoHeads(Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.body = layers.Dense(6, activation="relu")
            self.heads = [layers.Dense(1), layers.Dense(2)]

        def call(self, x):
            h = self.body(x)
            return [head(h) for head in self.heads]

    model = TwoHeads()
    first, second = model(X)
    assert to_numpy(first).shape == (5, 1) and to_numpy(second).shape == (5, 2)
    assert len(model.weights) == 6 and len(model.layers) == 3
    fresh = TwoHeads()
    fresh.build((None, 4))
    assert fresh.built and fresh.count_params() == model.count_params()


def test_get_and_set_weights_check_shapes(backend):
    model = mlp()
    other = mlp()
    other.set_weights(model.get_weights())
    np.testing.assert_allclose(to_numpy(other(X)), to_numpy(model(X)), rtol=1e-6)
    with pytest.raises(ValueError, match=r"has shape \(4, 8\); received \(3, 8\)"):
        other.set_weights([np.zeros((3, 8))] + model.get_weights()[1:])
    with pytest.raises(ValueError, match="has 4 weights; `weights` has 1 arrays"):
        other.set_weights([np.zeros(1)])


@pytest.mark.parametrize("build", ["sequential", "functional"])
def test_config_json_and_clone_round_trips(backend, build):
    if build == "sequential":
        model = mlp()
    else:
        x = Input((4,), name="features")
        model = Model(x, layers.Dense(2, name="head")(layers.Dense(8, activation="tanh")(x)))
    config = model.get_config()
    json.dumps(config)
    rebuilt = type(model).from_config(config)
    assert rebuilt.get_config() == config
    from_json = model_from_json(model.to_json())
    assert from_json.get_config() == config
    twin = clone_model(model)
    assert twin.get_config()["layers"][1]["config"]["units"] == config["layers"][1]["config"]["units"]
    assert twin.count_params() == model.count_params()
    assert not np.allclose(twin.get_weights()[0], model.get_weights()[0])
    twin.set_weights(model.get_weights())
    np.testing.assert_allclose(to_numpy(twin(X)), to_numpy(model(X)), rtol=1e-5, atol=1e-6)


def test_functional_config_matches_keras_format():
    x = Input((4,), name="x")
    model = Model(x, layers.Dense(2, name="d")(x), name="m")
    config = model.get_config()
    assert config["input_layers"] == ["x", 0, 0] and config["output_layers"] == ["d", 0, 0]
    dense = config["layers"][1]
    assert dense["class_name"] == "Dense" and dense["module"] == "keras.layers"
    arg = dense["inbound_nodes"][0]["args"][0]
    assert arg["class_name"] == "__keras_tensor__" and arg["config"]["keras_history"] == ["x", 0, 0]


def test_summary_lists_layers_shapes_params_and_bytes(backend):
    x = Input((4,), name="inp")
    model = Model(x, layers.Dense(3, name="proj")(x), name="tiny")
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert 'Model: "tiny"' in text
    assert "proj (Dense)" in text and "(None, 3)" in text and "inp[0][0]" in text
    assert "Total params: 15 (60.00 B)" in text and "Non-trainable params: 0 (0.00 B)" in text
    lazy = Sequential([layers.Dense(2)])
    lines.clear()
    lazy.summary(print_fn=lines.append)
    assert "not built yet" in lines[0]


def test_disconnected_graph_is_a_clear_error():
    a, b = Input((2,)), Input((2,))
    with pytest.raises(ValueError, match="graph is disconnected"):
        Model(a, layers.Dense(1)(ops.add(a, b)))


def test_models_follow_backend_switches():
    kerasnb.config.set_backend("tensorflow")
    model = mlp()
    before = to_numpy(model(X))
    for name in ("torch", "jax", "numpy"):
        kerasnb.config.set_backend(name)
        np.testing.assert_allclose(to_numpy(model(X)), before, rtol=1e-5, atol=1e-6)


def test_sequential_passes_the_mask_computed_from_each_layer_input(backend):
    """Embedding(mask_zero) + LSTM: padded rows give what the unpadded sequences give."""
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]])
    kerasnb.utils.set_random_seed(0)
    model = Sequential([Input((5,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
                        layers.LSTM(3)])
    unpadded = [to_numpy(model(tokens[i:i + 1, :n]))[0] for i, n in enumerate([3, 2])]
    np.testing.assert_allclose(to_numpy(model(tokens)), np.stack(unpadded), atol=1e-6)
    np.testing.assert_allclose(model.predict(tokens, verbose=0), np.stack(unpadded), atol=1e-6)


@pytest.mark.parametrize("input_shape, data_shape, expected", [
    ((1,), (5,), (5, 1)),          # one missing trailing axis of size 1 is added
    ((3, 1), (5, 3), (5, 3, 1)),
    ((None, 1), (5, 3), (5, 3, 1)),
    ((), (5, 1), (5,)),            # one extra trailing axis of size 1 is removed
    ((None,), (5, 4, 1), (5, 4)),
    ((1,), (5, 1), (5, 1)),        # matching ranks are left alone
])
def test_functional_and_sequential_adjust_input_rank_like_keras(backend, input_shape, data_shape, expected):
    data = np.arange(np.prod(data_shape), dtype="float32").reshape(data_shape)
    inputs = Input(input_shape)
    functional = Model(inputs, layers.Identity()(inputs))
    sequential = Sequential([Input(input_shape), layers.Identity()])
    for model in (functional, sequential):
        out = to_numpy(model(data))
        assert out.shape == expected
        np.testing.assert_array_equal(out.reshape(-1), data.reshape(-1))
        assert model.predict(data, verbose=0).shape == expected


@pytest.mark.parametrize("input_shape, data_shape", [((2,), (5,)), ((None,), (5,)), ((1, 1), (5,)),
                                                     ((1,), (5, 1, 1, 1))])
def test_other_rank_mismatches_name_the_input_and_shapes(input_shape, data_shape):
    inputs = Input(input_shape, name="features")
    model = Model(inputs, layers.Identity()(inputs), name="net")
    with pytest.raises(ValueError, match=rf"Input 'features' of model 'net' expects shape "
                                         rf"{re.escape(str((None,) + input_shape))}; received data "
                                         rf"of shape {re.escape(str(data_shape))}"):
        model(np.zeros(data_shape, "float32"))


def test_dict_inputs_and_text_adjust_rank_in_training(trainable_backend):
    a, b = Input((1,), name="a"), Input((), name="b")
    model = Model({"a": a, "b": b}, layers.Dense(1)(ops.concatenate([a, ops.expand_dims(b, -1)], -1)))
    model.compile("sgd", "mse")
    x = {"a": X[:, 0], "b": X[:, 1:2]}  # (5,) for (None, 1) and (5, 1) for (None,)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), X[:, :2] @ kernel + bias, rtol=1e-5, atol=1e-5)
    assert np.isfinite(model.fit(x, X[:, 2:3], verbose=0).history["loss"][0])
    words = Input((1,), dtype="string")
    lookup = Model(words, layers.StringLookup(vocabulary=["x", "y"])(words))
    np.testing.assert_array_equal(to_numpy(lookup(np.array(["y", "x", "q"]))), [[2], [1], [0]])
