"""The `nn` op family: activations, crossentropies, encodings, statistics, normalization.

Every expected value is computed here with plain NumPy in float64, by formulas written
independently of the backend implementations.
"""

import inspect
import math
import pathlib

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine import config
from kerasnb.engine.backend import common
from kerasnb.engine.ops import conv as conv_ops
from kerasnb.engine.ops import nn as nn_ops
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op, to_numpy

# Away from every kink (0, +-0.5, +-1, +-3, 6) so finite differences are valid.
X = np.array([[-3.7, -2.2, -0.8, -0.3, 0.2], [0.65, 1.4, 2.6, 3.3, 6.5]], dtype="float32")
W = np.linspace(-1.0, 2.0, 10).reshape(2, 5)  # output weights: plain sums of softmax etc. are constant
SELU = (1.6732632423543772, 1.0507009873554805)
erf = np.vectorize(math.erf)


def _weighted(fn, weights=W):
    """`fn` followed by a product with fixed weights, built on whichever backend is active."""
    return lambda t: fn(t) * ops.convert_to_tensor(weights)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sparsemax(z):
    """Projection onto the simplex along the last axis, by bisection on the threshold."""
    lo, hi = z.min(-1, keepdims=True) - 1, z.max(-1, keepdims=True)
    for _ in range(100):
        tau = (lo + hi) / 2
        too_big = np.maximum(z - tau, 0).sum(-1, keepdims=True) > 1
        lo, hi = np.where(too_big, tau, lo), np.where(too_big, hi, tau)
    return np.maximum(z - (lo + hi) / 2, 0)


ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.minimum(np.maximum(x, 0), 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": _elu,
    "selu": lambda x: SELU[1] * _elu(x, SELU[0]),
    "celu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "gelu": lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))),
    "sparse_plus": lambda x: np.select([x <= -1, x >= 1], [0 * x, x], (x + 1) ** 2 / 4),
    "squareplus": lambda x: (x + np.sqrt(x ** 2 + 4)) / 2,
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "sigmoid": _sigmoid,
    "log_sigmoid": lambda x: np.log(_sigmoid(x)),
    "hard_sigmoid": _hard_sigmoid,
    "sparse_sigmoid": lambda x: np.select([x <= -1, x >= 1], [0 * x, 0 * x + 1], (x + 1) / 2),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "hard_silu": lambda x: x * _hard_sigmoid(x),
    "hard_swish": lambda x: x * _hard_sigmoid(x),
    "hard_tanh": lambda x: np.minimum(np.maximum(x, -1), 1),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "soft_shrink": lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0),
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
    "sparsemax": _sparsemax,
}
KEEP_INTS = ("relu", "hard_tanh")


def _api_signatures():
    path = pathlib.Path("/work/shared/api/keras.ops.nn.txt")
    rows = [line.split("\t")[1] for line in path.read_text().splitlines() if line.startswith("function\t")]
    return {row.split("(")[0]: row for row in rows}


# Public surface --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(set(nn_ops.__all__) - set(conv_ops.__all__)))
def test_exported_with_the_keras_signature(name):
    fn = getattr(ops, name)
    assert getattr(ops.nn, name) is fn
    keras_rows = _api_signatures()
    if name in keras_rows:
        assert f"{name}{inspect.signature(fn)}" == keras_rows[name]
    assert fn.__doc__ and "Example:" in fn.__doc__


