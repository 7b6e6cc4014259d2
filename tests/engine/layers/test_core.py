"""Core layers: EinsumDense, Embedding, Lambda, Masking, Identity, Wrapper."""

import numpy as np
import pytest

from kerasnb.engine.layers import Input
from kerasnb.engine.models import Model
from kerasnb.engine import backend as engine_backend
from kerasnb.engine import config as engine_config
from kerasnb.engine.layers import (Dense, EinsumDense, Embedding, Identity, Lambda, Masking, Wrapper)
from kerasnb.engine.masks import get_mask
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import register_keras_serializable
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


@register_keras_serializable(package="test_core")
def double_plus(x, offset=0.0):
    return x * 2.0 + offset


@register_keras_serializable(package="test_core")
class Repeat(Wrapper):
    """A minimal concrete wrapper: applies the inner layer `times` times."""

    def __init__(self, layer, times=2, **kwargs):
        super().__init__(layer, **kwargs)
        self.times = times

    def call(self, x):
        for _ in range(self.times):
            x = self.layer(x)
        return x

    def get_config(self):
        return {**super().get_config(), "times": self.times}


# EinsumDense ---------------------------------------------------------------------------

EINSUM_CASES = [
    ("ab,bc->ac", 4, "c", (3, 2), (3, 4)),
    ("abc,cd->abd", (None, 5), "d", (2, 3, 4), (2, 3, 5)),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 3, 4), (2, 3, 2, 3)),
    ("...b,bc->...c", 4, "c", (2, 3, 5), (2, 3, 4)),
    ("ab...,bc->ac...", (4,), "c", (2, 3, 5), (2, 4, 5)),
    ("abcd,be->aecd", (6, 2, 3), "e", (2, 4, 2, 3), (2, 6, 2, 3)),
    ("abc,cd->abd", (3, 5), None, (2, 3, 4), (2, 3, 5)),
]


@pytest.mark.parametrize("equation,output_shape,bias_axes,in_shape,out_shape", EINSUM_CASES)
def test_einsum_dense_harness(backend, equation, output_shape, bias_axes, in_shape, out_shape):
    def reference(x, w):
        y = np.einsum(equation, x, w[0])
        return np.tanh(y + w[1] if bias_axes else y)

    check_layer(EinsumDense, {"equation": equation, "output_shape": output_shape, "bias_axes": bias_axes,
                              "activation": "tanh"},
                _x(*in_shape), expected_shape=out_shape, trainable_weights=2 if bias_axes else 1,
                non_trainable_weights=0, reference=reference, rtol=1e-4, atol=1e-5)


def test_einsum_dense_weight_shapes_follow_keras():
    layer = EinsumDense("ab...,bc->ac...", (4,), bias_axes="c")
    layer.build((None, 3, 5))
    assert [v.path.split("/")[-1] for v in layer.weights] == ["kernel", "bias"]
    assert [v.shape for v in layer.weights] == [(3, 4), (4, 1)]
    assert layer.compute_output_shape((None, 3, 5)) == (None, 4, 5)
    layer = EinsumDense("abcd,be->aecd", (6, 2, 3), bias_axes="e")
    layer.build((None, 4, 2, 3))
    assert [v.shape for v in layer.weights] == [(4, 6), (6, 1, 1)]


def test_einsum_dense_symbolic_fills_known_dims():
    out = EinsumDense("abc,cd->abd", (None, 5))(KerasTensor((None, 7, 4)))
    assert out.shape == (None, 7, 5)


def test_einsum_dense_bad_arguments():
    with pytest.raises(ValueError, match="`equation` must have the form"):
        EinsumDense("ab->b", 3)
    with pytest.raises(ValueError, match=r"`output_shape` must be an int or a tuple.*received output_shape='x'"):
        EinsumDense("ab,bc->ac", "x")
    with pytest.raises(ValueError, match="`bias_axes` entry 'z' is not an output dimension"):
        EinsumDense("ab,bc->ac", 3, bias_axes="z")(np.ones((1, 2), "float32"))
    with pytest.raises(ValueError, match="gives dimension 'b' size 4, but the input has 3"):
        EinsumDense("abc,cd->abd", (4, 5))(np.ones((1, 3, 2), "float32"))
    with pytest.raises(NotImplementedError, match="GPTQ-quantized layers are not supported"):
        EinsumDense("ab,bc->ac", 3, gptq_unpacked_column_size=4)
    with pytest.raises(ValueError, match="`rank` must be a positive int; received rank=0"):
        EinsumDense("ab,bc->ac", 3, lora_rank=0)


# Embedding -----------------------------------------------------------------------------

