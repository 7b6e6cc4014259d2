"""Quantized models through `.keras` and `.weights.h5` files: round trips on every backend,
LoRA merged on save, and interop with real Keras 3.15 both ways (Keras runs in subprocesses,
``keras_quantized.py``): same variables, layout and predictions."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import kerasnb
from kerasnb import layers, quantizers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.saving.model_file import load_model
from tests.engine.ops.checks import to_numpy
from tests.engine.quantization import keras_quantized
from tests.engine.quantization.keras_quantized import BUILDERS, build, inputs_for, variables_by_path

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def interop(tmp_path_factory):
    """One Keras process writes the zoo and reads kerasnb's files of it. Returns the Keras
    directory, and the kerasnb directory with kerasnb's predictions and Keras's report."""
    theirs, ours = tmp_path_factory.mktemp("keras_quantized"), tmp_path_factory.mktemp("kerasnb_quantized")
    predictions = {}
    with engine_backend.use_backend("numpy"):
        for name in BUILDERS:
            model = build(kerasnb, name)
            predictions[name] = to_numpy(model.predict(inputs_for(name), verbose=0))
            model.save(ours / f"{name}.keras")
    env = {**os.environ, "KERAS_BACKEND": "numpy", "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, keras_quantized.__file__, "both", str(theirs), str(ours)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"Keras failed:\n{done.stderr[-4000:]}"
    with open(ours / "report.json") as handle:
        return theirs, (ours, predictions, json.load(handle))


@pytest.fixture
def keras_written(interop):
    return interop[0]


@pytest.fixture
def kerasnb_written(interop):
    return interop[1]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_keras_quantized_files_load_with_identical_predictions(keras_written, name):
    written = dict(np.load(keras_written / f"{name}.npz"))
    model = load_model(keras_written / f"{name}.keras")
    np.testing.assert_allclose(to_numpy(model.predict(written["x"], verbose=0)), written["y"], rtol=1e-5, atol=1e-6)
    # kerasnb quantizing the same weights gives Keras's variables exactly (names, dtypes, shapes, values)
    ours = variables_by_path(build(kerasnb, name))
    theirs = {k[4:]: v for k, v in written.items() if k.startswith("var:")}
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        assert ours[key].dtype == value.dtype and ours[key].shape == value.shape, key
        np.testing.assert_allclose(ours[key].astype("float64"), value.astype("float64"), rtol=1e-6, err_msg=key)


def test_keras_quantized_files_predict_on_every_backend(keras_written, backend):
    for name in ("dense_int8", "dense_int4_blocks", "einsum_int8", "embedding_int4", "dense_float8"):
        written = dict(np.load(keras_written / f"{name}.npz"))
        model = load_model(keras_written / f"{name}.keras")
        np.testing.assert_allclose(to_numpy(model.predict(written["x"], verbose=0)), written["y"],
                                   rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_kerasnb_quantized_files_load_in_keras(kerasnb_written, name):
    directory, predictions, report = kerasnb_written
    assert name not in report["errors"], report["errors"].get(name)
    got = np.load(directory / f"{name}.keras_out.npz")["y"]
    np.testing.assert_allclose(got, predictions[name], rtol=1e-5, atol=1e-6)


def _without_sharing(config):
    """A config without Keras's ``shared_object_id`` markers (objects shared by layers)."""
    if isinstance(config, dict):
        return {k: _without_sharing(v) for k, v in config.items() if k != "shared_object_id"}
    return [_without_sharing(v) for v in config] if isinstance(config, list) else config


def test_kerasnb_file_layout_matches_keras(keras_written, kerasnb_written):
    """Same layer configs (dtype policies, quantization configs) as Keras's files."""
    for name in ("dense_int4_blocks", "einsum_int8", "embedding_int8"):
        with zipfile.ZipFile(keras_written / f"{name}.keras") as theirs, \
                zipfile.ZipFile(kerasnb_written[0] / f"{name}.keras") as ours:
            keras_layers = json.loads(theirs.read("config.json"))["config"]["layers"]
            our_layers = json.loads(ours.read("config.json"))["config"]["layers"]
        for keras_layer, our_layer in zip(keras_layers, our_layers):
            for key in ("dtype", "quantization_config"):
                assert our_layer["config"].get(key) == _without_sharing(keras_layer["config"].get(key)), (name, key)


@pytest.mark.parametrize("name", ["dense_int8", "dense_int4_blocks", "dense_float8", "einsum_int4",
                                  "embedding_int8"])
def test_round_trip_on_every_backend(backend, tmp_path, name):
    model = build(kerasnb, name)
    x = inputs_for(name)
    expected = to_numpy(model.predict(x, verbose=0))
    model.save(tmp_path / "model.keras")
    revived = load_model(tmp_path / "model.keras")
    assert [l.dtype_policy for l in revived.layers] == [l.dtype_policy for l in model.layers]
    np.testing.assert_allclose(to_numpy(revived.predict(x, verbose=0)), expected, rtol=1e-6, atol=1e-6)
    again = build(kerasnb, name)
    again.load_weights(tmp_path / "model.keras")  # the weights of a .keras file into a quantized twin
    np.testing.assert_allclose(to_numpy(again.predict(x, verbose=0)), expected, rtol=1e-6, atol=1e-6)


def test_quantized_weights_do_not_fit_a_float_model(tmp_path):
    model = build(kerasnb, "dense_int8")
    model.save_weights(tmp_path / "q.weights.h5")
    float_model = keras_quantized.BUILDERS["dense_int8"](kerasnb)[0]
    with pytest.raises(ValueError, match="expects 2 variables"):
        float_model.load_weights(tmp_path / "q.weights.h5")


def test_lora_is_merged_on_save(tmp_path):
    x = inputs_for("dense_int8")
    model = kerasnb.Sequential([kerasnb.Input((12,)), layers.Dense(6, name="a"), layers.Dense(3, name="b")])
    model.get_layer("a").enable_lora(2)
    model.quantize("int8", filters="^b$", config=quantizers.Int8QuantizationConfig(activation_quantizer=None))
    model.get_layer("b").enable_lora(2)
    for layer in model.layers:
        layer.lora_kernel_b.assign(np.full(layer.lora_kernel_b.shape, 0.1, "float32"))
    expected = to_numpy(model.predict(x, verbose=0))
    model.save(tmp_path / "lora.keras")
    revived = load_model(tmp_path / "lora.keras")
    for layer in revived.layers:  # the adapters come back zero; the update is in the kernel
        assert layer.lora_enabled and not np.any(layer.lora_kernel_b.numpy())
    # float layer: exact; int8 layer: the merged kernel is re-quantized
    np.testing.assert_allclose(to_numpy(revived.predict(x, verbose=0)), expected, rtol=0.02, atol=0.02)
    np.testing.assert_allclose(to_numpy(revived.get_layer("a")(x)), to_numpy(model.get_layer("a")(x)),
                               rtol=1e-5, atol=1e-5)


def test_quantized_models_export_to_onnx(tmp_path):
    """The exporter traces the quantized calls' ops: int8/int4/float8 models run in onnxruntime."""
    import onnxruntime
    for name in ("dense_int8", "dense_int4_blocks", "dense_float8"):
        model = build(kerasnb, name)
        model.export(str(tmp_path / f"{name}.onnx"), format="onnx", verbose=False)
        session = onnxruntime.InferenceSession(str(tmp_path / f"{name}.onnx"))
        x = inputs_for(name)
        got = session.run(None, {session.get_inputs()[0].name: x})[0]
        np.testing.assert_allclose(got, to_numpy(model.predict(x, verbose=0)), rtol=1e-5, atol=1e-5)