# Activations -----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values(backend, name):
    expected = ACTIVATIONS[name](X.astype("float64"))
    check_op(getattr(ops, name), X, expected=expected, dtype="float32")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_dtypes(backend, name):
    fn = getattr(ops, name)
    ints = np.array([[-2, 0, 1, 3]], dtype="int8")
    int_dtype = "int8" if name in KEEP_INTS else "float32"
    check_op(fn, ints, expected=ACTIVATIONS[name](ints.astype("float64")), dtype=int_dtype)
    for half in ("float16", "bfloat16"):
        x = X.astype(common.numpy_dtype(half))
        check_op(fn, x, expected=ACTIVATIONS[name](x.astype("float64")), dtype=half, rtol=2e-2, atol=2e-2)
    x64 = X.astype("float64")
    check_op(fn, x64, expected=ACTIVATIONS[name](x64), dtype="float64", rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradients(trainable_backend, name):
    check_grad(_weighted(getattr(ops, name)), X)


def test_activation_arguments(backend):
    x = X.astype("float64")
    check_op(ops.leaky_relu, X, negative_slope=0.5, expected=np.where(x > 0, x, 0.5 * x))
    check_op(ops.elu, X, alpha=0.5, expected=_elu(x, 0.5))
    check_op(ops.celu, X, alpha=2.0, expected=np.where(x > 0, x, 2 * (np.exp(x / 2) - 1)))
    check_op(ops.gelu, X, approximate=False, expected=0.5 * x * (1 + erf(x / np.sqrt(2))))
    check_op(ops.squareplus, X, b=1, expected=(x + np.sqrt(x ** 2 + 1)) / 2)
    check_op(ops.hard_shrink, X, threshold=1.0, expected=np.where(np.abs(x) > 1, x, 0))
    check_op(ops.soft_shrink, X, threshold=1.0, expected=np.sign(x) * np.maximum(np.abs(x) - 1, 0))


def test_gradients_with_arguments(trainable_backend):
    check_grad(lambda t: ops.gelu(t, approximate=False), X)
    check_grad(lambda t: ops.celu(t, alpha=2.0), X)
    check_grad(lambda t: ops.elu(t, alpha=0.5), X)
    check_grad(_weighted(lambda t: ops.glu(t, axis=0), W[:1]), X)
    check_grad(_weighted(lambda t: ops.softmax(t, axis=(0, 1))), X / 2)
    check_grad(_weighted(lambda t: ops.log_softmax(t, axis=None)), X / 2)


def test_bool_inputs(backend):
    flags = np.array([[True, False]])
    for fn in (ops.relu, ops.hard_tanh):
        check_op(fn, flags, expected=np.array([[1, 0]]), dtype="int32")
    check_op(ops.sigmoid, flags, expected=_sigmoid(np.array([[1.0, 0.0]])), dtype="float32")


def test_unsigned_inputs_stay_in_range(backend):
    u = np.array([0, 1, 5], dtype="uint8")
    check_op(ops.hard_tanh, u, expected=np.array([0, 1, 1], "uint8"), dtype="uint8")
    check_op(ops.relu, u, expected=u, dtype="uint8")


def test_shrink_rejects_a_negative_threshold(backend):
    for fn in (ops.hard_shrink, ops.soft_shrink):
        with pytest.raises(ValueError, match="`threshold` must be a non-negative number; received -1"):
            fn(X, threshold=-1)


def test_glu(backend):
    x = X.astype("float64")
    check_op(ops.glu, X[:, :4], expected=x[:, :2] * _sigmoid(x[:, 2:4]), dtype="float32")
    check_op(ops.glu, X, axis=0, expected=x[:1] * _sigmoid(x[1:]), dtype="float32")
    with pytest.raises(ValueError, match=r"`x` must have an even size along `axis` -1.*received shape \(2, 5\)"):
        ops.glu(X)
    assert ops.glu(KerasTensor((None, 6))).shape == (None, 3)


def test_softmax_axes(backend):
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) / 7
    x64 = x.astype("float64")
    for axis in (0, 1, (0, 2), (1, 2), None):
        e = np.exp(x64 - x64.max())
        expected = e / e.sum(axis=axis, keepdims=True)
        check_op(ops.softmax, x, axis=axis, expected=expected, dtype="float32")
        check_op(ops.log_softmax, x, axis=axis, expected=np.log(expected), dtype="float32")
    check_op(ops.sparsemax, x, axis=1, expected=np.swapaxes(_sparsemax(np.swapaxes(x64, 1, -1)), 1, -1))
    with pytest.raises(ValueError, match=r"`axis` must be in \[-3, 3\) for a tensor of rank 3; received 3"):
        ops.softmax(x, axis=3)
    with pytest.raises(ValueError, match="`axis` must not repeat an axis"):
        ops.log_softmax(x, axis=(1, -2))
    with pytest.raises(TypeError, match=r"`axis` must be an integer; received \(0, 1\)"):
        ops.sparsemax(x, axis=(0, 1))


def test_threshold(backend):
    x = np.array([[1, 2, 3]], dtype="int32")
    check_op(ops.threshold, x, 1, 0, expected=np.array([[0, 2, 3]]), dtype="int32")
    check_op(ops.threshold, x, 1.5, 0.5, expected=np.array([[0.5, 2, 3]]), dtype="float32")
    check_op(ops.threshold, X, 0.5, -9.0, expected=np.where(X > 0.5, X, -9.0), dtype="float32")
    check_op(ops.threshold, X.astype("float16"), 0.5, 1, dtype="float16")


