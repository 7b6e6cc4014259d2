"""Convolution, pooling, attention, CTC and patch ops on the TensorFlow backend.

TF's CPU kernels work channels-last, so channels-first inputs are moved there and back;
explicit paddings go through `tf.pad` before a "VALID" op. Geometry and argument checks
come from `kerasnb.engine.ops.conv`.
"""

import numpy as np
import tensorflow as tf

from kerasnb.engine import dtypes
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor
from kerasnb.engine.ops import conv as geo

__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention",
    "fold", "max_pool", "space_to_depth", "unfold",
]


def _shape(x):
    return tuple(x.shape)


def _to_last(x, data_format):
    if data_format == "channels_last":
        return x
    return tf.transpose(x, (0, *range(2, x.shape.rank), 1))


def _from_last(x, data_format):
    if data_format == "channels_last":
        return x
    return tf.transpose(x, (0, x.shape.rank - 1, *range(1, x.shape.rank - 1)))


def _float(x):
    return tf.cast(x, dtypes.float_result(x.dtype.name))


def _strided(op, x, kernel, strides, dilation):
    """Unpadded ``op(x, kernel, strides, dilation)``; TF refuses strides with dilation, so
    those run at stride 1 and subsample."""
    if max(strides) > 1 and max(dilation) > 1:
        y = op(x, kernel, (1,) * len(strides), dilation)
        return y[(slice(None), *(slice(None, None, s) for s in strides))]
    return op(x, kernel, strides, dilation)


def _convolution(x, kernel, strides, dilation):
    return tf.nn.convolution(x, kernel, strides, "VALID", dilations=dilation)


