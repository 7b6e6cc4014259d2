"""Array creation, shape manipulation, joining and splitting: every backend vs NumPy."""

import functools

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op, to_numpy

PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum",
             "reflect", "symmetric", "wrap")


def _flat(x):
    return [v for item in x for v in _flat(item)] if isinstance(x, (list, tuple)) else [x]


def check_created(fn, *args, expected, dtype, **kwargs):
    """`check_op` for ops without tensor inputs: values and dtype, then the rule on the same arguments."""
    got = check_op(fn, *args, expected=expected, dtype=dtype, symbolic=False, **kwargs)
    symbolic = fn.rule(*args, **kwargs)
    for s, g in zip(_flat(symbolic), _flat(got)):
        assert (s.shape, s.dtype) == (g.shape, dtype), f"{fn.__name__}: rule {s} vs eager {g.shape}"


def check_weighted_grad(fn, x):
    """Gradient of ``sum(sqrt(fn(x) + w))``, `w` differing per position so misplaced values show."""
    shape = to_numpy(fn(x)).shape
    weights = 1.0 + np.arange(int(np.prod(shape)), dtype="float64").reshape(shape)
    check_grad(lambda t: ops.sqrt(ops.add(fn(t), weights)), x)


X = np.arange(24, dtype="float32").reshape(2, 3, 4)


# Creation --------------------------------------------------------------------------

def test_filled_creation(backend):
    check_created(ops.zeros, (2, 3), expected=np.zeros((2, 3)), dtype="float32")
    check_created(ops.zeros, 3, "int8", expected=np.zeros(3), dtype="int8")
    check_created(ops.ones, 2, expected=np.ones(2), dtype="float32")
    check_created(ops.ones, (2, 2), "bool", expected=np.ones((2, 2), bool), dtype="bool")
    check_created(ops.full, (2, 3), 7, expected=np.full((2, 3), 7.0), dtype="float32")
    check_created(ops.full, (2, 3), [1, 2, 3], "int32", expected=np.tile([1, 2, 3], (2, 1)), dtype="int32")
    check_created(ops.full, (2,), 2.7, "int32", expected=np.array([2, 2]), dtype="int32")
    out = ops.empty((2, 3), dtype="int16")
    assert (ops.shape(out), ops.dtype(out)) == ((2, 3), "int16")
    assert ops.empty.rule((2, 3)).shape == (2, 3)


def test_matrices(backend):
    check_created(ops.eye, 3, expected=np.eye(3), dtype="float32")
    check_created(ops.eye, 2, 4, 1, "int32", expected=np.eye(2, 4, 1), dtype="int32")
    check_created(ops.eye, 3, k=-1, expected=np.eye(3, k=-1), dtype="float32")
    check_created(ops.tri, 3, 4, k=1, expected=np.tri(3, 4, 1), dtype="float32")
    check_created(ops.tri, 3, None, 0, "int8", expected=np.tri(3), dtype="int8")
    check_created(ops.identity, 3, "float64", expected=np.identity(3), dtype="float64")


def test_arange_infers_keras_dtypes(backend):
    check_created(ops.arange, 5, expected=np.arange(5), dtype="int32")
    check_created(ops.arange, 0.0, 5, expected=np.arange(5.0), dtype="float32")
    check_created(ops.arange, 1, 5, 0.5, expected=np.arange(1, 5, 0.5), dtype="float32")
    check_created(ops.arange, 10, 2, -3, expected=np.array([10, 7, 4]), dtype="int32")
    check_created(ops.arange, np.int8(5), expected=np.arange(5), dtype="int8")
    check_created(ops.arange, 2, 8, None, "float16", expected=np.arange(2.0, 8.0), dtype="float16")
    check_created(ops.arange, 3, None, None, "uint8", expected=np.arange(3), dtype="uint8")
    check_created(ops.arange, 3, 1, expected=np.zeros(0), dtype="int32")


def test_array_and_copy(backend):
    check_created(ops.array, [1, 2], expected=np.array([1, 2]), dtype="int32")
    check_created(ops.array, [1.0, 2], expected=np.array([1.0, 2.0]), dtype="float32")
    check_op(ops.array, np.arange(3, dtype="int64"), "float16", expected=np.arange(3.0), dtype="float16")
    x = np.arange(4, dtype="int16")
    check_op(ops.copy, x, expected=x, dtype="int16")
    if backend == "numpy":
        y = ops.copy(x)
        y[0] = 9
        assert x[0] == 0