# Crossentropies --------------------------------------------------------------------

P = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]], dtype="float32")
T = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], dtype="float32")
LOGITS = np.array([[1.5, -0.5, 0.2], [-2.0, 0.7, 3.1]], dtype="float32")


def _log_softmax64(x, axis=-1):
    x = x.astype("float64")
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def test_binary_crossentropy(backend):
    p, t, z = P.astype("float64"), T.astype("float64"), LOGITS.astype("float64")
    check_op(ops.binary_crossentropy, T, P, expected=-(t * np.log(p) + (1 - t) * np.log(1 - p)), dtype="float32")
    expected = -(t * np.log(_sigmoid(z)) + (1 - t) * np.log(1 - _sigmoid(z)))
    check_op(ops.binary_crossentropy, T, LOGITS, from_logits=True, expected=expected, dtype="float32")
    eps = config.epsilon()
    edges = np.array([0.0, 1.0], "float64")
    check_op(ops.binary_crossentropy, np.array([1, 0], "int32"), edges, expected=-np.log([eps, eps]), dtype="float64")
    with pytest.raises(ValueError, match=r"same shape; received target.shape=\(2, 3\), output.shape=\(3,\)"):
        ops.binary_crossentropy(T, P[0])


def test_categorical_crossentropy(backend):
    p, t = P.astype("float64"), T.astype("float64")
    normalized = p / p.sum(-1, keepdims=True)
    check_op(ops.categorical_crossentropy, T, P, expected=-(t * np.log(normalized)).sum(-1), dtype="float32")
    scaled = 2 * P
    check_op(ops.categorical_crossentropy, T, scaled, expected=-(t * np.log(p)).sum(-1))
    check_op(ops.categorical_crossentropy, T, LOGITS, from_logits=True,
             expected=-(t * _log_softmax64(LOGITS)).sum(-1), dtype="float32")
    check_op(ops.categorical_crossentropy, T.T, LOGITS.T, from_logits=True, axis=0,
             expected=-(t * _log_softmax64(LOGITS)).sum(-1), dtype="float32")
    check_op(ops.categorical_crossentropy, T.astype("int32"), P.astype("float16"), dtype="float16", rtol=1e-2)
    with pytest.raises(ValueError, match="`target` and `output` must have rank >= 1"):
        ops.categorical_crossentropy(1.0, 0.5)
    with pytest.raises(ValueError, match=r"target.shape=\(2, 3\), output.shape=\(2, 2\)"):
        ops.categorical_crossentropy(T, P[:, :2])


def test_sparse_categorical_crossentropy(backend):
    labels = np.array([1, 2])
    picked = lambda logp: -logp[np.arange(2), labels]  # noqa: E731
    p = P.astype("float64")
    normalized = p / p.sum(-1, keepdims=True)
    check_op(ops.sparse_categorical_crossentropy, labels, P, expected=picked(np.log(normalized)), dtype="float32")
    check_op(ops.sparse_categorical_crossentropy, labels[:, None], LOGITS, from_logits=True,
             expected=picked(_log_softmax64(LOGITS)), dtype="float32")
    check_op(ops.sparse_categorical_crossentropy, labels, LOGITS.T, from_logits=True, axis=0,
             expected=picked(_log_softmax64(LOGITS)), dtype="float32")
    check_op(ops.sparse_categorical_crossentropy, labels, P.astype("float64"), dtype="float64")
    message = r"`target` must have the shape of `output` without the class axis 1, \(2,\); received target.shape=\(3,\)"
    with pytest.raises(ValueError, match=message):
        ops.sparse_categorical_crossentropy(np.array([0, 1, 2]), P)
    with pytest.raises(ValueError, match="`output` must have rank >= 1"):
        ops.sparse_categorical_crossentropy(0, 1.0)


