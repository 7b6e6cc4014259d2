"""Elementwise NumPy-compatible ops: arithmetic, comparisons, logic, bits, predicates.

Exponentials, logarithms, trigonometry and special functions live in `elementwise_math.py`
and are re-exported here. Argument checks that a backend would otherwise repeat run once,
before dispatch, through `op(check=...)`; the hot binary ops (add, multiply, ...) have none.
"""

import functools
import numbers

from kerasnb.engine import dtypes
from kerasnb.engine.backend.common import operand_dtype
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op

__all__ = [
    "abs", "absolute", "add", "allclose", "angle", "bitwise_and", "bitwise_invert",
    "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "ceil", "clip", "conj", "conjugate", "divide", "divide_no_nan", "equal", "fabs", "floor",
    "floor_divide", "fmax", "fmin", "fmod", "gcd", "greater", "greater_equal", "heaviside",
    "hypot", "imag", "isclose", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal",
    "lcm", "ldexp", "left_shift", "less", "less_equal", "logical_and", "logical_not",
    "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "nan_to_num",
    "negative", "nextafter", "not_equal", "power", "real", "reciprocal", "right_shift", "round",
    "sign", "signbit", "sqrt", "square", "subtract", "true_divide", "trunc",
]

_REAL = {"complex64": "float32", "complex128": "float64"}


# Argument checks -------------------------------------------------------------------

def _require_integer(name, **named):
    for arg, value in named.items():
        dtype = rules.dtype_of(value)
        if not (dtypes.is_int(dtype) or dtype == "bool"):
            raise TypeError(f"`{name}`: `{arg}` must have an integer or bool dtype; received {dtype}.")


def _require_numeric(name, **named):
    for arg, value in named.items():
        if rules.dtype_of(value) == "bool":
            raise TypeError(f"`{name}`: `{arg}` must have a numeric dtype, not bool; received bool.")


def _require_real_number(name, **named):
    for arg, value in named.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            raise TypeError(f"`{name}`: `{arg}` must be a real number; received {value!r}.")


def _integers_xy(name, x, y):
    _require_integer(name, x=x, y=y)


def _integers_x1_x2(name, x1, x2):
    _require_integer(name, x1=x1, x2=x2)


def _integer_x(name, x):
    _require_integer(name, x=x)


def _numeric_x(name, x):
    _require_numeric(name, x=x)


def _check_round(name, x, decimals=0):
    _require_numeric(name, x=x)
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral):
        raise TypeError(f"`{name}`: `decimals` must be an int; received {decimals!r}.")


def _check_ldexp(name, x1, x2):
    _require_integer(name, x2=x2)


def _check_nan_to_num(name, x, nan=0.0, posinf=None, neginf=None):
    _require_real_number(name, nan=nan, posinf=posinf, neginf=neginf)


