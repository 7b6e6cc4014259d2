"""Linear algebra ops (`keras.ops.linalg`): decompositions, solvers, norms, inverses, `jvp`.

Matrices live in the last two dims; leading dims are batch dims. Integer inputs give
floatx results and floating inputs keep their dtype, as in Keras 3.
"""

import functools

from kerasnb.engine import dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import flatten, op, pack

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor",
           "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]

_INF = float("inf")
_MATRIX_ORDS = (None, "fro", "nuc", _INF, -_INF, 1, -1, 2, -2)


# Argument checks, run once before dispatch (eager and symbolic) -------------------------

def fail(name, arg, expected, received):
    raise ValueError(f"`{name}` expects `{arg}` {expected}; received {received}.")


def check_matrix(name, x, arg="x", square=False):
    """Checks that `x` is a (batch of) matrix, square when asked; returns its shape."""
    shape = rules.shape_of(x)
    if len(shape) < 2:
        fail(name, arg, "of rank >= 2 (a matrix or a batch of matrices)", f"shape {shape}")
    m, n = shape[-2:]
    if square and None not in (m, n) and m != n:
        fail(name, arg, "square in its last two dims (shape (..., M, M))", f"shape {shape}")
    return shape


def _square(name, x, *args, **kwargs):
    check_matrix(name, x, square=True)


def _matrix(name, x, *args, **kwargs):
    check_matrix(name, x)


def _system(name, a, b, *args, **kwargs):
    a_shape = check_matrix(name, a, "a", square=True)
    b_shape = rules.shape_of(b)
    if not b_shape:
        fail(name, "b", "of rank >= 1 (shape (M,) or (..., M, K))", f"shape {b_shape}")
    rows = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if None not in (rows, a_shape[-1]) and rows != a_shape[-1]:
        fail(name, "b", f"with {a_shape[-1]} rows to match `a` of shape {a_shape}", f"shape {b_shape}")


def _lstsq_args(name, a, b, rcond=None):
    a_shape, b_shape = rules.shape_of(a), rules.shape_of(b)
    if len(a_shape) != 2:
        fail(name, "a", "of rank 2 (shape (M, N))", f"shape {a_shape}")
    if len(b_shape) not in (1, 2):
        fail(name, "b", "of rank 1 or 2 (shape (M,) or (M, K))", f"shape {b_shape}")
    if None not in (a_shape[0], b_shape[0]) and a_shape[0] != b_shape[0]:
        fail(name, "b", f"with {a_shape[0]} rows to match `a` of shape {a_shape}", f"shape {b_shape}")


def _qr_args(name, x, mode="reduced"):
    check_matrix(name, x)
    if mode not in ("reduced", "complete"):
        fail(name, "mode", "to be 'reduced' or 'complete'", repr(mode))


def _norm_axes(x, ord=None, axis=None):
    """The axes `norm` reduces (all of them for ``axis=None``), after validating `ord` and `axis`."""
    ndim = len(rules.shape_of(x))
    if axis is None and ord is not None and ndim not in (1, 2):
        fail("norm", "x", "of rank 1 or 2 when `ord` is given without `axis`", f"rank {ndim}")
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    positive = tuple(rules.canonical_axis(a, ndim) for a in axes)
    if len(axes) not in (1, 2) or len(set(positive)) != len(axes):
        fail("norm", "axis", "to be one axis or two distinct axes", repr(axis))
    return positive


def _norm_args(name, x, ord=None, axis=None, keepdims=False):
    axes = _norm_axes(x, ord, axis)
    if ord is None:
        return
    if len(axes) == 1 and isinstance(ord, str):
        fail(name, "ord", "to be a number for a vector norm", repr(ord))
    if len(axes) == 2 and ord not in _MATRIX_ORDS:
        fail(name, "ord", "to be one of None, 'fro', 'nuc', inf, -inf, 1, -1, 2, -2 for a matrix norm",
             repr(ord))


def _jvp_args(name, fun, primals, tangents, has_aux=False):
    if not callable(fun):
        fail(name, "fun", "to be callable", repr(type(fun)))
    if not isinstance(primals, (list, tuple)):
        fail(name, "primals", "to be a tuple or list of `fun`'s arguments", repr(type(primals)))
    if not isinstance(tangents, (list, tuple)) or len(tangents) != len(primals):
        fail(name, "tangents", f"to be a tuple or list of {len(primals)} tangents (one per primal)",
             f"{tangents!r:.80}")


# Symbolic rules ---------------------------------------------------------------------