def test_crossentropy_gradients(trainable_backend):
    check_grad(lambda o: ops.binary_crossentropy(T, o), P)
    check_grad(lambda t: ops.binary_crossentropy(t, P), T)
    check_grad(lambda o: ops.binary_crossentropy(T, o, from_logits=True), LOGITS)
    check_grad(lambda t: ops.binary_crossentropy(t, LOGITS, from_logits=True), T)
    check_grad(lambda o: ops.categorical_crossentropy(T, o), P)
    check_grad(lambda o: ops.categorical_crossentropy(T, o, from_logits=True), LOGITS)
    check_grad(lambda t: ops.categorical_crossentropy(t, LOGITS, from_logits=True), T)
    check_grad(lambda o: ops.categorical_crossentropy(T.T, o, from_logits=True, axis=0), LOGITS.T)
    check_grad(lambda o: ops.sparse_categorical_crossentropy(np.array([1, 2]), o), P)
    check_grad(lambda o: ops.sparse_categorical_crossentropy(np.array([1, 2]), o, from_logits=True), LOGITS)


# Encodings -------------------------------------------------------------------------

def _dense(x):
    """A NumPy array from a dense or sparse tensor of any backend."""
    if hasattr(x, "todense"):  # jax BCOO
        x = x.todense()
    elif hasattr(x, "to_dense"):  # torch sparse
        x = x.to_dense()
    elif type(x).__name__ == "SparseTensor":
        import tensorflow as tf
        x = tf.sparse.to_dense(x)
    return to_numpy(x)


def test_one_hot(backend):
    x = np.array([[0, 2], [1, 5]])
    eye = np.eye(3)
    expected = np.stack([eye[0], eye[2], eye[1], np.zeros(3)]).reshape(2, 2, 3)
    check_op(ops.one_hot, x, 3, expected=expected, dtype="float32")
    check_op(ops.one_hot, x, 3, axis=0, expected=np.moveaxis(expected, -1, 0), dtype="float32")
    check_op(ops.one_hot, x, 3, 1, "int32", expected=np.moveaxis(expected, -1, 1).astype("int32"), dtype="int32")
    flags = np.array([[False, False], [False, True]])
    check_op(ops.one_hot, np.array([-1, 1]), 2, -1, "bool", expected=flags, dtype="bool")
    with pytest.raises(ValueError, match="`num_classes` must be a positive integer; received 0"):
        ops.one_hot(x, 0)
    with pytest.raises(ValueError, match=r"`axis` must be in \[-3, 3\) for a tensor of rank 3; received 3"):
        ops.one_hot(x, 3, axis=3)


def test_multi_hot(backend):
    x = np.array([[0, 2, 2], [1, 1, 3]])
    expected = np.array([[1, 0, 1, 0], [0, 1, 0, 1]], dtype="float32")
    check_op(ops.multi_hot, x, 4, expected=expected, dtype="float32")
    check_op(ops.multi_hot, x, num_tokens=4, expected=expected)
    present = (np.arange(4)[:, None, None] == x[None]).any(1)  # class axis first, then max over axis 1
    check_op(ops.multi_hot, x, 4, 0, "int32", expected=present.astype("int32"), dtype="int32")
    check_op(ops.multi_hot, np.array([3, 0]), 5, expected=np.array([1, 0, 0, 1, 0], "float32"))
    check_op(ops.multi_hot, x[None], 4, expected=np.eye(4)[x[None]].max(1).astype("float32"))
    with pytest.raises(ValueError, match="`num_classes` must be given; received None"):
        ops.multi_hot(x)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['classes'\]"):
        ops.multi_hot(x, classes=3)


def test_sparse_encodings(backend):
    x = np.array([[0, 2], [1, 1]])
    if backend == "numpy":
        for fn in (ops.one_hot, ops.multi_hot):
            message = f"`{fn.__name__}` is not implemented on the numpy backend: sparse=True"
            with pytest.raises(NotImplementedError, match=message):
                fn(x, 3, sparse=True)
        return
    np.testing.assert_array_equal(_dense(ops.one_hot(x, 3, sparse=True)), np.eye(3)[x])
    np.testing.assert_array_equal(_dense(ops.multi_hot(x, 3, sparse=True)), [[1, 0, 1], [0, 1, 0]])
    assert ops.one_hot(KerasTensor((None, 2), "int32"), 3, sparse=True).sparse


# Statistics and normalization ------------------------------------------------------