def _check_tolerances(name, x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    _require_real_number(name, rtol=rtol, atol=atol)


# Rules -----------------------------------------------------------------------------

def _real_same(x):
    """Same dtype as the input, but complex inputs give their real counterpart."""
    dtype = rules.dtype_of(x)
    return rules.tensor(rules.shape_of(x), _REAL.get(dtype, dtype))


def _real_float(x):
    """A floating-point function with a real result, also for complex inputs."""
    dtype = dtypes.float_result(rules.dtype_of(x))
    return rules.tensor(rules.shape_of(x), _REAL.get(dtype, dtype))


def _square_rule(x):
    dtype = rules.dtype_of(x)
    return rules.tensor(rules.shape_of(x), "int32" if dtype == "bool" else dtype)


def _binary_int_rule(x1, x2):
    """Promotion as for `add`, except that two bools compute in int32."""
    dtype = dtypes.result_type(operand_dtype(x1), operand_dtype(x2))
    shape = rules.broadcast_shapes(rules.shape_of(x1), rules.shape_of(x2))
    return rules.tensor(shape, "int32" if dtype == "bool" else dtype)


def _ldexp_rule(x1, x2):
    dtype = dtypes.float_result(dtypes.result_type(operand_dtype(x1)))
    return rules.tensor(rules.broadcast_shapes(rules.shape_of(x1), rules.shape_of(x2)), dtype)


def _clip_rule(x, x_min, x_max):
    dtype = rules.dtype_of(x)
    dtype = dtypes.result_type("int32" if dtype == "bool" else dtype, operand_dtype(x_min), operand_dtype(x_max))
    shape = rules.broadcast_shapes(*(rules.shape_of(v) for v in (x, x_min, x_max)))
    return rules.tensor(shape, dtype)


def _allclose_rule(x1, x2, *args, **kwargs):
    rules.broadcast_shapes(rules.shape_of(x1), rules.shape_of(x2))
    return rules.tensor((), "bool")


# Arithmetic ------------------------------------------------------------------------

@op(rules.binary_promote)
def add(x1, x2):
    """Adds two tensors elementwise, with broadcasting and Keras type promotion.

    Args:
        x1: first tensor (or Python scalar).
        x2: second tensor (or Python scalar).

    Returns:
        The elementwise sum.

    Example:
        >>> ops.add([1, 2], 3)
        array([4, 5], dtype=int32)
    """


@op(rules.binary_promote)
def subtract(x1, x2):
    """Subtracts `x2` from `x1` elementwise; two bool tensors cannot be subtracted.

    Example:
        >>> ops.subtract([5, 7], 2)
        array([3, 5], dtype=int32)
    """


@op(rules.binary_promote)
def multiply(x1, x2):
    """Multiplies two tensors elementwise, with broadcasting and Keras type promotion.

    Example:
        >>> ops.multiply([1, 2], 2.5)
        array([2.5, 5. ], dtype=float32)
    """


@op(rules.binary_float)
def divide(x1, x2):
    """True division, elementwise; integer and bool inputs give floatx.

    Example:
        >>> ops.divide([1, 3], 2)
        array([0.5, 1.5], dtype=float32)
    """


@op(rules.binary_float)
def true_divide(x1, x2):
    """True division, elementwise (the same as `divide`).

    Example:
        >>> ops.true_divide(3, [2, 4])
        array([1.5 , 0.75], dtype=float32)
    """


@op(rules.binary_float)
def divide_no_nan(x1, x2):
    """Division that gives 0 wherever the divisor is 0, elementwise.

    Example:
        >>> ops.divide_no_nan([1.0, 2.0], [0.0, 4.0])
        array([0. , 0.5], dtype=float32)
    """


@op(_binary_int_rule)
def floor_divide(x1, x2):
    """Division rounded towards negative infinity, elementwise (Python's ``//``).

    Example:
        >>> ops.floor_divide([7, -7], 2)
        array([ 3, -4], dtype=int32)
    """


@op(_binary_int_rule)
def mod(x1, x2):
    """Remainder of floor division, elementwise; it has the sign of `x2` (Python's ``%``).

    Example:
        >>> ops.mod([7, -7], 3)
        array([1, 2], dtype=int32)
    """


@op(_binary_int_rule)
def fmod(x1, x2):
    """Remainder of truncated division, elementwise; it has the sign of `x1` (C's ``fmod``).

    Example:
        >>> ops.fmod([7, -7], 3)
        array([ 1, -1], dtype=int32)
    """


@op(_binary_int_rule)
def power(x1, x2):
    """`x1` raised to the power `x2`, elementwise; two bool tensors compute in int32.

    Example:
        >>> ops.power([2, 3], 2)
        array([4, 9], dtype=int32)
    """


@op(rules.unary_same, check=functools.partial(_numeric_x, "negative"))
def negative(x):
    """Numerical negative, elementwise; unsigned integers wrap around.

    Example:
        >>> ops.negative([1.5, -2.0])
        array([-1.5,  2. ], dtype=float32)
    """


@op(_real_same)
def abs(x):
    """Absolute value, elementwise, in the input's dtype (complex inputs give the modulus).

    Example:
        >>> ops.abs([-1, 2])
        array([1, 2], dtype=int32)
    """


@op(_real_same)
def absolute(x):
    """Absolute value, elementwise (the same as `abs`).

    Example:
        >>> ops.absolute([-1.5, 2.0])
        array([1.5, 2. ], dtype=float32)
    """


@op(rules.unary_float)
def fabs(x):
    """Absolute value as floating point, elementwise; integer inputs give floatx.

    Example:
        >>> ops.fabs([-1, 2])
        array([1., 2.], dtype=float32)
    """


@op(rules.unary_float)
def reciprocal(x):
    """``1 / x``, elementwise; integer inputs give floatx.

    Example:
        >>> ops.reciprocal([2, 4])
        array([0.5 , 0.25], dtype=float32)
    """


@op(_square_rule)
def square(x):
    """``x * x``, elementwise, in the input's dtype (bool gives int32).

    Example:
        >>> ops.square([-3, 2])
        array([9, 4], dtype=int32)
    """


@op(rules.unary_float)
def sqrt(x):
    """Square root, elementwise; integer inputs give floatx.

    Example:
        >>> ops.sqrt([4.0, 9.0])
        array([2., 3.], dtype=float32)
    """


@op(rules.unary_same, check=functools.partial(_numeric_x, "sign"))
def sign(x):
    """-1, 0 or 1 by the sign of each element (NaN stays NaN), in the input's dtype.

    Example:
        >>> ops.sign([-2.5, 0.0, 3.0])
        array([-1.,  0.,  1.], dtype=float32)
    """


@op(_clip_rule)
def clip(x, x_min, x_max):
    """Limits the values of `x` to ``[x_min, x_max]``, elementwise.

    Args:
        x: input tensor; bool inputs are clipped as int32.
        x_min: lower bound (tensor or scalar), broadcast against `x`.
        x_max: upper bound (tensor or scalar); where it is below `x_min` it wins.

    Returns:
        ``minimum(maximum(x, x_min), x_max)``, promoted with the bounds.

    Example:
        >>> ops.clip([-3, 0, 5], 0, 2)
        array([0, 0, 2], dtype=int32)
    """


@op(rules.binary_promote)
def maximum(x1, x2):
    """Elementwise maximum; NaN in either input gives NaN.

    Example:
        >>> ops.maximum([1, 5], 3)
        array([3, 5], dtype=int32)
    """


@op(rules.binary_promote)
def minimum(x1, x2):
    """Elementwise minimum; NaN in either input gives NaN.

    Example:
        >>> ops.minimum([1, 5], 3)
        array([1, 3], dtype=int32)
    """


@op(rules.binary_promote)
def fmax(x1, x2):
    """Elementwise maximum that ignores NaN: where one input is NaN, the other is returned.

    Example:
        >>> ops.fmax([np.nan, 1.0], [2.0, np.nan])
        array([2., 1.], dtype=float32)
    """


@op(rules.binary_promote)
def fmin(x1, x2):
    """Elementwise minimum that ignores NaN: where one input is NaN, the other is returned.

    Example:
        >>> ops.fmin([np.nan, 1.0], [2.0, np.nan])
        array([2., 1.], dtype=float32)
    """


@op(rules.binary_float)
def heaviside(x1, x2):
    """Heaviside step function: 0 where ``x1 < 0``, 1 where ``x1 > 0``, `x2` where ``x1 == 0``.

    Example:
        >>> ops.heaviside([-1.0, 0.0, 2.0], 0.5)
        array([0. , 0.5, 1. ], dtype=float32)
    """


@op(rules.binary_float)
def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` elementwise, without intermediate overflow.

    Example:
        >>> ops.hypot([3, 5], [4, 12])
        array([ 5., 13.], dtype=float32)
    """


@op(_binary_int_rule, check=functools.partial(_integers_x1_x2, "gcd"))
def gcd(x1, x2):
    """Greatest common divisor of the absolute values, elementwise (integer inputs).

    Example:
        >>> ops.gcd([12, 9], [18, -6])
        array([6, 3], dtype=int32)
    """


@op(_binary_int_rule, check=functools.partial(_integers_x1_x2, "lcm"))
def lcm(x1, x2):
    """Least common multiple of the absolute values, elementwise (integer inputs).

    Example:
        >>> ops.lcm([4, 6], [6, -4])
        array([12, 12], dtype=int32)
    """


@op(_ldexp_rule, check=functools.partial(_check_ldexp, "ldexp"))
def ldexp(x1, x2):
    """``x1 * 2**x2`` elementwise, for an integer exponent `x2`; the result is floating point.

    Example:
        >>> ops.ldexp([1.0, -2.0], [2, 3])
        array([  4., -16.], dtype=float32)
    """


@op(rules.binary_float)
def nextafter(x1, x2):
    """The next representable floating-point value after `x1` in the direction of `x2`.

    Example:
        >>> ops.nextafter([1.0], 2.0) - 1.0
        array([1.1920929e-07], dtype=float32)
    """


@op(rules.unary_same, check=functools.partial(_check_round, "round"))
def round(x, decimals=0):
    """Rounds to `decimals` decimal places, halves to even, in the input's dtype.

    Args:
        x: input tensor (not bool).
        decimals: number of decimal places; negative values round to tens, hundreds, ...

    Example:
        >>> ops.round([0.5, 1.5, 1.26], 1)
        array([0.5, 1.5, 1.3], dtype=float32)
    """


@op(rules.unary_float)
def ceil(x):
    """The smallest integer value not below each element, as floating point.

    Example:
        >>> ops.ceil([-1.5, 1.2])
        array([-1.,  2.], dtype=float32)
    """


@op(rules.unary_float)
def floor(x):
    """The largest integer value not above each element, as floating point.

    Example:
        >>> ops.floor([-1.5, 1.7])
        array([-2.,  1.], dtype=float32)
    """


@op(rules.unary_same)
def trunc(x):
    """Rounds towards zero, elementwise, in the input's dtype.

    Example:
        >>> ops.trunc([-1.7, 1.7])
        array([-1.,  1.], dtype=float32)
    """


@op(rules.unary_same, check=functools.partial(_check_nan_to_num, "nan_to_num"))
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities with finite numbers.

    Args:
        x: input tensor; integer and bool tensors are returned unchanged.
        nan: value for NaN.
        posinf: value for +inf; defaults to the largest finite value of the dtype.
        neginf: value for -inf; defaults to the most negative finite value of the dtype.

    Example:
        >>> ops.nan_to_num([np.nan, np.inf, 1.0], posinf=9.0)
        array([0., 9., 1.], dtype=float32)
    """


# Comparisons -----------------------------------------------------------------------

@op(rules.binary_bool)
def equal(x1, x2):
    """``x1 == x2``, elementwise.

    Example:
        >>> ops.equal([1, 2], 2)
        array([False,  True])
    """


@op(rules.binary_bool)
def not_equal(x1, x2):
    """``x1 != x2``, elementwise.

    Example:
        >>> ops.not_equal([1, 2], 2)
        array([ True, False])
    """


@op(rules.binary_bool)
def greater(x1, x2):
    """``x1 > x2``, elementwise.

    Example:
        >>> ops.greater([1, 3], 2)
        array([False,  True])
    """


@op(rules.binary_bool)
def greater_equal(x1, x2):
    """``x1 >= x2``, elementwise.

    Example:
        >>> ops.greater_equal([1, 2], 2)
        array([False,  True])
    """


@op(rules.binary_bool)
def less(x1, x2):
    """``x1 < x2``, elementwise.

    Example:
        >>> ops.less([1, 3], 2)
        array([ True, False])
    """


@op(rules.binary_bool)
def less_equal(x1, x2):
    """``x1 <= x2``, elementwise.

    Example:
        >>> ops.less_equal([2, 3], 2)
        array([ True, False])
    """


@op(rules.binary_bool, check=functools.partial(_check_tolerances, "isclose"))
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``|x1 - x2| <= atol + rtol * |x2|``, elementwise.

    Args:
        x1: first tensor.
        x2: second tensor; the relative tolerance scales with it.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: whether two NaNs count as close. Equal infinities always do.

    Example:
        >>> ops.isclose([1.0, 1.1], 1.0 + 1e-7)
        array([ True, False])
    """


@op(_allclose_rule, check=functools.partial(_check_tolerances, "allclose"))
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element pair is close, as a scalar bool tensor (see `isclose`).

    Example:
        >>> ops.allclose([1.0, 2.0], [1.0, 2.0 + 1e-7])
        array(True)
    """


# Logic -----------------------------------------------------------------------------

@op(rules.binary_bool)
def logical_and(x1, x2):
    """Logical AND, elementwise; nonzero values count as True.

    Example:
        >>> ops.logical_and([True, True], [True, False])
        array([ True, False])
    """


@op(rules.binary_bool)
def logical_or(x1, x2):
    """Logical OR, elementwise; nonzero values count as True.

    Example:
        >>> ops.logical_or([False, False], [True, False])
        array([ True, False])
    """


@op(rules.binary_bool)
def logical_xor(x1, x2):
    """Logical XOR, elementwise; nonzero values count as True.

    Example:
        >>> ops.logical_xor([True, True], [True, False])
        array([False,  True])
    """


@op(rules.unary_bool)
def logical_not(x):
    """Logical NOT, elementwise; nonzero values count as True.

    Example:
        >>> ops.logical_not([0, 2])
        array([ True, False])
    """


# Bits ------------------------------------------------------------------------------

@op(rules.binary_promote, check=functools.partial(_integers_xy, "bitwise_and"))
def bitwise_and(x, y):
    """Bitwise AND of integer or bool tensors, elementwise.

    Example:
        >>> ops.bitwise_and([12, 10], 6)
        array([4, 2], dtype=int32)
    """


@op(rules.binary_promote, check=functools.partial(_integers_xy, "bitwise_or"))
def bitwise_or(x, y):
    """Bitwise OR of integer or bool tensors, elementwise.

    Example:
        >>> ops.bitwise_or([12, 10], 6)
        array([14, 14], dtype=int32)
    """


@op(rules.binary_promote, check=functools.partial(_integers_xy, "bitwise_xor"))
def bitwise_xor(x, y):
    """Bitwise XOR of integer or bool tensors, elementwise.

    Example:
        >>> ops.bitwise_xor([12, 10], 6)
        array([10, 12], dtype=int32)
    """


@op(rules.unary_same, check=functools.partial(_integer_x, "bitwise_invert"))
def bitwise_invert(x):
    """Bitwise NOT of an integer or bool tensor (``~x``), elementwise.

    Example:
        >>> ops.bitwise_invert(np.array([0, 5], "uint8"))
        array([255, 250], dtype=uint8)
    """


@op(rules.unary_same, check=functools.partial(_integer_x, "bitwise_not"))
def bitwise_not(x):
    """Bitwise NOT, elementwise (the same as `bitwise_invert`).

    Example:
        >>> ops.bitwise_not([0, -1])
        array([-1,  0], dtype=int32)
    """


@op(_binary_int_rule, check=functools.partial(_integers_xy, "bitwise_left_shift"))
def bitwise_left_shift(x, y):
    """Shifts the bits of `x` left by `y` places, elementwise (bits shifted out are lost).

    Example:
        >>> ops.bitwise_left_shift([1, 3], 2)
        array([ 4, 12], dtype=int32)
    """


@op(_binary_int_rule, check=functools.partial(_integers_xy, "left_shift"))
def left_shift(x, y):
    """Shifts the bits of `x` left by `y` places (the same as `bitwise_left_shift`).

    Example:
        >>> ops.left_shift([1, 3], 1)
        array([2, 6], dtype=int32)
    """


@op(_binary_int_rule, check=functools.partial(_integers_xy, "bitwise_right_shift"))
def bitwise_right_shift(x, y):
    """Shifts the bits of `x` right by `y` places; signed values keep their sign.

    Example:
        >>> ops.bitwise_right_shift([8, -8], 2)
        array([ 2, -2], dtype=int32)
    """


@op(_binary_int_rule, check=functools.partial(_integers_xy, "right_shift"))
def right_shift(x, y):
    """Shifts the bits of `x` right by `y` places (the same as `bitwise_right_shift`).

    Example:
        >>> ops.right_shift([8, 9], 1)
        array([4, 4], dtype=int32)
    """


# Predicates ------------------------------------------------------------------------

@op(rules.unary_bool)
def isfinite(x):
    """Whether each element is neither infinite nor NaN (always True for integers).

    Example:
        >>> ops.isfinite([1.0, np.inf, np.nan])
        array([ True, False, False])
    """


@op(rules.unary_bool)
def isinf(x):
    """Whether each element is +inf or -inf.

    Example:
        >>> ops.isinf([1.0, -np.inf])
        array([False,  True])
    """


@op(rules.unary_bool)
def isnan(x):
    """Whether each element is NaN.

    Example:
        >>> ops.isnan([1.0, np.nan])
        array([False,  True])
    """


@op(rules.unary_bool)
def isneginf(x):
    """Whether each element is -inf.

    Example:
        >>> ops.isneginf([-np.inf, np.inf])
        array([ True, False])
    """
    return logical_and(isinf(x), less(x, 0))


@op(rules.unary_bool)
def isposinf(x):
    """Whether each element is +inf.

    Example:
        >>> ops.isposinf([-np.inf, np.inf])
        array([False,  True])
    """
    return logical_and(isinf(x), greater(x, 0))


@op(rules.unary_bool)
def isreal(x):
    """Whether each element has a zero imaginary part (always True for real dtypes).

    Example:
        >>> ops.isreal(np.array([1 + 0j, 1j]))
        array([ True, False])
    """
    return equal(imag(x), 0)


@op(rules.unary_bool)
def signbit(x):
    """Whether the sign bit is set, elementwise (True for -0.0 and negative values).

    Example:
        >>> ops.signbit([-0.0, 0.0, -2.0])
        array([ True, False,  True])
    """


# Complex parts ---------------------------------------------------------------------

@op(_real_same)
def real(x):
    """The real part of each element (real inputs are returned unchanged).

    Example:
        >>> ops.real(np.array([1 + 2j]))
        array([1.])
    """


@op(_real_same)
def imag(x):
    """The imaginary part of each element (zeros for real inputs).

    Example:
        >>> ops.imag(np.array([1 + 2j]))
        array([2.])
    """


@op(rules.unary_same)
def conj(x):
    """The complex conjugate of each element (real inputs are returned unchanged).

    Example:
        >>> ops.conj(np.array([1 + 2j]))
        array([1.-2.j])
    """


@op(rules.unary_same)
def conjugate(x):
    """The complex conjugate of each element (the same as `conj`).

    Example:
        >>> ops.conjugate(np.array([3 - 4j]))
        array([3.+4.j])
    """


@op(_real_float)
def angle(x):
    """The counterclockwise angle from the positive real axis, in radians, elementwise.

    Real inputs give 0 or pi; integer inputs give floatx.

    Example:
        >>> ops.angle([-1.0, 2.0])
        array([3.1415927, 0.       ], dtype=float32)
    """


from kerasnb.engine.ops.numpy import elementwise_math as _math  # noqa: E402  (uses the ops above)
from kerasnb.engine.ops.numpy.elementwise_math import *  # noqa: E402,F401,F403

__all__ += _math.__all__
