"""Exports to TensorFlow formats print one line, not TensorFlow's log noise, in a fresh process."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import os, sys
    import numpy as np
    import kerasnb as keras
    keras.config.set_backend("numpy")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.export(os.path.join(sys.argv[1], "m"), format="tf_saved_model")
    model.export(os.path.join(sys.argv[1], "m.tflite"), format="litert")
""")


def test_tensorflow_exports_keep_logs_out_of_the_output(tmp_path):
    env_free = {k: v for k, v in __import__("os").environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, env=env_free, timeout=300)
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    for noise in ("I0000", "W0000", "INFO:tensorflow", "oneDNN"):
        assert noise not in output, output
    assert output.count("Saved artifact at") == 2
