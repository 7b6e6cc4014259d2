"""StringLookup and IntegerLookup: vs real Keras, every backend, tf.data, models, saving
(TF-IDF `.keras` files both ways)."""

import functools
import tempfile
from pathlib import Path

import numpy as np
import pytest

import kerasnb
from kerasnb.engine import backend as engine_backend, config
from kerasnb.engine.layers.preprocessing import IntegerLookup, StringLookup
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.preprocessing.helpers import through_tf_data
from tests.engine.ops.checks import to_numpy

WORDS = np.array([["a", "b", "zz"], ["c", "a", ""], ["é", "b", "b"]])
VOCAB = ["a", "b", "c", "é"]
INTS = np.array([[12, 1138, 0, 7], [8, 36, 36, -5]])
CORPUS = np.array([["x", "y", "x", "w"], ["y", "x", "v", "v"], ["u", "x", "y", "t"]])
STRING_CASES = {
    "plain": {}, "mask": {"mask_token": ""}, "oov3": {"num_oov_indices": 3},
    "oov3_salt": {"num_oov_indices": 3, "salt": [3, 4]},
    "multi_hot": {"output_mode": "multi_hot"}, "count_mask": {"output_mode": "count", "mask_token": ""},
    "one_hot": {"output_mode": "one_hot"}, "padded": {"output_mode": "multi_hot", "max_tokens": 8,
                                                      "pad_to_max_tokens": True},
    "tf_idf": {"output_mode": "tf_idf", "idf_weights": [0.5, 1.0, 2.0, 3.0]},
}
INT_CASES = {
    "plain": {}, "mask_oov2": {"mask_token": 0, "num_oov_indices": 2},
    "farmhash": {"num_oov_indices": 2, "oov_method": "farmhash", "salt": 3},
    "farmhash_unsalted": {"num_oov_indices": 5, "oov_method": "farmhash"}, "count": {"output_mode": "count"},
}
TF_IDF_INTS = np.array([[12, 36, 36, 5], [7, 12, 9, 0], [5, 5, 5, 12]])
# Written with `layers` = keras.layers or kerasnb.layers, then `adapt`ed / `set_vocabulary`d
# (padded adapted layers are left out: Keras 3.15 cannot reload even its own).
TF_IDF_LAYERS = ("[adapted(layers.StringLookup(output_mode='tf_idf'), corpus), "
                 "layers.StringLookup(output_mode='tf_idf', vocabulary=['x', 'v', 'zz'], "
                 "idf_weights=[0.5, 1.5, 2.0]), adapted(layers.IntegerLookup(output_mode='tf_idf', "
                 "max_tokens=4), tfidf_ints), given(layers.IntegerLookup(output_mode='tf_idf', "
                 "mask_token=0), [-1, 12, 9, 5], [0.7, 1.0, 2.0, 3.0])]")
ADAPT_CASES = {"max4": {"max_tokens": 4}, "tf_idf": {"output_mode": "tf_idf"},
               "tf_idf_pad": {"output_mode": "tf_idf", "max_tokens": 5, "pad_to_max_tokens": True},
               "mask_oov2": {"mask_token": "v", "num_oov_indices": 2}}

