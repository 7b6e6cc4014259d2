"""Elementwise ops on the PyTorch backend.

`cbrt` has no torch function: the op's composite (``sign(x) * |x|**(1/3)``) runs instead.
The unsigned types wider than 8 bits have few torch kernels; ops on them raise torch's error.
"""

import functools
import operator

import torch

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.torch.core import convert_to_tensor, to_torch_dtype

__all__ = [
    "abs", "absolute", "add", "allclose", "angle", "arccos", "arccosh", "arcsin", "arcsinh",
    "arctan", "arctan2", "arctanh", "bitwise_and", "bitwise_invert", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "ceil", "clip", "conj",
    "conjugate", "cos", "cosh", "deg2rad", "divide", "divide_no_nan", "equal", "erf", "erfc",
    "erfinv", "exp", "exp2", "expm1", "fabs", "floor", "floor_divide", "fmax", "fmin", "fmod",
    "gcd", "greater", "greater_equal", "heaviside", "hypot", "i0", "imag", "isclose", "isfinite",
    "isinf", "isnan", "isneginf", "isposinf", "isreal", "lcm", "ldexp", "left_shift", "less",
    "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logical_and",
    "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply",
    "nan_to_num", "negative", "nextafter", "not_equal", "power", "rad2deg", "real", "reciprocal",
    "right_shift", "round", "rsqrt", "sign", "signbit", "sin", "sinc", "sinh", "sqrt", "square",
    "subtract", "tan", "tanh", "true_divide", "trunc",
]

_FLOATS = frozenset((torch.float16, torch.bfloat16, torch.float32, torch.float64))
_WEAK = (int, float)  # `type(x) in _WEAK` leaves out bool


# Factories -------------------------------------------------------------------------

_cast_pair = functools.partial(common.binary_operands, convert_to_tensor)  # (x1, x2, dtype)


def _both(x1, x2):
    """True when both operands are plain torch Tensors of one dtype (the fast path)."""
    return type(x1) is torch.Tensor and type(x2) is torch.Tensor and x1.dtype == x2.dtype


def _weak_scalar(x1, x2):
    """True when one operand is a floating torch Tensor and the other a Python int/float:
    the tensor's dtype wins (a weak scalar), as torch's own operators compute it."""
    if type(x1) is torch.Tensor:
        return type(x2) in _WEAK and x1.dtype in _FLOATS
    return type(x2) is torch.Tensor and type(x1) in _WEAK and x2.dtype in _FLOATS


def _binary(fn, scalar_fn=None):
    """`fn` on both operands in their promoted dtype; same-dtype tensors go straight through,
    and so does a float tensor with a Python scalar when `scalar_fn` (an operator) is given."""

    def impl(x1, x2):
        if _both(x1, x2):
            return fn(x1, x2)
        if scalar_fn is not None and _weak_scalar(x1, x2):
            return scalar_fn(x1, x2)
        return fn(*common.binary_operands(convert_to_tensor, x1, x2))

    return impl


def _binary_int(fn):
    """Like `_binary`, but two bools compute in int32."""

    def impl(x1, x2):
        if _both(x1, x2) and x1.dtype != torch.bool:
            return fn(x1, x2)
        dtype = dtypes.result_type(common.operand_dtype(x1), common.operand_dtype(x2))
        return fn(*_cast_pair(x1, x2, "int32" if dtype == "bool" else dtype))

    return impl


def _binary_float(fn, strong=False, scalar_fn=None):
    """`fn` on both operands in their floating-point result dtype.

    With `strong`, Python scalars count as floatx/int32 tensors instead of weak values;
    `scalar_fn` as in `_binary`.
    """

    def impl(x1, x2):
        if _both(x1, x2) and x1.dtype in _FLOATS:
            return fn(x1, x2)
        if scalar_fn is not None and _weak_scalar(x1, x2):
            return scalar_fn(x1, x2)
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
        return fn(convert_to_tensor(x1), convert_to_tensor(x2))

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
        return fn(x.to(to_torch_dtype(dtypes.float_result(x.dtype))))

    return impl


def _only_floats(fn):
    """`fn` on floating-point inputs; other dtypes are returned unchanged."""

    def impl(x):
        x = convert_to_tensor(x)
        return fn(x) if x.dtype in _FLOATS else x

    return impl


# Arithmetic ------------------------------------------------------------------------

add = _binary(torch.add, operator.add)
subtract = _binary(torch.subtract, operator.sub)
multiply = _binary(torch.multiply, operator.mul)
maximum = _binary(torch.maximum)
minimum = _binary(torch.minimum)
fmax = _binary(torch.fmax)
fmin = _binary(torch.fmin)
divide = true_divide = _binary_float(torch.true_divide, scalar_fn=operator.truediv)
floor_divide = _binary_int(torch.floor_divide)
mod = _binary_int(torch.remainder)
fmod = _binary_int(torch.fmod)
power = _binary_int(torch.pow)
gcd = _binary_int(torch.gcd)
lcm = _binary_int(torch.lcm)
heaviside = _binary_float(torch.heaviside)
hypot = _binary_float(torch.hypot)
nextafter = _binary_float(torch.nextafter)
abs = absolute = _unary(lambda x: x if x.dtype == torch.bool else torch.abs(x))
negative = _unary(torch.negative)
fabs = _unary_float(torch.abs)
reciprocal = _unary_float(torch.reciprocal)
sqrt = _unary_float(torch.sqrt)
ceil = _unary_float(torch.ceil)
floor = _unary_float(torch.floor)
trunc = _only_floats(torch.trunc)


