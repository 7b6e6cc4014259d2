"""OpenVINO IR export: `openvino.Core().read_model` loads the .xml/.bin and its outputs match
`predict` (float32 inference precision, so CPUs with bf16 units do not round)."""

import os

import numpy as np
import openvino
import pytest

from kerasnb.engine import backend
from tests.engine.export.onnx_zoo import ZOO
from tests.engine.export.test_onnx import as_list, unsupported_model


@pytest.fixture(autouse=True)
def _numpy_backend():
    backend.set_backend("numpy")


def run_ir(xml_path, inputs):
    core = openvino.Core()
    compiled = core.compile_model(core.read_model(xml_path), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    names = [p.get_any_name() for p in compiled.inputs]
    if isinstance(inputs, dict):
        inputs = [inputs[n] for n in names]
    result = compiled(inputs if isinstance(inputs, (list, tuple)) else [inputs])
    return names, [result[o] for o in compiled.outputs], [o.get_any_name() for o in compiled.outputs]


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm_text", "attention", "multi_input", "subclassed"])
def test_ir_matches_predict_with_two_batch_sizes(name, tmp_path):
    model, make_inputs = ZOO[name]()
    xml = str(tmp_path / "model.xml")
    assert model.export(xml, format="openvino", verbose=False) == xml
    assert sorted(os.listdir(tmp_path)) == ["model.bin", "model.xml"]
    for batch in (1, 4):
        inputs = make_inputs(batch)
        _, got, output_names = run_ir(xml, inputs)
        expected = as_list(model.predict(inputs, verbose=0), output_names)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, atol=1e-5, rtol=1e-5)


def test_ir_keeps_input_names_and_float32_weights(tmp_path):
    model, make_inputs = ZOO["multi_input"]()
    xml = str(tmp_path / "m.xml")
    model.export(xml, format="openvino", verbose=False)
    names, _, outputs = run_ir(xml, make_inputs(2))
    assert names == ["image", "meta"] and sorted(outputs) == ["label", "score"]
    weights = os.path.getsize(tmp_path / "m.bin")
    assert weights >= 4 * model.count_params()  # no fp16 compression


def test_ir_path_must_end_in_xml(tmp_path):
    model, _ = ZOO["mlp"]()
    with pytest.raises(ValueError, match=r"\.xml"):
        model.export(str(tmp_path / "model.ir"), format="openvino")
    assert os.listdir(tmp_path) == []


def test_failed_ir_export_leaves_no_files(tmp_path):
    with pytest.raises(NotImplementedError, match="cumprod"):
        unsupported_model().export(str(tmp_path / "model.xml"), format="openvino", verbose=False)
    assert os.listdir(tmp_path) == []
