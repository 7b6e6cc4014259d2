"""`.weights.h5` and `.keras` files: round trips across backends, checks on mismatching,
corrupt and foreign files, and atomic writes (interop with real Keras: test_keras_interop.py)."""

import json
import os
import zipfile

import h5py
import numpy as np
import pytest

from kerasnb import Input, Model, Sequential, layers, saving
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.saving import model_file, weights_file
from kerasnb.engine.saving.model_file import load_model, save_model
from kerasnb.engine.saving.weights_file import load_weights, save_weights
from kerasnb.engine.tensors import Variable
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(7)
X4 = RNG.standard_normal((5, 4)).astype("float32")
X3 = RNG.standard_normal((5, 3)).astype("float32")
BACKEND_PAIRS = [("torch", "jax"), ("jax", "tensorflow"), ("tensorflow", "numpy"), ("numpy", "torch")]


def mlp(units=3):
    return Sequential([Input((4,)), layers.Dense(units, activation="relu", name="d1"),
                       layers.BatchNormalization(name="bn"), layers.Dense(2, name="d2")], name="seq")


def mlp_reference(weights, x):
    kernel1, bias1, gamma, beta, mean, variance, kernel2, bias2 = weights
    hidden = np.maximum(x @ kernel1 + bias1, 0)
    normed = gamma * (hidden - mean) / np.sqrt(variance + 1e-3) + beta
    return normed @ kernel2 + bias2


def two_input_model():
    a, b = Input((4,), name="a"), Input((3,), name="b")
    shared = layers.Dense(2, name="shared")
    inner = Sequential([layers.Dense(2, name="inner_dense")], name="inner")
    merged = layers.Concatenate(name="concat")([shared(a), inner(b), shared(a)])
    return Model([a, b], layers.Dense(1, name="head")(merged), name="twin")


def two_input_reference(weights, a, b):
    shared_k, shared_b, inner_k, inner_b, head_k, head_b = weights
    left = a @ shared_k + shared_b
    return np.concatenate([left, b @ inner_k + inner_b, left], axis=-1) @ head_k + head_b


