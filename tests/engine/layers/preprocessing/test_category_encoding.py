"""CategoryEncoding and Discretization: NumPy references, Keras's adapted boundaries, tf.data."""

import numpy as np
import pytest

from kerasnb.engine.layers.preprocessing import CategoryEncoding, Discretization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.layers.preprocessing.helpers import through_model, through_tf_data
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(4)
TOKENS = RNG.integers(0, 5, (6, 4))
VALUES = RNG.normal(size=(300,)).astype("float32")
BATCHED = RNG.uniform(-3, 3, (50, 7)).astype("float32")

KERAS_ORACLE = ("""
for i, (bins, eps) in enumerate([(4, 0.01), (7, 0.1), (3, 0.001)]):
    layer = keras.layers.Discretization(num_bins=bins, epsilon=eps)
    layer.adapt(values)
    keep(f"single{i}", layer.bin_boundaries)
layer = keras.layers.Discretization(num_bins=5)
layer.adapt([batched[:20], batched[20:35], batched[35:]])
keep("batches", layer.bin_boundaries)
keep("batches_out", layer(batched))
""", {"values": VALUES, "batched": BATCHED})


def _one_hot(indices, depth):
    return (indices[..., None] == np.arange(depth)).astype("float32")


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding_matches_numpy(backend, mode):
    hot = _one_hot(TOKENS, 5)
    expected = {"one_hot": hot, "multi_hot": hot.max(1), "count": hot.sum(1)}[mode]
    check_layer(CategoryEncoding, {"num_tokens": 5, "output_mode": mode}, TOKENS,
                expected_shape=expected.shape, trainable_weights=0, reference=lambda x, w: expected)


def test_category_encoding_shapes_weights_and_dtypes(backend):
    column = TOKENS[:, :1]
    np.testing.assert_array_equal(to_numpy(CategoryEncoding(5, "one_hot")(column)),
                                  _one_hot(column[:, 0], 5))  # a trailing 1 is replaced
    np.testing.assert_array_equal(to_numpy(CategoryEncoding(5, "binary")(TOKENS[0])),
                                  _one_hot(TOKENS[0], 5).max(0))  # one sample
    weights = RNG.uniform(size=TOKENS.shape).astype("float32")
    got = to_numpy(CategoryEncoding(5, "count")(TOKENS, count_weights=weights))
    np.testing.assert_allclose(got, (_one_hot(TOKENS, 5) * weights[..., None]).sum(1), rtol=1e-6)
    assert to_numpy(CategoryEncoding(5, dtype="int32")(TOKENS)).dtype == np.int32


def test_category_encoding_in_a_model_and_in_tf_data(backend):
    got, model = through_model(CategoryEncoding(5, "count"), TOKENS, dtype="int32")
    np.testing.assert_array_equal(got, _one_hot(TOKENS, 5).sum(1))
    assert model.outputs[0].shape == (None, 5)
    np.testing.assert_array_equal(through_tf_data(CategoryEncoding(5), TOKENS, batch_size=4),
                                  _one_hot(TOKENS, 5).max(1))


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot"])
def test_sparse_outputs(backend, mode):
    layer = CategoryEncoding(5, mode, sparse=True)
    if backend == "numpy":
        with pytest.raises(NotImplementedError, match="sparse=True.*numpy backend"):
            layer(TOKENS)
        return
    out = layer(TOKENS)
    dense = out.todense() if backend == "jax" else (
        out.to_dense() if backend == "torch" else __import__("tensorflow").sparse.to_dense(out))
    expected = to_numpy(CategoryEncoding(5, mode)(TOKENS))
    np.testing.assert_array_equal(to_numpy(dense), expected)
    assert layer(KerasTensor((None, 4), "int32")).sparse


def test_sparse_counts_are_refused():
    with pytest.raises(NotImplementedError, match="'count' with sparse=True"):
        CategoryEncoding(5, "count", sparse=True)(TOKENS)


