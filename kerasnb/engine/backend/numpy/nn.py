"""Neural-network ops on the NumPy backend: activations, losses, encodings, normalization."""

import functools
import math

import numpy as np

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor

__all__ = [
    "celu", "elu", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "log_sigmoid", "log_softmax", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "one_hot", "multi_hot", "moments", "batch_normalization", "layer_normalization",
    "rms_normalization", "normalize", "psnr", "polar",
]

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805
_erf = np.frompyfunc(math.erf, 1, 1)


def _float(x, dtype=None):
    """`x` as an ndarray of `dtype`, else of its floating result dtype (ints become floatx)."""
    x = convert_to_tensor(x)
    dtype = dtype or dtypes.float_result(x.dtype)
    return x.astype(common.numpy_dtype(dtype), copy=False)


def _floats(*items):
    """The non-None `items` converted to their common floating dtype (Keras promotion)."""
    dtype = dtypes.float_result(dtypes.result_type(
        *[common.operand_dtype(v) for v in items if v is not None]))
    return [None if v is None else _float(v, dtype) for v in items]


def _int_or_float(x):
    """`x` as an ndarray; bool becomes int32, other dtypes stay."""
    x = convert_to_tensor(x)
    return x.astype(np.int32) if x.dtype == bool else x


def _unsupported(name, reason):
    return NotImplementedError(f"`{name}` is not implemented on the numpy backend: {reason}")


# Activations -----------------------------------------------------------------------