def test_moments(backend):
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) ** 1.5
    x64 = x.astype("float64")
    check_op(ops.moments, x, [0, 2], expected=(x64.mean((0, 2)), x64.var((0, 2))), dtype="float32", rtol=1e-5)
    kept = (x64.mean(1, keepdims=True), x64.var(1, keepdims=True))
    check_op(ops.moments, x, 1, keepdims=True, expected=kept, rtol=1e-5)
    check_op(ops.moments, x, None, expected=(x64.mean(), x64.var()), rtol=1e-5)
    check_op(ops.moments, np.array([1, 2, 3, 6]), 0, expected=(np.float64(3.0), np.float64(3.5)), dtype="float32")
    with pytest.raises(ValueError, match=r"`axes` must be in \[-3, 3\) for a tensor of rank 3; received 5"):
        ops.moments(x, [0, 5])


def test_moments_of_float16_are_computed_in_float32(backend):
    big = np.array([60000.0, 60000.0, 30000.0, -30000.0], dtype="float16")
    mean, variance = check_op(ops.moments, big, 0, dtype="float16")
    assert float(mean) == 30000.0  # the float16 sum (120000) would overflow
    assert float(variance) == float(np.finfo(np.float16).max)  # 1.35e9 clipped to the float16 range


def test_moments_synchronized(backend):
    x = np.array([[1.0, 3.0]], dtype="float32")
    if backend == "tensorflow":
        import tensorflow as tf

        local = (np.array([2.0]), np.array([1.0]))
        check_op(ops.moments, x, 1, synchronized=True, expected=local, dtype="float32")
        strategy = tf.distribute.MirroredStrategy(["cpu:0"])  # replica context: the all-reduce path
        mean, variance = strategy.run(lambda: ops.moments(x, [0, 1], keepdims=True, synchronized=True))
        np.testing.assert_allclose(to_numpy(mean), [[2.0]])
        np.testing.assert_allclose(to_numpy(variance), [[1.0]])
        return
    message = f"`moments` is not implemented on the {backend} backend: synchronized=True"
    with pytest.raises(NotImplementedError, match=message):
        ops.moments(x, 1, synchronized=True)


def test_batch_normalization(backend):
    x = X.astype("float64")
    mean, var, offset, scale = (np.array(v) for v in ([0.5, -1.0], [2.0, 0.5], [1.0, 0.0], [3.0, -1.0]))
    col = lambda v: v[:, None]  # noqa: E731
    expected = (x - col(mean)) / np.sqrt(col(var) + 1e-3) * col(scale) + col(offset)
    args = (X, mean.astype("float32"), var.astype("float32"))
    check_op(ops.batch_normalization, *args, 0, offset=offset.astype("float32"), scale=scale.astype("float32"),
             expected=expected, dtype="float32")
    check_op(ops.batch_normalization, *args, axis=0, epsilon=0.0, expected=(x - col(mean)) / np.sqrt(col(var)))
    plain = (x - col(mean)) / np.sqrt(col(var) + 1e-3)
    check_op(ops.batch_normalization, X.astype("float16"), mean, var, 0, expected=plain, dtype="float64", rtol=1e-3)
    check_op(ops.batch_normalization, X.astype("int32"), args[1], args[2], 0, dtype="float32")
    message = r"`scale` must be a vector of length x.shape\[axis\] = 2; received shape \(5,\)"
    with pytest.raises(ValueError, match=message):
        ops.batch_normalization(*args, 0, scale=np.ones(5, "float32"))


def _layer_norm(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=axes, keepdims=True) + eps)


def test_layer_normalization(backend):
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) ** 1.3
    x64 = x.astype("float64")
    gamma, beta = np.linspace(0.5, 2, 12).reshape(3, 4), np.linspace(-1, 1, 12).reshape(3, 4)
    eps = config.epsilon()
    check_op(ops.layer_normalization, x, expected=_layer_norm(x64, -1, eps), dtype="float32", rtol=1e-4, atol=1e-5)
    check_op(ops.layer_normalization, x, gamma.astype("float32"), beta.astype("float32"), axis=(1, 2),
             expected=_layer_norm(x64, (1, 2), eps) * gamma + beta, rtol=1e-4, atol=1e-5)
    check_op(ops.layer_normalization, x, gamma[:, 0].astype("float32"), axis=1, epsilon=0.5,
             expected=_layer_norm(x64, 1, 0.5) * gamma[:, :1], rtol=1e-4, atol=1e-5)
    check_op(ops.layer_normalization, x.astype("float16"), expected=_layer_norm(x64, -1, eps), dtype="float16",
             rtol=1e-2, atol=1e-2)
    check_op(ops.layer_normalization, x.astype("int32"), dtype="int32")
    rms_scaled = x64 / np.sqrt(x64.var(-1, keepdims=True) + eps) * gamma[0]
    with pytest.warns(DeprecationWarning, match="rms_normalization"):
        check_op(ops.layer_normalization, x, gamma[0].astype("float32"), rms_scaling=True, expected=rms_scaled, rtol=1e-4)
    config.set_epsilon(10.0)
    check_op(ops.layer_normalization, x, expected=_layer_norm(x64, -1, 10.0), rtol=1e-4, atol=1e-5)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['center'\]"):
        ops.layer_normalization(x, center=True)