def test_like_creation(backend):
    x = np.arange(6, dtype="int8").reshape(2, 3)
    check_op(ops.zeros_like, x, expected=np.zeros((2, 3)), dtype="int8")
    check_op(ops.ones_like, x, "float16", expected=np.ones((2, 3)), dtype="float16")
    check_op(ops.ones_like, [1, 2], expected=np.ones(2), dtype="int32", symbolic=False)
    check_op(ops.full_like, x.astype("int32"), 2.7, expected=np.full((2, 3), 2), dtype="int32")
    check_op(ops.full_like, x, [1, 2, 3], "float32", expected=np.tile([1.0, 2, 3], (2, 1)), dtype="float32")
    out = check_op(ops.empty_like, x, "int32", dtype="int32")
    assert out.shape == (2, 3)


def test_linspace(backend):
    check_created(ops.linspace, 0, 1, 5, expected=np.linspace(0, 1, 5), dtype="float32")
    ints = np.array([0, 3, 6, 10])  # samples 0, 3.33, 6.67, 10 rounded down
    check_created(ops.linspace, 0, 10, 4, True, False, "int32", expected=ints, dtype="int32")
    check_created(ops.linspace, 2, 3, 5, endpoint=False, expected=np.linspace(2, 3, 5, endpoint=False),
                  dtype="float32")
    check_created(ops.linspace, 1, 5, 5, retstep=True, expected=(np.linspace(1, 5, 5), np.float64(1.0)),
                  dtype="float32")
    start, stop = np.array([0.0, 1.0]), np.array([4.0, -3.0])
    expected = np.linspace(start, stop, 3, axis=1)
    check_op(ops.linspace, start, stop, 3, axis=1, expected=expected, dtype="float64")
    expected = np.linspace([0, 1], 5, 3)
    check_op(ops.linspace, np.array([0, 1], "int32"), 5, 3, expected=expected, dtype="float32")
    half = np.array(1, "float16")
    check_op(ops.linspace, half, half + half, 3, expected=np.array([1.0, 1.5, 2.0]), dtype="float16")


def test_logspace_and_geomspace(backend):
    check_created(ops.logspace, 0, 2, 3, expected=np.array([1.0, 10.0, 100.0]), dtype="float32")
    check_created(ops.logspace, 0, 3, 4, True, 2, "int32", expected=np.array([1, 2, 4, 8]), dtype="int32")
    start, stop = np.array([0.0, 1.0]), np.array([1.0, 3.0])
    check_op(ops.logspace, start, stop, 4, endpoint=False, axis=-1, dtype="float64",
             expected=np.logspace(start, stop, 4, endpoint=False, axis=-1))
    check_created(ops.geomspace, 1, 1000, 4, expected=np.geomspace(1, 1000, 4), dtype="float32")
    expected = np.geomspace(-1, -16, 4, endpoint=False)
    check_created(ops.geomspace, -1, -16, 4, endpoint=False, expected=expected, dtype="float32")
    start, stop = np.array([1.0, 2.0]), np.array([8.0, 32.0])
    expected = np.geomspace(start, stop, 4, axis=1)
    check_op(ops.geomspace, start, stop, 4, axis=1, expected=expected, dtype="float64")


def test_meshgrid(backend):
    a, b, c = np.arange(3, dtype="int32"), np.array([1.5, 2.5], "float32"), np.array([7, 8], "int8")
    check_op(ops.meshgrid, a, b, expected=list(np.meshgrid(a, b)), dtype=["int32", "float32"])
    check_op(ops.meshgrid, a, b, c, indexing="ij", expected=list(np.meshgrid(a, b, c, indexing="ij")),
             dtype=["int32", "float32", "int8"])


# Shape manipulation ----------------------------------------------------------------

