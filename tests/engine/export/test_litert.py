"""`model.export(format="litert")` from non-tensorflow backends and tensorflow, each `.tflite`
run by the LiteRT interpreter (`ai_edge_litert`, no TensorFlow ops) against `model.predict`."""

import os

import numpy as np
import pytest
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

import kerasnb as keras
from kerasnb.engine import backend
from tests.engine.export.tf_zoo import ZOO, build, inputs_for, predict


def _run(path, model, arrays):
    runner = Interpreter(model_path=path).get_signature_runner("serving_default")
    result = runner(**{t.name: a for t, a in zip(model.inputs, arrays)})
    return [result[f"output_{i}"] for i in range(len(result))]


@pytest.mark.parametrize("name,zoo_model", [
    ("numpy", "mlp"), ("numpy", "lstm"), ("numpy", "multi_input"),
    ("torch", "cnn"), ("torch", "attention"), ("torch", "lstm"),
    ("tensorflow", "mlp"), ("tensorflow", "cnn"), ("tensorflow", "attention"),
    ("tensorflow", "multi_input"),
])
def test_interpreter_outputs_match_predict_with_any_batch_size(name, zoo_model, tmp_path):
    backend.set_backend(name)
    model = build(zoo_model)
    values = [v.value for v in model.variables]
    unroll = [getattr(layer, "unroll", None) for layer in model._flatten_layers()]
    path = str(tmp_path / "model.tflite")
    model.export(path, format="litert", verbose=False)
    assert backend.current() == name and all(v.value is w for v, w in zip(model.variables, values))
    assert [getattr(layer, "unroll", None) for layer in model._flatten_layers()] == unroll  # restored
    assert Interpreter(model_path=path).get_signature_list()["serving_default"]["inputs"] == sorted(
        t.name for t in model.inputs)
    for batch in (1, 4):  # one file, two batch sizes: the batch is dynamic
        arrays = inputs_for(model, batch)
        for got, want in zip(_run(path, model, arrays), predict(model, arrays), strict=True):
            np.testing.assert_allclose(got, want, atol=1e-5)


def test_converter_settings_are_applied(tmp_path):
    backend.set_backend("numpy")
    model = build("mlp")
    plain, small = str(tmp_path / "plain.tflite"), str(tmp_path / "small.tflite")
    model.export(plain, format="litert", verbose=False)
    model.export(small, format="litert", verbose=False, optimizations=[tf.lite.Optimize.DEFAULT],
                 target_spec={"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS]})
    assert open(plain, "rb").read() != open(small, "rb").read()  # weights quantized
    arrays = inputs_for(model, 2)
    np.testing.assert_allclose(_run(small, model, arrays)[0], predict(model, arrays)[0], atol=0.05)


def test_verbose_export_says_where(tmp_path, capsys):
    backend.set_backend("numpy")
    build("mlp").export(str(tmp_path / "model.tflite"), format="litert")
    assert f"Saved artifact at '{tmp_path / 'model.tflite'}'." in capsys.readouterr().out


def test_bad_arguments_raise_and_leave_existing_files_untouched(tmp_path):
    backend.set_backend("numpy")
    model = build("mlp")
    with pytest.raises(ValueError, match="'.tflite' file"):
        model.export(str(tmp_path / "model.lite"), format="litert")
    existing = tmp_path / "model.tflite"
    existing.write_bytes(b"previous")
    with pytest.raises(ValueError, match="'flatten_everything' is not a TFLiteConverter setting"):
        model.export(str(existing), format="litert", flatten_everything=True)
    with pytest.raises(ValueError, match="`target_spec` has no setting 'cores'"):
        model.export(str(existing), format="litert", target_spec={"cores": 4})
    with pytest.raises(ValueError, match="describes 2 input"):
        model.export(str(existing), format="litert", input_signature=[keras.InputSpec(shape=(None, 4))] * 2)
    assert existing.read_bytes() == b"previous" and os.listdir(tmp_path) == ["model.tflite"]


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    backend.set_backend("numpy")
    model = build("mlp")

    class BrokenHandle:
        def __init__(self, path, mode):
            self.handle = open(path, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise OSError("disk full")

    import kerasnb.engine.export.litert as litert
    monkeypatch.setattr(litert, "open", BrokenHandle, raising=False)
    with pytest.raises(OSError, match="disk full"):
        model.export(str(tmp_path / "model.tflite"), format="litert", verbose=False)
    assert os.listdir(tmp_path) == []
