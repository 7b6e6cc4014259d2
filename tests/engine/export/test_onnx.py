"""ONNX export: onnxruntime runs the file and must agree with `predict`."""

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import kerasnb as keras
from kerasnb import layers
from kerasnb.engine.export.onnx import to_onnx


def run_onnx(proto, inputs):
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    return session.run(None, dict(zip(names, inputs)))


def mlp():
    return keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                             layers.Dropout(0.5), layers.Dense(3, activation="softmax")])


def test_mlp_matches_predict_for_two_batch_sizes():
    model = mlp()
    proto = to_onnx(model)
    onnx.checker.check_model(proto, full_check=True)
    assert proto.opset_import[0].version >= 17
    assert [i.name for i in proto.graph.input] == ["input_layer"] or proto.graph.input[0].name
    assert {i.name for i in proto.graph.initializer} >= {v.path for v in model.weights}
    for batch in (1, 7):
        x = np.random.default_rng(batch).normal(size=(batch, 4)).astype("float32")
        np.testing.assert_allclose(run_onnx(proto, x)[0], model.predict(x, verbose=0), atol=1e-5)
