"""`kerasnb.ops.linalg` (`keras.ops.linalg`): linear algebra, exactly the names Keras 3 has here."""

from kerasnb.engine.ops.linalg import (  # noqa: F401
    cholesky, cholesky_inverse, det, eig, eigh, inv, jvp, lstsq, lu_factor, matrix_rank, norm,
    pinv, qr, solve, solve_triangular, svd)

__all__ = [
    'cholesky', 'cholesky_inverse', 'det', 'eig', 'eigh', 'inv', 'jvp', 'lstsq', 'lu_factor',
    'matrix_rank', 'norm', 'pinv', 'qr', 'solve', 'solve_triangular', 'svd']