def test_rms_normalization(backend):
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) - 11.5
    x64 = x.astype("float64")
    rms = lambda axes, eps: x64 / np.sqrt((x64 ** 2).mean(axis=axes, keepdims=True) + eps)  # noqa: E731
    scale = np.linspace(0.5, 2, 4)
    check_op(ops.rms_normalization, x, expected=rms(-1, config.epsilon()), dtype="float32", rtol=1e-5)
    check_op(ops.rms_normalization, x, scale.astype("float32"), epsilon=0.1, expected=rms(-1, 0.1) * scale, rtol=1e-5)
    check_op(ops.rms_normalization, x, axis=(0, 1), expected=rms((0, 1), config.epsilon()), rtol=1e-5)
    check_op(ops.rms_normalization, x, np.ones(2, "float32"), axis=0, expected=rms(0, config.epsilon()), rtol=1e-5)
    check_op(ops.rms_normalization, x.astype("bfloat16"), dtype="bfloat16")
    check_op(ops.rms_normalization, np.array(-3.0, "float32"), expected=np.array([-1.0]), dtype="float32")


def test_normalize(backend):
    x64 = X.astype("float64")
    norm = lambda p, axis: (np.abs(x64) ** p).sum(axis=axis, keepdims=True) ** (1 / p)  # noqa: E731
    check_op(ops.normalize, X, expected=x64 / norm(2, -1), dtype="float32")
    check_op(ops.normalize, X, axis=None, expected=x64 / norm(2, None))
    check_op(ops.normalize, X, axis=0, order=1, expected=x64 / norm(1, 0))
    check_op(ops.normalize, X, order=3, expected=x64 / norm(3, -1), rtol=1e-5)
    check_op(ops.normalize, np.array([[0, 0], [3, 4]]), expected=np.array([[0, 0], [0.6, 0.8]]), dtype="float32")
    check_op(ops.normalize, np.array(-2.0, "float32"), expected=np.array([-1.0]))
    with pytest.raises(ValueError, match="`order` must be an integer >= 1; received 0"):
        ops.normalize(X, order=0)
    with pytest.raises(ValueError, match=r"`order` 1 needs a single `axis` \(a vector norm\); received axis=None"):
        ops.normalize(X, order=1, axis=None)


def test_normalization_gradients(trainable_backend):
    mean, var = np.array([0.5, -1.0]), np.array([2.0, 0.5])
    check_grad(lambda t: ops.batch_normalization(t, mean, var, 0, scale=np.array([2.0, 1.0])), X)
    check_grad(lambda m: ops.batch_normalization(X, m, var, 0), mean)
    check_grad(lambda v: ops.batch_normalization(X, mean, v, 0), var)
    check_grad(lambda t: ops.add(*ops.moments(t, 1)), X)
    check_grad(_weighted(lambda t: ops.layer_normalization(t, np.full(5, 2.0), np.ones(5))), X)
    check_grad(_weighted(lambda t: ops.layer_normalization(t, axis=0)), X)
    check_grad(_weighted(lambda t: ops.layer_normalization(t, axis=(0, 1))), X)
    check_grad(_weighted(ops.rms_normalization), X)
    check_grad(_weighted(lambda t: ops.rms_normalization(t, axis=0)), X)
    check_grad(_weighted(ops.normalize), X)
    check_grad(_weighted(lambda t: ops.normalize(t, order=1, axis=0)), X)


