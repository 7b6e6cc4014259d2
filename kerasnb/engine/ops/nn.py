"""Neural-network ops (`keras.ops.nn`): activations, losses, normalization, encodings.

Activations live here; crossentropies, encodings, statistics and normalization live in
`nn_stats.py`; both are re-exported here together with the convolution family. Argument
checks run once, before dispatch (the `check` of `@op`), so the backends only compute.
"""

import numbers

from kerasnb.engine import dtypes
from kerasnb.engine.ops import conv as _conv
from kerasnb.engine.ops import nn_stats as _nn_stats
from kerasnb.engine.ops import numpy as _numpy
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.conv import *  # noqa: F401,F403  (convolution, pooling, attention, ctc)
from kerasnb.engine.ops.nn_stats import *  # noqa: F401,F403
from kerasnb.engine.ops.nn_stats import check_axes, check_axis, operand
from kerasnb.engine.ops.op import op

__all__ = [
    "celu", "elu", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "log_sigmoid", "log_softmax", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold",
]


# Argument checks and rules ---------------------------------------------------------

def _check_threshold(x, threshold=0.5):
    if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool) or threshold < 0:
        raise ValueError(f"`threshold` must be a non-negative number; received {threshold!r}.")


def _check_glu(x, axis=-1):
    shape = rules.shape_of(x)
    size = shape[check_axis(axis, len(shape))]
    if size is not None and size % 2:
        raise ValueError(
            f"`x` must have an even size along `axis` {axis} to split it in two halves; "
            f"received shape {shape}.")


def _check_softmax(x, axis=-1):
    check_axes(axis, len(rules.shape_of(x)))


def _check_sparsemax(x, axis=-1):
    check_axis(axis, len(rules.shape_of(x)))


def _keep_ints(x, *args, **kwargs):
    """Rule for piecewise-linear ops that keep integer dtypes (bool becomes int32)."""
    dtype = rules.dtype_of(x)
    return rules.tensor(rules.shape_of(x), "int32" if dtype == "bool" else dtype)


def _glu_rule(x, axis=-1):
    shape = list(rules.shape_of(x))
    axis = check_axis(axis, len(shape))
    shape[axis] = None if shape[axis] is None else shape[axis] // 2
    return rules.tensor(tuple(shape), dtypes.float_result(rules.dtype_of(x)))


def _threshold_rule(x, threshold, default_value):
    return rules.tensor(rules.shape_of(x), dtypes.result_type(operand(x), operand(default_value)))


# Rectifiers ------------------------------------------------------------------------