@saving.register_keras_serializable(package="test_files")
class TwoHeads(Model):
    """A subclassed model: a layer attribute, a list of layers, and a weight of its own."""

    def __init__(self, width=3, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.body = layers.Dense(width, activation="tanh")
        self.heads = [layers.Dense(1), layers.Dense(2)]
        self.offset = self.add_weight(shape=(2,), initializer="random_normal", name="offset")

    def call(self, x):
        hidden = self.body(x)
        return [self.heads[0](hidden), self.heads[1](hidden) + self.offset]

    def get_config(self):
        return {**super().get_config(), "width": self.width}

    def get_build_config(self):
        return {"input_shape": (None, self.body.kernel.shape[0])}

    def build_from_config(self, config):
        self.build(tuple(config["input_shape"]))


def two_heads_reference(model_weights, x):
    offset, body_k, body_b, h1_k, h1_b, h2_k, h2_b = model_weights
    hidden = np.tanh(x @ body_k + body_b)
    return [hidden @ h1_k + h1_b, hidden @ h2_k + h2_b + offset]


def file_tree(path):
    """{hdf5 path: (shape or None, attributes)} of an HDF5 file."""
    tree = {}
    with h5py.File(path, "r") as h5_file:
        h5_file.visititems(lambda name, obj: tree.__setitem__(
            name, (getattr(obj, "shape", None), dict(obj.attrs))))
    return tree


def same_weights(left, right):
    assert len(left) == len(right)
    for a, b in zip(left, right):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def scratch_files(directory):
    return sorted(os.listdir(directory))


# Round trips ---------------------------------------------------------------------------------

@pytest.mark.parametrize("save_on,load_on", BACKEND_PAIRS)
def test_sequential_weights_round_trip_across_backends(tmp_path, save_on, load_on):
    engine_backend.set_backend(save_on)
    model = mlp()
    model.layers[1].set_weights([RNG.uniform(0.5, 2, 3).astype("float32") for _ in range(4)])
    expected = model.get_weights()
    save_weights(model, tmp_path / "m.weights.h5")
    engine_backend.set_backend(load_on)
    fresh = mlp()
    load_weights(fresh, str(tmp_path / "m.weights.h5"))
    same_weights(fresh.get_weights(), expected)
    np.testing.assert_allclose(to_numpy(fresh(X4)), mlp_reference(expected, X4), rtol=1e-5, atol=1e-5)
    assert scratch_files(tmp_path) == ["m.weights.h5"]


@pytest.mark.parametrize("save_on,load_on", BACKEND_PAIRS)
def test_functional_multi_input_model_file_round_trip(tmp_path, save_on, load_on):
    engine_backend.set_backend(save_on)
    model = two_input_model()
    expected = model.get_weights()
    save_model(model, tmp_path / "twin.keras")
    engine_backend.set_backend(load_on)
    restored = load_model(tmp_path / "twin.keras")
    assert restored.name == "twin" and [l.name for l in restored.layers] == [l.name for l in model.layers]
    same_weights(restored.get_weights(), expected)
    np.testing.assert_allclose(to_numpy(restored([X4, X3])), two_input_reference(expected, X4, X3),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("save_on,load_on", BACKEND_PAIRS[:2])
def test_subclassed_model_round_trip(tmp_path, save_on, load_on):
    engine_backend.set_backend(save_on)
    model = TwoHeads(width=4, name="heads_model")
    model(X4)
    expected = model.get_weights()
    save_model(model, tmp_path / "sub.keras")
    save_weights(model, tmp_path / "sub.weights.h5")
    tree = file_tree(tmp_path / "sub.weights.h5")
    assert {"body/vars/0", "heads/dense/vars/1", "heads/dense_1/vars/0", "vars/0"} <= set(tree)
    assert tree["heads/dense_1/vars"][1] == {"name": model.heads[1].name}
    engine_backend.set_backend(load_on)
    restored = load_model(tmp_path / "sub.keras")
    assert isinstance(restored, TwoHeads) and restored.width == 4 and restored.built
    same_weights(restored.get_weights(), expected)
    for got, want in zip(restored(X4), two_heads_reference(expected, X4)):
        np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5, atol=1e-5)
    by_custom_objects = load_model(tmp_path / "sub.keras", custom_objects={"test_files>TwoHeads": TwoHeads})
    same_weights(by_custom_objects.get_weights(), expected)


def test_unzipped_directory_round_trip_and_load_weights_from_model_file(tmp_path, backend):
    model = mlp()
    save_model(model, tmp_path / "saved_dir", zipped=False)
    assert sorted(os.listdir(tmp_path / "saved_dir")) == ["config.json", "metadata.json", "model.weights.h5"]
    same_weights(load_model(tmp_path / "saved_dir").get_weights(), model.get_weights())
    save_model(mlp(), tmp_path / "saved_dir", zipped=False)  # overwrite swaps the whole directory
    assert scratch_files(tmp_path) == ["saved_dir"]
    save_model(model, tmp_path / "m.keras")
    other = mlp()
    load_weights(other, tmp_path / "m.keras")
    same_weights(other.get_weights(), model.get_weights())


def test_bfloat16_and_integer_variables_round_trip(tmp_path):
    engine_backend.set_backend("numpy")
    model = Sequential([Input((4,)), layers.Dense(3, dtype="bfloat16", name="half")])
    counter = Variable(np.array([3, 4], "int32"), dtype="int32", trainable=False, name="counter")
    model.layers[0].counter = counter
    save_weights(model, tmp_path / "h.weights.h5")
    with h5py.File(tmp_path / "h.weights.h5", "r") as h5_file:
        assert h5_file["layers/dense/vars/0"].attrs["dtype"] == "bfloat16"
        np.testing.assert_array_equal(h5_file["layers/dense/vars/2"][()], [3, 4])
    engine_backend.set_backend("jax")
    fresh = Sequential([Input((4,)), layers.Dense(3, dtype="bfloat16", name="half")])
    fresh.layers[0].counter = Variable(np.zeros(2, "int32"), dtype="int32", trainable=False, name="counter")
    load_weights(fresh, tmp_path / "h.weights.h5")
    same_weights(fresh.get_weights(), model.get_weights())
    assert str(fresh.get_weights()[0].dtype) == "bfloat16"


# Compiled models: compile config and optimizer state ------------------------------------------

def test_compiled_model_saves_compile_config_and_optimizer_state(tmp_path, trainable_backend):
    model = mlp()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.optimizer.build(model.trainable_variables)
    for index, variable in enumerate(model.optimizer.variables):
        variable.assign(np.full(variable.shape, index + 1, "float32"))
    save_model(model, tmp_path / "c.keras")
    with zipfile.ZipFile(tmp_path / "c.keras") as archive:
        config = json.loads(archive.read("config.json"))
        (tmp_path / "c.h5").write_bytes(archive.read("model.weights.h5"))
    assert config["compile_config"]["loss"] == "mse" and config["compile_config"]["metrics"] == ["mae"]
    tree = file_tree(tmp_path / "c.h5")
    assert tree["optimizer/vars"][1] == {"name": model.optimizer.name}
    slots = len([k for k in tree if k.startswith("optimizer/vars/")])
    assert slots == len(model.optimizer.variables) == 2 + 2 * len(model.trainable_variables)
    engine_backend.set_backend("numpy")
    restored = load_model(tmp_path / "c.keras")
    assert restored.compiled
    assert restored.get_compile_config()["optimizer"] == config["compile_config"]["optimizer"]
    same_weights([v.numpy() for v in restored.optimizer.variables],
                 [v.numpy() for v in model.optimizer.variables])
    same_weights(restored.get_weights(), model.get_weights())
    assert load_model(tmp_path / "c.keras", compile=False).optimizer is None
    save_model(model, tmp_path / "plain.keras", include_optimizer=False)
    with zipfile.ZipFile(tmp_path / "plain.keras") as archive:
        assert "compile_config" not in json.loads(archive.read("config.json"))
        (tmp_path / "plain.h5").write_bytes(archive.read("model.weights.h5"))
    assert "optimizer" not in file_tree(tmp_path / "plain.h5")
    unbuilt_optimizer = mlp()
    unbuilt_optimizer.compile(optimizer="adam", loss="mse")
    with pytest.warns(UserWarning, match="Skipping the optimizer state"):
        load_weights(unbuilt_optimizer, tmp_path / "c.keras")
    same_weights(unbuilt_optimizer.get_weights(), model.get_weights())


# Mismatches -----------------------------------------------------------------------------------

def test_shape_mismatch_names_the_layer_and_assigns_nothing(tmp_path, backend):
    save_weights(mlp(), tmp_path / "m.weights.h5")
    wider = mlp(units=5)
    before = wider.get_weights()
    with pytest.raises(ValueError, match=r"Dense 'd1' \(path 'layers/dense'\): variable 'kernel' "
                                         r"expects shape \(4, 5\); the file holds shape \(4, 3\)"):
        load_weights(wider, tmp_path / "m.weights.h5")
    same_weights(wider.get_weights(), before)  # not even the matching layers were filled


def test_count_mismatch_and_skip_mismatch(tmp_path, backend):
    model = mlp()
    save_weights(model, tmp_path / "m.weights.h5")
    no_bias = Sequential([Input((4,)), layers.Dense(3, activation="relu", use_bias=False, name="d1"),
                          layers.BatchNormalization(name="bn"), layers.Dense(2, name="d2")])
    before = no_bias.get_weights()
    with pytest.raises(ValueError, match=r"Dense 'd1' .* expects 1 variables \['kernel'\]; the file holds 2"):
        load_weights(no_bias, tmp_path / "m.weights.h5")
    with pytest.warns(UserWarning, match="skip_mismatch=True"):
        load_weights(no_bias, tmp_path / "m.weights.h5", skip_mismatch=True)
    same_weights(no_bias.get_weights()[:1], before[:1])
    same_weights(no_bias.get_weights()[1:], model.get_weights()[2:])


def test_unbuilt_model_asks_to_be_built(tmp_path, backend):
    save_weights(mlp(), tmp_path / "m.weights.h5")
    lazy = Sequential([layers.Dense(3, name="d1"), layers.BatchNormalization(name="bn"), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"not built.*build the model"):
        load_weights(lazy, tmp_path / "m.weights.h5")


# Bad paths, corrupt, truncated and foreign files -----------------------------------------------

def test_wrong_extensions_and_bad_arguments(tmp_path):
    engine_backend.set_backend("numpy")
    model = mlp()
    with pytest.raises(ValueError, match=r"ending in '.weights.h5'; received filepath='.*m.h5'"):
        save_weights(model, str(tmp_path / "m.h5"))
    with pytest.raises(ValueError, match="legacy Keras 2 HDF5"):
        save_model(model, str(tmp_path / "m.h5"))
    with pytest.raises(ValueError, match=r"ending in '.keras'"):
        save_model(model, str(tmp_path / "m.weights.h5"))
    with pytest.raises(ValueError, match=r"ending in '.keras'"):
        load_model(str(tmp_path / "m.txt"))
    with pytest.raises(TypeError, match="`filepath` of `save_weights` must be a str"):
        save_weights(model, 3)
    with pytest.raises(ValueError, match="unsupported keyword arguments \\['compression'\\]"):
        save_model(model, tmp_path / "m.keras", compression=True)
    with pytest.raises(ValueError, match="writes a directory, whose name must not end in '.keras'"):
        save_model(model, tmp_path / "m.keras", zipped=False)
    with pytest.raises(FileNotFoundError, match="No model file"):
        load_model(tmp_path / "missing.keras")
    with pytest.raises(FileNotFoundError, match="No weights file"):
        load_weights(model, tmp_path / "missing.weights.h5")
    assert scratch_files(tmp_path) == []


def test_overwrite_false_refuses_and_keeps_the_file(tmp_path):
    engine_backend.set_backend("numpy")
    for path, save in ((tmp_path / "m.weights.h5", save_weights), (tmp_path / "m.keras", save_model)):
        save(mlp(), path)
        before = path.read_bytes()
        with pytest.raises(FileExistsError, match="already exists and `overwrite=False`"):
            save(mlp(), path, overwrite=False)
        assert path.read_bytes() == before
    save_model(mlp(), tmp_path / "d_dir", zipped=False)
    with pytest.raises(FileExistsError):
        save_model(mlp(), tmp_path / "d_dir", zipped=False, overwrite=False)
    assert scratch_files(tmp_path) == ["d_dir", "m.keras", "m.weights.h5"]


def test_corrupt_truncated_and_foreign_weights_files(tmp_path):
    engine_backend.set_backend("numpy")
    model = mlp()
    good = tmp_path / "good.weights.h5"
    save_weights(model, good)
    truncated = tmp_path / "cut.weights.h5"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    text = tmp_path / "text.weights.h5"
    text.write_text("not hdf5 at all")
    foreign = tmp_path / "foreign.weights.h5"
    with h5py.File(foreign, "w") as h5_file:
        h5_file["model_weights/dense/kernel"] = np.zeros((4, 3))
    renamed = tmp_path / "renamed.weights.h5"
    renamed.write_bytes(good.read_bytes())
    with h5py.File(renamed, "r+") as h5_file:
        h5_file.move("layers/dense/vars/1", "layers/dense/vars/bias")
    before = model.get_weights()
    for path, reason in ((truncated, "not a readable HDF5 weights file"), (text, "not a readable HDF5"),
                         (foreign, "not a Keras 3 weights file: it has no top-level 'vars' group"),
                         (renamed, "layers/dense/vars is not a group of datasets named '0', '1'")):
        with pytest.raises(ValueError, match=reason) as info:
            load_weights(model, path)
        assert str(path) in str(info.value)
    same_weights(model.get_weights(), before)


def test_corrupt_truncated_and_foreign_model_files(tmp_path):
    engine_backend.set_backend("numpy")
    good = tmp_path / "good.keras"
    save_model(mlp(), good)
    data = good.read_bytes()

    def archive(name, members):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as out:
            for member, content in members.items():
                out.writestr(member, content)
        return path

    with zipfile.ZipFile(good) as source:
        members = {n: source.read(n) for n in source.namelist()}
    nested_unknown = json.loads(members["config.json"])
    nested_unknown["config"]["layers"][1].update(module="keras.layers", class_name="Mystery")
    save_model(mlp(units=5), tmp_path / "wide.keras")
    with zipfile.ZipFile(tmp_path / "wide.keras") as source:
        other_weights = source.read("model.weights.h5")
    cases = {
        "truncated": ((tmp_path / "cut.keras"), "not a zip archive"),
        "not zip": ((tmp_path / "text.keras"), "not a zip archive"),
        "no config": (archive("noconf.keras", {"model.weights.h5": members["model.weights.h5"]}),
                      "has no 'config.json'"),
        "bad json": (archive("json.keras", {**members, "config.json": b"{oops"}), "not valid JSON"),
        "not a model": (archive("list.keras", {**members, "config.json": b'{"a": 1}'}),
                        "does not describe a model"),
        "unknown class": (archive("unknown.keras", {**members, "config.json": json.dumps(
            {"module": "mine", "class_name": "Mystery", "config": {}, "registered_name": "x>Mystery"})}),
            "cannot rebuild the model.*Unknown object"),
        "bad weights": (archive("weights.keras", {**members, "model.weights.h5": b"junk"}),
                        "model.weights.h5 in .* is not a readable HDF5"),
        "bad compile": (archive("compile.keras", {**members, "config.json": json.dumps(
            {**json.loads(members["config.json"]), "compile_config": {"optimizer": {
                "module": "keras.optimizers", "class_name": "NoSuchOptimizer", "config": {}}}})}),
            "cannot restore the compile settings.*compile=False"),
        "missing weights": (archive("noweights.keras", {n: members[n] for n in ("metadata.json",
                                                                                  "config.json")}),
                            "has no 'model.weights.h5'"),
        "random bytes": ((tmp_path / "random.keras"), "not a zip archive"),
        "damaged member": ((tmp_path / "crc.keras"), "damaged `.keras` archive"),
        "unknown layer": (archive("layer.keras", {**members, "config.json": json.dumps(nested_unknown)}),
                          "cannot rebuild the model.*Unknown object 'Mystery'"),
        "other weights": (archive("other.keras", {**members, "model.weights.h5": other_weights}),
                          r"Dense 'd1' .* expects shape \(4, 3\); the file holds shape \(4, 5\)"),
    }
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 3])
    (tmp_path / "text.keras").write_text("hello")
    (tmp_path / "random.keras").write_bytes(b"PK\x03\x04" + RNG.bytes(2000))
    flipped = bytearray(data)
    start = data.index(b"\x89HDF")  # inside the stored weights member
    flipped[start + 600:start + 700] = bytes(100)
    (tmp_path / "crc.keras").write_bytes(bytes(flipped))
    for case, (path, reason) in cases.items():
        with pytest.raises(ValueError, match=reason) as info:
            load_model(path)
        assert str(path) in str(info.value), case
    weights_only = tmp_path / "w.weights.h5"
    save_weights(mlp(), weights_only)
    with pytest.raises(ValueError, match="ending in '.keras'"):
        load_model(weights_only)


