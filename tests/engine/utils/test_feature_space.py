"""FeatureSpace: every feature kind and crosses vs real Keras 3 (one oracle subprocess for the
file), NumPy references, every backend, tf.data, a model on top, `.keras` files both ways."""

import json
import types
import zipfile

import h5py
import numpy as np
import pytest

import kerasnb
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import KerasTensor
from kerasnb.utils import FeatureSpace
from tests.engine.layers.preprocessing.oracle import run_scripts

N = 24
_rng = np.random.RandomState(0)


def _categorical(values, counts):
    """`values` repeated `counts` times (distinct counts: no frequency ties), shuffled."""
    return _rng.permutation(np.repeat(np.array(values), counts))


TRAIN = {
    "f": _rng.normal(size=N).astype("float32"),
    "n": (_rng.normal(size=N) * 3 + 1).astype("float32"),
    "r": _rng.uniform(0, 10, N).astype("float32"),
    "d": _rng.uniform(size=N).astype("float32"),
    "ic": _categorical([3, 7, 11, 20], [9, 7, 5, 3]),
    "sc": _categorical(["red", "green", "blue", "cyan"], [10, 7, 4, 3]),
    "ih": _rng.randint(0, 1000, N),
    "sh": _rng.choice(["x", "y", "z", "w", "v"], N),
    "c": _categorical([1, 2, 3, 4, 5], [8, 6, 5, 3, 2]),
}
QUERY = {key: value.copy() for key, value in TRAIN.items()}
QUERY["sc"] = QUERY["sc"].astype("<U6")
QUERY["sc"][:2] = ["purple", "red"]  # out of vocabulary, then known
QUERY["ic"][0], QUERY["c"][1] = 99, 42
DICT_FEATURES = ("sc", "ic", "d", "n")

# Run by both sides (kerasnb here, Keras in the oracle), so the specs cannot drift apart.
BUILD = '''
def build_spaces(keras):
    FS = keras.utils.FeatureSpace
    concat = FS(
        {"f": "float", "n": "float_normalized", "r": FS.float_rescaled(scale=0.5, offset=1.0),
         "d": "float_discretized", "ic": "integer_categorical", "sc": "string_categorical",
         "ih": "integer_hashed", "sh": FS.string_hashed(num_bins=5),
         "c": FS.feature(dtype="int32", preprocessor=keras.layers.IntegerLookup(max_tokens=4),
                         output_mode="one_hot")},
        crosses=[("sc", "ic"), FS.cross(("sh", "ih"), crossing_dim=4)],
        crossing_dim=8, hashing_dim=6, num_discretization_bins=4)
    as_dict = FS(
        {"sc": FS.string_categorical(max_tokens=3, output_mode="int"),
         "ic": FS.integer_categorical(num_oov_indices=2),
         "d": FS.float_discretized(num_bins=3, output_mode="int"),
         "n": "float_normalized"},
        output_mode="dict", crosses=[FS.cross(("sc", "ic"), crossing_dim=5, output_mode="int")])
    return concat, as_dict
'''

ORACLE = BUILD + '''
train = {k[len("train_"):]: v for k, v in list(globals().items()) if k.startswith("train_")}
query = {k[len("query_"):]: v for k, v in list(globals().items()) if k.startswith("query_")}
row = {k: v[0] for k, v in query.items()}
concat, as_dict = build_spaces(keras)
concat.adapt(train)
as_dict.adapt({k: train[k] for k in ''' + repr(DICT_FEATURES) + '''})
keep("concat", concat(query))
keep("concat_row", concat(row))
encoded = as_dict({k: query[k] for k in ''' + repr(DICT_FEATURES) + '''})
keep("dict_keys", np.array(list(encoded)))
for key, value in encoded.items():
    keep("dict/" + key, value)
for key, value in as_dict({k: row[k] for k in ''' + repr(DICT_FEATURES) + '''}).items():
    keep("dict_row/" + key, value)
concat.save(str(folder) + "/keras.keras")
keep("ours_in_keras", keras.models.load_model(str(folder) + "/ours.keras")(query))
'''


def build_spaces(module):
    namespace = {}
    exec(BUILD, namespace)
    return namespace["build_spaces"](module)