def test_embedding_harness(backend):
    ids = np.array([[1, 0, 3], [4, 2, 0]], "int32")
    layer = check_layer(Embedding, {"input_dim": 5, "output_dim": 3}, ids, expected_shape=(2, 3, 3),
                        trainable_weights=1, non_trainable_weights=0, reference=lambda x, w: w[0][x])
    assert layer.weights[0].path.endswith("embeddings")


def test_embedding_mask_zero(backend):
    ids = np.array([[1, 0, 3], [0, 2, 2]], "int64")
    layer = Embedding(4, 2, mask_zero=True)
    out = layer(ids)
    np.testing.assert_array_equal(to_numpy(layer.compute_mask(ids)), ids != 0)
    if engine_backend.current() != "numpy":  # numpy arrays cannot carry a mask attribute
        np.testing.assert_array_equal(to_numpy(get_mask(out)), ids != 0)
    assert Embedding(4, 2).compute_mask(ids) is None
    symbolic = Embedding(4, 2, mask_zero=True)(KerasTensor((None, 3), "int32"))
    assert symbolic.shape == (None, 3, 2) and get_mask(symbolic).shape == (None, 3)


def test_embedding_weights_argument_and_float_ids(backend):
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = Embedding(4, 3, weights=table)
    assert layer.built
    np.testing.assert_array_equal(to_numpy(layer(np.array([[3.0, 1.0]], "float32"))), table[[[3, 1]]])
    layer = Embedding(4, 3, weights=[table])
    np.testing.assert_array_equal(layer.get_weights()[0], table)


def test_embedding_bad_arguments():
    with pytest.raises(ValueError, match=r"`input_dim` must be a positive int; received input_dim=0"):
        Embedding(0, 3)
    with pytest.raises(ValueError, match=r"`output_dim` must be a positive int; received output_dim=2.5"):
        Embedding(3, 2.5)
    with pytest.raises(ValueError, match=r"has shape \(4, 3\); received \(2, 3\)"):
        Embedding(4, 3, weights=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="`rank` must be a positive int; received rank=-1"):
        Embedding(4, 3, lora_rank=-1)


# Lambda --------------------------------------------------------------------------------

def test_lambda_harness_with_registered_function(backend):
    x = _x(2, 3)
    layer = check_layer(Lambda, {"function": double_plus, "arguments": {"offset": 1.0}}, x,
                        expected_shape=(2, 3), trainable_weights=0, reference=lambda x, w: 2 * x + 1)
    assert layer.get_config()["function"]["config"] == "test_core>double_plus"


def test_lambda_output_shape_forms():
    x = KerasTensor((None, 4, 2))
    assert Lambda(lambda t: knp.reshape(t, (-1, 8)), output_shape=(8,))(x).shape == (None, 8)
    assert Lambda(lambda t: t, output_shape=lambda s: (s[0], 99))(x).shape == (None, 99)
    inferred = Lambda(lambda t: t[:, 0])(x)
    assert inferred.shape == (None, 2)
    same = Lambda(lambda t: t)(x)
    assert same is not x and same.shape == x.shape


def test_lambda_mask_and_training_arguments(backend):
    seen = {}

    def fn(x, mask=None, training=None):
        seen["mask"], seen["training"] = mask, training
        return x

    layer = Lambda(fn, mask=lambda inputs, mask: knp.greater(inputs, 0.0))
    x = np.array([[1.0, -1.0]], "float32")
    layer(x, mask=np.array([[True, False]]), training=True)
    assert seen["training"] is True
    np.testing.assert_array_equal(to_numpy(seen["mask"]), [[True, False]])
    np.testing.assert_array_equal(to_numpy(layer.compute_mask(x, None)), [[True, False]])
    assert Lambda(fn).compute_mask(x, np.ones((1, 2), bool)) is None


