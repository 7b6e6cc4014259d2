"""TextVectorization: vs real Keras on tricky text, every backend, tf.data, models, saving
(TF-IDF `.keras` files both ways), ragged outputs."""

import functools
import io
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

import kerasnb
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.layers.preprocessing import TextVectorization
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.preprocessing.helpers import through_tf_data
from tests.engine.ops.checks import to_numpy

TEXTS = np.array(["The quick brown fox!", "jumped over the LAZY dog.", "", "Ünïcödé  TEXT, with—dash",
                  "the the fox", "tabs\tand\nnew-lines\r\nhere"])
CASES = {
    "default": {}, "length": {"output_sequence_length": 4}, "long": {"output_sequence_length": 9},
    "bigrams": {"ngrams": 2, "output_mode": "multi_hot"}, "count": {"output_mode": "count", "max_tokens": 6},
    "tf_idf": {"output_mode": "tf_idf"}, "chars": {"split": "character", "output_sequence_length": 6},
    "raw_ngrams": {"standardize": None, "ngrams": (1, 3)},
    "lower": {"standardize": "lower", "output_mode": "count", "pad_to_max_tokens": True, "max_tokens": 20},
    "strip": {"standardize": "strip_punctuation"},
}

IDF_VOCABULARY = ["[UNK]", "the", "fox", "the fox", "dog"]
IDF_WEIGHTS = [0.1, 0.5, 1.5, 2.5, 3.0]

KERAS_ORACLE = (f"""
for name, kwargs in {CASES!r}.items():
    layer = keras.layers.TextVectorization(**kwargs)
    layer.adapt(texts)
    keep(name, layer(texts))
    keep(name + "_vocab", np.array(layer.get_vocabulary(), dtype=object))
given = keras.layers.TextVectorization(vocabulary=["fox", "the"], split=None, output_mode="one_hot")
keep("tokens_one_hot", given(np.array(["fox", "dog", "the"])))
idf = keras.layers.TextVectorization(output_mode="tf_idf", ngrams=2)
idf.set_vocabulary({IDF_VOCABULARY!r}, idf_weights={IDF_WEIGHTS!r})
keep("set_tf_idf", idf(texts))
for name, length in (("ragged", None), ("ragged_cut", 2)):
    layer = keras.layers.TextVectorization(ragged=True, output_sequence_length=length)
    layer.adapt(texts)
    out = layer(texts[:, None])
    keep(name + "_values", out.flat_values)
    keep(name + "_lengths", out.row_lengths())
import tempfile
with tempfile.TemporaryDirectory() as folder:
    adapted = keras.layers.TextVectorization(output_mode="tf_idf", max_tokens=12)
    adapted.adapt(texts)
    inputs = keras.Input((), dtype="string")
    keras.Model(inputs, [adapted(inputs), idf(inputs)]).save(folder + "/theirs.keras")
    keep("tfidf_file", np.frombuffer(open(folder + "/theirs.keras", "rb").read(), "uint8"))
    keep("tfidf_adapted", adapted(texts))
    open(folder + "/ours.keras", "wb").write(ours.tobytes())
    keep("ours_out", keras.saving.load_model(folder + "/ours.keras")(texts))
""", lambda: {"texts": TEXTS, "ours": np.frombuffer(tf_idf_model_file()[0], "uint8")})


@functools.lru_cache(maxsize=None)
def tf_idf_model_file():
    """An adapted TF-IDF TextVectorization as a kerasnb model saved to `.keras`: (file bytes,
    its outputs on TEXTS)."""
    with engine_backend.use_backend("numpy"), tempfile.TemporaryDirectory() as folder:
        layer = TextVectorization(output_mode="tf_idf", ngrams=2, max_tokens=15)
        layer.adapt(TEXTS)
        inputs = kerasnb.Input(shape=(), dtype="string")
        model = kerasnb.Model(inputs, layer(inputs))
        model.save(f"{folder}/ours.keras")
        return Path(f"{folder}/ours.keras").read_bytes(), to_numpy(model(TEXTS))


