"""Neural-network ops on the TensorFlow backend, mostly thin wrappers of `tf.nn`."""

import tensorflow as tf
import tensorflow.experimental.numpy as tnp

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor

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
    """`x` as a tf.Tensor of `dtype`, else of its floating result dtype (ints become floatx)."""
    x = convert_to_tensor(x)
    dtype = dtype or dtypes.float_result(x.dtype.name)
    return x if x.dtype == dtype else tf.cast(x, dtype)


def _floats(*items):
    """The non-None `items` converted to their common floating dtype (Keras promotion)."""
    dtype = dtypes.float_result(dtypes.result_type(
        *[common.operand_dtype(v) for v in items if v is not None]))
    return [None if v is None else _float(v, dtype) for v in items]


def _int_or_float(x):
    """`x` as a tf.Tensor; bool becomes int32, other dtypes stay."""
    x = convert_to_tensor(x)
    return tf.cast(x, "int32") if x.dtype == tf.bool else x


def _on_float(fn):
    """A float activation: `fn` applied to `x` cast to its floating result dtype."""

    def impl(x):
        return fn(_float(x))

    return impl


def _axes(axis):
    return list(axis) if isinstance(axis, (list, tuple)) else axis


# Activations -----------------------------------------------------------------------

relu6 = _on_float(tf.nn.relu6)
selu = _on_float(tf.nn.selu)
softplus = _on_float(tf.math.softplus)
softsign = _on_float(tf.nn.softsign)
sigmoid = _on_float(tf.math.sigmoid)
log_sigmoid = _on_float(tf.math.log_sigmoid)
silu = _on_float(tf.nn.silu)
swish = silu


def relu(x):
    return tf.nn.relu(_int_or_float(x))


def leaky_relu(x, negative_slope=0.2):
    x = _float(x)  # not tf.nn.leaky_relu: its float32 `alpha` attribute rounds the slope
    return tf.where(x >= 0, x, negative_slope * x)


def elu(x, alpha=1.0):
    x = _float(x)
    return tf.nn.elu(x) if alpha == 1 else tf.where(x > 0, x, alpha * tf.nn.elu(x))


def celu(x, alpha=1.0):
    x = _float(x)
    return tf.maximum(x, 0) + alpha * tf.math.expm1(tf.minimum(x, 0) / alpha)


def gelu(x, approximate=True):
    return tf.nn.gelu(_float(x), approximate=approximate)


def sparse_plus(x):
    x = _float(x)
    return tf.where(x >= 1, x, tf.square(tf.clip_by_value(x, -1, 1) + 1) / 4)


def sparse_sigmoid(x):
    return tf.clip_by_value((_float(x) + 1) / 2, 0, 1)


def squareplus(x, b=4):
    x = _float(x)
    return (x + tf.sqrt(tf.square(x) + b)) / 2


def hard_sigmoid(x):
    return tf.nn.relu6(_float(x) + 3) / 6


def hard_silu(x):
    x = _float(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def glu(x, axis=-1):
    a, b = tf.split(_float(x), 2, axis=axis)
    return a * tf.math.sigmoid(b)


def hard_tanh(x):
    x = _int_or_float(x)
    return tf.clip_by_value(x, 0 if x.dtype.is_unsigned else -1, 1)


def tanh_shrink(x):
    x = _float(x)
    return x - tf.tanh(x)


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return tf.where(tf.abs(x) > threshold, x, tf.zeros_like(x))


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    return x - tf.clip_by_value(x, -threshold, threshold)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(default_value))
    compare = dtypes.result_type(dtype, common.operand_dtype(threshold))
    above = tf.cast(x, compare) > tf.cast(threshold, compare)
    x = tf.cast(x, dtype)
    return tf.where(above, x, tf.cast(default_value, dtype))


def softmax(x, axis=-1):
    x = _float(x)
    if isinstance(axis, int):
        return tf.nn.softmax(x, axis=axis)
    return tf.exp(x - tf.reduce_logsumexp(x, axis=_axes(axis), keepdims=True))


def log_softmax(x, axis=-1):
    x = _float(x)
    if isinstance(axis, int):
        return tf.nn.log_softmax(x, axis=axis)
    return x - tf.reduce_logsumexp(x, axis=_axes(axis), keepdims=True)


def sparsemax(x, axis=-1):
    x = _float(x)
    ranked = tf.sort(x, axis=axis, direction="DESCENDING")
    cumulative = tf.cumsum(ranked, axis=axis)
    k = tf.cast(tf.range(1, tf.shape(x)[axis] + 1), x.dtype)  # dynamic: works inside tf.function
    k = tf.reshape(k, [-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])
    support = tf.cast(1 + k * ranked > cumulative, x.dtype)
    size = tf.reduce_sum(support, axis=axis, keepdims=True)
    tau = (tf.reduce_sum(ranked * support, axis=axis, keepdims=True) - 1) / size
    return tf.maximum(x - tau, 0)


# Crossentropies --------------------------------------------------------------------

def _clipped_log(p):
    eps = config.epsilon()
    return tf.math.log(tf.clip_by_value(p, eps, 1 - eps))


