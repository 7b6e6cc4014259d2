"""Regularization layers: Dropout and its variants, Gaussian noise, ActivityRegularization."""

import numpy as np
import pytest

from kerasnb.engine import config as engine_config
from kerasnb.engine.layers import (ActivityRegularization, AlphaDropout, Dropout, GaussianDropout,
                                   GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(2)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

CASES = [
    (Dropout, {"rate": 0.5, "noise_shape": (None, 1, None), "seed": 3}, (2, 3, 4)),
    (SpatialDropout1D, {"rate": 0.5, "seed": 3}, (2, 3, 4)),
    (SpatialDropout2D, {"rate": 0.5, "data_format": "channels_first"}, (2, 3, 2, 2)),
    (SpatialDropout3D, {"rate": 0.5}, (2, 2, 2, 2, 3)),
    (GaussianDropout, {"rate": 0.3, "seed": 1}, (2, 3)),
    (GaussianNoise, {"stddev": 0.5, "seed": 1}, (2, 3)),
    (AlphaDropout, {"rate": 0.4, "seed": 1, "noise_shape": (2, 1)}, (2, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=[c[0].__name__ for c in CASES])
def test_identity_at_inference(backend, cls, kwargs, shape):
    x = RNG.standard_normal(shape).astype("float32")
    check_layer(cls, kwargs, x, expected_shape=shape, trainable_weights=0, non_trainable_weights=0,
                reference=lambda x, w: x)
    layer = cls(**kwargs)
    np.testing.assert_array_equal(to_numpy(layer(x, training=False)), x)
    assert layer.supports_masking


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=[c[0].__name__ for c in CASES])
def test_training_call_is_random_but_seeded(backend, cls, kwargs, shape):
    x = RNG.standard_normal(shape).astype("float32") + 3.0
    layer = check_layer(cls, {**kwargs, "seed": 7}, x, expected_shape=shape, training=True)
    first, second = to_numpy(layer(x, training=True)), to_numpy(layer(x, training=True))
    assert first.shape == shape and not np.array_equal(first, x) and not np.array_equal(first, second)
    again = cls(**{**kwargs, "seed": 7})
    np.testing.assert_array_equal(to_numpy(again(x, training=True)), to_numpy(cls(**{**kwargs, "seed": 7})(x, training=True)))
    assert KerasTensor((None,) + shape[1:]).shape == cls(**kwargs)(KerasTensor((None,) + shape[1:]), training=True).shape


def test_dropout_zeroes_and_rescales(backend):
    x = np.ones((50, 40), "float32")
    out = to_numpy(Dropout(0.25, seed=0)(x, training=True))
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)}
    assert 0.15 < np.mean(out == 0) < 0.35
    np.testing.assert_array_equal(to_numpy(Dropout(1.0)(x, training=True)), np.zeros_like(x))
    np.testing.assert_array_equal(to_numpy(Dropout(0.0)(x, training=True)), x)


def test_dropout_noise_shape_shares_the_mask(backend):
    x = np.ones((4, 6, 5), "float32")
    out = to_numpy(Dropout(0.5, noise_shape=(None, 1, None), seed=2)(x, training=True))
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1], out.shape))


@pytest.mark.parametrize("cls,shape,channel_axis,data_format", [
    (SpatialDropout1D, (3, 5, 8), 2, None),
    (SpatialDropout2D, (3, 4, 4, 8), 3, "channels_last"),
    (SpatialDropout2D, (3, 8, 4, 4), 1, "channels_first"),
    (SpatialDropout3D, (3, 2, 2, 2, 8), 4, "channels_last"),
    (SpatialDropout3D, (3, 8, 2, 2, 2), 1, "channels_first"),
])
def test_spatial_dropout_drops_whole_channels(backend, cls, shape, channel_axis, data_format):
    x = np.ones(shape, "float32")
    kwargs = {} if data_format is None else {"data_format": data_format}
    out = to_numpy(cls(0.5, seed=4, **kwargs)(x, training=True))
    axes = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    per_channel = out.max(axis=axes) - out.min(axis=axes)
    assert np.all(per_channel == 0) and 0 < np.mean(out == 0) < 1
    assert set(np.unique(out)) <= {0.0, 2.0}


def test_spatial_dropout_data_format_default_and_rank():
    engine_config.set_image_data_format("channels_first")
    assert SpatialDropout2D(0.1).data_format == "channels_first"
    assert "data_format" not in SpatialDropout1D(0.1).get_config()
    assert set(SpatialDropout3D(0.1).get_config()) == {"rate", "seed", "name", "dtype", "data_format"}
    with pytest.raises(ValueError, match=r"must have rank 4; received shape \(2, 3, 4\)"):
        SpatialDropout2D(0.1)(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="`data_format` must be one of"):
        SpatialDropout2D(0.1, data_format="channels_middle")
    with pytest.raises(TypeError):
        SpatialDropout1D(0.1, trainable=False)  # Keras's signature takes no other arguments


def test_gaussian_dropout_and_noise_statistics(backend):
    x = np.full((200, 50), 2.0, "float32")
    out = to_numpy(GaussianDropout(0.5, seed=1)(x, training=True)) / 2.0   # noise ~ N(1, 1)
    assert abs(out.mean() - 1.0) < 0.05 and abs(out.std() - 1.0) < 0.05
    out = to_numpy(GaussianNoise(0.2, seed=1)(x, training=True)) - 2.0     # noise ~ N(0, 0.2)
    assert abs(out.mean()) < 0.02 and abs(out.std() - 0.2) < 0.02


def test_alpha_dropout_keeps_selu_statistics(backend):
    rate = 0.2
    x = RNG.standard_normal((400, 50)).astype("float32")
    out = to_numpy(AlphaDropout(rate, seed=5)(x, training=True))
    saturation = -SELU_ALPHA * SELU_SCALE
    a = ((1 - rate) * (1 + rate * saturation ** 2)) ** -0.5
    b = -a * saturation * rate
    dropped = np.isclose(out, a * saturation + b, atol=1e-6)
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-5)
    assert abs(dropped.mean() - rate) < 0.02
    assert abs(out.mean()) < 0.05 and abs(out.std() - 1.0) < 0.05


def test_activity_regularization_adds_its_penalty(backend):
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    layer = check_layer(ActivityRegularization, {"l1": 0.1, "l2": 0.2}, x, expected_shape=x.shape,
                        trainable_weights=0, reference=lambda x, w: x)
    layer(x)
    assert len(layer.losses) == 1
    expected = (0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum()) / 2
    np.testing.assert_allclose(float(to_numpy(layer.losses[0])), expected, rtol=1e-5)
    assert set(layer.get_config()) == {"name", "trainable", "dtype", "l1", "l2"}
    assert layer.supports_masking


@pytest.mark.parametrize("make,message", [
    (lambda: Dropout(1.5), r"`rate` must be a float between 0 and 1; received rate=1.5"),
    (lambda: Dropout(0.5, noise_shape="x"), r"`noise_shape` must be a tuple of positive ints and None; received noise_shape='x'"),
    (lambda: Dropout(0.5, seed="a"), r"`seed` must be an int or None; received seed='a'"),
    (lambda: SpatialDropout1D(-0.1), r"received rate=-0.1"),
    (lambda: GaussianDropout(2), r"received rate=2"),
    (lambda: GaussianNoise(-1), r"`stddev` must be a float between 0 and 1; received stddev=-1"),
    (lambda: AlphaDropout(1.2), r"received rate=1.2"),
    (lambda: ActivityRegularization(l1=-1), r"`l1` must be a non-negative number; received l1=-1"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()