def test_reshape_and_ravel(backend):
    check_op(ops.reshape, X, (4, -1), expected=X.reshape(4, -1), dtype="float32")
    check_op(ops.reshape, X, 24, expected=X.reshape(24))
    check_op(ops.reshape, X, [2, 12], expected=X.reshape(2, 12))
    check_op(ops.reshape, X, (None, 12), expected=X.reshape(2, 12))
    check_op(ops.ravel, X.astype("int16"), expected=X.ravel(), dtype="int16")


def test_squeeze_and_expand_dims(backend):
    x = np.arange(3, dtype="int8").reshape(1, 3, 1)
    check_op(ops.squeeze, x, expected=x.reshape(3), dtype="int8")
    check_op(ops.squeeze, x, axis=0, expected=x.reshape(3, 1))
    check_op(ops.squeeze, x, axis=(0, -1), expected=x.reshape(3))
    check_op(ops.squeeze, x, axis=(), expected=x)
    check_op(ops.expand_dims, X, 0, expected=X[None])
    check_op(ops.expand_dims, X, (0, -1), expected=X[None, ..., None])
    check_op(ops.expand_dims, X, (2, 1), expected=X.reshape(2, 1, 1, 3, 4))


def test_broadcast_and_axis_moves(backend):
    check_op(ops.broadcast_to, np.arange(3, dtype="int32"), (2, 3), expected=np.tile(np.arange(3), (2, 1)),
             dtype="int32")
    check_op(ops.broadcast_to, np.ones((3, 1), "float32"), (2, 3, 4), expected=np.ones((2, 3, 4)))
    check_op(ops.transpose, X, expected=X.transpose(2, 1, 0), dtype="float32")
    check_op(ops.transpose, X, (1, 0, 2), expected=X.transpose(1, 0, 2))
    check_op(ops.transpose, X, (-1, 0, 1), expected=X.transpose(2, 0, 1))
    check_op(ops.moveaxis, X, 0, -1, expected=X.transpose(1, 2, 0))
    check_op(ops.moveaxis, X, (0, 1), (2, 0), expected=X.transpose(1, 2, 0))
    check_op(ops.swapaxes, X, 0, 2, expected=X.transpose(2, 1, 0))


def test_flips(backend):
    check_op(ops.flip, X, expected=X[::-1, ::-1, ::-1], dtype="float32")
    check_op(ops.flip, X, 1, expected=X[:, ::-1])
    check_op(ops.flip, X, (0, -1), expected=X[::-1, :, ::-1])
    check_op(ops.fliplr, X, expected=X[:, ::-1])
    check_op(ops.flipud, np.arange(4, dtype="uint8"), expected=np.arange(4)[::-1], dtype="uint8")


def test_rot90(backend):
    m = np.arange(6, dtype="int32").reshape(2, 3)
    check_op(ops.rot90, m, expected=np.array([[2, 5], [1, 4], [0, 3]]), dtype="int32")
    check_op(ops.rot90, m, 2, expected=m[::-1, ::-1])
    check_op(ops.rot90, m, -1, expected=np.array([[3, 0], [4, 1], [5, 2]]))
    check_op(ops.rot90, m, 4, expected=m)
    for k, axes in ((1, (1, 2)), (3, (2, 0)), (5, (0, 2))):
        check_op(ops.rot90, X, k, axes, expected=np.rot90(X, k, axes))


def test_roll(backend):
    check_op(ops.roll, X, 2, expected=np.roll(X, 2), dtype="float32")
    check_op(ops.roll, X, -1, axis=1, expected=np.concatenate([X[:, 1:], X[:, :1]], axis=1))
    check_op(ops.roll, X, (1, 2), axis=(0, 2), expected=np.roll(np.roll(X, 1, 0), 2, 2))
    check_op(ops.roll, X, 1, axis=(0, 1), expected=np.roll(np.roll(X, 1, 0), 1, 1))


def test_repeat_and_tile(backend):
    m = np.arange(6, dtype="int16").reshape(2, 3)
    check_op(ops.repeat, m, 2, expected=np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]), dtype="int16")
    check_op(ops.repeat, m, 2, axis=1, expected=m[:, [0, 0, 1, 1, 2, 2]])
    check_op(ops.repeat, m, [1, 0, 2], axis=-1, expected=m[:, [0, 2, 2]])
    check_op(ops.repeat, m, [3], axis=0, expected=m[[0, 0, 0, 1, 1, 1]])
    check_op(ops.tile, np.arange(3, dtype="int8"), 2, expected=np.array([0, 1, 2, 0, 1, 2]), dtype="int8")
    check_op(ops.tile, m, (2, 1, 3), expected=np.tile(m, (2, 1, 3)))
    check_op(ops.tile, X, (2,), expected=np.concatenate([X, X], axis=2))


