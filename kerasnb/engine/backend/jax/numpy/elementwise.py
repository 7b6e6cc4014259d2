"""Elementwise ops on the JAX backend."""

import functools

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor

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


def _both(x1, x2):
    """True when both operands are jax Arrays of one dtype (the fast path)."""
    return isinstance(x1, jax.Array) and isinstance(x2, jax.Array) and x1.dtype == x2.dtype


def _binary(fn):
    """`fn` on both operands in their promoted dtype; same-dtype arrays go straight through."""

    def impl(x1, x2):
        if _both(x1, x2):
            return fn(x1, x2)
        return fn(*common.binary_operands(convert_to_tensor, x1, x2))

    return impl


def _binary_int(fn):
    """Like `_binary`, but two bools compute in int32."""

    def impl(x1, x2):
        if _both(x1, x2) and x1.dtype != jnp.bool_:
            return fn(x1, x2)
        dtype = dtypes.result_type(common.operand_dtype(x1), common.operand_dtype(x2))
        return fn(*_cast_pair(x1, x2, "int32" if dtype == "bool" else dtype))

    return impl


def _binary_float(fn, strong=False):
    """`fn` on both operands in their floating-point result dtype.

    With `strong`, Python scalars count as floatx/int32 tensors instead of weak values.
    """

    def impl(x1, x2):
        if _both(x1, x2) and x1.dtype in _FLOATS:
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
        if _both(x1, x2):
            return fn(x1, x2)
        return fn(*_cast_pair(x1, x2, common.strong_dtype(x1, x2)))

    return impl


def _logical(fn):
    def impl(x1, x2):
        return fn(convert_to_tensor(x1).astype(bool), convert_to_tensor(x2).astype(bool))

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
        return fn(x.astype(common.numpy_dtype(dtypes.float_result(x.dtype))))

    return impl


def _only_floats(fn):
    """`fn` on float and complex inputs; other dtypes are returned unchanged."""

    def impl(x):
        x = convert_to_tensor(x)
        return fn(x) if x.dtype in _FLOATS or jnp.iscomplexobj(x) else x

    return impl


# Arithmetic ------------------------------------------------------------------------

add = _binary(jnp.add)
subtract = _binary(jnp.subtract)
multiply = _binary(jnp.multiply)
maximum = _binary(jnp.maximum)
minimum = _binary(jnp.minimum)
fmax = _binary(jnp.fmax)
fmin = _binary(jnp.fmin)
divide = true_divide = _binary_float(jnp.true_divide)
floor_divide = _binary_int(jnp.floor_divide)
mod = _binary_int(jnp.remainder)
fmod = _binary_int(jnp.fmod)
power = _binary_int(jnp.power)
gcd = _binary_int(jnp.gcd)
lcm = _binary_int(jnp.lcm)
heaviside = _binary_float(jnp.heaviside)
hypot = _binary_float(jnp.hypot)
nextafter = _binary_float(jnp.nextafter)
abs = absolute = _unary(jnp.abs)
negative = _unary(jnp.negative)
sign = _unary(jnp.sign)
fabs = _unary_float(jnp.fabs)
reciprocal = _unary_float(jnp.reciprocal)
sqrt = _unary_float(jnp.sqrt)
ceil = _unary_float(jnp.ceil)
floor = _unary_float(jnp.floor)
trunc = _only_floats(jnp.trunc)


@_binary_float
def divide_no_nan(x1, x2):
    zero = x2 == 0
    return jnp.where(zero, jnp.zeros((), x1.dtype), x1 / jnp.where(zero, jnp.ones((), x2.dtype), x2))


def square(x):
    x = convert_to_tensor(x)
    return jnp.square(x.astype(jnp.int32) if x.dtype == jnp.bool_ else x)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int32)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(x_min), common.operand_dtype(x_max))
    return jnp.clip(convert_to_tensor(x, dtype), convert_to_tensor(x_min, dtype), convert_to_tensor(x_max, dtype))


