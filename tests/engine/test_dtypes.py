"""Keras 3 type promotion, checked against real Keras as an oracle."""

import itertools
import json
import os
import subprocess
import sys

import pytest

from kerasnb.engine import config, dtypes

PYTHON_SCALARS = {"<int>": 1, "<float>": 1.0, "<bool>": True}
ORACLE = """
import itertools, json, os
from keras.src.backend.common import dtypes as kd
names = {names}
py = {{"<int>": int, "<float>": float, "<bool>": bool}}
print(json.dumps({{f"{{a}}|{{b}}": kd.result_type(py.get(a, a), py.get(b, b))
                  for a, b in itertools.product(names, repeat=2)}}))
"""


def _keras_result_types():
    names = list(dtypes.ALL) + list(PYTHON_SCALARS)
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", ORACLE.format(names=names)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_result_type_matches_keras_for_every_pair():
    """Every pair of dtypes and Python scalars, except where Keras narrows 64-bit types.

    Keras on TensorFlow turns uint64 into uint32 and complex128 into complex64 (TF kernel
    gaps); kerasnb keeps them on every backend.
    """
    expected = _keras_result_types()
    checked = 0
    for key, keras_dtype in expected.items():
        a, b = key.split("|")
        ours = dtypes.result_type(PYTHON_SCALARS.get(a, a), PYTHON_SCALARS.get(b, b))
        if ours in ("uint64", "complex128"):
            assert keras_dtype == {"uint64": "uint32", "complex128": "complex64"}[ours]
            continue
        assert ours == keras_dtype, f"result_type({a}, {b}): {ours} != Keras {keras_dtype}"
        checked += 1
    assert checked > 250


@pytest.mark.parametrize("args, expected", [
    (("int8", 1), "int8"), (("int32", 1.0), "float32"), (("float16", 2.0), "float16"),
    (("uint8", "int8"), "int16"), (("bfloat16", "float16"), "float32"), ((True, 1), "int32"),
    (("int64", "float16"), "float16"), ((1.0,), "float32"), ((), "float32"),
])
def test_result_type_examples(args, expected):
    assert dtypes.result_type(*args) == expected


def test_python_floats_follow_floatx():
    config.set_floatx("float64")
    assert dtypes.result_type("int32", 1.0) == "float64"
    assert dtypes.infer_dtype([1.0, 2]) == "float64"


@pytest.mark.parametrize("alias, name", [
    ("float", "float32"), ("double", "float64"), ("int", "int64"), (bool, "bool"),
    (int, "int32"), (float, "float32"), ("torch.float16", "float16"),
])
def test_standardize_dtype(alias, name):
    assert dtypes.standardize_dtype(alias) == name


def test_standardize_dtype_of_every_framework():
    import jax.numpy as jnp
    import numpy as np
    import tensorflow as tf
    import torch
    for native in (np.dtype("int16"), jnp.int16, torch.int16, tf.int16):
        assert dtypes.standardize_dtype(native) == "int16"


def test_invalid_dtype_names_the_choices():
    with pytest.raises(ValueError, match=r"Invalid dtype: expected one of bool, uint8.*received 'float8'"):
        dtypes.standardize_dtype("float8")


def test_promotion_is_commutative_and_associative():
    names = dtypes.ALL
    for a, b in itertools.product(names, repeat=2):
        assert dtypes.result_type(a, b) == dtypes.result_type(b, a)
    for a, b, c in itertools.product(("int8", "uint16", "float16", "bfloat16", "int64"), repeat=3):
        assert dtypes.result_type(dtypes.result_type(a, b), c) == dtypes.result_type(a, dtypes.result_type(b, c))


def test_standardize_dtype_remembers_names_but_not_floatx():
    import numpy as np
    import torch
    natives = [np.dtype("float64"), np.float16, torch.bfloat16, "double", "torch.int8"]
    first = [dtypes.standardize_dtype(d) for d in natives]
    assert first == [dtypes._parse_dtype(d) for d in natives]
    assert [dtypes.standardize_dtype(d) for d in natives] == first  # now from the cache
    with pytest.raises(ValueError, match="received 'float8'"):
        dtypes.standardize_dtype("float8")  # still an error the second time
    with pytest.raises(ValueError, match="received 'float8'"):
        dtypes.standardize_dtype("float8")
    assert dtypes.standardize_dtype(None) == dtypes.standardize_dtype(float) == "float32"
    config.set_floatx("float16")
    assert dtypes.standardize_dtype(None) == dtypes.standardize_dtype(float) == "float16"
    assert dtypes.standardize_dtype(np.dtype("float64")) == "float64"
