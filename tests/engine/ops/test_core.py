"""Core ops: conversion, control flow, gradients, slicing and scatter, on every backend."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op, to_numpy

X = np.array([1.0, 4.0, 9.0, 16.0], "float32")


def _cumulative(carry, x):
    total = ops.add(carry, x)
    return total, total


def _grad(fn, x):
    """The active backend's gradient of ``sum(fn(x))`` at float64 `x`."""
    module = engine_backend.get()
    _, grad = module.value_and_grad(lambda t: ops.sum(fn(t)))(module.convert_to_tensor(np.asarray(x, "float64")))
    return to_numpy(grad)


def _compiled(name, fn):
    if name == "jax":
        import jax
        return jax.jit(fn)
    import tensorflow as tf
    return tf.function(fn)


# Conversion and queries -------------------------------------------------------------------

def test_cast_convert_and_queries(backend):
    check_op(ops.cast, np.array([1.7, -1.2], "float32"), "int32", expected=np.array([1, -1]), dtype="int32")
    check_op(ops.convert_to_tensor, np.arange(3, dtype="int8"), expected=np.arange(3), dtype="int8")
    assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
    assert ops.is_tensor(ops.convert_to_tensor(X)) and not ops.is_tensor(X.tolist())
    assert ops.shape(ops.convert_to_tensor(np.zeros((2, 3)))) == (2, 3)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.convert_to_tensor(X)), X)


# Conditionals -----------------------------------------------------------------------------

def _branch(pred, x):
    return ops.cond(pred, lambda: ops.add(x, 1.0), lambda: ops.sqrt(x))


def test_cond_runs_one_branch(backend):
    check_op(_branch, np.array(True), X, expected=X + 1, dtype="float32")
    check_op(_branch, np.array(False), X, expected=np.sqrt(X), dtype="float32")
    out = ops.cond(False, lambda: (X, {"a": 1}), lambda: (np.sqrt(X), {"a": 2}))
    np.testing.assert_allclose(to_numpy(out[0]), np.sqrt(X))
    assert int(to_numpy(out[1]["a"])) == 2 and ops.dtype(out[1]["a"]) == "int32"


def test_cond_checks_its_arguments():
    pred = KerasTensor((), "bool")
    with pytest.raises(ValueError, match="`true_fn` and `false_fn`.*float32.*int32"):
        ops.cond(pred, lambda: np.zeros(2, "float32"), lambda: np.zeros(2, "int32"))
    with pytest.raises(ValueError, match="`pred` must be a scalar.*\\(3,\\)"):
        ops.cond(np.ones(3, bool), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="`false_fn` must be a callable; received 2"):
        ops.cond(True, lambda: 1, 2)


def _pick(index, x):
    return ops.switch(index, [lambda v: ops.add(v, 1.0), ops.sqrt, lambda v: ops.add(v, v)], x)


def test_switch_clamps_the_index(backend):
    check_op(_pick, 1, X, expected=np.sqrt(X), dtype="float32")
    check_op(_pick, -4, X, expected=X + 1, dtype="float32")
    check_op(_pick, 7, X, expected=X + X, dtype="float32")
    check_op(_pick, np.array(2, "int32"), X, expected=X + X, dtype="float32")


def test_switch_checks_its_arguments():
    with pytest.raises(ValueError, match="`index` must be a scalar integer; received float32"):
        ops.switch(np.float32(1), [ops.sqrt], X)
    with pytest.raises(ValueError, match="`branches` must be a non-empty list"):
        ops.switch(0, [], X)
    with pytest.raises(ValueError, match="Every branch of `switch`"):
        ops.switch(0, [ops.sqrt, lambda v: ops.sum(v)], KerasTensor((4,)))


# Loops ------------------------------------------------------------------------------------

def test_while_loop_structures(backend):
    i, total = ops.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, ops.add(s, i)), [0, 0])
    assert (int(to_numpy(i)), int(to_numpy(total))) == (5, sum(range(5)))
    assert ops.dtype(total) == "int32"
    single = ops.while_loop(lambda v: ops.sum(v) < 100.0, lambda v: ops.add(v, v), X)
    expected = X.copy()
    while expected.sum() < 100:
        expected = expected + expected
    check_op(lambda v: ops.while_loop(lambda w: ops.sum(w) < 100.0, lambda w: ops.add(w, w), v), X,
             expected=expected, dtype="float32")
    np.testing.assert_allclose(to_numpy(single), expected)
    state = ops.while_loop(lambda d: d["n"] < 3, lambda d: {"n": d["n"] + 1, "x": ops.add(d["x"], 1.0)},
                           {"n": 0, "x": X})
    np.testing.assert_allclose(to_numpy(state["x"]), X + 3)


