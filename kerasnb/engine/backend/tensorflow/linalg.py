"""Linear algebra on the TensorFlow backend."""

import numpy as np
import tensorflow as tf

from kerasnb.engine import dtypes
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor",
           "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]

_HALF = ("float16", "bfloat16")
_INF = float("inf")


def float_inputs(*xs):
    """`xs` as tensors of their common floating dtype (half precision computes in float32),
    and the dtype the results should have."""
    xs = [convert_to_tensor(x) for x in xs]
    dtype = dtypes.float_result(dtypes.result_type(*[x.dtype.name for x in xs]))
    compute = "float32" if dtype in _HALF else dtype
    return [tf.cast(x, compute) for x in xs], dtype


def restore_dtype(out, dtype):
    """Casts real floating results back to half-precision `dtype` (they were computed in float32)."""
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(restore_dtype(o, dtype) for o in out)
    return tf.cast(out, dtype) if out.dtype.is_floating else out


def _complex(x, dtype):
    return tf.cast(x, "complex128" if dtype in ("float64", "complex128") else "complex64")


def _broadcast_batch(a, b):
    """`a` and matrix `b` with their batch dims broadcast together."""
    batch = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
    return (tf.broadcast_to(a, tf.concat([batch, tf.shape(a)[-2:]], 0)),
            tf.broadcast_to(b, tf.concat([batch, tf.shape(b)[-2:]], 0)))


def _solve_with(solver, a, b):
    """Applies ``solver(a, matrix_b)`` on broadcast batches, with a 1-D `b` handled as a column."""
    if b.shape.rank == 1:
        return solver(*_broadcast_batch(a, b[:, None]))[..., 0]
    return solver(*_broadcast_batch(a, b))


def cholesky(x, upper=False):
    (x,), dtype = float_inputs(x)
    factor = tf.linalg.cholesky(x)
    if tf.executing_eagerly() and bool(tf.reduce_any(tf.math.is_nan(factor))):
        raise ValueError("`cholesky` failed: the input must be a positive-definite matrix.")
    return restore_dtype(tf.linalg.adjoint(factor) if upper else factor, dtype)


def cholesky_inverse(x, upper=False):
    (x,), dtype = float_inputs(x)
    lower = tf.linalg.adjoint(x) if upper else x
    identity = tf.eye(tf.shape(x)[-1], batch_shape=tf.shape(x)[:-2], dtype=x.dtype)
    return restore_dtype(tf.linalg.cholesky_solve(lower, identity), dtype)


def det(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tf.linalg.det(x), dtype)


def eig(x):
    (x,), dtype = float_inputs(x)
    w, v = tf.linalg.eig(x)
    return _complex(w, dtype), _complex(v, dtype)


def eigh(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(tf.linalg.eigh(x)), dtype)


def inv(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tf.linalg.inv(x), dtype)


def _align(primal, tangent):
    """A primal and its tangent as tensors, following the primal's nesting (the tangent's
    leaves may be Python data and take the primal's dtype)."""
    if isinstance(primal, (list, tuple)):
        pairs = [_align(p, t) for p, t in zip(primal, tangent)]
        return type(primal)(p for p, _ in pairs), type(primal)(t for _, t in pairs)
    if isinstance(primal, dict):
        pairs = {k: _align(primal[k], tangent[k]) for k in primal}
        return {k: p for k, (p, _) in pairs.items()}, {k: t for k, (_, t) in pairs.items()}
    primal = convert_to_tensor(primal)
    return primal, convert_to_tensor(tangent, primal.dtype)


def jvp(fun, primals, tangents, has_aux=False):
    primals, tangents = _align(tuple(primals), tuple(tangents))
    with tf.autodiff.ForwardAccumulator(tf.nest.flatten(primals), tf.nest.flatten(tangents)) as acc:
        out = fun(*primals)
    out, aux = out if has_aux else (out, None)
    tangents_out = tf.nest.map_structure(
        lambda o: acc.jvp(o, unconnected_gradients=tf.UnconnectedGradients.ZERO), out)
    return (out, tangents_out, aux) if has_aux else (out, tangents_out)


def lstsq(a, b, rcond=None):
    (a, b), dtype = float_inputs(a, b)
    if rcond is None:
        eps = np.finfo(a.dtype.real_dtype.as_numpy_dtype).eps
        rcond = eps * tf.cast(tf.reduce_max(tf.shape(a)), a.dtype.real_dtype)
    a_pinv = tf.linalg.pinv(a, rcond=rcond)
    solution = tf.linalg.matvec(a_pinv, b) if b.shape.rank == 1 else a_pinv @ b
    return restore_dtype(solution, dtype)