@op(_keep_ints, family="nn")
def relu(x):
    """Rectified linear unit, ``max(x, 0)``; integer inputs keep their dtype.

    Example:
        >>> ops.relu([-1.0, 0.0, 2.0])
        array([0., 0., 2.], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def relu6(x):
    """Rectified linear unit capped at 6, ``min(max(x, 0), 6)``.

    Example:
        >>> ops.relu6([-1.0, 3.0, 8.0])
        array([0., 3., 6.], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def leaky_relu(x, negative_slope=0.2):
    """Leaky rectifier: `x` where non-negative, ``negative_slope * x`` elsewhere.

    Args:
        x: input tensor.
        negative_slope: slope of the negative part.

    Example:
        >>> ops.leaky_relu([-1.0, 2.0])
        array([-0.2,  2. ], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def elu(x, alpha=1.0):
    """Exponential linear unit: `x` where positive, ``alpha * (exp(x) - 1)`` elsewhere.

    Example:
        >>> ops.elu([-1.0, 2.0])
        array([-0.63212055,  2.        ], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def selu(x):
    """Scaled ELU, ``scale * elu(x, alpha)`` with the self-normalizing constants
    ``alpha ~ 1.67326`` and ``scale ~ 1.05070``.

    Example:
        >>> ops.selu([0.0, 1.0])
        array([0.      , 1.050701], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def celu(x, alpha=1.0):
    """Continuously differentiable ELU, ``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> ops.celu([-1.0, 2.0], alpha=2.0)
        array([-0.78693867,  2.        ], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def gelu(x, approximate=True):
    """Gaussian error linear unit, ``x * Phi(x)`` with `Phi` the standard normal CDF.

    Args:
        x: input tensor.
        approximate: use the tanh approximation
            ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3)))``
            instead of the exact erf form.

    Example:
        >>> ops.gelu([1.0], approximate=False)
        array([0.8413447], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def sparse_plus(x):
    """SparsePlus: 0 below -1, `x` above 1, ``(x + 1) ** 2 / 4`` in between.

    Example:
        >>> ops.sparse_plus([-2.0, 0.0, 2.0])
        array([0.  , 0.25, 2.  ], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def squareplus(x, b=4):
    """Squareplus, a smooth rectifier: ``(x + sqrt(x ** 2 + b)) / 2``.

    Example:
        >>> ops.squareplus([0.0], b=4)
        array([1.], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def softplus(x):
    """Softplus, ``log(1 + exp(x))``, computed without overflow.

    Example:
        >>> ops.softplus([0.0])
        array([0.6931472], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def softsign(x):
    """Softsign, ``x / (abs(x) + 1)``.

    Example:
        >>> ops.softsign([1.0, -3.0])
        array([ 0.5 , -0.75], dtype=float32)
    """


# Sigmoids and gates ----------------------------------------------------------------

@op(rules.unary_float, family="nn")
def sigmoid(x):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``.

    Example:
        >>> ops.sigmoid([0.0])
        array([0.5], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def log_sigmoid(x):
    """Logarithm of the sigmoid, ``-softplus(-x)``, stable for large ``|x|``.

    Example:
        >>> ops.log_sigmoid([0.0])
        array([-0.6931472], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def hard_sigmoid(x):
    """Piecewise-linear sigmoid, ``relu6(x + 3) / 6``.

    Example:
        >>> ops.hard_sigmoid([-4.0, 0.0, 4.0])
        array([0. , 0.5, 1. ], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def sparse_sigmoid(x):
    """SparseSigmoid: 0 below -1, 1 above 1, ``(x + 1) / 2`` in between.

    Example:
        >>> ops.sparse_sigmoid([-2.0, 0.0, 0.5])
        array([0.  , 0.5 , 0.75], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def silu(x):
    """Sigmoid linear unit (swish), ``x * sigmoid(x)``.

    Example:
        >>> ops.silu([0.0, 1.0])
        array([0.       , 0.7310586], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def swish(x):
    """Swish, ``x * sigmoid(x)``; the same function as `silu`.

    Example:
        >>> ops.swish([1.0])
        array([0.7310586], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def hard_silu(x):
    """Hard SiLU (hard swish), ``x * relu6(x + 3) / 6``.

    Example:
        >>> ops.hard_silu([-4.0, 1.0, 4.0])
        array([-0.       ,  0.6666667,  4.       ], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def hard_swish(x):
    """Hard swish, ``x * relu6(x + 3) / 6``; the same function as `hard_silu`.

    Example:
        >>> ops.hard_swish([1.0])
        array([0.6666667], dtype=float32)
    """


@op(_glu_rule, family="nn", check=_check_glu)
def glu(x, axis=-1):
    """Gated linear unit: splits `x` in halves `a`, `b` along `axis`, returns ``a * sigmoid(b)``.

    Args:
        x: input tensor; its size along `axis` must be even.
        axis: the axis to split.

    Returns:
        A tensor with half the size of `x` along `axis`.

    Example:
        >>> ops.glu([1.0, 2.0, 0.0, 0.0])
        array([0.5, 1. ], dtype=float32)
    """


# Shrinkage and clipping ------------------------------------------------------------

@op(_keep_ints, family="nn")
def hard_tanh(x):
    """Clips `x` to ``[-1, 1]``; integer inputs keep their dtype.

    Example:
        >>> ops.hard_tanh([-2.0, 0.5, 3.0])
        array([-1. ,  0.5,  1. ], dtype=float32)
    """


@op(rules.unary_float, family="nn")
def tanh_shrink(x):
    """Tanh shrink, ``x - tanh(x)``.

    Example:
        >>> ops.tanh_shrink([0.0])
        array([0.], dtype=float32)
    """


@op(rules.unary_float, family="nn", check=_check_threshold)
def hard_shrink(x, threshold=0.5):
    """Hard shrink: `x` where ``abs(x) > threshold``, 0 elsewhere.

    Args:
        x: input tensor.
        threshold: non-negative cut-off.

    Example:
        >>> ops.hard_shrink([-1.0, 0.2, 0.7])
        array([-1. ,  0. ,  0.7], dtype=float32)
    """


@op(rules.unary_float, family="nn", check=_check_threshold)
def soft_shrink(x, threshold=0.5):
    """Soft shrink: moves `x` towards 0 by `threshold`, 0 where ``abs(x) <= threshold``.

    Args:
        x: input tensor.
        threshold: non-negative shrinkage amount.

    Example:
        >>> ops.soft_shrink([-1.0, 0.25, 0.75])
        array([-0.5 ,  0.  ,  0.25], dtype=float32)
    """


@op(_threshold_rule, family="nn")
def threshold(x, threshold, default_value):
    """`x` where ``x > threshold``, `default_value` elsewhere.

    The result dtype promotes `x` with `default_value` (Python scalars are weak).

    Example:
        >>> ops.threshold([1.0, 3.0], 2.0, 0.0)
        array([0., 3.], dtype=float32)
    """


# Normalized exponentials -----------------------------------------------------------

@op(rules.unary_float, family="nn", check=_check_softmax)
def softmax(x, axis=-1):
    """Softmax, ``exp(x) / sum(exp(x))`` over `axis`.

    Args:
        x: input tensor.
        axis: an int, a tuple of ints (normalized jointly) or None (all axes).

    Example:
        >>> ops.softmax([0.0, 0.0])
        array([0.5, 0.5], dtype=float32)
    """


@op(rules.unary_float, family="nn", check=_check_softmax)
def log_softmax(x, axis=-1):
    """Log-softmax, ``x - logsumexp(x)`` over `axis`.

    Args:
        x: input tensor.
        axis: an int, a tuple of ints (normalized jointly) or None (all axes).

    Example:
        >>> ops.log_softmax([0.0, 0.0])
        array([-0.6931472, -0.6931472], dtype=float32)
    """


@op(rules.unary_float, family="nn", check=_check_sparsemax)
def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of `x` onto the probability simplex along `axis`.

    Like softmax the result sums to 1 along `axis`, but small entries become exactly 0.

    Example:
        >>> ops.sparsemax([1.0, 2.0, 3.0])
        array([0., 0., 1.], dtype=float32)
    """


# Internal fused ops (not in `keras.ops`) ------------------------------------------

def _dense_rule(x, kernel, bias=None):
    product = _numpy.matmul.rule(x, kernel)
    return product if bias is None else _numpy.add.rule(product, bias)


@op(_dense_rule, family="nn")
def dense(x, kernel, bias=None):
    """``x @ kernel + bias`` in one call, for `Dense`-like layers: backends may fuse it
    (torch's `linear`); the others run `matmul` and `add`.

    Args:
        x: input of shape ``(..., in)``.
        kernel: weights of shape ``(in, out)``.
        bias: None or a vector of shape ``(out,)``.
    """
    y = _numpy.matmul(x, kernel)
    return y if bias is None else _numpy.add(y, bias)


__all__ += _nn_stats.__all__ + _conv.__all__
