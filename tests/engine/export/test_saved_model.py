"""`model.export(format="tf_saved_model")` from non-tensorflow backends and tensorflow, each
artifact run by TensorFlow itself (`tf.saved_model.load`) against `model.predict`."""

import os

import numpy as np
import pytest
import tensorflow as tf

import kerasnb as keras
from kerasnb.engine import backend
from tests.engine.export.tf_zoo import ZOO, build, inputs_for, predict

BACKENDS = ("numpy", "torch", "tensorflow")


def _outputs(result):
    """A serving result (tensor, list, or signature dict ``output_i``) as a list of arrays."""
    if isinstance(result, dict):
        return [np.asarray(result[f"output_{i}"]) for i in range(len(result))]
    if isinstance(result, (list, tuple)):
        return [np.asarray(r) for r in result]
    return [np.asarray(result)]


@pytest.mark.parametrize("name", BACKENDS)
@pytest.mark.parametrize("zoo_model", ZOO)
def test_served_outputs_match_predict_with_any_batch_size(name, zoo_model, tmp_path):
    backend.set_backend(name)
    model = build(zoo_model)
    path = str(tmp_path / "served")
    model.export(path, format="tf_saved_model", verbose=False)

    served = tf.saved_model.load(path)
    signature = served.signatures["serving_default"]
    input_names = [t.name for t in model.inputs]
    assert sorted(signature.structured_input_signature[1]) == sorted(input_names)
    arrays = inputs_for(model, 1)  # one artifact, two batch sizes: the batch is dynamic
    for got, want in zip(_outputs(served.serve(*arrays)), predict(model, arrays), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)
    arrays = inputs_for(model, 3)
    by_name = signature(**{n: tf.constant(a) for n, a in zip(input_names, arrays)})
    for got, want in zip(_outputs(by_name), predict(model, arrays), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("name", ("numpy", "torch"))
def test_export_leaves_the_session_as_it_was(name, tmp_path):
    backend.set_backend(name)
    model = build("cnn")
    values = [v.value for v in model.variables]
    arrays = [v.numpy() for v in model.variables]
    model.export(str(tmp_path / "served"), verbose=False)  # tf_saved_model is the default format
    assert backend.current() == name
    for variable, value, array in zip(model.variables, values, arrays):
        assert variable.value is value  # never converted to tensorflow and back
        np.testing.assert_array_equal(variable.numpy(), array)


def test_reloaded_archive_holds_the_weights_as_variables(tmp_path):
    backend.set_backend("torch")
    model = build("cnn")
    model.export(str(tmp_path / "served"), verbose=False)
    served = tf.saved_model.load(str(tmp_path / "served"))
    assert len(served.variables) == len(model.variables)
    assert len(served.trainable_variables) == len(model.trainable_variables)
    saved = {v.name.split(":")[0]: v.numpy() for v in served.variables}
    for variable in model.variables:
        np.testing.assert_array_equal(saved[variable.path], variable.numpy())


def test_custom_input_signature_fixes_shapes_and_renames_inputs(tmp_path):
    backend.set_backend("numpy")
    model = build("mlp")
    spec = tf.TensorSpec((2, 4), tf.float32, name="rows")
    model.export(str(tmp_path / "served"), input_signature=[spec], verbose=False)
    signature = tf.saved_model.load(str(tmp_path / "served")).signatures["serving_default"]
    (input_spec,) = signature.structured_input_signature[1].values()
    assert input_spec.name == "rows" and input_spec.shape.as_list() == [2, 4]
    arrays = inputs_for(model, 2)
    np.testing.assert_allclose(signature(rows=arrays[0])["output_0"], predict(model, arrays)[0], atol=1e-5)


def test_multi_input_accepts_keras_nested_signature(tmp_path):
    backend.set_backend("numpy")
    model = build("multi_input")
    nested = [[keras.InputSpec(shape=(None, 4), dtype="float32"), keras.InputSpec(shape=(None, 5), dtype="int32")]]
    model.export(str(tmp_path / "served"), input_signature=nested, verbose=False)
    served = tf.saved_model.load(str(tmp_path / "served"))
    arrays = inputs_for(model, 3)
    for got, want in zip(_outputs(served.serve(*arrays)), predict(model, arrays), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_verbose_export_prints_the_endpoint(tmp_path, capsys):
    backend.set_backend("numpy")
    build("mlp").export(str(tmp_path / "served"))
    out = capsys.readouterr().out
    assert "Saved artifact at" in out and "serve(features: float32[?, 4]) -> float32[?, 3]" in out


def test_export_replaces_an_existing_directory_whole(tmp_path):
    backend.set_backend("numpy")
    path = tmp_path / "served"
    path.mkdir()
    (path / "stale.txt").write_text("old")
    build("mlp").export(str(path), verbose=False)
    assert not (path / "stale.txt").exists() and (path / "saved_model.pb").exists()
    assert sorted(os.listdir(tmp_path)) == ["served"]


def test_failed_write_leaves_nothing_and_keeps_the_old_export(tmp_path, monkeypatch):
    backend.set_backend("numpy")
    model = build("mlp")

    def broken_save(obj, export_dir, **kwargs):
        with open(os.path.join(export_dir, "saved_model.pb"), "wb") as handle:
            handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(tf.saved_model, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        model.export(str(tmp_path / "served"), verbose=False)
    assert os.listdir(tmp_path) == []

    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "keep.txt").write_text("previous export")
    with pytest.raises(OSError, match="disk full"):
        model.export(str(tmp_path / "served"), verbose=False)
    assert os.listdir(tmp_path) == ["served"]
    assert (tmp_path / "served" / "keep.txt").read_text() == "previous export"


def test_bad_arguments_raise_clear_errors(tmp_path):
    backend.set_backend("numpy")
    model = build("mlp")
    path = str(tmp_path / "served")
    with pytest.raises(ValueError, match="`format` must be one of"):
        model.export(path, format="pickle")
    with pytest.raises(ValueError, match="describes 2 input"):
        model.export(path, input_signature=[keras.InputSpec(shape=(None, 4))] * 2)
    with pytest.raises(ValueError, match="needs a shape"):
        model.export(path, input_signature=[keras.InputSpec(ndim=2)])
    with pytest.raises(TypeError, match="must hold InputSpecs"):
        model.export(path, input_signature=["float32"])
    with pytest.raises(TypeError, match="unexpected keyword arguments: \\['compress'\\]"):
        model.export(path, compress=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError, match="existing file"):
        model.export(str(tmp_path / "file"), verbose=False)
    assert sorted(os.listdir(tmp_path)) == ["file"]


def test_subclassed_model_needs_an_input_signature(tmp_path):
    backend.set_backend("torch")

    class Scaled(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return 2.0 * self.dense(x)

    model = Scaled()
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    expected = model.predict(x, verbose=0)
    with pytest.raises(ValueError, match="pass `input_signature`"):
        model.export(str(tmp_path / "served"))
    model.export(str(tmp_path / "served"), verbose=False,
                 input_signature=[keras.InputSpec(shape=(None, 4), dtype="float32")])
    served = tf.saved_model.load(str(tmp_path / "served"))
    np.testing.assert_allclose(served.signatures["serving_default"](inputs=x)["output_0"], expected, atol=1e-5)