def _depthwise(x, kernel, strides, dilation):
    return tf.nn.depthwise_conv2d(x, kernel, (1, *strides, 1), "VALID", dilations=dilation)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    g = geo.conv_geometry(_shape(inputs), _shape(kernel), strides, padding, data_format, dilation_rate)
    x = tf.pad(_to_last(inputs, g.data_format), [(0, 0), *g.pads, (0, 0)])
    if g.groups == 1:
        y = _strided(_convolution, x, kernel, g.strides, g.dilation)
    else:  # one convolution per group: TF's CPU kernels lack grouped gradients and 3D groups
        parts = zip(tf.split(x, g.groups, axis=-1), tf.split(kernel, g.groups, axis=-1))
        y = tf.concat([_strided(_convolution, part, k, g.strides, g.dilation) for part, k in parts], -1)
    return _from_last(y, g.data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    grouped = geo.depthwise_kernel_shape(_shape(inputs), _shape(kernel), data_format)
    if len(grouped) == 5:  # TF has no 3D depthwise kernel
        return conv(inputs, tf.reshape(kernel, grouped), strides, padding, data_format, dilation_rate)
    g = geo.conv_geometry(_shape(inputs), grouped, strides, padding, data_format, dilation_rate)
    x = tf.pad(_to_last(inputs, g.data_format), [(0, 0), *g.pads, (0, 0)])
    if len(g.window) == 2:
        y = _strided(_depthwise, x, kernel, g.strides, g.dilation)
    else:  # 1D as 2D with a unit height
        y = _strided(_depthwise, x[:, None], kernel[None], (1, *g.strides), (1, *g.dilation))[:, 0]
    return _from_last(y, g.data_format)


def _crop_pad(x, pairs):
    """Per spatial dim of channels-last `x`: negative amounts crop, positive ones zero-pad."""
    crop = [slice(-a if a < 0 else 0, n + b if b < 0 else n) for n, (a, b) in zip(x.shape[1:-1], pairs)]
    return tf.pad(x[(slice(None), *crop)], [(0, 0), *((max(a, 0), max(b, 0)) for a, b in pairs), (0, 0)])


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    inputs = convert_to_tensor(inputs, kernel.dtype)
    g = geo.transpose_geometry(_shape(inputs), _shape(kernel), strides, padding, output_padding,
                               data_format, dilation_rate)
    x = _to_last(inputs, g.data_format)
    spans = [(k - 1) * d + 1 for k, d in zip(g.window, g.dilation)]
    full = [(n - 1) * s + span for n, s, span in zip(x.shape[1:-1], g.strides, spans)]
    y = tf.nn.conv_transpose(x, kernel, [tf.shape(x)[0], *full, kernel.shape[-2]], g.strides,
                             "VALID", dilations=g.dilation)
    # `y` is padded by span - 1 on both sides; crop or zero-pad it to `g.pads`.
    y = _crop_pad(y, [(a - s + 1, b - s + 1) for (a, b), s in zip(g.pads, spans)])
    return _from_last(y, g.data_format)


def _pool(fn, x, window, strides, padding):
    """TF pooling of channels-last `x`; TF's "SAME" padding is Keras's."""
    if len(window) == 3:  # as two 2D pools: TF's 3D pools lack float64 and integer kernels
        d, h, w, c = x.shape[1:]
        y = fn(tf.reshape(x, (-1, h, w, c)), window[1:], strides[1:], padding)
        h2, w2 = y.shape[1:3]
        y = fn(tf.reshape(y, (-1, d, h2 * w2, c)), (window[0], 1), (strides[0], 1), padding)
        return tf.reshape(y, (-1, y.shape[1], h2, w2, c))
    return fn(x, window, strides, padding)


def _pooling(fn, x, pool_size, strides, padding, data_format):
    g = geo.pool_geometry(_shape(x), pool_size, strides, padding, data_format)
    y = _pool(fn, _to_last(x, g.data_format), g.window, g.strides, geo.check_padding(padding).upper())
    return _from_last(y, g.data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pooling(tf.nn.max_pool, convert_to_tensor(inputs), pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = _float(convert_to_tensor(inputs))
    return _pooling(tf.nn.avg_pool, x, pool_size, strides, padding, data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    x = _float(convert_to_tensor(inputs))
    for axis, index, weight in geo.adaptive_axes(_shape(x), output_size, data_format):
        weight = tf.constant(weight.reshape(weight.shape + (1,) * (x.shape.rank - axis - 1)), x.dtype)
        x = tf.reduce_sum(tf.gather(x, index, axis=axis) * weight, axis=axis + 1)
    return x


def adaptive_max_pool(inputs, output_size, data_format=None):
    x = convert_to_tensor(inputs)
    for axis, index, _ in geo.adaptive_axes(_shape(x), output_size, data_format):
        x = tf.reduce_max(tf.gather(x, index, axis=axis), axis=axis + 1)
    return x


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g = geo.unfold_geometry(_shape(x), kernel_size, dilation, padding, stride)
    _, c, h, w = x.shape
    (ph, pw), index = g.padding, geo.patch_index(g, (h, w))
    padded = tf.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    flat = tf.reshape(padded, (-1, c, (h + 2 * ph) * (w + 2 * pw)))
    return tf.reshape(tf.gather(flat, index, axis=2), (-1, c * index.shape[0], index.shape[1]))


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g, (h, w), c = geo.fold_geometry(_shape(x), output_size, kernel_size, dilation, padding, stride)
    (ph, pw), index = g.padding, geo.patch_index(g, (h, w))
    pieces = tf.transpose(tf.reshape(x, (-1, c, index.size)), (2, 0, 1))
    image = tf.math.unsorted_segment_sum(pieces, index.reshape(-1), (h + 2 * ph) * (w + 2 * pw))
    image = tf.reshape(tf.transpose(image, (1, 2, 0)), (-1, c, h + 2 * ph, w + 2 * pw))
    return image[:, :, ph:ph + h, pw:pw + w]


def _blocks(x, block_size, data_format, to_space):
    x = convert_to_tensor(x)
    first, perm, final = geo.block_plan(_shape(x), block_size, data_format, to_space)
    return tf.reshape(tf.transpose(tf.reshape(x, _known(first)), perm), _known(final))


def _known(shape):
    """A reshape target with the unknown (batch) dim as -1."""
    return [-1 if d is None else d for d in shape]


def depth_to_space(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=True)


def space_to_depth(x, block_size, data_format="channels_last"):
    return _blocks(x, block_size, data_format, to_space=False)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    q, k, v = (convert_to_tensor(t) for t in (query, key, value))
    geo.check_attention(_shape(q), _shape(k), _shape(v))
    dtype = geo.attention_dtype(q, k, v)
    wide = dtypes.result_type(dtype, "float32")
    q, k, v = (tf.cast(t, dtype) for t in (q, k, v))
    (b, t, n, h), s, heads = q.shape, k.shape[1], k.shape[2]
    grouped = tf.reshape(q, (-1, t, heads, n // heads, h))
    logits = tf.einsum("btkgh,bskh->bkgts", tf.cast(grouped, wide), tf.cast(k, wide))
    logits = tf.reshape(logits, (-1, n, t, s))
    logits = logits * tf.constant(1 / np.sqrt(h) if scale is None else scale, wide)
    if bias is not None:
        logits = logits + tf.cast(convert_to_tensor(bias), wide)
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * tf.tanh(logits / attn_logits_soft_cap)
    keep = tf.ones((t, s), tf.bool) if mask is None else tf.cast(convert_to_tensor(mask), tf.bool)
    if is_causal:
        keep = keep & tf.constant(np.tri(t, s, dtype=bool))
    logits = tf.where(keep, logits, tf.constant(-0.7 * np.finfo(wide).max, wide))
    probs = tf.reshape(tf.cast(tf.nn.softmax(logits, axis=-1), dtype), (-1, heads, n // heads, t, s))
    return tf.reshape(tf.einsum("bkgts,bskh->btkgh", probs, v), (-1, t, n, v.shape[-1]))


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output, labels = convert_to_tensor(output), tf.cast(convert_to_tensor(target), tf.int32)
    geo.check_ctc_loss(_shape(labels), _shape(output))
    dtype = geo.ctc_dtype(output)
    # TF's CTC kernel has no float64: that case computes in float32, then casts back.
    logits = tf.cast(output, "float32" if dtype == "float64" else dtype)
    loss = tf.nn.ctc_loss(labels, logits,
                          tf.cast(convert_to_tensor(target_length), tf.int32),
                          tf.cast(convert_to_tensor(output_length), tf.int32),
                          logits_time_major=False, blank_index=mask_index)
    return tf.cast(loss, dtype)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    x = convert_to_tensor(inputs)
    geo.check_ctc_decode(_shape(x), strategy, beam_width, top_paths)
    x = tf.cast(x, geo.ctc_dtype(x))
    lengths = tf.cast(convert_to_tensor(sequence_lengths), tf.int32)
    if strategy == "greedy":
        return _greedy_decode(x, lengths, merge_repeated, mask_index)
    return _beam_search_decode(x, lengths, beam_width, top_paths, mask_index)


def _greedy_decode(x, lengths, merge_repeated, blank):
    steps = tf.range(tf.shape(x)[1])[None, :] < lengths[:, None]
    best = tf.where(steps, tf.argmax(x, axis=-1, output_type=tf.int32), blank)
    if merge_repeated:
        repeat = tf.pad(best[:, 1:] == best[:, :-1], [(0, 0), (1, 0)])
        best = tf.where(repeat, blank, best)
    keep = best != blank
    order = tf.argsort(tf.cast(~keep, tf.int32), axis=1, stable=True)
    decoded = tf.where(tf.gather(keep, order, batch_dims=1), tf.gather(best, order, batch_dims=1), -1)
    scores = -tf.reduce_sum(tf.where(steps, tf.reduce_max(x, axis=-1), 0), axis=1, keepdims=True)
    return decoded[None], tf.cast(scores, x.dtype)


def _beam_search_decode(x, lengths, beam_width, top_paths, blank):
    """TF's decoder, which wants the blank last: classes are rotated there and back."""
    classes, steps = x.shape[-1], tf.shape(x)[1]
    rotated = tf.concat([x[..., :blank], x[..., blank + 1:], x[..., blank:blank + 1]], axis=-1)
    paths, scores = tf.nn.ctc_beam_search_decoder(tf.transpose(rotated, (1, 0, 2)), lengths,
                                                  beam_width=beam_width, top_paths=top_paths)
    dense = []
    for path in paths:
        labels = tf.sparse.to_dense(path, default_value=-1)
        labels = tf.where(labels >= blank, labels + 1, labels) if blank < classes - 1 else labels
        dense.append(tf.pad(labels, [(0, 0), (0, steps - tf.shape(labels)[1])], constant_values=-1))
    return tf.cast(tf.stack(dense), tf.int32), tf.cast(scores, x.dtype)