KERAS_ORACLE = (f"""
S, I = keras.layers.StringLookup, keras.layers.IntegerLookup
layers = keras.layers
def adapted(layer, data):
    layer.adapt(data)
    return layer
def given(layer, vocabulary, idf_weights):
    layer.set_vocabulary(vocabulary, idf_weights=idf_weights)
    return layer
for name, kwargs in {STRING_CASES!r}.items():
    layer = S(vocabulary={VOCAB!r}, **kwargs)
    keep("s_" + name, layer(words))
    keep("s_" + name + "_vocab", np.array(layer.get_vocabulary(), dtype=object))
for name, kwargs in {INT_CASES!r}.items():
    keep("i_" + name, I(vocabulary=[12, 36, 1138, 42], **kwargs)(ints))
keep("invert", S(vocabulary={VOCAB!r}, invert=True, mask_token="[M]")(np.array([[0, 1, 2, 5, 9]])))
keep("invert_int", I(vocabulary=[12, 36], invert=True)(np.array([[0, 1, 2, 3]])))
for name, kwargs in {ADAPT_CASES!r}.items():
    layer = S(**kwargs)
    layer.adapt(corpus)
    keep("a_" + name + "_vocab", np.array(layer.get_vocabulary(), dtype=object))
    keep("a_" + name, layer(corpus))
    if kwargs.get("output_mode") == "tf_idf":
        keep("a_" + name + "_idf", layer.idf_weights)
flat = S(output_mode="tf_idf")
flat.adapt(corpus.reshape(-1))
keep("a_flat_idf", flat.idf_weights)
ints_adapted = I()
ints_adapted.adapt(np.array([5, 5, 3, 3, 9, 1]))
keep("a_ints_vocab", np.array(ints_adapted.get_vocabulary()))
import tempfile
with tempfile.TemporaryDirectory() as folder:
    words_in, ints_in = keras.Input((4,), dtype="string"), keras.Input((4,), dtype="int64")
    model = keras.Model([words_in, ints_in], [layer(x) for layer, x in zip(
        {TF_IDF_LAYERS}, [words_in, words_in, ints_in, ints_in])])
    model.save(folder + "/theirs.keras")
    keep("tfidf_file", np.frombuffer(open(folder + "/theirs.keras", "rb").read(), "uint8"))
    for index, out in enumerate(model([corpus, tfidf_ints])):
        keep(f"tfidf_out{{index}}", out)
    open(folder + "/ours.keras", "wb").write(ours.tobytes())
    for index, out in enumerate(keras.saving.load_model(folder + "/ours.keras")([corpus, tfidf_ints])):
        keep(f"ours_out{{index}}", out)
""", lambda: {"words": WORDS, "ints": INTS, "corpus": CORPUS, "tfidf_ints": TF_IDF_INTS,
              "ours": np.frombuffer(tf_idf_model_file()[0], "uint8")})


def _tf_idf_layers():
    """The kerasnb twins of the layers `TF_IDF_LAYERS` writes."""
    def adapted(layer, data):
        layer.adapt(data)
        return layer

    def given(layer, vocabulary, idf_weights):
        layer.set_vocabulary(vocabulary, idf_weights=idf_weights)
        return layer

    return eval(TF_IDF_LAYERS, {"layers": kerasnb.layers, "adapted": adapted, "given": given,  # noqa: S307
                                "corpus": CORPUS, "tfidf_ints": TF_IDF_INTS})


@functools.lru_cache(maxsize=None)
def tf_idf_model_file():
    """The TF-IDF lookups as a kerasnb model saved to `.keras`: (file bytes, its outputs)."""
    with engine_backend.use_backend("numpy"), tempfile.TemporaryDirectory() as folder:
        words, ints = kerasnb.Input((4,), dtype="string"), kerasnb.Input((4,), dtype="int64")
        model = kerasnb.Model([words, ints], [layer(x) for layer, x in zip(
            _tf_idf_layers(), [words, words, ints, ints])])
        model.save(f"{folder}/ours.keras")
        return Path(f"{folder}/ours.keras").read_bytes(), [to_numpy(o) for o in model([CORPUS, TF_IDF_INTS])]


def _strings(x):
    return np.array([v.decode() if isinstance(v, bytes) else v for v in np.asarray(x).reshape(-1)],
                    dtype=object).reshape(np.shape(x))


def test_string_lookup_matches_keras(keras_oracle, backend):
    for name, kwargs in STRING_CASES.items():
        layer = StringLookup(vocabulary=VOCAB, **kwargs)
        got, expected = to_numpy(layer(WORDS)), keras_oracle["s_" + name]
        assert got.dtype == expected.dtype, name
        np.testing.assert_allclose(got, expected, rtol=1e-6, err_msg=name)
        assert layer.get_vocabulary() == list(keras_oracle["s_" + name + "_vocab"]), name


def test_integer_lookup_matches_keras(keras_oracle, backend):
    for name, kwargs in INT_CASES.items():
        got = to_numpy(IntegerLookup(vocabulary=[12, 36, 1138, 42], **kwargs)(INTS))
        np.testing.assert_array_equal(got, keras_oracle["i_" + name], err_msg=name)