@_binary_float
def divide_no_nan(x1, x2):
    zero = x2 == 0
    if x1.requires_grad or x2.requires_grad:  # dividing by 1 there keeps the gradient finite
        return (x1 / x2.masked_fill(zero, 1)).masked_fill(zero, 0)
    return (x1 / x2).masked_fill_(zero, 0)


def sign(x):
    x = convert_to_tensor(x)
    if x.is_complex():
        return torch.sgn(x)
    return torch.where(torch.isnan(x), x, torch.sign(x)) if x.dtype in _FLOATS else torch.sign(x)


def square(x):
    x = convert_to_tensor(x)
    return torch.square(x.to(torch.int32) if x.dtype == torch.bool else x)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(x_min), common.operand_dtype(x_max))
    low, high = _cast_pair(x_min, x_max, dtype)
    return torch.minimum(torch.maximum(convert_to_tensor(x, dtype), low), high)


def ldexp(x1, x2):
    x1 = convert_to_tensor(x1)
    x1 = x1.to(to_torch_dtype(dtypes.float_result(x1.dtype)))
    # A float exponent: with an integer one, torch's gradient computes 2**x2 in integers.
    return torch.ldexp(x1, convert_to_tensor(x2, x1.dtype))


def round(x, decimals=0):
    x = convert_to_tensor(x)
    if x.dtype in _FLOATS:
        return torch.round(x, decimals=decimals)
    if decimals >= 0:
        return x
    scale = 10.0 ** -decimals
    return (torch.round(x.to(torch.float64) / scale) * scale).to(x.dtype)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return _only_floats(lambda v: torch.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf))(x)


# Comparisons and logic -------------------------------------------------------------

equal = _compare(torch.eq)
not_equal = _compare(torch.ne)
greater = _compare(torch.gt)
greater_equal = _compare(torch.ge)
less = _compare(torch.lt)
less_equal = _compare(torch.le)
logical_and = _logical(torch.logical_and)
logical_or = _logical(torch.logical_or)
logical_xor = _logical(torch.logical_xor)
logical_not = _unary(torch.logical_not)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return torch.isclose(*_cast_pair(x1, x2, common.strong_dtype(x1, x2)), rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return torch.all(isclose(x1, x2, rtol, atol, equal_nan))


# Bits ------------------------------------------------------------------------------

bitwise_and = _binary(torch.bitwise_and)
bitwise_or = _binary(torch.bitwise_or)
bitwise_xor = _binary(torch.bitwise_xor)
bitwise_invert = bitwise_not = _unary(torch.bitwise_not)
bitwise_left_shift = left_shift = _binary_int(torch.bitwise_left_shift)
bitwise_right_shift = right_shift = _binary_int(torch.bitwise_right_shift)


# Predicates and complex parts ------------------------------------------------------

isfinite = _unary(torch.isfinite)
isinf = _unary(torch.isinf)
isnan = _unary(torch.isnan)
isneginf = _unary(torch.isneginf)
isposinf = _unary(torch.isposinf)
isreal = _unary(torch.isreal)
signbit = _unary(torch.signbit)
real = _unary(torch.real)
imag = _unary(lambda x: torch.imag(x) if x.is_complex() else torch.zeros_like(x))
conj = conjugate = _unary(torch.conj_physical)
angle = _unary_float(torch.angle)


# Exponentials, logarithms, trigonometry, special functions -------------------------

exp = _unary_float(torch.exp)
exp2 = _unary_float(torch.exp2)
expm1 = _unary_float(torch.expm1)
log = _unary_float(torch.log)
log2 = _unary_float(torch.log2)
log10 = _unary_float(torch.log10)
log1p = _unary_float(torch.log1p)
logaddexp = _binary_float(torch.logaddexp, strong=True)
logaddexp2 = _binary_float(torch.logaddexp2, strong=True)
sin = _unary_float(torch.sin)
cos = _unary_float(torch.cos)
tan = _unary_float(torch.tan)
arcsin = _unary_float(torch.arcsin)
arccos = _unary_float(torch.arccos)
arctan = _unary_float(torch.arctan)
arctan2 = _binary_float(torch.arctan2, strong=True)
sinh = _unary_float(torch.sinh)
cosh = _unary_float(torch.cosh)
tanh = _unary_float(torch.tanh)
arcsinh = _unary_float(torch.arcsinh)
arccosh = _unary_float(torch.arccosh)
arctanh = _unary_float(torch.arctanh)
deg2rad = _unary_float(torch.deg2rad)
rad2deg = _unary_float(torch.rad2deg)
sinc = _unary_float(torch.sinc)
rsqrt = _unary_float(torch.rsqrt)
erf = _unary_float(torch.erf)
erfc = _unary_float(torch.erfc)
erfinv = _unary_float(torch.erfinv)
i0 = _unary_float(torch.i0)
