"""Convolution, pooling, attention, CTC and patch ops (`keras.ops.nn`).

Besides the ops, this module holds the backend-free geometry that every backend shares:
argument validation, output sizes and explicit paddings (`conv_geometry`,
`transpose_geometry`, `pool_geometry`), average-pool divisors (`window_counts`),
adaptive-pool windows (`adaptive_index`) and patch indices (`patch_index`). The backend
functions call these helpers, so arguments are checked once, with the same messages
everywhere.

Conventions (Keras 3): kernels are ``(spatial..., in_channels, out_channels)``, or
``(spatial..., out_channels, in_channels)`` for `conv_transpose`; `data_format` None
means `keras.config.image_data_format()`; convolutions cast `inputs` to the kernel's
dtype and return that dtype.
"""

import collections

import numpy as np

from kerasnb.engine import config, dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op

__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention",
    "fold", "max_pool", "separable_conv", "space_to_depth", "unfold",
]

Geometry = collections.namedtuple(
    "Geometry", ["data_format", "window", "strides", "dilation", "pads", "out", "groups"])
Geometry.__doc__ = """Resolved sliding-window arguments.

`window`, `strides`, `dilation`, `out` are per spatial dim; `pads` holds one
``(before, after)`` pair per spatial dim (None where the input size is unknown); `groups`
is the number of channel groups of a convolution (1 for pools).
"""


# Argument checks -------------------------------------------------------------------

def int_tuple(value, n, arg, minimum=1):
    """`value` (an int or a sequence of `n` ints, each >= `minimum`) as a tuple of `n` ints."""
    items = (value,) * n if isinstance(value, (int, np.integer)) else value
    try:
        items = tuple(items)
    except TypeError:
        items = ()
    ok = len(items) == n and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= minimum for v in items)
    if not ok:
        what = "positive" if minimum == 1 else "non-negative"
        raise ValueError(
            f"`{arg}` must be a {what} int or a tuple of {n} {what} ints; received {value!r}.")
    return tuple(int(v) for v in items)


def check_padding(padding):
    """'valid' or 'same' (any case)."""
    name = padding.lower() if isinstance(padding, str) else padding
    if name not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same'; received {padding!r}.")
    return name


def check_rank(shape, arg, ranks, meaning):
    if len(shape) not in ranks:
        expected = " or ".join(f"{r}D" for r in ranks)
        raise ValueError(
            f"`{arg}` must be a {expected} tensor {meaning}; received shape {tuple(shape)}.")


def spatial(shape, data_format):
    """The spatial dims of a batched `shape` in `data_format`."""
    return tuple(shape[1:-1]) if data_format == "channels_last" else tuple(shape[2:])


def channels(shape, data_format):
    return shape[-1] if data_format == "channels_last" else shape[1]


def layout(batch, space, depth, data_format):
    """A batched shape from its batch size, spatial dims and channels."""
    if data_format == "channels_last":
        return (batch, *space, depth)
    return (batch, depth, *space)


# Window geometry -------------------------------------------------------------------

