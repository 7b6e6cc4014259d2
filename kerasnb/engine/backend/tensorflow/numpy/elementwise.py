"""Elementwise ops on the TensorFlow backend.

TensorFlow's arithmetic has no bool kernels and few for unsigned or 8/16-bit types, so bool
operands map to the logical ops and a few integer ops compute in a wider type and cast back.
`exp2`, `log2`, `log10`, `logaddexp2`, `deg2rad`, `rad2deg`, `cbrt`, `isneginf`, `isposinf`
and `isreal` have no TensorFlow function: the ops' composites run instead.
"""

import functools
import math

import tensorflow as tf

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.tensorflow.core import Tensor, convert_to_tensor

__all__ = [
    "abs", "absolute", "add", "allclose", "angle", "arccos", "arccosh", "arcsin", "arcsinh",
    "arctan", "arctan2", "arctanh", "bitwise_and", "bitwise_invert", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "ceil", "clip", "conj",
    "conjugate", "cos", "cosh", "divide", "divide_no_nan", "equal", "erf", "erfc", "erfinv", "exp",
    "expm1", "fabs", "floor", "floor_divide", "fmax", "fmin", "fmod", "gcd", "greater",
    "greater_equal", "heaviside", "hypot", "i0", "imag", "isclose", "isfinite", "isinf", "isnan",
    "lcm", "ldexp", "left_shift", "less", "less_equal", "log", "log1p", "logaddexp", "logical_and",
    "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply",
    "nan_to_num", "negative", "nextafter", "not_equal", "power", "real", "reciprocal",
    "right_shift", "round", "rsqrt", "sign", "signbit", "sin", "sinc", "sinh", "sqrt", "square",
    "subtract", "tan", "tanh", "true_divide", "trunc",
]

_UNSIGNED = (tf.uint8, tf.uint16, tf.uint32, tf.uint64)
_HALVES = (tf.float16, tf.bfloat16)
_WIDER = {tf.int8: tf.int32, tf.int16: tf.int32, tf.uint8: tf.int32, tf.uint16: tf.int32,
          tf.uint32: tf.int64, tf.uint64: tf.int64, tf.float16: tf.float32, tf.bfloat16: tf.float32}
_SAME_WIDTH_INT = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32, tf.float64: tf.int64}


# Factories -------------------------------------------------------------------------

_cast_pair = functools.partial(common.binary_operands, convert_to_tensor)  # (x1, x2, dtype)


def _both(x1, x2):
    """True when both operands are eager tensors of one non-bool dtype (the fast path)."""
    return type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype and x1.dtype != tf.bool


def _binary(fn, on_bool):
    """`fn` on both operands in their promoted dtype; two bools go to `on_bool` instead."""

    def impl(x1, x2):
        if _both(x1, x2):
            return fn(x1, x2)
        x1, x2 = common.binary_operands(convert_to_tensor, x1, x2)
        return (on_bool if x1.dtype == tf.bool else fn)(x1, x2)

    return impl


def _binary_int(fn):
    """Like `_binary`, but two bools compute in int32."""

    def impl(x1, x2):
        if _both(x1, x2):
            return fn(x1, x2)
        dtype = dtypes.result_type(common.operand_dtype(x1), common.operand_dtype(x2))
        return fn(*_cast_pair(x1, x2, "int32" if dtype == "bool" else dtype))

    return impl


def _binary_float(fn, strong=False):
    """`fn` on both operands in their floating-point result dtype.

    With `strong`, Python scalars count as floatx/int32 tensors instead of weak values.
    """

    def impl(x1, x2):
        if _both(x1, x2) and x1.dtype.is_floating:
            return fn(x1, x2)
        if strong:
            dtype = dtypes.result_type(common.strong_dtype(x1, x2), float)
        else:
            dtype = dtypes.result_type(common.operand_dtype(x1), common.operand_dtype(x2), float)
        return fn(*_cast_pair(x1, x2, dtype))

    return impl


