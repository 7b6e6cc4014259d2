"""Reductions, statistics, sorting, searching, counting, cumulative and segment ops vs NumPy."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op

RNG = np.random.default_rng(7)
XI = RNG.integers(-2, 3, (2, 3, 4)).astype("int8")
XF = RNG.normal(size=(2, 3, 4)).astype("float32")
XN = XF.copy()
XN[0, 0, 0] = XN[1, 2, 3] = XN[0, 1, 2] = np.nan
AXES = [dict(), dict(axis=-2), dict(axis=(0, 2), keepdims=True)]
SINGLE_AXES = [dict(), dict(axis=1), dict(axis=-1, keepdims=True), dict(keepdims=True)]


def _widened(dtype):
    return {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32"}.get(dtype, dtype)


def _floated(dtype):
    return dtype if dtype.startswith("float") else "float32"


def _logsumexp(x, axis=None, keepdims=False):
    return np.log(np.sum(np.exp(x.astype("float64")), axis=axis, keepdims=keepdims))


# name, NumPy reference, dtype of the result from the input dtype, input arrays
REDUCTIONS = [
    ("sum", np.sum, _widened, (XI, XF)),
    ("prod", np.prod, _widened, (XI, XF)),
    ("nansum", np.nansum, _widened, (XI, XN)),
    ("nanprod", np.nanprod, _widened, (XI, XN)),
    ("max", np.max, str, (XI, XF)),
    ("min", np.min, str, (XI, XF)),
    ("amax", np.amax, str, (XI, XF)),
    ("amin", np.amin, str, (XI, XF)),
    ("nanmax", np.nanmax, str, (XI, XN)),
    ("nanmin", np.nanmin, str, (XI, XN)),
    ("ptp", np.ptp, str, (XI, XF)),
    ("all", np.all, lambda dtype: "bool", (XI, XF)),
    ("any", np.any, lambda dtype: "bool", (XI, XF)),
    ("mean", np.mean, _floated, (XI, XF)),
    ("nanmean", np.nanmean, _floated, (XI, XN)),
    ("var", np.var, _floated, (XI, XF)),
    ("std", np.std, _floated, (XI, XF)),
    ("nanvar", np.nanvar, _floated, (XI, XN)),
    ("nanstd", np.nanstd, _floated, (XI, XN)),
    ("median", np.median, _floated, (XI, XF)),
    ("nanmedian", np.nanmedian, _floated, (XI, XN)),
    ("logsumexp", _logsumexp, _floated, (XI, XF)),
]


@pytest.mark.parametrize("name, reference, dtype_of, inputs", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions(backend, name, reference, dtype_of, inputs):
    for x in inputs:
        wide = x.astype("int64" if x.dtype.kind == "i" else "float64")
        for kwargs in AXES:
            expected = np.asarray(reference(wide, **kwargs))
            dtype = dtype_of(x.dtype.name)
            check_op(getattr(ops, name), x, expected=expected.astype(dtype), dtype=dtype, **kwargs)


@pytest.mark.parametrize("name", ["argmax", "argmin", "nanargmax", "nanargmin"])
def test_arg_reductions(backend, name):
    reference = getattr(np, name)
    for x in (XI, XN if name.startswith("nan") else XF):
        for kwargs in SINGLE_AXES:
            check_op(getattr(ops, name), x, expected=reference(x, **kwargs), dtype="int32", **kwargs)
    ties = np.array([[1, 3, 3], [2, 2, 0]], "int32")
    check_op(getattr(ops, name), ties, axis=1, expected=reference(ties, axis=1), dtype="int32")


def test_argmax_picks_the_first_nan_and_nanargmax_all_nan_is_minus_one(backend):
    x = np.array([[1.0, np.nan, 5.0, np.nan], [np.nan, np.nan, np.nan, np.nan]], "float32")
    check_op(ops.argmax, x[:1], axis=1, expected=np.argmax(x[:1], axis=1), dtype="int32")
    all_nan = np.all(np.isnan(x), axis=1)
    safe = np.where(np.isnan(x), -np.inf, x)
    check_op(ops.nanargmax, x, axis=1, expected=np.where(all_nan, -1, np.argmax(safe, axis=1)), dtype="int32")
    check_op(ops.nanmax, x, axis=1, expected=np.where(all_nan, np.nan, np.max(safe, axis=1)), dtype="float32")


def test_reduction_dtypes(backend):
    flags = np.array([[True, False, True], [True, True, True]])
    check_op(ops.sum, flags, axis=0, expected=np.sum(flags, axis=0), dtype="int32")
    check_op(ops.max, flags, axis=1, expected=np.max(flags, axis=1), dtype="bool")
    check_op(ops.min, flags, axis=1, expected=np.min(flags, axis=1), dtype="bool")
    small = np.array([200, 100, 50], "uint8")
    check_op(ops.sum, small, expected=np.sum(small, dtype="uint32"), dtype="uint32")
    big = np.array([2**40, 3], "int64")
    check_op(ops.sum, big, expected=np.sum(big), dtype="int64")
    check_op(ops.mean, big.astype("float64"), expected=np.mean(big.astype("float64")), dtype="float64")
    half = np.array([1.0, 2.0, 4.0], "float16")
    check_op(ops.mean, half, expected=np.mean(half.astype("float64")).astype("float16"), dtype="float16")
    check_op(ops.prod, XI, 1, False, "float32", expected=np.prod(XI, axis=1, dtype="float32"),
             dtype="float32")
    check_op(ops.count_nonzero, XI, expected=np.count_nonzero(XI), dtype="int32")
    for axis in (1, (0, 2)):
        check_op(ops.count_nonzero, XI, axis=axis, expected=np.count_nonzero(XI, axis=axis), dtype="int32")


def test_max_min_initial(backend):
    x = np.array([[1, 5], [3, 2]], "int8")
    check_op(ops.max, x, axis=1, initial=4, expected=np.max(x, axis=1, initial=4), dtype="int8")
    check_op(ops.min, x, axis=0, initial=2, expected=np.min(x, axis=0, initial=2), dtype="int8")
    check_op(ops.max, x, initial=6.7, expected=np.max(x, initial=6), dtype="int8")


def test_logsumexp_is_stable(backend):
    x = np.array([[1000.0, 1000.0], [-np.inf, 0.0]], "float32")
    peak = np.max(x, axis=1, keepdims=True)
    expected = (np.log(np.sum(np.exp(x - peak), axis=1, keepdims=True)) + peak)[:, 0]
    check_op(ops.logsumexp, x, axis=1, expected=expected, dtype="float32")


# Quantiles --------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantiles(backend, method):
    q = np.array([0.0, 0.3, 0.5, 1.0])
    for kwargs in AXES:
        expected = np.quantile(XF.astype("float64"), q, method=method, **kwargs).astype("float32")
        check_op(ops.quantile, XF, q, method=method, expected=expected, dtype="float32", **kwargs)
        expected = np.nanquantile(XN.astype("float64"), 0.4, method=method, **kwargs).astype("float32")
        check_op(ops.nanquantile, XN, 0.4, method=method, expected=expected, dtype="float32", **kwargs)
    check_op(ops.quantile, XI, 0.7, axis=1, method=method,
             expected=np.quantile(XI.astype("float64"), 0.7, axis=1, method=method), dtype="float32")
    check_op(ops.percentile, XF, [25.0, 50.0], axis=1, method=method,
             expected=np.percentile(XF, [25.0, 50.0], axis=1, method=method), dtype="float32")
    check_op(ops.nanpercentile, XN, 70.0, axis=2, method=method,
             expected=np.nanpercentile(XN, 70.0, axis=2, method=method), dtype="float32")


def test_quantile_of_a_slice_with_nan_is_nan(backend):
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]], "float32")
    check_op(ops.quantile, x, 0.5, axis=1, expected=np.quantile(x, 0.5, axis=1), dtype="float32")
    check_op(ops.nanmedian, x, axis=1, expected=np.array([np.nanmedian(x[0]), np.nan]), dtype="float32")
    check_op(ops.median, x.astype("float64"), expected=np.median(x), dtype="float64")


# Weighted and paired statistics -----------------------------------------------------

def test_average(backend):
    weights = np.array([1.0, 2.0, 0.5, 3.0], "float32")
    check_op(ops.average, XF, expected=np.average(XF), dtype="float32")
    check_op(ops.average, XI, axis=2, weights=weights,
             expected=np.average(XI, axis=2, weights=weights), dtype="float32")
    full = np.abs(XF) + 0.1
    check_op(ops.average, XF, axis=1, weights=full, expected=np.average(XF, axis=1, weights=full),
             dtype="float32")
    check_op(ops.average, XF, weights=full, expected=np.average(XF, weights=full), dtype="float32")
    half = np.array([1.0, 2.0, 4.0], "float16")
    check_op(ops.average, half, weights=half, rtol=1e-3,
             expected=np.average(half.astype("float64"), weights=half.astype("float64")), dtype="float16")
    ints = np.array([1, 2, 3], "int32")
    check_op(ops.average, ints, weights=ints, expected=np.average(ints, weights=ints), dtype="float32")


def test_corrcoef(backend):
    x = RNG.normal(size=(3, 5)).astype("float32")
    check_op(ops.corrcoef, x, expected=np.corrcoef(x), dtype="float32", atol=1e-5)
    check_op(ops.corrcoef, XI[0], expected=np.corrcoef(XI[0].astype("float64")), dtype="float32", atol=1e-5)
    check_op(ops.corrcoef, x[0], expected=np.corrcoef(x[0]), dtype="float32")


@pytest.mark.parametrize("sizes", [(6, 3), (3, 6), (5, 5), (4, 1), (2, 7)])
def test_correlate(backend, sizes):
    a = RNG.normal(size=sizes[0]).astype("float32")
    v = RNG.normal(size=sizes[1]).astype("float32")
    for mode in ("valid", "same", "full"):
        check_op(ops.correlate, a, v, mode=mode, expected=np.correlate(a, v, mode=mode), dtype="float32",
                 atol=1e-5)
    ints = np.arange(sizes[0], dtype="int32")
    check_op(ops.correlate, ints, v.astype("float16"), expected=np.correlate(ints, v.astype("float16")),
             dtype="float16", rtol=1e-2, atol=1e-2)
    check_op(ops.correlate, ints, ints, expected=np.correlate(ints, ints).astype("float32"), dtype="float32")


def test_trapezoid(backend):
    x_points = np.array([0.0, 0.5, 2.0, 2.5], "float32")
    check_op(ops.trapezoid, XF, expected=np.trapezoid(XF), dtype="float32")
    check_op(ops.trapezoid, XI, dx=0.5, axis=1, expected=np.trapezoid(XI, dx=0.5, axis=1), dtype="float32")
    check_op(ops.trapezoid, XF, x=x_points, expected=np.trapezoid(XF, x=x_points), dtype="float32")
    grid = np.cumsum(np.abs(XF) + 0.1, axis=0)
    check_op(ops.trapezoid, XF, x=grid, axis=0, expected=np.trapezoid(XF, x=grid, axis=0), dtype="float32")
    half = XF.astype("float16")
    check_op(ops.trapezoid, half, dx=2, rtol=1e-2, atol=1e-2,
             expected=np.trapezoid(half.astype("float64"), dx=2), dtype="float16")


# Sorting and searching --------------------------------------------------------------

def test_sort_and_argsort(backend):
    ties = RNG.integers(0, 3, (3, 5)).astype("int8")
    for x in (ties, XF[0], np.array([True, False, True, False])):
        for axis in (-1, 0, None):
            check_op(ops.sort, x, axis=axis, expected=np.sort(x, axis=axis), dtype=x.dtype.name)
            expected = np.argsort(x, axis=axis, kind="stable")
            check_op(ops.argsort, x, axis=axis, expected=expected, dtype="int32")
    with_nan = np.array([[3.0, np.nan, -np.inf, 1.0, np.inf]], "float32")
    check_op(ops.sort, with_nan, expected=np.sort(with_nan), dtype="float32")
    check_op(ops.argsort, with_nan, expected=np.argsort(with_nan, kind="stable"), dtype="int32")


def test_argpartition_partitions(backend):
    x = RNG.permutation(24).reshape(4, 6).astype("float32")
    for kth, axis in ((2, -1), (-1, -1), (1, 0)):
        index = check_op(ops.argpartition, x, kth, axis=axis, dtype="int32")
        parted = np.take_along_axis(x, index, axis=axis)
        pivot = np.take(np.sort(x, axis=axis), [kth], axis=axis)
        np.testing.assert_array_equal(np.take(parted, [kth], axis=axis), pivot)
        size = x.shape[axis]
        before = np.take(parted, range(kth % size), axis=axis)
        after = np.take(parted, range(kth % size + 1, size), axis=axis)
        assert np.all(before <= pivot) and np.all(after >= pivot)
        np.testing.assert_array_equal(np.sort(index, axis=axis), np.sort(np.argsort(x, axis=axis), axis=axis))


def test_searchsorted_and_digitize(backend):
    sequence = np.array([1.0, 2.0, 2.0, 3.5, 7.0], "float32")
    values = np.array([[0.0, 2.0, 3.5], [8.0, 2.5, 1.0]], "float32")
    for side in ("left", "right"):
        check_op(ops.searchsorted, sequence, values, side=side,
                 expected=np.searchsorted(sequence, values, side=side), dtype="int32")
    ints = np.array([0, 2, 9], "int32")
    check_op(ops.searchsorted, np.array([1, 3, 5], "int8"), ints,
             expected=np.searchsorted(np.array([1, 3, 5]), ints), dtype="int32")
    check_op(ops.digitize, values, sequence, expected=np.digitize(values, sequence), dtype="int32")
    descending = sequence[::-1].copy()
    check_op(ops.digitize, values, descending, expected=np.digitize(values, descending), dtype="int32")
    check_op(ops.digitize, ints, sequence, expected=np.digitize(ints, sequence), dtype="int32")


def test_isin(backend):
    x = np.array([[1, 2, 3], [4, 5, 6]], "int32")
    test = np.array([2.0, 6.0, 9.0], "float32")
    check_op(ops.isin, x, test, expected=np.isin(x, test), dtype="bool")
    check_op(ops.isin, x, test, invert=True, expected=np.isin(x, test, invert=True), dtype="bool")
    check_op(ops.isin, x, [5, 1], assume_unique=True, expected=np.isin(x, [5, 1]), dtype="bool")


def _top_k_reference(x, k):
    order = np.argsort(-x.astype("float64"), axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, -1), order


def test_top_k(backend):
    ties = np.array([[1, 3, 3, 2, 3], [5, 0, 5, 1, 4]], "int8")
    for x in (ties, XF):
        for k in (1, 2, x.shape[-1]):
            check_op(ops.top_k, x, k, expected=_top_k_reference(x, k), dtype=(x.dtype.name, "int32"))
    values, index = check_op(ops.top_k, XF, 3, sorted=False, dtype=("float32", "int32"))
    expected_values, expected_index = _top_k_reference(XF, 3)
    np.testing.assert_allclose(np.sort(values, -1), np.sort(expected_values, -1))
    np.testing.assert_array_equal(np.sort(index, -1), np.sort(expected_index, -1))


def test_in_top_k(backend):
    predictions = np.array([[0.1, 0.5, 0.5, 0.2], [0.9, 0.3, 0.3, 0.3], [0.0, 0.0, 1.0, 0.2]], "float32")
    targets = np.array([2, 3, 0], "int32")
    for k in (1, 2, 3):
        larger = np.sum(predictions > predictions[np.arange(3), targets][:, None], axis=1)
        check_op(ops.in_top_k, targets, predictions, k, expected=larger < k, dtype="bool")


# unique -----------------------------------------------------------------------------

def test_unique_values_and_extras(backend):
    x = np.array([[3, 1, 2], [1, 3, 3]], "int8")
    check_op(ops.unique, x, expected=np.unique(x), dtype="int8", symbolic=False)
    expected = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    check_op(ops.unique, x, return_index=True, return_inverse=True, return_counts=True, expected=expected,
             dtype=("int8", "int32", "int32", "int32"), symbolic=False)
    check_op(ops.unique, x, return_counts=True, expected=np.unique(x, return_counts=True), symbolic=False)
    rows = np.array([[2, 1], [0, 5], [2, 1], [0, 4]], "float32")
    for axis in (0, -1):
        expected = np.unique(rows, axis=axis, return_index=True, return_inverse=True, return_counts=True)
        check_op(ops.unique, rows, axis=axis, return_index=True, return_inverse=True, return_counts=True,
                 expected=expected, dtype=("float32", "int32", "int32", "int32"), symbolic=False)


def _padded(array, size, fill):
    array = np.asarray(array)[:size]
    return np.concatenate([array, np.full(size - len(array), fill, array.dtype)])


def test_unique_with_size_is_static(backend):
    x = np.array([4, 1, 4, 2, 1], "int32")
    values, index, counts = np.unique(x, return_index=True, return_counts=True)
    expected = (_padded(values, 5, values[0]), _padded(index, 5, index[0]), _padded(counts, 5, 0))
    check_op(ops.unique, x, return_index=True, return_counts=True, size=5, expected=expected,
             dtype=("int32", "int32", "int32"))
    check_op(ops.unique, x, size=2, fill_value=-1, expected=values[:2], dtype="int32")
    rows = np.array([[2, 1], [0, 5], [2, 1]], "int32")
    unique_rows = np.unique(rows, axis=0)
    expected = np.concatenate([unique_rows, np.full((2, 2), 7, "int32")])
    check_op(ops.unique, rows, axis=0, size=4, fill_value=7, expected=expected, dtype="int32")


def test_data_dependent_shapes_are_unknown_symbolically():
    x = KerasTensor((5, 3), "int8")
    values, inverse = ops.unique(x, return_inverse=True)
    assert (values.shape, inverse.shape, inverse.dtype) == ((None,), (5, 3), "int32")
    assert ops.unique(x, axis=1, size=4).shape == (5, 4)
    assert ops.bincount(KerasTensor((2, 7), "int32")).shape == (2, None)
    assert ops.segment_sum(KerasTensor((6, 2)), KerasTensor((6,), "int32")).shape == (None, 2)
    assert ops.segment_max(KerasTensor((6, 2)), KerasTensor((6,), "int32"), num_segments=3).shape == (3, 2)


# Counting ---------------------------------------------------------------------------

def test_bincount(backend):
    x = np.array([0, 1, 1, 4, 1], "int32")
    check_op(ops.bincount, x, expected=np.bincount(x), dtype="int32", symbolic=False)
    check_op(ops.bincount, x.astype("uint8"), minlength=8, expected=np.bincount(x, minlength=8),
             dtype="int32", symbolic=False)
    weights = np.array([0.5, 1.0, 2.0, 0.25, 1.0], "float32")
    check_op(ops.bincount, x, weights=weights, expected=np.bincount(x, weights), dtype="float32",
             symbolic=False)
    check_op(ops.bincount, x, weights=x, expected=np.bincount(x, x), dtype="int32", symbolic=False)
    batch = np.array([[0, 2, 2], [3, 0, 0]], "int64")
    expected = np.stack([np.bincount(row, minlength=4) for row in batch])
    check_op(ops.bincount, batch, expected=expected, dtype="int32", symbolic=False)


def test_histogram(backend):
    x = np.array([0.3, 1.7, 2.2, 2.9, 5.0, 4.1, 3.3], "float32")
    for kwargs in (dict(), dict(bins=3), dict(bins=4, range=(1.0, 4.5))):
        counts, edges = np.histogram(x, **kwargs)
        check_op(ops.histogram, x, expected=(counts, edges), dtype=("float32", "float32"), **kwargs)
    ints = np.array([[1, 2], [2, 6]], "int32")
    counts, edges = np.histogram(ints, bins=5)
    check_op(ops.histogram, ints, bins=5, expected=(counts, edges), dtype=("float32", "float32"))
    constant = np.full(3, 2.0, "float64")
    check_op(ops.histogram, constant, bins=2, expected=np.histogram(constant, bins=2),
             dtype=("float64", "float64"))


# Cumulative and differences ---------------------------------------------------------

@pytest.mark.parametrize("name", ["cumsum", "cumprod", "nancumsum", "nancumprod"])
def test_cumulative(backend, name):
    reference, op = getattr(np, name), getattr(ops, name)
    floats = XN if name.startswith("nan") else XF
    for x in (XI, floats):
        for axis in (None, 1, -1):
            check_op(op, x, axis=axis, expected=reference(x, axis=axis, dtype=x.dtype), dtype=x.dtype.name)
    check_op(op, XI, 0, "float32", expected=reference(XI, axis=0, dtype="float32"), dtype="float32")
    flags = np.array([True, False, True, True])
    check_op(op, flags, expected=reference(flags, dtype="int32"), dtype="int32")


def test_diff(backend):
    for n, axis in ((1, -1), (2, 1), (0, 0), (5, -1)):
        for x in (XI, XF):
            check_op(ops.diff, x, n=n, axis=axis, expected=np.diff(x, n=n, axis=axis), dtype=x.dtype.name)
    flags = np.array([True, False, False, True])
    check_op(ops.diff, flags, expected=np.diff(flags), dtype="bool")


# Segments ---------------------------------------------------------------------------

def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if dtype.kind == "f" else np.iinfo(dtype).max


SEGMENTS = [("segment_sum", np.add, lambda dtype: 0), ("segment_prod", np.multiply, lambda dtype: 1),
            ("segment_max", np.maximum, _lowest), ("segment_min", np.minimum, _highest)]


def _segment_reference(ufunc, identity, data, ids, num_segments):
    out = np.full((num_segments,) + data.shape[1:], identity(data.dtype), data.dtype)
    for row, segment in zip(data, ids):
        if 0 <= segment < num_segments:
            out[segment] = ufunc(out[segment], row)
    return out


@pytest.mark.parametrize("name, ufunc, identity", SEGMENTS, ids=[s[0] for s in SEGMENTS])
def test_segments(backend, name, ufunc, identity):
    op = getattr(ops, name)
    data = RNG.integers(-3, 4, (6, 2)).astype("int32")
    ids = np.array([0, 2, 0, 2, 2, 1], "int32")
    for x in (data, data.astype("float32")):
        check_op(op, x, ids, num_segments=3, expected=_segment_reference(ufunc, identity, x, ids, 3),
                 dtype=x.dtype.name)
        check_op(op, x, ids, expected=_segment_reference(ufunc, identity, x, ids, 3), dtype=x.dtype.name,
                 symbolic=False)
    gaps = np.array([3, -1, 0, 3, 9, 0], "int32")
    for x in (data, data.astype("float32")):
        check_op(op, x, gaps, num_segments=5, sorted=False,
                 expected=_segment_reference(ufunc, identity, x, gaps, 5), dtype=x.dtype.name)


# Inputs, gradients and errors -------------------------------------------------------

def test_accepts_python_data_variables_and_foreign_tensors(backend):
    import torch

    check_op(ops.mean, [[1, 2], [3, 4]], axis=0, expected=np.array([2.0, 3.0]), dtype="float32",
             symbolic=False)
    check_op(ops.sort, torch.tensor([3, 1, 2]), expected=np.array([1, 2, 3]), dtype="int64", symbolic=False)
    variable = Variable(np.array([[1.0, 5.0], [2.0, 0.5]], "float32"))
    check_op(ops.argmax, variable, axis=1, expected=np.array([1, 0]), dtype="int32", symbolic=False)
    check_op(ops.cumsum, variable, expected=np.cumsum([1.0, 5.0, 2.0, 0.5]), dtype="float32", symbolic=False)


def test_compiled_use_on_jax_and_tensorflow():
    import jax
    import tensorflow as tf

    x = np.array([4, 1, 4, 2, 1], "int32")
    values, counts = np.unique(x, return_counts=True)
    with engine_backend.use_backend("jax"):
        out = jax.jit(lambda t: ops.unique(t, return_counts=True, size=3))(x)
        np.testing.assert_array_equal(out[1], counts)
        sums = jax.jit(lambda t: ops.segment_sum(t, t, num_segments=5))(x)
        np.testing.assert_array_equal(sums, np.bincount(x, x, minlength=5))
        untraceable = ((ops.unique, "`size`"), (ops.bincount, "`x`"),
                       (lambda t: ops.segment_max(t, t), "`num_segments`"))
        for fn, argument in untraceable:
            with pytest.raises(ValueError, match="under jax.jit") as info:
                jax.jit(fn)(x)
            assert argument in str(info.value)
    with engine_backend.use_backend("tensorflow"):
        out = tf.function(lambda t: ops.unique(t, size=4, fill_value=-1))(x)
        np.testing.assert_array_equal(out, np.append(values, -1))
        counts, edges = tf.function(lambda t: ops.histogram(t, bins=3))(XF)
        np.testing.assert_allclose(edges, np.histogram(XF, bins=3)[1], rtol=1e-5)
        np.testing.assert_array_equal(counts, np.histogram(XF, bins=3)[0])
        sums = tf.function(lambda t: ops.segment_sum(t, t))(x)
        np.testing.assert_array_equal(sums, np.bincount(x, x))


X_GRAD = np.array([[0.3, -1.2, 2.1], [1.4, 0.6, -0.7]])
GRADIENTS = {
    "sum": lambda x: ops.sum(x, axis=1),
    "prod": lambda x: ops.prod(x, axis=0),
    "mean": lambda x: ops.mean(x, axis=(0, 1)),
    "max": lambda x: ops.max(x, axis=1),
    "min": ops.min,
    "amax": lambda x: ops.amax(x, axis=0),
    "ptp": lambda x: ops.ptp(x, axis=1),
    "var": lambda x: ops.var(x, axis=1),
    "std": ops.std,
    "logsumexp": lambda x: ops.logsumexp(x, axis=1),
    "median": lambda x: ops.median(x, axis=1),
    "quantile": lambda x: ops.quantile(x, [0.2, 0.7], axis=1),
    "nanmean": lambda x: ops.nanmean(x, axis=0),
    "nanstd": lambda x: ops.nanstd(x, axis=1),
    "average": lambda x: ops.average(x, axis=1, weights=np.array([1.0, 2.0, 3.0])),
    "cumsum": lambda x: ops.cumsum(x, axis=1),
    "cumprod": lambda x: ops.cumprod(x, axis=1),
    "diff": lambda x: ops.diff(x, axis=0),
    "trapezoid": lambda x: ops.trapezoid(x, x=np.array([0.0, 0.5, 2.0])),
    "sort": lambda x: ops.cumsum(ops.sort(x, axis=None)),
    "top_k": lambda x: ops.cumsum(ops.top_k(x, 2)[0], axis=1),
    "correlate": lambda x: ops.correlate(ops.sum(x, axis=0), np.array([1.0, -2.0]), mode="full"),
    "corrcoef": lambda x: ops.corrcoef(x)[0, 1],
    "segment_sum": lambda x: ops.cumsum(ops.segment_sum(x, np.array([1, 0]), num_segments=2)),
    "segment_max": lambda x: ops.segment_max(x, np.array([0, 0]), num_segments=1),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(trainable_backend, name):
    check_grad(GRADIENTS[name], X_GRAD)


BAD_ARGUMENTS = [
    (ops.sum, (XF,), dict(axis=3), "`axis`"),
    (ops.mean, (XF,), dict(axis=(0, -3)), "each dimension once"),
    (ops.argmax, (XF,), dict(axis=(0, 1)), "None or an int"),
    (ops.ptp, (np.array([True]),), dict(), "numeric"),
    (ops.quantile, (XF, 1.5), dict(), "`q` in [0, 1]"),
    (ops.percentile, (XF, [50, 101]), dict(), "`q` in [0, 100]"),
    (ops.quantile, (XF, 0.5), dict(method="cubic"), "`method`"),
    (ops.average, (XF,), dict(weights=np.ones(4)), "when `axis` is None"),
    (ops.average, (XF,), dict(axis=1, weights=np.ones(4)), "(3,) along axis 1"),
    (ops.corrcoef, (XF,), dict(), "rank 1 or 2"),
    (ops.correlate, (XF[0, 0], XF[0]), dict(), "`x2` of rank 1"),
    (ops.correlate, (XF[0, 0], XF[0, 0]), dict(mode="wide"), "`mode`"),
    (ops.searchsorted, (XF[0], XF[0, 0]), dict(), "`sorted_sequence` of rank 1"),
    (ops.searchsorted, (XF[0, 0], XF[0, 0]), dict(side="middle"), "`side`"),
    (ops.digitize, (XF, XF[0]), dict(), "`bins` of rank 1"),
    (ops.bincount, (XF[0, 0],), dict(), "integer tensor"),
    (ops.bincount, (XI[0, 0],), dict(minlength=-1), "`minlength`"),
    (ops.bincount, (XI[0, 0],), dict(sparse=True), "`sparse`"),
    (ops.bincount, (XI[0, 0],), dict(weights=np.ones(3)), "`weights` of shape (4,)"),
    (ops.histogram, (XF,), dict(bins=0), "`bins`"),
    (ops.histogram, (XF,), dict(range=(2.0, 1.0)), "`range`"),
    (ops.unique, (XI,), dict(fill_value=0), "`fill_value`"),
    (ops.unique, (XI,), dict(size=0), "`size`"),
    (ops.top_k, (XF, 5), dict(), "`k` an int in [1, 4]"),
    (ops.in_top_k, (XI[0, 0], XF[0]), dict(k=1), "`targets` of shape (3,)"),
    (ops.in_top_k, (XF[0, :, 0], XF[0]), dict(k=1), "integer tensor"),
    (ops.argpartition, (XF, 4), dict(), "`kth`"),
    (ops.diff, (XF,), dict(n=-1), "`n`"),
    (ops.cumsum, (XF,), dict(axis=(0, 1)), "None or an int"),
    (ops.trapezoid, (XF,), dict(x=np.ones(3)), "`x` of length 4"),
    (ops.segment_sum, (XF, np.zeros(3, "int32")), dict(), "`segment_ids` of shape (2,)"),
    (ops.segment_max, (XF, np.zeros(2, "float32")), dict(), "integer tensor"),
    (ops.segment_min, (XF, np.zeros(2, "int32")), dict(num_segments=-2), "`num_segments`"),
]


@pytest.mark.parametrize("fn, args, kwargs, message", BAD_ARGUMENTS,
                         ids=[f"{case[0].__name__}-{i}" for i, case in enumerate(BAD_ARGUMENTS)])
def test_bad_arguments_raise_clear_errors(backend, fn, args, kwargs, message):
    with pytest.raises(ValueError, match=f"`{fn.__name__}` expects .*received") as info:
        fn(*args, **kwargs)
    assert message in str(info.value)


def test_bad_arguments_fail_symbolically_too():
    with pytest.raises(ValueError, match="`axis` in \\[-2, 2\\)"):
        ops.max(KerasTensor((None, 3)), axis=2)
    with pytest.raises(ValueError, match="`k` an int in \\[1, 3\\]"):
        ops.top_k(KerasTensor((None, 3)), 4)


def test_results_are_backend_tensors(backend):
    outputs = [ops.sum(XI), ops.prod(XI), ops.max(XF), ops.all(XI), ops.mean(XF), ops.argmax(XF),
               ops.nanargmin(XN), ops.median(XF), ops.quantile(XF, 0.5), ops.count_nonzero(XI),
               ops.logsumexp(XF), ops.average(XF), ops.corrcoef(XF[0, 0]), ops.trapezoid(XF[0, 0]),
               ops.searchsorted(XF[0, 0], 0.5), *ops.top_k(XF, 2), *ops.histogram(XF)]
    assert all(ops.is_tensor(out) for out in outputs)
