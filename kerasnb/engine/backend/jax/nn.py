"""Neural-network ops on the JAX backend, mostly thin wrappers of `jax.nn`."""

import jax
import jax.numpy as jnp
from jax.experimental import sparse as jax_sparse

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor

__all__ = [
    "celu", "elu", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "log_sigmoid", "log_softmax", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "one_hot", "multi_hot", "moments", "batch_normalization", "layer_normalization",
    "rms_normalization", "normalize", "psnr", "polar",
]


def _float(x, dtype=None):
    """`x` as a jax.Array of `dtype`, else of its floating result dtype (ints become floatx)."""
    x = convert_to_tensor(x)
    return x.astype(common.numpy_dtype(dtype or dtypes.float_result(x.dtype)))


def _floats(*items):
    """The non-None `items` converted to their common floating dtype (Keras promotion)."""
    dtype = dtypes.float_result(dtypes.result_type(
        *[common.operand_dtype(v) for v in items if v is not None]))
    return [None if v is None else _float(v, dtype) for v in items]


def _int_or_float(x):
    """`x` as a jax.Array; bool becomes int32, other dtypes stay."""
    x = convert_to_tensor(x)
    return x.astype(jnp.int32) if x.dtype == jnp.bool_ else x


def _on_float(fn):
    """A float activation: `fn` applied to `x` cast to its floating result dtype."""

    def impl(x):
        return fn(_float(x))

    return impl


# Activations -----------------------------------------------------------------------

relu6 = _on_float(jax.nn.relu6)
selu = _on_float(jax.nn.selu)
softplus = _on_float(jax.nn.softplus)
softsign = _on_float(jax.nn.soft_sign)
sigmoid = _on_float(jax.nn.sigmoid)
log_sigmoid = _on_float(jax.nn.log_sigmoid)
hard_sigmoid = _on_float(jax.nn.hard_sigmoid)
sparse_sigmoid = _on_float(jax.nn.sparse_sigmoid)
sparse_plus = _on_float(jax.nn.sparse_plus)
silu = _on_float(jax.nn.silu)
swish = silu
hard_silu = _on_float(jax.nn.hard_silu)
hard_swish = hard_silu


def relu(x):
    return jax.nn.relu(_int_or_float(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(_float(x), negative_slope=negative_slope)


def elu(x, alpha=1.0):
    return jax.nn.elu(_float(x), alpha=alpha)


def celu(x, alpha=1.0):
    return jax.nn.celu(_float(x), alpha=alpha)


def gelu(x, approximate=True):
    return jax.nn.gelu(_float(x), approximate=approximate)


def squareplus(x, b=4):
    return jax.nn.squareplus(_float(x), b=b)


def glu(x, axis=-1):
    return jax.nn.glu(_float(x), axis=axis)


def hard_tanh(x):
    x = _int_or_float(x)
    return jnp.clip(x, 0 if jnp.issubdtype(x.dtype, jnp.unsignedinteger) else -1, 1)


def tanh_shrink(x):
    x = _float(x)
    return x - jnp.tanh(x)


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros_like(x))


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    return x - jnp.clip(x, -threshold, threshold)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(default_value))
    x = x.astype(common.numpy_dtype(dtype))
    return jnp.where(x > threshold, x, default_value).astype(x.dtype)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def softmax(x, axis=-1):
    return jax.nn.softmax(_float(x), axis=_axis(axis))


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(_float(x), axis=_axis(axis))


def sparsemax(x, axis=-1):
    x = _float(x)
    ranked = -jnp.sort(-x, axis=axis)
    cumulative = jnp.cumsum(ranked, axis=axis)
    k = jnp.arange(1, x.shape[axis] + 1, dtype=x.dtype)
    k = k.reshape([-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])
    support = jnp.sum(1 + k * ranked > cumulative, axis=axis, keepdims=True)
    tau = (jnp.take_along_axis(cumulative, support - 1, axis=axis) - 1) / support.astype(x.dtype)
    return jnp.maximum(x - tau, 0)