def _activation(cast):
    """Wraps ``fn(x, ...)``: `x` converted by `cast`, the result kept in `x`'s dtype.

    NumPy promotes bfloat16 (an extension dtype) with Python scalars to float32, so the
    result is cast back.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def impl(x, *args, **kwargs):
            x = cast(x)
            return np.asarray(fn(x, *args, **kwargs)).astype(x.dtype, copy=False)

        return impl

    return decorate


@_activation(_int_or_float)
def relu(x):
    return np.maximum(x, 0)


@_activation(_int_or_float)
def hard_tanh(x):
    return np.clip(x, 0 if x.dtype.kind == "u" else -1, 1)


@_activation(_float)
def relu6(x):
    return np.clip(x, 0, 6)


@_activation(_float)
def leaky_relu(x, negative_slope=0.2):
    return np.where(x >= 0, x, negative_slope * x)


@_activation(_float)
def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@_activation(_float)
def selu(x):
    return SELU_SCALE * elu(x, SELU_ALPHA)


@_activation(_float)
def celu(x, alpha=1.0):
    return np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0) / alpha)


@_activation(_float)
def gelu(x, approximate=True):
    if approximate:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)).astype(x.dtype))


@_activation(_float)
def sparse_plus(x):
    return np.where(x >= 1, x, np.square(np.clip(x, -1, 1) + 1) / 4)


@_activation(_float)
def squareplus(x, b=4):
    return (x + np.sqrt(np.square(x) + b)) / 2


@_activation(_float)
def softplus(x):
    return np.logaddexp(x, 0)


@_activation(_float)
def softsign(x):
    return x / (np.abs(x) + 1)


@_activation(_float)
def sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


@_activation(_float)
def log_sigmoid(x):
    return -np.logaddexp(0, -x)


@_activation(_float)
def hard_sigmoid(x):
    return np.clip(x + 3, 0, 6) / 6


@_activation(_float)
def sparse_sigmoid(x):
    return np.clip((x + 1) / 2, 0, 1)


@_activation(_float)
def silu(x):
    return x * sigmoid(x)


@_activation(_float)
def hard_silu(x):
    return x * hard_sigmoid(x)


swish = silu
hard_swish = hard_silu


@_activation(_float)
def glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


@_activation(_float)
def tanh_shrink(x):
    return x - np.tanh(x)


@_activation(_float)
def hard_shrink(x, threshold=0.5):
    return np.where(np.abs(x) > threshold, x, np.zeros_like(x))


@_activation(_float)
def soft_shrink(x, threshold=0.5):
    return x - np.clip(x, -threshold, threshold)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(default_value))
    x = x.astype(common.numpy_dtype(dtype), copy=False)
    return np.where(x > threshold, x, default_value).astype(x.dtype, copy=False)


@_activation(_float)
def log_softmax(x, axis=-1):
    axis = tuple(axis) if isinstance(axis, list) else axis
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


@_activation(_float)
def softmax(x, axis=-1):
    axis = tuple(axis) if isinstance(axis, list) else axis
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


@_activation(_float)
def sparsemax(x, axis=-1):
    ranked = -np.sort(-x, axis=axis)
    cumulative = np.cumsum(ranked, axis=axis)
    k = np.arange(1, x.shape[axis] + 1, dtype=x.dtype)
    k = k.reshape([-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])
    support = np.sum(1 + k * ranked > cumulative, axis=axis, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, axis=axis) - 1) / support.astype(x.dtype)
    return np.maximum(x - tau, 0)


# Crossentropies --------------------------------------------------------------------

def _clipped_log(p):
    eps = config.epsilon()
    return np.log(np.clip(p, eps, 1 - eps))


def _class_log_probs(output, from_logits, axis):
    if from_logits:
        return log_softmax(output, axis=axis)
    return _clipped_log(output / np.sum(output, axis=axis, keepdims=True))


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    if from_logits:
        loss = target * np.logaddexp(0, -output) + (1 - target) * np.logaddexp(0, output)
    else:
        loss = -(target * _clipped_log(output) + (1 - target) * _clipped_log(1 - output))
    return np.asarray(loss, dtype=output.dtype)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    loss = -np.sum(target * _class_log_probs(output, from_logits, axis), axis=axis)
    return np.asarray(loss, dtype=output.dtype)


def _sparse_labels(target, output):
    target = convert_to_tensor(target).astype(np.int64)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = np.squeeze(target, -1)
    return target


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    labels = np.expand_dims(_sparse_labels(target, output), axis)
    picked = np.take_along_axis(_class_log_probs(output, from_logits, axis), labels, axis=axis)
    return np.asarray(-np.squeeze(picked, axis), dtype=output.dtype)


# Encodings -------------------------------------------------------------------------

def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise _unsupported("one_hot", "sparse=True needs a sparse tensor type, which NumPy lacks.")
    x = convert_to_tensor(x).astype(np.int64)
    hot = x[..., None] == np.arange(num_classes)
    return np.moveaxis(hot.astype(common.numpy_dtype(dtype or config.floatx())), -1, axis)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    if sparse:
        raise _unsupported("multi_hot", "sparse=True needs a sparse tensor type, which NumPy lacks.")
    num_classes = kwargs.get("num_tokens") if num_classes is None else num_classes
    inputs = convert_to_tensor(inputs)
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype)
    return np.max(hot, axis=1 if inputs.ndim > 1 else 0)


# Statistics and normalization ------------------------------------------------------

def _axes(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def moments(x, axes, keepdims=False, synchronized=False):
    if synchronized:
        raise _unsupported("moments", "synchronized=True needs a tensorflow distribution strategy "
                           "to all-reduce the statistics across replicas.")
    x = _float(x)
    original = x.dtype
    if dtypes.standardize_dtype(original) in ("float16", "bfloat16"):
        x = x.astype(np.float32)
    mean = np.mean(x, axis=_axes(axes), keepdims=keepdims)
    variance = np.var(x, axis=_axes(axes), keepdims=keepdims)
    if x.dtype != original:
        limit = float(np.finfo(original).max)
        mean, variance = (np.clip(v, -limit, limit).astype(original) for v in (mean, variance))
    return np.asarray(mean), np.asarray(variance)


def _feature_shape(ndim, axis, size):
    shape = [1] * ndim
    shape[axis] = size
    return shape


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x, mean, variance, offset, scale = _floats(x, mean, variance, offset, scale)
    shape = _feature_shape(x.ndim, axis, -1)
    inv = 1 / np.sqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * scale.reshape(shape)
    shift = -mean.reshape(shape) * inv
    if offset is not None:
        shift = shift + offset.reshape(shape)
    return (x * inv + shift).astype(x.dtype, copy=False)


def _at_least_float32(x):
    x = convert_to_tensor(x)
    return x.dtype, _float(x, dtypes.result_type(x.dtype, "float32"))


def _broadcast_to_axes(v, x, axes):
    """A per-feature parameter shaped like the normalized axes, reshaped to broadcast with `x`."""
    v = _float(v, x.dtype)
    if v.ndim == x.ndim:
        return v
    return v.reshape([x.shape[i] if i in axes else 1 for i in range(x.ndim)])


def _norm_axes(axis, ndim):
    axis = axis if isinstance(axis, (list, tuple)) else (axis,)
    return tuple(a % ndim for a in axis)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    epsilon = config.epsilon() if epsilon is None else epsilon
    original, x = _at_least_float32(x)
    axes = _norm_axes(axis, x.ndim)
    mean = np.mean(x, axis=axes, keepdims=True)
    inv = 1 / np.sqrt(np.var(x, axis=axes, keepdims=True) + epsilon)
    if gamma is not None:
        inv = inv * _broadcast_to_axes(gamma, x, axes)
    if kwargs.get("rms_scaling"):
        return (x * inv).astype(original)
    out = (x - mean) * inv
    if beta is not None:
        out = out + _broadcast_to_axes(beta, x, axes)
    return out.astype(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    epsilon = config.epsilon() if epsilon is None else epsilon
    original, x = _at_least_float32(x)
    x = x.reshape(x.shape or (1,))
    axes = _norm_axes(axis, x.ndim)
    out = x / np.sqrt(np.mean(np.square(x), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * _broadcast_to_axes(scale, x, axes)
    return out.astype(original)


def normalize(x, axis=-1, order=2, epsilon=None):
    epsilon = config.epsilon() if epsilon is None else epsilon
    x = _float(x)
    x = x.reshape(x.shape or (1,))
    axis = _axes(axis)
    if order == 2:
        norm = np.sqrt(np.sum(np.square(x), axis=axis, keepdims=True))
    else:
        norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    return (x / np.maximum(norm, epsilon)).astype(x.dtype, copy=False)


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    mse = np.mean(np.square(x1 - x2))
    return np.asarray(20 * np.log10(np.asarray(max_val, x1.dtype)) - 10 * np.log10(mse), x1.dtype)


def polar(abs_, angle):
    abs_, angle = _floats(abs_, angle)
    if abs_.dtype != np.float64:
        abs_, angle = abs_.astype(np.float32), angle.astype(np.float32)
    complex_dtype = np.complex128 if abs_.dtype == np.float64 else np.complex64
    real, imag = abs_ * np.cos(angle), abs_ * np.sin(angle)
    return np.asarray(real + 1j * imag, dtype=complex_dtype)