def test_pad_modes(backend):
    x = np.array([[1.0, 5.0, 2.0], [4.0, 3.0, 9.0]], "float32")
    widths = ((1, 2), (2, 1))
    for mode in PAD_MODES:
        check_op(ops.pad, x, widths, mode, expected=np.pad(x, widths, mode=mode), dtype="float32")
    ints = np.array([[1, 2, 3, 4], [7, 3, 8, 0]], "int32")
    for mode in ("mean", "median", "linear_ramp", "wrap"):
        check_op(ops.pad, ints, (3, 2), mode, expected=np.pad(ints, (3, 2), mode=mode), dtype="int32")
    for mode in ("reflect", "symmetric"):
        check_op(ops.pad, x, ((3, 4), (5, 2)), mode, expected=np.pad(x, ((3, 4), (5, 2)), mode=mode))
    check_op(ops.pad, ints, 1, constant_values=7, expected=np.pad(ints, 1, constant_values=7))
    check_op(ops.pad, ints, [[0, 1], [2, 0]], expected=np.pad(ints, ((0, 1), (2, 0))))


def test_view(backend):
    x = np.array([[1.5, -2.0], [3.25, 0.0]], "float32")
    check_op(ops.view, x, "int32", expected=x.view("int32"), dtype="int32")
    check_op(ops.view, x, "int16", expected=x.view("int16"), dtype="int16")
    check_op(ops.view, x, "float64", expected=x.view("float64"), dtype="float64")
    check_op(ops.view, x, expected=x, dtype="float32")
    check_op(ops.view, np.array([True, False]), "uint8", expected=np.array([1, 0]), dtype="uint8")
    check_op(ops.view, np.array([0, 1, 2], "uint8"), "bool", expected=np.array([False, True, True]),
             dtype="bool")
    check_op(ops.view, np.array(1.0, "float32"), "int32", expected=np.array(1065353216), dtype="int32")


def test_rearrange(backend):
    x = np.arange(2 * 4 * 6 * 3, dtype="float32").reshape(2, 4, 6, 3)
    check_op(ops.rearrange, x, "b h w c -> b c h w", expected=x.transpose(0, 3, 1, 2), dtype="float32")
    check_op(ops.rearrange, x, "b h w c -> b (h w) c", expected=x.reshape(2, 24, 3))
    check_op(ops.rearrange, x, "b h w c -> h (b w) c", expected=x.transpose(1, 0, 2, 3).reshape(4, 12, 3))
    expected = x.reshape(2, 2, 2, 3, 2, 3).transpose(0, 1, 3, 2, 4, 5).reshape(12, 2, 2, 3)
    check_op(ops.rearrange, x, "b (h1 h) (w1 w) c -> (b h1 w1) h w c", h1=2, w1=3, expected=expected)
    expected = x.reshape(2, 2, 2, 3, 2, 3).transpose(0, 1, 3, 5, 2, 4).reshape(2, 2, 3, 12)
    check_op(ops.rearrange, x, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2, expected=expected)
    check_op(ops.rearrange, x, "b h w c -> (b h w c)", expected=x.ravel())


# Joining and splitting -------------------------------------------------------------

def test_concatenate_and_stack_promote(backend):
    a, b = np.arange(6, dtype="int8").reshape(2, 3), np.full((1, 3), 300, "int16")
    check_op(ops.concatenate, [a, b], expected=np.concatenate([a, b]), dtype="int16")
    c = np.ones((2, 2), "float32")
    expected = np.concatenate([a, c], 1)  # int64 with float32 gives float32 in Keras
    check_op(ops.concatenate, (a.astype("int64"), c), axis=-1, expected=expected, dtype="float32")
    expected = np.array([1.0, 2.0, 3.0])
    check_op(ops.concatenate, [[1, 2], [3.0]], expected=expected, dtype="float32", symbolic=False)
    u, i = np.array([200, 1], "uint8"), np.array([-1, 2], "int8")
    check_op(ops.stack, [u, i], expected=np.array([[200, 1], [-1, 2]]), dtype="int16")
    check_op(ops.stack, [a, a, a], axis=-1, expected=np.stack([a, a, a], -1), dtype="int8")


