"""Linear algebra on the PyTorch backend."""

import torch

from kerasnb.engine import dtypes
from kerasnb.engine.backend.torch.core import convert_to_tensor, to_torch_dtype

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor",
           "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]

_HALF = ("float16", "bfloat16")


def float_inputs(*xs):
    """`xs` as tensors of their common floating dtype (half precision computes in float32),
    and the dtype the results should have."""
    xs = [convert_to_tensor(x) for x in xs]
    dtype = dtypes.float_result(dtypes.result_type(*[dtypes.standardize_dtype(x.dtype) for x in xs]))
    compute = to_torch_dtype("float32" if dtype in _HALF else dtype)
    return [x.to(compute) for x in xs], dtype


def restore_dtype(out, dtype):
    """Casts real floating results back to half-precision `dtype` (they were computed in float32)."""
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(restore_dtype(o, dtype) for o in out)
    return out.to(to_torch_dtype(dtype)) if out.is_floating_point() else out


def _complex(x, dtype):
    return x.to(torch.complex128 if dtype in ("float64", "complex128") else torch.complex64)


def _broadcast_batch(a, b):
    """`a` and matrix `b` with their batch dims broadcast together (so `b` is never read as
    a batch of vectors)."""
    batch = torch.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return a.expand(batch + a.shape[-2:]), b.expand(batch + b.shape[-2:])


def _solve_with(solver, a, b):
    """Applies ``solver(a, matrix_b)`` on broadcast batches, with a 1-D `b` handled as a column."""
    if b.ndim == 1:
        return solver(*_broadcast_batch(a, b[:, None]))[..., 0]
    return solver(*_broadcast_batch(a, b))


def cholesky(x, upper=False):
    (x,), dtype = float_inputs(x)
    factor, info = torch.linalg.cholesky_ex(x, upper=upper)
    if bool((info != 0).any()):
        raise ValueError("`cholesky` failed: the input must be a positive-definite matrix.")
    return restore_dtype(factor, dtype)


def cholesky_inverse(x, upper=False):
    (x,), dtype = float_inputs(x)
    factor = torch.triu(x) if upper else torch.tril(x)
    return restore_dtype(torch.cholesky_inverse(factor, upper=upper), dtype)


def det(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(torch.linalg.det(x), dtype)


def eig(x):
    (x,), dtype = float_inputs(x)
    w, v = torch.linalg.eig(x)
    return _complex(w, dtype), _complex(v, dtype)


def eigh(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(torch.linalg.eigh(x)), dtype)


def inv(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(torch.linalg.inv(x), dtype)


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
    return torch.func.jvp(fun, primals, tangents, has_aux=has_aux)


def lstsq(a, b, rcond=None):
    (a, b), dtype = float_inputs(a, b)
    driver = "gelsd" if a.device.type == "cpu" else None
    column = b[:, None] if b.ndim == 1 else b
    solution = torch.linalg.lstsq(a, column, rcond=rcond, driver=driver).solution
    return restore_dtype(solution[:, 0] if b.ndim == 1 else solution, dtype)


def lu_factor(x):
    (x,), dtype = float_inputs(x)
    lu, pivots = torch.linalg.lu_factor(x)
    return restore_dtype(lu, dtype), (pivots - 1).to(torch.int32)


def matrix_rank(x, tol=None):
    (x,), _ = float_inputs(x)
    return torch.linalg.matrix_rank(x, atol=tol).to(torch.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    (x,), dtype = float_inputs(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    return restore_dtype(torch.linalg.norm(x, ord=ord, dim=axis, keepdim=keepdims), dtype)


def pinv(x, rcond=None):
    (x,), dtype = float_inputs(x)
    if rcond is None:
        rcond = 10 * max(x.shape[-2:]) * torch.finfo(x.real.dtype).eps
    return restore_dtype(torch.linalg.pinv(x, rtol=rcond), dtype)


def qr(x, mode="reduced"):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tuple(torch.linalg.qr(x, mode=mode)), dtype)


def solve(a, b):
    (a, b), dtype = float_inputs(a, b)
    return restore_dtype(_solve_with(torch.linalg.solve, a, b), dtype)


def solve_triangular(a, b, lower=False):
    (a, b), dtype = float_inputs(a, b)

    def solver(a, b):
        return torch.linalg.solve_triangular(a, b, upper=not lower)

    return restore_dtype(_solve_with(solver, a, b), dtype)


def svd(x, full_matrices=True, compute_uv=True):
    (x,), dtype = float_inputs(x)
    if not compute_uv:
        return restore_dtype(torch.linalg.svdvals(x), dtype)
    return restore_dtype(tuple(torch.linalg.svd(x, full_matrices=full_matrices)), dtype)