def _dict_part(data):
    return {key: data[key] for key in DICT_FEATURES}


def _numpy(x):
    return np.asarray(kerasnb.ops.convert_to_numpy(x))


@pytest.fixture(scope="module")
def spaces(tmp_path_factory):
    """Our two spaces adapted on TRAIN (our `.keras` file saved), and what Keras computed."""
    folder = tmp_path_factory.mktemp("feature_space")
    with engine_backend.use_backend("numpy"):
        concat, as_dict = build_spaces(kerasnb)
        concat.adapt(TRAIN)
        as_dict.adapt(_dict_part(TRAIN))
        concat.save(folder / "ours.keras")
    inputs = {**{f"train_{k}": v for k, v in TRAIN.items()},
              **{f"query_{k}": v for k, v in QUERY.items()}, "folder": np.array(str(folder))}
    expected = run_scripts({"feature_space": (ORACLE, inputs)})["feature_space"]
    return types.SimpleNamespace(concat=concat, as_dict=as_dict, keras=expected, folder=folder)


# Against Keras -------------------------------------------------------------------------------

def test_concat_matches_keras(spaces):
    out = spaces.concat(QUERY)
    expected = spaces.keras["concat"]
    assert out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_single_row_matches_keras(spaces):
    row = spaces.concat({key: value[0] for key, value in QUERY.items()})
    assert row.shape == spaces.keras["concat_row"].shape == (spaces.keras["concat"].shape[1],)
    np.testing.assert_allclose(row, spaces.keras["concat_row"], rtol=1e-5, atol=1e-6)
    single = spaces.as_dict({key: QUERY[key][0] for key in DICT_FEATURES})
    for key, value in single.items():
        np.testing.assert_array_equal(_numpy(value), spaces.keras[f"dict_row/{key}"])


def test_dict_matches_keras(spaces):
    out = spaces.as_dict(_dict_part(QUERY))
    assert list(out) == list(spaces.keras["dict_keys"]) == ["d", "ic", "n", "sc", "sc_X_ic"]
    for key, value in out.items():
        expected = spaces.keras[f"dict/{key}"]
        value = _numpy(value)
        assert value.shape == expected.shape, key
        assert value.dtype.kind == expected.dtype.kind, key
        np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-6, err_msg=key)
    assert out["ic"].shape == (N, 6) and out["ic"].dtype == np.float32  # 2 OOV + 4 values


def test_keras_loads_our_file(spaces):
    np.testing.assert_allclose(spaces.keras["ours_in_keras"], spaces.keras["concat"], rtol=1e-5,
                               atol=1e-6)


def test_we_load_keras_file(spaces):
    loaded = kerasnb.saving.load_model(spaces.folder / "keras.keras")
    assert isinstance(loaded, FeatureSpace)
    np.testing.assert_allclose(_numpy(loaded(QUERY)), spaces.keras["concat"], rtol=1e-5, atol=1e-6)


def _h5_paths(path):
    with zipfile.ZipFile(path) as archive:
        members = sorted(archive.namelist())
        with archive.open("model.weights.h5") as handle, h5py.File(handle, "r") as h5:
            groups = []
            h5.visit(groups.append)
        config = json.loads(archive.read("config.json"))
    return members, sorted(groups), config


def test_file_layout_matches_keras(spaces):
    ours, theirs = _h5_paths(spaces.folder / "ours.keras"), _h5_paths(spaces.folder / "keras.keras")
    assert ours[0] == theirs[0]  # metadata, config, weights, the two vocabulary assets
    assert ours[1] == theirs[1]  # every weights path, e.g. preprocessors/normalization/vars/0
    for config in (ours[2], theirs[2]):
        assert (config["module"], config["class_name"]) == ("keras.utils", "FeatureSpace")
    kinds = [{name: (f["class_name"], f["config"]["preprocessor"]["class_name"])
              for name, f in config["config"]["features"].items()} for config in (ours[2], theirs[2])]
    assert kinds[0] == kinds[1]
    assert sorted(ours[2]["build_config"]) == sorted(theirs[2]["build_config"])


# NumPy references ----------------------------------------------------------------------------