@pytest.mark.parametrize("kwargs, match", [
    ({}, "`num_tokens` must be an int >= 1"),
    ({"num_tokens": 0}, "`num_tokens`"),
    ({"num_tokens": 3, "output_mode": "int"}, "`output_mode` must be one of"),
    ({"num_tokens": 3, "sparse": "yes"}, "`sparse` must be a bool"),
])
def test_category_encoding_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CategoryEncoding(**kwargs)
    with pytest.raises(ValueError, match="`count_weights` is only used"):
        CategoryEncoding(3)(np.array([[1]]), count_weights=np.ones((1, 1)))


# Discretization ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_with_boundaries(backend, mode):
    bounds = [-1.0, 0.0, 0.5, 2.0]
    x = BATCHED[:6, :3]
    indices = np.digitize(x, bounds)
    expected = {"int": indices, "one_hot": _one_hot(indices, 5), "multi_hot": _one_hot(indices, 5).max(1),
                "count": _one_hot(indices, 5).sum(1)}[mode]
    layer = check_layer(Discretization, {"bin_boundaries": bounds, "output_mode": mode}, x,
                        expected_shape=expected.shape, reference=lambda x, w: expected)
    assert to_numpy(layer(x)).dtype == (np.int32 if mode == "int" else np.float32)


def test_discretization_adapt_matches_keras(keras_oracle):
    for i, (bins, eps) in enumerate([(4, 0.01), (7, 0.1), (3, 0.001)]):
        layer = Discretization(num_bins=bins, epsilon=eps)
        layer.adapt(VALUES)
        np.testing.assert_allclose(layer.bin_boundaries, keras_oracle[f"single{i}"], rtol=1e-6)
    layer = Discretization(num_bins=5)
    layer.adapt([BATCHED[:20], BATCHED[20:35], BATCHED[35:]])
    np.testing.assert_allclose(layer.bin_boundaries, keras_oracle["batches"], rtol=1e-6)
    np.testing.assert_array_equal(to_numpy(layer(BATCHED)), keras_oracle["batches_out"])


def test_discretization_adapts_from_a_dataset_and_runs_in_tf_data(backend):
    import tensorflow as tf
    layer = Discretization(num_bins=4, epsilon=0.001)
    layer.adapt(tf.data.Dataset.from_tensor_slices(VALUES).batch(1000))
    np.testing.assert_allclose(layer.bin_boundaries, np.quantile(VALUES, [0.25, 0.5, 0.75]), atol=0.02)
    got = through_tf_data(layer, VALUES[:10].reshape(5, 2), batch_size=2)
    np.testing.assert_array_equal(got, np.digitize(VALUES[:10].reshape(5, 2), layer.bin_boundaries))
    out, _ = through_model(layer, VALUES[:10].reshape(5, 2))
    np.testing.assert_array_equal(out, got)


def test_discretization_config_keeps_adapted_boundaries():
    layer = Discretization(num_bins=3, output_mode="one_hot", name="d")
    layer.adapt(VALUES)
    config = layer.get_config()
    clone = Discretization.from_config(config)
    assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 3
    np.testing.assert_array_equal(to_numpy(clone(VALUES[:4])), to_numpy(layer(VALUES[:4])))
    assert Discretization.from_config(Discretization([1.0]).get_config()).bin_boundaries == [1.0]


@pytest.mark.parametrize("kwargs, match", [
    ({}, "exactly one of"),
    ({"bin_boundaries": [1.0], "num_bins": 2}, "exactly one of"),
    ({"num_bins": -1}, "`num_bins` must be an int >= 0"),
    ({"bin_boundaries": [2.0, 1.0]}, "must be sorted"),
    ({"num_bins": 2, "epsilon": 0.0}, "`epsilon`"),
    ({"num_bins": 2, "output_mode": "tf_idf"}, "`output_mode`"),
    ({"num_bins": 2, "sparse": True}, "`sparse=True` needs an encoded"),
])
def test_discretization_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Discretization(**kwargs)


def test_discretization_needs_boundaries():
    with pytest.raises(ValueError, match="call `adapt`"):
        Discretization(num_bins=3)(VALUES)
    with pytest.raises(ValueError, match="only a layer made with `num_bins`"):
        Discretization([0.0]).adapt(VALUES)