def test_hstack_vstack_dstack_append(backend):
    a, b = np.array([1, 2], "int8"), np.array([3, 4, 5], "int32")
    check_op(ops.hstack, [a, b], expected=np.array([1, 2, 3, 4, 5]), dtype="int32")
    m = np.arange(4, dtype="float32").reshape(2, 2)
    check_op(ops.hstack, [m, m[:, :1]], expected=np.hstack([m, m[:, :1]]), dtype="float32")
    check_op(ops.vstack, [a, a], expected=np.vstack([a, a]), dtype="int8")
    check_op(ops.vstack, [m, a.astype("float32")], expected=np.vstack([m, a]), dtype="float32")
    check_op(ops.dstack, [a, a], expected=np.dstack([a, a]), dtype="int8")
    check_op(ops.dstack, [m, m], expected=np.dstack([m, m]), dtype="float32")
    check_op(ops.append, a, m, expected=np.array([1, 2, 0, 1, 2, 3]), dtype="float32")
    check_op(ops.append, m, m[:1], axis=0, expected=np.append(m, m[:1], axis=0), dtype="float32")


def test_split(backend):
    x = np.arange(12, dtype="int32").reshape(6, 2)
    check_op(ops.split, x, 3, expected=[x[0:2], x[2:4], x[4:6]], dtype="int32")
    check_op(ops.split, x, [2, 5], expected=[x[:2], x[2:5], x[5:]])
    check_op(ops.split, x, [4, 2, 9], expected=[x[:4], x[4:2], x[2:9], x[9:]])
    check_op(ops.split, x, [-2], expected=[x[:-2], x[-2:]])
    check_op(ops.split, x, 2, axis=1, expected=[x[:, :1], x[:, 1:]])
    y = np.arange(7, dtype="float32")
    check_op(ops.array_split, y, 3, expected=[y[:3], y[3:5], y[5:]], dtype="float32")
    check_op(ops.array_split, y, [1, 3], expected=[y[:1], y[1:3], y[3:]])


def test_axis_splits_and_unstack(backend):
    check_op(ops.hsplit, X[:, :2], 2, expected=[X[:, :1], X[:, 1:2]], dtype="float32")
    expected = [np.arange(1), np.arange(1, 4)]
    check_op(ops.hsplit, np.arange(4, dtype="int8"), [1], expected=expected, dtype="int8")
    check_op(ops.vsplit, X, [1], expected=[X[:1], X[1:]])
    check_op(ops.dsplit, X, 2, expected=[X[..., :2], X[..., 2:]])
    check_op(ops.unstack, X, expected=[X[0], X[1]], dtype="float32")
    check_op(ops.unstack, X, 4, axis=-1, expected=[X[..., i] for i in range(4)])


# Queries ---------------------------------------------------------------------------

def test_size_ndim_unravel_index(backend):
    check_op(ops.size, X, expected=np.array(24), dtype="int32")
    assert ops.ndim(X) == 3 and ops.ndim([[1, 2]]) == 2
    assert ops.ndim(KerasTensor((None, 3))) == 2
    flat = np.array([0, 5, 7], "int32")
    expected = [np.array([0, 1, 1]), np.array([0, 1, 3])]
    check_op(ops.unravel_index, flat, (2, 4), expected=expected, dtype="int32")
    expected = [np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([0, 1, 1])]
    check_op(ops.unravel_index, flat.astype("int64"), (2, 2, 2), expected=expected, dtype="int64")
    expected = [np.array(1), np.array(2)]
    check_op(ops.unravel_index, np.array(5, "int32"), (2, 3), expected=expected, dtype="int32")


