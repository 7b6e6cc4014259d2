"""Normalization: given and adapted statistics, invert, axes, tf.data, models, saving."""

import numpy as np
import pytest

import kerasnb
from kerasnb.engine.layers.preprocessing import Normalization
from tests.engine.layers.harness import check_layer
from tests.engine.layers.preprocessing.helpers import through_model, through_tf_data
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(1)
X = (RNG.standard_normal((12, 3)) * [1.0, 3.0, 0.5] + [0.0, 5.0, -2.0]).astype("float32")
IMAGES = RNG.uniform(0, 9, (6, 4, 5, 2)).astype("float32")


def test_given_statistics(backend):
    mean, variance = [1.0, 2.0, 3.0], [1.0, 4.0, 9.0]
    check_layer(Normalization, {"mean": mean, "variance": variance}, X, expected_shape=(12, 3),
                trainable_weights=0, non_trainable_weights=0,
                reference=lambda x, w: (x - np.array(mean)) / np.sqrt(variance))
    inverse = Normalization(mean=mean, variance=variance, invert=True)
    np.testing.assert_allclose(to_numpy(inverse(X)), X * np.sqrt(variance) + mean, rtol=1e-5)


def test_scalar_statistics_broadcast():
    got = to_numpy(Normalization(mean=2.0, variance=4.0)(X))
    np.testing.assert_allclose(got, (X - 2.0) / 2.0, rtol=1e-6)


def test_adapt_from_an_array(backend):
    layer = Normalization()
    layer.adapt(X)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), X.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), X.var(0), rtol=1e-5)
    assert int(layer.count.numpy()) == 12
    np.testing.assert_allclose(to_numpy(layer(X)), (X - X.mean(0)) / X.std(0), rtol=1e-4, atol=1e-5)
    assert [v.name for v in layer.non_trainable_weights] == ["mean", "variance", "count"]


@pytest.mark.parametrize("axis", [None, (1, 2), -1])
def test_adapt_over_axes_from_batches(axis):
    layer = Normalization(axis=axis)
    layer.adapt(iter([IMAGES[:2], IMAGES[2:5], IMAGES[5:]]))  # a generator of batches
    keep = () if axis is None else tuple(a % 4 for a in ((axis,) if isinstance(axis, int) else axis))
    reduce = tuple(a for a in range(4) if a not in keep)
    mean, var = IMAGES.mean(reduce, keepdims=True), IMAGES.var(reduce, keepdims=True)
    np.testing.assert_allclose(to_numpy(layer(IMAGES)), (IMAGES - mean) / np.sqrt(var), rtol=1e-4,
                               atol=1e-5)
    assert layer.adapt_mean.shape == tuple(IMAGES.shape[a] for a in keep)


def test_adapt_from_a_dataset_then_use_in_tf_data(backend):
    import tensorflow as tf
    layer = Normalization()
    layer.adapt(tf.data.Dataset.from_tensor_slices((X, np.zeros(12))).batch(5))  # (x, y) batches
    np.testing.assert_allclose(layer.adapt_mean.numpy(), X.mean(0), rtol=1e-5, atol=1e-6)
    unbatched = Normalization()
    unbatched.adapt(tf.data.Dataset.from_tensor_slices(X))  # rank-1 elements are batched first
    np.testing.assert_allclose(unbatched.adapt_variance.numpy(), X.var(0), rtol=1e-5)
    got = through_tf_data(layer, X, batch_size=5)
    np.testing.assert_allclose(got, (X - X.mean(0)) / X.std(0), rtol=1e-4, atol=1e-5)
    inverse = Normalization(invert=True)
    inverse.adapt(X)
    np.testing.assert_allclose(through_tf_data(inverse, got, batch_size=4), X, rtol=1e-4, atol=1e-4)


def test_adapted_state_survives_a_keras_file(backend, tmp_path):
    layer = Normalization()
    layer.adapt(X)
    got, model = through_model(layer, X)
    np.testing.assert_allclose(got, (X - X.mean(0)) / X.std(0), rtol=1e-4, atol=1e-5)
    path = str(tmp_path / "norm.keras")
    model.save(path)
    restored = kerasnb.saving.load_model(path)
    np.testing.assert_allclose(to_numpy(restored(X)), got, rtol=1e-6)


def test_config_round_trip_of_given_statistics():
    layer = Normalization(axis=(1, 2), mean=[[1.0]], variance=[[2.0]], invert=True, name="n")
    config = layer.get_config()
    assert config["mean"] == [[1.0]] and config["axis"] == (1, 2) and config["invert"] is True
    assert Normalization.from_config(config).get_config() == config
    assert Normalization().get_config()["mean"] is None


@pytest.mark.parametrize("kwargs, match", [
    ({"mean": 1.0}, "given together"),
    ({"mean": [1.0, 2.0], "variance": [1.0]}, "same shape"),
    ({"mean": [[1.0]], "variance": [[1.0]]}, "rank 2"),
    ({"axis": "x"}, "`axis`"),
    ({"invert": 1}, "`invert`"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Normalization(**kwargs)


def test_bad_inputs():
    with pytest.raises(ValueError, match="out of range"):
        Normalization(axis=3)(X)
    with pytest.raises(ValueError, match="known sizes"):
        Normalization(axis=1).build((None, None))
    layer = Normalization()
    layer.adapt(X)
    with pytest.raises(ValueError, match="built for inputs of shape"):
        layer.adapt(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="given `mean` and `variance`"):
        Normalization(mean=0.0, variance=1.0).adapt(X)
    with pytest.raises(TypeError, match="iterable of batches; received int"):
        Normalization().adapt(3)
    with pytest.raises(ValueError, match="empty"):
        Normalization().adapt(iter([]))


def test_mean_and_variance_attributes_broadcast_against_inputs():
    layer = Normalization()
    with pytest.raises(AttributeError, match="known once the layer is built"):
        layer.mean
    layer.adapt(X)
    np.testing.assert_allclose(to_numpy(layer.mean), X.mean(0, keepdims=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(layer.variance), X.var(0, keepdims=True), rtol=1e-5)
    given = Normalization(mean=2.0, variance=4.0)
    given.build(X.shape)
    np.testing.assert_allclose(to_numpy(given.variance), np.full((1, 3), 4.0))
