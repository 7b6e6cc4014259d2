"""ONNX translators of convolution, pooling, normalization and one-hot ops.

ONNX convolutions and pools are channels-first, so channels-last tensors are transposed
around them. Kernels become initializers already in ONNX layout. Paddings are the explicit
ones of kerasnb's own geometry (`kerasnb.engine.ops.conv`), so the two always agree.
"""

import numpy as np

from kerasnb.engine import config, dtypes
from kerasnb.engine.export.onnx.math_ops import scalar
from kerasnb.engine.export.onnx.registry import translates
from kerasnb.engine.ops import conv as geo
from kerasnb.engine.ops.rules import canonical_axes, canonical_axis, shape_of
from kerasnb.engine.tensors import KerasTensor


def _channels_first(g, v, rank, data_format):
    if data_format == "channels_first":
        return v
    return g.transpose(v, [0, rank - 1] + list(range(1, rank - 1)))


def _channels_last(g, v, rank, data_format):
    if data_format == "channels_first":
        return v
    return g.transpose(v, [0] + list(range(2, rank)) + [1])


def _kernel(g, kernel, dtype, perm, shape=None):
    """`kernel` reshaped to `shape` (if given), then transposed by `perm`, as `dtype`:
    folded into one initializer for weights, graph nodes for traced tensors."""
    if isinstance(kernel, KerasTensor):
        v = g.value(kernel, dtype)
        if shape is not None:
            v = g.reshape(v, shape)
        return g.transpose(v, perm)
    array = g.constant(kernel, dtype)
    if shape is not None:
        array = array.reshape(shape)
    hint = getattr(kernel, "path", "kernel")
    return g.const(np.ascontiguousarray(np.transpose(array, perm)), hint=hint)


def _pads(geometry):
    """ONNX `pads` (all befores, then all afters), or None where a size is unknown."""
    if any(p is None for p in geometry.pads):
        return None
    return [int(b) for b, _ in geometry.pads] + [int(a) for _, a in geometry.pads]


def _window_attrs(geometry, padding):
    pads = _pads(geometry)
    if pads is not None:
        return {"pads": pads}
    return {"auto_pad": "SAME_UPPER" if padding.lower() == "same" else "VALID"}


def _conv(g, out, inputs, onnx_kernel, geometry, padding, groups):
    rank = len(shape_of(inputs))
    x = _channels_first(g, g.value(inputs, out.dtype), rank, geometry.data_format)
    y = g.node("Conv", [x, onnx_kernel], out.dtype, group=int(groups),
               kernel_shape=[int(k) for k in geometry.window], strides=list(geometry.strides),
               dilations=list(geometry.dilation), **_window_attrs(geometry, padding))
    return _channels_last(g, y, rank, geometry.data_format)


