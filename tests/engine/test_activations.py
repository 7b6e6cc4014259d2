"""kerasnb.activations: values vs NumPy on every backend, symbolic shapes, gradients, lookup."""

import math

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import activations
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import KerasTensor

X = np.array([[-3.1, -1.4, -0.6, -0.2], [0.1, 0.45, 0.9, 1.7], [2.6, 4.2, 7.3, -5.5]], np.float32)
ERF = np.vectorize(math.erf)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sparsemax(x):
    """Row-wise sparsemax (last axis), via the sorted-threshold formula."""
    z = np.sort(x, axis=-1)[..., ::-1]
    k = np.arange(1, x.shape[-1] + 1)
    cumulative = np.cumsum(z, axis=-1)
    support = (1 + k * z > cumulative)
    k_max = support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, k_max - 1, axis=-1) - 1) / k_max
    return np.maximum(x - tau, 0)


def _hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


# name: (call, numpy reference)
CASES = {
    "relu": (activations.relu, lambda x: np.maximum(x, 0)),
    "relu_leaky": (lambda x: activations.relu(x, negative_slope=0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "relu_capped": (lambda x: activations.relu(x, max_value=6.0), lambda x: np.clip(x, 0, 6)),
    "relu_threshold": (lambda x: activations.relu(x, threshold=0.5), lambda x: np.where(x > 0.5, x, 0)),
    "relu_all": (lambda x: activations.relu(x, negative_slope=0.2, max_value=4.0, threshold=0.5),
                 lambda x: np.where(x > 0.5, np.minimum(x, 4.0), 0.2 * (x - 0.5))),
    "leaky_relu": (activations.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "relu6": (activations.relu6, lambda x: np.clip(x, 0, 6)),
    "softmax": (activations.softmax, _softmax),
    "softmax_axis0": (lambda x: activations.softmax(x, axis=0), lambda x: _softmax(x, axis=0)),
    "log_softmax": (lambda x: activations.log_softmax(x, axis=0), lambda x: np.log(_softmax(x, axis=0))),
    "elu": (lambda x: activations.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    "selu": (activations.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))),
    "celu": (lambda x: activations.celu(x, alpha=2.0),
             lambda x: np.maximum(x, 0) + np.minimum(0, 2.0 * (np.exp(x / 2.0) - 1))),
    "softplus": (activations.softplus, lambda x: np.log1p(np.exp(x))),
    "softsign": (activations.softsign, lambda x: x / (np.abs(x) + 1)),
    "soft_shrink": (activations.soft_shrink,
                    lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0))),
    "hard_shrink": (lambda x: activations.hard_shrink(x, threshold=1.0),
                    lambda x: np.where(np.abs(x) > 1.0, x, 0)),
    "sparse_plus": (activations.sparse_plus,
                    lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    "silu": (activations.silu, lambda x: x * _sigmoid(x)),
    "swish": (activations.swish, lambda x: x * _sigmoid(x)),
    "squareplus": (lambda x: activations.squareplus(x, b=2), lambda x: (x + np.sqrt(x ** 2 + 2)) / 2),
    "gelu": (activations.gelu, lambda x: 0.5 * x * (1 + ERF(x / np.sqrt(2)))),
    "gelu_tanh": (lambda x: activations.gelu(x, approximate=True),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    "glu": (activations.glu, lambda x: x[:, :2] * _sigmoid(x[:, 2:])),
    "tanh": (activations.tanh, np.tanh),
    "tanh_shrink": (activations.tanh_shrink, lambda x: x - np.tanh(x)),
    "hard_tanh": (activations.hard_tanh, lambda x: np.clip(x, -1, 1)),
    "threshold": (lambda x: activations.threshold(x, 0.3, -9.0), lambda x: np.where(x > 0.3, x, -9.0)),
    "sigmoid": (activations.sigmoid, _sigmoid),
    "exponential": (activations.exponential, np.exp),
    "hard_sigmoid": (activations.hard_sigmoid, _hard_sigmoid),
    "hard_silu": (activations.hard_silu, lambda x: x * _hard_sigmoid(x)),
    "hard_swish": (activations.hard_swish, lambda x: x * _hard_sigmoid(x)),
    "log_sigmoid": (activations.log_sigmoid, lambda x: -np.log1p(np.exp(-x))),
    "sparse_sigmoid": (activations.sparse_sigmoid, lambda x: np.clip((x + 1) / 2, 0, 1)),
    "linear": (activations.linear, lambda x: x),
    "mish": (activations.mish, lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    "sparsemax": (activations.sparsemax, _sparsemax),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_numpy(backend, name):
    fn, reference = CASES[name]
    result = ops.convert_to_numpy(fn(ops.convert_to_tensor(X)))
    expected = reference(X.astype(np.float64))
    assert result.dtype == np.float32 and result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(set(CASES) - {"linear"}))
def test_symbolic_shape_and_dtype(name):
    fn = CASES[name][0]
    out = fn(KerasTensor((None, 3, 4), "float16"))
    assert isinstance(out, KerasTensor) and out.dtype == "float16"
    assert out.shape == (None, 3, 2 if name == "glu" else 4)


def test_relu_keeps_integer_inputs(backend):
    x = np.array([-2, 1, 5, 9], np.int32)
    capped = ops.convert_to_numpy(activations.relu(x, max_value=6.5))
    np.testing.assert_array_equal(capped, [0, 1, 5, 6])
    assert capped.dtype == np.int32
    np.testing.assert_array_equal(ops.convert_to_numpy(activations.relu(x, threshold=1.5)), [0, 0, 5, 9])


def test_softmax_and_sigmoid_keep_their_logits_where_the_tensor_allows(backend):
    x = ops.convert_to_tensor(X)
    for out in (activations.softmax(x), activations.sigmoid(x)):
        assert getattr(out, "_keras_logits", x) is x


def _normal_pdf(x):
    return np.exp(-x ** 2 / 2) / np.sqrt(2 * np.pi)


def _mish_gradient(x):
    softplus = np.log1p(np.exp(x))
    return np.tanh(softplus) + x * _sigmoid(x) / np.cosh(softplus) ** 2


def _weighted_softmax_gradient(x):
    s = _softmax(x)
    return s * (WEIGHTS - np.sum(WEIGHTS * s, axis=-1, keepdims=True))


WEIGHTS = np.linspace(-1.0, 2.0, X.size).reshape(X.shape)

# name: (function of the tensor t, numpy gradient of sum(function) at x)
GRADIENTS = {
    "relu_all": (lambda t: activations.relu(t, negative_slope=0.2, max_value=4.0, threshold=0.5),
                 lambda x: np.where(x > 4.0, 0.0, np.where(x > 0.5, 1.0, 0.2))),
    "gelu": (activations.gelu, lambda x: 0.5 * (1 + ERF(x / np.sqrt(2))) + x * _normal_pdf(x)),
    "mish": (activations.mish, _mish_gradient),
    "exponential": (activations.exponential, np.exp),
    "weighted_softmax": (lambda t: ops.multiply(activations.softmax(t), WEIGHTS), _weighted_softmax_gradient),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(trainable_backend, name):
    fn, gradient = GRADIENTS[name]
    module = engine_backend.get()
    x = X.astype(np.float64)
    value, grad = module.value_and_grad(lambda t: ops.sum(fn(t)))(module.convert_to_tensor(x))
    np.testing.assert_allclose(ops.convert_to_numpy(grad), gradient(x), rtol=1e-6, atol=1e-8)


def test_get_serialize_deserialize():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu is activations.swish
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.swish) == "silu"
    assert activations.deserialize("gelu") is activations.gelu
    config = {"module": "builtins", "class_name": "function", "config": "mish", "registered_name": "function"}
    assert activations.get(config) is activations.mish
    assert activations.deserialize(config) is activations.mish

    def double(x):
        return 2 * x

    assert activations.get(double) is double
    assert activations.serialize(double)["config"] == "double"
    assert activations.deserialize("double", custom_objects={"double": double}) is double


def test_unknown_identifiers_raise_a_clear_value_error():
    with pytest.raises(ValueError, match="`identifier` must be .*'relu'.*received 'rectifier'"):
        activations.get("rectifier")
    with pytest.raises(ValueError, match="received 'rectifier'"):
        activations.deserialize("rectifier")
    with pytest.raises(ValueError, match="received 0.5"):
        activations.get(0.5)


def test_relu_argument_errors():
    with pytest.raises(ValueError, match="relu: `max_value` must be a number >= 0 or None; received -1"):
        activations.relu(X, max_value=-1)
    with pytest.raises(ValueError, match="relu: `negative_slope` must be a number; received None"):
        activations.relu(X, negative_slope=None)
    with pytest.raises(ValueError, match="`threshold` must be a number"):
        activations.relu(X, threshold="0")


def test_relu_refuses_booleans_as_numbers():
    with pytest.raises(ValueError, match="relu: `negative_slope` must be a number; received True"):
        activations.relu(X, negative_slope=True)
