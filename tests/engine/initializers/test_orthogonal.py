"""Orthogonal initializer: orthogonality, gain, shapes, seeds, errors."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import initializers


@pytest.mark.parametrize("shape", [(6, 6), (8, 3), (3, 8), (2, 3, 4)])
def test_orthonormal_rows_or_columns(backend, shape):
    values = ops.convert_to_numpy(initializers.Orthogonal(gain=2.0, seed=5)(shape))
    assert values.shape == shape and values.dtype == np.float32
    matrix = values.reshape(-1, shape[-1]) / 2.0
    rows, cols = matrix.shape
    gram = matrix.T @ matrix if rows >= cols else matrix @ matrix.T
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-5)


def test_dtypes_and_seeds(backend):
    init = initializers.Orthogonal(seed=3)
    np.testing.assert_array_equal(ops.convert_to_numpy(init((4, 4))), ops.convert_to_numpy(init((4, 4))))
    assert ops.convert_to_numpy(init((4, 4), dtype="float64")).dtype == np.float64
    half = ops.convert_to_numpy(init((4, 4), dtype="float16")).astype(np.float32)
    np.testing.assert_allclose(half @ half.T, np.eye(4), atol=1e-2)


def test_aliases_config_and_errors():
    assert initializers.orthogonal is initializers.OrthogonalInitializer is initializers.Orthogonal
    init = initializers.Orthogonal(gain=0.5, seed=1)
    assert init.get_config() == {"seed": 1, "gain": 0.5}
    assert initializers.deserialize(initializers.serialize(init)).get_config() == init.get_config()
    with pytest.raises(ValueError, match="Orthogonal: `shape` must have rank >= 2; received \\(3,\\)"):
        init((3,))
    with pytest.raises(ValueError, match="`gain` must be a number"):
        initializers.Orthogonal(gain=[1.0])
