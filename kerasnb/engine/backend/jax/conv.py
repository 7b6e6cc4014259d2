"""Convolution, pooling, attention, CTC and patch ops on the JAX backend (`jax.lax`).

Geometry and argument checks come from `kerasnb.engine.ops.conv`; beam-search CTC
decoding calls the NumPy decoder through `jax.pure_callback`, so it also works under jit.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor
from kerasnb.engine.backend.numpy import conv as reference
from kerasnb.engine.ops import conv as geo

__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention",
    "fold", "max_pool", "space_to_depth", "unfold",
]


def _numbers(g):
    """lax dimension numbers for `g`'s layout, with a ``(*window, in, out)`` kernel."""
    space = "DHW"[-len(g.window):]
    data = f"N{space}C" if g.data_format == "channels_last" else f"NC{space}"
    return data, f"{space}IO", data


def _float(x):
    return x.astype(common.numpy_dtype(dtypes.float_result(x.dtype)))


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    g = geo.conv_geometry(inputs.shape, kernel.shape, strides, padding, data_format, dilation_rate)
    return lax.conv_general_dilated(inputs, kernel, g.strides, g.pads, rhs_dilation=g.dilation,
                                    dimension_numbers=_numbers(g), feature_group_count=g.groups)


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
    nd = len(g.window)
    flipped = jnp.swapaxes(jnp.flip(kernel, tuple(range(nd))), -1, -2)
    return lax.conv_general_dilated(inputs, flipped, (1,) * nd, g.pads, lhs_dilation=g.strides,
                                    rhs_dilation=g.dilation, dimension_numbers=_numbers(g))


def _pool(x, g, init, reducer):
    """`reducer` over each window of `x`, padding with `init`."""
    if g.data_format == "channels_last":
        window, strides, pads = (1, *g.window, 1), (1, *g.strides, 1), [(0, 0), *g.pads, (0, 0)]
    else:
        window, strides, pads = (1, 1, *g.window), (1, 1, *g.strides), [(0, 0), (0, 0), *g.pads]
    # a NumPy constant: a traced init value would make the max window non-differentiable
    return lax.reduce_window(x, np.asarray(init, x.dtype), reducer, window, strides, pads)


def _lowest(dtype):
    if jnp.issubdtype(dtype, jnp.floating):
        return -jnp.inf
    return False if dtype == jnp.bool_ else jnp.iinfo(dtype).min


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    g = geo.pool_geometry(x.shape, pool_size, strides, padding, data_format)
    return _pool(x, g, _lowest(x.dtype), lax.max)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = _float(convert_to_tensor(inputs))
    g = geo.pool_geometry(x.shape, pool_size, strides, padding, data_format)
    counts = geo.window_counts(g, geo.spatial(x.shape, g.data_format))
    counts = counts[..., None] if g.data_format == "channels_last" else counts
    return _pool(x, g, 0, lax.add) / jnp.asarray(counts, x.dtype)


def adaptive_average_pool(inputs, output_size, data_format=None):
    x = _float(convert_to_tensor(inputs))
    for axis, index, weight in geo.adaptive_axes(x.shape, output_size, data_format):
        weight = jnp.asarray(weight, x.dtype).reshape(weight.shape + (1,) * (x.ndim - axis - 1))
        x = jnp.sum(jnp.take(x, index, axis=axis) * weight, axis=axis + 1)
    return x


def adaptive_max_pool(inputs, output_size, data_format=None):
    x = convert_to_tensor(inputs)
    for axis, index, _ in geo.adaptive_axes(x.shape, output_size, data_format):
        x = jnp.max(jnp.take(x, index, axis=axis), axis=axis + 1)
    return x


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g = geo.unfold_geometry(x.shape, kernel_size, dilation, padding, stride)
    n, c, h, w = x.shape
    (ph, pw), index = g.padding, geo.patch_index(g, (h, w))
    flat = jnp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).reshape(n, c, -1)
    return flat[:, :, index].reshape(n, c * index.shape[0], index.shape[1])


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g, (h, w), c = geo.fold_geometry(x.shape, output_size, kernel_size, dilation, padding, stride)
    n, (ph, pw), index = x.shape[0], g.padding, geo.patch_index(g, (h, w))
    image = jnp.zeros((n, c, (h + 2 * ph) * (w + 2 * pw)), x.dtype)
    image = image.at[:, :, index].add(x.reshape(n, c, *index.shape))
    return image.reshape(n, c, h + 2 * ph, w + 2 * pw)[:, :, ph:ph + h, pw:pw + w]


def _blocks(x, block_size, data_format, to_space):
    x = convert_to_tensor(x)
    first, perm, final = geo.block_plan(x.shape, block_size, data_format, to_space)
    return x.reshape(first).transpose(perm).reshape(final)


def depth_to_space(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=True)


