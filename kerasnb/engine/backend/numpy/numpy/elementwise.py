"""Elementwise ops on the NumPy backend."""

import functools
import math

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = [
    "abs", "absolute", "add", "allclose", "angle", "arccos", "arccosh", "arcsin", "arcsinh",
    "arctan", "arctan2", "arctanh", "bitwise_and", "bitwise_invert", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "cbrt", "ceil", "clip",
    "conj", "conjugate", "cos", "cosh", "deg2rad", "divide", "divide_no_nan", "equal", "erf",
    "erfc", "erfinv", "exp", "exp2", "expm1", "fabs", "floor", "floor_divide", "fmax", "fmin",
    "fmod", "gcd", "greater", "greater_equal", "heaviside", "hypot", "i0", "imag", "isclose",
    "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "lcm", "ldexp", "left_shift",
    "less", "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod",
    "multiply", "nan_to_num", "negative", "nextafter", "not_equal", "power", "rad2deg", "real",
    "reciprocal", "right_shift", "round", "rsqrt", "sign", "signbit", "sin", "sinc", "sinh",
    "sqrt", "square", "subtract", "tan", "tanh", "true_divide", "trunc",
]

_FLOATS = frozenset(common.numpy_dtype(d) for d in dtypes.FLOATS)


# Factories -------------------------------------------------------------------------

_cast_pair = functools.partial(common.binary_operands, convert_to_tensor)  # (x1, x2, dtype)


def _binary(fn):
    """`fn` on both operands in their promoted dtype; same-dtype arrays go straight through."""

    def impl(x1, x2):
        if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
            return fn(x1, x2)
        return fn(*common.binary_operands(convert_to_tensor, x1, x2))

    return impl


def _binary_int(fn):
    """Like `_binary`, but two bools compute in int32."""

    def impl(x1, x2):
        if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype != np.bool_:
            return fn(x1, x2)
        dtype = dtypes.result_type(common.operand_dtype(x1), common.operand_dtype(x2))
        return fn(*_cast_pair(x1, x2, "int32" if dtype == "bool" else dtype))

    return impl


def _binary_float(fn, strong=False):
    """`fn` on both operands in their floating-point result dtype.

    With `strong`, Python scalars count as floatx/int32 tensors instead of weak values.
    """

    def impl(x1, x2):
        if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype and x1.dtype in _FLOATS:
            return fn(x1, x2)
        if strong:
            dtype = dtypes.result_type(common.strong_dtype(x1, x2), float)
        else:
            dtype = dtypes.result_type(common.operand_dtype(x1), common.operand_dtype(x2), float)
        return fn(*_cast_pair(x1, x2, dtype))

    return impl


def _compare(fn):
    """A comparison, with both operands converted to their common dtype first."""

    def impl(x1, x2):
        if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
            return fn(x1, x2)
        return fn(*_cast_pair(x1, x2, common.strong_dtype(x1, x2)))

    return impl


def _logical(fn):
    def impl(x1, x2):
        return fn(convert_to_tensor(x1).astype(bool, copy=False), convert_to_tensor(x2).astype(bool, copy=False))

    return impl


def _unary(fn):
    """`fn` on `x` as it is (the result dtype is `fn`'s)."""

    def impl(x):
        return fn(convert_to_tensor(x))

    return impl


def _unary_float(fn):
    """`fn` on `x` in its floating-point result dtype (ints and bool become floatx)."""

    def impl(x):
        x = convert_to_tensor(x)
        return fn(x.astype(common.numpy_dtype(dtypes.float_result(x.dtype)), copy=False))

    return impl


def _keep_dtype(fn):
    """`fn`, with its result cast back to its first argument's dtype (for bfloat16)."""

    def impl(x, *args):
        return np.asarray(fn(x, *args)).astype(x.dtype, copy=False)

    return impl


# Arithmetic ------------------------------------------------------------------------

add = _binary(np.add)
subtract = _binary(np.subtract)
multiply = _binary(np.multiply)
maximum = _binary(np.maximum)
minimum = _binary(np.minimum)
fmax = _binary(np.fmax)
fmin = _binary(np.fmin)
divide = true_divide = _binary_float(np.true_divide)
floor_divide = _binary_int(np.floor_divide)
mod = _binary_int(np.remainder)
fmod = _binary_int(np.fmod)
power = _binary_int(np.power)
gcd = _binary_int(np.gcd)
lcm = _binary_int(np.lcm)
heaviside = _binary_float(_keep_dtype(np.heaviside))
hypot = _binary_float(np.hypot)
nextafter = _binary_float(np.nextafter)
abs = absolute = _unary(np.abs)
negative = _unary(np.negative)
sign = _unary(np.sign)
fabs = _unary_float(np.fabs)
reciprocal = _unary_float(np.reciprocal)
sqrt = _unary_float(np.sqrt)
ceil = _unary_float(np.ceil)
floor = _unary_float(np.floor)
trunc = _unary(np.trunc)


@_binary_float
def divide_no_nan(x1, x2):
    zero = x2 == 0
    return np.where(zero, np.zeros((), x1.dtype), x1 / np.where(zero, np.ones((), x2.dtype), x2))


def square(x):
    x = convert_to_tensor(x)
    return np.square(x.astype(np.int32) if x.dtype == np.bool_ else x)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == np.bool_:
        x = x.astype(np.int32)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(x_min), common.operand_dtype(x_max))
    return np.clip(convert_to_tensor(x, dtype), convert_to_tensor(x_min, dtype), convert_to_tensor(x_max, dtype))