def _pivots_from_permutation(perm):
    """LAPACK-style row swaps (0-based, applied in order) that produce row order `perm`."""
    n = perm.shape[-1]
    rows = tf.broadcast_to(tf.range(n, dtype=perm.dtype), tf.shape(perm))
    pivots = []
    for i in range(n):
        j = tf.argmax(tf.cast(tf.equal(rows, perm[..., i:i + 1]), tf.int32), axis=-1, output_type=perm.dtype)
        swap = tf.one_hot(j, n, dtype=perm.dtype) - tf.one_hot(i, n, dtype=perm.dtype)
        rows += swap * (rows[..., i:i + 1] - tf.gather(rows, j, batch_dims=len(perm.shape) - 1)[..., None])
        pivots.append(j)
    return tf.stack(pivots, axis=-1)


def lu_factor(x):
    (x,), dtype = float_inputs(x)
    lu, perm = tf.linalg.lu(x, output_idx_type=tf.int32)
    return restore_dtype(lu, dtype), _pivots_from_permutation(perm)


def matrix_rank(x, tol=None):
    (x,), _ = float_inputs(x)
    return tf.cast(tf.linalg.matrix_rank(x, tol=tol), tf.int32)


def _vector_norm(x, ord, axis, keepdims):
    size = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(size * size, axis=axis, keepdims=keepdims))
    if ord == _INF:
        return tf.reduce_max(size, axis=axis, keepdims=keepdims)
    if ord == -_INF:
        return tf.reduce_min(size, axis=axis, keepdims=keepdims)
    if ord == 0:
        return tf.reduce_sum(tf.cast(size != 0, size.dtype), axis=axis, keepdims=keepdims)
    return tf.reduce_sum(size ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _singular_value_norm(x, ord, axes, keepdims):
    """Matrix norms from singular values (2, -2, 'nuc'), with the matrix axes moved last."""
    ndim = x.shape.rank
    perm = [i for i in range(ndim) if i not in axes] + list(axes)
    s = tf.linalg.svd(tf.transpose(x, perm), compute_uv=False)
    reduce = {2: tf.reduce_max, -2: tf.reduce_min, "nuc": tf.reduce_sum}[ord]
    out = reduce(s, axis=-1)
    if keepdims:
        for axis in sorted(axes):
            out = tf.expand_dims(out, axis)
    return out


def _matrix_norm(x, ord, axes, keepdims):
    rows, cols = axes
    if ord in (2, -2, "nuc"):
        return _singular_value_norm(x, ord, axes, keepdims)
    if ord in (None, "fro"):
        return _vector_norm(x, None, axes, keepdims)
    size = tf.abs(x)
    summed, across = (rows, cols) if ord in (1, -1) else (cols, rows)
    reduce = tf.reduce_max if ord in (1, _INF) else tf.reduce_min
    out = reduce(tf.reduce_sum(size, axis=summed, keepdims=True), axis=across, keepdims=True)
    return out if keepdims else tf.squeeze(out, axis=axes)


def norm(x, ord=None, axis=None, keepdims=False):
    (x,), dtype = float_inputs(x)
    ndim = x.shape.rank
    if axis is None and ord is None:
        return restore_dtype(_vector_norm(x, None, None, keepdims), dtype)
    axes = tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % ndim for a in axes)
    if len(axes) == 1:
        return restore_dtype(_vector_norm(x, ord, axes[0], keepdims), dtype)
    return restore_dtype(_matrix_norm(x, ord, axes, keepdims), dtype)


def pinv(x, rcond=None):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tf.linalg.pinv(x, rcond=rcond), dtype)


def qr(x, mode="reduced"):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(tf.linalg.qr(x, full_matrices=mode == "complete")), dtype)


def solve(a, b):
    (a, b), dtype = float_inputs(a, b)
    return restore_dtype(_solve_with(tf.linalg.solve, a, b), dtype)


def solve_triangular(a, b, lower=False):
    (a, b), dtype = float_inputs(a, b)

    def solver(a, b):
        return tf.linalg.triangular_solve(a, b, lower=lower)

    return restore_dtype(_solve_with(solver, a, b), dtype)


def svd(x, full_matrices=True, compute_uv=True):
    (x,), dtype = float_inputs(x)
    if not compute_uv:
        return restore_dtype(tf.linalg.svd(x, compute_uv=False), dtype)
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return restore_dtype((u, s, tf.linalg.adjoint(v)), dtype)
