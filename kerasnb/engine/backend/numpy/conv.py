"""Convolution, pooling, attention, CTC and patch ops on the NumPy backend (the reference).

Sliding windows are strided views of the padded, channels-last input, contracted with
einsum. Geometry and argument checks come from `kerasnb.engine.ops.conv`. The CTC
decoders here also serve the other backends' beam search.
"""

import collections

import numpy as np
from numpy.lib.stride_tricks import as_strided

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor
from kerasnb.engine.ops import conv as geo

__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention",
    "fold", "max_pool", "space_to_depth", "unfold",
]

_LETTERS = "xyzuvw"  # einsum names: output positions, then window offsets


def _to_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def _from_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


def _float(x):
    return x.astype(common.numpy_dtype(dtypes.float_result(x.dtype)), copy=False)


def _lowest(dtype):
    """The padding value that never wins a maximum."""
    if dtypes.is_float(dtype):
        return -np.inf
    return False if dtype == np.bool_ else np.iinfo(dtype).min


def _pad(x, g, value=0):
    if not any(before or after for before, after in g.pads):
        return x
    return np.pad(x, [(0, 0), *g.pads, (0, 0)], constant_values=value)


def _windows(x, g):
    """A read-only view ``(batch, *out, *window, channels)`` of padded channels-last `x`."""
    nd = len(g.window)
    st = x.strides
    shape = (x.shape[0], *g.out, *g.window, x.shape[-1])
    strides = (st[0], *(st[1 + i] * g.strides[i] for i in range(nd)),
               *(st[1 + i] * g.dilation[i] for i in range(nd)), st[-1])
    return as_strided(x, shape, strides, writeable=False)