def float_dtype(*xs):
    """The dtype of a floating-point function of `xs` (ints and bool become floatx)."""
    return dtypes.float_result(dtypes.result_type(*[rules.dtype_of(x) for x in xs]))


def _complex_dtype(dtype):
    return "complex128" if dtype in ("float64", "complex128") else "complex64"


def real_dtype(dtype):
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def _same_float(x, *args, **kwargs):
    return rules.tensor(rules.shape_of(x), float_dtype(x))


def _batch_scalar(x, *args, **kwargs):
    return rules.tensor(rules.shape_of(x)[:-2], float_dtype(x))


def _eig_rule(x):
    shape, dtype = rules.shape_of(x), _complex_dtype(float_dtype(x))
    return rules.tensor(shape[:-1], dtype), rules.tensor(shape, dtype)


def _eigh_rule(x):
    shape, dtype = rules.shape_of(x), float_dtype(x)
    return rules.tensor(shape[:-1], dtype), rules.tensor(shape, dtype)


def _lstsq_rule(a, b, rcond=None):
    return rules.tensor(rules.shape_of(a)[1:] + rules.shape_of(b)[1:], float_dtype(a, b))


def _lu_rule(x):
    shape = rules.shape_of(x)
    return rules.tensor(shape, float_dtype(x)), rules.tensor(shape[:-1], "int32")


def _rank_rule(x, tol=None):
    return rules.tensor(rules.shape_of(x)[:-2], "int32")


def _norm_rule(x, ord=None, axis=None, keepdims=False):
    shape = rules.reduce_shape(rules.shape_of(x), _norm_axes(x, ord, axis), keepdims)
    return rules.tensor(shape, real_dtype(float_dtype(x)))


def _pinv_rule(x, rcond=None):
    shape = rules.shape_of(x)
    return rules.tensor(shape[:-2] + (shape[-1], shape[-2]), float_dtype(x))


def _min_dim(m, n):
    return None if None in (m, n) else min(m, n)


def _qr_rule(x, mode="reduced"):
    shape, dtype = rules.shape_of(x), float_dtype(x)
    batch, (m, n) = shape[:-2], shape[-2:]
    k = m if mode == "complete" else _min_dim(m, n)
    return rules.tensor(batch + (m, k), dtype), rules.tensor(batch + (k, n), dtype)


def _solve_rule(a, b, *args, **kwargs):
    a_shape, b_shape = rules.shape_of(a), rules.shape_of(b)
    n = a_shape[-1] if a_shape[-1] is not None else a_shape[-2]
    if len(b_shape) == 1:
        shape = a_shape[:-2] + (n,)
    else:
        shape = rules.broadcast_shapes(a_shape[:-2], b_shape[:-2]) + (n, b_shape[-1])
    return rules.tensor(shape, float_dtype(a, b))


def _svd_rule(x, full_matrices=True, compute_uv=True):
    shape, dtype = rules.shape_of(x), float_dtype(x)
    batch, (m, n) = shape[:-2], shape[-2:]
    k = _min_dim(m, n)
    s = rules.tensor(batch + (k,), dtype)
    if not compute_uv:
        return s
    u_cols, v_rows = (m, n) if full_matrices else (k, k)
    return rules.tensor(batch + (m, u_cols), dtype), s, rules.tensor(batch + (v_rows, n), dtype)


def _jvp_rule(fun, primals, tangents, has_aux=False):
    out = fun(*primals)
    out, aux = out if has_aux else (out, None)
    leaves = [rules.tensor(rules.shape_of(o), rules.dtype_of(o)) for o in flatten(out)]
    tangents_out = pack(out, leaves)
    return (out, tangents_out, aux) if has_aux else (out, tangents_out)


# Ops --------------------------------------------------------------------------------

@op(_same_float, family="linalg", check=functools.partial(_square, "cholesky"))
def cholesky(x, upper=False):
    """Cholesky factor of a symmetric positive-definite matrix.

    Args:
        x: tensor of shape `(..., M, M)`; only its lower triangle is read.
        upper: return the upper factor `U` (with `x = U^T U`) instead of the lower `L`
            (with `x = L L^T`).

    Returns:
        The triangular factor, shape `(..., M, M)`. Raises `ValueError` when `x` is not
        positive definite.

    Example:
        >>> ops.linalg.cholesky([[4.0, 2.0], [2.0, 5.0]])
        array([[2., 0.],
               [1., 2.]], dtype=float32)
    """