def test_lambda_python_lambda_needs_unsafe_mode(backend):
    scale = 3.0
    layer = Lambda(lambda x, k=2.0: x * k * scale, output_shape=lambda s: s)
    config = serialization.serialize_keras_object(layer)
    assert config["config"]["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="Refusing to deserialize the Python lambda in `function`"):
        serialization.deserialize_keras_object(config)
    with pytest.raises(ValueError, match="safe_mode=False"):
        Lambda.from_config(layer.get_config())
    for revived in (serialization.deserialize_keras_object(config, safe_mode=False),
                    Lambda.from_config(layer.get_config(), safe_mode=False)):
        np.testing.assert_allclose(to_numpy(revived(np.ones((1, 2), "float32"))), np.full((1, 2), 6.0))
        assert revived(KerasTensor((None, 2))).shape == (None, 2)
    engine_config.enable_unsafe_deserialization()
    assert isinstance(Lambda.from_config(layer.get_config()), Lambda)


def test_lambda_bad_arguments():
    with pytest.raises(ValueError, match="`function` must be callable; received function=3"):
        Lambda(3)
    with pytest.raises(ValueError, match=r"`arguments` must be a dict or None; received arguments=\[1\]"):
        Lambda(double_plus, arguments=[1])


# Masking and Identity ------------------------------------------------------------------

def test_masking_harness(backend):
    x = _x(2, 3, 4)
    x[0, 1] = 0.0
    x[1, 2] = 0.0

    def reference(x, w):
        keep = np.any(x != 0.0, axis=-1, keepdims=True)
        return np.where(keep, x, 0.0)

    layer = check_layer(Masking, {"mask_value": 0.0}, x, expected_shape=(2, 3, 4), trainable_weights=0,
                        reference=reference)
    np.testing.assert_array_equal(to_numpy(layer.compute_mask(x)), [[True, False, True], [True, True, False]])


def test_masking_sets_output_mask_and_zeroes_steps(backend):
    x = np.array([[[5.0, 5.0], [5.0, 1.0], [2.0, 2.0]]], "float32")
    out = Masking(mask_value=5.0)(x)
    np.testing.assert_array_equal(to_numpy(out), [[[0.0, 0.0], [5.0, 1.0], [2.0, 2.0]]])
    if engine_backend.current() != "numpy":
        np.testing.assert_array_equal(to_numpy(get_mask(out)), [[False, True, True]])
    symbolic = Masking()(KerasTensor((None, 3, 2)))
    assert get_mask(symbolic).shape == (None, 3)


def test_identity_harness(backend):
    x = _x(2, 3)
    check_layer(Identity, {}, x, expected_shape=(2, 3), trainable_weights=0, reference=lambda x, w: x)
    assert Identity().compute_mask(x, np.ones((2, 3), bool)).all()
    inputs = KerasTensor((None, 3))
    assert Identity()(inputs) is not inputs


# Wrapper -------------------------------------------------------------------------------

def test_wrapper_harness(backend):
    x = _x(2, 3)
    init = {"layer": Dense(3, activation="tanh"), "times": 2}

    def reference(x, w):
        once = np.tanh(x @ w[0] + w[1])
        return np.tanh(once @ w[0] + w[1])

    layer = check_layer(Repeat, init, x, expected_shape=(2, 3), trainable_weights=2, reference=reference,
                        rtol=1e-4)
    assert layer.get_config()["layer"]["class_name"] == "Dense"


def test_wrapper_builds_inner_layer_and_round_trips():
    wrapper = Repeat(Dense(4), times=1, name="rep")
    wrapper.build((None, 4))
    assert wrapper.layer.built and len(wrapper.weights) == 2
    clone = Repeat.from_config(wrapper.get_config())
    assert isinstance(clone.layer, Dense) and clone.layer.units == 4 and clone.name == "rep"
    assert clone.layer is not wrapper.layer


def test_wrapper_needs_a_layer():
    with pytest.raises(ValueError, match="`layer` must be a Layer instance; received layer='dense'"):
        Wrapper("dense")


def test_core_layers_in_a_functional_model(backend):
    inputs = Input((3,), dtype="int32")
    x = Embedding(6, 4, mask_zero=True)(inputs)
    x = EinsumDense("abc,cd->abd", (None, 2), bias_axes="d")(x)
    x = Lambda(lambda t: knp.sum(t, axis=1))(x)
    model = Model(inputs, Identity()(x))
    out = model(np.array([[1, 2, 0]], "int32"))
    assert to_numpy(out).shape == (1, 2)


@pytest.mark.parametrize("tie_weights", [True, False])
def test_reversible_embedding_round_trip(backend, tie_weights):
    from kerasnb.engine.layers.core import ReversibleEmbedding
    ids = np.array([[1, 4, 0], [3, 3, 2]])
    layer = check_layer(ReversibleEmbedding, {"input_dim": 6, "output_dim": 3, "tie_weights": tie_weights},
                        ids, expected_shape=(2, 3, 3), trainable_weights=1 if tie_weights else 2,
                        reference=lambda x, w: w[0][x], gradients=False)
    vectors = np.random.default_rng(0).standard_normal((2, 3)).astype("float32")
    weights = layer.get_weights()
    kernel = weights[0].T if tie_weights else weights[1]
    np.testing.assert_allclose(to_numpy(layer(vectors, reverse=True)), vectors @ kernel, rtol=1e-5, atol=1e-6)
    capped = ReversibleEmbedding(6, 3, logit_soft_cap=0.5)
    capped.build()
    logits = to_numpy(capped(vectors, reverse=True))
    assert np.all(np.abs(logits) < 0.5)
    with pytest.raises(ValueError, match="`logit_soft_cap` must be a positive number or None; received -1"):
        ReversibleEmbedding(6, 3, logit_soft_cap=-1)
