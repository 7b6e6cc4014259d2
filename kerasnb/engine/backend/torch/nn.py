"""Neural-network ops on the PyTorch backend, mostly thin wrappers of `torch.nn.functional`."""

import torch
import torch.nn.functional as F

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.torch.core import convert_to_tensor, dtype_of, to_torch_dtype
from kerasnb.engine.backend.torch.numpy import add, matmul

__all__ = [
    "celu", "elu", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "log_sigmoid", "log_softmax", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "one_hot", "multi_hot", "moments", "batch_normalization", "layer_normalization",
    "rms_normalization", "normalize", "psnr", "polar", "dense",
]

_HALF = (torch.float16, torch.bfloat16)
_FLOATS = frozenset((torch.float16, torch.bfloat16, torch.float32, torch.float64))


def _float(x, dtype=None):
    """`x` as a torch.Tensor of `dtype`, else of its floating result dtype (ints become floatx)."""
    x = convert_to_tensor(x)
    target = to_torch_dtype(dtype or dtypes.float_result(dtype_of(x)))
    return x if x.dtype == target else x.to(target)


def _floats(*items):
    """The non-None `items` converted to their common floating dtype (Keras promotion)."""
    dtype = dtypes.float_result(dtypes.result_type(
        *[common.operand_dtype(v) for v in items if v is not None]))
    return [None if v is None else _float(v, dtype) for v in items]


def _int_or_float(x):
    """`x` as a torch.Tensor; bool becomes int32, other dtypes stay."""
    x = convert_to_tensor(x)
    return x.to(torch.int32) if x.dtype == torch.bool else x