# Atomic writes ---------------------------------------------------------------------------------

def test_failed_weights_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    engine_backend.set_backend("numpy")
    path = tmp_path / "m.weights.h5"
    save_weights(mlp(), path)
    before = path.read_bytes()

    def half_write(model, h5_file, include_optimizer=True):
        h5_file.create_group("vars")
        raise RuntimeError("disk full")

    monkeypatch.setattr(weights_file, "write_weights", half_write)
    with pytest.raises(RuntimeError, match="disk full"):
        save_weights(mlp(), path)
    assert path.read_bytes() == before and scratch_files(tmp_path) == ["m.weights.h5"]
    with pytest.raises(RuntimeError, match="disk full"):
        save_weights(mlp(), tmp_path / "new.weights.h5")
    assert scratch_files(tmp_path) == ["m.weights.h5"]


def test_failed_model_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    engine_backend.set_backend("numpy")
    path, directory = tmp_path / "m.keras", tmp_path / "d_dir"
    save_model(mlp(), path)
    save_model(mlp(), directory, zipped=False)
    before = path.read_bytes()
    before_dir = {n: (directory / n).read_bytes() for n in os.listdir(directory)}

    def half_archive(members, temp_path):
        with open(temp_path, "wb") as handle:
            handle.write(b"PK partial")
        raise OSError("write interrupted")

    monkeypatch.setattr(model_file, "write_archive", half_archive)
    with pytest.raises(OSError, match="write interrupted"):
        save_model(mlp(), path)
    assert path.read_bytes() == before and scratch_files(tmp_path) == ["d_dir", "m.keras"]

    real_open = open

    def failing_open(name, mode="r", *args, **kwargs):
        if "w" in mode and str(name).endswith("model.weights.h5"):
            raise OSError("no space left")
        return real_open(name, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(OSError, match="no space left"):
        save_model(mlp(), directory, zipped=False)
    monkeypatch.undo()
    assert {n: (directory / n).read_bytes() for n in os.listdir(directory)} == before_dir
    assert scratch_files(tmp_path) == ["d_dir", "m.keras"]


class Opaque(layers.Layer):
    """A layer whose config holds a plain Python object, which JSON cannot store."""

    def __init__(self, thing=None, **kwargs):
        super().__init__(**kwargs)
        self.thing = thing

    def get_config(self):
        return {**super().get_config(), "thing": self.thing}


def test_unserializable_layer_fails_the_save_and_writes_nothing(tmp_path):
    engine_backend.set_backend("numpy")
    path, directory = tmp_path / "m.keras", tmp_path / "d_dir"
    save_model(mlp(), path)
    save_model(mlp(), directory, zipped=False)
    before, before_dir = path.read_bytes(), sorted(os.listdir(directory))
    model = Sequential([Input((4,)), Opaque(thing=object(), name="opaque"), layers.Dense(2)])
    for target, zipped in ((path, None), (directory, False), (tmp_path / "new.keras", None)):
        with pytest.raises(TypeError, match=rf"Cannot save model .* to {target}: layer 'opaque' "
                                            r"\(Opaque\) returns a `get_config\(\)` that is not JSON"):
            save_model(model, target, zipped=zipped)
    assert path.read_bytes() == before and sorted(os.listdir(directory)) == before_dir
    assert scratch_files(tmp_path) == ["d_dir", "m.keras"]


def test_lambda_layers_load_only_outside_safe_mode(tmp_path):
    engine_backend.set_backend("numpy")
    model = Sequential([Input((4,)), layers.Lambda(lambda x: x * 2.0 + 1.0), layers.Dense(2)])
    save_model(model, tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match=r"lambda.keras: cannot rebuild .* safe mode.*safe_mode=False"):
        load_model(tmp_path / "lambda.keras")
    restored = load_model(tmp_path / "lambda.keras", safe_mode=False)
    kernel, bias = model.layers[1].get_weights()
    np.testing.assert_allclose(to_numpy(restored(X4)), (X4 * 2.0 + 1.0) @ kernel + bias, rtol=1e-5, atol=1e-6)
