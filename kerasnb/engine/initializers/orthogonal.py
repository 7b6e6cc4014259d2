"""`Orthogonal`: a random orthogonal (or semi-orthogonal) matrix, reshaped to the weight's shape."""

import math

from kerasnb.engine import random as krandom
from kerasnb.engine.initializers.initializer import (
    RandomInitializer, check_float_dtype, check_number, check_shape)
from kerasnb.engine.ops import core, linalg
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


@builtin("initializers", "orthogonal", "OrthogonalInitializer")
class Orthogonal(RandomInitializer):
    """`gain` times a random orthogonal matrix, for shapes of rank 2 or more.

    The shape is flattened to ``(prod(shape[:-1]), shape[-1])``; the result has
    orthonormal columns when there are at least as many rows as columns, orthonormal rows
    otherwise. It is the Q of the QR decomposition of a normal sample, with signs fixed
    so that the distribution is uniform over orthogonal matrices.

    Args:
        gain: a factor applied to the matrix.
        seed: an int, a `SeedGenerator` or None (see `RandomInitializer`).

    Example:
        >>> q = kerasnb.ops.convert_to_numpy(Orthogonal(seed=0)((4, 4)))
        >>> np.allclose(q @ q.T, np.eye(4), atol=1e-5)
        True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = check_number(gain, "gain", "Orthogonal")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape, "Orthogonal", min_rank=2)
        dtype = check_float_dtype(dtype, "Orthogonal")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        # QR runs in at least float32: half-precision decompositions are not on every backend.
        work = dtype if dtype in ("float32", "float64") else "float32"
        sample = krandom.normal((max(rows, cols), min(rows, cols)), dtype=work, seed=self.seed)
        q, r = linalg.qr(sample)
        q = knp.multiply(q, knp.sign(knp.diag(r)))
        if rows < cols:
            q = knp.transpose(q)
        return core.cast(knp.multiply(self.gain, knp.reshape(q, shape)), dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
