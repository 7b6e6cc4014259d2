"""`.keras` and `.weights.h5` files move both ways between kerasnb and real Keras 3.15.

Real Keras runs only in subprocesses (`keras_fixtures.py`, ``KERAS_BACKEND=numpy``): one
writes the whole zoo with Keras, one loads kerasnb's files of the zoo into Keras. Each
direction checks predictions (atol 1e-6), the file layout, and for the compiled model the
compile settings, optimizer state and `evaluate`.
"""

import collections
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

import kerasnb
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.saving.model_file import load_model
from tests.engine.ops.checks import to_numpy
from tests.engine.saving import keras_fixtures
from tests.engine.saving.keras_fixtures import BUILDERS, inputs_for, model_inputs, prediction_arrays

ZOO = list(BUILDERS)
REPO = Path(__file__).resolve().parents[3]


def run_keras(mode, directory):
    """Runs `keras_fixtures.py mode directory` with real Keras in a fresh process."""
    env = {**os.environ, "KERAS_BACKEND": "numpy", "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, keras_fixtures.__file__, mode, str(directory)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"Keras `{mode}` failed:\n{done.stderr[-4000:]}"
    with open(directory / "report.json") as handle:
        return json.load(handle)


@pytest.fixture(scope="session")
def keras_written(tmp_path_factory):
    """The zoo written by Keras: (directory, report)."""
    directory = tmp_path_factory.mktemp("keras_written")
    return directory, run_keras("write", directory)


@pytest.fixture(scope="session")
def kerasnb_written(tmp_path_factory):
    """The zoo written by kerasnb (numpy backend) and read back by Keras: (directory, Keras's
    report, kerasnb's compile report)."""
    directory = tmp_path_factory.mktemp("kerasnb_written")
    with engine_backend.use_backend("numpy"):
        for index, (name, build) in enumerate(BUILDERS.items()):
            kerasnb.utils.set_random_seed(index)
            model = build(kerasnb)
            keras_fixtures.perturb(model, index)
            arrays = inputs_for(name)
            outputs = model.predict(model_inputs(name, arrays), verbose=0)
            np.savez(directory / f"{name}.npz", **arrays, **prediction_arrays(outputs))
            model.save(directory / f"{name}.keras")
            model.save_weights(directory / f"{name}.weights.h5")
            if name == "compiled":
                ours = keras_fixtures.compile_report(model)
    return directory, run_keras("read", directory), ours


def expected_outputs(directory, name):
    return {k: v for k, v in np.load(directory / f"{name}.npz").items() if k.startswith("out_")}


def assert_same_outputs(got, want):
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-6, atol=1e-6, err_msg=key)


def predict(model, name):
    return {k: to_numpy(v) for k, v in
            prediction_arrays(model.predict(model_inputs(name, inputs_for(name)), verbose=0)).items()}


def file_tree(source):
    """{dataset path: (shape, dtype)} of an HDF5 weights file (path or file object), checking
    that every ``vars`` group carries the owner's name. Groups without variables are left
    out: Keras also writes them for variable-less sublayers kerasnb does not have (e.g. a
    MultiHeadAttention's softmax), and neither side needs them to load."""
    tree = {}

    def visit(path, obj):
        if isinstance(obj, h5py.Dataset):  # integers of any width (Keras's step counter is int64)
            tree[path] = (obj.shape, "int" if obj.dtype.kind in "iu" else str(obj.dtype))
        elif path.split("/")[-1] == "vars":
            assert isinstance(obj.attrs.get("name"), str), path

    with h5py.File(source, "r") as h5_file:
        h5_file.visititems(visit)
    return tree


def object_names(config, found=None):
    """Counter of ``(module, class_name, registered_name)`` over every object in a config."""
    found = collections.Counter() if found is None else found
    if isinstance(config, dict):
        if "class_name" in config:
            found[config.get("module"), config["class_name"], config.get("registered_name")] += 1
        for value in config.values():
            object_names(value, found)
    elif isinstance(config, list):
        for value in config:
            object_names(value, found)
    return found


def archive_member(path, member):
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


# Keras -> kerasnb ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ZOO)
def test_keras_model_file_loads_with_identical_predictions(keras_written, name):
    directory, _ = keras_written
    engine_backend.set_backend("numpy")
    model = load_model(directory / f"{name}.keras")
    assert_same_outputs(predict(model, name), expected_outputs(directory, name))
    config = json.loads(archive_member(directory / f"{name}.keras", "config.json"))
    assert model.name == config["config"]["name"]
    sequential = config["class_name"] == "Sequential"  # lists its InputLayer, not in `layers`
    assert [layer.name for layer in model.layers] == [  # Keras's order, which names the weights
        layer["config"]["name"] for layer in config["config"]["layers"]
        if not (sequential and layer["class_name"] == "InputLayer")]


@pytest.mark.parametrize("name", ["cnn", "attention", "branches"])
def test_keras_model_file_loads_on_every_backend(keras_written, name, backend):
    directory, _ = keras_written
    model = load_model(directory / f"{name}.keras")
    assert_same_outputs(predict(model, name), expected_outputs(directory, name))