@op(_same_float, family="linalg", check=functools.partial(_square, "cholesky_inverse"))
def cholesky_inverse(x, upper=False):
    """Inverse of a positive-definite matrix given its Cholesky factor.

    Args:
        x: the Cholesky factor, shape `(..., M, M)`: lower triangular `L` (matrix `L L^T`)
            or, with `upper=True`, upper triangular `U` (matrix `U^T U`).
        upper: whether `x` is the upper factor.

    Returns:
        The inverse of the factored matrix, shape `(..., M, M)`.

    Example:
        >>> ops.linalg.cholesky_inverse([[2.0, 0.0], [1.0, 2.0]])
        array([[ 0.3125, -0.125 ],
               [-0.125 ,  0.25  ]], dtype=float32)
    """


@op(_batch_scalar, family="linalg", check=functools.partial(_square, "det"))
def det(x):
    """Determinant of square matrices, shape `(..., M, M)` -> `(...)`.

    Example:
        >>> ops.linalg.det([[1.0, 2.0], [3.0, 4.0]])
        array(-2., dtype=float32)
    """


@op(_eig_rule, family="linalg", check=functools.partial(_square, "eig"))
def eig(x):
    """Eigenvalues and right eigenvectors of general square matrices (complex results).

    Returns:
        `(w, v)`: `w` of shape `(..., M)` and `v` of shape `(..., M, M)` with
        `x @ v[..., :, i] == w[..., i] * v[..., :, i]`; complex64 (complex128 for float64).

    Example:
        >>> w, v = ops.linalg.eig([[2.0, 0.0], [0.0, 3.0]])
        >>> w
        array([2.+0.j, 3.+0.j], dtype=complex64)
    """


@op(_eigh_rule, family="linalg", check=functools.partial(_square, "eigh"))
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices; the lower triangle is read.

    Returns:
        `(w, v)`: `w` of shape `(..., M)` and orthonormal eigenvectors `v` of shape `(..., M, M)`
        in its columns.

    Example:
        >>> w, v = ops.linalg.eigh([[2.0, 1.0], [1.0, 2.0]])
        >>> w
        array([1., 3.], dtype=float32)
    """


@op(_same_float, family="linalg", check=functools.partial(_square, "inv"))
def inv(x):
    """Inverse of square matrices, shape `(..., M, M)`.

    Example:
        >>> ops.linalg.inv([[2.0, 0.0], [0.0, 4.0]])
        array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)
    """


@op(_jvp_rule, family="linalg", check=functools.partial(_jvp_args, "jvp"))
def jvp(fun, primals, tangents, has_aux=False):
    """Jacobian-vector product: `fun`'s value at `primals` and its derivative along `tangents`.

    Needs a backend with autodiff (jax, torch, tensorflow).

    Args:
        fun: a function of tensors built from kerasnb ops.
        primals: tuple of `fun`'s positional arguments.
        tangents: tuple of directions, one per primal, each of its primal's shape.
        has_aux: `fun` returns `(output, aux)`; `aux` is passed through.

    Returns:
        `(output, tangent_output)`, or `(output, tangent_output, aux)` with `has_aux`.

    Example:
        >>> y, dy = ops.linalg.jvp(ops.sqrt, (ops.convert_to_tensor([4.0]),), ([1.0],))
        >>> dy
        Array([0.25], dtype=float32)
    """


@op(_lstsq_rule, family="linalg", check=functools.partial(_lstsq_args, "lstsq"))
def lstsq(a, b, rcond=None):
    """Least-squares solution `x` minimizing `||a @ x - b||`.

    Args:
        a: matrix of shape `(M, N)`.
        b: right-hand side of shape `(M,)` or `(M, K)`.
        rcond: singular values of `a` below `rcond` times the largest one count as zero;
            None means machine epsilon times `max(M, N)`.

    Returns:
        The solution, shape `(N,)` or `(N, K)`.

    Example:
        >>> ops.linalg.lstsq([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 1.0, 2.0])
        array([1., 1.], dtype=float32)
    """


@op(_lu_rule, family="linalg", check=functools.partial(_square, "lu_factor"))
def lu_factor(x):
    """LU factorization with partial pivoting, in LAPACK's compact form.

    Returns:
        `(lu, pivots)`: `lu` of shape `(..., M, M)` holds `U` in its upper triangle and the
        unit-diagonal `L` below it; int32 `pivots` of shape `(..., M)` say that row `i` was
        swapped with row `pivots[i]` (0-based, applied in order).

    Example:
        >>> lu, pivots = ops.linalg.lu_factor([[1.0, 2.0], [3.0, 4.0]])
        >>> pivots
        array([1, 1], dtype=int32)
    """


@op(_rank_rule, family="linalg", check=functools.partial(_matrix, "matrix_rank"))
def matrix_rank(x, tol=None):
    """Numerical rank of matrices: the number of singular values above `tol` (int32).

    Args:
        x: tensor of shape `(..., M, N)`.
        tol: absolute threshold; None means the largest singular value times
            `max(M, N)` times machine epsilon.

    Example:
        >>> ops.linalg.matrix_rank([[1.0, 2.0], [2.0, 4.0]])
        array(1, dtype=int32)
    """


@op(_norm_rule, family="linalg", check=functools.partial(_norm_args, "norm"))
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as `numpy.linalg.norm`.

    Args:
        x: input tensor.
        ord: for a vector norm (one axis) any number, `inf`, `-inf` or 0 (count of nonzeros);
            for a matrix norm (two axes) one of None/'fro', 'nuc', `inf`, `-inf`, 1, -1, 2, -2.
            None is the 2-norm (Frobenius for matrices).
        axis: None, one axis (vector norm) or two axes (matrix norm). With `axis=None` and
            `ord=None`, the 2-norm of all elements; with an `ord`, `x` must be 1-D or 2-D.
        keepdims: keep the reduced axes with size 1.

    Returns:
        The norm; floating dtype (floatx for integer input, the real dtype for complex input).

    Example:
        >>> ops.linalg.norm([[3.0, 0.0], [0.0, 4.0]], ord=1, axis=(0, 1))
        array(4., dtype=float32)
    """


