"""Convolution, pooling, attention, CTC and patch ops on the PyTorch backend.

torch works channels-first; channels-last inputs are moved there and back. Explicit
(possibly uneven) paddings go through `F.pad`. Geometry and argument checks come from
`kerasnb.engine.ops.conv`; beam-search CTC decoding runs the NumPy decoder eagerly.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy import conv as reference
from kerasnb.engine.backend.torch.core import DEVICE, convert_to_tensor, to_torch_dtype
from kerasnb.engine.ops import conv as geo

__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention",
    "fold", "max_pool", "space_to_depth", "unfold",
]


def _first(x, data_format):
    return x if data_format == "channels_first" else torch.movedim(x, -1, 1)


def _back(x, data_format):
    return x if data_format == "channels_first" else torch.movedim(x, 1, -1)


def _pads(pairs):
    """`F.pad`'s flat list (last dim first) from per-dim (before, after) pairs."""
    return [p for pair in reversed(pairs) for p in pair]


def _padded(x, pairs, value=0.0):
    """`x` padded by per-dim (before, after) `pairs`; `x` itself (no copy, memory layout
    kept) when every pad is zero, as for "valid" padding."""
    if not any(a or b for a, b in pairs):
        return x
    return F.pad(x, _pads(pairs), value=value)


def _float(x):
    return x.to(to_torch_dtype(dtypes.float_result(dtypes.standardize_dtype(x.dtype))))


