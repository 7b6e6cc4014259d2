"""keras.utils.to_categorical and normalize, against NumPy references."""

import numpy as np
import pytest

import kerasnb
from kerasnb import ops
from kerasnb.utils import normalize, to_categorical


def test_to_categorical_matches_identity_rows():
    labels = np.array([2, 0, 1, 2, 4])
    encoded = to_categorical(labels)
    np.testing.assert_array_equal(encoded, np.eye(5)[labels])
    assert encoded.dtype == np.float64


def test_to_categorical_drops_a_trailing_unit_axis_and_keeps_others():
    labels = np.array([[[1], [0]], [[2], [1]]])  # (2, 2, 1)
    encoded = to_categorical(labels, num_classes=4)
    assert encoded.shape == (2, 2, 4)
    np.testing.assert_array_equal(encoded, np.eye(4)[labels[..., 0]])
    assert to_categorical([3], num_classes=5).shape == (1, 5)


def test_to_categorical_rejects_bad_labels():
    with pytest.raises(ValueError, match="num_classes|\\[0, 2\\)"):
        to_categorical([0, 3], num_classes=2)
    with pytest.raises(ValueError, match="integer class indices"):
        to_categorical([0.5, 1.0])
    with pytest.raises(ValueError, match="integer class indices"):
        to_categorical(["a"])


def test_to_categorical_keeps_backend_tensors(backend):
    labels = ops.convert_to_tensor(np.array([[1], [0], [2]], dtype="int32"))
    encoded = to_categorical(labels, num_classes=3)
    assert ops.is_tensor(encoded)
    np.testing.assert_array_equal(ops.convert_to_numpy(encoded), np.eye(3)[[1, 0, 2]])
    inferred = to_categorical(ops.convert_to_tensor(np.array([0, 3], dtype="int32")))
    assert tuple(inferred.shape) == (2, 4)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_normalize_numpy_reference(axis, order):
    x = np.random.RandomState(0).normal(size=(3, 4))
    x[1] = 0.0
    norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    expected = x / np.where(norm == 0, 1.0, norm)
    result = normalize(x, axis=axis, order=order)
    assert isinstance(result, np.ndarray)
    np.testing.assert_allclose(result, expected, rtol=1e-12)


def test_normalize_backend_tensor(backend):
    x = ops.convert_to_tensor(np.array([[3.0, 4.0], [1.0, 0.0]], dtype="float32"))
    result = normalize(x)
    assert ops.is_tensor(result)
    np.testing.assert_allclose(ops.convert_to_numpy(result), [[0.6, 0.8], [1.0, 0.0]], rtol=1e-6)


def test_public_names_are_the_engine_functions():
    assert kerasnb.utils.to_categorical is to_categorical