def test_inputs_from_variables_and_other_frameworks(backend):
    other = "torch" if backend != "torch" else "jax"
    with engine_backend.use_backend(other):
        foreign = ops.ones((2, 2), dtype="int8")
    variable = Variable(np.arange(4.0).reshape(2, 2))
    check_op(ops.concatenate, [variable, foreign], expected=np.array([[0, 1], [2, 3], [1, 1], [1, 1]]),
             dtype="float32", symbolic=False)
    check_op(ops.reshape, foreign, (4,), expected=np.ones(4), dtype="int8", symbolic=False)
    check_op(ops.pad, variable, 1, "edge", expected=np.pad(np.arange(4.0).reshape(2, 2), 1, "edge"),
             dtype="float32", symbolic=False)


# Symbolic rules with unknown dims ---------------------------------------------------

def _spec(x):
    return x.shape, x.dtype


def test_rules_with_unknown_dims():
    x = KerasTensor((None, 4, 3), "float16")
    assert _spec(ops.reshape(x, (-1, 12))) == ((None, 12), "float16")
    assert ops.reshape(x, (None, 2, 6)).shape == (None, 2, 6)
    assert ops.reshape(KerasTensor((2, 4, 3)), (None, 12)).shape == (2, 12)
    assert x.reshape((-1,)).shape == (None,)
    assert KerasTensor((None, 1, 3)).squeeze().shape == (None, 3)
    assert KerasTensor((None, 1, 3)).squeeze(0).shape == (1, 3)
    assert ops.ravel(x).shape == (None,)
    assert ops.concatenate([x, KerasTensor((2, 4, 3))]).shape == (None, 4, 3)
    assert ops.concatenate([x, KerasTensor((2, None, 3))], axis=1).shape == (2, None, 3)
    assert _spec(ops.stack([x, KerasTensor((5, 4, 3), "int8")], axis=1)) == ((5, 2, 4, 3), "float16")
    assert [p.shape for p in ops.split(x, 2)] == [(None, 4, 3)] * 2
    assert [p.shape for p in ops.split(x, 2, axis=1)] == [(None, 2, 3)] * 2
    assert ops.pad(x, 1).shape == (None, 6, 5)
    assert ops.repeat(x, 2, axis=1).shape == (None, 8, 3)
    assert ops.repeat(x, 2).shape == (None,)
    assert ops.tile(x, (2, 1, 1, 2)).shape == (2, None, 4, 6)
    assert ops.rearrange(x, "b (h w) c -> b h (w c)", h=2).shape == (None, 2, 6)
    assert ops.transpose(x).shape == (3, 4, None)
    assert ops.moveaxis(x, 0, -1).shape == (4, 3, None)
    assert ops.broadcast_to(KerasTensor((None, 1)), (5, 3)).shape == (5, 3)
    assert _spec(ops.view(x, "int8")) == ((None, 4, 6), "int8")
    assert ops.hstack([x, x]).shape == (None, 8, 3)
    assert ops.append(x, x).shape == (None,)
    assert [g.shape for g in ops.meshgrid(KerasTensor((3,)), KerasTensor((None,)))] == [(None, 3)] * 2
    assert [p.shape for p in ops.unstack(x, num=2)] == [(4, 3), (4, 3)]
    assert [p.shape for p in ops.unstack(x, axis=1)] == [(None, 3)] * 4
    assert _spec(ops.unravel_index(KerasTensor((None,), "int64"), (2, 3))[1]) == ((None,), "int64")
    assert _spec(ops.size(x)) == ((), "int32")
    assert ops.linspace(KerasTensor((None, 2)), 1.0, 5, axis=-1).shape == (None, 2, 5)
    assert _spec(ops.arange(KerasTensor((), "int8"), 5)) == ((None,), "int8")
    assert _spec(ops.full((2, 3), KerasTensor((3,), "int8"))) == ((2, 3), "float32")
    node = ops.reshape(x, (None, 12)).history  # recorded in a form that replays eagerly
    assert node.operation.__name__ == "reshape"
    assert ops.shape(node.operation(np.zeros((2, 4, 3)), *node.args[1:])) == (2, 12)