def _window(n, size, stride, dilation, padding):
    """Output length and (before, after) padding of a sliding window over `n` positions."""
    if n is None or size is None:
        return None, None
    span = (size - 1) * dilation + 1
    if padding == "valid":
        return (n - span) // stride + 1, (0, 0)
    out = -(-n // stride)
    total = max((out - 1) * stride + span - n, 0)
    return out, (total // 2, total - total // 2)


def _check_out(out, space, window, padding):
    if any(o is not None and o <= 0 for o in out):
        raise ValueError(
            f"The input's spatial shape {space} is too small for a window of {window} with "
            f"padding '{padding}': the output would be empty.")


def conv_geometry(input_shape, kernel_shape, strides, padding, data_format, dilation_rate):
    """Validates convolution arguments; returns a `Geometry` (groups from the kernel)."""
    data_format = config.standardize_data_format(data_format)
    check_rank(input_shape, "inputs", (3, 4, 5), "(batch, spatial..., channels)")
    nd = len(input_shape) - 2
    if len(kernel_shape) != nd + 2:
        raise ValueError(
            f"`kernel` must have rank {nd + 2} (spatial..., in_channels, out_channels) for "
            f"{nd}D inputs; received shape {tuple(kernel_shape)}.")
    padding = check_padding(padding)
    strides = int_tuple(strides, nd, "strides")
    dilation = int_tuple(dilation_rate, nd, "dilation_rate")
    depth, k_in, k_out = channels(input_shape, data_format), kernel_shape[-2], kernel_shape[-1]
    groups = 1
    if depth is not None and k_in is not None:
        if depth % k_in:
            raise ValueError(
                f"The input channels ({depth}) must be a multiple of the kernel's in_channels "
                f"(`kernel.shape[-2]`); received kernel shape {tuple(kernel_shape)}.")
        groups = depth // k_in
        if k_out is not None and k_out % groups:
            raise ValueError(
                f"The kernel's out_channels ({k_out}) must be a multiple of the {groups} "
                "channel groups (input channels / kernel in_channels).")
    window = tuple(kernel_shape[:nd])
    space = spatial(input_shape, data_format)
    sizes = [_window(n, k, s, d, padding) for n, k, s, d in zip(space, window, strides, dilation)]
    out = tuple(o for o, _ in sizes)
    _check_out(out, space, window, padding)
    return Geometry(data_format, window, strides, dilation, [p for _, p in sizes], out, groups)


def depthwise_kernel_shape(input_shape, kernel_shape, data_format):
    """The grouped-convolution kernel shape ``(spatial..., 1, channels * multiplier)``."""
    data_format = config.standardize_data_format(data_format)
    depth = channels(input_shape, data_format)
    known = None not in (depth, kernel_shape[-2])
    if len(kernel_shape) < 3 or known and kernel_shape[-2] != depth:
        raise ValueError(
            "`kernel` must have shape (spatial..., in_channels, channel_multiplier) with "
            f"in_channels equal to the input channels ({depth}); received shape "
            f"{tuple(kernel_shape)}.")
    total = None if None in (depth, kernel_shape[-1]) else depth * kernel_shape[-1]
    return (*kernel_shape[:-2], 1, total)


def transpose_geometry(input_shape, kernel_shape, strides, padding, output_padding,
                       data_format, dilation_rate):
    """Validates transposed-convolution arguments.

    Returns a `Geometry` whose `pads` apply to the input after `strides - 1` zeros are
    inserted between its elements; a stride-1 convolution of that with the spatially
    flipped kernel is the transposed convolution.
    """
    data_format = config.standardize_data_format(data_format)
    check_rank(input_shape, "inputs", (3, 4, 5), "(batch, spatial..., channels)")
    nd = len(input_shape) - 2
    depth = channels(input_shape, data_format)
    known = len(kernel_shape) == nd + 2 and None not in (depth, kernel_shape[-1])
    if len(kernel_shape) != nd + 2 or known and kernel_shape[-1] != depth:
        raise ValueError(
            f"`kernel` must have rank {nd + 2} (spatial..., out_channels, in_channels) with "
            f"in_channels equal to the input channels ({depth}); received shape "
            f"{tuple(kernel_shape)}.")
    padding = check_padding(padding)
    strides = int_tuple(strides, nd, "strides")
    dilation = int_tuple(dilation_rate, nd, "dilation_rate")
    extras = ((None,) * nd if output_padding is None
              else int_tuple(output_padding, nd, "output_padding", 0))
    window = tuple(kernel_shape[:nd])
    space = spatial(input_shape, data_format)
    sizes = [_transposed_window(*args, padding)
             for args in zip(space, window, strides, dilation, extras)]
    out = tuple(o for o, _ in sizes)
    _check_out(out, space, window, padding)
    return Geometry(data_format, window, strides, dilation, [p for _, p in sizes], out, 1)


def _transposed_window(n, size, stride, dilation, extra, padding):
    if size is None:
        return None, None
    span = (size - 1) * dilation + 1
    if padding == "valid":
        before = span - 1
        after = before + (max(span, stride) - span if extra is None else extra)
    else:
        total = stride + span - 2 if extra is None else span + span % 2 - 2 + extra
        before = min((total + 1) // 2, span - 1)
        after = total - before
    out = None if n is None else (n - 1) * stride + 1 + before + after - span + 1
    return out, (before, after)


def pool_geometry(input_shape, pool_size, strides, padding, data_format):
    """Validates pooling arguments; returns a `Geometry` (strides default to `pool_size`)."""
    data_format = config.standardize_data_format(data_format)
    check_rank(input_shape, "inputs", (3, 4, 5), "(batch, spatial..., channels)")
    nd = len(input_shape) - 2
    padding = check_padding(padding)
    window = int_tuple(pool_size, nd, "pool_size")
    strides = window if strides is None else int_tuple(strides, nd, "strides")
    space = spatial(input_shape, data_format)
    sizes = [_window(n, k, s, 1, padding) for n, k, s in zip(space, window, strides)]
    out = tuple(o for o, _ in sizes)
    _check_out(out, space, window, padding)
    return Geometry(data_format, window, strides, (1,) * nd, [p for _, p in sizes], out, 1)


def window_counts(geometry, space):
    """How many real (unpadded) inputs each pooling window covers: an array of `out` shape."""
    per_dim = []
    for n, k, s, (before, _), out in zip(space, geometry.window, geometry.strides,
                                          geometry.pads, geometry.out):
        start = np.arange(out) * s - before
        per_dim.append(np.minimum(start + k, n) - np.maximum(start, 0))
    counts = np.ones((), np.float64)
    for c in per_dim:
        counts = np.multiply.outer(counts, c)
    return counts


def adaptive_geometry(input_shape, output_size, data_format):
    """Validates adaptive-pool arguments; returns (data_format, output sizes)."""
    data_format = config.standardize_data_format(data_format)
    check_rank(input_shape, "inputs", (3, 4, 5), "(batch, spatial..., channels)")
    return data_format, int_tuple(output_size, len(input_shape) - 2, "output_size")


def adaptive_index(n, out):
    """Windows of adaptive pooling along one axis of length `n`, split into `out` windows.

    Window ``i`` covers ``[floor(i * n / out), ceil((i + 1) * n / out))``. Returns
    ``(index, weight)``, both of shape ``(out, widest window)``: `index` repeats a window's
    last position to fill its row (harmless for max), `weight` is ``1 / window size`` on
    real positions and 0 on the fill (a weighted sum is the mean).
    """
    i = np.arange(out)
    start, stop = (i * n) // out, -((-(i + 1) * n) // out)
    offsets = np.arange(int((stop - start).max()))
    index = np.minimum(start[:, None] + offsets, stop[:, None] - 1)
    weight = (start[:, None] + offsets < stop[:, None]) / (stop - start)[:, None]
    return index, weight


def adaptive_axes(shape, output_size, data_format):
    """Validates adaptive-pool arguments; returns ``(axis, index, weight)`` per spatial axis.

    Pooling one axis at a time is exact (windows are boxes): gather ``index`` along `axis`
    (the window dim lands at ``axis + 1``), then take its max, or its `weight`-ed sum.
    """
    data_format, out = adaptive_geometry(shape, output_size, data_format)
    first = 1 if data_format == "channels_last" else 2
    return [(first + i, *adaptive_index(shape[first + i], size)) for i, size in enumerate(out)]


PatchGeometry = collections.namedtuple(
    "PatchGeometry", ["kernel", "dilation", "padding", "stride", "blocks"])


def patch_geometry(image_size, kernel_size, dilation, padding, stride):
    """Validates `fold`/`unfold` arguments; `blocks` is the number of patches per spatial dim."""
    kernel = int_tuple(kernel_size, 2, "kernel_size")
    dilation = int_tuple(dilation, 2, "dilation")
    padding = int_tuple(padding, 2, "padding", 0)
    stride = int_tuple(stride, 2, "stride")
    blocks = tuple(None if n is None else (n + 2 * p - d * (k - 1) - 1) // s + 1
                   for n, k, d, p, s in zip(image_size, kernel, dilation, padding, stride))
    if any(b is not None and b <= 0 for b in blocks):
        raise ValueError(
            f"The image size {tuple(image_size)} with padding {padding} is too small for a "
            f"kernel of {kernel} with dilation {dilation}.")
    return PatchGeometry(kernel, dilation, padding, stride, blocks)


def patch_index(geometry, image_size):
    """Flat positions in the padded image of every patch element.

    Returns an int array of shape ``(kh * kw, blocks_h * blocks_w)``: entry ``[i * kw + j,
    a * blocks_w + b]`` is where kernel element ``(i, j)`` of patch ``(a, b)`` reads from the
    zero-padded image flattened to ``(H + 2 * ph) * (W + 2 * pw)``.
    """
    (kh, kw), (dh, dw), (_, pw), (sh, sw) = geometry[:4]
    bh, bw = geometry.blocks
    width = image_size[1] + 2 * pw
    rows = np.arange(kh)[:, None, None, None] * dh + np.arange(bh)[None, None, :, None] * sh
    cols = np.arange(kw)[None, :, None, None] * dw + np.arange(bw)[None, None, None, :] * sw
    return (rows * width + cols).reshape(kh * kw, bh * bw)


def unfold_geometry(shape, kernel_size, dilation, padding, stride):
    check_rank(shape, "x", (4,), "(batch, channels, height, width)")
    return patch_geometry(shape[2:], kernel_size, dilation, padding, stride)


def fold_geometry(shape, output_size, kernel_size, dilation, padding, stride):
    """Validates `fold` arguments; returns (PatchGeometry, output size, channels)."""
    check_rank(shape, "x", (3,), "(batch, channels * kernel_h * kernel_w, blocks)")
    size = int_tuple(output_size, 2, "output_size")
    geometry = patch_geometry(size, kernel_size, dilation, padding, stride)
    kk = geometry.kernel[0] * geometry.kernel[1]
    blocks = geometry.blocks[0] * geometry.blocks[1]
    if (shape[1] is not None and shape[1] % kk) or shape[2] not in (None, blocks):
        raise ValueError(
            f"`x` must have shape (batch, channels * {kk}, {blocks}) for kernel "
            f"{geometry.kernel} and output size {size}; received shape {tuple(shape)}.")
    return geometry, size, None if shape[1] is None else shape[1] // kk


def block_plan(shape, block_size, data_format, to_space):
    """Reshape, transpose and reshape that move `block_size` blocks between space and depth.

    Returns ``(first_shape, permutation, final_shape)`` for a 4D `shape` (unknown dims
    None). Channels-last keeps the block index outermost within the channels
    (``(i * b + j) * C + c``), channels-first keeps it innermost (``c * b * b + i * b + j``),
    as Keras does.
    """
    check_rank(shape, "x", (4,), "(batch, height, width, channels) or (batch, channels, height, width)")
    data_format = config.standardize_data_format(data_format)
    b = int_tuple(block_size, 1, "block_size")[0]
    n, h, w, c = shape if data_format == "channels_last" else (shape[0], *shape[2:], shape[1])
    divisible = [(c, b * b)] if to_space else [(h, b), (w, b)]
    if any(d is not None and d % k for d, k in divisible):
        what = f"channels divisible by {b * b}" if to_space else f"height and width divisible by {b}"
        raise ValueError(f"`x` must have {what} for `block_size` {b}; received shape {tuple(shape)}.")
    if to_space:
        c2 = _div(c, b * b)
        if data_format == "channels_last":
            return (n, h, w, b, b, c2), (0, 1, 3, 2, 4, 5), (n, _mul(h, b), _mul(w, b), c2)
        return (n, c2, b, b, h, w), (0, 1, 4, 2, 5, 3), (n, c2, _mul(h, b), _mul(w, b))
    h2, w2 = _div(h, b), _div(w, b)
    if data_format == "channels_last":
        return (n, h2, b, w2, b, c), (0, 1, 3, 2, 4, 5), (n, h2, w2, _mul(c, b * b))
    return (n, c, h2, b, w2, b), (0, 1, 3, 5, 2, 4), (n, _mul(c, b * b), h2, w2)


def _div(d, k):
    return None if d is None else d // k


def _mul(*dims):
    out = 1
    for d in dims:
        if d is None:
            return None
        out *= d
    return out


def attention_dtype(query, key, value):
    """The compute and result dtype of `dot_product_attention`."""
    found = (rules.dtype_of(t) for t in (query, key, value))
    return dtypes.float_result(dtypes.result_type(*found))


def check_attention(q_shape, k_shape, v_shape):
    """Validates the (B, T, N, H) / (B, S, K, H) layout of query, key and value."""
    for arg, shape in (("query", q_shape), ("key", k_shape), ("value", v_shape)):
        check_rank(shape, arg, (4,), "(batch, length, heads, head_dim)")
    def same(a, b):
        return a is None or b is None or a == b

    if not (same(q_shape[0], k_shape[0]) and same(q_shape[3], k_shape[3])
            and all(same(a, b) for a, b in zip(k_shape[:3], v_shape[:3]))):
        raise ValueError(
            "`query` (B, T, N, H), `key` (B, S, K, H) and `value` (B, S, K, Hv) must agree on "
            f"B, S, K and H; received shapes {tuple(q_shape)}, {tuple(k_shape)}, {tuple(v_shape)}.")
    if None not in (q_shape[2], k_shape[2]) and q_shape[2] % k_shape[2]:
        raise ValueError(
            f"The query heads ({q_shape[2]}) must be a multiple of the key/value heads "
            f"({k_shape[2]}).")


def ctc_dtype(x):
    """The float dtype CTC computes in: at least float32."""
    return dtypes.result_type(rules.dtype_of(x), "float32")


def check_ctc_loss(target_shape, output_shape):
    check_rank(target_shape, "target", (2,), "(batch, max_label_length)")
    check_rank(output_shape, "output", (3,), "(batch, time, classes)")
    if None not in (target_shape[0], output_shape[0]) and target_shape[0] != output_shape[0]:
        raise ValueError(
            f"`target` and `output` must have the same batch size; received shapes "
            f"{tuple(target_shape)} and {tuple(output_shape)}.")


def check_ctc_decode(shape, strategy, beam_width, top_paths):
    check_rank(shape, "inputs", (3,), "(batch, time, classes)")
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(f"`strategy` must be 'greedy' or 'beam_search'; received {strategy!r}.")
    if strategy == "beam_search":
        width = int_tuple(beam_width, 1, "beam_width")[0]
        paths = int_tuple(top_paths, 1, "top_paths")[0]
        if paths > width:
            raise ValueError(
                f"`top_paths` must be at most `beam_width` ({width}); received {top_paths!r}.")


# Symbolic rules --------------------------------------------------------------------

def _conv_rule(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    shape, k_shape = rules.shape_of(inputs), rules.shape_of(kernel)
    g = conv_geometry(shape, k_shape, strides, padding, data_format, dilation_rate)
    return rules.tensor(layout(shape[0], g.out, k_shape[-1], g.data_format), rules.dtype_of(kernel))


def _depthwise_rule(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    shape = rules.shape_of(inputs)
    grouped = depthwise_kernel_shape(shape, rules.shape_of(kernel), data_format)
    g = conv_geometry(shape, grouped, strides, padding, data_format, dilation_rate)
    return rules.tensor(layout(shape[0], g.out, grouped[-1], g.data_format), rules.dtype_of(kernel))


def _separable_rule(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                    data_format=None, dilation_rate=1):
    middle = _depthwise_rule(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return _conv_rule(middle, pointwise_kernel, 1, "valid", data_format, dilation_rate)


def _transpose_rule(inputs, kernel, strides=1, padding="valid", output_padding=None,
                    data_format=None, dilation_rate=1):
    shape, k_shape = rules.shape_of(inputs), rules.shape_of(kernel)
    g = transpose_geometry(shape, k_shape, strides, padding, output_padding, data_format, dilation_rate)
    return rules.tensor(layout(shape[0], g.out, k_shape[-2], g.data_format), rules.dtype_of(kernel))


def _pool_rule(dtype_fn):
    def rule(inputs, pool_size, strides=None, padding="valid", data_format=None):
        shape = rules.shape_of(inputs)
        g = pool_geometry(shape, pool_size, strides, padding, data_format)
        depth = channels(shape, g.data_format)
        dtype = dtype_fn(rules.dtype_of(inputs))
        return rules.tensor(layout(shape[0], g.out, depth, g.data_format), dtype)
    return rule


def _adaptive_rule(dtype_fn):
    def rule(inputs, output_size, data_format=None):
        shape = rules.shape_of(inputs)
        data_format, out = adaptive_geometry(shape, output_size, data_format)
        depth = channels(shape, data_format)
        return rules.tensor(layout(shape[0], out, depth, data_format), dtype_fn(rules.dtype_of(inputs)))
    return rule


def _same_dtype(dtype):
    return dtype


def _unfold_rule(x, kernel_size, dilation=1, padding=0, stride=1):
    shape = rules.shape_of(x)
    g = unfold_geometry(shape, kernel_size, dilation, padding, stride)
    return rules.tensor((shape[0], _mul(shape[1], *g.kernel), _mul(*g.blocks)), rules.dtype_of(x))


def _fold_rule(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    shape = rules.shape_of(x)
    _, size, depth = fold_geometry(shape, output_size, kernel_size, dilation, padding, stride)
    return rules.tensor((shape[0], depth, *size), rules.dtype_of(x))


def _block_rule(to_space):
    def rule(x, block_size, data_format="channels_last"):
        final = block_plan(rules.shape_of(x), block_size, data_format, to_space)[2]
        return rules.tensor(final, rules.dtype_of(x))
    return rule


def _attention_rule(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                    flash_attention=None, attn_logits_soft_cap=None):
    q_shape, v_shape = rules.shape_of(query), rules.shape_of(value)
    check_attention(q_shape, rules.shape_of(key), v_shape)
    return rules.tensor((*q_shape[:3], v_shape[3]), attention_dtype(query, key, value))


def _ctc_loss_rule(target, output, target_length, output_length, mask_index=0):
    check_ctc_loss(rules.shape_of(target), rules.shape_of(output))
    return rules.tensor(rules.shape_of(output)[:1], ctc_dtype(output))


def _ctc_decode_rule(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
                     merge_repeated=True, mask_index=0):
    shape = rules.shape_of(inputs)
    check_ctc_decode(shape, strategy, beam_width, top_paths)
    paths = top_paths if strategy == "beam_search" else 1
    return (rules.tensor((paths, shape[0], shape[1]), "int32"),
            rules.tensor((shape[0], paths), ctc_dtype(inputs)))


# Convolutions ----------------------------------------------------------------------

@op(_conv_rule, family="conv")
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1D, 2D or 3D), grouped when the kernel has fewer input channels.

    Args:
        inputs: ``(batch, spatial..., channels)`` (or channels-first).
        kernel: ``(spatial..., in_channels, out_channels)``; the input channels must be a
            multiple of `in_channels`, which sets the number of groups.
        strides: int or tuple, one per spatial dim.
        padding: ``"valid"`` (none) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"``, ``"channels_first"`` or None (the global default).
        dilation_rate: int or tuple, the spacing between kernel elements.

    Returns:
        The convolution, in the kernel's dtype.

    Example:
        >>> ops.conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 4)), padding="same").shape
        (1, 5, 5, 4)
    """


@op(_depthwise_rule, family="conv")
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel is convolved with its own filters.

    Args:
        inputs: ``(batch, spatial..., channels)`` (or channels-first).
        kernel: ``(spatial..., channels, channel_multiplier)``; output channel
            ``c * channel_multiplier + m`` comes from input channel ``c``.
        strides, padding, data_format, dilation_rate: as in `conv`.

    Example:
        >>> ops.depthwise_conv(np.ones((1, 8, 3)), np.ones((3, 3, 2))).shape
        (1, 6, 6)
    """


@op(_separable_rule, family="conv")
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution that mixes channels.

    Args:
        inputs: ``(batch, spatial..., channels)`` (or channels-first).
        depthwise_kernel: ``(spatial..., channels, channel_multiplier)``.
        pointwise_kernel: ``(1, ..., 1, channels * channel_multiplier, out_channels)``.
        strides, padding, data_format, dilation_rate: of the depthwise step, as in `conv`.

    Example:
        >>> ops.separable_conv(np.ones((1, 8, 8, 3)), np.ones((3, 3, 3, 2)),
        ...                    np.ones((1, 1, 6, 4))).shape
        (1, 6, 6, 4)
    """
    middle = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(middle, pointwise_kernel, 1, "valid", data_format, dilation_rate)


@op(_transpose_rule, family="conv")
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Transposed convolution (the gradient of `conv` with respect to its input).

    Args:
        inputs: ``(batch, spatial..., in_channels)`` (or channels-first).
        kernel: ``(spatial..., out_channels, in_channels)``.
        strides: int or tuple, the upsampling factor per spatial dim.
        padding: ``"valid"`` or ``"same"`` (output ``input * stride`` without output padding).
        output_padding: None, or int/tuple of extra output rows; with it the output length
            is ``(input - 1) * stride + span - 2 * pad + output_padding`` where ``span`` is
            the dilated kernel size and ``pad`` is 0 ("valid") or ``span // 2`` ("same").
        data_format, dilation_rate: as in `conv`.

    Example:
        >>> ops.conv_transpose(np.ones((1, 4, 4, 3)), np.ones((3, 3, 2, 3)), strides=2,
        ...                    padding="same").shape
        (1, 8, 8, 2)
    """


# Pooling ---------------------------------------------------------------------------

@op(_pool_rule(_same_dtype), family="conv")
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Maximum over sliding windows (1D, 2D or 3D).

    Args:
        inputs: ``(batch, spatial..., channels)`` (or channels-first).
        pool_size: int or tuple, the window size.
        strides: int or tuple; None means `pool_size`.
        padding: ``"valid"`` or ``"same"`` (padding never wins the maximum).
        data_format: ``"channels_last"``, ``"channels_first"`` or None.

    Example:
        >>> ops.max_pool(np.arange(4.0).reshape(1, 4, 1), 2)[0, :, 0]
        array([1., 3.])
    """


@op(_pool_rule(dtypes.float_result), family="conv")
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Mean over sliding windows (1D, 2D or 3D); integer inputs give floatx.

    With ``padding="same"`` each window's mean is over its real (unpadded) elements only.
    Arguments are as in `max_pool`.

    Example:
        >>> ops.average_pool(np.arange(4.0).reshape(1, 4, 1), 2)[0, :, 0]
        array([0.5, 2.5])
    """


@op(_adaptive_rule(dtypes.float_result), family="conv")
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Mean pooling to a fixed output size, whatever the input size.

    Along an axis of length ``n`` split into ``out`` windows, window ``i`` covers
    ``[floor(i * n / out), ceil((i + 1) * n / out))``.

    Args:
        inputs: ``(batch, spatial..., channels)`` (or channels-first), 1D to 3D.
        output_size: int or tuple, one per spatial dim.
        data_format: ``"channels_last"``, ``"channels_first"`` or None.

    Example:
        >>> ops.adaptive_average_pool(np.arange(5.0).reshape(1, 5, 1), 2)[0, :, 0]
        array([1., 3.])
    """


@op(_adaptive_rule(_same_dtype), family="conv")
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed output size, with the windows of `adaptive_average_pool`.

    Example:
        >>> ops.adaptive_max_pool(np.arange(5.0).reshape(1, 5, 1), 2)[0, :, 0]
        array([2., 4.])
    """


# Patches and blocks ----------------------------------------------------------------

@op(_unfold_rule, family="conv")
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Extracts sliding patches of a channels-first image batch as columns (im2col).

    Args:
        x: ``(batch, channels, height, width)``.
        kernel_size: int or pair, the patch size.
        dilation: int or pair, the spacing between patch elements.
        padding: int or pair of zeros added on both sides of each spatial dim.
        stride: int or pair, the step between patches.

    Returns:
        ``(batch, channels * kh * kw, blocks)``; row ``c * kh * kw + i * kw + j`` holds
        element ``(i, j)`` of channel ``c`` of every patch, patches in row-major order.

    Example:
        >>> ops.unfold(np.ones((1, 2, 4, 4)), 2).shape
        (1, 8, 9)
    """


@op(_fold_rule, family="conv")
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums columns of patches back into an image (col2im), the adjoint of `unfold`.

    Args:
        x: ``(batch, channels * kh * kw, blocks)``, laid out as `unfold` returns.
        output_size: int or pair, the image's (height, width).
        kernel_size, dilation, padding, stride: as in `unfold`.

    Returns:
        ``(batch, channels, height, width)``; overlapping patch elements are added.

    Example:
        >>> ops.fold(np.ones((1, 8, 9)), 4, 2)[0, 0]  # counts of covering patches
        array([[1., 2., 2., 1.], [2., 4., 4., 2.], [2., 4., 4., 2.], [1., 2., 2., 1.]])
    """


@op(_block_rule(to_space=True), family="conv")
def depth_to_space(x, block_size, data_format="channels_last"):
    """Moves channel blocks into ``block_size x block_size`` spatial tiles (pixel shuffle).

    Args:
        x: 4D, ``(batch, height, width, channels)`` or channels-first; channels must be
            divisible by ``block_size ** 2``.
        block_size: int, the tile size.
        data_format: ``"channels_last"`` (channel ``(i * b + j) * C + c`` goes to tile
            position ``(i, j)``) or ``"channels_first"`` (channel ``c * b * b + i * b + j``).

    Example:
        >>> ops.depth_to_space(np.ones((1, 2, 2, 8)), 2).shape
        (1, 4, 4, 2)
    """


@op(_block_rule(to_space=False), family="conv")
def space_to_depth(x, block_size, data_format="channels_last"):
    """Moves ``block_size x block_size`` spatial tiles into channels; inverse of `depth_to_space`.

    Example:
        >>> ops.space_to_depth(np.ones((1, 4, 4, 2)), 2).shape
        (1, 2, 2, 8)
    """


# Attention -------------------------------------------------------------------------

@op(_attention_rule, family="conv")
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention, ``softmax(scale * query @ key^T + bias) @ value``.

    With ``K < N`` key/value heads each key/value head serves ``N // K`` query heads
    (grouped-query attention). Softmax runs in at least float32.

    Args:
        query: ``(batch, T, N, head_dim)``.
        key: ``(batch, S, K, head_dim)``, with ``N`` a multiple of ``K``.
        value: ``(batch, S, K, value_dim)``.
        bias: optional, added to the logits; broadcastable to ``(batch, N, T, S)``.
        mask: optional boolean, broadcastable to ``(batch, N, T, S)``; False positions are
            left out (a query with none left attends uniformly).
        scale: the logits' factor; None means ``1 / sqrt(head_dim)``.
        is_causal: whether query ``t`` only sees keys ``s <= t``.
        flash_attention: accepted for compatibility; these backends use no flash kernel.
        attn_logits_soft_cap: optional cap ``c``: logits become ``c * tanh(logits / c)``
            (after bias, before masking).

    Returns:
        ``(batch, T, N, value_dim)``.

    Example:
        >>> q = np.ones((2, 4, 8, 16)); kv = np.ones((2, 6, 2, 16))
        >>> ops.dot_product_attention(q, kv, kv).shape
        (2, 4, 8, 16)
    """


# CTC -------------------------------------------------------------------------------

@op(_ctc_loss_rule, family="conv")
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist Temporal Classification loss, one value per batch element.

    Args:
        target: int ``(batch, max_label_length)``, padded label sequences.
        output: ``(batch, time, classes)`` logits (unnormalized).
        target_length: int ``(batch,)``, the label lengths.
        output_length: int ``(batch,)``, the valid time steps of `output`.
        mask_index: the blank class.

    Returns:
        ``(batch,)`` negative log-likelihoods, in at least float32.

    Example:
        >>> ops.ctc_loss(np.array([[1, 2]]), np.zeros((1, 5, 3)), np.array([2]),
        ...              np.array([5])).shape
        (1,)
    """


@op(_ctc_decode_rule, family="conv")
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Decodes CTC outputs into label sequences, greedily or by prefix beam search.

    Args:
        inputs: ``(batch, time, classes)`` logits.
        sequence_lengths: int ``(batch,)``, the valid time steps.
        strategy: ``"greedy"`` (best class per step) or ``"beam_search"``.
        beam_width: prefixes kept per step by beam search.
        top_paths: how many best sequences beam search returns.
        merge_repeated: greedy only: merge repeated classes not separated by a blank.
        mask_index: the blank class.

    Returns:
        ``(decoded, scores)``: int32 ``(paths, batch, time)`` labels padded with -1
        (``paths`` is 1 for greedy), and ``(batch, paths)`` scores: the negated sum of
        the chosen logits (greedy) or the sequence's log-probability (beam search).

    Example:
        >>> decoded, scores = ops.ctc_decode(np.eye(3)[None, [1, 1, 0, 2]], np.array([4]))
        >>> decoded[0, 0]
        array([ 1,  2, -1, -1], dtype=int32)
    """