def _kernel(kernel, nd):
    """``(*window, a, b)`` to torch's ``(b, a, *window)``."""
    return kernel.permute(nd + 1, nd, *range(nd))


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    g = geo.conv_geometry(tuple(inputs.shape), tuple(kernel.shape), strides, padding, data_format,
                          dilation_rate)
    nd = len(g.window)
    x = _padded(_first(inputs, g.data_format), g.pads)
    y = getattr(F, f"conv{nd}d")(x, _kernel(kernel, nd), stride=g.strides, dilation=g.dilation,
                                 groups=g.groups)
    return _back(y, g.data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    grouped = geo.depthwise_kernel_shape(tuple(inputs.shape), tuple(kernel.shape), data_format)
    return conv(inputs, kernel.reshape(grouped), strides, padding, data_format, dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    g = geo.transpose_geometry(tuple(inputs.shape), tuple(kernel.shape), strides, padding,
                               output_padding, data_format, dilation_rate)
    nd = len(g.window)
    full = getattr(F, f"conv_transpose{nd}d")(_first(inputs, g.data_format), _kernel(kernel, nd),
                                              stride=g.strides, dilation=g.dilation)
    # `full` is padded by span - 1 on both sides; crop or zero-pad it to `g.pads`.
    spans = [(k - 1) * d + 1 for k, d in zip(g.window, g.dilation)]
    return _back(F.pad(full, _pads([(a - s + 1, b - s + 1) for (a, b), s in zip(g.pads, spans)])),
                 g.data_format)


def _lowest(dtype):
    if dtype.is_floating_point:
        return -math.inf
    return torch.iinfo(dtype).min


def _windows(kind, x, window, strides):
    """torch `kind` ("max" or "avg") pooling of padded channels-first `x`."""
    if len(window) == 1:  # as 2D: torch's 1D max pooling has no integer kernels
        return _windows(kind, x.unsqueeze(-1), (*window, 1), (*strides, 1)).squeeze(-1)
    return getattr(F, f"{kind}_pool{len(window)}d")(x, window, strides)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    g = geo.pool_geometry(tuple(x.shape), pool_size, strides, padding, data_format)
    padded = _padded(_first(x, g.data_format), g.pads, value=_lowest(x.dtype))
    return _back(_windows("max", padded, g.window, g.strides), g.data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = _float(convert_to_tensor(inputs))
    g = geo.pool_geometry(tuple(x.shape), pool_size, strides, padding, data_format)
    y = _windows("avg", _padded(_first(x, g.data_format), g.pads), g.window, g.strides)
    counts = geo.window_counts(g, geo.spatial(tuple(x.shape), g.data_format))
    if (counts != math.prod(g.window)).any():  # torch divided by the full window size
        y = y * torch.as_tensor(math.prod(g.window) / counts, dtype=y.dtype, device=y.device)
    return _back(y, g.data_format)


def _gather(x, axis, index):
    """``x`` with `axis` replaced by the two dims of the int array `index`."""
    flat = torch.as_tensor(index.reshape(-1), device=x.device)
    return torch.index_select(x, axis, flat).unflatten(axis, index.shape)


def adaptive_average_pool(inputs, output_size, data_format=None):
    x = _float(convert_to_tensor(inputs))
    for axis, index, weight in geo.adaptive_axes(tuple(x.shape), output_size, data_format):
        weight = torch.as_tensor(weight.reshape(weight.shape + (1,) * (x.ndim - axis - 1)),
                                 dtype=x.dtype, device=x.device)
        x = torch.sum(_gather(x, axis, index) * weight, dim=axis + 1)
    return x


def adaptive_max_pool(inputs, output_size, data_format=None):
    x = convert_to_tensor(inputs)
    for axis, index, _ in geo.adaptive_axes(tuple(x.shape), output_size, data_format):
        x = torch.amax(_gather(x, axis, index), dim=axis + 1)
    return x


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    # Index-based rather than F.unfold, which has no integer kernels.
    x = convert_to_tensor(x)
    g = geo.unfold_geometry(tuple(x.shape), kernel_size, dilation, padding, stride)
    n, c, h, w = x.shape
    (ph, pw), index = g.padding, geo.patch_index(g, (h, w))
    flat = F.pad(x, (pw, pw, ph, ph)).reshape(n, c, -1)
    return _gather(flat, 2, index).reshape(n, c * index.shape[0], index.shape[1])


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    # Index-based rather than F.fold, which has no integer kernels.
    x = convert_to_tensor(x)
    g, (h, w), c = geo.fold_geometry(tuple(x.shape), output_size, kernel_size, dilation, padding,
                                     stride)
    n, (ph, pw), index = x.shape[0], g.padding, geo.patch_index(g, (h, w))
    image = x.new_zeros((n, c, (h + 2 * ph) * (w + 2 * pw)))
    image = image.index_add(2, torch.as_tensor(index.reshape(-1), device=x.device), x.reshape(n, c, -1))
    return image.reshape(n, c, h + 2 * ph, w + 2 * pw)[:, :, ph:ph + h, pw:pw + w]


def _blocks(x, block_size, data_format, to_space):
    x = convert_to_tensor(x)
    first, perm, final = geo.block_plan(tuple(x.shape), block_size, data_format, to_space)
    return x.reshape(first).permute(perm).reshape(final)


def depth_to_space(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=True)


def space_to_depth(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=False)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    # An einsum, not F.scaled_dot_product_attention, which has no logit soft cap.
    q, k, v = (convert_to_tensor(t) for t in (query, key, value))
    geo.check_attention(tuple(q.shape), tuple(k.shape), tuple(v.shape))
    name = geo.attention_dtype(q, k, v)
    dtype, wide = to_torch_dtype(name), to_torch_dtype(dtypes.result_type(name, "float32"))
    q, k, v = (t.to(dtype) for t in (q, k, v))
    (b, t, n, h), s, heads = q.shape, k.shape[1], k.shape[2]
    grouped = q.reshape(b, t, heads, n // heads, h)
    logits = torch.einsum("btkgh,bskh->bkgts", grouped.to(wide), k.to(wide)).reshape(b, n, t, s)
    logits = logits * (1 / math.sqrt(h) if scale is None else scale)
    if bias is not None:
        logits = logits + convert_to_tensor(bias).to(wide)
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * torch.tanh(logits / attn_logits_soft_cap)
    keep = torch.ones((t, s), dtype=torch.bool, device=q.device)
    if mask is not None:
        keep = keep & convert_to_tensor(mask).to(torch.bool)
    if is_causal:
        keep = keep & torch.ones((t, s), dtype=torch.bool, device=q.device).tril()
    logits = torch.where(keep, logits, torch.tensor(-0.7 * torch.finfo(wide).max, dtype=wide))
    probs = torch.softmax(logits, dim=-1).to(dtype).reshape(b, heads, n // heads, t, s)
    return torch.einsum("bkgts,bskh->btkgh", probs, v).reshape(b, t, n, v.shape[-1])


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output, labels = convert_to_tensor(output), convert_to_tensor(target).long()
    geo.check_ctc_loss(tuple(labels.shape), tuple(output.shape))
    logp = torch.log_softmax(output.to(to_torch_dtype(geo.ctc_dtype(output))), dim=-1)
    return F.ctc_loss(logp.transpose(0, 1), labels,
                      convert_to_tensor(output_length).long(), convert_to_tensor(target_length).long(),
                      blank=mask_index, reduction="none")


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    x = convert_to_tensor(inputs)
    geo.check_ctc_decode(tuple(x.shape), strategy, beam_width, top_paths)
    x = x.to(to_torch_dtype(geo.ctc_dtype(x)))
    lengths = convert_to_tensor(sequence_lengths).long()
    if strategy == "greedy":
        return _greedy_decode(x, lengths, merge_repeated, mask_index)
    decoded, scores = reference.beam_search_decode(
        common.to_numpy_any(x), common.to_numpy_any(lengths), beam_width, top_paths, mask_index)
    return convert_to_tensor(decoded), convert_to_tensor(np.asarray(scores))


def _greedy_decode(x, lengths, merge_repeated, blank):
    steps = torch.arange(x.shape[1], device=DEVICE)[None, :] < lengths[:, None]
    best = torch.where(steps, x.argmax(dim=-1), blank)
    if merge_repeated:
        first = torch.zeros_like(best[:, :1], dtype=torch.bool)
        repeat = torch.cat([first, best[:, 1:] == best[:, :-1]], dim=1)
        best = torch.where(repeat, blank, best)
    keep = best != blank
    order = torch.argsort((~keep).to(torch.int8), dim=1, stable=True)
    decoded = torch.where(keep.gather(1, order), best.gather(1, order), -1)
    scores = -torch.where(steps, x.amax(dim=-1), 0).sum(dim=1, keepdim=True)
    return decoded[None].to(torch.int32), scores.to(x.dtype)
