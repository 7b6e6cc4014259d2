"""Real Keras 3 (the test-only oracle), run once per test session in a subprocess.

A test module that wants Keras's numbers defines ``KERAS_ORACLE = (script, inputs)``: the
script sees `keras`, `np`, the arrays of `inputs` (a dict, or a function returning one, called
when the oracle runs: e.g. the bytes of a file kerasnb writes) and ``keep(name, value)``. The
session-scoped `keras_oracle` fixture runs the scripts of every collected module in one
subprocess (importing Keras costs seconds) and hands each module its kept arrays.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

_RUNNER = """
import numpy as np, keras
_out = {}
for _module, _script in _SCRIPTS:
    _inputs = np.load(_FOLDER + "/" + _module + ".npz", allow_pickle=True)
    def keep(name, value, _module=_module):
        _out[_module + ":" + name] = np.asarray(value)
    exec(_script, {"keras": keras, "np": np, "keep": keep, **{k: _inputs[k] for k in _inputs.files}})
np.savez(_FOLDER + "/_out.npz", **_out)
"""


def run_scripts(scripts, backend="tensorflow"):
    """``{module: {name: array}}`` from ``{module: (script, inputs)}`` run under Keras."""
    pytest.importorskip("keras")
    with tempfile.TemporaryDirectory() as folder:
        for module, (_, inputs) in scripts.items():
            np.savez(os.path.join(folder, f"{module}.npz"), **(inputs() if callable(inputs) else inputs))
        code = (f"_FOLDER = {folder!r}\n_SCRIPTS = {[(m, s) for m, (s, _) in scripts.items()]!r}\n"
                + _RUNNER)
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        results = {module: {} for module in scripts}
        with np.load(os.path.join(folder, "_out.npz"), allow_pickle=True) as kept:
            for key in kept.files:
                module, name = key.split(":", 1)
                results[module][name] = kept[key]
        return results