@pytest.mark.parametrize("name", ZOO)
def test_keras_weights_file_loads_into_the_same_architecture(keras_written, name):
    directory, _ = keras_written
    engine_backend.set_backend("numpy")
    model = BUILDERS[name](kerasnb)
    model.load_weights(directory / f"{name}.weights.h5")
    assert_same_outputs(predict(model, name), expected_outputs(directory, name))


def test_keras_unzipped_model_directory_loads(keras_written):
    directory, _ = keras_written
    engine_backend.set_backend("numpy")
    model = load_model(directory / "sequential_dir")
    assert_same_outputs(predict(model, "sequential"), expected_outputs(directory, "sequential"))


def test_keras_compile_settings_and_optimizer_state_are_restored(keras_written):
    directory, report = keras_written
    theirs = report["compiled"]
    engine_backend.set_backend("numpy")
    model = load_model(directory / "compiled.keras")
    ours = keras_fixtures.compile_report(model)
    assert (ours["optimizer_class"], ours["beta_1"]) == ("Adam", 0.8)
    assert ours["learning_rate"] == pytest.approx(0.003)
    assert ours["compile_config"]["optimizer"] == theirs["compile_config"]["optimizer"]
    assert ours["compile_config"]["metrics"] == theirs["compile_config"]["metrics"]
    loss = ours["compile_config"]["loss"]
    assert (loss["class_name"], loss["config"]["from_logits"]) == ("SparseCategoricalCrossentropy", True)
    assert len(ours["optimizer_variables"]) == len(theirs["optimizer_variables"]) == 2 + 2 * 4
    for (our_path, our_value), (their_path, their_value) in zip(
            ours["optimizer_variables"], theirs["optimizer_variables"]):
        # Keras prefixes the model name to slot names ("compiled_dense_3_kernel_momentum")
        assert their_path.endswith(our_path.split("/")[-1])
        np.testing.assert_allclose(our_value, their_value, rtol=1e-6)
    assert ours["optimizer_variables"][0][1] == 7  # the step counter
    for metric, value in theirs["evaluation"].items():
        assert ours["evaluation"][metric] == pytest.approx(value, rel=1e-5)
    assert load_model(directory / "compiled.keras", compile=False).optimizer is None


def test_model_file_layout_matches_keras(keras_written, kerasnb_written):
    for name in ZOO:
        theirs, ours = keras_written[0] / f"{name}.keras", kerasnb_written[0] / f"{name}.keras"
        with zipfile.ZipFile(theirs) as their_zip, zipfile.ZipFile(ours) as our_zip:
            assert our_zip.namelist() == their_zip.namelist() == [
                "metadata.json", "config.json", "model.weights.h5"]
            their_metadata = json.loads(their_zip.read("metadata.json"))
            our_metadata = json.loads(our_zip.read("metadata.json"))
            assert set(our_metadata) == set(their_metadata)
            assert our_metadata["keras_version"] == kerasnb.__version__
            their_config = json.loads(their_zip.read("config.json"))
            our_config = json.loads(our_zip.read("config.json"))
            for key in ("module", "class_name", "registered_name"):
                assert our_config[key] == their_config[key], (name, key)
            assert [l["class_name"] for l in our_config["config"]["layers"]] == [
                l["class_name"] for l in their_config["config"]["layers"]], name
            # every object (layer, initializer, dtype policy, ...) named as Keras names it
            assert not object_names(our_config) - object_names(their_config), name
            assert file_tree(our_zip.open("model.weights.h5")) == file_tree(
                their_zip.open("model.weights.h5")), name


@pytest.mark.parametrize("name", ZOO)
def test_weights_file_layout_matches_keras(keras_written, kerasnb_written, name):
    theirs = file_tree(keras_written[0] / f"{name}.weights.h5")
    assert file_tree(kerasnb_written[0] / f"{name}.weights.h5") == theirs
    assert any(path.endswith("vars/0") for path in theirs)


# kerasnb -> Keras ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["keras", "weights"])
@pytest.mark.parametrize("name", ZOO)
def test_kerasnb_files_load_in_keras_with_identical_predictions(kerasnb_written, name, kind):
    directory, report, _ = kerasnb_written
    assert f"{name}.{kind}" not in report["errors"], report["errors"][f"{name}.{kind}"]
    got = dict(np.load(directory / f"{name}.{kind}_out.npz"))
    assert_same_outputs(got, expected_outputs(directory, name))


def test_keras_restores_kerasnb_compile_settings_and_optimizer_state(kerasnb_written):
    _, report, ours = kerasnb_written
    theirs = report["compiled"]
    assert (theirs["optimizer_class"], theirs["beta_1"]) == ("Adam", 0.8)
    assert theirs["learning_rate"] == pytest.approx(0.003)
    assert theirs["compile_config"]["metrics"] == ours["compile_config"]["metrics"]
    assert theirs["compile_config"]["loss"]["config"]["from_logits"] is True
    assert len(theirs["optimizer_variables"]) == len(ours["optimizer_variables"])
    for (our_path, our_value), (their_path, their_value) in zip(
            ours["optimizer_variables"], theirs["optimizer_variables"]):
        assert their_path.endswith(our_path.split("/")[-1])
        np.testing.assert_allclose(their_value, our_value, rtol=1e-6)
    for metric, value in ours["evaluation"].items():
        assert theirs["evaluation"][metric] == pytest.approx(value, rel=1e-5)