def _normalized_log(output, axis):
    return _clipped_log(output / tf.reduce_sum(output, axis=axis, keepdims=True))


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    return -(target * _clipped_log(output) + (1 - target) * _clipped_log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    if from_logits:
        return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
    return -tf.reduce_sum(target * _normalized_log(output, axis), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = tf.cast(convert_to_tensor(target), "int64")
    if target.shape.rank == output.shape.rank and target.shape[-1] == 1:
        target = tf.squeeze(target, -1)
    if from_logits:
        logits = tnp.moveaxis(output, axis, -1)
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=logits)
    log_probs = _normalized_log(output, axis)
    picked = tnp.take_along_axis(log_probs, tf.expand_dims(target, axis), axis=axis)
    return -tf.squeeze(picked, axis)


# Encodings -------------------------------------------------------------------------

def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = tf.cast(convert_to_tensor(x), "int64")
    dtype = dtypes.standardize_dtype(dtype or config.floatx())
    on, off = (True, False) if dtype == "bool" else (None, None)  # the 1/0 defaults fail for bool
    dense = tf.one_hot(x, num_classes, on, off, axis=axis, dtype=dtype)
    return tf.sparse.from_dense(dense) if sparse else dense


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = kwargs.get("num_tokens") if num_classes is None else num_classes
    inputs = convert_to_tensor(inputs)
    hot = one_hot(inputs, num_classes, axis=axis, dtype="float32")
    reduced = tf.reduce_max(hot, axis=1 if inputs.shape.rank > 1 else 0)
    dense = tf.cast(reduced, dtype or config.floatx())
    return tf.sparse.from_dense(dense) if sparse else dense


# Statistics and normalization ------------------------------------------------------

def _all_axes(axes, ndim):
    if axes is None:
        return list(range(ndim))
    return list(axes) if isinstance(axes, (list, tuple)) else [axes]


def _replica_moments(x, axes, keepdims):
    """Mean and variance over `axes`, summed across the replicas of the current strategy."""
    context = tf.distribute.get_replica_context()
    count = tf.cast(tf.reduce_prod(tf.gather(tf.shape(x), axes)), x.dtype)
    totals = [tf.reduce_sum(v, axis=axes, keepdims=keepdims) for v in (x, tf.square(x))]
    count, total, squares = (context.all_reduce("sum", v) for v in [count] + totals)
    mean = total / count
    return mean, tf.maximum(squares / count - tf.square(mean), 0)


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float(x)
    original = x.dtype
    if original in (tf.float16, tf.bfloat16):
        x = tf.cast(x, "float32")
    axes = _all_axes(axes, x.shape.rank)
    if synchronized and tf.distribute.has_strategy() and not tf.distribute.in_cross_replica_context():
        mean, variance = _replica_moments(x, axes, keepdims)
    else:
        mean, variance = tf.nn.moments(x, axes, keepdims=keepdims)
    if x.dtype != original:
        limit = original.max
        mean, variance = (tf.cast(tf.clip_by_value(v, -limit, limit), original) for v in (mean, variance))
    return mean, variance


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x, mean, variance, offset, scale = _floats(x, mean, variance, offset, scale)
    shape = [1] * x.shape.rank
    shape[axis] = -1
    mean, variance, offset, scale = (
        None if v is None else tf.reshape(v, shape) for v in (mean, variance, offset, scale))
    return tf.nn.batch_normalization(x, mean, variance, offset, scale, epsilon)


def _at_least_float32(x):
    x = convert_to_tensor(x)
    return x.dtype, _float(x, dtypes.result_type(x.dtype.name, "float32"))


def _norm_axes(axis, ndim):
    axis = axis if isinstance(axis, (list, tuple)) else (axis,)
    return sorted(a % ndim for a in axis)


def _broadcast_to_axes(v, x, axes):
    """A per-feature parameter shaped like the normalized axes, reshaped to broadcast with `x`."""
    if v is None:
        return None
    v = _float(v, x.dtype.name)
    if v.shape.rank == x.shape.rank:
        return v
    return tf.reshape(v, [x.shape[i] if i in axes else 1 for i in range(x.shape.rank)])


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    epsilon = config.epsilon() if epsilon is None else epsilon
    original, x = _at_least_float32(x)
    axes = _norm_axes(axis, x.shape.rank)
    mean, variance = tf.nn.moments(x, axes, keepdims=True)
    gamma = _broadcast_to_axes(gamma, x, axes)
    if kwargs.get("rms_scaling"):
        out = x * tf.math.rsqrt(variance + epsilon)
        return tf.cast(out if gamma is None else out * gamma, original)
    beta = _broadcast_to_axes(beta, x, axes)
    return tf.cast(tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon), original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    epsilon = config.epsilon() if epsilon is None else epsilon
    original, x = _at_least_float32(x)
    if x.shape.rank == 0:
        x = tf.reshape(x, [1])
    axes = _norm_axes(axis, x.shape.rank)
    out = x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * _broadcast_to_axes(scale, x, axes)
    return tf.cast(out, original)


def normalize(x, axis=-1, order=2, epsilon=None):
    epsilon = config.epsilon() if epsilon is None else epsilon
    x = _float(x)
    if x.shape.rank == 0:
        x = tf.reshape(x, [1])
    if order == 2:
        return tf.math.l2_normalize(x, axis=_axes(axis), epsilon=epsilon ** 2)
    norm = tf.norm(x, ord=order, axis=_all_axes(axis, x.shape.rank)[0], keepdims=True)
    return x / tf.maximum(norm, epsilon)


def _log10(x):
    return tf.math.log(x) / tf.math.log(tf.constant(10, x.dtype))


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    mse = tf.reduce_mean(tf.square(x1 - x2))
    return 20 * _log10(tf.cast(max_val, x1.dtype)) - 10 * _log10(mse)


def polar(abs_, angle):
    abs_, angle = _floats(abs_, angle)
    if abs_.dtype != tf.float64:
        abs_, angle = tf.cast(abs_, "float32"), tf.cast(angle, "float32")
    return tf.complex(abs_ * tf.cos(angle), abs_ * tf.sin(angle))