def test_while_loop_maximum_iterations(backend):
    out = ops.while_loop(lambda i: i < 100, lambda i: i + 1, 0, maximum_iterations=7)
    assert int(to_numpy(out)) == 7
    with pytest.raises(ValueError, match="`maximum_iterations` must be None or an int >= 0; received -1"):
        ops.while_loop(lambda i: i < 1, lambda i: i + 1, 0, maximum_iterations=-1)
    with pytest.raises(TypeError, match="`body` must be a callable"):
        ops.while_loop(lambda i: i < 1, None, 0)


def test_fori_loop(backend):
    assert int(to_numpy(ops.fori_loop(0, 10, lambda i, s: ops.add(s, i), 0))) == 45
    check_op(lambda v: ops.fori_loop(1, 4, lambda i, s: ops.add(s, s), v), X, expected=X * 8, dtype="float32")
    pair = ops.fori_loop(0, 3, lambda i, s: (ops.add(s[0], 1.0), ops.add(s[1], s[1])), (X, np.int32(1)))
    np.testing.assert_allclose(to_numpy(pair[0]), X + 3)
    assert int(to_numpy(pair[1])) == 8 and ops.dtype(pair[1]) == "int32"


def test_scan(backend):
    xs = np.arange(1, 7, dtype="float32").reshape(3, 2)
    init = np.zeros(2, "float32")
    check_op(lambda c, x: ops.scan(_cumulative, c, x), init, xs,
             expected=(xs.sum(0), np.cumsum(xs, 0)), dtype="float32")
    check_op(lambda c, x: ops.scan(_cumulative, c, x, reverse=True), init, xs,
             expected=(xs.sum(0), np.cumsum(xs[::-1], 0)[::-1]), dtype="float32")
    carry, ys = ops.scan(lambda c, x: (ops.add(c, 1), ops.add(c, c)), np.int32(0), length=4)
    assert int(to_numpy(carry)) == 4
    np.testing.assert_array_equal(to_numpy(ys), [0, 2, 4, 6])


def test_scan_nested_structures(backend):
    xs = {"a": np.arange(3, dtype="float32"), "b": np.ones((3, 2), "int32")}

    def step(carry, x):
        carry = {"a": ops.add(carry["a"], x["a"]), "b": ops.add(carry["b"], x["b"])}
        return carry, (carry["a"], None)

    carry, (ys, nothing) = ops.scan(step, {"a": np.float32(0), "b": np.zeros(2, "int32")}, xs)
    np.testing.assert_allclose(to_numpy(ys), [0.0, 1.0, 3.0])
    np.testing.assert_array_equal(to_numpy(carry["b"]), [3, 3])
    assert nothing is None
    symbolic, _ = ops.scan(step, {"a": KerasTensor(()), "b": KerasTensor((2,), "int32")},
                           {"a": KerasTensor((5,)), "b": KerasTensor((5, 2), "int32")})
    assert symbolic["b"].shape == (2,) and symbolic["b"].dtype == "int32"


def test_scan_checks_its_arguments():
    with pytest.raises(ValueError, match="`scan` needs `xs` or `length`"):
        ops.scan(_cumulative, 0.0)
    with pytest.raises(ValueError, match="`unroll` must be a bool or an int >= 1; received 0"):
        ops.scan(_cumulative, 0.0, X, unroll=0)
    with pytest.raises(ValueError, match="`length` is 3 but the leading axis of `xs` has size 4"):
        ops.scan(_cumulative, 0.0, X, length=3)
    with pytest.raises(ValueError, match="same size along axis 0"):
        ops.scan(_cumulative, 0.0, [X, X[:2]])


def test_map_and_vectorized_map(backend):
    rows = np.arange(6, dtype="float32").reshape(3, 2)
    check_op(ops.map, lambda r: ops.sum(r), rows, expected=rows.sum(1), dtype="float32")
    check_op(ops.vectorized_map, lambda r: ops.add(r, r), rows, expected=rows * 2, dtype="float32")
    pairs = ops.vectorized_map(lambda p: ops.add(p[0], p[1]), [rows, rows + 1])
    np.testing.assert_allclose(to_numpy(pairs), 2 * rows + 1)
    named = ops.map(lambda r: {"total": ops.sum(r), "root": ops.sqrt(r)}, rows)
    np.testing.assert_allclose(to_numpy(named["root"]), np.sqrt(rows), rtol=1e-6)
    with pytest.raises(ValueError, match="`xs` must hold tensors of rank >= 1"):
        ops.map(ops.sqrt, np.float32(1))
    with pytest.raises(TypeError, match="`function` must be a callable"):
        ops.vectorized_map("sqrt", rows)