def _dims(axis, ndim):
    """Torch `dim` for a Keras axis: an int stays, a sequence becomes a tuple, None means all."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _on_float(fn):
    """A float activation: `fn` applied to `x` cast to its floating result dtype."""

    def impl(x):
        return fn(_float(x))

    return impl


# Activations -----------------------------------------------------------------------

relu6 = _on_float(F.relu6)
selu = _on_float(F.selu)
softplus = _on_float(F.softplus)
softsign = _on_float(F.softsign)
sigmoid = _on_float(torch.sigmoid)
log_sigmoid = _on_float(F.logsigmoid)
hard_sigmoid = _on_float(F.hardsigmoid)
silu = _on_float(F.silu)
swish = silu
hard_silu = _on_float(F.hardswish)
hard_swish = hard_silu
tanh_shrink = _on_float(F.tanhshrink)


def relu(x):
    return torch.relu(_int_or_float(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_float(x), negative_slope)


def elu(x, alpha=1.0):
    return F.elu(_float(x), alpha)


def celu(x, alpha=1.0):
    return F.celu(_float(x), alpha)


def gelu(x, approximate=True):
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


def sparse_plus(x):
    x = _float(x)
    return torch.where(x >= 1, x, torch.square(torch.clamp(x, -1, 1) + 1) / 4)


def sparse_sigmoid(x):
    return torch.clamp((_float(x) + 1) / 2, 0, 1)


def squareplus(x, b=4):
    x = _float(x)
    return (x + torch.sqrt(torch.square(x) + b)) / 2


def glu(x, axis=-1):
    return F.glu(_float(x), axis)


def hard_tanh(x):
    x = _int_or_float(x)
    unsigned = x.dtype in (torch.uint8, torch.uint16, torch.uint32, torch.uint64)
    return torch.clamp(x, 0 if unsigned else -1, 1)


def hard_shrink(x, threshold=0.5):
    return F.hardshrink(_float(x), threshold)


def soft_shrink(x, threshold=0.5):
    return F.softshrink(_float(x), threshold)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    dtype = dtypes.result_type(common.operand_dtype(x), common.operand_dtype(default_value))
    return F.threshold(x.to(to_torch_dtype(dtype)), threshold, default_value)


def softmax(x, axis=-1):
    x = _float(x)
    dims = _dims(axis, x.ndim)
    if isinstance(dims, int):
        return F.softmax(x, dims)
    return torch.exp(x - torch.logsumexp(x, dim=dims, keepdim=True))


def log_softmax(x, axis=-1):
    x = _float(x)
    dims = _dims(axis, x.ndim)
    if isinstance(dims, int):
        return F.log_softmax(x, dims)
    return x - torch.logsumexp(x, dim=dims, keepdim=True)


def sparsemax(x, axis=-1):
    x = _float(x)
    ranked = torch.sort(x, dim=axis, descending=True).values
    cumulative = torch.cumsum(ranked, dim=axis)
    k = torch.arange(1, x.shape[axis] + 1, dtype=x.dtype, device=x.device)
    k = k.reshape([-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])
    support = torch.sum(1 + k * ranked > cumulative, dim=axis, keepdim=True)
    tau = (torch.gather(cumulative, axis, support - 1) - 1) / support.to(x.dtype)
    return torch.clamp(x - tau, min=0)


# Fused layers ----------------------------------------------------------------------

def dense(x, kernel, bias=None):
    """``x @ kernel + bias`` as one `addmm` (2-D `x`) or `linear` when all operands share a
    floating dtype; otherwise matmul and add with Keras promotion.

    `addmm` takes the ``(in, out)`` kernel as it is stored, so the backward pass has no
    transpose nodes and gives the kernel's gradient in its own layout.
    """
    x, kernel = convert_to_tensor(x), convert_to_tensor(kernel)
    bias = None if bias is None else convert_to_tensor(bias)
    if (x.dtype == kernel.dtype and x.dtype.is_floating_point and kernel.ndim == 2
            and (bias is None or (bias.dtype == x.dtype and bias.ndim == 1))):
        if x.ndim == 2:
            return torch.mm(x, kernel) if bias is None else torch.addmm(bias, x, kernel)
        return F.linear(x, kernel.t(), bias)
    y = matmul(x, kernel)
    return y if bias is None else add(y, bias)


# Crossentropies --------------------------------------------------------------------

def _clipped_log(p):
    eps = config.epsilon()
    return torch.log(torch.clamp(p, eps, 1 - eps))


def _classes_at_1(x, axis):
    """`x` with its class axis moved to dim 1, the layout torch losses expect."""
    return x if x.ndim < 2 or axis % x.ndim == 1 else torch.movedim(x, axis, 1)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    return -(target * _clipped_log(output) + (1 - target) * _clipped_log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    if from_logits:
        return F.cross_entropy(_classes_at_1(output, axis), _classes_at_1(target, axis), reduction="none")
    log_probs = _clipped_log(output / torch.sum(output, dim=axis, keepdim=True))
    return -torch.sum(target * log_probs, dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = convert_to_tensor(output)
    if output.dtype not in _FLOATS:
        output = _float(output)
    target = convert_to_tensor(target).to(torch.int64)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = torch.squeeze(target, -1)
    if from_logits:
        return F.cross_entropy(_classes_at_1(output, axis), target, reduction="none")
    log_probs = _clipped_log(output / torch.sum(output, dim=axis, keepdim=True))
    return F.nll_loss(_classes_at_1(log_probs, axis), target, reduction="none")


# Encodings -------------------------------------------------------------------------

def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x).to(torch.int64)
    classes = torch.arange(num_classes, device=x.device)
    hot = (x.unsqueeze(-1) == classes).to(to_torch_dtype(dtype or config.floatx()))
    hot = torch.movedim(hot, -1, axis)
    return hot.to_sparse() if sparse else hot


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = kwargs.get("num_tokens") if num_classes is None else num_classes
    inputs = convert_to_tensor(inputs)
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype)
    out = torch.amax(hot, dim=1 if inputs.ndim > 1 else 0)
    return out.to_sparse() if sparse else out


# Statistics and normalization ------------------------------------------------------

def moments(x, axes, keepdims=False, synchronized=False):
    if synchronized:
        raise NotImplementedError(
            "`moments` is not implemented on the torch backend: synchronized=True needs a "
            "tensorflow distribution strategy to all-reduce the statistics across replicas.")
    x = _float(x)
    original = x.dtype
    if original in _HALF:
        x = x.to(torch.float32)
    variance, mean = torch.var_mean(x, dim=_dims(axes, x.ndim), correction=0, keepdim=keepdims)
    if x.dtype != original:
        limit = torch.finfo(original).max
        mean, variance = (torch.clamp(v, -limit, limit).to(original) for v in (mean, variance))
    return mean, variance


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x, mean, variance, offset, scale = _floats(x, mean, variance, offset, scale)
    shape = [1] * x.ndim
    shape[axis] = -1
    inv = torch.rsqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * scale.reshape(shape)
    shift = -mean.reshape(shape) * inv
    if offset is not None:
        shift = shift + offset.reshape(shape)
    return x * inv + shift


def _at_least_float32(x):
    x = convert_to_tensor(x)
    return x.dtype, _float(x, dtypes.result_type(dtype_of(x), "float32"))


def _norm_axes(axis, ndim):
    axis = axis if isinstance(axis, (list, tuple)) else (axis,)
    return tuple(sorted(a % ndim for a in axis))


def _as_feature(v, x, axes):
    """A per-feature parameter in `x`'s dtype, shaped like the normalized axes of `x`."""
    return None if v is None else _float(v, dtype_of(x)).reshape([x.shape[i] for i in axes])