def _conv_last(x, kernel, g):
    """Grouped convolution of channels-last `x` with a ``(*window, in, out)`` kernel."""
    nd = len(g.window)
    win = _windows(_pad(x, g), g)
    win = win.reshape(*win.shape[:-1], g.groups, -1)
    kern = kernel.reshape(*kernel.shape[:-1], g.groups, -1)
    out, offsets = _LETTERS[:nd], _LETTERS[3:3 + nd]
    y = np.einsum(f"n{out}{offsets}gc,{offsets}cgo->n{out}go", win, kern, optimize=True)
    return y.reshape(*y.shape[:-2], -1)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    g = geo.conv_geometry(inputs.shape, kernel.shape, strides, padding, data_format, dilation_rate)
    return _from_last(_conv_last(_to_last(inputs, g.data_format), kernel, g), g.data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    grouped = geo.depthwise_kernel_shape(inputs.shape, kernel.shape, data_format)
    return conv(inputs, kernel.reshape(grouped), strides, padding, data_format, dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    g = geo.transpose_geometry(inputs.shape, kernel.shape, strides, padding, output_padding,
                               data_format, dilation_rate)
    x = _to_last(inputs, g.data_format)
    nd = len(g.window)
    spread_space = ((n - 1) * s + 1 for n, s in zip(x.shape[1:-1], g.strides))
    spread = np.zeros((x.shape[0], *spread_space, x.shape[-1]), x.dtype)
    spread[(slice(None), *(slice(None, None, s) for s in g.strides))] = x
    flipped = np.swapaxes(np.flip(kernel, tuple(range(nd))), -1, -2)
    y = _conv_last(spread, flipped, g._replace(strides=(1,) * nd))
    return _from_last(y, g.data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    g = geo.pool_geometry(x.shape, pool_size, strides, padding, data_format)
    win = _windows(_pad(_to_last(x, g.data_format), g, _lowest(x.dtype)), g)
    nd = len(g.window)
    return _from_last(win.max(axis=tuple(range(1 + nd, 1 + 2 * nd))), g.data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = _float(convert_to_tensor(inputs))
    g = geo.pool_geometry(x.shape, pool_size, strides, padding, data_format)
    win = _windows(_pad(_to_last(x, g.data_format), g), g)
    nd = len(g.window)
    counts = geo.window_counts(g, geo.spatial(x.shape, g.data_format))
    mean = win.sum(axis=tuple(range(1 + nd, 1 + 2 * nd))) / counts[..., None].astype(x.dtype)
    return _from_last(mean, g.data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    x = _float(convert_to_tensor(inputs))
    for axis, index, weight in geo.adaptive_axes(x.shape, output_size, data_format):
        weight = weight.astype(x.dtype).reshape(weight.shape + (1,) * (x.ndim - axis - 1))
        x = np.sum(np.take(x, index, axis=axis) * weight, axis=axis + 1)
    return x


def adaptive_max_pool(inputs, output_size, data_format=None):
    x = convert_to_tensor(inputs)
    for axis, index, _ in geo.adaptive_axes(x.shape, output_size, data_format):
        x = np.max(np.take(x, index, axis=axis), axis=axis + 1)
    return x


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g = geo.unfold_geometry(x.shape, kernel_size, dilation, padding, stride)
    n, c, h, w = x.shape
    (ph, pw), index = g.padding, geo.patch_index(g, (h, w))
    flat = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).reshape(n, c, -1)
    return flat[:, :, index].reshape(n, c * index.shape[0], index.shape[1])


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g, (h, w), c = geo.fold_geometry(x.shape, output_size, kernel_size, dilation, padding, stride)
    n, (ph, pw), index = x.shape[0], g.padding, geo.patch_index(g, (h, w))
    image = np.zeros((n, c, (h + 2 * ph) * (w + 2 * pw)), x.dtype)
    np.add.at(image, (slice(None), slice(None), index), x.reshape(n, c, *index.shape))
    return image.reshape(n, c, h + 2 * ph, w + 2 * pw)[:, :, ph:ph + h, pw:pw + w]


def _blocks(x, block_size, data_format, to_space):
    x = convert_to_tensor(x)
    first, perm, final = geo.block_plan(x.shape, block_size, data_format, to_space)
    return x.reshape(first).transpose(perm).reshape(final)


def depth_to_space(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=True)


def space_to_depth(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=False)


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    q, k, v = (convert_to_tensor(t) for t in (query, key, value))
    geo.check_attention(q.shape, k.shape, v.shape)
    dtype = geo.attention_dtype(q, k, v)
    wide = common.numpy_dtype(dtypes.result_type(dtype, "float32"))
    q, k, v = (t.astype(common.numpy_dtype(dtype), copy=False) for t in (q, k, v))
    (b, t, n, h), s, heads = q.shape, k.shape[1], k.shape[2]
    grouped = q.reshape(b, t, heads, n // heads, h)
    logits = np.einsum("btkgh,bskh->bkgts", grouped.astype(wide), k.astype(wide)).reshape(b, n, t, s)
    logits = logits * np.asarray(1 / np.sqrt(h) if scale is None else scale, wide)
    if bias is not None:
        logits = logits + convert_to_tensor(bias).astype(wide)
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * np.tanh(logits / attn_logits_soft_cap)
    keep = np.ones((t, s), bool) if mask is None else convert_to_tensor(mask).astype(bool)
    if is_causal:
        keep = keep & np.tri(t, s, dtype=bool)
    logits = np.where(keep, logits, np.asarray(-0.7 * np.finfo(wide).max, wide))
    probs = _softmax(logits).astype(q.dtype).reshape(b, heads, n // heads, t, s)
    return np.einsum("bkgts,bskh->btkgh", probs, v).reshape(b, t, n, v.shape[-1])


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output, labels = convert_to_tensor(output), convert_to_tensor(target).astype(np.int64)
    geo.check_ctc_loss(labels.shape, output.shape)
    logp = _log_softmax(output.astype(common.numpy_dtype(geo.ctc_dtype(output))))
    label_len = convert_to_tensor(target_length).astype(np.int64)
    steps = convert_to_tensor(output_length).astype(np.int64)
    (b, t_max, _), width = logp.shape, 2 * labels.shape[1] + 1
    states = np.full((b, width), mask_index, np.int64)
    states[:, 1::2] = labels
    skip = np.zeros((b, width), bool)
    skip[:, 2:] = (states[:, 2:] != mask_index) & (states[:, 2:] != states[:, :-2])
    emit = np.take_along_axis(logp, np.broadcast_to(states[:, None], (b, t_max, width)), axis=2)
    alpha = np.full((b, width), -np.inf, logp.dtype)
    alpha[:, :2] = emit[:, 0, :2]
    for step in range(1, t_max):
        alpha = np.where((step < steps)[:, None], _ctc_step(alpha, skip) + emit[:, step], alpha)
    last = np.take_along_axis(alpha, 2 * label_len[:, None], axis=1)[:, 0]
    before = np.take_along_axis(alpha, np.maximum(2 * label_len - 1, 0)[:, None], axis=1)[:, 0]
    return -np.logaddexp(last, np.where(label_len > 0, before, -np.inf))


def _ctc_step(alpha, skip):
    """Log-probabilities of reaching each CTC state from the previous step's states."""
    stay = alpha
    advance = np.pad(alpha, ((0, 0), (1, 0)), constant_values=-np.inf)[:, :-1]
    jump = np.where(skip, np.pad(alpha, ((0, 0), (2, 0)), constant_values=-np.inf)[:, :-2], -np.inf)
    return np.logaddexp(np.logaddexp(stay, advance), jump)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    x = convert_to_tensor(inputs)
    geo.check_ctc_decode(x.shape, strategy, beam_width, top_paths)
    x = x.astype(common.numpy_dtype(geo.ctc_dtype(x)), copy=False)
    lengths = convert_to_tensor(sequence_lengths).astype(np.int64)
    if strategy == "greedy":
        return greedy_decode(x, lengths, merge_repeated, mask_index)
    return beam_search_decode(x, lengths, beam_width, top_paths, mask_index)


def greedy_decode(x, lengths, merge_repeated, blank):
    """Best class per valid step, repeats merged, blanks dropped; see `ctc_decode`."""
    steps = np.arange(x.shape[1])[None, :] < lengths[:, None]
    best = np.where(steps, x.argmax(axis=-1), blank)
    if merge_repeated:
        repeat = np.pad(best[:, 1:] == best[:, :-1], ((0, 0), (1, 0)))
        best = np.where(repeat, blank, best)
    keep = best != blank
    order = np.argsort(~keep, axis=1, kind="stable")
    decoded = np.where(np.take_along_axis(keep, order, 1), np.take_along_axis(best, order, 1), -1)
    scores = -np.sum(np.where(steps, x.max(axis=-1), 0), axis=1, keepdims=True)
    return decoded[None].astype(np.int32), scores.astype(x.dtype)


def beam_search_decode(x, lengths, beam_width, top_paths, blank):
    """Prefix beam search on the log-softmax of `x`; see `ctc_decode`."""
    logp = _log_softmax(x)
    decoded = np.full((top_paths, x.shape[0], x.shape[1]), -1, np.int32)
    scores = np.full((x.shape[0], top_paths), -np.inf, x.dtype)
    for i, (rows, length) in enumerate(zip(logp, lengths)):
        best = _prefix_beam_search(rows[:length], beam_width, blank)[:top_paths]
        for rank, (prefix, score) in enumerate(best):
            decoded[rank, i, :len(prefix)] = prefix
            scores[i, rank] = score
    return decoded, scores


def _prefix_beam_search(rows, beam_width, blank):
    """Best label prefixes with log-probabilities, tracking blank/non-blank endings apart."""
    beams = {(): (0.0, -np.inf)}  # prefix -> (log P(ends in blank), log P(ends in a label))
    for row in rows:
        grown = collections.defaultdict(lambda: [-np.inf, -np.inf])
        for prefix, (p_blank, p_label) in beams.items():
            total = np.logaddexp(p_blank, p_label)
            grown[prefix][0] = np.logaddexp(grown[prefix][0], total + row[blank])
            for c in range(len(row)):
                if c == blank:
                    continue
                entry = grown[prefix + (c,)]
                if prefix and prefix[-1] == c:  # a repeat extends only after a blank
                    entry[1] = np.logaddexp(entry[1], p_blank + row[c])
                    grown[prefix][1] = np.logaddexp(grown[prefix][1], p_label + row[c])
                else:
                    entry[1] = np.logaddexp(entry[1], total + row[c])
        ranked = sorted(grown.items(), key=lambda item: -np.logaddexp(*item[1]))
        beams = dict(ranked[:beam_width])
    ranked = sorted(((p, np.logaddexp(*s)) for p, s in beams.items()), key=lambda item: -item[1])
    return ranked
