"""Linear algebra on the NumPy backend (NumPy only, no SciPy)."""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor",
           "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]

_HALF = ("float16", "bfloat16")


def float_inputs(*xs):
    """`xs` as arrays of their common floating dtype (half precision computes in float32),
    and the dtype the results should have."""
    xs = [convert_to_tensor(x) for x in xs]
    dtype = dtypes.float_result(dtypes.result_type(*[dtypes.standardize_dtype(x.dtype) for x in xs]))
    compute = common.numpy_dtype("float32" if dtype in _HALF else dtype)
    return [x.astype(compute, copy=False) for x in xs], dtype


def restore_dtype(out, dtype):
    """Casts real floating results back to half-precision `dtype` (they were computed in float32)."""
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(restore_dtype(o, dtype) for o in out)
    return out.astype(common.numpy_dtype(dtype)) if out.dtype.kind == "f" else out


def _complex(x, dtype):
    return x.astype("complex128" if dtype in ("float64", "complex128") else "complex64")


def _transpose(x):
    return np.swapaxes(x, -1, -2)


def cholesky(x, upper=False):
    (x,), dtype = float_inputs(x)
    try:
        return restore_dtype(np.linalg.cholesky(x, upper=upper), dtype)
    except np.linalg.LinAlgError:
        raise ValueError("`cholesky` failed: the input must be a positive-definite matrix.") from None


def cholesky_inverse(x, upper=False):
    (x,), dtype = float_inputs(x)
    factor_inv = np.linalg.inv(np.triu(x) if upper else np.tril(x))
    if upper:
        return restore_dtype(factor_inv @ _transpose(factor_inv), dtype)
    return restore_dtype(_transpose(factor_inv) @ factor_inv, dtype)


def det(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(np.asarray(np.linalg.det(x)), dtype)


def eig(x):
    (x,), dtype = float_inputs(x)
    w, v = np.linalg.eig(x)
    return _complex(w, dtype), _complex(v, dtype)


def eigh(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(np.linalg.eigh(x)), dtype)


def inv(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(np.linalg.inv(x), dtype)


def jvp(fun, primals, tangents, has_aux=False):
    raise NotImplementedError(
        "`jvp` is not implemented on the numpy backend: it has no automatic differentiation; "
        "use jax, torch or tensorflow.")


def lstsq(a, b, rcond=None):
    (a, b), dtype = float_inputs(a, b)
    return restore_dtype(np.linalg.lstsq(a, b, rcond=rcond)[0], dtype)


def lu_factor(x):
    (x,), dtype = float_inputs(x)
    n = x.shape[-1]
    lu = x.reshape((-1, n, n)).copy()
    pivots = np.zeros(lu.shape[:-1], "int32")
    rows = np.arange(len(lu))
    for k in range(n):
        pivots[:, k] = k + np.argmax(np.abs(lu[:, k:, k]), axis=-1)
        lu[rows, k], lu[rows, pivots[:, k]] = lu[rows, pivots[:, k]], lu[rows, k]
        pivot = lu[:, k, k:k + 1]
        lu[:, k + 1:, k] = np.divide(lu[:, k + 1:, k], pivot, out=np.zeros_like(lu[:, k + 1:, k]),
                                     where=pivot != 0)
        lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k:k + 1] * lu[:, k:k + 1, k + 1:]
    return restore_dtype(lu.reshape(x.shape), dtype), pivots.reshape(x.shape[:-1])


def matrix_rank(x, tol=None):
    (x,), _ = float_inputs(x)
    return np.asarray(np.linalg.matrix_rank(x, tol=tol), "int32")


def norm(x, ord=None, axis=None, keepdims=False):
    (x,), dtype = float_inputs(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    return restore_dtype(np.asarray(np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)), dtype)


def pinv(x, rcond=None):
    (x,), dtype = float_inputs(x)
    if rcond is None:
        rcond = 10 * max(x.shape[-2:]) * np.finfo(x.dtype).eps
    return restore_dtype(np.linalg.pinv(x, rcond=rcond), dtype)


def qr(x, mode="reduced"):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(np.linalg.qr(x, mode=mode)), dtype)


def _solve_with(solver, a, b):
    """Applies ``solver(a, matrix_b)`` with a 1-D `b` handled as a column."""
    if b.ndim == 1:
        return solver(a, b[:, None])[..., 0]
    return solver(a, b)


def solve(a, b):
    (a, b), dtype = float_inputs(a, b)
    return restore_dtype(_solve_with(np.linalg.solve, a, b), dtype)


def solve_triangular(a, b, lower=False):
    (a, b), dtype = float_inputs(a, b)
    return restore_dtype(_solve_with(np.linalg.solve, np.tril(a) if lower else np.triu(a), b), dtype)


def svd(x, full_matrices=True, compute_uv=True):
    (x,), dtype = float_inputs(x)
    if not compute_uv:
        return restore_dtype(np.linalg.svd(x, compute_uv=False), dtype)
    return restore_dtype(tuple(np.linalg.svd(x, full_matrices=full_matrices)), dtype)
