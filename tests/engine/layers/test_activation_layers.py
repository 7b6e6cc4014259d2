"""Activation layers: Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax."""

import numpy as np
import pytest

from kerasnb.engine.layers import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

X = np.random.default_rng(1).standard_normal((2, 3, 4)).astype("float32")


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def test_activation_harness(backend):
    check_layer(Activation, {"activation": "tanh"}, X, expected_shape=X.shape, trainable_weights=0,
                reference=lambda x, w: np.tanh(x))
    check_layer(Activation, {"activation": "softmax"}, X, expected_shape=X.shape,
                reference=lambda x, w: _softmax(x))


def test_elu_harness(backend):
    check_layer(ELU, {"alpha": 0.5}, X, expected_shape=X.shape, trainable_weights=0,
                reference=lambda x, w: np.where(x > 0, x, 0.5 * (np.exp(x) - 1)))


def test_leaky_relu_harness(backend):
    check_layer(LeakyReLU, {}, X, expected_shape=X.shape, trainable_weights=0,
                reference=lambda x, w: np.where(x >= 0, x, 0.3 * x))
    layer = check_layer(LeakyReLU, {"negative_slope": 0.1}, X,
                        reference=lambda x, w: np.where(x >= 0, x, 0.1 * x))
    assert layer.get_config()["negative_slope"] == 0.1
    assert LeakyReLU(alpha=0.2).negative_slope == 0.2  # Keras 2 argument name


@pytest.mark.parametrize("kwargs", [{}, {"max_value": 1.0}, {"negative_slope": 0.1, "threshold": 0.5},
                                    {"max_value": 0.8, "negative_slope": 0.2, "threshold": 0.3}])
def test_relu_harness(backend, kwargs):
    cap, slope, thr = kwargs.get("max_value"), kwargs.get("negative_slope", 0.0), kwargs.get("threshold", 0.0)

    def reference(x, w):
        y = np.where(x >= thr, x, slope * (x - thr))
        return y if cap is None else np.minimum(y, cap)

    check_layer(ReLU, kwargs, X, expected_shape=X.shape, trainable_weights=0, reference=reference)


@pytest.mark.parametrize("shared_axes,alpha_shape", [(None, (3, 4)), ([1], (1, 4)), (2, (3, 1)), ([1, 2], (1, 1))])
def test_prelu_harness(backend, shared_axes, alpha_shape):
    def reference(x, w):
        assert w[0].shape == alpha_shape
        return np.where(x >= 0, x, w[0] * x)

    layer = check_layer(PReLU, {"alpha_initializer": "random_normal", "shared_axes": shared_axes}, X,
                        expected_shape=X.shape, trainable_weights=1, non_trainable_weights=0,
                        reference=reference)
    assert layer.weights[0].path.endswith("alpha")


def test_prelu_defaults_to_relu_and_checks_shapes(backend):
    layer = PReLU(shared_axes=[1])
    np.testing.assert_allclose(to_numpy(layer(X)), np.maximum(X, 0))
    with pytest.raises(ValueError, match="must have size 4 on axis 2"):
        layer(np.ones((2, 3, 5), "float32"))
    with pytest.raises(ValueError, match=r"`shared_axes` must be None, a positive int or a list.*shared_axes=\[0\]"):
        PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match="`shared_axes` entry 3 is out of range"):
        PReLU(shared_axes=3)(np.ones((1, 2, 2), "float32"))


@pytest.mark.parametrize("axis", [-1, 1, (1, 2), [2]])
def test_softmax_harness(backend, axis):
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    layer = check_layer(Softmax, {"axis": axis}, X, expected_shape=X.shape, trainable_weights=0,
                        reference=lambda x, w: _softmax(x, np_axis))
    assert layer.get_config()["axis"] == (tuple(axis) if isinstance(axis, list) else axis)


def test_softmax_mask(backend):
    mask = np.array([[[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]] * 2, bool)

    def reference(x, w):
        return np.where(mask, _softmax(np.where(mask, x, -1e9)), 0.0)

    out = check_layer(Softmax, {}, X, call_kwargs={"mask": mask}, reference=reference)
    assert out.supports_masking
    # a numeric mask counts as True above 0.5, and broadcasts to the inputs
    numeric = np.array([[[0.9], [0.1], [1.0]]] * 2, "float32")
    got = to_numpy(Softmax(axis=1)(X, mask=numeric))
    keep = numeric > 0.5
    np.testing.assert_allclose(got, np.where(keep, _softmax(np.where(keep, X, -1e9), 1), 0.0), rtol=1e-5, atol=1e-6)
    assert not np.any(got[:, 1])


def test_softmax_mask_must_broadcast(backend):
    with pytest.raises(ValueError, match=r"`mask` must broadcast to the inputs; received inputs.shape=\(2, 3, 4\), mask.shape=\(2, 5\)"):
        Softmax()(X, mask=np.ones((2, 5), bool))


def test_activation_layers_keep_symbolic_shape_and_mask():
    x = KerasTensor((None, 5, 2))
    for layer in (Activation("relu"), ELU(), LeakyReLU(), ReLU(), Softmax(), PReLU()):
        assert layer(x).shape == (None, 5, 2)
        assert layer.supports_masking


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"`max_value` must be a number >= 0 or None; received max_value=-1"):
        ReLU(max_value=-1)
    with pytest.raises(ValueError, match=r"`negative_slope` must be a number >= 0; received negative_slope=-0.1"):
        ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match=r"`threshold` must be a number >= 0; received threshold=None"):
        ReLU(threshold=None)
    with pytest.raises(ValueError, match=r"`negative_slope` must be a number >= 0; received negative_slope=-1"):
        LeakyReLU(-1)
    with pytest.raises(ValueError, match=r"`alpha` must be a number; received alpha='big'"):
        ELU("big")
    with pytest.raises(ValueError, match=r"`axis` must be an int or a tuple of ints; received axis='x'"):
        Softmax(axis="x")
    with pytest.raises(ValueError, match="nope"):
        Activation("nope")
