"""Products, indexing and selection, diagonals and windows on every backend, against NumPy."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op, to_numpy

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return RNG.normal(size=shape).astype(dtype)


def ints(*shape, dtype="int32", low=-4, high=5):
    return RNG.integers(low, high, size=shape).astype(dtype)


def sym(shape, dtype="float32"):
    return KerasTensor(shape, dtype)


# Products ----------------------------------------------------------------------------

def test_matmul_values_and_shapes(backend):
    a, b, v = rand(2, 3), rand(3, 4), rand(3)
    check_op(ops.matmul, a, b, expected=a @ b, dtype="float32")
    batch1, batch2 = rand(2, 1, 3, 4), rand(5, 4, 2)
    check_op(ops.matmul, batch1, batch2, expected=batch1 @ batch2, dtype="float32")
    check_op(ops.matmul, v, b, expected=v @ b)
    check_op(ops.matmul, a, v, expected=a @ v)
    check_op(ops.matmul, v, v, expected=np.asarray(v @ v))
    stack = rand(5, 3, 2)
    check_op(ops.matmul, v, stack, expected=v @ stack)


def test_matmul_dtypes_follow_keras(backend):
    a, b = ints(2, 3, dtype="int8"), ints(3, 2, dtype="int8")
    check_op(ops.matmul, a, b, expected=a.astype("int32") @ b.astype("int32"), dtype="int32")
    u = ints(3, 2, dtype="uint8", low=0)
    check_op(ops.matmul, a, u, expected=a.astype("int16") @ u.astype("int16"), dtype="int16")
    f = rand(3, 2)
    check_op(ops.matmul, a.astype("int32"), f, expected=a.astype("float32") @ f, dtype="float32")
    check_op(ops.matmul, f.T.astype("float64"), f, expected=f.T.astype("float64") @ f, dtype="float64")
    m = np.array([[True, False], [True, True]])
    check_op(ops.matmul, m, m, expected=m @ m, dtype="bool")


def test_matmul_accepts_python_data_variables_and_foreign_tensors(backend):
    a = rand(2, 2)
    out = ops.matmul([[1.0, 2.0], [3.0, 4.0]], a)
    np.testing.assert_allclose(to_numpy(out), np.array([[1.0, 2.0], [3.0, 4.0]], "float32") @ a, rtol=1e-6)
    v = Variable(a)
    np.testing.assert_allclose(to_numpy(ops.matmul(v, v)), a @ a, rtol=1e-6)
    other = "torch" if backend == "numpy" else "numpy"
    out = ops.matmul(engine_backend.load(other).convert_to_tensor(a), a)
    assert engine_backend.get().is_tensor(out)
    np.testing.assert_allclose(to_numpy(out), a @ a, rtol=1e-6)


def test_matmul_symbolic_rule():
    out = ops.matmul(sym((None, 2, 3)), sym((3, None)))
    assert (out.shape, out.dtype) == ((None, 2, None), "float32")
    assert ops.matmul(sym((None, 3), "int8"), sym((3,), "int8")).shape == (None,)
    assert ops.matmul(sym((4, 3), "int8"), sym((3, 2), "int8")).dtype == "int32"
    assert (sym((5, 2, 3)) @ sym((3,))).shape == (5, 2)
    with pytest.raises(ValueError, match=r"contracted dims of `x1` \(2, 3\) and `x2` \(4, 5\)"):
        ops.matmul(sym((2, 3)), sym((4, 5)))
    with pytest.raises(ValueError, match="rank >= 1"):
        ops.matmul(sym(()), sym((3,)))


def test_dot(backend):
    a, b, c = rand(2, 3), rand(3, 4), rand(2, 3, 4)
    check_op(ops.dot, a, b, expected=np.dot(a, b), dtype="float32")
    check_op(ops.dot, a, c, expected=np.dot(a, c))
    check_op(ops.dot, a, b[:, 0], expected=np.dot(a, b[:, 0]))
    check_op(ops.dot, b[:, 0], b, expected=np.dot(b[:, 0], b))
    i, two = ints(2, 3), np.array(2.0, "float32")
    check_op(ops.dot, i, two, expected=i * two, dtype="float32")
    i8 = ints(2, 2, dtype="int8")
    check_op(ops.dot, i8, i8, expected=np.dot(i8, i8), dtype="int8")


def test_tensordot(backend):
    a, b = rand(2, 3, 4), rand(3, 4, 5)
    check_op(ops.tensordot, a, b, expected=np.tensordot(a, b), dtype="float32")
    check_op(ops.tensordot, a, b, axes=([1, 2], [0, 1]), expected=np.tensordot(a, b, ([1, 2], [0, 1])))
    check_op(ops.tensordot, a, b, axes=(1, 0), expected=np.tensordot(a, b, (1, 0)))
    check_op(ops.tensordot, a, b, axes=0, expected=np.tensordot(a, b, 0))
    i = ints(3, 4, dtype="int16")
    check_op(ops.tensordot, i, i, axes=([0, 1], [0, 1]), expected=np.tensordot(i, i, 2), dtype="int16")


def test_tensordot_rejects_bad_axes(backend):
    with pytest.raises(ValueError, match="`axes` must be between 0 and 2; received 3"):
        ops.tensordot(rand(2, 3), rand(3, 2), axes=3)
    with pytest.raises(ValueError, match="as many axes of `x1` as of `x2`"):
        ops.tensordot(rand(2, 3), rand(3, 2), axes=([1], [0, 1]))


def test_einsum(backend):
    a, b, sq, x, y, w = rand(2, 3), rand(3, 4), rand(3, 3), rand(5, 2, 3), rand(3, 4), rand(5)
    check_op(ops.einsum, "ij,jk->ik", a, b, expected=a @ b, dtype="float32")
    check_op(ops.einsum, "ij,jk", a, b, expected=a @ b)
    check_op(ops.einsum, "ij->", a, expected=np.asarray(a.sum()))
    check_op(ops.einsum, "ji", a, expected=a.T)
    check_op(ops.einsum, "ii->i", sq, expected=np.diagonal(sq))
    check_op(ops.einsum, "...ij,...jk->...ik", x, y, expected=np.einsum("...ij,...jk->...ik", x, y))
    check_op(ops.einsum, "b...,b->...", x, w, expected=np.einsum("b...,b->...", x, w))
    i8 = ints(2, 3, dtype="int8")
    check_op(ops.einsum, "ij,kj->ik", i8, i8, expected=i8.astype("int32") @ i8.T.astype("int32"), dtype="int32")
    check_op(ops.einsum, "ij->i", i8, expected=i8.astype("int32").sum(1), dtype="int32")
    check_op(ops.einsum, "ij,jk->ik", i8, b.astype("int16"), dtype="int16",
             expected=i8.astype("int16") @ b.astype("int16"))


def test_einsum_symbolic_rule():
    out = ops.einsum("...ij,jk->...ik", sym((None, 7, 2, 3)), sym((3, 4)))
    assert (out.shape, out.dtype) == ((None, 7, 2, 4), "float32")
    assert ops.einsum("ij,ij", sym((2, 3)), sym((2, 3))).shape == ()
    assert ops.einsum("i,i->i", sym((1,)), sym((None,))).shape == (None,)
    with pytest.raises(ValueError, match="label 'j'"):
        ops.einsum("ij,jk->ik", sym((2, 3)), sym((4, 5)))
    with pytest.raises(ValueError, match="names 2 operands; received 1"):
        ops.einsum("ij,jk->ik", rand(2, 3))
    with pytest.raises(TypeError, match="`subscripts` must be a string"):
        ops.einsum(3, rand(2))


def test_inner_outer_kron_vdot(backend):
    a, b, v = rand(2, 3), rand(4, 3), rand(3)
    check_op(ops.inner, a, b, expected=np.inner(a, b), dtype="float32")
    check_op(ops.inner, v, v, expected=np.asarray(np.inner(v, v)))
    check_op(ops.outer, a, v, expected=np.outer(a, v), dtype="float32")
    i, j = ints(2, 2), ints(3, dtype="int8")
    check_op(ops.outer, i, j, expected=np.outer(i, j), dtype="int32")
    check_op(ops.kron, i, j, expected=np.kron(i, j), dtype="int32")
    check_op(ops.kron, a, b, expected=np.kron(a, b), dtype="float32")
    check_op(ops.vdot, a, b[:2], expected=np.asarray(np.vdot(a, b[:2])), dtype="float32")
    check_op(ops.vdot, i, i.astype("float64"), expected=np.asarray(np.vdot(i, i), "float64"), dtype="float64")


def test_cross(backend):
    a, b = rand(4, 3), rand(4, 3)
    check_op(ops.cross, a, b, expected=np.cross(a, b), dtype="float32")
    check_op(ops.cross, a, b[0], expected=np.cross(a, b[0]))
    check_op(ops.cross, a.T, b.T, axis=0, expected=np.cross(a.T, b.T, axis=0))
    check_op(ops.cross, a.T, b, axisa=0, axisc=0, expected=np.cross(a.T, b, axisa=0, axisc=0))
    p, q = a[:, :2], b[:, :2]
    check_op(ops.cross, p, q, expected=p[:, 0] * q[:, 1] - p[:, 1] * q[:, 0])
    check_op(ops.cross, p, b, expected=np.cross(np.pad(p, ((0, 0), (0, 1))), b))
    i = ints(2, 3)
    check_op(ops.cross, i, i[::-1], expected=np.cross(i, i[::-1]), dtype="int32")
    with pytest.raises(ValueError, match="vectors of size 2 or 3 in `x2`; received shape \\(4, 4\\)"):
        ops.cross(a, rand(4, 4))
    with pytest.raises(TypeError, match="`cross` expects numeric `x1`; received dtype bool"):
        ops.cross(a > 0, b)


def test_cdist(backend):
    x, y = rand(3, 2), rand(4, 2)
    expected = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
    check_op(ops.cdist, x, y, expected=expected, dtype="float32")
    bx, by = rand(2, 1, 3, 2), rand(5, 4, 2)
    expected = np.sqrt(((bx[..., :, None, :] - by[..., None, :, :]) ** 2).sum(-1))
    check_op(ops.cdist, bx, by, expected=expected)
    i, j = ints(3, 2), ints(2, 2)
    check_op(ops.cdist, i, j, expected=np.sqrt(((i[:, None] - j[None]) ** 2).sum(-1)), dtype="float32")
    with pytest.raises(ValueError, match="last dims"):
        ops.cdist(x, rand(4, 3))
    with pytest.raises(ValueError, match="`cdist` expects `y` of rank >= 2; received shape \\(2,\\)"):
        ops.cdist(x, rand(2))


# Diagonals and triangles -------------------------------------------------------------

def test_trace(backend):
    x = rand(3, 4, 5)
    check_op(ops.trace, x, expected=np.trace(x), dtype="float32")
    check_op(ops.trace, x, offset=1, axis1=1, axis2=2, expected=np.trace(x, 1, 1, 2))
    check_op(ops.trace, x, offset=-1, axis1=-1, axis2=0, expected=np.trace(x, -1, -1, 0))
    i8 = np.full((3, 3), 100, "int8")
    check_op(ops.trace, i8, expected=np.asarray(300), dtype="int32")
    check_op(ops.trace, i8.astype("uint8"), expected=np.asarray(300), dtype="uint32")
    check_op(ops.trace, np.eye(2, dtype=bool), expected=np.asarray(2), dtype="int32")
    check_op(ops.trace, ints(2, 2, dtype="int64"), dtype="int64")
    with pytest.raises(ValueError, match="two different axes; received axis1=1, axis2=-2"):
        ops.trace(x, axis1=1, axis2=-2)


def test_diagonal(backend):
    x = rand(3, 4, 5)
    check_op(ops.diagonal, x, expected=np.diagonal(x), dtype="float32")
    check_op(ops.diagonal, x, offset=2, axis1=2, axis2=1, expected=np.diagonal(x, 2, 2, 1))
    check_op(ops.diagonal, x, offset=-2, axis1=1, axis2=2, expected=np.diagonal(x, -2, 1, 2))
    check_op(ops.diagonal, x, offset=9, expected=np.diagonal(x, 9))
    b = np.array([[True, False], [False, True]])
    check_op(ops.diagonal, b, expected=np.diagonal(b), dtype="bool")
    with pytest.raises(ValueError, match="`diagonal` expects `x` of rank >= 2; received shape \\(3,\\)"):
        ops.diagonal(rand(3))


def test_diag_and_diagflat(backend):
    v, m = rand(3), rand(3, 4)
    for k in (0, 1, -2):
        check_op(ops.diag, v, k=k, expected=np.diag(v, k), dtype="float32")
        check_op(ops.diag, m, k=k, expected=np.diag(m, k))
        check_op(ops.diagflat, m[:2, :2], k=k, expected=np.diagflat(m[:2, :2], k))
    check_op(ops.diag, m, k=7, expected=np.diag(m, 7))
    i = ints(3, dtype="int16")
    check_op(ops.diag, i, expected=np.diag(i), dtype="int16")
    with pytest.raises(ValueError, match="`diag` expects `x` of rank 1 to 2; received shape \\(2, 2, 2\\)"):
        ops.diag(rand(2, 2, 2))


def test_tril_triu(backend):
    x = rand(2, 3, 4)
    for k in (0, 1, -1, 5):
        check_op(ops.tril, x, k=k, expected=np.tril(x, k), dtype="float32")
        check_op(ops.triu, x, k=k, expected=np.triu(x, k), dtype="float32")
    b = np.ones((3, 3), bool)
    check_op(ops.tril, b, expected=np.tril(b), dtype="bool")
    i = ints(3, 3, dtype="uint8", low=1)
    check_op(ops.triu, i, k=-1, expected=np.triu(i, -1), dtype="uint8")
    with pytest.raises(ValueError, match="`tril` expects `x` of rank >= 2; received shape \\(3,\\)"):
        ops.tril(rand(3))
    with pytest.raises(ValueError, match="`triu` expects `x` of rank >= 2"):
        ops.triu(rand(3))


def test_vander(backend):
    x = rand(4)
    check_op(ops.vander, x, expected=np.vander(x), dtype="float32")
    check_op(ops.vander, x, N=2, increasing=True, expected=np.vander(x, 2, True))
    check_op(ops.vander, x, N=0, expected=np.vander(x, 0))
    i = ints(3, dtype="int8")
    check_op(ops.vander, i, N=4, expected=np.vander(i, 4).astype("int8"), dtype="int8")
    with pytest.raises(ValueError, match="`vander` expects `x` of rank 1; received shape \\(2, 2\\)"):
        ops.vander(rand(2, 2))
    with pytest.raises(TypeError, match="numeric `x`; received dtype bool"):
        ops.vander(np.array([True, False]))


# Indexing and selection --------------------------------------------------------------

def test_take(backend):
    x = rand(3, 4)
    idx = np.array([[0, -1], [2, 1]])
    check_op(ops.take, x, idx, expected=np.take(x, idx), dtype="float32")
    check_op(ops.take, x, idx, axis=1, expected=np.take(x, idx, axis=1))
    check_op(ops.take, x, np.array([2, 0, 2], "int32"), axis=-2, expected=np.take(x, [2, 0, 2], axis=0))
    check_op(ops.take, x, np.array(1), axis=1, expected=x[:, 1])
    b = np.array([True, False, True])
    check_op(ops.take, b, np.array([2, 1]), expected=b[[2, 1]], dtype="bool")
    assert to_numpy(ops.take(x, [1, 0], axis=0)).tolist() == x[[1, 0]].tolist()
    with pytest.raises(TypeError, match="`take` expects integer `indices`; received dtype float32"):
        ops.take(x, np.array([0.0], "float32"))
    with pytest.raises(ValueError, match="`axis` 2 is out of range"):
        ops.take(x, [0], axis=2)


def test_take_along_axis(backend):
    x = rand(3, 4)
    idx = np.argsort(x, axis=1)
    check_op(ops.take_along_axis, x, idx, axis=1, expected=np.take_along_axis(x, idx, 1), dtype="float32")
    col = np.array([[1], [-1], [0]])
    check_op(ops.take_along_axis, x, col, axis=1, expected=np.take_along_axis(x, col % 4, 1))
    row = np.array([[2, 0, 1, -1]])
    check_op(ops.take_along_axis, x, row, axis=0, expected=np.take_along_axis(x, row % 3, 0))
    wide = np.array([[0, 2], [1, -1], [-3, 0]])
    column = x[:, :1]
    expected = np.take_along_axis(np.repeat(column, 2, axis=1), wide % 3, axis=0)
    check_op(ops.take_along_axis, column, wide, axis=0, expected=expected)
    flat = np.array([11, 0, 5])
    check_op(ops.take_along_axis, x, flat, expected=x.reshape(-1)[flat])
    with pytest.raises(ValueError, match="`indices` of the rank of `x` \\(2\\); received shape \\(3,\\)"):
        ops.take_along_axis(x, np.array([0, 1, 2]), axis=1)
    with pytest.raises(TypeError, match="integer `indices`"):
        ops.take_along_axis(x, np.zeros((3, 1), "float32"), axis=1)


def test_where(backend):
    cond = np.array([[True], [False]])
    a, b = rand(2, 3), rand(3)
    check_op(ops.where, cond, a, b, expected=np.where(cond, a, b), dtype="float32")
    i8 = ints(3, dtype="int8")
    check_op(ops.where, cond, i8, 1, expected=np.where(cond, i8, 1).astype("int8"), dtype="int8")
    check_op(ops.where, cond, i8, 1.5, expected=np.where(cond, i8, 1.5).astype("float32"), dtype="float32")
    check_op(ops.where, cond, 1, 2, expected=np.where(cond, 1, 2), dtype="int32")
    check_op(ops.where, np.array([1.0, 0.0]), i8[:2], i8[:2].astype("int64"), dtype="int64",
             expected=np.where([True, False], i8[:2], i8[:2]).astype("int64"))
    x = np.array([[0, 3], [2, 0]])
    check_op(ops.where, x, expected=tuple(i.astype("int32") for i in np.nonzero(x)), dtype="int32", symbolic=False)
    assert [t.shape for t in ops.where(sym((2, 3)))] == [(None,), (None,)]
    with pytest.raises(ValueError, match="both `x1` and `x2`, or neither.*x2=None"):
        ops.where(cond, a)


def test_nonzero(backend):
    x = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], "float32")
    expected = tuple(i.astype("int32") for i in np.nonzero(x))
    check_op(ops.nonzero, x, expected=expected, dtype="int32", symbolic=False)
    check_op(ops.nonzero, x > 0, expected=tuple(i.astype("int32") for i in np.nonzero(x > 0)), symbolic=False)
    out = ops.nonzero(sym((None, 3), "bool"))
    assert [(t.shape, t.dtype) for t in out] == [((None,), "int32")] * 2
    with pytest.raises(ValueError, match="`nonzero` expects `x` of rank >= 1; received shape \\(\\)"):
        ops.nonzero(np.array(1.0))


def test_select(backend):
    x = np.arange(6, dtype="float32").reshape(2, 3)
    conds, choices = [x < 2, x > 3], [x, -x]
    check_op(ops.select, conds, choices, expected=np.select(conds, choices), dtype="float32")
    check_op(ops.select, conds, choices, default=9.0, expected=np.select(conds, choices, 9.0))
    i8 = ints(2, 3, dtype="int8")
    expected = np.select([x > 2], [i8], 7).astype("int8")
    check_op(ops.select, [x > 2], [i8], default=7, expected=expected, dtype="int8")
    check_op(ops.select, [x > 2], [i8], default=0.5, expected=np.select([x > 2], [i8], 0.5).astype("float32"),
             dtype="float32")
    check_op(ops.select, [x > 2], [x[0]], default=x[1], expected=np.select([x > 2], [x[0]], x[1]))
    with pytest.raises(ValueError, match="same length; received lengths 2 and 1"):
        ops.select(conds, [x])
    with pytest.raises(TypeError, match="must be lists or tuples; received ndarray and ndarray"):
        ops.select(x > 2, x)


def test_slogdet(backend):
    x = rand(2, 3, 3)
    sign, logdet = np.linalg.slogdet(x)
    check_op(ops.slogdet, x, expected=(sign, logdet), dtype="float32", rtol=1e-4, atol=1e-5)
    x64 = x.astype("float64")
    check_op(ops.slogdet, x64, expected=np.linalg.slogdet(x64), dtype="float64")
    i = np.array([[2, 1], [1, 3]], "int32")
    check_op(ops.slogdet, i, expected=np.linalg.slogdet(i.astype("float64")), dtype="float32")
    half = x[0].astype("float16")
    check_op(ops.slogdet, half, dtype="float16", rtol=1e-2, atol=1e-2,
             expected=tuple(np.asarray(v, "float16") for v in np.linalg.slogdet(half.astype("float32"))))
    singular = np.ones((2, 2), "float32")
    check_op(ops.slogdet, singular, expected=(np.asarray(0.0), np.asarray(-np.inf)))
    with pytest.raises(ValueError, match="square matrices"):
        ops.slogdet(rand(2, 3))


# get_item ----------------------------------------------------------------------------

KEYS = [
    1, -1, (0, 2), slice(1, None), slice(None, None, -1), (slice(None), slice(3, 0, -2)),
    (Ellipsis, 1), (None, 1, Ellipsis, None), (slice(None, None, 2), None, slice(None)),
    (1, slice(None), np.array([0, 3])), (np.array([2, 0]), slice(None, None, -1), 0),
    (slice(None), np.array([[0], [2]]), np.array([1, 3])), (np.array([1, 0]), slice(None), np.array([3, -1])),
    (Ellipsis, np.array(2)), (slice(1, 3), [1, 0]), (0, 1, 2), (np.array([0, 2]), slice(None), 1),
    (slice(None), 1, np.array([[0], [4]])), (np.array([[True, False, True, True]] * 3), 2),
    (np.array([0, 1]), None, np.array([1, 2])), (0, None, np.array([1, 2])), (0, slice(None), np.array(1)),
]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_get_item_numpy_semantics(backend, key):
    x = np.arange(60, dtype="float32").reshape(3, 4, 5)
    check_op(ops.get_item, x, key, expected=x[key], dtype="float32")


def test_get_item_masks_arrays_and_tensors(backend):
    x = np.arange(12, dtype="int32").reshape(3, 4)
    mask = x % 3 == 0
    check_op(ops.get_item, x, (mask, Ellipsis), expected=x[mask], dtype="int32")
    check_op(ops.get_item, x, (slice(None), mask[0]), expected=x[:, mask[0]])
    check_op(ops.get_item, x, mask, expected=x[mask], symbolic=False)
    check_op(ops.get_item, x, np.array([2, 0]), expected=x[[2, 0]])
    assert to_numpy(ops.get_item(x, [0, 2])).tolist() == x[[0, 2]].tolist()
    indices = ops.convert_to_tensor(np.array([1, 2]))
    assert to_numpy(ops.get_item(x, (Ellipsis, indices))).tolist() == x[..., [1, 2]].tolist()
    v = Variable(x.astype("float32"))
    assert to_numpy(v[1, ::2]).tolist() == x[1, ::2].tolist()
    with pytest.raises(IndexError, match="indexes 3 axes, but `x` has rank 2"):
        ops.get_item(x, (0, 0, 0))
    with pytest.raises(IndexError, match="at most one Ellipsis"):
        ops.get_item(x, (Ellipsis, Ellipsis))


def test_get_item_symbolic_rule():
    x = sym((None, 4, 5))
    assert x[0].shape == (4, 5)
    assert x[:, 1::2, None].shape == (None, 2, 1, 5)
    assert x[..., ::-1].shape == (None, 4, 5)
    assert x[:, np.array([[0, 1]]), 2].shape == (None, 1, 2)
    assert x[np.array([0, 1]), :, np.array([2, 3])].shape == (2, 4)
    assert x[sym((None, 4), "bool")].shape == (None, 5)
    assert x[sym((3,), "int32")].dtype == "float32"
    with pytest.raises(IndexError, match="Index 4 is out of range for an axis of size 4"):
        x[:, 4]


# Windows -----------------------------------------------------------------------------

WINDOWS = [(ops.bartlett, np.bartlett), (ops.blackman, np.blackman), (ops.hamming, np.hamming),
           (ops.hanning, np.hanning)]


@pytest.mark.parametrize("window, reference", WINDOWS, ids=[w.__name__ for w, _ in WINDOWS])
def test_windows(backend, window, reference):
    for n in (0, 1, 2, 7):
        check_op(window, n, expected=reference(n), dtype="float32", symbolic=False)
    check_op(window, np.array(6, "int64"), expected=reference(6), symbolic=False)
    out = window(sym((), "int32"))
    assert (out.shape, out.dtype) == ((None,), "float32")
    with pytest.raises(ValueError, match="non-negative window length `x`; received -1"):
        window(-1)
    with pytest.raises(TypeError, match="integer `x`; received dtype float32"):
        window(2.5)


def test_kaiser(backend):
    for n, beta in ((0, 1.0), (1, 3.0), (6, 0.0), (7, 8.6)):
        check_op(ops.kaiser, n, beta, expected=np.kaiser(n, beta), dtype="float32", symbolic=False)
    assert ops.kaiser(sym((), "int64"), 2.0).shape == (None,)


# Gradients ---------------------------------------------------------------------------

W = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
M = np.array([[1.0, 2.0, 3.0], [0.5, -1.5, 4.0]])
S = np.array([[1.0, 2.0], [0.5, -1.5]])
V = np.array([1.0, -2.0, 0.5])
MASK = np.array([[True, False, True], [False, True, True]])
GRADS = {
    "matmul": (lambda t: ops.matmul(t, W), M),
    "dot": (lambda t: ops.dot(t, W), V),
    "tensordot": (lambda t: ops.tensordot(t, W, axes=([0], [0])), M.T),
    "einsum": (lambda t: ops.einsum("ij,ik->jk", t, t), S),
    "inner": (lambda t: ops.inner(t, t), S),
    "outer": (lambda t: ops.outer(t, t), V),
    "kron": (lambda t: ops.kron(t, t), S),
    "cross": (lambda t: ops.cross(t, W.T[:, [1, 0, 2]]), M),
    "vdot": (lambda t: ops.vdot(t, t), S),
    "cdist": (lambda t: ops.cdist(t, W), S),
    "trace": (lambda t: ops.trace(ops.matmul(t, t)), S),
    "diag": (lambda t: ops.diag(ops.matmul(ops.diag(t, k=1), np.ones((3, 3)))), np.array([1.0, -2.0])),
    "diagflat": (lambda t: ops.matmul(ops.diagflat(t), W[:2]), np.array([[1.0], [-2.0]])),
    "diagonal": (lambda t: ops.matmul(ops.diagonal(t, offset=1), W[:2]), M),
    "tril": (lambda t: ops.matmul(ops.tril(t, -1), W), M),
    "triu": (lambda t: ops.matmul(ops.triu(t), W), M),
    "vander": (lambda t: ops.vander(t, N=3), np.array([1.5, -0.5])),
    "take": (lambda t: ops.matmul(ops.take(t, np.array([2, 0, 2, -1])), np.arange(4.0)), V),
    "take_along_axis": (lambda t: ops.matmul(ops.take_along_axis(t, np.array([[1, 1], [0, 2]]), axis=1), W[:2]), M),
    "where": (lambda t: ops.matmul(ops.where(np.array([True, False, True]), t, W[:, 0]), W), V),
    "select": (lambda t: ops.matmul(ops.select([np.array([True, False, False])], [t], W[:, 1]), W), V),
    "get_item": (lambda t: ops.matmul(ops.get_item(t, (slice(None, None, -1), np.array([2, 0]))), W[:2]), M),
    "get_item_mask": (lambda t: ops.matmul(ops.get_item(t, (MASK, None)), W[:1]), M),
    "slogdet": (lambda t: ops.slogdet(t)[1], np.array([[2.0, 0.5], [-1.0, 1.5]])),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients(trainable_backend, name):
    fn, x = GRADS[name]
    check_grad(fn, x)