def test_psnr(backend):
    a = np.linspace(0, 1, 12, dtype="float32").reshape(3, 4)
    b = a[::-1] * 0.9
    mse = ((a.astype("float64") - b) ** 2).mean()
    check_op(ops.psnr, a, b, 1.0, expected=np.float64(10 * np.log10(1.0 / mse)), dtype="float32", rtol=1e-5)
    check_op(ops.psnr, (a * 255).astype("int32"), (b * 255).astype("int32"), 255, dtype="float32", rtol=1e-5)
    check_op(ops.psnr, a.astype("float64"), b, 2.0, expected=np.float64(10 * np.log10(4.0 / mse)), dtype="float64")
    with pytest.raises(ValueError, match=r"`x1` and `x2` must have the same shape; received \(3, 4\) and \(4,\)"):
        ops.psnr(a, b[0], 1.0)


def test_psnr_gradient(trainable_backend):
    target = np.linspace(0, 1, 6).reshape(2, 3)
    check_grad(lambda t: ops.psnr(t, target, 1.0), target[::-1])


def test_polar(backend):
    r, theta = np.array([1.0, 2.0, 0.5], "float32"), np.array([[0.0], [1.2]], "float32")
    expected = r * np.cos(theta.astype("float64")) + 1j * r * np.sin(theta.astype("float64"))
    check_op(ops.polar, r, theta, expected=expected.astype("complex64"), dtype="complex64")
    check_op(ops.polar, r.astype("float64"), theta.astype("float64"), expected=expected, dtype="complex128")
    check_op(ops.polar, np.array([2]), np.array([0]), expected=np.array([2 + 0j], "complex64"), dtype="complex64")


# Inputs of every kind -------------------------------------------------------------

@pytest.mark.parametrize("other", ["numpy", "jax", "torch", "tensorflow"])
def test_variables_python_data_and_foreign_tensors(backend, other):
    foreign = engine_backend.load(other).convert_to_tensor(P)
    variable = Variable(T)
    expected = _softmax(P.astype("float64"))
    np.testing.assert_allclose(to_numpy(ops.softmax(foreign)), expected, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(ops.softmax(P.tolist())), expected, rtol=1e-6)
    loss = ops.categorical_crossentropy(variable, foreign)
    assert engine_backend.get().is_tensor(loss) and ops.dtype(loss) == "float32"
    np.testing.assert_allclose(to_numpy(loss), -(T * np.log(P / P.sum(-1, keepdims=True))).sum(-1), rtol=1e-5)
    mean, _ = ops.moments(variable, 0)
    np.testing.assert_allclose(to_numpy(mean), T.mean(0), rtol=1e-6)
    labels = engine_backend.load(other).convert_to_tensor([2, 0])
    np.testing.assert_array_equal(to_numpy(ops.one_hot(labels, 3)), np.eye(3)[[2, 0]])


# Symbolic rules with unknown dims --------------------------------------------------

def test_rules_with_unknown_dims():
    x = KerasTensor((None, 4, 6))
    labels = KerasTensor((None, 4), "int32")
    assert ops.categorical_crossentropy(x, x, axis=1).shape == (None, 6)
    assert ops.sparse_categorical_crossentropy(labels, KerasTensor((None, 4, 3))).shape == (None, 4)
    assert ops.binary_crossentropy(KerasTensor((None, 3), "int32"), KerasTensor((2, None))).shape == (2, 3)
    assert ops.one_hot(labels, 5, axis=1).shape == (None, 5, 4)
    mh = ops.multi_hot(labels, 5, dtype="int32")
    assert (mh.shape, mh.dtype) == ((None, 5), "int32")
    mean, var = ops.moments(x, [0, 2], keepdims=True)
    assert mean.shape == var.shape == (1, 4, 1)
    bn = ops.batch_normalization(x, KerasTensor((6,)), KerasTensor((None,)), -1)
    assert (bn.shape, bn.dtype) == ((None, 4, 6), "float32")
    assert ops.layer_normalization(KerasTensor((None, 4), "float16")).dtype == "float16"
    assert ops.psnr(x, x, 1.0).shape == ()
    assert ops.polar(KerasTensor((None, 1)), KerasTensor((3,), "float64")).dtype == "complex128"
    assert ops.threshold(KerasTensor((None,), "int8"), 1, 0.5).dtype == "float32"
    with pytest.raises(ValueError, match="`mean` must be a vector of length"):
        ops.batch_normalization(x, KerasTensor((4,)), KerasTensor((6,)), -1)
