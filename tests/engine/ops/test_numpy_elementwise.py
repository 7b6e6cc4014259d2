"""Elementwise NumPy-family ops on every backend, against NumPy references."""

import math

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine.backend import common
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op, to_numpy

X = np.array([[-2.5, -0.5, 0.0], [0.5, 1.5, 3.0]], "float32")
POS = np.array([[0.25, 0.5, 1.0], [1.5, 2.0, 4.0]], "float32")
UNIT = np.array([[-0.9, -0.5, 0.0], [0.25, 0.5, 0.9]], "float32")
SMALL_INTS = np.array([0, 1, 2], "int32")
SPECIAL = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, -1.5, 2.0], "float32")

_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])

# op name -> (independent NumPy reference on float64, float32 input inside the domain)
FLOAT_UNARY = {
    "angle": (np.angle, X),
    "arccos": (np.arccos, UNIT),
    "arccosh": (np.arccosh, POS + 1),
    "arcsin": (np.arcsin, UNIT),
    "arcsinh": (np.arcsinh, X),
    "arctan": (np.arctan, X),
    "arctanh": (np.arctanh, UNIT),
    "cbrt": (np.cbrt, X),
    "ceil": (np.ceil, X),
    "cos": (np.cos, X),
    "cosh": (np.cosh, X),
    "deg2rad": (lambda v: v * np.pi / 180, X * 60),
    "erf": (_erf, X),
    "erfc": (_erfc, X),
    "erfinv": (lambda v: np.vectorize(_erfinv_by_bisection)(v), UNIT),
    "exp": (np.exp, X),
    "exp2": (lambda v: 2.0 ** v, X),
    "expm1": (np.expm1, X),
    "fabs": (np.fabs, X),
    "floor": (np.floor, X),
    "i0": (np.i0, X),
    "log": (np.log, POS),
    "log10": (np.log10, POS),
    "log1p": (np.log1p, POS),
    "log2": (np.log2, POS),
    "rad2deg": (lambda v: v * 180 / np.pi, X),
    "reciprocal": (lambda v: 1 / v, POS),
    "rsqrt": (lambda v: 1 / np.sqrt(v), POS),
    "sin": (np.sin, X),
    "sinc": (np.sinc, X),
    "sinh": (np.sinh, X),
    "sqrt": (np.sqrt, POS),
    "tan": (np.tan, UNIT),
    "tanh": (np.tanh, X),
}
NOT_DIFFERENTIABLE = {"angle", "ceil", "floor"}


def _erfinv_by_bisection(v):
    """The inverse of `math.erf` by bisection (a reference independent of any backend)."""
    if not -1 < v < 1:
        return math.copysign(math.inf, v) if abs(v) == 1 else math.nan
    low, high = -6.0, 6.0
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if math.erf(mid) < v else (low, mid)
    return (low + high) / 2


def _quiet(fn, *args):
    with np.errstate(all="ignore"):
        return fn(*args)


# Floating-point unary functions ----------------------------------------------------

@pytest.mark.parametrize("name", sorted(FLOAT_UNARY))
def test_float_unary_values_and_dtypes(backend, name):
    fn, (ref, x) = getattr(ops, name), FLOAT_UNARY[name]
    x64 = x.astype("float64")
    check_op(fn, x, expected=ref(x64), dtype="float32", rtol=2e-6)
    check_op(fn, x64, expected=ref(x64), dtype="float64", rtol=1e-10, atol=1e-12)
    check_op(fn, x.astype("float16"), expected=ref(x.astype("float16").astype("float64")),
             dtype="float16", rtol=4e-3, atol=4e-3)
    ints = SMALL_INTS if name != "arccosh" else SMALL_INTS + 1
    with np.errstate(all="ignore"):  # ints and bools reach the edges of some domains
        check_op(fn, ints, expected=ref(ints.astype("float64")), dtype="float32", rtol=2e-6)
        check_op(fn, np.array([True, False]), expected=ref(np.array([1.0, 0.0])), dtype="float32", rtol=2e-6)