def _affine_then(first, second):
    """Composes x -> a1 x + b1 then x -> a2 x + b2 (associative, not commutative)."""
    (a1, b1), (a2, b2) = first, second
    return a2 * a1, a2 * b1 + b2


def _affine_reference(a, b):
    out_a, out_b = [a[0]], [b[0]]
    for k in range(1, len(a)):
        out_a.append(a[k] * out_a[-1])
        out_b.append(a[k] * out_b[-1] + b[k])
    return np.array(out_a), np.array(out_b)


def test_associative_scan(backend):
    x = np.arange(1, 8, dtype="int32")
    check_op(ops.associative_scan, ops.add, x, expected=np.cumsum(x), dtype="int32")
    check_op(ops.associative_scan, ops.add, x, reverse=True, expected=np.cumsum(x[::-1])[::-1])
    grid = np.arange(12, dtype="float32").reshape(3, 4)
    check_op(ops.associative_scan, ops.add, grid, axis=1, expected=np.cumsum(grid, 1), dtype="float32")
    a, b = np.array([2.0, 3.0, 0.5, 4.0, 1.0]), np.array([1.0, -1.0, 2.0, 0.0, 3.0])
    got = ops.associative_scan(_affine_then, (a, b))
    for g, e in zip(got, _affine_reference(a, b)):
        np.testing.assert_allclose(to_numpy(g), e)
    got = ops.associative_scan(_affine_then, (a, b), reverse=True)
    for g, e in zip(got, _affine_reference(a[::-1], b[::-1])):
        np.testing.assert_allclose(to_numpy(g), e[::-1])
    with pytest.raises(ValueError, match="`axis` 2 is out of range"):
        ops.associative_scan(ops.add, grid, axis=2)


def test_associative_scan_of_unknown_length_on_tensorflow():
    engine_backend.set_backend("tensorflow")
    import tensorflow as tf
    scan = tf.function(lambda x: ops.associative_scan(ops.add, x, reverse=True),
                       input_signature=[tf.TensorSpec([None], tf.float32)])
    np.testing.assert_allclose(to_numpy(scan(X)), np.cumsum(X[::-1])[::-1])


@pytest.mark.parametrize("name", ["jax", "tensorflow"])
def test_control_flow_compiles(name):
    engine_backend.set_backend(name)

    def program(x):
        shifted = ops.cond(ops.sum(x) > 0, lambda: ops.add(x, 1.0), lambda: ops.add(x, -1.0))
        total, partial = ops.scan(_cumulative, ops.sum(x) * 0, shifted)
        steps, grown = ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, ops.add(v, v)), (0, x))
        return total, partial, grown

    total, partial, grown = _compiled(name, program)(X)
    np.testing.assert_allclose(to_numpy(total), (X + 1).sum())
    np.testing.assert_allclose(to_numpy(partial), np.cumsum(X + 1))
    np.testing.assert_allclose(to_numpy(grown), X * 8)


# Function transforms: vectorize, custom_gradient, stop_gradient -----------------------------

def test_vectorize(backend):
    x = np.array([1, 2, 3], "int32")
    check_op(ops.vectorize(lambda a, b: ops.add(a, b)), x, 10, expected=x + 10, dtype="int32")
    rowsum = ops.vectorize(lambda v: ops.sum(v), signature="(n)->()")
    m = np.arange(12, dtype="float32").reshape(3, 4)
    check_op(rowsum, m, expected=m.sum(1), dtype="float32")
    matvec = ops.vectorize(lambda a, v: ops.sum(ops.add(a, v), axis=-1), signature="(m,n),(n)->(m)")
    cube, v = np.ones((2, 3, 4), "float32"), np.arange(4, dtype="float32")
    check_op(matvec, cube, v, expected=(cube + v).sum(-1), dtype="float32")
    shift = ops.vectorize(lambda a, offset: ops.add(a, offset), excluded={1})
    check_op(shift, m, 0.5, expected=m + 0.5, symbolic=False)
    assert matvec(KerasTensor((None, 3, 4)), KerasTensor((4,))).shape == (None, 3)


def test_vectorize_checks_its_arguments():
    with pytest.raises(TypeError, match="`pyfunc` must be a callable; received 3"):
        ops.vectorize(3)
    with pytest.raises(ValueError, match="`signature` must look like"):
        ops.vectorize(ops.sqrt, signature="n->m")


