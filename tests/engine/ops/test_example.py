"""The worked example of the op pattern: add, sqrt, sum on every backend."""

import numpy as np

import kerasnb.ops as ops
from tests.engine.ops.checks import check_grad, check_op


def test_add_promotes_like_keras(backend):
    a = np.arange(6, dtype="int8").reshape(2, 3)
    check_op(ops.add, a, a, expected=a + a, dtype="int8")
    check_op(ops.add, a, np.ones(3, "float32"), expected=a + 1.0, dtype="float32")
    assert ops.dtype(ops.add(a, 1)) == "int8"
    assert ops.dtype(ops.add(a, 1.0)) == "float32"


def test_sqrt_of_ints_is_floatx(backend):
    check_op(ops.sqrt, np.array([4, 9], "int32"), expected=np.array([2.0, 3.0]), dtype="float32")


def test_sum_widens_small_ints(backend):
    x = np.full((3, 4), 100, "int8")
    check_op(ops.sum, x, axis=0, expected=np.full(4, 300), dtype="int32")
    check_op(ops.sum, x.astype("float32"), axis=(0, 1), keepdims=True, expected=np.full((1, 1), 1200.0), dtype="float32")


def test_sqrt_gradient(trainable_backend):
    check_grad(ops.sqrt, np.array([1.0, 4.0, 9.0]))