@translates("conv")
def conv(g, out, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    k_shape = shape_of(kernel)
    geometry = geo.conv_geometry(shape_of(inputs), k_shape, strides, padding, data_format, dilation_rate)
    nd = len(k_shape) - 2
    onnx_kernel = _kernel(g, kernel, out.dtype, [nd + 1, nd] + list(range(nd)))
    return _conv(g, out, inputs, onnx_kernel, geometry, padding, geometry.groups)


@translates("depthwise_conv")
def depthwise_conv(g, out, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    grouped = geo.depthwise_kernel_shape(shape_of(inputs), shape_of(kernel), data_format)
    geometry = geo.conv_geometry(shape_of(inputs), grouped, strides, padding, data_format, dilation_rate)
    nd = len(grouped) - 2
    onnx_kernel = _kernel(g, kernel, out.dtype, [nd + 1, nd] + list(range(nd)), shape=grouped)
    channels = geo.channels(shape_of(inputs), geometry.data_format)
    return _conv(g, out, inputs, onnx_kernel, geometry, padding, channels)


@translates("conv_transpose")
def conv_transpose(g, out, inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    k_shape = shape_of(kernel)
    geometry = geo.transpose_geometry(shape_of(inputs), k_shape, strides, padding, output_padding,
                                      data_format, dilation_rate)
    nd = len(k_shape) - 2
    onnx_kernel = _kernel(g, kernel, out.dtype, [nd + 1, nd] + list(range(nd)))
    # kerasnb pads the stride-spread input of a flipped-kernel convolution; ONNX crops the
    # full transposed output instead: crop = span - 1 - pad, negative crops become output_padding.
    begins, ends, extra = [], [], []
    for size, dilation, (before, after) in zip(geometry.window, geometry.dilation, geometry.pads):
        span = (size - 1) * dilation + 1
        begins.append(span - 1 - before)
        crop_end = span - 1 - after
        ends.append(max(crop_end, 0))
        extra.append(max(-crop_end, 0))
    rank = len(shape_of(inputs))
    x = _channels_first(g, g.value(inputs, out.dtype), rank, geometry.data_format)
    y = g.node("ConvTranspose", [x, onnx_kernel], out.dtype, kernel_shape=list(geometry.window),
               strides=list(geometry.strides), dilations=list(geometry.dilation), pads=begins + ends,
               output_padding=extra if any(extra) else None)
    return _channels_last(g, y, rank, geometry.data_format)


def _pool(op_type, **attrs):
    def translate(g, out, inputs, pool_size, strides=None, padding="valid", data_format=None):
        geometry = geo.pool_geometry(shape_of(inputs), pool_size, strides, padding, data_format)
        rank = len(shape_of(inputs))
        x = _channels_first(g, g.value(inputs, out.dtype), rank, geometry.data_format)
        y = g.node(op_type, [x], out.dtype, kernel_shape=list(geometry.window),
                   strides=list(geometry.strides), **_window_attrs(geometry, padding), **attrs)
        return _channels_last(g, y, rank, geometry.data_format)
    return translate


translates("max_pool")(_pool("MaxPool"))
translates("average_pool")(_pool("AveragePool", count_include_pad=0))


def _adaptive(is_max):
    def translate(g, out, inputs, output_size, data_format=None):
        shape = shape_of(inputs)
        if any(d is None for d in shape[1:]):
            raise NotImplementedError("adaptive pooling of inputs with unknown spatial dims")
        v, current = g.value(inputs, out.dtype), list(shape)
        for axis, index, weight in geo.adaptive_axes(shape, output_size, data_format):
            gathered = g.node("Gather", [v, g.ints(index.reshape(-1))], out.dtype, axis=axis)
            windows = [0] + current[1:axis] + list(index.shape) + current[axis + 1:]  # 0: batch
            gathered = g.reshape(gathered, tuple(windows))
            current[axis] = index.shape[0]
            if is_max:
                v = g.reduce("ReduceMax", gathered, [axis + 1], out.dtype)
            else:
                w = weight.reshape(weight.shape + (1,) * (len(shape) - axis - 1))
                weighted = g.node("Mul", [gathered, g.const(w.astype(dtypes.standardize_dtype(out.dtype)))],
                                  out.dtype)
                v = g.reduce("ReduceSum", weighted, [axis + 1], out.dtype)
        return v
    return translate


translates("adaptive_max_pool")(_adaptive(True))
translates("adaptive_average_pool")(_adaptive(False))


def _feature(g, value, x_rank, axis, dtype):
    """A per-feature parameter (a vector along `axis`) shaped to broadcast against `x`."""
    shape = [1] * x_rank
    shape[canonical_axis(axis, x_rank)] = -1
    if isinstance(value, KerasTensor):
        return g.reshape(g.value(value, dtype), tuple(shape))
    return g.const(g.constant(value, dtype).reshape(shape), hint=getattr(value, "path", "param"))


@translates("batch_normalization")
def batch_normalization(g, out, x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    rank, dtype = len(shape_of(x)), out.dtype
    v = g.value(x, dtype)
    inv = g.node("Reciprocal", [g.node("Sqrt", [g.node("Add", [
        _feature(g, variance, rank, axis, dtype), scalar(g, epsilon, dtype)], dtype)], dtype)], dtype)
    if scale is not None:
        inv = g.node("Mul", [inv, _feature(g, scale, rank, axis, dtype)], dtype)
    shift = g.node("Mul", [g.node("Neg", [_feature(g, mean, rank, axis, dtype)], dtype), inv], dtype)
    if offset is not None:
        shift = g.node("Add", [shift, _feature(g, offset, rank, axis, dtype)], dtype)
    return g.node("Add", [g.node("Mul", [v, inv], dtype), shift], dtype)


def _param(g, value, x_shape, axes, dtype):
    """A parameter over the normalized `axes`, reshaped to broadcast against `x`."""
    if len(shape_of(value)) == len(x_shape):
        return g.value(value, dtype)
    shape = tuple(x_shape[i] if i in axes else 1 for i in range(len(x_shape)))
    if isinstance(value, KerasTensor):
        return g.reshape(g.value(value, dtype), tuple(-1 if d is None else d for d in shape))
    return g.const(g.constant(value, dtype).reshape(shape), hint=getattr(value, "path", "param"))


def _compute_dtype(dtype):
    return dtypes.result_type(dtype, "float32")


@translates("layer_normalization")
def layer_normalization(g, out, x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    shape = shape_of(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    dtype = _compute_dtype(out.dtype)
    axes = list(canonical_axes(axis, len(shape)))
    v = g.value(x, dtype)
    mean = g.reduce("ReduceMean", v, axes, dtype, keepdims=True)
    centered = g.node("Sub", [v, mean], dtype)
    variance = g.reduce("ReduceMean", g.node("Mul", [centered, centered], dtype), axes, dtype, keepdims=True)
    inv = g.node("Reciprocal", [g.node("Sqrt", [g.node("Add", [variance, scalar(g, epsilon, dtype)], dtype)],
                                       dtype)], dtype)
    if gamma is not None:
        inv = g.node("Mul", [inv, _param(g, gamma, shape, axes, dtype)], dtype)
    if kwargs.get("rms_scaling"):
        return g.cast(g.node("Mul", [v, inv], dtype), out.dtype)
    y = g.node("Mul", [centered, inv], dtype)
    if beta is not None:
        y = g.node("Add", [y, _param(g, beta, shape, axes, dtype)], dtype)
    return g.cast(y, out.dtype)


@translates("rms_normalization")
def rms_normalization(g, out, x, scale=None, axis=-1, epsilon=None):
    shape = shape_of(x)
    if not shape:
        raise NotImplementedError("`rms_normalization` of a scalar")
    epsilon = config.epsilon() if epsilon is None else epsilon
    dtype = _compute_dtype(out.dtype)
    axes = list(canonical_axes(axis, len(shape)))
    v = g.value(x, dtype)
    mean_square = g.reduce("ReduceMean", g.node("Mul", [v, v], dtype), axes, dtype, keepdims=True)
    root = g.node("Sqrt", [g.node("Add", [mean_square, scalar(g, epsilon, dtype)], dtype)], dtype)
    y = g.node("Div", [v, root], dtype)
    if scale is not None:
        y = g.node("Mul", [y, _param(g, scale, shape, axes, dtype)], dtype)
    return g.cast(y, out.dtype)


@translates("one_hot")
def one_hot(g, out, x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise NotImplementedError("sparse `one_hot`")
    values = g.const(np.asarray([0, 1], dtype=dtypes.standardize_dtype(out.dtype)))
    depth = g.const(np.asarray(num_classes, dtype=np.int64))
    indices = g.value(x, "int64")
    # ONNX counts negative indices from the end; Keras encodes them as all zeros.
    valid = g.node("GreaterOrEqual", [indices, g.const(np.asarray(0, np.int64))], "bool")
    indices = g.node("Where", [valid, indices, g.const(np.asarray(num_classes, np.int64))], "int64")
    return g.node("OneHot", [indices, depth, values], out.dtype, axis=int(axis))
