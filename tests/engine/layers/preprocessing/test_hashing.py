"""Hashing and HashedCrossing: TensorFlow's exact hashes in NumPy, vs TF and real Keras."""

import numpy as np
import pytest

from kerasnb.engine.layers.preprocessing import HashedCrossing, Hashing
from kerasnb.engine.layers.preprocessing.hash_functions import fingerprint64, siphash
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.preprocessing.helpers import through_model, through_tf_data
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(5)
WORDS = np.array([["apple"], ["banana"], ["cherry"], [""], ["déjà vu"], ["apple"]])
INTS = RNG.integers(-1000, 10**12, (7, 3))
FLOATS = np.array([[1.7, -2.2], [3.0, 1e6]], "float32")
CROSS_A = np.array([3, 7, 3, -1, 2**40])
CROSS_B = np.array(["x", "y", "x", "zz", "é"])

KERAS_ORACLE = ("""
H = keras.layers.Hashing
keep("words", H(num_bins=17)(words))
keep("words_salt", H(num_bins=17, salt=[11, 29])(words))
keep("words_salt_int", H(num_bins=1000, salt=133)(words))
keep("words_mask", H(num_bins=5, mask_value="apple")(words))
keep("ints", H(num_bins=101)(ints))
keep("ints_mask", H(num_bins=9, mask_value=int(ints[0, 0]))(ints))
keep("floats", H(num_bins=13)(floats))
keep("multi_hot", H(num_bins=6, output_mode="multi_hot")(ints))
keep("count", H(num_bins=6, output_mode="count")(ints))
keep("one_hot", H(num_bins=6, output_mode="one_hot")(words))
X = keras.layers.HashedCrossing
keep("cross_int_str", X(num_bins=23)((cross_a, cross_b)))
keep("cross_str_int", X(num_bins=23)((cross_b, cross_a)))
keep("cross_three", X(num_bins=1000)((cross_b, cross_a, cross_a[::-1])))
keep("cross_one_hot", X(num_bins=4, output_mode="one_hot")((cross_a[:, None], cross_b[:, None])))
""", {"words": WORDS, "ints": INTS, "floats": FLOATS, "cross_a": CROSS_A, "cross_b": CROSS_B})


def test_hash_functions_match_tensorflow():
    import tensorflow as tf
    strings = [bytes(RNG.integers(0, 256, n).astype(np.uint8)) for n in range(0, 200, 3)] + ["çà", ""]
    buckets = 2**63 - 25
    np.testing.assert_array_equal(fingerprint64(strings) % np.uint64(buckets),
                                  tf.strings.to_hash_bucket_fast(strings, buckets).numpy())
    np.testing.assert_array_equal(siphash(strings, (7, 2**50)) % np.uint64(buckets),
                                  tf.strings.to_hash_bucket_strong(strings, buckets, [7, 2**50]).numpy())


def test_hashing_matches_keras(keras_oracle, backend):
    cases = {"words": ({"num_bins": 17}, WORDS), "words_salt": ({"num_bins": 17, "salt": [11, 29]}, WORDS),
             "words_salt_int": ({"num_bins": 1000, "salt": 133}, WORDS),
             "words_mask": ({"num_bins": 5, "mask_value": "apple"}, WORDS),
             "ints": ({"num_bins": 101}, INTS), "ints_mask": ({"num_bins": 9, "mask_value": int(INTS[0, 0])}, INTS),
             "floats": ({"num_bins": 13}, FLOATS),
             "multi_hot": ({"num_bins": 6, "output_mode": "multi_hot"}, INTS),
             "count": ({"num_bins": 6, "output_mode": "count"}, INTS),
             "one_hot": ({"num_bins": 6, "output_mode": "one_hot"}, WORDS)}
    for name, (kwargs, x) in cases.items():
        got = to_numpy(Hashing(**kwargs)(x))
        expected = keras_oracle[name]
        assert got.dtype == expected.dtype and got.shape == expected.shape, name
        np.testing.assert_array_equal(got, expected, err_msg=name)