def _doubled_with_gradient_ten(x):
    def grad_fn(*args, upstream=None):
        upstream = args[-1] if upstream is None else upstream
        return upstream * 10.0

    return ops.add(x, x), grad_fn


def test_custom_gradient_forward(backend):
    doubled = ops.custom_gradient(_doubled_with_gradient_ten)
    check_op(doubled, X, expected=2 * X, dtype="float32")
    np.testing.assert_allclose(to_numpy(doubled(Variable(X))), 2 * X)


def test_custom_gradient_replaces_the_gradient(trainable_backend):
    doubled = ops.custom_gradient(_doubled_with_gradient_ten)
    np.testing.assert_allclose(_grad(doubled, X), np.full(4, 10.0))

    @ops.custom_gradient
    def product(x, y):
        def grad_fn(*args, upstream=None):
            upstream = args[-1] if upstream is None else upstream
            return upstream * 2.0, upstream * 3.0

        return x * y, grad_fn

    module = engine_backend.get()
    args = [module.convert_to_tensor(np.array([1.0, 2.0])), module.convert_to_tensor(np.array([3.0, 4.0]))]
    _, grads = module.value_and_grad(lambda x, y: ops.sum(product(x, y)), argnums=(0, 1))(*args)
    np.testing.assert_allclose(to_numpy(grads[0]), [2.0, 2.0])
    np.testing.assert_allclose(to_numpy(grads[1]), [3.0, 3.0])


def test_custom_gradient_rejects_a_non_callable():
    with pytest.raises(TypeError, match="`f` must be a callable; received 1"):
        ops.custom_gradient(1)


def test_stop_gradient(backend):
    check_op(ops.stop_gradient, X, expected=X, dtype="float32")
    check_op(ops.stop_gradient, np.array([1, 2], "int8"), expected=np.array([1, 2]), dtype="int8")
    np.testing.assert_allclose(to_numpy(ops.stop_gradient(Variable(X))), X)


def test_stop_gradient_blocks_gradients(trainable_backend):
    # d/dx sum(x * const(x)) is const(x) = x, not 2x.
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(_grad(lambda t: t * ops.stop_gradient(t), x), x)


def test_saturate_cast(backend):
    x = np.array([-1.0, 256.0, 3.7, 1000.0], "float32")
    check_op(ops.saturate_cast, x, "uint8", expected=np.clip(x, 0, 255).astype("uint8"), dtype="uint8")
    ints = np.array([-300, 5, 300], "int32")
    check_op(ops.saturate_cast, ints, "int8", expected=np.clip(ints, -128, 127), dtype="int8")
    check_op(ops.saturate_cast, ints, "bool", expected=np.array([False, True, True]), dtype="bool")
    huge = to_numpy(ops.saturate_cast(np.array([-3e10, 3e10], "float32"), "int32"))
    assert huge[0] == np.iinfo("int32").min and huge[1] >= np.iinfo("int32").max - 256


# Slicing and scatter ----------------------------------------------------------------------------

def test_slice(backend):
    x = np.arange(20, dtype="float32").reshape(4, 5)
    check_op(ops.slice, x, [1, 2], [2, 3], expected=x[1:3, 2:5], dtype="float32")
    check_op(ops.slice, x, [2, 1], [-1, 2], expected=x[2:, 1:3])
    check_op(ops.slice, x, np.array([1, 0], "int32"), [3, 5], expected=x[1:4])
    check_op(ops.slice, x, [3, 4], [2, 2], expected=x[2:4, 3:5])  # starts clamped to fit
    assert ops.slice(KerasTensor((None, 5)), [0, 2], [3, -1]).shape == (3, 3)


def test_slice_update(backend):
    x = np.zeros((3, 4), "float32")
    updates = np.arange(4, dtype="float32").reshape(2, 2)
    expected = x.copy()
    expected[1:3, 1:3] = updates
    check_op(ops.slice_update, x, [1, 1], updates, expected=expected, dtype="float32")
    clamped = x.copy()
    clamped[1:3, 2:4] = updates
    check_op(ops.slice_update, x, [5, 3], updates, expected=clamped)
    check_op(ops.slice_update, np.zeros(4, "int32"), [1], np.array([1.9, 2.9]), expected=np.array([0, 1, 2, 0]),
             dtype="int32")


