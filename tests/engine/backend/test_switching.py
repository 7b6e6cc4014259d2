"""The runtime backend: selection, switching, live Variables, errors, import cost."""

import json
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import kerasnb
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import Variable

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def run_python(code, **env):
    """Runs `code` in a fresh interpreter with extra environment variables; returns stdout."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "KERASNB_BACKEND")}
    full_env.update(env)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_available_lists_the_five_backends():
    rows = kerasnb.backend.available()
    assert [r.name for r in rows] == ["numpy", "jax", "torch", "tensorflow", "openvino"]
    assert all(r.installed and r.version and r.devices for r in rows)
    assert [r.name for r in rows if r.current] == [kerasnb.config.backend()]
    assert any(d.startswith("cpu") for d in rows[2].devices)


def test_import_does_not_import_frameworks_or_optional_libraries():
    out = run_python(
        "import sys, kerasnb; print(sorted(m for m in ('jax', 'torch', 'tensorflow', 'openvino', 'onnx', "
        "'onnxruntime', 'PIL', 'sklearn', 'IPython', 'ipywidgets', 'plotly', 'keras') "
        "if m in sys.modules)); print(kerasnb.config.backend())")
    assert out.splitlines()[0] == "[]"
    assert out.splitlines()[1] == "jax"  # first installed of jax, torch, tensorflow, numpy


@pytest.mark.parametrize("env, expected", [
    ({"KERASNB_BACKEND": "torch", "KERAS_BACKEND": "tensorflow"}, "torch"),
    ({"KERAS_BACKEND": "tensorflow"}, "tensorflow"),
    ({"KERAS_BACKEND": "NumPy"}, "numpy"),
])
def test_selection_order_environment(env, expected):
    assert run_python("import kerasnb; print(kerasnb.config.backend())", **env) == expected


def test_selection_order_config_file(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"backend": "torch", "floatx": "float64"}))
    out = run_python("import kerasnb; print(kerasnb.config.backend(), kerasnb.config.floatx())",
                     KERASNB_HOME=str(tmp_path))
    assert out == "torch float64"
    out = run_python("import kerasnb; print(kerasnb.config.backend())",
                     KERASNB_HOME=str(tmp_path), KERAS_BACKEND="numpy")
    assert out == "numpy"


def test_unknown_backend_name_lists_valid_names():
    with pytest.raises(ValueError, match="must be one of numpy, jax, torch, tensorflow, openvino"):
        kerasnb.config.set_backend("theano")
    out = run_python(
        "import kerasnb\ntry:\n    kerasnb.config.backend()\nexcept ValueError as e:\n    print(e)",
        KERAS_BACKEND="mxnet")
    assert "'mxnet'" in out and "jax" in out


def test_missing_framework_names_the_pip_extra(monkeypatch):
    monkeypatch.setattr(engine_backend, "is_installed", lambda name: name == "numpy")
    monkeypatch.setattr(engine_backend._state, "modules", {})
    with pytest.raises(ImportError, match=r"pip install 'kerasnb\[torch\]'"):
        engine_backend.load("torch")
    assert kerasnb.config.backend() != "torch"


@pytest.mark.parametrize("target", ["numpy", "jax", "torch", "tensorflow", "openvino"])
def test_switching_keeps_variable_values(target):
    source = "torch" if target == "numpy" else "numpy"
    kerasnb.config.set_backend(source)
    weights = Variable(np.arange(6, dtype="float32").reshape(2, 3), name="w")
    counter = Variable(np.array(7), dtype="int64", trainable=False, name="step")
    report = kerasnb.config.set_backend(target)
    assert report.source == source and report.target == target
    assert report.variables >= 2 and report.bytes >= 6 * 4 + 8
    assert engine_backend.get().is_tensor(weights.value)
    np.testing.assert_array_equal(weights.numpy(), np.arange(6).reshape(2, 3))
    assert counter.dtype == "int64" and int(counter) == 7
    kerasnb.config.set_backend(source)
    np.testing.assert_array_equal(np.asarray(weights), np.arange(6).reshape(2, 3))


def test_variables_held_by_user_objects_follow_the_switch():
    class Holder:
        def __init__(self):
            self.state = {"w": Variable(np.ones((2, 2)), name="w")}

    kerasnb.config.set_backend("torch")
    holder = Holder()
    holder.state["w"].assign_add(np.full((2, 2), 2.0))
    kerasnb.config.set_backend("jax")
    import jax
    assert isinstance(holder.state["w"].value, jax.Array)
    np.testing.assert_allclose(holder.state["w"].numpy(), 3.0)


def test_use_backend_restores_previous_also_on_error():
    kerasnb.config.set_backend("torch")
    with kerasnb.backend.use_backend("numpy") as module:
        assert kerasnb.config.backend() == "numpy" and module.NAME == "numpy"
    assert kerasnb.config.backend() == "torch"
    with pytest.raises(RuntimeError, match="boom"):
        with kerasnb.backend.use_backend("jax"):
            raise RuntimeError("boom")
    assert kerasnb.config.backend() == "torch"


def test_ops_convert_tensors_of_another_framework(backend):
    import jax.numpy as jnp
    import tensorflow as tf
    import torch
    out = kerasnb.ops.add(torch.ones(3), jnp.full((3,), 2.0))
    out = kerasnb.ops.add(out, tf.constant([1.0, 1.0, 1.0]))
    assert engine_backend.get().is_tensor(out)
    np.testing.assert_allclose(kerasnb.ops.convert_to_numpy(out), [4.0, 4.0, 4.0])


def test_switch_is_refused_while_busy_from_any_thread():
    kerasnb.config.set_backend("numpy")
    errors = []
    with engine_backend.busy("fit()"):
        with pytest.raises(RuntimeError, match=r"while fit\(\) is running"):
            kerasnb.config.set_backend("torch")
        thread = threading.Thread(target=lambda: _capture(errors, kerasnb.config.set_backend, "jax"))
        thread.start()
        thread.join()
    assert errors and "while fit() is running" in str(errors[0])
    assert kerasnb.config.backend() == "numpy"
    assert kerasnb.config.set_backend("torch").target == "torch"


def _capture(errors, fn, *args):
    try:
        fn(*args)
    except RuntimeError as exc:
        errors.append(exc)


def test_failed_switch_leaves_every_variable_untouched(monkeypatch):
    kerasnb.config.set_backend("numpy")
    good = Variable(np.ones(2), name="good")
    bad = Variable(np.zeros(2), name="bad")
    target = engine_backend.load("torch")

    def fail(self, module):
        raise MemoryError("out of memory")

    monkeypatch.setattr(Variable, "_converted", fail)
    with pytest.raises(MemoryError):
        kerasnb.config.set_backend("torch")
    assert kerasnb.config.backend() == "numpy"
    assert isinstance(good.value, np.ndarray) and isinstance(bad.value, np.ndarray)
    assert good._module is not target