# Argument errors -------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.reshape(X, (5, -1)), ValueError, "shape \\(2, 3, 4\\).*`newshape` \\(5, -1\\)"),
    (lambda: ops.reshape(X, (-1, -1)), ValueError, "at most one -1"),
    (lambda: ops.reshape(X, (None, -1)), ValueError,
     "`newshape` \\(None, -1\\) leaves more than one dim unknown"),
    (lambda: ops.reshape(X, (2.5, 4)), TypeError, "`newshape` must be an int; received 2.5"),
    (lambda: ops.squeeze(X, 1), ValueError,
     "`axis` must select dims of size 1; axis 1 of shape \\(2, 3, 4\\)"),
    (lambda: ops.expand_dims(X, 4), ValueError, "`axis` 4 is out of range for a tensor of rank 4"),
    (lambda: ops.transpose(X, (0, 1)), ValueError, "`axes` must be a permutation of the 3 axes"),
    (lambda: ops.transpose(X, (0, 1, 1)), ValueError, "`axes` must not repeat an axis"),
    (lambda: ops.moveaxis(X, (0, 1), 2), ValueError, "`source` and `destination` must name as many axes"),
    (lambda: ops.swapaxes(X, 0, 3), ValueError, "`axis2` 3 is out of range"),
    (lambda: ops.broadcast_to(X, (3, 4)), ValueError,
     "`x` of shape \\(2, 3, 4\\) cannot be broadcast to shape"),
    (lambda: ops.fliplr(np.ones(3)), ValueError, "`fliplr` needs `x` of rank >= 2; received shape \\(3,\\)"),
    (lambda: ops.rot90(X, axes=(0, 0)), ValueError, "`axes` must not repeat an axis"),
    (lambda: ops.rot90(X, axes=(0, 1, 2)), ValueError, "`axes` must name two distinct axes"),
    (lambda: ops.roll(X, (1, 2, 3), axis=(0, 1)), ValueError, "`shift` must be an int or match `axis`"),
    (lambda: ops.repeat(X, [1, 2], axis=1), ValueError,
     "`repeats` must be an int or have one count per entry along axis 1 of `x` \\(3\\); received 2 counts"),
    (lambda: ops.repeat(X, -1), ValueError, "`repeats` must be >= 0; received -1"),
    (lambda: ops.tile(X, "2"), TypeError, "`repeats` must be an int; received '2'"),
    (lambda: ops.pad(X, ((1, 2), (3, 4))), ValueError,
     "`pad_width` must be an int, a \\(before, after\\) pair"),
    (lambda: ops.pad(X, -1), ValueError, "`pad_width` .* ints >= 0; received -1"),
    (lambda: ops.pad(X, 1, mode="circular"), ValueError,
     "`mode` must be one of constant, .*; received 'circular'"),
    (lambda: ops.pad(X, 1, mode="edge", constant_values=3), ValueError,
     "`constant_values` is only used with mode='constant'"),
    (lambda: ops.view(np.float32(1.0), "int8"), ValueError,
     "Cannot view a scalar of dtype float32 as `dtype` int8"),
    (lambda: ops.view(np.ones(3, "int8"), "int16"), ValueError,
     "the last axis holds 3 bytes, not a multiple of 2"),
    (lambda: ops.view(X, "float8"), ValueError, "Invalid dtype"),
    (lambda: ops.rearrange(X, "a b c"), ValueError, "`pattern` must be a string like"),
    (lambda: ops.rearrange(X, "a b -> b a"), ValueError,
     "has 2 input axes but `tensor` has shape \\(2, 3, 4\\)"),
    (lambda: ops.rearrange(X, "a b c -> a b"), ValueError,
     "same axes on both sides; on one side only: \\['c'\\]"),
    (lambda: ops.rearrange(X, "a b (c d e) -> a b c d e", c=2), ValueError,
     "cannot infer the sizes of \\['d', 'e'\\]"),
    (lambda: ops.rearrange(X, "a b (c d) -> a b c d", c=3), ValueError, "cannot split a dim of size 4"),
    (lambda: ops.rearrange(X, "a b c -> a b c", z=3), ValueError,
     "\\['z'\\] name axes that are not in `pattern`"),
    (lambda: ops.rearrange(X, "a (b c -> a b c"), ValueError, "unmatched '\\('"),
    (lambda: ops.rearrange(X, "a a c -> a c"), ValueError, "repeats axis 'a' on its input side"),
    (lambda: ops.zeros((2, -1)), ValueError, "`shape` must be >= 0; received -1"),
    (lambda: ops.zeros((2, None)), TypeError, "`shape` must be an int; received None"),
    (lambda: ops.full((2, 3), [1, 2]), ValueError,
     "`fill_value` of shape \\(2,\\) cannot be broadcast to shape \\(2, 3\\)"),
    (lambda: ops.eye(2.5), TypeError, "`N` must be an int; received 2.5"),
    (lambda: ops.arange(0, 5, 0), ValueError, "`step` must not be zero"),
    (lambda: ops.linspace(0, 1, -2), ValueError, "`num` must be >= 0; received -2"),
    (lambda: ops.linspace(np.ones(2), np.ones(3), 4), ValueError,
     "`start` of shape \\(2,\\) and `stop` of shape \\(3,\\)"),
    (lambda: ops.meshgrid([1], indexing="yx"), ValueError, "`indexing` must be 'xy' or 'ij'; received 'yx'"),
    (lambda: ops.concatenate(X), ValueError, "`xs` must be a non-empty list or tuple of tensors"),
    (lambda: ops.concatenate([X, X[:, :2, :2]]), ValueError, "same shape except along axis 0"),
    (lambda: ops.concatenate([np.float32(1), np.float32(2)]), ValueError,
     "`xs` must hold tensors of rank >= 1"),
    (lambda: ops.stack([X, X[0]]), ValueError, "`x` must have the same shape; received shapes"),
    (lambda: ops.hstack([]), ValueError, "`xs` must be a non-empty list"),
    (lambda: ops.split(X, 4, axis=1), ValueError, "`indices_or_sections` 4 does not divide axis 1 of shape"),
    (lambda: ops.split(X, 0), ValueError, "`indices_or_sections` must be >= 1; received 0"),
    (lambda: ops.dsplit(X[0], 2), ValueError, "`dsplit` needs `x` of rank >= 3; received shape \\(3, 4\\)"),
    (lambda: ops.unstack(X, num=3), ValueError, "`num` \\(3\\) must equal the size of axis 0"),
    (lambda: ops.unstack(KerasTensor((None, 2))), ValueError,
     "`num` is required to unstack axis 0 of unknown size"),
    (lambda: ops.unravel_index([1], (2, None)), TypeError, "`shape` must be an int; received None"),
])
def test_argument_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# Gradients -------------------------------------------------------------------------

