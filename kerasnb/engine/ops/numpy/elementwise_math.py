"""Elementwise math functions: exponentials, logarithms, trigonometry, special functions.

Re-exported by `elementwise.py`. Integer and bool inputs give floatx. Ops with a short
composite body fall back to it on backends without a native function.
"""

import math

from kerasnb.engine import dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.core import cast
from kerasnb.engine.ops.numpy import elementwise as _ew
from kerasnb.engine.ops.op import op

__all__ = [
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cbrt", "cos",
    "cosh", "deg2rad", "erf", "erfc", "erfinv", "exp", "exp2", "expm1", "i0", "log", "log10",
    "log1p", "log2", "logaddexp", "logaddexp2", "rad2deg", "rsqrt", "sin", "sinc", "sinh", "tan",
    "tanh",
]


def _binary_float_strong(x1, x2):
    """A floating-point function of two tensors; Python scalars are converted as tensors first.

    So ``f(float16_tensor, 1.0)`` is float32, as ``1.0`` becomes a floatx tensor.
    """
    dtype = dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2), float)
    return rules.tensor(rules.broadcast_shapes(rules.shape_of(x1), rules.shape_of(x2)), dtype)


def _as_float(x):
    """`x` as a tensor of its floating-point result dtype (ints and bool become floatx)."""
    return cast(x, dtypes.float_result(rules.dtype_of(x)))


# Exponentials and logarithms -------------------------------------------------------

@op(rules.unary_float)
def exp(x):
    """``e**x``, elementwise; integer inputs give floatx.

    Example:
        >>> ops.exp([0.0, 1.0])
        array([1.      , 2.718282], dtype=float32)
    """


@op(rules.unary_float)
def exp2(x):
    """``2**x``, elementwise; integer inputs give floatx.

    Example:
        >>> ops.exp2([3, -1])
        array([8. , 0.5], dtype=float32)
    """
    return _ew.power(2.0, x)


@op(rules.unary_float)
def expm1(x):
    """``exp(x) - 1``, elementwise, accurate for small `x`.

    Example:
        >>> ops.expm1([1e-10])
        array([1.e-10], dtype=float32)
    """


@op(rules.unary_float)
def log(x):
    """Natural logarithm, elementwise; integer inputs give floatx.

    Example:
        >>> ops.log([1.0, np.e])
        array([0., 1.], dtype=float32)
    """


@op(rules.unary_float)
def log2(x):
    """Base-2 logarithm, elementwise.

    Example:
        >>> ops.log2([1, 8])
        array([0., 3.], dtype=float32)
    """
    return _ew.multiply(log(x), 1 / math.log(2))


@op(rules.unary_float)
def log10(x):
    """Base-10 logarithm, elementwise.

    Example:
        >>> ops.log10([1, 10])
        array([0., 1.], dtype=float32)
    """
    return _ew.multiply(log(x), 1 / math.log(10))


@op(rules.unary_float)
def log1p(x):
    """``log(1 + x)``, elementwise, accurate for small `x`.

    Example:
        >>> ops.log1p([1e-10])
        array([1.e-10], dtype=float32)
    """


@op(_binary_float_strong)
def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))``, elementwise, without overflow.

    Example:
        >>> ops.logaddexp([0.0, 10.0], [0.0, 10.0])
        array([ 0.6931472, 10.693148 ], dtype=float32)
    """


@op(_binary_float_strong)
def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)``, elementwise, without overflow.

    Example:
        >>> ops.logaddexp2([1.0, 3.0], [1.0, 3.0])
        array([2., 4.], dtype=float32)
    """
    dtype, ln2 = _binary_float_strong(x1, x2).dtype, math.log(2)
    x1, x2 = _ew.multiply(cast(x1, dtype), ln2), _ew.multiply(cast(x2, dtype), ln2)
    return _ew.multiply(logaddexp(x1, x2), 1 / ln2)


# Trigonometric and hyperbolic ------------------------------------------------------

@op(rules.unary_float)
def sin(x):
    """Sine of `x` in radians, elementwise.

    Example:
        >>> ops.sin([0.0, np.pi / 2])
        array([0., 1.], dtype=float32)
    """


@op(rules.unary_float)
def cos(x):
    """Cosine of `x` in radians, elementwise.

    Example:
        >>> ops.cos([0.0, np.pi])
        array([ 1., -1.], dtype=float32)
    """


@op(rules.unary_float)
def tan(x):
    """Tangent of `x` in radians, elementwise.

    Example:
        >>> ops.tan([0.0, np.pi / 4])
        array([0., 1.], dtype=float32)
    """


@op(rules.unary_float)
def arcsin(x):
    """Inverse sine, in radians in ``[-pi/2, pi/2]``; NaN outside ``[-1, 1]``.

    Example:
        >>> ops.arcsin([0.0, 1.0])
        array([0.       , 1.5707964], dtype=float32)
    """


