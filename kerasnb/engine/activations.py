"""Activation functions (`keras.activations`), written with kerasnb ops.

Each works eagerly on every backend and on symbolic KerasTensors. Built-ins serialize as
their name (`serialize(relu) == "relu"`); `get` accepts a name, a config dict, a callable,
or None (`linear`).

Example:
    >>> get("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
"""

import numbers

from kerasnb.engine.initializers import lookup
from kerasnb.engine.initializers.initializer import cast_value
from kerasnb.engine.ops import core, nn
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin, builtins_of, serialize_keras_object

__all__ = [
    "celu", "deserialize", "elu", "exponential", "gelu", "get", "glu", "hard_shrink",
    "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid",
    "log_softmax", "mish", "relu", "relu6", "selu", "serialize", "sigmoid", "silu", "soft_shrink",
    "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus",
    "swish", "tanh", "tanh_shrink", "threshold",
]


def _check_real(value, name, allow_none=False, minimum=None):
    if allow_none and value is None:
        return
    if minimum is None and type(value) in (int, float):  # the usual case, without ABC checks
        return
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or (
            minimum is not None and value < minimum):
        expected = "a number" if minimum is None else f"a number >= {minimum}"
        expected += " or None" if allow_none else ""
        raise ValueError(f"relu: `{name}` must be {expected}; received {value!r}.")


def _keep_logits(output, logits):
    """Attaches the pre-activation values, so that crossentropy losses can use them."""
    try:
        output._keras_logits = logits
    except AttributeError:  # NumPy arrays and some framework tensors take no attributes
        pass
    return output


@builtin("activations")
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with optional leak, cap and threshold.

    Returns ``x`` where ``x > threshold`` (capped at `max_value`), else 0 minus
    ``negative_slope * (threshold - x)``.

    Args:
        x: the input tensor.
        negative_slope: the slope below `threshold`.
        max_value: the cap on the output (None: no cap).
        threshold: values at or below it are treated as inactive.

    Example:
        >>> relu(np.array([-2.0, 0.5, 9.0]), negative_slope=0.1, max_value=6.0)
        array([-0.2,  0.5,  6. ])
    """
    _check_real(negative_slope, "negative_slope")
    _check_real(max_value, "max_value", allow_none=True, minimum=0)
    _check_real(threshold, "threshold")
    if max_value is None and threshold == 0:
        return nn.relu(x) if negative_slope == 0 else nn.leaky_relu(x, negative_slope=negative_slope)
    x = core.convert_to_tensor(x)
    dtype = core.dtype(x)
    if threshold != 0:
        output = knp.where(knp.greater(x, cast_value(threshold, dtype)), x, 0)
    else:
        output = nn.relu(x)
    if max_value is not None:
        output = knp.clip(output, cast_value(0, dtype), cast_value(max_value, dtype))
    if negative_slope != 0:
        output = knp.subtract(output, knp.multiply(negative_slope, nn.relu(knp.subtract(threshold, x))))
    return output


@builtin("activations")
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x > 0``, else ``negative_slope * x``.

    Example:
        >>> leaky_relu(np.array([-1.0, 1.0]))
        array([-0.2,  1. ])
    """
    return nn.leaky_relu(x, negative_slope=negative_slope)


@builtin("activations")
def relu6(x):
    """``min(max(x, 0), 6)``.

    Example:
        >>> relu6(np.array([-1.0, 7.0]))
        array([0., 6.])
    """
    return nn.relu6(x)


@builtin("activations")
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along `axis` (an int or a tuple of ints).

    Example:
        >>> softmax(np.array([0.0, 0.0]))
        array([0.5, 0.5])
    """
    return _keep_logits(nn.softmax(x, axis=axis), x)


@builtin("activations")
def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Example:
        >>> elu(np.array([-1.0, 1.0]))
        array([-0.63212056,  1.        ])
    """
    return nn.elu(x, alpha=alpha)


@builtin("activations")
def selu(x):
    """Scaled ELU with the self-normalizing constants (alpha ~1.6733, scale ~1.0507).

    Example:
        >>> selu(np.array([0.0, 1.0]))
        array([0.        , 1.05070099])
    """
    return nn.selu(x)


@builtin("activations")
def softplus(x):
    """``log(exp(x) + 1)``.

    Example:
        >>> softplus(np.array([0.0]))
        array([0.69314718])
    """
    return nn.softplus(x)


@builtin("activations")
def softsign(x):
    """``x / (abs(x) + 1)``.

    Example:
        >>> softsign(np.array([1.0]))
        array([0.5])
    """
    return nn.softsign(x)


@builtin("activations")
def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above `threshold`, ``x + threshold`` below ``-threshold``, else 0.

    Example:
        >>> soft_shrink(np.array([-1.0, 0.2, 1.0]))
        array([-0.5,  0. ,  0.5])
    """
    return nn.soft_shrink(x, threshold=threshold)


@builtin("activations")
def sparse_plus(x):
    """0 below -1, ``(x + 1) ** 2 / 4`` on [-1, 1], ``x`` above 1.

    Example:
        >>> sparse_plus(np.array([-2.0, 0.0, 2.0]))
        array([0.  , 0.25, 2.  ])
    """
    return nn.sparse_plus(x)


@builtin("activations", "swish")
def silu(x):
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``.

    Example:
        >>> silu(np.array([0.0]))
        array([0.])
    """
    return nn.silu(x)


