"""`keras.ops.linalg` on every backend, against NumPy references written here."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op, to_numpy

linalg = ops.linalg
RNG = np.random.default_rng(7)


def spd(*batch, n=3, dtype="float64"):
    """Symmetric positive-definite matrices."""
    m = RNG.standard_normal(batch + (n, n))
    return (m @ np.swapaxes(m, -1, -2) + n * np.eye(n)).astype(dtype)


def well_conditioned(*shape, dtype="float64"):
    n = shape[-1]
    return (RNG.standard_normal(shape) + n * np.eye(n)).astype(dtype)


def T(x):
    return np.swapaxes(x, -1, -2)


# Decompositions ------------------------------------------------------------------------

def test_cholesky_and_its_inverse(backend):
    a = spd(2)
    lower = np.linalg.cholesky(a)
    check_op(linalg.cholesky, a, expected=lower, dtype="float64")
    check_op(linalg.cholesky, a, upper=True, expected=T(lower), dtype="float64")
    check_op(linalg.cholesky_inverse, lower, expected=np.linalg.inv(a), dtype="float64")
    check_op(linalg.cholesky_inverse, T(lower), upper=True, expected=np.linalg.inv(a), dtype="float64")
    check_op(linalg.cholesky, np.tril(a) + np.triu(np.ones((3, 3)), 1), expected=lower, dtype="float64")
    ints = np.array([[4, 2], [2, 5]], "int32")
    check_op(linalg.cholesky, ints, expected=np.linalg.cholesky(ints.astype("float64")), dtype="float32")
    check_op(linalg.cholesky, ints.astype("float16"), expected=np.array([[2.0, 0.0], [1.0, 2.0]]),
             dtype="float16", rtol=1e-3)


def test_cholesky_rejects_an_indefinite_matrix(backend):
    with pytest.raises(ValueError, match="positive-definite"):
        linalg.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_det_and_inv(backend):
    a = well_conditioned(2, 3, 3)
    check_op(linalg.det, a, expected=np.linalg.det(a), dtype="float64")
    check_op(linalg.inv, a, expected=np.linalg.inv(a), dtype="float64")
    ints = np.array([[2, 1], [7, 4]], "int32")
    check_op(linalg.det, ints, expected=np.array(1.0), dtype="float32", atol=1e-5)
    check_op(linalg.inv, ints, expected=np.linalg.inv(ints.astype("float64")), dtype="float32", rtol=1e-4)
    check_op(linalg.inv, a.astype("float32"), expected=np.linalg.inv(a), dtype="float32", rtol=1e-4)


def test_accepts_variables_and_other_frameworks_tensors(backend):
    a = well_conditioned(3, 3)
    other = engine_backend.load("jax" if backend == "torch" else "torch")
    check_op(linalg.inv, other.convert_to_tensor(a), expected=np.linalg.inv(a), dtype="float64", symbolic=False)
    check_op(linalg.solve, Variable(a), [1.0, 2.0, 3.0], expected=np.linalg.solve(a, [1.0, 2.0, 3.0]),
             dtype="float32", rtol=1e-5, symbolic=False)


def test_eig_gives_complex_eigenpairs(backend):
    a = np.array([[0.0, -2.0, 1.0], [2.0, 0.0, 0.0], [0.5, 1.0, 3.0]])
    for dtype, complex_dtype in (("float64", "complex128"), ("float32", "complex64"), ("int32", "complex64")):
        w, v = check_op(linalg.eig, a.astype(dtype), dtype=(complex_dtype, complex_dtype))
        source = a.astype(dtype).astype("float64")
        np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(np.linalg.eigvals(source)), atol=1e-4)
        np.testing.assert_allclose(source @ v, v * w[None, :], atol=1e-4)


def test_eigh_gives_sorted_eigenvalues_and_orthonormal_vectors(backend):
    a = spd(2, n=4)
    w, v = check_op(linalg.eigh, a, dtype=("float64", "float64"))
    np.testing.assert_allclose(w, np.linalg.eigvalsh(a), rtol=1e-10)
    np.testing.assert_allclose(v @ (w[..., None] * T(v)), a, atol=1e-10)
    lower_only = np.tril(a[0]) + np.triu(np.full((4, 4), 100.0), 1)
    check_op(linalg.eigh, lower_only.astype("float32"), dtype=("float32", "float32"))
    np.testing.assert_allclose(to_numpy(linalg.eigh(lower_only)[0]), np.linalg.eigvalsh(a[0]), rtol=1e-8)


def test_lu_factor_reconstructs_the_row_swapped_matrix(backend):
    a = RNG.standard_normal((2, 4, 4))
    lu, pivots = check_op(linalg.lu_factor, a, dtype=("float64", "int32"))
    for k in range(2):
        rows = np.arange(4)
        for i, p in enumerate(pivots[k]):
            assert i <= p < 4
            rows[[i, p]] = rows[[p, i]]
        lower = np.tril(lu[k], -1) + np.eye(4)
        np.testing.assert_allclose(lower @ np.triu(lu[k]), a[k][rows], atol=1e-12)
        assert np.all(np.abs(lower) <= 1 + 1e-12)
    _, pivots = check_op(linalg.lu_factor, np.array([[1, 2], [3, 4]], "int32"), dtype=("float32", "int32"))
    np.testing.assert_array_equal(pivots, [1, 1])


def test_qr_in_both_modes(backend):
    a = RNG.standard_normal((2, 4, 3))
    for mode, k in (("reduced", 3), ("complete", 4)):
        q, r = check_op(linalg.qr, a, mode=mode, dtype=("float64", "float64"))
        assert q.shape == (2, 4, k) and r.shape == (2, k, 3)
        np.testing.assert_allclose(q @ r, a, atol=1e-12)
        np.testing.assert_allclose(T(q) @ q, np.broadcast_to(np.eye(k), (2, k, k)), atol=1e-12)
        np.testing.assert_allclose(np.tril(r, -1), 0.0, atol=1e-12)


def test_svd(backend):
    a = RNG.standard_normal((2, 4, 3))
    expected_s = np.linalg.svd(a, compute_uv=False)
    u, s, vh = check_op(linalg.svd, a, dtype="float64")
    assert u.shape == (2, 4, 4) and vh.shape == (2, 3, 3)
    np.testing.assert_allclose(s, expected_s, rtol=1e-10)
    np.testing.assert_allclose((u[..., :3] * s[..., None, :]) @ vh, a, atol=1e-12)
    u, s, vh = check_op(linalg.svd, a, full_matrices=False, dtype="float64")
    assert u.shape == (2, 4, 3) and vh.shape == (2, 3, 3)
    check_op(linalg.svd, a.astype("float32"), compute_uv=False, expected=expected_s, dtype="float32", rtol=1e-5)


# Solvers, inverses, rank -------------------------------------------------------------------

def test_solve_with_vector_matrix_and_broadcast_right_hand_sides(backend):
    a = well_conditioned(2, 3, 3)
    vector, matrix = RNG.standard_normal(3), RNG.standard_normal((3, 2))
    check_op(linalg.solve, a[0], vector, expected=np.linalg.solve(a[0], vector), dtype="float64")
    check_op(linalg.solve, a, matrix, expected=np.linalg.solve(a, matrix), dtype="float64")
    check_op(linalg.solve, a, vector, expected=np.linalg.solve(a, vector[:, None])[..., 0], dtype="float64")
    batch_b = RNG.standard_normal((3, 3, 3))
    check_op(linalg.solve, a[0], batch_b, expected=np.linalg.solve(a[0], batch_b), dtype="float64")
    check_op(linalg.solve, np.array([[2, 0], [0, 4]], "int32"), np.array([2, 2], "int32"),
             expected=np.array([1.0, 0.5]), dtype="float32")


def test_solve_triangular_reads_only_one_triangle(backend):
    a = well_conditioned(2, 3, 3)
    b = RNG.standard_normal((2, 3, 2))
    for lower, part in ((True, np.tril(a)), (False, np.triu(a))):
        check_op(linalg.solve_triangular, a, b, lower=lower, expected=np.linalg.solve(part, b), dtype="float64")
    vector = RNG.standard_normal(3)
    check_op(linalg.solve_triangular, a[0], vector, lower=True,
             expected=np.linalg.solve(np.tril(a[0]), vector), dtype="float64")


def test_lstsq(backend):
    a = RNG.standard_normal((5, 3))
    for b in (RNG.standard_normal(5), RNG.standard_normal((5, 2))):
        check_op(linalg.lstsq, a, b, expected=np.linalg.lstsq(a, b)[0], dtype="float64")
    rank_one = np.outer([1.0, 2.0, 3.0], [1.0, 1.0])
    check_op(linalg.lstsq, rank_one.astype("float32"), np.array([1.0, 2.0, 3.0], "float32"),
             expected=np.array([0.5, 0.5]), dtype="float32", rtol=1e-4)


def test_pinv(backend):
    a = RNG.standard_normal((2, 4, 3))
    check_op(linalg.pinv, a, expected=np.linalg.pinv(a), dtype="float64")
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    check_op(linalg.pinv, singular, expected=np.linalg.pinv(singular), dtype="float64")
    check_op(linalg.pinv, np.array([[1, 0], [0, 2]], "int32"), expected=np.array([[1.0, 0.0], [0.0, 0.5]]),
             dtype="float32")


def test_matrix_rank(backend):
    a = np.stack([np.outer([1.0, 2.0, 3.0], [1.0, 0.0, 1.0]), RNG.standard_normal((3, 3)), np.zeros((3, 3))])
    check_op(linalg.matrix_rank, a, expected=np.array([1, 3, 0]), dtype="int32")
    nearly = np.diag([1.0, 1e-3, 1e-9]).astype("float32")
    check_op(linalg.matrix_rank, nearly, expected=np.array(2), dtype="int32")
    check_op(linalg.matrix_rank, nearly, tol=1e-2, expected=np.array(1), dtype="int32")
    check_op(linalg.matrix_rank, np.array([[1, 2], [2, 4]], "int32"), expected=np.array(1), dtype="int32")


NORM_CASES = [
    dict(), dict(ord=2), dict(ord=1), dict(ord=np.inf), dict(ord=-np.inf), dict(ord="fro"), dict(ord="nuc"),
    dict(ord=-1), dict(ord=-2), dict(axis=1), dict(axis=0, ord=0), dict(axis=-1, ord=3),
    dict(axis=0, ord=-np.inf), dict(axis=(1, 0), ord=1), dict(axis=(0, 1), ord=np.inf, keepdims=True),
    dict(axis=1, ord=1, keepdims=True), dict(ord=2, keepdims=True),
]


def test_norm_matches_numpy_for_vector_and_matrix_orders(backend):
    a = np.array([[3.0, -1.0, 0.0], [2.0, 5.0, -4.0]])
    for case in NORM_CASES:
        check_op(linalg.norm, a, **case, expected=np.asarray(np.linalg.norm(a, **case)), dtype="float64")
    check_op(linalg.norm, a, ord=-1, axis=[0, 1], expected=np.asarray(np.linalg.norm(a, -1, (0, 1))))
    batch = RNG.standard_normal((2, 3, 4))
    check_op(linalg.norm, batch, expected=np.asarray(np.linalg.norm(batch)), dtype="float64")
    check_op(linalg.norm, batch, ord=-2, axis=(2, 1), expected=np.linalg.norm(batch, -2, axis=(2, 1)), dtype="float64")
    check_op(linalg.norm, batch, ord="nuc", axis=(0, 2), keepdims=True,
             expected=np.linalg.norm(batch, "nuc", axis=(0, 2), keepdims=True), dtype="float64")
    check_op(linalg.norm, np.array([3, 4], "int32"), expected=np.array(5.0), dtype="float32")
    check_op(linalg.norm, np.array([3, 4], "float16"), ord=1, expected=np.array(7.0), dtype="float16")


# Autodiff -----------------------------------------------------------------------------------

def test_jvp(trainable_backend):
    x, t = np.array([4.0, 9.0], "float32"), np.array([1.0, 2.0], "float32")
    check_op(linalg.jvp, ops.sqrt, (x,), (t,), expected=(np.sqrt(x), t / (2 * np.sqrt(x))), dtype="float32")
    check_op(linalg.jvp, ops.add, (x, x), (t, t), expected=(x + x, t + t), dtype="float32")

    def with_aux(a):
        return ops.sqrt(a), ops.add(a, 1.0)

    out, tangent, aux = linalg.jvp(with_aux, (ops.convert_to_tensor(x),), ([1.0, 1.0],), has_aux=True)
    np.testing.assert_allclose(to_numpy(tangent), 1 / (2 * np.sqrt(x)), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(aux), x + 1.0)


def test_jvp_needs_autodiff_on_numpy():
    engine_backend.set_backend("numpy")
    with pytest.raises(NotImplementedError, match="`jvp` is not implemented on the numpy backend"):
        linalg.jvp(ops.sqrt, (np.array([1.0]),), (np.array([1.0]),))


def test_gradients_of_det_inv_solve_norm(trainable_backend):
    a = well_conditioned(2, 3, 3)
    b = RNG.standard_normal((3, 2))
    check_grad(linalg.det, a)
    check_grad(linalg.inv, a)
    check_grad(lambda m: linalg.solve(m, b), a)
    check_grad(lambda v: linalg.solve(a, v), b)
    check_grad(linalg.norm, a)
    check_grad(lambda m: linalg.norm(m, ord=1, axis=-1), a)
    check_grad(lambda m: linalg.norm(m, ord=2, axis=(1, 2)), a)
    check_grad(lambda m: linalg.solve_triangular(m, b, lower=True), a)
    check_grad(lambda m: linalg.pinv(m), a[0, :2])
    check_grad(lambda m: linalg.lstsq(m, b), a[0])
    check_grad(lambda m: linalg.svd(m, compute_uv=False), a[0])


def check_symmetric_grad(fn, a, rtol=1e-4, atol=1e-6, eps=1e-5):
    """Checks the gradient of ``sum(fn(a))`` along symmetric perturbations of `a`.

    Functions of symmetric matrices (cholesky, eigh) read one triangle, so only the
    derivative along ``E_ij + E_ji`` is defined: ``g[i, j] + g[j, i]`` for any valid gradient `g`.
    """
    module = engine_backend.get()
    _, grad = module.value_and_grad(lambda t: ops.sum(fn(t)))(module.convert_to_tensor(a))
    grad = to_numpy(grad)
    rows, cols = np.tril_indices(len(a))
    numeric = []
    with engine_backend.use_backend("numpy"):
        for i, j in zip(rows, cols):
            step = np.zeros_like(a)
            step[i, j] = step[j, i] = eps
            numeric.append((np.sum(to_numpy(fn(a + step))) - np.sum(to_numpy(fn(a - step)))) / (2 * eps))
    symmetric = grad + grad.T - np.diag(np.diag(grad))
    np.testing.assert_allclose(symmetric[rows, cols], numeric, rtol=rtol, atol=atol)


def test_gradients_of_symmetric_matrix_functions(trainable_backend):
    a = spd(n=3)
    check_symmetric_grad(linalg.cholesky, a)
    check_symmetric_grad(lambda m: linalg.cholesky(m, upper=True), a)
    check_symmetric_grad(lambda m: linalg.eigh(m)[0], a)
    check_grad(linalg.cholesky_inverse, np.linalg.cholesky(a) + np.triu(np.ones((3, 3)), 1))


# Bad input and symbolic shapes ------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda x: linalg.inv(x), "`inv` expects `x` of rank >= 2"),
    (lambda x: linalg.det(np.ones((2, 3))), "`det` expects `x` square"),
    (lambda x: linalg.solve(np.eye(3), np.ones(2)), "`solve` expects `b` with 3 rows"),
    (lambda x: linalg.solve(np.eye(3), 1.0), "`solve` expects `b` of rank >= 1"),
    (lambda x: linalg.lstsq(np.ones((2, 3, 3)), np.ones(3)), "`lstsq` expects `a` of rank 2"),
    (lambda x: linalg.lstsq(np.ones((3, 2)), np.ones(4)), "`lstsq` expects `b` with 3 rows"),
    (lambda x: linalg.qr(np.eye(2), mode="r"), "`qr` expects `mode` to be 'reduced' or 'complete'"),
    (lambda x: linalg.norm(np.ones(3), ord="fro"), "`norm` expects `ord` to be a number"),
    (lambda x: linalg.norm(np.ones((2, 2)), ord=3), "`norm` expects `ord` to be one of"),
    (lambda x: linalg.norm(np.ones((2, 2, 2)), ord=1), "`norm` expects `x` of rank 1 or 2"),
    (lambda x: linalg.norm(np.ones((2, 2, 2)), axis=(0, 1, 2)), "`norm` expects `axis` to be one axis"),
    (lambda x: linalg.norm(np.ones((2, 2)), axis=(1, -1)), "`norm` expects `axis` to be one axis"),
    (lambda x: linalg.jvp(ops.sqrt, np.ones(2), (np.ones(2),)), "`jvp` expects `primals` to be a tuple"),
    (lambda x: linalg.jvp(ops.sqrt, (np.ones(2),), ()), "`jvp` expects `tangents` to be a tuple"),
])
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        call(np.ones(3))


def test_bad_arguments_fail_symbolically_too():
    with pytest.raises(ValueError, match="`cholesky` expects `x` square"):
        linalg.cholesky(KerasTensor((None, 2, 3)))
    with pytest.raises(ValueError, match="`solve_triangular` expects `b` with 3 rows"):
        linalg.solve_triangular(KerasTensor((3, 3)), KerasTensor((None, 4, 1)))


def test_symbolic_shapes_with_unknown_dims():
    batch = KerasTensor((None, 4, None))
    square = KerasTensor((None, 3, 3), "int32")
    assert linalg.inv(square).shape == (None, 3, 3) and linalg.inv(square).dtype == "float32"
    assert linalg.det(square).shape == (None,)
    w, v = linalg.eig(KerasTensor((None, 3, 3), "float64"))
    assert (w.shape, w.dtype, v.shape) == ((None, 3), "complex128", (None, 3, 3))
    q, r = linalg.qr(batch)
    assert q.shape == (None, 4, None) and r.shape == (None, None, None)
    q, r = linalg.qr(batch, mode="complete")
    assert q.shape == (None, 4, 4) and r.shape == (None, 4, None)
    u, s, vh = linalg.svd(KerasTensor((None, 4, 2)), full_matrices=False)
    assert (u.shape, s.shape, vh.shape) == ((None, 4, 2), (None, 2), (None, 2, 2))
    assert linalg.pinv(batch).shape == (None, None, 4)
    assert linalg.matrix_rank(batch).shape == (None,) and linalg.matrix_rank(batch).dtype == "int32"
    lu, pivots = linalg.lu_factor(KerasTensor((None, None, None)))
    assert lu.shape == (None, None, None) and pivots.shape == (None, None)
    assert linalg.solve(KerasTensor((None, 3, 3)), KerasTensor((3,))).shape == (None, 3)
    assert linalg.solve(KerasTensor((5, 1, 3, 3)), KerasTensor((None, 3, 2))).shape == (5, None, 3, 2)
    assert linalg.lstsq(KerasTensor((None, 3)), KerasTensor((None, 2))).shape == (3, 2)
    assert linalg.norm(batch, axis=(1, 2), keepdims=True).shape == (None, 1, 1)
    assert linalg.norm(KerasTensor((2, 3), "complex64")).dtype == "float32"
    out, tangent = linalg.jvp(ops.sqrt, (KerasTensor((None, 2), "int32"),), (KerasTensor((None, 2)),))
    assert (out.shape, out.dtype, tangent.shape) == ((None, 2), "float32", (None, 2))