G = np.array([[0.7, 1.9, 1.2], [2.6, 0.3, 3.1]])

GRADIENT_CASES = {
    "reshape": lambda t: ops.reshape(t, (3, 2)),
    "transpose": lambda t: ops.transpose(t),
    "moveaxis": lambda t: ops.moveaxis(ops.expand_dims(t, 0), 0, -1),
    "flip": lambda t: ops.flip(t, 1),
    "rot90": lambda t: ops.rot90(t, 3),
    "roll": lambda t: ops.roll(t, 2),
    "roll_axis": lambda t: ops.roll(t, (1, -1), axis=(0, 1)),
    "repeat": lambda t: ops.repeat(t, [2, 0, 1], axis=1),
    "tile": lambda t: ops.tile(t, (2, 1)),
    "broadcast_to": lambda t: ops.broadcast_to(t, (2, 2, 3)),
    "concatenate": lambda t: ops.concatenate([t, ops.flip(t, 0)], axis=1),
    "stack": lambda t: ops.stack([t, ops.flip(t, 1)], axis=-1),
    "split": lambda t: ops.concatenate(ops.split(t, [1, 2], axis=1)[::-1], axis=1),
    "unstack": lambda t: ops.stack(ops.unstack(t)[::-1]),
    "rearrange": lambda t: ops.rearrange(t, "a (b c) -> c (a b)", c=3),
    "linspace": lambda t: ops.linspace(t, ops.add(t, 2.0), 4, axis=1),
    "logspace": lambda t: ops.logspace(t, ops.add(t, 1.0), 3, base=2),
    "geomspace": lambda t: ops.geomspace(t, ops.add(t, 1.0), 3, endpoint=False),
}
GRADIENT_CASES.update({f"pad_{mode}": functools.partial(ops.pad, pad_width=((1, 2), (2, 1)), mode=mode)
                       for mode in PAD_MODES})


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients(trainable_backend, name):
    check_weighted_grad(GRADIENT_CASES[name], G)