def test_invert_matches_keras(keras_oracle, backend):
    out = StringLookup(vocabulary=VOCAB, invert=True, mask_token="[M]")(np.array([[0, 1, 2, 5, 9]]))
    assert list(_strings(out)[0]) == list(_strings(keras_oracle["invert"])[0])
    if backend != "tensorflow":
        assert isinstance(out, np.ndarray)  # strings stay NumPy off TensorFlow
    out = IntegerLookup(vocabulary=[12, 36], invert=True)(np.array([[0, 1, 2, 3]]))
    np.testing.assert_array_equal(to_numpy(out), keras_oracle["invert_int"])


def test_adapt_matches_keras(keras_oracle):
    for name, kwargs in ADAPT_CASES.items():
        layer = StringLookup(**kwargs)
        layer.adapt(CORPUS)
        assert layer.get_vocabulary() == list(keras_oracle["a_" + name + "_vocab"]), name
        np.testing.assert_allclose(to_numpy(layer(CORPUS)), keras_oracle["a_" + name], rtol=1e-6)
        if kwargs.get("output_mode") == "tf_idf":
            np.testing.assert_allclose(layer.idf_weights.numpy(), keras_oracle["a_" + name + "_idf"], rtol=1e-6)
    flat = StringLookup(output_mode="tf_idf")
    flat.adapt(CORPUS.reshape(-1))  # one token per document
    np.testing.assert_allclose(flat.idf_weights.numpy(), keras_oracle["a_flat_idf"], rtol=1e-6)
    ints = IntegerLookup()
    ints.adapt(np.array([5, 5, 3, 3, 9, 1]))
    assert ints.get_vocabulary() == list(keras_oracle["a_ints_vocab"])


def test_adapt_from_datasets_and_generators():
    import tensorflow as tf
    reference = StringLookup()
    reference.adapt(CORPUS)
    from_dataset = StringLookup()
    from_dataset.adapt(tf.data.Dataset.from_tensor_slices(CORPUS).batch(2))
    assert from_dataset.get_vocabulary() == reference.get_vocabulary()
    from_batches = StringLookup()
    from_batches.adapt(iter([CORPUS[:1], CORPUS[1:]]))
    assert from_batches.get_vocabulary() == reference.get_vocabulary()
    first_only = StringLookup()
    first_only.adapt(iter([CORPUS[:1], CORPUS[1:]]), steps=1)
    assert first_only.get_vocabulary() == ["[UNK]", "x", "y", "w"]


def test_lookups_inside_tf_data(backend):
    layer = StringLookup(vocabulary=VOCAB, output_mode="count")
    np.testing.assert_array_equal(through_tf_data(layer, WORDS, batch_size=2), to_numpy(layer(WORDS)))
    inverse = StringLookup(vocabulary=VOCAB, invert=True)
    back = through_tf_data(inverse, through_tf_data(StringLookup(vocabulary=VOCAB), WORDS, batch_size=2),
                           batch_size=2)
    assert _strings(back).tolist() == [[w if w in VOCAB else "[UNK]" for w in row] for row in WORDS.tolist()]
    ints = IntegerLookup(vocabulary=[12, 36], num_oov_indices=2)
    np.testing.assert_array_equal(through_tf_data(ints, INTS), to_numpy(ints(INTS)))


def test_lookups_inside_models(backend):
    inputs = kerasnb.Input(shape=(3,), dtype="string")
    assert inputs.dtype == "string"
    layer = StringLookup(vocabulary=VOCAB, output_mode="multi_hot")
    model = kerasnb.Model(inputs, layer(inputs))
    assert model.outputs[0].shape == (None, 5) and model.outputs[0].dtype == "int64"
    out = model(WORDS)
    assert engine_backend.get().is_tensor(out)
    np.testing.assert_array_equal(to_numpy(out), to_numpy(layer(WORDS)))
    numbers = kerasnb.Input(shape=(4,), dtype="int64")
    ints = IntegerLookup(vocabulary=[12, 36, 1138], output_mode="count")
    int_model = kerasnb.Model(numbers, ints(numbers))
    np.testing.assert_array_equal(to_numpy(int_model.predict(INTS, verbose=0)), to_numpy(ints(INTS)))