def test_slice_and_slice_update_check_their_arguments():
    x = np.zeros((3, 4), "float32")
    with pytest.raises(ValueError, match="`shape` must hold one int.*\\(3, 4\\); received \\[2\\]"):
        ops.slice(x, [0, 0], [2])
    with pytest.raises(ValueError, match="`shape` \\(4, 1\\) is larger than the `inputs` shape \\(3, 4\\)"):
        ops.slice(x, [0, 0], [4, 1])
    with pytest.raises(ValueError, match="`start_indices` must have one entry per dim of `inputs` \\(2\\)"):
        ops.slice(x, [0], [1, 1])
    with pytest.raises(ValueError, match="`updates` must have the rank of `inputs`.*\\(5,\\)"):
        ops.slice_update(x, [0, 0], np.zeros(5))


def test_scatter(backend):
    indices = np.array([[0, 1], [2, 2], [0, 1]])
    values = np.array([1.0, 2.0, 4.0], "float32")
    expected = np.zeros((3, 3), "float32")
    np.add.at(expected, (indices[:, 0], indices[:, 1]), values)
    check_op(ops.scatter, indices, values, (3, 3), expected=expected, dtype="float32")
    rows = np.array([5, 6, 7], "int8")
    expected_rows = np.zeros((2, 3), "int8")
    expected_rows[1] = rows
    check_op(ops.scatter, [[1]], rows[None], (2, 3), expected=expected_rows, dtype="int8")


def test_scatter_checks_its_arguments():
    with pytest.raises(ValueError, match="`values` must have shape \\(2,\\).*received \\(3,\\)"):
        ops.scatter([[0], [1]], np.zeros(3), (4,))
    with pytest.raises(ValueError, match="`shape` must be a tuple of ints >= 0; received \\(2, -1\\)"):
        ops.scatter([[0]], np.zeros(1), (2, -1))
    with pytest.raises(ValueError, match="`indices` must have shape \\(..., k\\) with k <= 1"):
        ops.scatter([[0, 1]], np.zeros(1), (4,))


@pytest.mark.parametrize("reduction,ufunc", [(None, None), ("add", np.add), ("max", np.maximum),
                                             ("min", np.minimum), ("mul", np.multiply)])
def test_scatter_update(backend, reduction, ufunc):
    inputs = np.arange(1, 10, dtype="float32").reshape(3, 3)
    indices = np.array([[0, 0], [2, 1], [0, 0]])
    updates = np.array([5.0, -1.0, 3.0], "float32")
    expected = inputs.copy()
    if ufunc is None:
        expected[indices[:, 0], indices[:, 1]] = updates
    else:
        ufunc.at(expected, (indices[:, 0], indices[:, 1]), updates)
    if reduction is None:  # a repeated index keeps one of its updates
        got = to_numpy(ops.scatter_update(inputs, indices, updates))
        assert got[0, 0] in (5.0, 3.0)
        expected[0, 0] = got[0, 0]
    check_op(ops.scatter_update, inputs, indices, updates, reduction=reduction, expected=expected, dtype="float32")


def test_scatter_update_rows_and_dtypes(backend):
    inputs = np.zeros((3, 2), "int32")
    expected = inputs.copy()
    expected[1] = [5, 7]
    check_op(ops.scatter_update, inputs, [[1]], np.array([[5.2, 7.9]], "float32"), expected=expected, dtype="int32")
    with pytest.raises(ValueError, match="`reduction` must be one of .*received 'sum'"):
        ops.scatter_update(inputs, [[1]], np.ones((1, 2)), reduction="sum")


# Gradients through control flow and slicing -------------------------------------------------------

GRADIENT_CASES = {
    "cond": lambda t: ops.cond(ops.sum(t) > 0, lambda: t * t, lambda: t),
    "switch": lambda t: ops.switch(1, [ops.sqrt, lambda v: v * v * v], t),
    "scan": lambda t: ops.scan(lambda c, x: (c * x, c * x), ops.sum(t) * 0 + 1, t)[1],
    "fori_loop": lambda t: ops.fori_loop(0, 3, lambda i, v: v * t, t),
    "map": lambda t: ops.map(lambda v: v * v, t),
    "vectorized_map": lambda t: ops.vectorized_map(lambda v: ops.sqrt(v), t),
    "associative_scan": lambda t: ops.associative_scan(lambda a, b: a * b, t),
    "slice": lambda t: ops.slice(t, [1], [2]) * 3,
    "slice_update": lambda t: ops.slice_update(t * t, [1], t[:2]),
    "scatter": lambda t: ops.scatter([[2], [0], [2]], t[:3] * t[:3], (4,)),
    "scatter_update": lambda t: ops.scatter_update(t * t, [[1]], t[2:3] * 5),
}


@pytest.mark.parametrize("case", sorted(GRADIENT_CASES))
def test_gradients(trainable_backend, case):
    check_grad(GRADIENT_CASES[case], np.array([1.5, 0.5, 2.0, 3.0]))
