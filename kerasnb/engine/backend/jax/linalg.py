"""Linear algebra on the JAX backend."""

import jax
import jax.numpy as jnp

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor",
           "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]

_HALF = ("float16", "bfloat16")


def float_inputs(*xs):
    """`xs` as arrays of their common floating dtype (half precision computes in float32),
    and the dtype the results should have."""
    xs = [convert_to_tensor(x) for x in xs]
    dtype = dtypes.float_result(dtypes.result_type(*[dtypes.standardize_dtype(x.dtype) for x in xs]))
    compute = common.numpy_dtype("float32" if dtype in _HALF else dtype)
    return [x.astype(compute) for x in xs], dtype


def restore_dtype(out, dtype):
    """Casts real floating results back to half-precision `dtype` (they were computed in float32)."""
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(restore_dtype(o, dtype) for o in out)
    return out.astype(common.numpy_dtype(dtype)) if jnp.issubdtype(out.dtype, jnp.floating) else out


def _complex(x, dtype):
    return x.astype("complex128" if dtype in ("float64", "complex128") else "complex64")


def _broadcast_batch(a, b):
    """`a` and matrix `b` with their batch dims broadcast together."""
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return jnp.broadcast_to(a, batch + a.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:])


def _solve_with(solver, a, b):
    """Applies ``solver(a, matrix_b)`` on broadcast batches, with a 1-D `b` handled as a column."""
    if b.ndim == 1:
        return solver(*_broadcast_batch(a, b[:, None]))[..., 0]
    return solver(*_broadcast_batch(a, b))


def cholesky(x, upper=False):
    (x,), dtype = float_inputs(x)
    factor = jax.lax.linalg.cholesky(x, symmetrize_input=False)
    if not isinstance(factor, jax.core.Tracer) and bool(jnp.isnan(factor).any()):
        raise ValueError("`cholesky` failed: the input must be a positive-definite matrix.")
    return restore_dtype(jnp.swapaxes(factor, -1, -2).conj() if upper else factor, dtype)


def cholesky_inverse(x, upper=False):
    (x,), dtype = float_inputs(x)
    identity = jnp.broadcast_to(jnp.eye(x.shape[-1], dtype=x.dtype), x.shape)
    return restore_dtype(jax.scipy.linalg.cho_solve((x, not upper), identity), dtype)


def det(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(jnp.linalg.det(x), dtype)


def eig(x):
    (x,), dtype = float_inputs(x)
    w, v = jnp.linalg.eig(x)
    return _complex(w, dtype), _complex(v, dtype)


def eigh(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(jnp.linalg.eigh(x, symmetrize_input=False)), dtype)


def inv(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(jnp.linalg.inv(x), dtype)


def jvp(fun, primals, tangents, has_aux=False):
    primals = jax.tree_util.tree_map(convert_to_tensor, tuple(primals))
    tangents = jax.tree_util.tree_map(lambda p, t: convert_to_tensor(t, p.dtype), primals, tuple(tangents))
    return jax.jvp(fun, primals, tangents, has_aux=has_aux)


def lstsq(a, b, rcond=None):
    (a, b), dtype = float_inputs(a, b)
    return restore_dtype(jnp.linalg.lstsq(a, b, rcond=rcond)[0], dtype)


def lu_factor(x):
    (x,), dtype = float_inputs(x)
    lu, pivots, _ = jax.lax.linalg.lu(x)
    return restore_dtype(lu, dtype), pivots.astype("int32")


def matrix_rank(x, tol=None):
    (x,), _ = float_inputs(x)
    s = jnp.linalg.svd(x, compute_uv=False)
    if tol is None:
        tol = s.max(axis=-1, keepdims=True, initial=0.0) * max(x.shape[-2:]) * jnp.finfo(x.dtype).eps
    return jnp.sum(s > tol, axis=-1, dtype="int32")


def norm(x, ord=None, axis=None, keepdims=False):
    (x,), dtype = float_inputs(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    return restore_dtype(jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims), dtype)


def pinv(x, rcond=None):
    (x,), dtype = float_inputs(x)
    return restore_dtype(jnp.linalg.pinv(x, rtol=rcond), dtype)


def qr(x, mode="reduced"):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(jnp.linalg.qr(x, mode=mode)), dtype)


def solve(a, b):
    (a, b), dtype = float_inputs(a, b)
    return restore_dtype(_solve_with(jnp.linalg.solve, a, b), dtype)


def solve_triangular(a, b, lower=False):
    (a, b), dtype = float_inputs(a, b)

    def solver(a, b):
        return jax.lax.linalg.triangular_solve(a, b, left_side=True, lower=lower)

    return restore_dtype(_solve_with(solver, a, b), dtype)


def svd(x, full_matrices=True, compute_uv=True):
    (x,), dtype = float_inputs(x)
    out = jnp.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    return restore_dtype(tuple(out) if compute_uv else out, dtype)