def ldexp(x1, x2):
    x1 = convert_to_tensor(x1)
    x1 = x1.astype(common.numpy_dtype(dtypes.float_result(x1.dtype)), copy=False)
    return _keep_dtype(np.ldexp)(x1, convert_to_tensor(x2))


def round(x, decimals=0):
    return np.round(convert_to_tensor(x), decimals)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = convert_to_tensor(x)
    if x.dtype not in _FLOATS:
        return x
    limit = float(_finfo(x.dtype).max)
    wide = x.astype(np.float32) if x.dtype.name == "bfloat16" else x
    posinf = limit if posinf is None else posinf
    neginf = -limit if neginf is None else neginf
    return np.nan_to_num(wide, nan=nan, posinf=posinf, neginf=neginf).astype(x.dtype, copy=False)


def _finfo(dtype):
    if dtype.name == "bfloat16":
        import ml_dtypes  # bfloat16 arrays exist only where ml_dtypes is installed

        return ml_dtypes.finfo(dtype)
    return np.finfo(dtype)


# Comparisons and logic -------------------------------------------------------------

equal = _compare(np.equal)
not_equal = _compare(np.not_equal)
greater = _compare(np.greater)
greater_equal = _compare(np.greater_equal)
less = _compare(np.less)
less_equal = _compare(np.less_equal)
logical_and = _logical(np.logical_and)
logical_or = _logical(np.logical_or)
logical_xor = _logical(np.logical_xor)
logical_not = _unary(np.logical_not)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = _cast_pair(x1, x2, common.strong_dtype(x1, x2))
    if x1.dtype.kind not in "fc":  # ints, bool and bfloat16
        x1, x2 = x1.astype(np.float64), x2.astype(np.float64)
    return np.asarray(np.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.asarray(np.all(isclose(x1, x2, rtol, atol, equal_nan)))


# Bits ------------------------------------------------------------------------------

bitwise_and = _binary(np.bitwise_and)
bitwise_or = _binary(np.bitwise_or)
bitwise_xor = _binary(np.bitwise_xor)
bitwise_invert = bitwise_not = _unary(np.invert)
bitwise_left_shift = left_shift = _binary_int(np.left_shift)
bitwise_right_shift = right_shift = _binary_int(np.right_shift)


# Predicates and complex parts ------------------------------------------------------

isfinite = _unary(np.isfinite)
isinf = _unary(np.isinf)
isnan = _unary(np.isnan)
isneginf = _unary(np.isneginf)
isposinf = _unary(np.isposinf)
isreal = _unary(np.isreal)
signbit = _unary(np.signbit)
real = _unary(np.real)
imag = _unary(np.imag)
conj = conjugate = _unary(lambda x: np.conj(x) if x.dtype.kind == "c" else x)
angle = _unary_float(np.angle)


# Exponentials, logarithms, trigonometry --------------------------------------------

exp = _unary_float(np.exp)
exp2 = _unary_float(np.exp2)
expm1 = _unary_float(np.expm1)
log = _unary_float(np.log)
log2 = _unary_float(np.log2)
log10 = _unary_float(np.log10)
log1p = _unary_float(np.log1p)
logaddexp = _binary_float(np.logaddexp, strong=True)
logaddexp2 = _binary_float(np.logaddexp2, strong=True)
sin = _unary_float(np.sin)
cos = _unary_float(np.cos)
tan = _unary_float(np.tan)
arcsin = _unary_float(np.arcsin)
arccos = _unary_float(np.arccos)
arctan = _unary_float(np.arctan)
arctan2 = _binary_float(np.arctan2, strong=True)
sinh = _unary_float(np.sinh)
cosh = _unary_float(np.cosh)
tanh = _unary_float(np.tanh)
arcsinh = _unary_float(np.arcsinh)
arccosh = _unary_float(np.arccosh)
arctanh = _unary_float(np.arctanh)
deg2rad = _unary_float(np.deg2rad)
rad2deg = _unary_float(np.rad2deg)
sinc = _unary_float(_keep_dtype(np.sinc))
cbrt = _unary_float(np.cbrt)
i0 = _unary_float(_keep_dtype(np.i0))


# Special functions (NumPy has no erf: the standard library's, elementwise) ---------

_erf64 = np.vectorize(math.erf, otypes=[np.float64])
_erfc64 = np.vectorize(math.erfc, otypes=[np.float64])


@_unary_float
def rsqrt(x):
    return 1 / np.sqrt(x)


@_unary_float
def erf(x):
    return _erf64(x).astype(x.dtype)


@_unary_float
def erfc(x):
    return _erfc64(x).astype(x.dtype)


@_unary_float
def erfinv(x):
    """Winitzki's closed-form approximation, refined by Newton steps on `math.erf`.

    Near ±1 the residual goes through `math.erfc`, where ``erf`` itself would round to 1.
    """
    y = np.abs(x.astype(np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.log1p(-y * y)
        base = 2 / (np.pi * 0.147) + log_term / 2
        guess = np.sqrt(np.sqrt(base * base - log_term / 0.147) - base)
        finite, tail = np.isfinite(guess), y > 0.5
        for _ in range(4):
            residual = np.where(tail, (1 - y) - _erfc64(guess), _erf64(guess) - y)
            step = residual / (2 / np.sqrt(np.pi) * np.exp(-guess * guess))
            guess = np.where(finite, guess - np.where(finite, step, 0), guess)
    return (np.sign(x) * guess).astype(x.dtype)
