"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
RMSNormalization, UnitNormalization, SpectralNormalization."""

import numpy as np
import pytest

from kerasnb.engine import initializers
from kerasnb.engine.layers import (BatchNormalization, Dense, GroupNormalization, LayerNormalization,
                                   RMSNormalization, SpectralNormalization, UnitNormalization)
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(0)
X3 = (RNG.standard_normal((4, 3, 6)) * 2 + 1).astype("float32")
X2 = (RNG.standard_normal((5, 4)) * 3 - 1).astype("float32")


def positive():
    return initializers.RandomUniform(minval=0.5, maxval=1.5, seed=1)


def normal():
    return initializers.RandomNormal(seed=2)


def _standardize(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def _shape_for(w, ndim, axes):
    shape = [1] * ndim
    for a, d in zip(axes, w.shape):
        shape[a] = d
    return w.reshape(shape)


# LayerNormalization -------------------------------------------------------------------

def test_layer_normalization_last_axis(backend):
    check_layer(LayerNormalization, {"gamma_initializer": positive(), "beta_initializer": normal()}, X3,
                expected_shape=(4, 3, 6), trainable_weights=2, non_trainable_weights=0,
                reference=lambda x, w: _standardize(x, (2,), 1e-3) * w[0] + w[1])


def test_layer_normalization_several_axes_without_center(backend):
    layer = check_layer(LayerNormalization, {"axis": [1, 2], "center": False, "epsilon": 0.1,
                                             "gamma_initializer": positive()}, X3,
                        expected_shape=(4, 3, 6), trainable_weights=1,
                        reference=lambda x, w: _standardize(x, (1, 2), 0.1) * w[0])
    assert layer.weights[0].shape == (3, 6)


def test_layer_normalization_middle_axis(backend):
    check_layer(LayerNormalization, {"axis": 1, "gamma_initializer": positive(), "beta_initializer": normal()},
                X3, expected_shape=(4, 3, 6),
                reference=lambda x, w: _standardize(x, (1,), 1e-3) * w[0][:, None] + w[1][:, None])


def test_layer_normalization_errors():
    with pytest.raises(ValueError, match=r"`axis` must be an int or a list of ints; received 'last'"):
        LayerNormalization(axis="last")
    with pytest.raises(ValueError, match=r"`epsilon` must be a number >= 0.0; received -1"):
        LayerNormalization(epsilon=-1)
    with pytest.raises(ValueError, match=r"`center` must be a bool; received 1"):
        LayerNormalization(center=1)
    with pytest.raises(ValueError, match=r"`axis` \[3\] is out of bounds for an input of rank 3"):
        LayerNormalization(axis=[3])(X3)


def test_layer_normalization_takes_keras_rms_scaling_false_only():
    layer = LayerNormalization.from_config({**LayerNormalization().get_config(), "rms_scaling": False})
    assert layer.center and layer.scale
    with pytest.raises(NotImplementedError, match=r"LayerNormalization\(rms_scaling=True\).*RMSNormalization"):
        LayerNormalization(rms_scaling=True)


# RMSNormalization / UnitNormalization ---------------------------------------------------

def test_rms_normalization(backend):
    layer = check_layer(RMSNormalization, {"epsilon": 1e-4}, X3, expected_shape=(4, 3, 6),
                        trainable_weights=1, non_trainable_weights=0,
                        reference=lambda x, w: x / np.sqrt((x ** 2).mean(-1, keepdims=True) + 1e-4) * w[0])
    assert layer.weights[0].path.endswith("/scale") and layer.weights[0].shape == (6,)


def test_rms_normalization_with_set_scale_and_two_axes(backend):
    layer = RMSNormalization(axis=[1, 2])
    layer(X3)
    scale = RNG.standard_normal((3, 6)).astype("float32")
    layer.set_weights([scale])
    expected = X3 / np.sqrt((X3 ** 2).mean((1, 2), keepdims=True) + 1e-6) * scale
    np.testing.assert_allclose(to_numpy(layer(X3)), expected, rtol=1e-5, atol=1e-5)


def test_unit_normalization(backend):
    check_layer(UnitNormalization, {}, X3, expected_shape=(4, 3, 6), trainable_weights=0,
                reference=lambda x, w: x / np.linalg.norm(x, axis=-1, keepdims=True))
    check_layer(UnitNormalization, {"axis": [1, 2]}, X3, expected_shape=(4, 3, 6),
                reference=lambda x, w: x / np.sqrt((x ** 2).sum((1, 2), keepdims=True)))
    zeros = to_numpy(UnitNormalization()(np.zeros((2, 3), "float32")))
    np.testing.assert_array_equal(zeros, np.zeros((2, 3)))


def test_unit_and_rms_errors():
    with pytest.raises(ValueError, match=r"`axis` must be an int or a list of ints; received None"):
        UnitNormalization(axis=None)
    with pytest.raises(ValueError, match=r"`epsilon` must be a number >= 0.0; received 'small'"):
        RMSNormalization(epsilon="small")


# BatchNormalization -------------------------------------------------------------------

BN_INIT = {"gamma_initializer": positive(), "beta_initializer": normal(),
           "moving_mean_initializer": normal(), "moving_variance_initializer": positive()}


def test_batch_normalization_inference_uses_moving_statistics(backend):
    def reference(x, w):
        gamma, beta, mean, var = w
        return (x - mean) / np.sqrt(var + 1e-3) * gamma + beta

    layer = check_layer(BatchNormalization, dict(BN_INIT), X2, expected_shape=(5, 4), trainable_weights=2,
                        non_trainable_weights=2, reference=reference)
    assert [v.path.split("/")[-1] for v in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]


def test_batch_normalization_training_uses_batch_statistics(backend):
    check_layer(BatchNormalization, dict(BN_INIT), X2, expected_shape=(5, 4), training=True,
                reference=lambda x, w: _standardize(x, (0,), 1e-3) * w[0] + w[1])


def test_batch_normalization_channels_first(backend):
    def reference(x, w):
        return _standardize(x, (0, 2), 1e-3) * w[0][:, None]

    check_layer(BatchNormalization, {"axis": 1, "center": False, "gamma_initializer": positive()}, X3,
                expected_shape=(4, 3, 6), trainable_weights=1, non_trainable_weights=2, training=True,
                reference=reference)


def test_batch_normalization_updates_moving_statistics(backend):
    layer = BatchNormalization(momentum=0.9)
    layer(X2, training=True)
    mean, var = X2.mean(0), X2.var(0)
    np.testing.assert_allclose(to_numpy(layer.moving_mean.value), 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(layer.moving_variance.value), 0.9 + 0.1 * var, rtol=1e-5)
    before = layer.get_weights()
    layer(X2, training=False)
    layer(X2)
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    layer.trainable = False  # a frozen layer runs in inference mode even with training=True
    frozen = to_numpy(layer(X2, training=True))
    expected = (X2 - before[2]) / np.sqrt(before[3] + 1e-3)
    np.testing.assert_allclose(frozen, expected, rtol=1e-5, atol=1e-5)


def test_batch_normalization_stateless_call_returns_new_statistics(backend):
    layer = BatchNormalization(momentum=0.5)
    layer(X2)
    trainable = [v.value for v in layer.trainable_variables]
    state = [np.full(4, 1.0, "float32"), np.full(4, 2.0, "float32")]
    out, new_state = layer.stateless_call(trainable, state, X2, training=True)
    np.testing.assert_allclose(to_numpy(new_state[0]), 0.5 + 0.5 * X2.mean(0), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(new_state[1]), 1.0 + 0.5 * X2.var(0), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(layer.moving_mean.value), np.zeros(4))  # untouched
    np.testing.assert_allclose(to_numpy(out), _standardize(X2, (0,), 1e-3), rtol=1e-4, atol=1e-5)


def test_batch_normalization_masked_statistics(backend):
    mask = np.array([[1, 1, 0], [1, 0, 0], [1, 1, 1], [0, 1, 1]], bool)
    layer = BatchNormalization(momentum=0.0)
    out = to_numpy(layer(X3, training=True, mask=mask))
    kept = X3[mask]  # (count, 6)
    mean, var = kept.mean(0), kept.var(0)
    np.testing.assert_allclose(to_numpy(layer.moving_mean.value), mean, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(to_numpy(layer.moving_variance.value), var, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out, (X3 - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match=r"the mask must have rank 2 \(one less than the inputs\); "
                                         r"received mask shape \(4,\)"):
        layer(X3, training=True, mask=np.ones(4, bool))


def _renorm_reference(x, gamma, beta, renorm_mean, renorm_std, clip=None, eps=1e-3):
    clip = clip or {}
    mean, std = x.mean(0), np.sqrt(x.var(0) + eps)
    r = np.clip(std / np.maximum(renorm_std, np.sqrt(eps)), clip.get("rmin", -np.inf), clip.get("rmax", np.inf))
    d = np.clip((mean - renorm_mean) / np.maximum(renorm_std, np.sqrt(eps)), -clip.get("dmax", np.inf),
                clip.get("dmax", np.inf))
    return ((x - mean) / std * r + d) * gamma + beta


def test_batch_renormalization(backend):
    clip = {"rmin": 0.8, "rmax": 1.5, "dmax": 0.5}
    layer = check_layer(BatchNormalization, {"renorm": True, "renorm_clipping": clip,
                                             "gamma_initializer": positive(), "beta_initializer": normal()},
                        X2, expected_shape=(5, 4), trainable_weights=2, non_trainable_weights=5, training=True,
                        reference=lambda x, w: _renorm_reference(x, w[0], w[1], 0.0, 1.0, clip),
                        rtol=1e-4, atol=1e-4)
    assert [v.path.split("/")[-1] for v in layer.weights][4:] == ["moving_stddev", "renorm_mean", "renorm_stddev"]


def test_batch_renormalization_statistics(backend):
    layer = BatchNormalization(renorm=True, momentum=0.5, renorm_momentum=0.25)
    layer(X2, training=True)
    mean, std = X2.mean(0), np.sqrt(X2.var(0) + 1e-3)
    gamma, beta, moving_mean, moving_var, moving_std, renorm_mean, renorm_std = layer.get_weights()
    np.testing.assert_allclose(renorm_mean, 0.75 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(renorm_std, 0.25 + 0.75 * std, rtol=1e-5)
    np.testing.assert_allclose(moving_mean, 0.5 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(moving_std, 0.5 + 0.5 * std, rtol=1e-5)
    np.testing.assert_allclose(moving_var, moving_std ** 2 - 1e-3, rtol=1e-5)
    second = to_numpy(layer(X2 * 2, training=True))
    np.testing.assert_allclose(second, _renorm_reference(X2 * 2, gamma, beta, renorm_mean, renorm_std),
                               rtol=1e-4, atol=1e-4)
    inference = to_numpy(layer(X2))
    gamma, beta, moving_mean, moving_var = layer.get_weights()[:4]
    np.testing.assert_allclose(inference, (X2 - moving_mean) / np.sqrt(moving_var + 1e-3), rtol=1e-4, atol=1e-4)


def test_batch_normalization_config_and_errors():
    layer = BatchNormalization(synchronized=True)
    config = layer.get_config()
    assert config["synchronized"] is True and config["renorm"] is False and config["momentum"] == 0.99
    with pytest.raises(ValueError, match=r"`axis` must be an int; received \[1, 2\]"):
        BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match=r"`momentum` must be a number >= 0.0 and <= 1.0; received 1.5"):
        BatchNormalization(momentum=1.5)
    with pytest.raises(ValueError, match=r"`renorm_clipping` keys must be among 'rmax', 'rmin', 'dmax'; "
                                         r"received \['rmid'\]"):
        BatchNormalization(renorm=True, renorm_clipping={"rmid": 1.0})
    with pytest.raises(ValueError, match=r"`renorm_clipping` needs rmax >= rmin; received rmin=2.0, rmax=1.0"):
        BatchNormalization(renorm=True, renorm_clipping={"rmin": 2.0, "rmax": 1.0})
    with pytest.raises(ValueError, match=r"`renorm_clipping` needs dmax >= 0; received dmax=-1"):
        BatchNormalization(renorm=True, renorm_clipping={"dmax": -1})
    with pytest.raises(ValueError, match=r"`axis` 3 is out of bounds for input shape \(5, 4\)"):
        BatchNormalization(axis=3)(X2)
    spec = BatchNormalization()(KerasTensor((None, 7)))
    assert spec.shape == (None, 7)


# GroupNormalization -------------------------------------------------------------------

def _group_norm(x, w, groups, axis, eps=1e-3):
    x = np.moveaxis(x, axis, -1)
    shape = x.shape
    g = x.reshape(shape[:-1] + (groups, shape[-1] // groups))
    axes = tuple(range(1, g.ndim - 2)) + (g.ndim - 1,)
    y = _standardize(g, axes, eps).reshape(shape) * w[0] + w[1]
    return np.moveaxis(y, -1, axis)


def test_group_normalization(backend):
    init = {"gamma_initializer": positive(), "beta_initializer": normal()}
    check_layer(GroupNormalization, {"groups": 3, **init}, X3, expected_shape=(4, 3, 6), trainable_weights=2,
                reference=lambda x, w: _group_norm(x, w, 3, -1))
    check_layer(GroupNormalization, {"groups": 3, "axis": 1, **init}, X3, expected_shape=(4, 3, 6),
                reference=lambda x, w: _group_norm(x, w, 3, 1))


def test_group_normalization_minus_one_is_instance_norm(backend):
    layer = GroupNormalization(groups=-1)
    out = to_numpy(layer(X3))
    np.testing.assert_allclose(out, _standardize(X3, (1,), 1e-3), rtol=1e-4, atol=1e-5)
    assert layer.groups == 6


def test_group_normalization_errors():
    with pytest.raises(ValueError, match=r"`groups` must be a positive int or -1; received 0"):
        GroupNormalization(groups=0)
    with pytest.raises(ValueError, match=r"`groups` must divide the 6 channels on axis -1; received groups=4"):
        GroupNormalization(groups=4)(X3)
    with pytest.raises(ValueError, match=r"`groups` must divide the 6 channels on axis -1; received groups=32"):
        GroupNormalization()(X3)


# SpectralNormalization ----------------------------------------------------------------

def test_spectral_normalization_inference_is_the_wrapped_layer(backend):
    layer = check_layer(SpectralNormalization, {"layer": Dense(3)}, X2, expected_shape=(5, 3),
                        trainable_weights=2, non_trainable_weights=1,
                        reference=lambda x, w: x @ w[0] + w[2])
    assert [v.path.split("/")[-1] for v in layer.weights] == ["kernel", "vector_u", "bias"]


def test_spectral_normalization_training_normalizes_the_kernel(backend):
    def reference(x, w):
        assert abs(np.linalg.svd(w[0], compute_uv=False)[0] - 1.0) < 1e-3
        return x @ w[0] + w[2]

    # Well separated singular values (3, 1, 0.5), so power iteration converges whatever `vector_u`.
    kernel = initializers.Constant([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.5], [0.0, 0.0, 0.0]])
    check_layer(SpectralNormalization, {"layer": Dense(3, kernel_initializer=kernel), "power_iterations": 30},
                X2, expected_shape=(5, 3), training=True, reference=reference, rtol=1e-4, atol=1e-4)


def test_spectral_normalization_power_iteration_matches_numpy(backend):
    layer = SpectralNormalization(Dense(3, use_bias=False), power_iterations=2)
    layer(X2)
    kernel = RNG.standard_normal((4, 3)).astype("float32")
    u = RNG.standard_normal((1, 3)).astype("float32")
    layer.set_weights([kernel, u])
    out = to_numpy(layer(X2, training=True))
    for _ in range(2):
        v = u @ kernel.T
        v = v / np.linalg.norm(v)
        u = v @ kernel
        u = u / np.linalg.norm(u)
    sigma = (v @ kernel @ u.T)[0, 0]
    np.testing.assert_allclose(to_numpy(layer.vector_u.value), u, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(to_numpy(layer.layer.kernel.value), kernel / sigma, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out, X2 @ (kernel / sigma), rtol=1e-4, atol=1e-4)


def test_spectral_normalization_serialization_and_errors():
    layer = SpectralNormalization(Dense(2, name="inner"), power_iterations=3)
    revived = serialization.deserialize_keras_object(serialization.serialize_keras_object(layer))
    assert isinstance(revived.layer, Dense) and revived.layer.units == 2 and revived.power_iterations == 3
    with pytest.raises(ValueError, match=r"`power_iterations` must be a positive int; received 0"):
        SpectralNormalization(Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match=r"`layer` must be a Layer instance; received 'dense'"):
        SpectralNormalization("dense")
    with pytest.raises(ValueError, match=r"the wrapped Layer has no `kernel` nor `embeddings`"):
        SpectralNormalization(Layer())(X2)


def test_normalization_under_mixed_precision(backend):
    from kerasnb.engine.ops.rules import dtype_of
    for layer in (LayerNormalization(dtype="mixed_float16"), GroupNormalization(3, dtype="mixed_float16"),
                  RMSNormalization(dtype="mixed_float16"), UnitNormalization(dtype="mixed_float16")):
        out = layer(X3)
        assert dtype_of(out) == "float16" and all(v.dtype == "float32" for v in layer.weights)
        np.testing.assert_allclose(to_numpy(out).astype("float32"),
                                   to_numpy(type(layer).from_config({**layer.get_config(), "dtype": "float32"})(X3)),
                                   rtol=2e-2, atol=2e-2)
    bn = BatchNormalization(dtype="mixed_float16")
    assert dtype_of(bn(X3, training=True)) == "float16" and bn.moving_mean.dtype == "float32"