@op(rules.unary_float)
def arccos(x):
    """Inverse cosine, in radians in ``[0, pi]``; NaN outside ``[-1, 1]``.

    Example:
        >>> ops.arccos([1.0, -1.0])
        array([0.       , 3.1415927], dtype=float32)
    """


@op(rules.unary_float)
def arctan(x):
    """Inverse tangent, in radians in ``(-pi/2, pi/2)``.

    Example:
        >>> ops.arctan([0.0, 1.0])
        array([0.       , 0.7853982], dtype=float32)
    """


@op(_binary_float_strong)
def arctan2(x1, x2):
    """The angle of the point ``(x2, x1)``, in radians in ``[-pi, pi]``, elementwise.

    Args:
        x1: y-coordinates.
        x2: x-coordinates.

    Example:
        >>> ops.arctan2([1.0, -1.0], [-1.0, -1.0])
        array([ 2.3561945, -2.3561945], dtype=float32)
    """


@op(rules.unary_float)
def sinh(x):
    """Hyperbolic sine, elementwise.

    Example:
        >>> ops.sinh([0.0])
        array([0.], dtype=float32)
    """


@op(rules.unary_float)
def cosh(x):
    """Hyperbolic cosine, elementwise.

    Example:
        >>> ops.cosh([0.0])
        array([1.], dtype=float32)
    """


@op(rules.unary_float)
def tanh(x):
    """Hyperbolic tangent, elementwise.

    Example:
        >>> ops.tanh([0.0, 100.0])
        array([0., 1.], dtype=float32)
    """


@op(rules.unary_float)
def arcsinh(x):
    """Inverse hyperbolic sine, elementwise.

    Example:
        >>> ops.arcsinh([0.0])
        array([0.], dtype=float32)
    """


@op(rules.unary_float)
def arccosh(x):
    """Inverse hyperbolic cosine, elementwise; NaN below 1.

    Example:
        >>> ops.arccosh([1.0])
        array([0.], dtype=float32)
    """


@op(rules.unary_float)
def arctanh(x):
    """Inverse hyperbolic tangent, elementwise; NaN outside ``[-1, 1]``.

    Example:
        >>> ops.arctanh([0.0])
        array([0.], dtype=float32)
    """


@op(rules.unary_float)
def deg2rad(x):
    """Converts angles from degrees to radians, elementwise.

    Example:
        >>> ops.deg2rad([180])
        array([3.1415927], dtype=float32)
    """
    return _ew.multiply(x, math.pi / 180)


@op(rules.unary_float)
def rad2deg(x):
    """Converts angles from radians to degrees, elementwise.

    Example:
        >>> ops.rad2deg([np.pi])
        array([180.], dtype=float32)
    """
    return _ew.multiply(x, 180 / math.pi)


@op(rules.unary_float)
def sinc(x):
    """The normalized sinc function ``sin(pi * x) / (pi * x)``, with ``sinc(0) = 1``.

    Example:
        >>> ops.sinc([0.0, 0.5])
        array([1.        , 0.63661975], dtype=float32)
    """


# Roots and special functions -------------------------------------------------------

@op(rules.unary_float)
def cbrt(x):
    """Cube root, elementwise (negative for negative inputs).

    Example:
        >>> ops.cbrt([-8, 1])
        array([-2.,  1.], dtype=float32)
    """
    x = _as_float(x)
    return _ew.multiply(_ew.sign(x), _ew.power(_ew.abs(x), 1 / 3))


@op(rules.unary_float)
def rsqrt(x):
    """Reciprocal square root ``1 / sqrt(x)``, elementwise.

    Example:
        >>> ops.rsqrt([4.0, 16.0])
        array([0.5 , 0.25], dtype=float32)
    """


@op(rules.unary_float)
def erf(x):
    """The Gauss error function, elementwise.

    Example:
        >>> ops.erf([0.0, 1.0])
        array([0.       , 0.8427008], dtype=float32)
    """


@op(rules.unary_float)
def erfc(x):
    """The complementary error function ``1 - erf(x)``, accurate for large `x`.

    Example:
        >>> ops.erfc([0.0, 1.0])
        array([1.       , 0.1572992], dtype=float32)
    """


@op(rules.unary_float)
def erfinv(x):
    """The inverse error function on ``[-1, 1]`` (±inf at ±1, NaN outside).

    Example:
        >>> ops.erfinv([0.0, 0.5])
        array([0.        , 0.47693628], dtype=float32)
    """


@op(rules.unary_float)
def i0(x):
    """The modified Bessel function of the first kind, order 0, elementwise.

    Example:
        >>> ops.i0([0.0, 1.0])
        array([0.99999994, 1.2660661 ], dtype=float32)
    """