@builtin("activations")
def squareplus(x, b=4):
    """``(x + sqrt(x ** 2 + b)) / 2``, a smooth relu.

    Example:
        >>> squareplus(np.array([0.0]))
        array([1.])
    """
    return nn.squareplus(x, b=b)


@builtin("activations")
def gelu(x, approximate=False):
    """Gaussian error linear unit ``x * P(X <= x)``, X standard normal.

    Args:
        x: the input tensor.
        approximate: use the tanh approximation (exact erf form by default, as in
            `keras.activations`; `ops.gelu` defaults to the approximation).

    Example:
        >>> gelu(np.array([1.0]))
        array([0.84134475])
    """
    return nn.gelu(x, approximate=approximate)


@builtin("activations")
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> celu(np.array([-1.0, 1.0]))
        array([-0.63212056,  1.        ])
    """
    return nn.celu(x, alpha=alpha)


@builtin("activations")
def glu(x, axis=-1):
    """Gated linear unit: splits `x` in halves ``a, b`` along `axis`, returns ``a * sigmoid(b)``.

    Example:
        >>> glu(np.array([2.0, 0.0]))
        array([1.])
    """
    return nn.glu(x, axis=axis)


@builtin("activations")
def tanh(x):
    """Hyperbolic tangent.

    Example:
        >>> tanh(np.array([0.0]))
        array([0.])
    """
    return knp.tanh(x)


@builtin("activations")
def tanh_shrink(x):
    """``x - tanh(x)``.

    Example:
        >>> tanh_shrink(np.array([0.0]))
        array([0.])
    """
    return nn.tanh_shrink(x)


@builtin("activations")
def hard_tanh(x):
    """``x`` clipped to [-1, 1].

    Example:
        >>> hard_tanh(np.array([-3.0, 0.5]))
        array([-1. ,  0.5])
    """
    return nn.hard_tanh(x)


@builtin("activations")
def hard_shrink(x, threshold=0.5):
    """``x`` where ``abs(x) > threshold``, else 0.

    Example:
        >>> hard_shrink(np.array([-1.0, 0.2]))
        array([-1.,  0.])
    """
    return nn.hard_shrink(x, threshold=threshold)


@builtin("activations")
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else `default_value`.

    Example:
        >>> threshold(np.array([-1.0, 2.0]), 0.0, -5.0)
        array([-5.,  2.])
    """
    return nn.threshold(x, threshold, default_value)


@builtin("activations")
def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Example:
        >>> sigmoid(np.array([0.0]))
        array([0.5])
    """
    return _keep_logits(nn.sigmoid(x), x)


@builtin("activations")
def exponential(x):
    """``exp(x)``.

    Example:
        >>> exponential(np.array([0.0]))
        array([1.])
    """
    return knp.exp(x)


@builtin("activations")
def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``relu6(x + 3) / 6``.

    Example:
        >>> hard_sigmoid(np.array([0.0]))
        array([0.5])
    """
    return nn.hard_sigmoid(x)


@builtin("activations")
def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably.

    Example:
        >>> log_sigmoid(np.array([0.0]))
        array([-0.69314718])
    """
    return nn.log_sigmoid(x)


@builtin("activations")
def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above 1.

    Example:
        >>> sparse_sigmoid(np.array([-2.0, 0.0]))
        array([0. , 0.5])
    """
    return nn.sparse_sigmoid(x)


@builtin("activations", "hard_swish")
def hard_silu(x):
    """Hard SiLU (hard swish): ``x * relu6(x + 3) / 6``.

    Example:
        >>> hard_silu(np.array([3.0]))
        array([3.])
    """
    return nn.hard_silu(x)


@builtin("activations")
def linear(x):
    """The identity: returns `x` unchanged.

    Example:
        >>> linear(3.0)
        3.0
    """
    return x


@builtin("activations")
def mish(x):
    """``x * tanh(softplus(x))``.

    Example:
        >>> mish(np.array([0.0]))
        array([0.])
    """
    return knp.multiply(x, knp.tanh(nn.softplus(x)))


@builtin("activations")
def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along `axis`, computed stably.

    Example:
        >>> log_softmax(np.array([0.0, 0.0]))
        array([-0.69314718, -0.69314718])
    """
    return nn.log_softmax(x, axis=axis)


@builtin("activations")
def sparsemax(x, axis=-1):
    """Euclidean projection of `x` onto the probability simplex along `axis` (sparse outputs).

    Example:
        >>> sparsemax(np.array([2.0, 0.0]))
        array([1., 0.])
    """
    return nn.sparsemax(x, axis=axis)


swish = silu
hard_swish = hard_silu


def serialize(activation):
    """The name of a built-in activation, else `activation`'s config dict.

    Example:
        >>> serialize(swish)
        'silu'
    """
    name = getattr(activation, "__name__", None)
    if builtins_of("activations").get(name) is activation:
        return name
    return serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    """The activation function of a `serialize` result (a name or a config dict).

    Example:
        >>> deserialize("relu") is relu
        True
    """
    return lookup.deserialize("activations", "activation function", config, custom_objects)


def get(identifier):
    """The activation function `identifier` stands for.

    Args:
        identifier: None (returns `linear`), a name (`"relu"`, `"swish"`, ...), a config
            dict, or a callable (returned as is).

    Example:
        >>> get(None) is linear
        True
    """
    if identifier is None:
        return linear
    return lookup.get("activations", "activation function", identifier, instantiate=False)