@pytest.mark.parametrize("name", ["exp", "log", "sin", "sqrt", "tanh", "erf", "cbrt", "i0", "erfinv"])
def test_float_unary_keeps_bfloat16(backend, name):
    ref, x = FLOAT_UNARY[name]
    bf16 = x.astype(common.numpy_dtype("bfloat16"))
    check_op(getattr(ops, name), bf16, expected=ref(bf16.astype("float64")), dtype="bfloat16", rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize("name", sorted(set(FLOAT_UNARY) - NOT_DIFFERENTIABLE))
def test_float_unary_gradients(trainable_backend, name):
    x = FLOAT_UNARY[name][1][1].astype("float64")  # the second row of the op's input
    check_grad(getattr(ops, name), x if name != "cbrt" else np.array([-2.0, 0.5, 3.0]))


def test_erf_family_is_consistent(backend):
    x = np.linspace(-2.5, 2.5, 11)
    check_op(ops.erfinv, _erf(x), expected=x, dtype="float64", rtol=1e-9, atol=1e-9)
    check_op(ops.erfinv, np.array([-1.0, 1.0, 1.5]), expected=np.array([-np.inf, np.inf, np.nan]), dtype="float64")


# Same-dtype unary ops --------------------------------------------------------------

SAME_DTYPES = ("int8", "uint8", "int32", "int64", "float16", "float32", "float64")


@pytest.mark.parametrize("name, ref", [
    ("abs", np.abs), ("absolute", np.abs), ("negative", np.negative), ("sign", np.sign),
    ("square", np.square), ("trunc", np.trunc), ("conj", np.conj), ("conjugate", np.conj),
    ("real", np.real), ("imag", np.imag), ("nan_to_num", np.nan_to_num),
])
def test_same_dtype_unary(backend, name, ref):
    for dtype in SAME_DTYPES:
        x = np.array([[-3.5, -1.0, 0.0], [1.25, 2.0, 7.75]])
        x = (np.abs(x) if dtype.startswith("u") else x).astype(dtype)
        check_op(getattr(ops, name), x, expected=ref(x), dtype=dtype)


def test_bool_inputs_of_same_dtype_ops(backend):
    b = np.array([True, False, True])
    for name in ("abs", "absolute", "conj", "real", "trunc", "nan_to_num"):
        check_op(getattr(ops, name), b, expected=b, dtype="bool")
    check_op(ops.imag, b, expected=np.zeros(3, bool), dtype="bool")
    check_op(ops.square, b, expected=np.array([1, 0, 1]), dtype="int32")
    check_op(ops.bitwise_invert, b, expected=~b, dtype="bool")
    for name in ("negative", "sign"):
        with pytest.raises(TypeError, match=f"`{name}`: `x` must have a numeric dtype, not bool"):
            getattr(ops, name)(b)


def test_sign_and_nan_to_num_on_special_values(backend):
    check_op(ops.sign, SPECIAL, expected=np.sign(SPECIAL), dtype="float32")
    check_op(ops.nan_to_num, SPECIAL, expected=np.nan_to_num(SPECIAL), dtype="float32")
    check_op(ops.nan_to_num, SPECIAL, nan=1.5, posinf=9.0, neginf=-9.0,
             expected=np.nan_to_num(SPECIAL, nan=1.5, posinf=9.0, neginf=-9.0), dtype="float32")
    check_op(ops.nan_to_num, SPECIAL.astype("float16"), expected=np.nan_to_num(SPECIAL.astype("float16")),
             dtype="float16")


def test_round(backend):
    x = np.array([-2.5, -0.5, 0.5, 1.5, 2.5, 1.26, -1.234], "float32")
    check_op(ops.round, x, expected=np.round(x), dtype="float32")
    check_op(ops.round, x, decimals=1, expected=np.round(x.astype("float64"), 1), dtype="float32")
    ints = np.array([15, 25, -35, 123], "int32")
    check_op(ops.round, ints, expected=ints, dtype="int32")
    check_op(ops.round, ints, decimals=-1, expected=np.round(ints, -1), dtype="int32")
    with pytest.raises(TypeError, match="`round`: `decimals` must be an int; received 1.5"):
        ops.round(x, 1.5)


def test_complex_parts(backend):
    z = np.array([1 + 2j, -3 - 4j, 0.5j], "complex64")
    check_op(ops.real, z, expected=z.real, dtype="float32")
    check_op(ops.imag, z, expected=z.imag, dtype="float32")
    check_op(ops.conj, z, expected=np.conj(z), dtype="complex64")
    check_op(ops.abs, z, expected=np.abs(z), dtype="float32")
    check_op(ops.angle, z, expected=np.angle(z), dtype="float32")
    check_op(ops.isreal, np.array([1 + 0j, 1j], "complex64"), expected=np.array([True, False]), dtype="bool")


# Predicates and logic --------------------------------------------------------------

@pytest.mark.parametrize("name", ["isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "signbit",
                                  "logical_not"])
def test_predicates(backend, name):
    ref = getattr(np, name)
    for x in (SPECIAL, SPECIAL.astype("float16"), np.array([-2, 0, 3], "int32"), np.array([0, 7], "uint8"),
              np.array([True, False])):
        check_op(getattr(ops, name), x, expected=ref(x), dtype="bool")


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical_binary(backend, name):
    ref = getattr(np, name)
    a, b = np.array([0.0, 0.5, -2.0, 0.0], "float32"), np.array([0, 0, 3, 1], "int32")
    check_op(getattr(ops, name), a, b, expected=ref(a, b), dtype="bool")
    check_op(getattr(ops, name), a > 0, True, expected=ref(a > 0, True), dtype="bool")
    check_op(getattr(ops, name), b, 0.0, expected=ref(b, 0.0), dtype="bool")


@pytest.mark.parametrize("name", ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal"])
def test_comparisons(backend, name):
    fn, ref = getattr(ops, name), getattr(np, name)
    a, b = np.array([[-1.5, 0.0, 2.0]], "float32"), np.array([[0], [2]], "int8")
    check_op(fn, a, b, expected=ref(a, b), dtype="bool")
    check_op(fn, b, 1000, expected=ref(b.astype("int32"), 1000), dtype="bool")
    check_op(fn, a, 0.0, expected=ref(a, 0.0), dtype="bool")
    check_op(fn, a.astype("float64"), a, expected=ref(a, a), dtype="bool")
    bools = np.array([True, False])
    check_op(fn, bools, bools[::-1], expected=ref(bools, bools[::-1]), dtype="bool")


def test_isclose_and_allclose(backend):
    a = np.array([1.0, 1.0, np.nan, np.inf, -np.inf, 100.0], "float32")
    b = np.array([1.0 + 1e-6, 1.1, np.nan, np.inf, np.inf, 100.0005], "float32")
    check_op(ops.isclose, a, b, expected=np.isclose(a, b), dtype="bool")
    check_op(ops.isclose, a, b, equal_nan=True, expected=np.isclose(a, b, equal_nan=True), dtype="bool")
    # rtol and atol go positionally: check_op has keywords of those names itself
    check_op(ops.isclose, a, b, 0.2, 0.0, expected=np.isclose(a, b, rtol=0.2, atol=0.0), dtype="bool")
    check_op(ops.isclose, np.array([1, 2], "int32"), 2, expected=np.array([False, True]), dtype="bool")
    check_op(ops.allclose, a[:2], b[:2], 0.2, expected=np.array(True), dtype="bool")
    check_op(ops.allclose, a, b, expected=np.array(False), dtype="bool")
    check_op(ops.allclose, a[2:4], b[2:4], equal_nan=True, expected=np.array(True), dtype="bool")
    with pytest.raises(TypeError, match="`isclose`: `rtol` must be a real number; received 'x'"):
        ops.isclose(a, b, rtol="x")


# Binary arithmetic -----------------------------------------------------------------

PROMOTING = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply, "maximum": np.maximum,
             "minimum": np.minimum, "fmax": np.fmax, "fmin": np.fmin}


@pytest.mark.parametrize("name", sorted(PROMOTING))
def test_promoting_binary(backend, name):
    fn, ref = getattr(ops, name), PROMOTING[name]
    i8 = np.array([[-3, 0, 5]], "int8")
    i16 = np.array([[2], [-1]], "int16")
    f16 = np.array([1.5, -2.0, 0.25], "float16")
    f32 = np.array([0.5, 4.0, -1.0], "float32")
    check_op(fn, i8, i16, expected=ref(i8.astype("int16"), i16), dtype="int16")
    check_op(fn, i8, 2, expected=ref(i8, np.int8(2)), dtype="int8")
    check_op(fn, i8, 2.5, expected=ref(i8.astype("float32"), 2.5), dtype="float32")
    check_op(fn, f16, 3.0, expected=ref(f16, np.float16(3.0)), dtype="float16", rtol=1e-3)
    check_op(fn, f16, f32, expected=ref(f16.astype("float32"), f32), dtype="float32")
    check_op(fn, i8, f32, expected=ref(i8.astype("float32"), f32), dtype="float32")
    check_op(fn, np.array([1, 2], "int64"), np.array([3, 4], "int32"), expected=ref(np.array([1, 2]), [3, 4]),
             dtype="int64")
    check_op(fn, [1.5, 2.5], 2, expected=ref(np.array([1.5, 2.5]), 2), dtype="float32", symbolic=False)


def test_bool_arithmetic_follows_keras(backend):
    a, b = np.array([True, True, False, False]), np.array([True, False, True, False])
    for name in ("add", "multiply", "maximum", "minimum", "fmax", "fmin"):
        check_op(getattr(ops, name), a, b, expected=PROMOTING[name](a, b), dtype="bool")
    check_op(ops.add, a, 1, expected=a + 1, dtype="int32")
    with pytest.raises((TypeError, RuntimeError), match="(?i)bool"):  # torch raises RuntimeError
        ops.subtract(a, b)
    ones = np.ones(4, bool)
    for name, ref in (("power", np.power), ("floor_divide", np.floor_divide), ("mod", np.mod), ("fmod", np.fmod)):
        check_op(getattr(ops, name), a, ones, expected=ref(a.astype("int32"), 1), dtype="int32")
    check_op(ops.divide, a, ones, expected=a / 1.0, dtype="float32")


def test_fmax_fmin_ignore_nan(backend):
    a = np.array([np.nan, 1.0, np.nan, 2.0], "float32")
    b = np.array([2.0, np.nan, np.nan, -1.0], "float32")
    check_op(ops.fmax, a, b, expected=np.fmax(a, b), dtype="float32")
    check_op(ops.fmin, a, b, expected=np.fmin(a, b), dtype="float32")


INT_BINARY = {"floor_divide": np.floor_divide, "mod": np.mod, "fmod": np.fmod, "power": np.power}


@pytest.mark.parametrize("name", sorted(INT_BINARY))
def test_integer_style_binary(backend, name):
    fn, ref = getattr(ops, name), INT_BINARY[name]
    a = np.array([[-7, 7, 6], [5, -3, 0]], "int32")
    b = np.array([2, -3, 4], "int32") if name != "power" else np.array([2, 3, 0], "int32")
    check_op(fn, a, b, expected=ref(a, b), dtype="int32")
    check_op(fn, a.astype("int8"), 3, expected=ref(a, 3).astype("int8"), dtype="int8")
    check_op(fn, a.astype("uint8") % 16, np.uint8(3), expected=ref((a % 16).astype("uint8"), np.uint8(3)), dtype="uint8")
    fa = np.array([-7.5, 7.5, 2.0, 3.0], "float32")
    fb = np.array([2.0, -2.0, 0.5, 1.5], "float32")
    check_op(fn, fa, fb, expected=ref(fa.astype("float64"), fb), dtype="float32")
    check_op(fn, a, 2.0, expected=ref(a.astype("float64"), 2.0), dtype="float32")
    check_op(fn, fa.astype("float16"), 2.0, expected=ref(fa.astype("float16"), np.float16(2)), dtype="float16")


FLOAT_BINARY = {"divide": np.divide, "true_divide": np.true_divide, "hypot": np.hypot,
                "heaviside": np.heaviside, "nextafter": np.nextafter}


@pytest.mark.parametrize("name", sorted(FLOAT_BINARY))
def test_float_binary(backend, name):
    fn, ref = getattr(ops, name), FLOAT_BINARY[name]
    a = np.array([[-2.0, 0.0, 3.0], [1.5, -0.5, 0.0]], "float32")
    b = np.array([0.5, -4.0, 2.0], "float32")
    exact = {"rtol": 0, "atol": 0} if name == "nextafter" else {"rtol": 1e-6 if name == "hypot" else 0}
    check_op(fn, a, b, expected=ref(a, b), dtype="float32", **exact)
    check_op(fn, a.astype("float64"), b.astype("float64"), expected=ref(a.astype("float64"), b), dtype="float64", **exact)
    check_op(fn, a.astype("int32"), np.array([1, -2, 4], "int8"),
             expected=ref(a.astype("int32").astype("float32"), np.array([1, -2, 4], "float32")), dtype="float32")
    h, h2 = a.astype("float16"), b.astype("float16")
    exact = {"rtol": 1e-3} if name == "hypot" else exact
    check_op(fn, h, h2, expected=ref(h, h2), dtype="float16", **exact)
    check_op(fn, h, 2.0, expected=ref(h, np.float16(2.0)), dtype="float16", **exact)


def test_hypot_does_not_overflow(backend):
    big = np.array([2e38, 60000.0], "float32")
    check_op(ops.hypot, big, big, expected=np.hypot(big, big), dtype="float32")
    with np.errstate(over="ignore"):  # float16 overflows to inf, as it should
        check_op(ops.hypot, big[1:].astype("float16"), big[1:].astype("float16"), expected=np.array([np.inf]),
                 dtype="float16")
    check_op(ops.hypot, np.array([300.0, 0.0], "float16"), np.array([400.0, 0.0], "float16"),
             expected=np.array([500.0, 0.0]), dtype="float16")


def test_divide_no_nan(backend):
    a = np.array([1.0, 0.0, -3.0, np.inf], "float32")
    b = np.array([0.0, 0.0, 2.0, 0.0], "float32")
    check_op(ops.divide_no_nan, a, b, expected=np.array([0.0, 0.0, -1.5, 0.0]), dtype="float32")
    check_op(ops.divide_no_nan, np.array([3, 4], "int32"), np.array([0, 8], "int32"), expected=np.array([0.0, 0.5]),
             dtype="float32")


STRONG_BINARY = {"arctan2": np.arctan2, "logaddexp": np.logaddexp, "logaddexp2": np.logaddexp2}


@pytest.mark.parametrize("name", sorted(STRONG_BINARY))
def test_strong_scalar_binary(backend, name):
    fn, ref = getattr(ops, name), STRONG_BINARY[name]
    a = np.array([[-2.0, 0.0, 3.0], [1.5, -0.5, 1000.0]], "float32")
    b = np.array([0.5, -4.0, 1000.0], "float32")
    check_op(fn, a, b, expected=ref(a.astype("float64"), b), dtype="float32")
    check_op(fn, a.astype("float64"), b, expected=ref(a.astype("float64"), b), dtype="float64", rtol=1e-7)
    check_op(fn, a.astype("float16"), 1.0, expected=ref(a.astype("float16").astype("float64"), 1.0), dtype="float32")
    check_op(fn, a.astype("float16"), 1, expected=ref(a.astype("float16").astype("float64"), 1.0), dtype="float16",
             rtol=2e-3)
    check_op(fn, np.array([1, -2], "int8"), np.array([3, 4], "uint8"),
             expected=ref(np.array([1.0, -2.0]), np.array([3.0, 4.0])), dtype="float32")
    neg = np.array([-np.inf, np.inf, -np.inf], "float32")
    check_op(fn, neg, neg, expected=_quiet(ref, neg, neg), dtype="float32")


@pytest.mark.parametrize("name, other", [("add", 1.5), ("subtract", -2.0), ("multiply", 3.0), ("divide", 2.0),
                                         ("true_divide", -4.0), ("power", 2.5), ("hypot", 1.5), ("arctan2", 0.7),
                                         ("logaddexp", 0.3), ("logaddexp2", -0.4), ("maximum", 1.0), ("minimum", 1.0),
                                         ("fmax", 1.0), ("fmin", 1.0), ("divide_no_nan", 2.0), ("mod", 0.7),
                                         ("fmod", 0.7)])
def test_binary_gradients(trainable_backend, name, other):
    fn = getattr(ops, name)
    x = np.array([0.3, 1.7, 2.9])
    check_grad(lambda t: fn(t, other), x)
    check_grad(lambda t: fn(other + 3.0, t), x)


def test_clip(backend):
    x = np.array([-3, 0, 5], "int32")
    check_op(ops.clip, x, 0, 2, expected=np.clip(x, 0, 2), dtype="int32")
    check_op(ops.clip, x, 0.5, 2.5, expected=np.clip(x, 0.5, 2.5), dtype="float32")
    check_op(ops.clip, np.array([True, False]), 0, 1, expected=np.array([1, 0]), dtype="int32")
    f = np.array([[-1.5, 0.5, 2.5]], "float16")
    check_op(ops.clip, f, 0, 1, expected=np.clip(f, 0, 1), dtype="float16")
    lo, hi = np.array([[0.0], [1.0]], "float32"), np.array([1.0, 2.0, 0.5], "float32")
    check_op(ops.clip, f, lo, hi, expected=np.minimum(np.maximum(f.astype("float32"), lo), hi), dtype="float32")
    check_op(ops.clip, x.astype("int8"), np.array(-1, "int32"), np.array(3, "int32"), expected=np.clip(x, -1, 3),
             dtype="int32")


def test_clip_gradient(trainable_backend):
    check_grad(lambda t: ops.clip(t, 0.5, 2.0), np.array([0.1, 1.2, 3.0]))


def test_gcd_lcm(backend):
    a, b = np.array([-12, 0, 9, 7], "int32"), np.array([18, 5, -6, 0], "int32")
    check_op(ops.gcd, a, b, expected=np.gcd(a, b), dtype="int32")
    check_op(ops.lcm, a, b, expected=np.lcm(a, b), dtype="int32")
    check_op(ops.gcd, a.astype("int8"), 6, expected=np.gcd(a, 6), dtype="int8")
    check_op(ops.lcm, np.array([4, 6], "uint8"), np.array([6, 4], "uint8"), expected=np.array([12, 12]), dtype="uint8")
    with pytest.raises(TypeError, match="`gcd`: `x2` must have an integer or bool dtype; received float32"):
        ops.gcd(a, np.array([1.0], "float32"))


def test_ldexp(backend):
    m, e = np.array([1.0, -2.0, 0.75], "float32"), np.array([2, 3, -1], "int32")
    check_op(ops.ldexp, m, e, expected=np.ldexp(m, e), dtype="float32")
    check_op(ops.ldexp, m.astype("float16"), 1, expected=np.ldexp(m, 1), dtype="float16")
    check_op(ops.ldexp, np.array([1, -2], "int32"), np.array([2, 3], "int8"), expected=np.array([4.0, -16.0]),
             dtype="float32")
    check_op(ops.ldexp, m.astype("float64"), e.astype("int64"), expected=np.ldexp(m, e), dtype="float64")
    with pytest.raises(TypeError, match="`ldexp`: `x2` must have an integer or bool dtype; received float32"):
        ops.ldexp(m, m)


def test_ldexp_gradient(trainable_backend):
    check_grad(lambda t: ops.ldexp(t, np.array([1, -2, 3], "int32")), np.array([0.5, 1.5, -2.0]))


def test_nextafter_steps_one_ulp(backend):
    for dtype in ("float16", "float32", "float64"):
        x = np.array([1.0, 1.0, 0.0, -0.0, 2.0], dtype)
        y = np.array([2.0, 0.0, 1.0, -1.0, 2.0], dtype)
        check_op(ops.nextafter, x, y, expected=np.nextafter(x, y), dtype=dtype, rtol=0, atol=0)


# Bits ------------------------------------------------------------------------------

BITWISE = {"bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor,
           "bitwise_left_shift": np.left_shift, "left_shift": np.left_shift,
           "bitwise_right_shift": np.right_shift, "right_shift": np.right_shift}


@pytest.mark.parametrize("name", sorted(BITWISE))
def test_bitwise_binary(backend, name):
    fn, ref = getattr(ops, name), BITWISE[name]
    for dtype in ("int8", "uint8", "int16", "int32", "int64"):
        a = np.array([[12, 5, 1], [3, 100, 64]], dtype)
        b = np.array([1, 2, 3], dtype)
        check_op(fn, a, b, expected=ref(a, b), dtype=dtype)
        check_op(fn, a, 2, expected=ref(a, a.dtype.type(2)), dtype=dtype)
    neg = np.array([-8, -1, 7], "int32")
    check_op(fn, neg, np.array([1, 2, 3], "int32"), expected=ref(neg, np.array([1, 2, 3], "int32")), dtype="int32")
    check_op(fn, np.array([3], "int8"), np.array([1], "int16"), expected=ref(np.int16(3), np.int16(1)).reshape(1),
             dtype="int16")
    with pytest.raises(TypeError, match=f"`{name}`: `x` must have an integer or bool dtype; received float32"):
        fn(np.array([1.0], "float32"), 1)
    with pytest.raises(TypeError, match=f"`{name}`: `y` must have an integer or bool dtype; received float32"):
        fn(KerasTensor((None, 2), "int32"), KerasTensor((2,), "float32"))


def test_bitwise_on_bools(backend):
    a, b = np.array([True, True, False]), np.array([True, False, False])
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        check_op(getattr(ops, name), a, b, expected=BITWISE[name](a, b), dtype="bool")
    check_op(ops.left_shift, a, b, expected=np.left_shift(a.astype("int32"), b.astype("int32")), dtype="int32")


@pytest.mark.parametrize("name", ["bitwise_invert", "bitwise_not"])
def test_bitwise_invert(backend, name):
    for dtype in ("int8", "uint8", "int16", "int32", "int64"):
        x = np.array([0, 5, 127], dtype)
        check_op(getattr(ops, name), x, expected=np.invert(x), dtype=dtype)
    with pytest.raises(TypeError, match=f"`{name}`: `x` must have an integer or bool dtype; received float16"):
        getattr(ops, name)(np.array([1.0], "float16"))


# Symbolic rules, operators and mixed inputs ----------------------------------------

def test_symbolic_rules_with_unknown_dims():
    a, b = KerasTensor((None, 1, 3), "int8"), KerasTensor((4, 1), "float16")
    for fn, dtype in ((ops.add, "float16"), (ops.power, "float16"), (ops.less, "bool"), (ops.hypot, "float16"),
                      (ops.arctan2, "float16"), (ops.ldexp, "float16")):
        out = fn(a, b) if fn is not ops.ldexp else fn(b, a)
        assert (out.shape, out.dtype) == ((None, 4, 3), dtype), fn.__name__
    out = ops.clip(KerasTensor((None, 3), "bool"), KerasTensor((2, 1), "int8"), 1.5)
    assert (out.shape, out.dtype) == ((2, 3), "float32")
    assert ops.allclose(a, b).shape == ()
    assert ops.power(KerasTensor((2,), "bool"), True).dtype == "int32"
    assert ops.abs(KerasTensor((2,), "complex128")).dtype == "float64"
    assert ops.logaddexp(KerasTensor((2,), "float16"), 1.0).dtype == "float32"
    with pytest.raises(ValueError, match="cannot be broadcast"):
        ops.multiply(KerasTensor((2, 3)), KerasTensor((4,)))


def test_python_operators_on_variables(backend):
    v = Variable(np.array([1.0, -2.0, 3.5], "float32"))
    a = np.array([1.0, -2.0, 3.5], "float32")
    for got, want in ((v + 1, a + 1), (2 - v, 2 - a), (v * v, a * a), (v / 2, a / 2), (v // 2, a // 2),
                      (v % 2, a % 2), (v ** 2, a ** 2), (-v, -a), (abs(v), np.abs(a))):
        assert ops.dtype(got) == "float32"
        np.testing.assert_allclose(to_numpy(got), want)
    for got, want in ((v < 1, a < 1), (v <= 1, a <= 1), (v > 1, a > 1), (v >= 1, a >= 1), (v == 1, a == 1),
                      (v != 1, a != 1)):
        np.testing.assert_array_equal(to_numpy(got), want)
    i = Variable(np.array([6, 3], "int32"), dtype="int32")
    b = Variable(np.array([True, False]), dtype="bool")
    np.testing.assert_array_equal(to_numpy(i & 3), [2, 3])
    np.testing.assert_array_equal(to_numpy(i | 1), [7, 3])
    np.testing.assert_array_equal(to_numpy(i ^ 5), [3, 6])
    np.testing.assert_array_equal(to_numpy(~i), [-7, -4])
    np.testing.assert_array_equal(to_numpy(~b), [False, True])
    np.testing.assert_array_equal(to_numpy(b & True), [True, False])
    np.testing.assert_array_equal(to_numpy(b | False), [True, False])
    np.testing.assert_array_equal(to_numpy(b ^ True), [False, True])


def test_python_operators_on_keras_tensors():
    x, b = KerasTensor((None, 3), "int8"), KerasTensor((None, 3), "bool")
    assert (x + 1).dtype == "int8" and (x / 2).dtype == "float32" and (x // 2).dtype == "int8"
    assert (x % 2).dtype == "int8" and (x ** 2).dtype == "int8" and (-x).dtype == "int8" and abs(x).dtype == "int8"
    assert (x < 1).dtype == "bool" and (~x).dtype == "int8" and (x & 1).dtype == "int8"
    assert (~b).dtype == "bool" and (b | b).dtype == "bool" and (b ^ b).shape == (None, 3)


def test_mixed_input_types(backend):
    import torch

    a = np.array([1.0, 2.0], "float32")
    for other in ([3.0, 4.0], torch.tensor([3.0, 4.0]), Variable(np.array([3.0, 4.0], "float32"))):
        check_op(ops.multiply, a, other, expected=a * [3.0, 4.0], dtype="float32", symbolic=False)
        check_op(ops.greater, other, a, expected=np.array([True, True]), dtype="bool", symbolic=False)
    check_op(ops.sin, torch.tensor([0.5]), expected=np.sin([0.5]), dtype="float32", symbolic=False)
    check_op(ops.add, 1, 2, expected=np.array(3), dtype="int32", symbolic=False)
    check_op(ops.divide, 1, 2, expected=np.array(0.5), dtype="float32", symbolic=False)