def _compare(fn):
    """A comparison in the operands' common dtype (bools as int8: TF cannot order bools)."""

    def impl(x1, x2):
        if _both(x1, x2):
            return fn(x1, x2)
        x1, x2 = _cast_pair(x1, x2, common.strong_dtype(x1, x2))
        if x1.dtype == tf.bool:
            x1, x2 = tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
        return fn(x1, x2)

    return impl


def _logical(fn):
    def impl(x1, x2):
        return fn(tf.cast(convert_to_tensor(x1), tf.bool), tf.cast(convert_to_tensor(x2), tf.bool))

    return impl


def _unary(fn):
    """`fn` on `x` as it is (the result dtype is `fn`'s)."""

    def impl(x):
        return fn(convert_to_tensor(x))

    return impl


def _unary_float(fn, halves=True):
    """`fn` on `x` in its floating-point result dtype (ints and bool become floatx).

    Without `halves`, float16 and bfloat16 compute in float32 (no TF kernel) and cast back.
    """

    def impl(x):
        x = convert_to_tensor(x)
        x = tf.cast(x, dtypes.float_result(x.dtype.name))
        if halves or x.dtype not in _HALVES:
            return fn(x)
        return tf.cast(fn(tf.cast(x, tf.float32)), x.dtype)

    return impl


def _by_kind(floats, others):
    """`floats(x)` for floating-point (and complex) `x`, else `others(x)`."""

    def impl(x):
        x = convert_to_tensor(x)
        return floats(x) if x.dtype.is_floating or x.dtype.is_complex else others(x)

    return impl


def _widened(fn, narrow):
    """`fn` computed in a wider dtype for inputs whose dtype is in `narrow`, then cast back."""

    def impl(x1, x2):
        if x1.dtype not in narrow:
            return fn(x1, x2)
        wide = _WIDER[x1.dtype]
        return tf.cast(fn(tf.cast(x1, wide), tf.cast(x2, wide)), x1.dtype)

    return impl


def _keep(x):
    return x


def _no_bool_subtract(x1, x2):
    raise TypeError("`subtract` does not support two bool tensors; use `logical_xor` instead.")


# Arithmetic ------------------------------------------------------------------------

def _nan_aware(pick):
    """fmax/fmin: where one input is NaN the other wins."""

    def impl(x1, x2):
        if not x1.dtype.is_floating:
            return pick(x1, x2)
        out = pick(x1, x2)
        return tf.where(tf.math.is_nan(x1), x2, tf.where(tf.math.is_nan(x2), x1, out))

    return impl


def _heaviside(x1, x2):
    step = tf.where(x1 > 0, tf.ones_like(x1), tf.where(x1 < 0, tf.zeros_like(x1), x2))
    return tf.where(tf.math.is_nan(x1), x1, step)


def _hypot(x1, x2):
    a, b = tf.abs(x1), tf.abs(x2)
    big, small = tf.maximum(a, b), tf.minimum(a, b)
    ratio = tf.math.divide_no_nan(small, big)
    return tf.where(tf.math.is_inf(big), big, big * tf.sqrt(1 + ratio * ratio))


def _nextafter(x1, x2):
    """TF's nextafter for float32/64; for 16-bit floats, a step of the bit pattern."""
    if x1.dtype not in _HALVES:
        return tf.math.nextafter(x1, x2)
    x1, x2 = tf.broadcast_to(x1, tf.shape(x1 + x2)), tf.broadcast_to(x2, tf.shape(x1 + x2))
    bits = tf.bitcast(x1, tf.int16)
    one = tf.ones_like(bits)
    moved = tf.bitcast(bits + tf.where(tf.equal(x2 > x1, x1 > 0), one, -one), x1.dtype)
    smallest = tf.bitcast(one, x1.dtype)
    out = tf.where(x1 == 0, tf.where(x2 > 0, smallest, -smallest), moved)
    out = tf.where(x1 == x2, x2, out)
    return tf.where(tf.math.is_nan(x1) | tf.math.is_nan(x2), x1 + x2, out)


def _fmod(x1, x2):
    """Truncated remainder; for floats through `floormod`, as TF has no gradient of `truncatemod`."""
    if x1.dtype.is_floating:
        return tf.sign(x1) * tf.math.floormod(tf.abs(x1), tf.abs(x2))
    return _widened(tf.truncatemod, (tf.int8, tf.int16) + _UNSIGNED)(x1, x2)


