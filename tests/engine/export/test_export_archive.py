"""`kerasnb.export.ExportArchive` (`keras.export.ExportArchive`): endpoints written from any
backend into a SavedModel, checked by loading it with TensorFlow."""

import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import kerasnb as keras
from kerasnb.engine import backend
from kerasnb.export import ExportArchive
from tests.engine.export.tf_zoo import build, inputs_for, predict

CNN_SPEC = keras.InputSpec(shape=(None, 8, 8, 2), dtype="float32")


@pytest.mark.parametrize("name", ("numpy", "torch"))
def test_endpoints_run_in_tensorflow_and_update_the_archive_state(name, tmp_path):
    backend.set_backend(name)
    model = build("cnn")
    before = [v.numpy() for v in model.variables]
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", lambda x: model(x, training=False), [CNN_SPEC])
    archive.add_endpoint("call_training", lambda x: model(x, training=True), [CNN_SPEC])
    archive.write_out(str(tmp_path / "archive"), verbose=False)

    revived = tf.saved_model.load(str(tmp_path / "archive"))
    assert set(revived.signatures) == {"serve", "call_training", "serving_default"}
    (x,) = inputs_for(model, 3)
    np.testing.assert_allclose(revived.serve(x), predict(model, [x])[0], atol=1e-5)
    np.testing.assert_allclose(revived.signatures["serving_default"](x=x)["output_0"],
                               predict(model, [x])[0], atol=1e-5)

    moving = [v.numpy() for v in revived.non_trainable_variables]
    revived.call_training(x)  # batch normalization updates its moving statistics in the archive
    assert any(not np.allclose(v.numpy(), m) for v, m in zip(revived.non_trainable_variables, moving))
    assert backend.current() == name
    for variable, value in zip(model.variables, before):
        np.testing.assert_array_equal(variable.numpy(), value)


def test_track_and_add_endpoint_returns_a_callable_tf_function(tmp_path):
    backend.set_backend("torch")
    model = build("mlp")
    archive = ExportArchive()
    serve = archive.track_and_add_endpoint("serve", model, [keras.InputSpec(shape=(None, 4), dtype="float32")])
    (x,) = inputs_for(model, 2)
    np.testing.assert_allclose(serve(x).numpy(), predict(model, [x])[0], atol=1e-5)
    archive.write_out(str(tmp_path / "archive"), verbose=False)
    revived = tf.saved_model.load(str(tmp_path / "archive"))
    assert len(revived.variables) == len(model.variables)
    assert len(revived.trainable_variables) == len(model.trainable_variables)


def test_a_model_method_is_tracked_automatically(tmp_path):
    backend.set_backend("numpy")
    model = build("mlp")
    archive = ExportArchive()
    archive.add_endpoint("serve", model.call, [keras.InputSpec(shape=(None, 4), dtype="float32")])
    archive.write_out(str(tmp_path / "archive"), verbose=False)
    revived = tf.saved_model.load(str(tmp_path / "archive"))
    assert sorted(v.numpy().sum() for v in revived.trainable_variables) == sorted(
        v.numpy().sum() for v in model.trainable_variables)


def test_structured_signatures_for_list_and_dict_inputs(tmp_path):
    backend.set_backend("numpy")
    model = build("multi_input")
    numeric, ids = inputs_for(model, 3)
    expected = predict(model, [numeric, ids])
    specs = [keras.InputSpec(shape=(None, 4), dtype="float32"), keras.InputSpec(shape=(None, 5), dtype="int32")]
    a, b = model.inputs
    by_key = keras.Model({"numeric": a, "ids": b}, model.outputs)
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint("as_list", model.call, [specs])
    archive.add_endpoint("as_dict", by_key.call, [{"numeric": specs[0], "ids": specs[1]}])
    archive.write_out(str(tmp_path / "archive"), verbose=False)
    revived = tf.saved_model.load(str(tmp_path / "archive"))
    for got, want in zip(revived.as_list([numeric, ids]), expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)
    for got, want in zip(revived.as_dict({"numeric": numeric, "ids": ids}), expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_variable_collections_and_tensorflow_resources(tmp_path):
    backend.set_backend("torch")
    model = build("mlp")
    extra = keras.Variable(np.arange(3.0, dtype="float32"), name="extra")
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(tf.constant([1, 2, 3], tf.int64), tf.constant([10.0, 20.0, 30.0])),
        default_value=-1.0)
    lookup = tf.function(table.lookup, input_signature=[tf.TensorSpec((None,), tf.int64)])
    archive = ExportArchive()
    archive.track(table)
    archive.add_endpoint("lookup", lookup)  # the tf.function's own input signature
    archive.add_variable_collection("collected", [extra, model.trainable_variables[0]])
    archive.write_out(str(tmp_path / "archive"), verbose=False)
    revived = tf.saved_model.load(str(tmp_path / "archive"))
    np.testing.assert_array_equal(revived.lookup(tf.constant([3, 1, 7], tf.int64)), [30.0, 10.0, -1.0])
    np.testing.assert_array_equal(revived.collected[0].numpy(), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(revived.collected[1].numpy(), model.trainable_variables[0].numpy())


def test_write_out_prints_endpoints(tmp_path, capsys):
    backend.set_backend("numpy")
    model = build("mlp")
    archive = ExportArchive()
    archive.track_and_add_endpoint("serve", model, [tf.TensorSpec((None, 4), tf.float32, name="rows")])
    archive.write_out(str(tmp_path / "archive"))
    assert "serve(rows: float32[?, 4]) -> float32[?, 3]" in capsys.readouterr().out


def test_errors_name_the_argument(tmp_path):
    backend.set_backend("numpy")
    model = build("mlp")
    spec = [keras.InputSpec(shape=(None, 4), dtype="float32")]
    with pytest.raises(ValueError, match="`format` must be 'saved_model'"):
        ExportArchive(format="onnx")
    with pytest.raises(NotImplementedError, match="neptune_model"):
        ExportArchive(format="neptune_model")
    archive = ExportArchive()
    with pytest.raises(ValueError, match="no endpoints"):
        archive.write_out(str(tmp_path / "archive"))
    with pytest.raises(ValueError, match="`resource` must be"):
        archive.track("model")
    with pytest.raises(ValueError, match="not built"):
        archive.track(keras.layers.Dense(2))
    with pytest.raises(ValueError, match="needs `input_signature`"):
        archive.add_endpoint("serve", lambda x: model(x))
    with pytest.raises(ValueError, match="Python identifier"):
        archive.add_endpoint("not a name", model, spec)
    with pytest.raises(TypeError, match="unexpected keyword arguments: \\['jit'\\]"):
        archive.add_endpoint("serve", model, spec, jit=True)
    archive.add_endpoint("serve", model, spec, is_static=True)  # Keras's JAX-only option: accepted
    with pytest.raises(ValueError, match="already taken"):
        archive.add_endpoint("serve", model, spec)
    with pytest.raises(ValueError, match="already taken"):
        archive.add_variable_collection("variables", model.variables)
    with pytest.raises(ValueError, match="list, tuple or set"):
        archive.add_variable_collection("weights", model.variables[0])
    with pytest.raises(TypeError, match="`filepath` must be"):
        archive.write_out(None)
    assert os.listdir(tmp_path) == []


def test_importing_the_namespace_loads_no_framework():
    code = "import sys, kerasnb, kerasnb.export; print(sorted(m for m in ('tensorflow', 'torch', 'jax') if m in sys.modules))"
    env = dict(os.environ, KERASNB_BACKEND="numpy")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"
    assert keras.export.ExportArchive is ExportArchive