def test_concat_blocks_vs_numpy(spaces):
    """Each block of the concatenated vector (features by name, then crosses) by hand."""
    out = spaces.concat(QUERY)
    vocab = {"c": 4, "d": 4, "f": 1, "ic": 5, "ih": 6, "n": 1, "r": 1, "sc": 5, "sh": 5,
             "sc_X_ic": 8, "sh_X_ih": 4}
    assert out.shape == (N, sum(vocab.values()))
    starts = dict(zip(vocab, np.cumsum([0] + list(vocab.values()))))
    block = {name: out[:, starts[name]:starts[name] + width] for name, width in vocab.items()}
    np.testing.assert_allclose(block["f"][:, 0], QUERY["f"])
    np.testing.assert_allclose(block["r"][:, 0], QUERY["r"] * 0.5 + 1.0, rtol=1e-6)
    n = TRAIN["n"].astype("float64")
    np.testing.assert_allclose(block["n"][:, 0], (QUERY["n"] - n.mean()) / n.std(), rtol=1e-4)
    for name in ("c", "d", "ic", "ih", "sc", "sh", "sc_X_ic", "sh_X_ih"):
        np.testing.assert_array_equal(block[name].sum(axis=1), np.ones(N), err_msg=name)
    # vocabularies by frequency (OOV first): sc = [UNK, red, green, blue, cyan]
    colors = ["[UNK]", "red", "green", "blue", "cyan"]
    np.testing.assert_array_equal(block["sc"].argmax(1), [colors.index(v) if v in colors else 0
                                                          for v in QUERY["sc"]])
    ints = [-1, 3, 7, 11, 20]
    np.testing.assert_array_equal(block["ic"].argmax(1), [ints.index(v) if v in ints else 0
                                                          for v in QUERY["ic"]])
    bins = np.digitize(QUERY["d"], spaces.concat.preprocessors["d"].bin_boundaries)
    np.testing.assert_array_equal(block["d"].argmax(1), bins)


# Backends, tf.data, symbolic graph -----------------------------------------------------------

def test_every_backend(backend, spaces):
    out = spaces.concat(QUERY)
    assert kerasnb.ops.is_tensor(out) and kerasnb.backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_allclose(_numpy(out), spaces.keras["concat"], rtol=1e-5, atol=1e-6)
    for key, value in spaces.as_dict(_dict_part(QUERY)).items():
        assert kerasnb.ops.is_tensor(value), key
        np.testing.assert_allclose(_numpy(value), spaces.keras[f"dict/{key}"], rtol=1e-5, atol=1e-6)


def test_in_tf_data_while_on_jax(spaces):
    tf = pytest.importorskip("tensorflow")
    engine_backend.set_backend("jax")
    labels = np.arange(N)
    batched = tf.data.Dataset.from_tensor_slices((QUERY, labels)).batch(10)
    encoded = list(batched.map(lambda x, y: (spaces.concat(x), y)).as_numpy_iterator())
    np.testing.assert_allclose(np.concatenate([x for x, _ in encoded]), spaces.keras["concat"],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.concatenate([y for _, y in encoded]), labels)
    rows = tf.data.Dataset.from_tensor_slices(_dict_part(QUERY)).map(spaces.as_dict)
    first = next(rows.as_numpy_iterator())
    assert sorted(first) == ["d", "ic", "n", "sc", "sc_X_ic"]
    for key, value in first.items():
        np.testing.assert_allclose(value, spaces.keras[f"dict_row/{key}"], rtol=1e-5, atol=1e-6)


def test_symbolic_inputs_and_encoding(spaces):
    inputs = spaces.concat.get_inputs()
    assert list(inputs) == list(TRAIN)
    assert {k: (v.shape, v.dtype) for k, v in inputs.items() if k in ("f", "ic", "sc")} == {
        "f": ((None, 1), "float32"), "ic": ((None, 1), "int32"), "sc": ((None, 1), "string")}
    encoded = spaces.concat.get_encoded_features()
    assert isinstance(encoded, KerasTensor)
    assert encoded.shape == (None, spaces.keras["concat"].shape[1]) and encoded.dtype == "float32"
    as_dict = spaces.as_dict.get_encoded_features()
    assert {k: (v.shape, v.dtype) for k, v in as_dict.items()} == {
        "d": ((None, 1), "int32"), "ic": ((None, 6), "float32"), "n": ((None, 1), "float32"),
        "sc": ((None, 1), "int64"), "sc_X_ic": ((None, 1), "int64")}