def space_to_depth(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=False)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    q, k, v = (convert_to_tensor(t) for t in (query, key, value))
    geo.check_attention(q.shape, k.shape, v.shape)
    dtype = geo.attention_dtype(q, k, v)
    wide = common.numpy_dtype(dtypes.result_type(dtype, "float32"))
    q, k, v = (t.astype(common.numpy_dtype(dtype)) for t in (q, k, v))
    (b, t, n, h), s, heads = q.shape, k.shape[1], k.shape[2]
    grouped = q.reshape(b, t, heads, n // heads, h)
    logits = jnp.einsum("btkgh,bskh->bkgts", grouped, k, preferred_element_type=wide).reshape(b, n, t, s)
    logits = logits * jnp.asarray(1 / np.sqrt(h) if scale is None else scale, wide)
    if bias is not None:
        logits = logits + convert_to_tensor(bias).astype(wide)
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * jnp.tanh(logits / attn_logits_soft_cap)
    keep = jnp.ones((t, s), bool) if mask is None else convert_to_tensor(mask).astype(bool)
    if is_causal:
        keep = keep & jnp.tri(t, s, dtype=bool)
    logits = jnp.where(keep, logits, jnp.asarray(-0.7 * jnp.finfo(wide).max, wide))
    probs = jax.nn.softmax(logits, axis=-1).astype(q.dtype).reshape(b, heads, n // heads, t, s)
    return jnp.einsum("bkgts,bskh->btkgh", probs, v).reshape(b, t, n, v.shape[-1])


_NEG = -1e30  # log(0) for CTC: finite, so logaddexp of two impossible paths has a gradient


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output, labels = convert_to_tensor(output), convert_to_tensor(target).astype(jnp.int32)
    geo.check_ctc_loss(labels.shape, output.shape)
    logp = jax.nn.log_softmax(output.astype(common.numpy_dtype(geo.ctc_dtype(output))), axis=-1)
    label_len = convert_to_tensor(target_length).astype(jnp.int32)
    steps = convert_to_tensor(output_length).astype(jnp.int32)
    (b, t_max, _), width = logp.shape, 2 * labels.shape[1] + 1
    states = jnp.full((b, width), mask_index, jnp.int32).at[:, 1::2].set(labels)
    skip = jnp.pad((states[:, 2:] != mask_index) & (states[:, 2:] != states[:, :-2]), ((0, 0), (2, 0)))
    emit = jnp.take_along_axis(logp, jnp.broadcast_to(states[:, None], (b, t_max, width)), axis=2)
    start = jnp.full((b, width), _NEG, logp.dtype).at[:, :2].set(emit[:, 0, :2])

    def step(alpha, inputs):
        row, t = inputs
        grown = _ctc_step(alpha, skip) + row
        return jnp.where((t < steps)[:, None], grown, alpha), None

    alpha, _ = lax.scan(step, start, (jnp.swapaxes(emit, 0, 1)[1:], jnp.arange(1, t_max)))
    last = jnp.take_along_axis(alpha, 2 * label_len[:, None], axis=1)[:, 0]
    before = jnp.take_along_axis(alpha, jnp.maximum(2 * label_len - 1, 0)[:, None], axis=1)[:, 0]
    return -jnp.logaddexp(last, jnp.where(label_len > 0, before, _NEG))


def _ctc_step(alpha, skip):
    advance = jnp.pad(alpha, ((0, 0), (1, 0)), constant_values=_NEG)[:, :-1]
    jump = jnp.where(skip, jnp.pad(alpha, ((0, 0), (2, 0)), constant_values=_NEG)[:, :-2], _NEG)
    return jnp.logaddexp(jnp.logaddexp(alpha, advance), jump)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    x = convert_to_tensor(inputs)
    geo.check_ctc_decode(x.shape, strategy, beam_width, top_paths)
    x = x.astype(common.numpy_dtype(geo.ctc_dtype(x)))
    lengths = convert_to_tensor(sequence_lengths).astype(jnp.int32)
    if strategy == "greedy":
        return _greedy_decode(x, lengths, merge_repeated, mask_index)
    (b, t, _), paths = x.shape, top_paths
    shapes = (jax.ShapeDtypeStruct((paths, b, t), jnp.int32), jax.ShapeDtypeStruct((b, paths), x.dtype))

    def search(x, lengths):
        return reference.beam_search_decode(np.asarray(x), np.asarray(lengths), beam_width,
                                            top_paths, mask_index)

    return jax.pure_callback(search, shapes, x, lengths)


def _greedy_decode(x, lengths, merge_repeated, blank):
    steps = jnp.arange(x.shape[1])[None, :] < lengths[:, None]
    best = jnp.where(steps, x.argmax(axis=-1), blank)
    if merge_repeated:
        repeat = jnp.pad(best[:, 1:] == best[:, :-1], ((0, 0), (1, 0)))
        best = jnp.where(repeat, blank, best)
    keep = best != blank
    order = jnp.argsort(~keep, axis=1, stable=True)
    decoded = jnp.where(jnp.take_along_axis(keep, order, 1), jnp.take_along_axis(best, order, 1), -1)
    scores = -jnp.sum(jnp.where(steps, x.max(axis=-1), 0), axis=1, keepdims=True)
    return decoded[None].astype(jnp.int32), scores.astype(x.dtype)