def test_matches_keras(keras_oracle, backend):
    for name, kwargs in CASES.items():
        layer = TextVectorization(**kwargs)
        layer.adapt(TEXTS)
        assert layer.get_vocabulary() == list(keras_oracle[name + "_vocab"]), name
        got, expected = to_numpy(layer(TEXTS)), keras_oracle[name]
        assert got.dtype == expected.dtype and got.shape == expected.shape, name
        np.testing.assert_allclose(got, expected, rtol=1e-6, err_msg=name)
    given = TextVectorization(vocabulary=["fox", "the"], split=None, output_mode="one_hot")
    np.testing.assert_array_equal(to_numpy(given(np.array(["fox", "dog", "the"]))), keras_oracle["tokens_one_hot"])


def test_shapes_of_rows_columns_and_single_texts():
    layer = TextVectorization(vocabulary=["a", "b"])
    np.testing.assert_array_equal(to_numpy(layer(np.array([["a b"], ["b"]]))), [[2, 3], [3, 0]])
    np.testing.assert_array_equal(to_numpy(layer("b a c")), [3, 2, 1])  # one text
    np.testing.assert_array_equal(to_numpy(layer([b"a", b"c b"])), [[2, 0], [1, 3]])  # bytes
    with pytest.raises(ValueError, match="rank 1 or a last dimension of 1"):
        layer(np.array([["a", "b"]]))


def test_callable_standardize_and_split():
    def shout(texts):
        return np.char.upper(texts)

    def on_commas(texts):
        return [t.split(",") for t in texts]

    layer = TextVectorization(standardize=shout, split=on_commas, vocabulary=["A", "B C"])
    np.testing.assert_array_equal(to_numpy(layer(np.array(["a,b c", "x"]))), [[2, 3], [1, 0]])


def test_inside_tf_data_and_a_model(backend):
    layer = TextVectorization(output_sequence_length=5)
    layer.adapt(TEXTS)
    expected = to_numpy(layer(TEXTS))
    np.testing.assert_array_equal(through_tf_data(layer, TEXTS, batch_size=4), expected)
    counts = TextVectorization(output_mode="count")
    counts.adapt(TEXTS)
    np.testing.assert_array_equal(through_tf_data(counts, TEXTS, batch_size=3), to_numpy(counts(TEXTS)))
    inputs = kerasnb.Input(shape=(), dtype="string")
    model = kerasnb.Model(inputs, layer(inputs))
    assert model.outputs[0].shape == (None, 5)
    np.testing.assert_array_equal(to_numpy(model(TEXTS)), expected)


def test_adapt_from_a_dataset_and_batches():
    import tensorflow as tf
    reference = TextVectorization()
    reference.adapt(TEXTS)
    from_dataset = TextVectorization()
    from_dataset.adapt(tf.data.Dataset.from_tensor_slices(TEXTS).batch(4))
    assert from_dataset.get_vocabulary() == reference.get_vocabulary()
    partial = TextVectorization()
    partial.adapt(iter([TEXTS[:2], TEXTS[2:]]), steps=1)
    assert "dog" in partial.get_vocabulary() and "tabs" not in partial.get_vocabulary()


def test_saved_and_loaded_with_the_learned_vocabulary(tmp_path, backend):
    layer = TextVectorization(output_mode="tf_idf", ngrams=2)
    layer.adapt(TEXTS)
    inputs = kerasnb.Input(shape=(), dtype="string")
    model = kerasnb.Model(inputs, layer(inputs))
    path = str(tmp_path / "text.keras")
    model.save(path)
    restored = kerasnb.saving.load_model(path)
    np.testing.assert_allclose(to_numpy(restored(TEXTS)), to_numpy(model(TEXTS)), rtol=1e-6)
    assert restored.layers[1].get_vocabulary() == layer.get_vocabulary()