def _broadcast_to_axes(v, x, axes):
    """A per-feature parameter reshaped to broadcast with `x`."""
    v = _float(v, dtype_of(x))
    if v.ndim == x.ndim:
        return v
    return v.reshape([x.shape[i] if i in axes else 1 for i in range(x.ndim)])


def _trailing(axes, ndim):
    return axes == tuple(range(ndim - len(axes), ndim))


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    epsilon = config.epsilon() if epsilon is None else epsilon
    original, x = _at_least_float32(x)
    axes = _norm_axes(axis, x.ndim)
    if kwargs.get("rms_scaling"):
        variance = torch.var(x, dim=axes, correction=0, keepdim=True)
        out = x * torch.rsqrt(variance + epsilon)
        return (out if gamma is None else out * _broadcast_to_axes(gamma, x, axes)).to(original)
    if _trailing(axes, x.ndim):
        shape = [x.shape[i] for i in axes]
        out = F.layer_norm(x, shape, _as_feature(gamma, x, axes), _as_feature(beta, x, axes), epsilon)
        return out.to(original)
    variance, mean = torch.var_mean(x, dim=axes, correction=0, keepdim=True)
    inv = torch.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * _broadcast_to_axes(gamma, x, axes)
    out = (x - mean) * inv
    if beta is not None:
        out = out + _broadcast_to_axes(beta, x, axes)
    return out.to(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    epsilon = config.epsilon() if epsilon is None else epsilon
    original, x = _at_least_float32(x)
    x = x.reshape(x.shape or (1,))
    axes = _norm_axes(axis, x.ndim)
    if _trailing(axes, x.ndim):
        out = F.rms_norm(x, [x.shape[i] for i in axes], _as_feature(scale, x, axes), epsilon)
        return out.to(original)
    out = x * torch.rsqrt(torch.mean(torch.square(x), dim=axes, keepdim=True) + epsilon)
    if scale is not None:
        out = out * _broadcast_to_axes(scale, x, axes)
    return out.to(original)


def normalize(x, axis=-1, order=2, epsilon=None):
    epsilon = config.epsilon() if epsilon is None else epsilon
    x = _float(x)
    x = x.reshape(x.shape or (1,))
    norm = torch.linalg.vector_norm(x, order, dim=_dims(axis, x.ndim), keepdim=True)
    return x / torch.clamp(norm, min=epsilon)


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    mse = torch.mean(torch.square(x1 - x2))
    peak = torch.as_tensor(max_val, dtype=x1.dtype, device=x1.device)
    return 20 * torch.log10(peak) - 10 * torch.log10(mse)


def polar(abs_, angle):
    abs_, angle = _floats(abs_, angle)
    if abs_.dtype != torch.float64:
        abs_, angle = abs_.to(torch.float32), angle.to(torch.float32)
    return torch.polar(abs_, angle)
