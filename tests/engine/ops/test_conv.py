"""Convolution, pooling, attention, CTC and patch ops against loop-based NumPy references."""

import itertools
import math

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine import config
from kerasnb.engine.tensors import KerasTensor, Variable
from tests.engine.ops.checks import check_grad, check_op

RNG = np.random.default_rng(1234)


def normal(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


# Loop-based references (channels-last; channels-first tests move the channel axis) -----

def window_setup(n, size, stride, dilation, padding):
    """Output length and leading padding of a window, Keras/TF style ("same": ceil(n / s))."""
    span = (size - 1) * dilation + 1
    if padding == "valid":
        return (n - span) // stride + 1, 0
    out = -(-n // stride)
    return out, max((out - 1) * stride + span - n, 0) // 2


def windows(x, window, strides, dilation, padding):
    """Yields (output position, list of in-range input positions) per output position."""
    setup = [window_setup(n, k, s, d, padding)
             for n, k, s, d in zip(x.shape[1:-1], window, strides, dilation)]
    for pos in np.ndindex(*(o for o, _ in setup)):
        sources = []
        for off in np.ndindex(*window):
            src = [p * s + o * d - before
                   for p, o, s, d, (_, before) in zip(pos, off, strides, dilation, setup)]
            if all(0 <= i < n for i, n in zip(src, x.shape[1:-1])):
                sources.append((off, tuple(src)))
        yield pos, sources, tuple(o for o, _ in setup)


def ref_conv(x, kernel, strides, padding, dilation):
    nd = x.ndim - 2
    k_in, k_out = kernel.shape[-2:]
    groups = x.shape[-1] // k_in
    per = k_out // groups
    out = None
    for pos, sources, out_shape in windows(x, kernel.shape[:nd], strides, dilation, padding):
        if out is None:
            out = np.zeros((x.shape[0], *out_shape, k_out))
        for off, src in sources:
            patch = x[(slice(None), *src)]
            for g in range(groups):
                cols = slice(g * per, (g + 1) * per)
                rows = patch[:, g * k_in:(g + 1) * k_in]
                out[(slice(None), *pos, cols)] += rows @ kernel[off][:, cols]
    return out


def ref_pool(x, window, strides, padding, reduce):
    out = None
    for pos, sources, out_shape in windows(x, window, strides, (1,) * len(window), padding):
        if out is None:
            out = np.zeros((x.shape[0], *out_shape, x.shape[-1]), x.dtype)
        values = np.stack([x[(slice(None), *src)] for _, src in sources])
        out[(slice(None), *pos)] = reduce(values, axis=0)
    return out


def ref_conv_transpose(x, kernel, strides, dilation, out_shape, crop):
    """Each input element scatters ``x[i] * kernel[j]`` to ``i * stride + j * dilation - crop``."""
    nd = x.ndim - 2
    out = np.zeros((x.shape[0], *out_shape, kernel.shape[-2]))
    for pos in np.ndindex(*x.shape[1:-1]):
        for off in np.ndindex(*kernel.shape[:nd]):
            dst = [p * s + o * d - c for p, o, s, d, c in zip(pos, off, strides, dilation, crop)]
            if all(0 <= i < n for i, n in zip(dst, out_shape)):
                out[(slice(None), *dst)] += x[(slice(None), *pos)] @ kernel[off].T
    return out


def as_tuple(value, n):
    return (value,) * n if isinstance(value, int) or value is None else tuple(value)


def to_first(x):
    return np.moveaxis(x, -1, 1)


def to_last(x):
    return np.moveaxis(x, 1, -1)


# Convolutions ----------------------------------------------------------------------

CONV_CASES = [  # (input shape channels-last, kernel shape, strides, padding, dilation, format)
    ((2, 9, 3), (3, 3, 4), 1, "valid", 1, "channels_last"),
    ((1, 9, 4), (3, 2, 6), 2, "same", 2, "channels_first"),  # 2 groups
    ((2, 6, 5, 2), (3, 2, 2, 3), (2, 1), "same", 1, "channels_last"),
    ((1, 7, 7, 2), (2, 3, 2, 2), 1, "valid", (2, 1), "channels_first"),
    ((1, 4, 5, 4, 2), (2, 3, 2, 2, 2), (1, 2, 1), "same", 1, "channels_last"),
    ((1, 5, 4, 4, 4), (2, 2, 2, 1, 4), 1, "valid", 1, "channels_first"),  # depthwise-like groups
]


@pytest.mark.parametrize("shape, k_shape, strides, padding, dilation, data_format", CONV_CASES)
def test_conv_matches_loops(backend, shape, k_shape, strides, padding, dilation, data_format):
    x, kernel = normal(*shape), normal(*k_shape)
    nd = len(shape) - 2
    expected = ref_conv(x, kernel, as_tuple(strides, nd), padding, as_tuple(dilation, nd))
    if data_format == "channels_first":
        x, expected = to_first(x), to_first(expected)
    check_op(ops.conv, x, kernel, strides=strides, padding=padding, data_format=data_format,
             dilation_rate=dilation, expected=expected, dtype="float32", rtol=1e-4, atol=1e-4)


def test_conv_casts_inputs_to_the_kernel_dtype(backend):
    x = RNG.integers(-3, 4, (1, 5, 5, 2)).astype("int32")
    kernel = normal(3, 3, 2, 2)
    expected = ref_conv(x.astype("float64"), kernel, (1, 1), "same", (1, 1))
    check_op(ops.conv, x, kernel, padding="SAME", expected=expected, dtype="float32",
             rtol=1e-4, atol=1e-4)
    check_op(ops.conv, x.astype("float64"), kernel, expected=expected[:, 1:-1, 1:-1], dtype="float32",
             rtol=1e-4, atol=1e-4)


def test_conv_uses_the_global_data_format(backend):
    config.set_image_data_format("channels_first")
    x, kernel = normal(1, 2, 6), normal(3, 2, 3)
    expected = to_first(ref_conv(to_last(x), kernel, (1,), "valid", (1,)))
    check_op(ops.conv, x, kernel, expected=expected, dtype="float32", rtol=1e-4, atol=1e-4)


def test_conv_accepts_variables(backend):
    kernel = Variable(normal(3, 2, 2))
    x = normal(1, 5, 2)
    expected = ref_conv(x, kernel.numpy(), (1,), "valid", (1,))
    check_op(ops.conv, x, kernel, expected=expected, dtype="float32", rtol=1e-4, atol=1e-4,
             symbolic=False)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_depthwise_conv(backend, data_format):
    x, kernel = normal(2, 6, 5, 3), normal(3, 2, 3, 2)
    grouped = kernel.reshape(3, 2, 1, 6)
    expected = ref_conv(x, grouped, (2, 1), "same", (1, 1))
    if data_format == "channels_first":
        x, expected = to_first(x), to_first(expected)
    check_op(ops.depthwise_conv, x, kernel, strides=(2, 1), padding="same", data_format=data_format,
             expected=expected, dtype="float32", rtol=1e-4, atol=1e-4)


def test_separable_conv(backend):
    x, depthwise, pointwise = normal(2, 8, 3), normal(3, 3, 2), normal(1, 6, 4)
    middle = ref_conv(x, depthwise.reshape(3, 1, 6), (1,), "valid", (2,))
    expected = ref_conv(middle, pointwise, (1,), "valid", (1,))
    check_op(ops.separable_conv, x, depthwise, pointwise, dilation_rate=2, expected=expected,
             dtype="float32", rtol=1e-4, atol=1e-4)


def transpose_setup(n, size, stride, dilation, padding, output_padding):
    """Keras's output length and leading crop of the full scatter for conv_transpose."""
    span = (size - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return n * stride + max(span - stride, 0), 0
        return n * stride, max(span - stride, 0) // 2
    pad = 0 if padding == "valid" else span // 2
    length = (n - 1) * stride + span - 2 * pad + output_padding
    if padding == "valid":
        return length, 0
    total = span + span % 2 - 2 + output_padding  # JAX's split of Keras's "same" padding
    return length, span - 1 - min((total + 1) // 2, span - 1)


TRANSPOSE_CASES = [  # (input channels-last, kernel, strides, padding, output_padding, dilation, format)
    ((2, 4, 3), (3, 2, 3), 2, "valid", None, 1, "channels_last"),
    ((1, 5, 2), (4, 3, 2), 3, "same", None, 1, "channels_first"),
    ((1, 3, 4, 2), (3, 2, 3, 2), (2, 1), "same", (1, 0), 1, "channels_last"),
    ((1, 3, 3, 2), (2, 2, 2, 2), 2, "valid", 1, (1, 2), "channels_first"),
    ((1, 2, 3, 2, 2), (2, 3, 2, 2, 2), (2, 1, 2), "same", None, 1, "channels_last"),
]


@pytest.mark.parametrize("shape, k_shape, strides, padding, output_padding, dilation, data_format",
                         TRANSPOSE_CASES)
def test_conv_transpose_matches_scatter(backend, shape, k_shape, strides, padding, output_padding,
                                        dilation, data_format):
    x, kernel = normal(*shape), normal(*k_shape)
    nd = len(shape) - 2
    strides_, dilation_ = as_tuple(strides, nd), as_tuple(dilation, nd)
    setup = [transpose_setup(n, k, s, d, padding, op) for n, k, s, d, op in
             zip(shape[1:-1], k_shape[:nd], strides_, dilation_, as_tuple(output_padding, nd))]
    expected = ref_conv_transpose(x, kernel, strides_, dilation_, [s for s, _ in setup],
                                  [c for _, c in setup])
    if data_format == "channels_first":
        x, expected = to_first(x), to_first(expected)
    check_op(ops.conv_transpose, x, kernel, strides=strides, padding=padding,
             output_padding=output_padding, data_format=data_format, dilation_rate=dilation,
             expected=expected, dtype="float32", rtol=1e-4, atol=1e-4)


def test_conv_transpose_is_the_adjoint_of_conv(backend):
    x, kernel, y = normal(1, 6, 6, 2), normal(3, 3, 2, 3), normal(1, 3, 3, 3)
    forward = ops.convert_to_numpy(ops.conv(x, kernel, strides=2, padding="same"))
    backward = ops.convert_to_numpy(ops.conv_transpose(y, kernel, strides=2, padding="same"))
    np.testing.assert_allclose(np.sum(forward * y), np.sum(x * backward), rtol=1e-4)


# Pooling ---------------------------------------------------------------------------

POOL_CASES = [  # (input shape channels-last, pool, strides, padding, format)
    ((2, 7, 3), 2, None, "valid", "channels_last"),
    ((1, 7, 2), 3, 2, "same", "channels_first"),
    ((2, 5, 6, 2), (2, 3), (1, 2), "same", "channels_last"),
    ((1, 5, 5, 3), 2, 1, "valid", "channels_first"),
    ((1, 4, 5, 3, 2), (2, 2, 3), (2, 1, 2), "same", "channels_last"),
]


@pytest.mark.parametrize("shape, pool, strides, padding, data_format", POOL_CASES)
def test_max_and_average_pool(backend, shape, pool, strides, padding, data_format):
    x = normal(*shape)
    nd = len(shape) - 2
    window = as_tuple(pool, nd)
    steps = window if strides is None else as_tuple(strides, nd)
    top, mean = ref_pool(x, window, steps, padding, np.max), ref_pool(x, window, steps, padding, np.mean)
    if data_format == "channels_first":
        x, top, mean = to_first(x), to_first(top), to_first(mean)
    kwargs = dict(strides=strides, padding=padding, data_format=data_format)
    check_op(ops.max_pool, x, pool, expected=top, dtype="float32", **kwargs)
    check_op(ops.average_pool, x, pool, expected=mean, dtype="float32", **kwargs)


def test_pool_dtypes(backend):
    x = RNG.integers(-50, 50, (1, 6, 6, 2)).astype("int32")
    check_op(ops.max_pool, x, 2, padding="same", expected=ref_pool(x, (2, 2), (2, 2), "same", np.max),
             dtype="int32")
    mean = ref_pool(x.astype("float64"), (2, 2), (2, 2), "valid", np.mean)
    check_op(ops.average_pool, x, 2, expected=mean, dtype="float32")
    x64 = normal(1, 4, 4, 4, 1, dtype="float64")
    check_op(ops.average_pool, x64, 2, padding="same",
             expected=ref_pool(x64, (2, 2, 2), (2, 2, 2), "same", np.mean), dtype="float64")


def adaptive_bounds(n, out):
    return [(math.floor(i * n / out), math.ceil((i + 1) * n / out)) for i in range(out)]


def ref_adaptive(x, output_size, reduce):
    """Channels-last adaptive pooling with PyTorch-style windows."""
    spans = [adaptive_bounds(n, o) for n, o in zip(x.shape[1:-1], output_size)]
    out = np.zeros((x.shape[0], *output_size, x.shape[-1]), x.dtype)
    for pos in np.ndindex(*output_size):
        box = tuple(slice(*spans[d][p]) for d, p in enumerate(pos))
        out[(slice(None), *pos)] = reduce(x[(slice(None), *box)], axis=tuple(range(1, x.ndim - 1)))
    return out


@pytest.mark.parametrize("shape, output_size, data_format", [
    ((2, 7, 3), 3, "channels_last"),
    ((1, 5, 7, 2), (2, 4), "channels_first"),
    ((1, 4, 3, 5, 2), (3, 5, 2), "channels_last"),
])
def test_adaptive_pools(backend, shape, output_size, data_format):
    x = normal(*shape)
    sizes = as_tuple(output_size, len(shape) - 2)
    mean, top = ref_adaptive(x, sizes, np.mean), ref_adaptive(x, sizes, np.max)
    if data_format == "channels_first":
        x, mean, top = to_first(x), to_first(mean), to_first(top)
    check_op(ops.adaptive_average_pool, x, output_size, data_format=data_format, expected=mean,
             dtype="float32")
    check_op(ops.adaptive_max_pool, x, output_size, data_format=data_format, expected=top,
             dtype="float32")


def test_adaptive_pool_dtypes(backend):
    x = RNG.integers(0, 9, (1, 5, 2)).astype("int32")
    check_op(ops.adaptive_average_pool, x, 2, expected=ref_adaptive(x.astype("float64"), (2,), np.mean),
             dtype="float32")
    check_op(ops.adaptive_max_pool, x, 2, expected=ref_adaptive(x, (2,), np.max), dtype="int32")


# Patches and blocks ----------------------------------------------------------------

def ref_unfold(x, k, d, p, s):
    n, c, h, w = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    rows = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    cols = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    out = np.zeros((n, c, k[0], k[1], rows, cols), x.dtype)
    for i, j, a, b in itertools.product(range(k[0]), range(k[1]), range(rows), range(cols)):
        out[:, :, i, j, a, b] = padded[:, :, a * s[0] + i * d[0], b * s[1] + j * d[1]]
    return out.reshape(n, c * k[0] * k[1], rows * cols)


def ref_fold(cols, size, k, d, p, s):
    n, ckk, _ = cols.shape
    c = ckk // (k[0] * k[1])
    rows = (size[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    width = (size[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    blocks = cols.reshape(n, c, k[0], k[1], rows, width)
    image = np.zeros((n, c, size[0] + 2 * p[0], size[1] + 2 * p[1]), cols.dtype)
    for i, j, a, b in itertools.product(range(k[0]), range(k[1]), range(rows), range(width)):
        image[:, :, a * s[0] + i * d[0], b * s[1] + j * d[1]] += blocks[:, :, i, j, a, b]
    return image[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]


PATCH_CASES = [  # (kernel, dilation, padding, stride) as pairs
    ((2, 2), (1, 1), (0, 0), (1, 1)),
    ((3, 2), (2, 1), (1, 0), (2, 1)),
]


@pytest.mark.parametrize("k, d, p, s", PATCH_CASES)
def test_unfold_and_fold(backend, k, d, p, s):
    x = normal(2, 3, 6, 5)
    columns = ref_unfold(x, k, d, p, s)
    check_op(ops.unfold, x, k, dilation=d, padding=p, stride=s, expected=columns, dtype="float32")
    cols = normal(*columns.shape)
    check_op(ops.fold, cols, (6, 5), k, dilation=d, padding=p, stride=s,
             expected=ref_fold(cols, (6, 5), k, d, p, s), dtype="float32", rtol=1e-5, atol=1e-5)


def test_unfold_and_fold_keep_integer_dtypes(backend):
    x = np.arange(2 * 4 * 4, dtype="int32").reshape(1, 2, 4, 4)
    columns = ref_unfold(x, (2, 2), (1, 1), (0, 0), (2, 2))
    check_op(ops.unfold, x, 2, stride=2, expected=columns, dtype="int32")
    ones = np.ones((1, 4, 9), "int32")
    counts = ref_fold(ones, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1))
    check_op(ops.fold, ones, 4, 2, expected=counts, dtype="int32")


def ref_depth_to_space(x, b, data_format):
    if data_format == "channels_first":
        n, c, h, w = x.shape
        out = np.zeros((n, c // (b * b), h * b, w * b), x.dtype)
        for ch, i, j in itertools.product(range(c // (b * b)), range(b), range(b)):
            out[:, ch, i::b, j::b] = x[:, ch * b * b + i * b + j]
        return out
    n, h, w, c = x.shape
    depth = c // (b * b)
    out = np.zeros((n, h * b, w * b, depth), x.dtype)
    for i, j in itertools.product(range(b), range(b)):
        out[:, i::b, j::b, :] = x[..., (i * b + j) * depth:(i * b + j + 1) * depth]
    return out


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_depth_to_space_and_back(backend, data_format):
    x = normal(2, 3, 4, 12) if data_format == "channels_last" else normal(2, 12, 3, 4)
    space = ref_depth_to_space(x, 2, data_format)
    check_op(ops.depth_to_space, x, 2, data_format=data_format, expected=space, dtype="float32")
    check_op(ops.space_to_depth, space, 2, data_format=data_format, expected=x, dtype="float32")
    shape = (2, 4, 6, 3) if data_format == "channels_last" else (2, 3, 4, 6)
    ints = np.arange(2 * 4 * 6 * 3, dtype="int32").reshape(shape)
    depth = ops.convert_to_numpy(ops.space_to_depth(ints, 2, data_format=data_format))
    check_op(ops.depth_to_space, depth, 2, data_format=data_format, expected=ints, dtype="int32")


# Attention -------------------------------------------------------------------------

def ref_attention(q, k, v, bias=None, mask=None, scale=None, is_causal=False, cap=None):
    b, t, n, h = q.shape
    s, heads = k.shape[1:3]
    scale = 1 / math.sqrt(h) if scale is None else scale
    bias = np.zeros((b, n, t, s)) if bias is None else np.broadcast_to(bias, (b, n, t, s))
    allowed = np.ones((b, n, t, s), bool) if mask is None else np.broadcast_to(mask, (b, n, t, s))
    out = np.zeros((b, t, n, v.shape[-1]))
    for i, head in itertools.product(range(b), range(n)):
        kv = head // (n // heads)
        logits = q[i, :, head] @ k[i, :, kv].T * scale + bias[i, head]
        if cap is not None:
            logits = cap * np.tanh(logits / cap)
        keep = allowed[i, head] & (np.tril(np.ones((t, s), bool)) if is_causal else True)
        logits = np.where(keep, logits, -1e30)
        weights = np.exp(logits - logits.max(-1, keepdims=True))
        out[i, :, head] = (weights / weights.sum(-1, keepdims=True)) @ v[i, :, kv]
    return out


def test_attention_plain_and_grouped(backend):
    q, k, v = normal(2, 3, 4, 8), normal(2, 5, 4, 8), normal(2, 5, 4, 6)
    check_op(ops.dot_product_attention, q, k, v, expected=ref_attention(q, k, v), dtype="float32",
             rtol=1e-4, atol=1e-5)
    k2, v2 = normal(2, 5, 2, 8), normal(2, 5, 2, 8)
    check_op(ops.dot_product_attention, q, k2, v2, scale=0.5,
             expected=ref_attention(q, k2, v2, scale=0.5), dtype="float32", rtol=1e-4, atol=1e-5)


def test_attention_bias_mask_causal_and_soft_cap(backend):
    q, k, v = normal(2, 4, 2, 4), normal(2, 5, 1, 4), normal(2, 5, 1, 4)
    bias, mask = normal(1, 2, 4, 5), RNG.random((2, 1, 4, 5)) > 0.4
    mask[0, 0, 1] = False  # a query with no key left attends uniformly
    expected = ref_attention(q, k, v, bias=bias, mask=mask, is_causal=True, cap=2.0)
    check_op(ops.dot_product_attention, q, k, v, bias=bias, mask=mask, is_causal=True,
             attn_logits_soft_cap=2.0, flash_attention=False, expected=expected, dtype="float32",
             rtol=1e-4, atol=1e-5)


def test_attention_dtype_promotion(backend):
    q, k, v = normal(1, 2, 1, 4, dtype="float16"), normal(1, 3, 1, 4), normal(1, 3, 1, 4)
    check_op(ops.dot_product_attention, q, k, v, expected=ref_attention(q.astype("float64"), k, v),
             dtype="float32", rtol=1e-3, atol=1e-3)


# CTC -------------------------------------------------------------------------------

def collapse(path, blank, merge=True):
    out, previous = [], None
    for c in path:
        if c != blank and (c != previous or not merge):
            out.append(int(c))
        previous = c
    return tuple(out)


def log_softmax(x):
    shifted = x - x.max(-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), -1, keepdims=True))


def labelling_log_probs(logits, blank):
    """Log-probability of every labelling, summing all alignments (brute force)."""
    logp = log_softmax(logits.astype("float64"))
    totals = {}
    for path in itertools.product(range(logits.shape[1]), repeat=logits.shape[0]):
        label = collapse(path, blank)
        totals[label] = np.logaddexp(totals.get(label, -np.inf), logp[np.arange(len(path)), path].sum())
    return totals


def test_ctc_loss_sums_all_alignments(backend):
    logits = normal(2, 5, 4)
    target = np.array([[1, 2, 2], [3, 1, 0]], "int32")
    target_length, output_length = np.array([3, 2], "int32"), np.array([5, 4], "int32")
    expected = [-labelling_log_probs(logits[i, :output_length[i]], 0)[tuple(target[i, :target_length[i]])]
                for i in range(2)]
    check_op(ops.ctc_loss, target, logits, target_length, output_length,
             expected=np.array(expected, "float32"), dtype="float32", rtol=1e-4, atol=1e-4)


def test_ctc_loss_other_blank_and_float64(backend):
    logits = normal(1, 4, 3, dtype="float64")
    target = np.array([[0, 1]], "int32")
    expected = -labelling_log_probs(logits[0], 2)[(0, 1)]
    check_op(ops.ctc_loss, target, logits, np.array([2]), np.array([4]), mask_index=2,
             expected=np.array([expected]), dtype="float64")


def ref_greedy(x, lengths, merge, blank):
    decoded = np.full(x.shape[:2], -1, "int32")
    scores = np.zeros((x.shape[0], 1))
    for i, n in enumerate(lengths):
        labels = collapse(x[i, :n].argmax(-1), blank, merge)
        decoded[i, :len(labels)] = labels
        scores[i, 0] = -x[i, :n].max(-1).sum()
    return decoded[None], scores


@pytest.mark.parametrize("merge_repeated, mask_index", [(True, 0), (False, 2)])
def test_ctc_greedy_decode(backend, merge_repeated, mask_index):
    x = normal(3, 6, 3)
    x[0, 1:3] = [5.0, 0.0, 0.0]  # a repeated label
    lengths = np.array([6, 4, 1], "int32")
    check_op(ops.ctc_decode, x, lengths, merge_repeated=merge_repeated, mask_index=mask_index,
             expected=ref_greedy(x, lengths, merge_repeated, mask_index), dtype=["int32", "float32"],
             rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("mask_index", [0, 1])
def test_ctc_beam_search_finds_the_most_likely_labellings(backend, mask_index):
    x = normal(2, 4, 3)
    lengths = np.array([4, 3], "int32")
    decoded = np.full((2, 2, 4), -1, "int32")
    scores = np.zeros((2, 2))
    for i, n in enumerate(lengths):
        ranked = sorted(labelling_log_probs(x[i, :n], mask_index).items(), key=lambda kv: -kv[1])
        for rank, (label, score) in enumerate(ranked[:2]):
            decoded[rank, i, :len(label)] = label
            scores[i, rank] = score
    check_op(ops.ctc_decode, x, lengths, strategy="beam_search", top_paths=2, mask_index=mask_index,
             expected=(decoded, scores), dtype=["int32", "float32"], rtol=1e-4, atol=1e-4)


# Gradients -------------------------------------------------------------------------

def test_conv_gradients(trainable_backend):
    x = normal(1, 5, 4, 2, dtype="float64")
    kernel = normal(2, 3, 2, 2, dtype="float64")
    check_grad(lambda t: ops.conv(t, kernel, strides=(2, 1), padding="same"), x)
    check_grad(lambda t: ops.conv(x, t, dilation_rate=(2, 1)), kernel)
    check_grad(lambda t: ops.conv(t, kernel[:, :, :1], padding="same"), x)  # 2 groups
    check_grad(lambda t: ops.conv_transpose(t, kernel, strides=2, padding="same",
                                            data_format="channels_first"),
               normal(1, 2, 3, 2, dtype="float64"))
    check_grad(lambda t: ops.depthwise_conv(t, kernel[:, :, :, :1], padding="same"), x)


def test_pool_gradients(trainable_backend):
    x = normal(1, 5, 4, 2, dtype="float64")
    check_grad(lambda t: ops.max_pool(t, 2, strides=1, padding="same"), x)
    check_grad(lambda t: ops.average_pool(t, (3, 2), padding="same"), x)
    check_grad(lambda t: ops.adaptive_average_pool(t, (2, 3)), x)
    check_grad(lambda t: ops.adaptive_max_pool(t, (3, 3)), x)


def test_attention_gradients(trainable_backend):
    q = normal(1, 3, 2, 4, dtype="float64")
    k, v = normal(1, 4, 1, 4, dtype="float64"), normal(1, 4, 1, 4, dtype="float64")
    check_grad(lambda t: ops.dot_product_attention(t, k, v, is_causal=True), q)
    check_grad(lambda t: ops.dot_product_attention(q, t, v, attn_logits_soft_cap=3.0), k)
    check_grad(lambda t: ops.dot_product_attention(q, k, t, mask=np.array([True, True, False, True])), v)


def test_patch_block_and_ctc_gradients(trainable_backend):
    image = normal(1, 2, 4, 3, dtype="float64")
    check_grad(lambda t: ops.unfold(t, 2, padding=1, stride=(2, 1)), image)
    check_grad(lambda t: ops.fold(t, (4, 3), 2), normal(1, 8, 6, dtype="float64"))
    check_grad(lambda t: ops.depth_to_space(t, 2, data_format="channels_first"),
               normal(1, 4, 2, 2, dtype="float64"))
    depthwise, pointwise = normal(2, 2, 2, 2, dtype="float64"), normal(1, 1, 4, 3, dtype="float64")
    check_grad(lambda t: ops.separable_conv(t, depthwise, pointwise), normal(1, 4, 3, 2, dtype="float64"))
    target = np.array([[1, 2]], "int32")
    check_grad(lambda t: ops.ctc_loss(target, t, np.array([2]), np.array([4])),
               normal(1, 4, 3, dtype="float64"))


# Symbolic shapes and argument errors -------------------------------------------------

def test_symbolic_shapes_with_unknown_dims():
    x = KerasTensor((None, None, 8, 3))
    assert ops.conv(x, KerasTensor((3, 3, 3, 4)), strides=2, padding="same").shape == (None, None, 4, 4)
    assert ops.conv_transpose(x, KerasTensor((3, 3, 5, 3)), strides=2).shape == (None, None, 17, 5)
    assert ops.max_pool(x, 2).shape == (None, None, 4, 3)
    assert ops.adaptive_average_pool(x, (2, 2)).shape == (None, 2, 2, 3)
    assert ops.depth_to_space(KerasTensor((None, 2, 2, 8)), 2).shape == (None, 4, 4, 2)
    decoded, scores = ops.ctc_decode(KerasTensor((None, 7, 5)), KerasTensor((None,), "int32"),
                                     strategy="beam_search", top_paths=3)
    assert (decoded.shape, decoded.dtype, scores.shape) == ((3, None, 7), "int32", (None, 3))
    assert ops.ctc_loss(KerasTensor((None, 3), "int32"), KerasTensor((None, 7, 5), "float16"),
                        KerasTensor((None,), "int32"), KerasTensor((None,), "int32")).dtype == "float32"


@pytest.mark.parametrize("call, message", [
    (lambda x: ops.conv(x, np.ones((3, 3, 4, 2)), padding="full"), "`padding` must be 'valid' or"),
    (lambda x: ops.conv(x, np.ones((3, 3, 2)), padding="same"), "`kernel` must have rank 4"),
    (lambda x: ops.conv(x, np.ones((3, 3, 3, 2))), "must be a multiple of the kernel's in_channels"),
    (lambda x: ops.conv(x, np.ones((3, 3, 4, 2)), strides=(1, 2, 1)), "`strides` must be a positive"),
    (lambda x: ops.conv(x, np.ones((9, 9, 4, 2))), "too small"),
    (lambda x: ops.conv(x, np.ones((3, 3, 4, 2)), data_format="NHWC"), "`data_format` must be one of"),
    (lambda x: ops.depthwise_conv(x, np.ones((3, 3, 2, 2))), "in_channels equal to the input channels"),
    (lambda x: ops.conv_transpose(x, np.ones((3, 3, 4, 2))), "in_channels equal to the input channels"),
    (lambda x: ops.max_pool(x, 0), "`pool_size` must be a positive int"),
    (lambda x: ops.adaptive_max_pool(x, (2, 2, 2)), "`output_size` must be"),
    (lambda x: ops.depth_to_space(x, 3), "channels divisible by 9"),
    (lambda x: ops.fold(x, 6, 2), "`x` must be a 3D tensor"),
])
def test_bad_arguments_are_named(backend, call, message):
    x = np.ones((1, 6, 6, 4), "float32")
    with pytest.raises(ValueError, match=message):
        call(x)
    with pytest.raises(ValueError, match=message):
        call(KerasTensor(x.shape))


def test_bad_attention_and_ctc_arguments(backend):
    q = np.ones((1, 2, 3, 4), "float32")
    with pytest.raises(ValueError, match="query heads \\(3\\) must be a multiple"):
        ops.dot_product_attention(q, np.ones((1, 2, 2, 4)), np.ones((1, 2, 2, 4)))
    with pytest.raises(ValueError, match="`key` must be a 4D tensor"):
        ops.dot_product_attention(q, np.ones((2, 3, 4)), np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="`strategy` must be 'greedy' or 'beam_search'"):
        ops.ctc_decode(np.ones((1, 3, 2)), np.array([3]), strategy="best")
    with pytest.raises(ValueError, match="`top_paths` must be at most `beam_width`"):
        ops.ctc_decode(np.ones((1, 3, 2)), np.array([3]), strategy="beam_search", beam_width=2,
                       top_paths=3)
    with pytest.raises(ValueError, match="`output` must be a 3D tensor"):
        ops.ctc_loss(np.ones((1, 2), "int32"), np.ones((1, 3)), np.array([2]), np.array([3]))
    with pytest.raises(ValueError, match="`inputs` must be a 3D tensor"):
        ops.ctc_decode(np.ones((3, 2)), np.array([3]))
    with pytest.raises(ValueError, match="`x` must have shape \\(batch, channels \\* 4, 9\\)"):
        ops.fold(np.ones((1, 8, 10)), 4, 2)