add = _binary(tf.add, tf.logical_or)
subtract = _binary(tf.subtract, _no_bool_subtract)
multiply = _binary(tf.multiply, tf.logical_and)
maximum = _binary(tf.maximum, tf.logical_or)
minimum = _binary(tf.minimum, tf.logical_and)
fmax = _binary(_nan_aware(tf.maximum), tf.logical_or)
fmin = _binary(_nan_aware(tf.minimum), tf.logical_and)
divide = true_divide = _binary_float(tf.math.truediv)
divide_no_nan = _binary_float(tf.math.divide_no_nan)
floor_divide = _binary_int(tf.math.floordiv)
mod = _binary_int(tf.math.floormod)
fmod = _binary_int(_fmod)
power = _binary_int(_widened(tf.pow, _UNSIGNED))
heaviside = _binary_float(_heaviside)
hypot = _binary_float(_hypot)
nextafter = _binary_float(_nextafter)
abs = absolute = _unary(lambda x: x if x.dtype in _UNSIGNED + (tf.bool,) else tf.abs(x))
negative = _unary(lambda x: tf.zeros_like(x) - x if x.dtype in _UNSIGNED else tf.negative(x))
sign = _unary(lambda x: tf.cast(x > 0, x.dtype) if x.dtype in _UNSIGNED else tf.sign(x))
fabs = _unary_float(tf.abs)
reciprocal = _unary_float(tf.math.reciprocal)
sqrt = _unary_float(tf.sqrt)
ceil = _unary_float(tf.math.ceil)
floor = _unary_float(tf.floor)
trunc = _by_kind(lambda x: tf.sign(x) * tf.floor(tf.abs(x)), _keep)


def _gcd(x1, x2):
    return tf.cast(tf.experimental.numpy.gcd(x1, x2), x1.dtype)


def _lcm(x1, x2):
    return tf.cast(tf.experimental.numpy.lcm(x1, x2), x1.dtype)


gcd = _binary_int(_widened(_gcd, _UNSIGNED))
lcm = _binary_int(_widened(_lcm, _UNSIGNED))


def square(x):
    x = convert_to_tensor(x)
    return tf.square(tf.cast(x, tf.int32) if x.dtype == tf.bool else x)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(x_min), common.operand_dtype(x_max))
    low, high = _cast_pair(x_min, x_max, dtype)
    return tf.minimum(tf.maximum(tf.cast(x, dtype), low), high)


def ldexp(x1, x2):
    x1 = convert_to_tensor(x1)
    x1 = tf.cast(x1, dtypes.float_result(x1.dtype.name))
    wide = tf.float32 if x1.dtype in _HALVES else x1.dtype
    scale = tf.pow(tf.constant(2.0, wide), tf.cast(convert_to_tensor(x2), wide))
    return tf.cast(tf.cast(x1, wide) * scale, x1.dtype)


def round(x, decimals=0):
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        if decimals >= 0:
            return x
        scale = 10.0 ** -decimals
        return tf.cast(tf.round(tf.cast(x, tf.float64) / scale) * scale, x.dtype)
    if decimals == 0:
        return tf.round(x)
    scale = tf.constant(10.0 ** decimals, x.dtype)
    return tf.round(x * scale) / scale


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    def replace(v):
        big = v.dtype.max
        v = tf.where(tf.math.is_nan(v), tf.cast(nan, v.dtype), v)
        v = tf.where(v == math.inf, tf.cast(big if posinf is None else posinf, v.dtype), v)
        return tf.where(v == -math.inf, tf.cast(-big if neginf is None else neginf, v.dtype), v)

    return _by_kind(replace, _keep)(x)


# Comparisons and logic -------------------------------------------------------------

