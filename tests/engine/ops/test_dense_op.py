"""The internal fused `dense` op (``x @ kernel + bias``) that `Dense` calls: values against a
NumPy reference on every backend, symbolic shape/dtype, promotion, and gradients."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine.ops import nn as nn_ops
from kerasnb.engine.tensors import Variable
from tests.engine.ops.checks import check_grad, check_op

RNG = np.random.default_rng(7)
X = RNG.normal(size=(4, 3)).astype("float32")
KERNEL = RNG.normal(size=(3, 5)).astype("float32")
BIAS = RNG.normal(size=(5,)).astype("float32")


def test_dense_is_internal():
    assert "dense" not in nn_ops.__all__
    assert not hasattr(ops, "dense")


def test_dense_matches_numpy(backend):
    expected = X.astype("float64") @ KERNEL.astype("float64") + BIAS
    check_op(nn_ops.dense, X, KERNEL, BIAS, expected=expected.astype("float32"), dtype="float32")
    check_op(nn_ops.dense, X, KERNEL, expected=(X.astype("float64") @ KERNEL).astype("float32"),
             dtype="float32")


def test_dense_on_leading_axes(backend):
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    expected = np.einsum("abi,io->abo", x.astype("float64"), KERNEL) + BIAS
    check_op(nn_ops.dense, x, KERNEL, BIAS, expected=expected.astype("float32"), dtype="float32")


def test_dense_takes_variables(backend):
    kernel, bias = Variable(KERNEL), Variable(BIAS)
    out = ops.convert_to_numpy(nn_ops.dense(X, kernel, bias))
    np.testing.assert_allclose(out, X @ KERNEL + BIAS, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("x_dtype, kernel_dtype, expected", [
    ("float16", "float32", "float32"),
    ("int32", "float32", "float32"),
    ("int8", "int8", "int32"),
])
def test_dense_promotes_like_matmul_and_add(backend, x_dtype, kernel_dtype, expected):
    x = np.arange(6).reshape(2, 3).astype(x_dtype)
    kernel = np.ones((3, 2), dtype=kernel_dtype)
    bias = np.ones((2,), dtype=kernel_dtype)
    out = check_op(nn_ops.dense, x, kernel, bias,
                   expected=(x.astype("float64") @ kernel + bias).astype(expected), dtype=expected)
    assert out.dtype == np.dtype(expected)


def test_dense_gradients(trainable_backend):
    kernel = KERNEL.astype("float64")
    check_grad(lambda x: nn_ops.dense(x, ops.convert_to_tensor(kernel), ops.convert_to_tensor(BIAS.astype("float64"))), X)
    check_grad(lambda k: nn_ops.dense(ops.convert_to_tensor(X.astype("float64")), k), kernel)