def test_adapted_vocabulary_and_idf_weights_survive_a_keras_file(tmp_path, backend):
    lookup = StringLookup(output_mode="tf_idf", max_tokens=6, pad_to_max_tokens=True)
    lookup.adapt(CORPUS)
    ints = IntegerLookup(mask_token=0)
    ints.adapt(INTS)
    words, numbers = kerasnb.Input(shape=(4,), dtype="string"), kerasnb.Input(shape=(4,), dtype="int64")
    model = kerasnb.Model([words, numbers], [lookup(words), ints(numbers)])
    path = tmp_path / "lookup.keras"
    model.save(str(path))
    import zipfile
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/string_lookup/vocabulary.txt" in names
    restored = kerasnb.saving.load_model(str(path))
    for got, expected in zip(restored([CORPUS, INTS]), model([CORPUS, INTS])):
        np.testing.assert_allclose(to_numpy(got), to_numpy(expected), rtol=1e-6)
    assert restored.layers[2].get_vocabulary() == lookup.get_vocabulary()
    folder = tmp_path / "unzipped"
    model.save(str(folder), zipped=False)
    assert (folder / "assets" / "layers" / "integer_lookup" / "vocabulary.txt").is_file()
    unzipped = kerasnb.saving.load_model(str(folder))
    assert unzipped.layers[3].get_vocabulary() == ints.get_vocabulary()


def test_keras_tf_idf_files_load_with_the_same_outputs(keras_oracle, tmp_path, backend):
    path = tmp_path / "theirs.keras"
    path.write_bytes(keras_oracle["tfidf_file"].tobytes())
    restored = kerasnb.saving.load_model(str(path))
    for index, out in enumerate(restored([CORPUS, TF_IDF_INTS])):
        np.testing.assert_allclose(to_numpy(out), keras_oracle[f"tfidf_out{index}"], rtol=1e-6)
    # kerasnb builds the same layers to the same weights, and Keras reads its file back alike
    _, ours = tf_idf_model_file()
    for index, out in enumerate(ours):
        np.testing.assert_allclose(out, keras_oracle[f"tfidf_out{index}"], rtol=1e-6)
        np.testing.assert_allclose(keras_oracle[f"ours_out{index}"], out, rtol=1e-6)


def test_tf_idf_weights_are_stored_under_keras_dataset_names(tmp_path):
    import h5py
    import io
    import zipfile
    data, _ = tf_idf_model_file()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, h5py.File(
            io.BytesIO(archive.read("model.weights.h5"))) as weights:
        assert sorted(weights["layers/string_lookup/vars"]) == ["idf_weights"]
        np.testing.assert_allclose(weights["layers/string_lookup_1/vars/idf_weights"][()],
                                   [np.mean([0.5, 1.5, 2.0]), 0.5, 1.5, 2.0], rtol=1e-6)
    broken = tmp_path / "broken.keras"
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(broken, "w") as out:
        for name in archive.namelist():
            content = archive.read(name)
            if name == "model.weights.h5":
                buffer = io.BytesIO(content)
                with h5py.File(buffer, "a") as weights:
                    weights.move("layers/string_lookup/vars/idf_weights", "layers/string_lookup/vars/0")
                content = buffer.getvalue()
            out.writestr(name, content)
    with pytest.raises(ValueError, match=r"string_lookup/vars lacks the datasets \['idf_weights'\]"):
        kerasnb.saving.load_model(str(broken))


def test_config_round_trips():
    layer = StringLookup(vocabulary=VOCAB, mask_token="", num_oov_indices=2, salt=7, name="s")
    config = layer.get_config()
    assert config["vocabulary"] == VOCAB and "vocabulary_dtype" not in config and config["salt"] == [7, 7]
    clone = StringLookup.from_config(config)
    assert clone.get_config() == config and clone.get_vocabulary() == layer.get_vocabulary()
    revived = serialization.deserialize_keras_object(serialization.serialize_keras_object(clone))
    assert revived.get_vocabulary() == layer.get_vocabulary()
    tfidf = StringLookup(vocabulary=VOCAB, output_mode="tf_idf", idf_weights=[1.0, 2.0, 3.0, 4.0])
    clone = StringLookup.from_config(tfidf.get_config())
    np.testing.assert_allclose(clone.idf_weights.numpy(), tfidf.idf_weights.numpy())
    ints = IntegerLookup(vocabulary=np.array([3, 4]), mask_token=np.int64(0))
    assert ints.get_config()["vocabulary"] == [3, 4] and ints.get_config()["mask_token"] == 0