def test_hashed_crossing_matches_keras(keras_oracle, backend):
    np.testing.assert_array_equal(to_numpy(HashedCrossing(23)((CROSS_A, CROSS_B))), keras_oracle["cross_int_str"])
    np.testing.assert_array_equal(to_numpy(HashedCrossing(23)([CROSS_B, CROSS_A])), keras_oracle["cross_str_int"])
    np.testing.assert_array_equal(to_numpy(HashedCrossing(1000)([CROSS_B, CROSS_A, CROSS_A[::-1]])),
                                  keras_oracle["cross_three"])
    out = to_numpy(HashedCrossing(4, output_mode="one_hot")([CROSS_A[:, None], CROSS_B[:, None]]))
    np.testing.assert_array_equal(out, keras_oracle["cross_one_hot"])
    assert out.dtype == keras_oracle["cross_one_hot"].dtype


def test_hashing_in_tf_data_and_in_models(backend):
    layer = Hashing(num_bins=17, salt=3)
    expected = to_numpy(layer(WORDS))
    np.testing.assert_array_equal(through_tf_data(layer, WORDS, batch_size=4), expected)
    ints = Hashing(num_bins=50, output_mode="count")
    got, model = through_model(ints, INTS, dtype="int64")
    np.testing.assert_array_equal(got, to_numpy(ints(INTS)))
    np.testing.assert_array_equal(to_numpy(model.predict(INTS, verbose=0)), got)  # compiled predict
    cross = HashedCrossing(9)
    expected = to_numpy(cross((CROSS_A, CROSS_B)))
    import tensorflow as tf
    dataset = tf.data.Dataset.from_tensor_slices((CROSS_A, CROSS_B)).batch(2).map(lambda a, b: cross((a, b)))
    np.testing.assert_array_equal(np.concatenate(list(dataset.as_numpy_iterator())), expected)


def test_symbolic_outputs():
    assert Hashing(5)(KerasTensor((None, 3), "int32")).dtype == "int64"
    out = Hashing(5, output_mode="multi_hot")(KerasTensor((None, 3), "int32"))
    assert out.shape == (None, 5) and out.dtype == "float32"
    out = HashedCrossing(5, output_mode="one_hot")([KerasTensor((None,), "int32")] * 2)
    assert out.shape == (None, 5)


def test_config_round_trips():
    layer = Hashing(7, mask_value="", salt=(1, 2), output_mode="one_hot", name="h")
    config = layer.get_config()
    assert config["salt"] == [1, 2] and Hashing.from_config(config).get_config() == config
    cross = HashedCrossing(7, name="c")
    assert HashedCrossing.from_config(cross.get_config()).get_config() == cross.get_config()


@pytest.mark.parametrize("kwargs, match", [
    ({"num_bins": 0}, "`num_bins` must be a positive int"),
    ({"num_bins": 3, "salt": "x"}, "`salt` must be an int or a pair"),
    ({"num_bins": 3, "output_mode": "tf_idf"}, "`output_mode`"),
    ({"num_bins": 3, "dtype": "float32"}, "needs dtype 'int32' or 'int64'"),
    ({"num_bins": 3, "sparse": True}, "`sparse=True` needs"),
])
def test_hashing_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Hashing(**kwargs)


def test_hashed_crossing_bad_inputs():
    with pytest.raises(ValueError, match="at least two features"):
        HashedCrossing(3)(CROSS_A)
    with pytest.raises(ValueError, match="same shape"):
        HashedCrossing(3)([CROSS_A, CROSS_A[:2]])
    with pytest.raises(ValueError, match="integers or strings"):
        HashedCrossing(3)([CROSS_A, CROSS_A.astype("float32")])
    with pytest.raises(ValueError, match="`output_mode`"):
        HashedCrossing(3, output_mode="multi_hot")