@op(_pinv_rule, family="linalg", check=functools.partial(_matrix, "pinv"))
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse, shape `(..., M, N)` -> `(..., N, M)`.

    Args:
        x: tensor of shape `(..., M, N)`.
        rcond: singular values below `rcond` times the largest one count as zero;
            None means `10 * max(M, N)` times machine epsilon.

    Example:
        >>> ops.linalg.pinv([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
        array([[1. , 0. , 0. ],
               [0. , 0.5, 0. ]], dtype=float32)
    """


@op(_qr_rule, family="linalg", check=functools.partial(_qr_args, "qr"))
def qr(x, mode="reduced"):
    """QR decomposition `x = q @ r` with orthonormal columns in `q` and upper-triangular `r`.

    Args:
        x: tensor of shape `(..., M, N)`.
        mode: 'reduced' (`q` is `(..., M, K)`, `r` is `(..., K, N)`, `K = min(M, N)`) or
            'complete' (`q` is `(..., M, M)`, `r` is `(..., M, N)`).

    Example:
        >>> q, r = ops.linalg.qr([[3.0, 1.0], [4.0, 2.0]])
        >>> r.shape
        (2, 2)
    """


@op(_solve_rule, family="linalg", check=functools.partial(_system, "solve"))
def solve(a, b):
    """Solves `a @ x = b` for `x`.

    Args:
        a: square matrices, shape `(..., M, M)`.
        b: a vector of shape `(M,)` or matrices of shape `(..., M, K)`; batch dims broadcast.

    Returns:
        `x`, shaped like `b` (with the broadcast batch dims).

    Example:
        >>> ops.linalg.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 2.0])
        array([1. , 0.5], dtype=float32)
    """


@op(_solve_rule, family="linalg", check=functools.partial(_system, "solve_triangular"))
def solve_triangular(a, b, lower=False):
    """Solves `a @ x = b` for triangular `a`; only the chosen triangle of `a` is read.

    Args:
        a: triangular matrices, shape `(..., M, M)`.
        b: a vector of shape `(M,)` or matrices of shape `(..., M, K)`; batch dims broadcast.
        lower: use the lower triangle of `a` (default: the upper one).

    Example:
        >>> ops.linalg.solve_triangular([[2.0, 0.0], [1.0, 1.0]], [2.0, 3.0], lower=True)
        array([1., 2.], dtype=float32)
    """


@op(_svd_rule, family="linalg", check=functools.partial(_matrix, "svd"))
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition `x = u @ diag(s) @ vh`, singular values descending.

    Args:
        x: tensor of shape `(..., M, N)`.
        full_matrices: `u` is `(..., M, M)` and `vh` is `(..., N, N)`; otherwise
            `(..., M, K)` and `(..., K, N)` with `K = min(M, N)`.
        compute_uv: return `(u, s, vh)`; if False, only `s` of shape `(..., K)`.

    Example:
        >>> ops.linalg.svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False)
        array([4., 3.], dtype=float32)
    """