def test_vocabulary_files(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("b\na\n\n", encoding="utf-8")
    layer = StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "b", "a"]
    config = layer.get_config()
    assert config["vocabulary"] is None  # a learned-like vocabulary: saved as an asset
    with pytest.raises(ValueError, match="refused in safe mode"):
        serialization.deserialize_keras_object(
            {"class_name": "StringLookup", "config": dict(config, vocabulary=str(path))})
    config_ = dict(config, vocabulary=str(path))
    loaded = serialization.deserialize_keras_object({"class_name": "StringLookup", "config": config_},
                                                    safe_mode=False)
    assert loaded.get_vocabulary() == ["[UNK]", "b", "a"]


def test_symbolic_outputs():
    words = KerasTensor((None, 3), "string")
    assert StringLookup(vocabulary=VOCAB)(words).dtype == "int64"
    assert StringLookup(vocabulary=VOCAB, invert=True)(KerasTensor((None, 3), "int64")).dtype == "string"
    out = StringLookup(vocabulary=VOCAB, output_mode="tf_idf", idf_weights=[1.0] * 4)(words)
    assert out.shape == (None, 5) and out.dtype == config.floatx()
    assert StringLookup(vocabulary=VOCAB, output_mode="one_hot")(words).shape == (None, 3, 5)


@pytest.mark.parametrize("kwargs, match", [
    ({"max_tokens": 1}, "`max_tokens` must be None or an int > 1"),
    ({"max_tokens": None, "pad_to_max_tokens": True}, "needs `max_tokens`"),
    ({"num_oov_indices": -1}, "`num_oov_indices`"),
    ({"oov_method": "md5"}, "`oov_method`"),
    ({"salt": "x"}, "`salt` must be an int or a pair"),
    ({"output_mode": "bag"}, "`output_mode`"),
    ({"invert": True, "output_mode": "count"}, "`invert=True` needs"),
    ({"idf_weights": [1.0]}, "only used with output_mode='tf_idf'"),
    ({"vocabulary": ["a", "a"]}, "repeats tokens"),
    ({"vocabulary": ["a", ""], "mask_token": ""}, "mask token ''"),
    ({"vocabulary": ["a", "b", "c"], "max_tokens": 3}, "more than max_tokens=3"),
    ({"vocabulary": ["a"], "output_mode": "tf_idf"}, "give `idf_weights` too"),
    ({"vocabulary": ["a"], "output_mode": "tf_idf", "idf_weights": [1.0, 2.0]}, "one weight per"),
    ({"vocabulary": "/no/such/file.txt"}, "does not exist"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        StringLookup(**kwargs)


def test_bad_uses():
    with pytest.raises(ValueError, match="only vocabulary_dtype='int64'"):
        IntegerLookup(vocabulary_dtype="int32")
    with pytest.raises(ValueError, match="`salt` is only used with oov_method='farmhash'"):
        IntegerLookup(salt=1)
    with pytest.raises(ValueError, match="cannot adapt a layer given a fixed vocabulary"):
        StringLookup(vocabulary=VOCAB).adapt(CORPUS)
    with pytest.raises(RuntimeError, match="set the vocabulary"):
        StringLookup(output_mode="multi_hot")(WORDS)
    strict = StringLookup(vocabulary=VOCAB, num_oov_indices=0, mask_token="zz")
    np.testing.assert_array_equal(to_numpy(strict(np.array([["é", "zz", "a"]]))), [[4, 0, 1]])
    with pytest.raises(ValueError, match="num_oov_indices=0 every input must be in the vocabulary"):
        strict(WORDS)
    layer = StringLookup(vocabulary=VOCAB, output_mode="count")
    with pytest.raises(RuntimeError, match="vocabulary size cannot change"):
        layer.set_vocabulary(["a"])