def test_tf_idf_vocabularies_and_files_match_keras(keras_oracle, tmp_path, backend):
    layer = TextVectorization(output_mode="tf_idf", ngrams=2)
    layer.set_vocabulary(IDF_VOCABULARY, idf_weights=IDF_WEIGHTS)
    np.testing.assert_allclose(to_numpy(layer(TEXTS)), keras_oracle["set_tf_idf"], rtol=1e-6)
    path = tmp_path / "theirs.keras"
    path.write_bytes(keras_oracle["tfidf_file"].tobytes())
    adapted, given = kerasnb.saving.load_model(str(path))(TEXTS)
    np.testing.assert_allclose(to_numpy(adapted), keras_oracle["tfidf_adapted"], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(given), keras_oracle["set_tf_idf"], rtol=1e-6)
    data, ours = tf_idf_model_file()
    np.testing.assert_allclose(keras_oracle["ours_out"], ours, rtol=1e-6)  # read back by Keras
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # stored twice, as Keras does
        assert {"assets/layers/text_vectorization/vocabulary.txt",
                "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"} <= set(archive.namelist())


def test_ragged_outputs_match_keras(keras_oracle):
    import tensorflow as tf
    engine_backend.set_backend("tensorflow")
    for name, length in (("ragged", None), ("ragged_cut", 2)):
        layer = TextVectorization(ragged=True, output_sequence_length=length)
        layer.adapt(TEXTS)
        out = layer(TEXTS[:, None])
        assert isinstance(out, tf.RaggedTensor), name
        np.testing.assert_array_equal(out.flat_values.numpy(), keras_oracle[name + "_values"])
        np.testing.assert_array_equal(out.row_lengths().numpy(), keras_oracle[name + "_lengths"])
    texts = kerasnb.Input(shape=(), dtype="string")
    symbolic = layer(texts)
    assert symbolic.ragged and symbolic.shape == (None, None) and symbolic.dtype == "int64"
    model = kerasnb.Model(texts, symbolic)
    assert model(TEXTS).to_list() == out.to_list()
    one = layer("the fox jumped")  # one text: a dense row, as in Keras
    assert not isinstance(one, tf.RaggedTensor) and one.shape == (2,)
    with engine_backend.use_backend("jax"):  # inside tf.data whatever the session's backend
        batches = list(tf.data.Dataset.from_tensor_slices(TEXTS).batch(4).map(layer))
        assert all(isinstance(b, tf.RaggedTensor) for b in batches)
        assert tf.concat(batches, axis=0).to_list() == out.to_list()
        with pytest.raises(ValueError, match="`ragged=True` can only be used with the tensorflow "
                                             "backend .* the active backend is 'jax'"):
            layer(TEXTS)
        with pytest.raises(ValueError, match="`ragged=True` can only be used with the tensorflow"):
            TextVectorization(ragged=True)


def test_config_round_trip():
    layer = TextVectorization(max_tokens=9, ngrams=(1, 2), output_sequence_length=3,
                              vocabulary=["a", "b"], name="t")
    config = layer.get_config()
    assert config["vocabulary"] == ["a", "b"] and config["vocabulary_size"] == 4
    clone = TextVectorization.from_config(config)
    assert clone.get_config() == config
    revived = serialization.deserialize_keras_object(serialization.serialize_keras_object(layer))
    np.testing.assert_array_equal(to_numpy(revived(np.array(["a b"]))), to_numpy(layer(np.array(["a b"]))))


def test_symbolic_outputs():
    texts = KerasTensor((None,), "string")
    assert TextVectorization(output_sequence_length=7)(texts).shape == (None, 7)
    assert TextVectorization(vocabulary=["a"], output_mode="multi_hot")(texts).shape == (None, 2)


@pytest.mark.parametrize("kwargs, match", [
    ({"standardize": "upper"}, "`standardize`"),
    ({"split": "comma"}, "`split`"),
    ({"ngrams": 0}, "`ngrams`"),
    ({"output_mode": "count", "output_sequence_length": 3}, "only used with output_mode='int'"),
    ({"output_sequence_length": -1}, "`output_sequence_length`"),
    ({"output_mode": "words"}, "`output_mode`"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TextVectorization(**kwargs)
    with pytest.raises(ValueError, match="`ragged=True` needs output_mode='int'"):
        TextVectorization(ragged=True, output_mode="count")