# Crossentropies --------------------------------------------------------------------

def _clipped_log(p):
    eps = config.epsilon()
    return jnp.log(jnp.clip(p, eps, 1 - eps))


def _class_log_probs(output, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    return _clipped_log(output / jnp.sum(output, axis=axis, keepdims=True))


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (1 - target) * jax.nn.log_sigmoid(-output)
    return -(target * _clipped_log(output) + (1 - target) * _clipped_log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    return -jnp.sum(target * _class_log_probs(output, from_logits, axis), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = convert_to_tensor(target).astype(jnp.int32)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    log_probs = _class_log_probs(output, from_logits, axis)
    picked = jnp.take_along_axis(log_probs, jnp.expand_dims(target, axis), axis=axis)
    return -jnp.squeeze(picked, axis)


# Encodings -------------------------------------------------------------------------

def _maybe_sparse(dense, sparse):
    return jax_sparse.BCOO.fromdense(dense) if sparse else dense


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x).astype(jnp.int32)
    dense = jax.nn.one_hot(x, num_classes, axis=axis,
                           dtype=common.numpy_dtype(dtype or config.floatx()))
    return _maybe_sparse(dense, sparse)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = kwargs.get("num_tokens") if num_classes is None else num_classes
    inputs = convert_to_tensor(inputs)
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype)
    return _maybe_sparse(jnp.max(hot, axis=1 if inputs.ndim > 1 else 0), sparse)


# Statistics and normalization ------------------------------------------------------

def _axes(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def moments(x, axes, keepdims=False, synchronized=False):
    if synchronized:
        raise NotImplementedError(
            "`moments` is not implemented on the jax backend: synchronized=True needs a "
            "tensorflow distribution strategy to all-reduce the statistics across replicas.")
    x = _float(x)
    original = x.dtype
    if dtypes.standardize_dtype(original) in ("float16", "bfloat16"):
        x = x.astype(jnp.float32)
    mean = jnp.mean(x, axis=_axes(axes), keepdims=keepdims)
    variance = jnp.var(x, axis=_axes(axes), keepdims=keepdims)
    if x.dtype != original:
        limit = float(jnp.finfo(original).max)
        mean, variance = (jnp.clip(v, -limit, limit).astype(original) for v in (mean, variance))
    return mean, variance


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x, mean, variance, offset, scale = _floats(x, mean, variance, offset, scale)
    shape = [1] * x.ndim
    shape[axis] = -1
    inv = jax.lax.rsqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * scale.reshape(shape)
    shift = -mean.reshape(shape) * inv
    if offset is not None:
        shift = shift + offset.reshape(shape)
    return x * inv + shift


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
    mean = jnp.mean(x, axis=axes, keepdims=True)
    inv = jax.lax.rsqrt(jnp.var(x, axis=axes, keepdims=True) + epsilon)
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
    out = x * jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * _broadcast_to_axes(scale, x, axes)
    return out.astype(original)


def normalize(x, axis=-1, order=2, epsilon=None):
    epsilon = config.epsilon() if epsilon is None else epsilon
    x = _float(x)
    x = x.reshape(x.shape or (1,))
    axis = _axes(axis)
    if order == 2:
        norm = jnp.sqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    else:
        norm = jnp.sum(jnp.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    return x / jnp.maximum(norm, epsilon)


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20 * jnp.log10(jnp.asarray(max_val, x1.dtype)) - 10 * jnp.log10(mse)


def polar(abs_, angle):
    abs_, angle = _floats(abs_, angle)
    if abs_.dtype != jnp.float64:
        abs_, angle = abs_.astype(jnp.float32), angle.astype(jnp.float32)
    return jax.lax.complex(abs_ * jnp.cos(angle), abs_ * jnp.sin(angle))
