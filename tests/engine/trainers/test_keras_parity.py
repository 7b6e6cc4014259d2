"""fit/evaluate give Keras 3's numbers: the scenarios of keras_oracle.py run in real Keras
(a subprocess, test-only) and in kerasnb from the same initial weights."""

import os
import subprocess
import sys

import numpy as np
import pytest

import kerasnb
from tests.engine.trainers import keras_oracle


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    out = tmp_path_factory.mktemp("oracle") / "keras.npz"
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, keras_oracle.__file__, str(out)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    stored = np.load(out)
    results = {}
    for key in stored.files:
        name, part, index = key.split("/", 2)
        results.setdefault(name, {}).setdefault(part, {})[index] = stored[key]
    return results


def _ordered(part):
    return [part[str(i)] for i in range(len(part))]


def test_training_matches_keras(oracle, trainable_backend):
    init = {name: _ordered(result["start"]) for name, result in oracle.items()}
    ours = keras_oracle.run(kerasnb, init=init)
    assert set(ours) == set(oracle)
    for name, (_, end, history, evaluation) in ours.items():
        expected = oracle[name]
        for got, want in zip(end, _ordered(expected["end"])):
            np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5, err_msg=f"{name} weights")
        assert sorted(history) == sorted(expected["history"]), name
        for key, values in history.items():
            np.testing.assert_allclose(values, expected["history"][key], rtol=2e-4, atol=2e-5,
                                       err_msg=f"{name} history {key}")
        assert sorted(evaluation) == sorted(expected["evaluate"]), name
        for key, value in evaluation.items():
            np.testing.assert_allclose(value, expected["evaluate"][key], rtol=2e-4, atol=2e-5,
                                       err_msg=f"{name} evaluate {key}")