equal = _compare(tf.equal)
not_equal = _compare(tf.not_equal)
greater = _compare(tf.greater)
greater_equal = _compare(tf.greater_equal)
less = _compare(tf.less)
less_equal = _compare(tf.less_equal)
logical_and = _logical(tf.logical_and)
logical_or = _logical(tf.logical_or)
logical_xor = _logical(tf.math.logical_xor)
logical_not = _unary(lambda x: tf.logical_not(tf.cast(x, tf.bool)))


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = _cast_pair(x1, x2, common.strong_dtype(x1, x2))
    if not x1.dtype.is_floating:
        x1, x2 = tf.cast(x1, tf.float64), tf.cast(x2, tf.float64)
    within = (tf.abs(x1 - x2) <= atol + rtol * tf.abs(x2)) & tf.math.is_finite(x2)
    close = within | tf.equal(x1, x2)
    return close | (tf.math.is_nan(x1) & tf.math.is_nan(x2)) if equal_nan else close


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return tf.reduce_all(isclose(x1, x2, rtol, atol, equal_nan))


# Bits ------------------------------------------------------------------------------

bitwise_and = _binary(tf.bitwise.bitwise_and, tf.logical_and)
bitwise_or = _binary(tf.bitwise.bitwise_or, tf.logical_or)
bitwise_xor = _binary(tf.bitwise.bitwise_xor, tf.math.logical_xor)
bitwise_invert = bitwise_not = _unary(lambda x: tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x))
bitwise_left_shift = left_shift = _binary_int(tf.bitwise.left_shift)
bitwise_right_shift = right_shift = _binary_int(tf.bitwise.right_shift)


# Predicates and complex parts ------------------------------------------------------

def _signbit(x):
    if x.dtype.is_floating:
        return tf.bitcast(x, _SAME_WIDTH_INT[x.dtype]) < 0
    if x.dtype.is_unsigned or x.dtype == tf.bool:
        return tf.zeros_like(x, tf.bool)
    return x < 0


isfinite = _by_kind(tf.math.is_finite, lambda x: tf.ones_like(x, tf.bool))
isinf = _by_kind(tf.math.is_inf, lambda x: tf.zeros_like(x, tf.bool))
isnan = _by_kind(tf.math.is_nan, lambda x: tf.zeros_like(x, tf.bool))
signbit = _unary(_signbit)
real = _unary(lambda x: tf.math.real(x) if x.dtype.is_complex else x)
imag = _unary(lambda x: tf.math.imag(x) if x.dtype.is_complex else tf.zeros_like(x))
conj = conjugate = _unary(lambda x: tf.math.conj(x) if x.dtype.is_complex else x)
angle = _unary_float(tf.math.angle)


# Exponentials, logarithms, trigonometry, special functions -------------------------

def _logaddexp(x1, x2):
    """Via a two-term logsumexp, which handles infinities and splits gradients at ties."""
    shape = tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2))
    return tf.reduce_logsumexp(tf.stack([tf.broadcast_to(x1, shape), tf.broadcast_to(x2, shape)]), axis=0)


def _sinc(x):
    zero = tf.equal(x, 0)
    y = math.pi * tf.where(zero, tf.ones_like(x), x)
    return tf.where(zero, tf.ones_like(x), tf.sin(y) / y)


exp = _unary_float(tf.exp)
expm1 = _unary_float(tf.math.expm1)
log = _unary_float(tf.math.log)
log1p = _unary_float(tf.math.log1p)
logaddexp = _binary_float(_logaddexp, strong=True)
sin = _unary_float(tf.sin)
cos = _unary_float(tf.cos)
tan = _unary_float(tf.tan)
arcsin = _unary_float(tf.asin)
arccos = _unary_float(tf.acos)
arctan = _unary_float(tf.atan)
arctan2 = _binary_float(tf.math.atan2, strong=True)
sinh = _unary_float(tf.sinh)
cosh = _unary_float(tf.cosh)
tanh = _unary_float(tf.tanh)
arcsinh = _unary_float(tf.asinh)
arccosh = _unary_float(tf.acosh)
arctanh = _unary_float(tf.atanh)
sinc = _unary_float(_sinc)
rsqrt = _unary_float(tf.math.rsqrt)
erf = _unary_float(tf.math.erf)
erfc = _unary_float(tf.math.erfc)
erfinv = _unary_float(tf.math.erfinv, halves=False)
i0 = _unary_float(tf.math.special.bessel_i0, halves=False)