def test_model_on_top(trainable_backend, spaces):
    """Keras's structured-data recipe: train on the encoded vectors, then serve raw dicts."""
    kerasnb.utils.set_random_seed(0)
    encoded = spaces.concat.get_encoded_features()
    hidden = kerasnb.layers.Dense(8, activation="relu")(encoded)
    predictions = kerasnb.layers.Dense(1, activation="sigmoid")(hidden)
    training_model = kerasnb.Model(encoded, predictions)
    training_model.compile(optimizer=kerasnb.optimizers.Adam(0.1), loss="binary_crossentropy",
                           metrics=["accuracy"])
    x = _numpy(spaces.concat(TRAIN))
    y = (TRAIN["n"] > np.median(TRAIN["n"])).astype("float32")
    history = training_model.fit(x, y, epochs=25, batch_size=N, verbose=0).history
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] >= 0.9
    serving = kerasnb.Model(spaces.concat.get_inputs(), predictions)
    raw = {key: value.reshape(-1, 1) for key, value in QUERY.items()}
    np.testing.assert_allclose(_numpy(serving(raw)), _numpy(training_model(spaces.concat(QUERY))),
                               rtol=1e-5, atol=1e-6)


# Adapting, configs, saving -------------------------------------------------------------------

def _learned(space):
    return (space.preprocessors["sc"].get_vocabulary(), space.preprocessors["ic"].get_vocabulary(),
            space.preprocessors["d"].bin_boundaries, _numpy(space.preprocessors["n"].mean).tolist())


@pytest.mark.parametrize("source", ["rows", "batches", "pairs", "list"])
def test_adapt_sources(source, spaces):
    tf = pytest.importorskip("tensorflow") if source != "list" else None
    data = _dict_part(TRAIN)
    dataset = {
        "rows": lambda: tf.data.Dataset.from_tensor_slices(data),
        "batches": lambda: tf.data.Dataset.from_tensor_slices(data).batch(5),
        "pairs": lambda: tf.data.Dataset.from_tensor_slices((data, np.zeros(N))).batch(7),
        "list": lambda: [{k: v[:10] for k, v in data.items()}, {k: v[10:] for k, v in data.items()}],
    }[source]()
    _, space = build_spaces(kerasnb)
    space.adapt(dataset)
    assert _learned(space)[:2] == _learned(spaces.as_dict)[:2]
    np.testing.assert_allclose(_learned(space)[3], _learned(spaces.as_dict)[3], rtol=1e-6)
    np.testing.assert_allclose(_learned(space)[2], _learned(spaces.as_dict)[2], rtol=1e-6)


def test_config_round_trip():
    concat, _ = build_spaces(kerasnb)
    config = concat.get_config()
    copy = FeatureSpace.from_config(json.loads(json.dumps(kerasnb.saving.serialize_keras_object(
        concat)))["config"])
    assert json.dumps(copy.get_config(), sort_keys=True) == json.dumps(config, sort_keys=True)
    assert [c.name for c in copy.crosses] == ["sc_X_ic", "sh_X_ih"]
    assert type(copy.preprocessors["c"]).__name__ == "IntegerLookup"
    with pytest.raises(ValueError, match="adapt"):
        copy(QUERY)


def test_save_and_load_on_another_backend(spaces, tmp_path):
    engine_backend.set_backend("torch")
    path = tmp_path / "space.keras"
    spaces.concat.save(path)
    loaded = kerasnb.saving.load_model(path)
    assert loaded.name == spaces.concat.name
    np.testing.assert_allclose(_numpy(loaded(QUERY)), spaces.keras["concat"], rtol=1e-5, atol=1e-6)
    assert _numpy(loaded.preprocessors["n"].mean).tolist() == _numpy(
        spaces.concat.preprocessors["n"].mean).tolist()


