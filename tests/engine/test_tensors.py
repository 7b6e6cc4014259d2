"""KerasTensor and Variable."""

import numpy as np
import pytest

import kerasnb
from kerasnb import KerasTensor, Variable


def test_keras_tensor_operators_infer_shape_and_dtype():
    x = KerasTensor((None, 3), "int8")
    y = KerasTensor((4, 1, 3), "float16")
    assert (x + 1).dtype == "int8"
    z = x * y
    assert z.shape == (4, None, 3) and z.dtype == "float16"
    assert (x + 1.5).dtype == "float32"
    assert z.history.operation is kerasnb.ops.multiply
    assert z.history.args[0] is x


def test_keras_tensor_has_no_values():
    x = KerasTensor((2,))
    with pytest.raises(TypeError, match="no values"):
        np.asarray(x)
    with pytest.raises(TypeError, match="bool"):
        bool(x)


def test_keras_tensor_rejects_bad_shapes():
    with pytest.raises(TypeError, match="`shape` must be a tuple of ints or None; received 3"):
        KerasTensor(3)
    with pytest.raises(ValueError, match=r"received \(2, -1\)"):
        KerasTensor((2, -1))


def test_variable_basics(backend):
    v = Variable(np.array([1.0, 2.0]), name="bias")
    assert (v.name, v.path, v.shape, v.dtype, v.trainable, v.ndim) == ("bias", "bias", (2,), "float32", True, 1)
    assert kerasnb.ops.is_tensor(v.value)
    v.assign([3.0, 4.0])
    v.assign_add(np.ones(2))
    v.assign_sub(np.array([0.5, 0.5]))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    np.testing.assert_allclose(np.asarray(v + 1), [4.5, 5.5])
    np.testing.assert_allclose(np.asarray(2 * v), [7.0, 9.0])
    assert "bias" in repr(v)


def test_variable_initializers(backend):
    v = Variable(lambda shape, dtype: np.full(shape, 2.0), shape=(2, 3), dtype="float64")
    assert v.dtype == "float64" and v.shape == (2, 3)
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 2.0))
    z = Variable("zeros", shape=(4,), dtype="int32", trainable=False)
    assert z.numpy().tolist() == [0, 0, 0, 0] and not z.trainable


@pytest.mark.parametrize("kwargs, error, message", [
    ({"initializer": lambda shape, dtype: 0}, ValueError, "`shape` is required"),
    ({"initializer": np.ones(3), "shape": (2,)}, ValueError, r"has shape \(3,\), expected `shape` \(2,\)"),
    ({"initializer": np.ones(3), "name": "a/b"}, ValueError, "without '/'"),
    ({"initializer": "glorot"}, ValueError, "`initializer` string must be one of"),
])
def test_variable_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        Variable(**kwargs)


def test_assign_checks_shape(backend):
    v = Variable(np.zeros((2, 2)), name="kernel")
    with pytest.raises(ValueError, match=r"shape \(3,\) to variable 'kernel' of shape \(2, 2\)"):
        v.assign(np.zeros(3))
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 2)))