def ldexp(x1, x2):
    x1 = convert_to_tensor(x1)
    x1 = x1.astype(common.numpy_dtype(dtypes.float_result(x1.dtype)))
    return jnp.ldexp(x1, convert_to_tensor(x2)).astype(x1.dtype)


def round(x, decimals=0):
    x = convert_to_tensor(x)
    if decimals >= 0 or x.dtype in _FLOATS:
        return jnp.round(x, decimals)
    scale = 10.0 ** -decimals
    return (jnp.round(x.astype(jnp.float64) / scale) * scale).astype(x.dtype)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return _only_floats(lambda v: jnp.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf))(x)


# Comparisons and logic -------------------------------------------------------------

equal = _compare(jnp.equal)
not_equal = _compare(jnp.not_equal)
greater = _compare(jnp.greater)
greater_equal = _compare(jnp.greater_equal)
less = _compare(jnp.less)
less_equal = _compare(jnp.less_equal)
logical_and = _logical(jnp.logical_and)
logical_or = _logical(jnp.logical_or)
logical_xor = _logical(jnp.logical_xor)
logical_not = _unary(jnp.logical_not)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return jnp.isclose(*_cast_pair(x1, x2, common.strong_dtype(x1, x2)), rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return jnp.all(isclose(x1, x2, rtol, atol, equal_nan))


# Bits ------------------------------------------------------------------------------

bitwise_and = _binary(jnp.bitwise_and)
bitwise_or = _binary(jnp.bitwise_or)
bitwise_xor = _binary(jnp.bitwise_xor)
bitwise_invert = bitwise_not = _unary(jnp.invert)
bitwise_left_shift = left_shift = _binary_int(jnp.left_shift)
bitwise_right_shift = right_shift = _binary_int(jnp.right_shift)


# Predicates and complex parts ------------------------------------------------------

isfinite = _unary(jnp.isfinite)
isinf = _unary(jnp.isinf)
isnan = _unary(jnp.isnan)
isneginf = _unary(jnp.isneginf)
isposinf = _unary(jnp.isposinf)
isreal = _unary(jnp.isreal)
signbit = _unary(jnp.signbit)
real = _unary(jnp.real)
imag = _unary(jnp.imag)
conj = conjugate = _unary(lambda x: jnp.conj(x) if jnp.iscomplexobj(x) else x)
angle = _unary_float(jnp.angle)


# Exponentials, logarithms, trigonometry, special functions -------------------------

exp = _unary_float(jnp.exp)
exp2 = _unary_float(jnp.exp2)
expm1 = _unary_float(jnp.expm1)
log = _unary_float(jnp.log)
log2 = _unary_float(jnp.log2)
log10 = _unary_float(jnp.log10)
log1p = _unary_float(jnp.log1p)
logaddexp = _binary_float(jnp.logaddexp, strong=True)
logaddexp2 = _binary_float(jnp.logaddexp2, strong=True)
sin = _unary_float(jnp.sin)
cos = _unary_float(jnp.cos)
tan = _unary_float(jnp.tan)
arcsin = _unary_float(jnp.arcsin)
arccos = _unary_float(jnp.arccos)
arctan = _unary_float(jnp.arctan)
arctan2 = _binary_float(jnp.arctan2, strong=True)
sinh = _unary_float(jnp.sinh)
cosh = _unary_float(jnp.cosh)
tanh = _unary_float(jnp.tanh)
arcsinh = _unary_float(jnp.arcsinh)
arccosh = _unary_float(jnp.arccosh)
arctanh = _unary_float(jnp.arctanh)
deg2rad = _unary_float(jnp.deg2rad)
rad2deg = _unary_float(jnp.rad2deg)
sinc = _unary_float(jnp.sinc)
cbrt = _unary_float(jnp.cbrt)
rsqrt = _unary_float(jax.lax.rsqrt)
erf = _unary_float(jsp.erf)
erfc = _unary_float(jsp.erfc)
erfinv = _unary_float(jsp.erfinv)
i0 = _unary_float(jnp.i0)