def test_features_that_learn_nothing_need_no_adapt():
    space = FeatureSpace({"a": "float", "b": FeatureSpace.float_rescaled(scale=2.0),
                          "h": FeatureSpace.integer_hashed(num_bins=3),
                          "k": FeatureSpace.float_discretized(num_bins=None, bin_boundaries=[0.0, 1.0])})
    out = _numpy(space({"a": np.array([1, 2]), "b": [3.0, 4.0], "h": [5, 5], "k": [-1.0, 0.5]}))
    assert out.shape == (2, 1 + 1 + 3 + 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out[:, :2], [[1.0, 6.0], [2.0, 8.0]])
    np.testing.assert_array_equal(out[:, 2:5].sum(1), [1, 1])
    np.testing.assert_array_equal(out[:, 5:], [[1, 0, 0], [0, 1, 0]])


def test_custom_text_feature():
    texts = np.array(["red fox", "lazy dog", "red dog jumps"])
    vectorizer = kerasnb.layers.TextVectorization(output_mode="tf_idf", max_tokens=6)
    space = FeatureSpace({"text": FeatureSpace.feature("string", vectorizer, "float"),
                          "x": "float"})
    space.adapt({"text": texts, "x": np.arange(3.0)})
    out = _numpy(space({"text": texts, "x": np.arange(3.0)}))
    np.testing.assert_allclose(out[:, :-1], _numpy(vectorizer(texts[:, None])), rtol=1e-6)
    np.testing.assert_array_equal(out[:, -1], np.arange(3.0))


# Errors --------------------------------------------------------------------------------------

def test_bad_arguments():
    with pytest.raises(ValueError, match="'x' has an unknown type 'text_thing'"):
        FeatureSpace({"x": "text_thing"})
    with pytest.raises(ValueError, match="non-empty dict"):
        FeatureSpace({})
    with pytest.raises(ValueError, match="`output_mode` must be one of 'concat', 'dict'"):
        FeatureSpace({"x": "float"}, output_mode="list")
    with pytest.raises(ValueError, match=r"not in `features`: \['z'\]"):
        FeatureSpace({"x": "string_hashed", "y": "string_hashed"}, crosses=[("x", "z")])
    with pytest.raises(ValueError, match="at least two feature names"):
        FeatureSpace.cross(("x",), crossing_dim=4)
    with pytest.raises(ValueError, match="`output_mode` must be one of 'int', 'one_hot', 'float'"):
        FeatureSpace.feature("float32", kerasnb.layers.Rescaling(1.0), "multi_hot")
    with pytest.raises(TypeError, match="`preprocessor` must be a layer"):
        FeatureSpace.feature("float32", lambda x: x, "float")
    with pytest.raises(ValueError, match="make 3 bins, but num_bins=5"):
        FeatureSpace.float_discretized(num_bins=5, bin_boundaries=[0.0, 1.0])


def test_not_adapted():
    space = FeatureSpace({"x": "float_normalized", "y": "float"})
    for use in (lambda: space({"x": [1.0], "y": [2.0]}), space.get_inputs, space.get_encoded_features):
        with pytest.raises(ValueError, match=r"call `adapt\(dataset\)`.*\['x'\]"):
            use()


def test_bad_calls(spaces):
    with pytest.raises(ValueError, match=r"the data has no \['n'\]; expected every feature"):
        spaces.as_dict({"sc": QUERY["sc"], "ic": QUERY["ic"], "d": QUERY["d"]})
    with pytest.raises(ValueError, match="called on a dict"):
        spaces.as_dict(np.zeros((2, 4)))
    with pytest.raises(TypeError, match="a dict of arrays or an iterable of dict batches"):
        build_spaces(kerasnb)[1].adapt(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"the data has no \['n'\]"):
        build_spaces(kerasnb)[1].adapt({k: TRAIN[k] for k in ("sc", "ic", "d")})


def test_encodings_that_cannot_work():
    unencoded = FeatureSpace({"k": FeatureSpace.integer_categorical(output_mode="int")})
    with pytest.raises(ValueError, match="cannot concatenate feature 'k'.*dtype int64"):
        unencoded.adapt({"k": np.array([1, 2])})
    floats = FeatureSpace({"x": FeatureSpace.feature("float32", kerasnb.layers.Rescaling(2.0),
                                                     "one_hot")})
    with pytest.raises(ValueError, match="'x' has output_mode='one_hot'.*outputs float32"):
        floats({"x": np.array([1.0])})
