"""Building blocks of the image ops, written once with kerasnb ops so they run on every backend.

- layout: spatial axes, and moving images to and from batched channels-last form;
- `resample`: separable resizing by weight matrices (triangle, Keys cubic and Lanczos kernels
  with half-pixel centres, as `jax.image` and `tf.image` compute them, plus area averaging)
  and nearest-neighbour gathering;
- `sample`: reading a tensor at fractional coordinates with order 0 or 1 interpolation and
  the fill modes constant, nearest, wrap, mirror and reflect;
- `gather_patches`: sliding-window patches by gathering, exact for every dtype;
- static geometry shared by the op checks, rules and backends (patch arguments,
  aspect-ratio crops and pads, `pad_images` / `crop_images` margins).

Backends with native kernels call the pieces they lack (e.g. area resizing on JAX).
"""

import itertools
import math
import numbers

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.ops import conv, core, linalg
from kerasnb.engine.ops import numpy as knp

LINEAR = ("linear", "bilinear", "trilinear")
CUBIC = ("cubic", "bicubic", "tricubic")
LANCZOS = {"lanczos3": 3.0, "lanczos5": 5.0}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
_EPS = float(np.finfo(np.float32).eps)


def fail(name, arg, expected, received):
    raise ValueError(f"`{name}` expects `{arg}` {expected}; received {received}.")


# Layout ----------------------------------------------------------------------------

def spatial_axes(ndim, data_format):
    """The (height, width) axes of a 3D or 4D image tensor."""
    return (ndim - 3, ndim - 2) if data_format == "channels_last" else (ndim - 2, ndim - 1)


def channel_axis(ndim, data_format):
    return ndim - 1 if data_format == "channels_last" else ndim - 3


def to_batched_channels_last(images, data_format):
    """`images` as a (batch, height, width, channels) tensor, and the function undoing that."""
    ndim = len(core.shape(images))
    if ndim == 3:
        images = knp.expand_dims(images, 0)
    if data_format == "channels_first":
        images = knp.transpose(images, (0, 2, 3, 1))

    def undo(x):
        if data_format == "channels_first":
            x = knp.transpose(x, (0, 3, 1, 2))
        return knp.squeeze(x, 0) if ndim == 3 else x

    return images, undo


def restore_dtype(x, dtype, half_away=False):
    """Casts a float result back to `dtype`; integers are rounded (half to even, or half away
    from zero) and saturated to the dtype's range."""
    if not dtypes.is_int(dtype):
        return core.cast(x, dtype)
    rounded = knp.sign(x) * knp.floor(knp.abs(x) + 0.5) if half_away else knp.round(x)
    return core.saturate_cast(rounded, dtype)


def gaussian_1d(size, sigma):
    """A normalized Gaussian window of `size` taps (NumPy, float64)."""
    taps = np.arange(size, dtype="float64") - (size - 1) / 2
    window = np.exp(-0.5 * (taps / sigma) ** 2)
    return window / window.sum()


# Resampling ------------------------------------------------------------------------

def _kernel(method, x):
    """The interpolation kernel of `method` at distances `x` >= 0."""
    if method in LINEAR:
        return knp.maximum(1.0 - x, 0.0)
    if method in CUBIC:  # Keys cubic, a = -0.5
        near = (1.5 * x - 2.5) * x * x + 1.0
        far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        return knp.where(x < 1.0, near, knp.where(x < 2.0, far, 0.0))
    radius = LANCZOS[method]
    return knp.where(x < radius, knp.sinc(x) * knp.sinc(x / radius), 0.0)


def resample_weights(n_in, n_out, scale, translation, method, antialias, dtype):
    """The (n_in, n_out) matrix taking `n_in` samples to `n_out` along one axis.

    Output sample ``o`` sits at input position ``(o + 0.5 - translation) / scale - 0.5``;
    kernel weights are normalized per output sample, and outputs whose position falls
    outside the input get zero. With `antialias`, the kernel widens by ``1 / scale`` when
    downsampling. `scale` and `translation` are numbers or scalar tensors.
    """
    scale = core.convert_to_tensor(scale, dtype)
    translation = core.convert_to_tensor(translation, dtype)
    position = (knp.arange(n_out, dtype=dtype) + 0.5 - translation) / scale - 0.5
    stretch = knp.maximum(1.0 / scale, 1.0) if antialias else 1.0
    offsets = knp.expand_dims(position, 0) - knp.expand_dims(knp.arange(n_in, dtype=dtype), 1)
    weights = _kernel(method, knp.abs(offsets) / stretch)
    total = knp.sum(weights, axis=0, keepdims=True)
    usable = knp.abs(total) > 1000 * _EPS
    weights = knp.where(usable, weights / knp.where(usable, total, 1.0), 0.0)
    inside = knp.logical_and(position >= -0.5, position <= n_in - 0.5)
    return knp.where(knp.expand_dims(inside, 0), weights, 0.0)


def area_weights(n_in, n_out, dtype):
    """The (n_in, n_out) matrix averaging each output cell's footprint, weighted by overlap."""
    step = n_in / n_out
    start = knp.arange(n_out, dtype=dtype) * step
    cells = knp.expand_dims(knp.arange(n_in, dtype=dtype), 1)
    overlap = knp.minimum(start + step, cells + 1.0) - knp.maximum(start, cells)
    return knp.maximum(overlap, 0.0) / step


def nearest_indices(n_in, n_out):
    """Input index of each output sample for nearest-neighbour resizing (half-pixel centres)."""
    positions = np.floor((np.arange(n_out) + 0.5) * (n_in / n_out)).astype("int32")
    return np.minimum(positions, n_in - 1)


def contract(x, axis, weights):
    """Applies a (n_in, n_out) weight matrix along `axis` of `x`."""
    return knp.moveaxis(knp.tensordot(x, weights, axes=[[axis], [0]]), -1, axis)


def weight_dtype(compute_dtype):
    """Weights are built in at least float32, then cast to the compute dtype."""
    return dtypes.result_type(compute_dtype, "float32")


def resample(images, size, method, antialias, data_format):
    """Resizes the spatial dims of a 3D or 4D `images` tensor to `size` = (height, width)."""
    shape = core.shape(images)
    axes = spatial_axes(len(shape), data_format)
    if method == "nearest":
        for axis, n_out in zip(axes, size):
            images = knp.take(images, nearest_indices(shape[axis], n_out), axis=axis)
        return images
    dtype = core.dtype(images)
    compute = dtypes.float_result(dtype)
    x = core.cast(images, compute)
    for axis, n_out in zip(axes, size):
        n_in = shape[axis]
        if method == "area":
            weights = area_weights(n_in, n_out, weight_dtype(compute))
        else:
            weights = resample_weights(n_in, n_out, n_out / n_in, 0.0, method, antialias,
                                       weight_dtype(compute))
        x = contract(x, axis, core.cast(weights, compute))
    return restore_dtype(x, dtype)


def aspect_ratio_fit(shape, size, crop, pad, data_format):
    """How `resize` makes an image of `shape` match the aspect ratio of `size` first.

    Returns ``(slices, None)`` for a centred crop, ``(None, widths)`` for a centred pad
    (one ``(before, after)`` pair per axis), or ``(None, None)`` when nothing changes.
    """
    if not (crop or pad):
        return None, None
    h_axis, w_axis = spatial_axes(len(shape), data_format)
    height, width = shape[h_axis], shape[w_axis]
    fit_h, fit_w = int(width * size[0] / size[1]), int(height * size[1] / size[0])
    if crop:
        crop_h, crop_w = max(min(height, fit_h), 1), max(min(width, fit_w), 1)
        slices = [slice(None)] * len(shape)
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        slices[h_axis], slices[w_axis] = slice(top, top + crop_h), slice(left, left + crop_w)
        return tuple(slices), None
    top, left = (max(height, fit_h) - height) // 2, (max(width, fit_w) - width) // 2
    widths = [(0, 0)] * len(shape)
    if top > 0:
        widths[h_axis] = (top, top)
    elif left > 0:
        widths[w_axis] = (left, left)
    else:
        return None, None
    return None, widths


# Sampling at fractional coordinates --------------------------------------------------

def _fold(index, size, fill_mode):
    """Integer node indices brought into [0, size) by `fill_mode`, and for "constant" the
    mask of the nodes that were inside."""
    if fill_mode == "wrap":
        return knp.mod(index, size), None
    if fill_mode == "mirror":  # d c b | a b c d | c b a
        if size == 1:
            return knp.zeros_like(index), None
        folded = knp.mod(index, 2 * size - 2)
        return knp.where(folded >= size, 2 * size - 2 - folded, folded), None
    if fill_mode == "reflect":  # d c b a | a b c d | d c b a
        folded = knp.mod(index, 2 * size)
        return knp.where(folded >= size, 2 * size - 1 - folded, folded), None
    clipped = knp.clip(index, 0, size - 1)
    if fill_mode == "nearest":
        return clipped, None
    return clipped, knp.logical_and(index >= 0, index < size)


def _nodes(coordinate, size, order, fill_mode):
    """(index, inside mask or None, weight or None) of each node interpolating one axis."""
    if order == 0:  # the nearest node, ties rounded away from zero
        corners = [(knp.sign(coordinate) * knp.floor(knp.abs(coordinate) + 0.5), None)]
    else:
        lower = knp.floor(coordinate)
        frac = coordinate - lower
        corners = [(lower, 1.0 - frac), (lower + 1.0, frac)]
    return [(*_fold(core.cast(i, "int32"), size, fill_mode), w) for i, w in corners]


def _trailing(x, n):
    for _ in range(n):
        x = knp.expand_dims(x, -1)
    return x


def sample(values, sizes, coordinates, order, fill_mode, fill_value, offset=None):
    """Reads `values` at fractional `coordinates`.

    Args:
        values: a (prod(sizes), ...) tensor: the sampled axes flattened in row-major order,
            followed by axes that are carried along (e.g. channels).
        sizes: the sizes of the sampled axes.
        coordinates: one float tensor per sampled axis, all of one shape S.
        order: 0 (nearest node) or 1 (linear interpolation).
        fill_mode, fill_value: how nodes outside the sampled axes are read.
        offset: integer tensor broadcastable to S, added to the flat indices (e.g. the start
            of each image of a batch flattened together).

    Returns:
        A tensor of shape S + values.shape[1:].
    """
    carried = len(core.shape(values)) - 1
    strides = [math.prod(sizes[i + 1:]) for i in range(len(sizes))]
    per_axis = [_nodes(c, n, order, fill_mode) for c, n in zip(coordinates, sizes)]
    total = None
    for corner in itertools.product(*per_axis):
        flat = offset if offset is not None else 0
        inside, weight = None, None
        for (index, mask, w), stride in zip(corner, strides):
            flat = flat + index * stride
            inside = mask if inside is None else knp.logical_and(inside, mask)
            weight = w if weight is None else weight * w
        value = knp.take(values, flat, axis=0)
        if inside is not None:
            value = knp.where(_trailing(inside, carried), value, fill_value)
        if weight is not None:
            value = value * _trailing(weight, carried)
        total = value if total is None else total + value
    return total


def sample_images(images, rows, cols, order, fill_mode, fill_value):
    """Samples (batch, height, width, channels) `images` at `rows`, `cols` of shape
    (batch or 1, out_height, out_width); returns (batch, out_height, out_width, channels)."""
    _, height, width, depth = core.shape(images)
    values = knp.reshape(images, (-1, depth))
    ones = knp.ones_like(images[:, :1, :1, 0], dtype="int32")  # (batch, 1, 1); batch may be unknown
    starts = (knp.cumsum(ones, axis=0) - 1) * (height * width)
    return sample(values, (height, width), (rows, cols), order, fill_mode, fill_value, starts)


def pixel_grid(height, width, dtype):
    """Row and column index of every pixel, two (height, width) tensors."""
    rows, cols = knp.meshgrid(knp.arange(height, dtype=dtype), knp.arange(width, dtype=dtype),
                              indexing="ij")
    return rows, cols


def homography(start_points, end_points):
    """The 8 coefficients (float64) of the projective maps taking each quad of `end_points`
    onto the matching quad of `start_points`, for (4, 2) or (N, 4, 2) point sets."""
    start = knp.reshape(core.cast(start_points, "float64"), (-1, 4, 2))
    end = knp.reshape(core.cast(end_points, "float64"), (-1, 4, 2))
    u, v = knp.unstack(start, axis=-1)
    x, y = knp.unstack(end, axis=-1)
    zeros, ones = knp.zeros_like(x), knp.ones_like(x)
    rows_u = knp.stack([x, y, ones, zeros, zeros, zeros, -x * u, -y * u], axis=-1)
    rows_v = knp.stack([zeros, zeros, zeros, x, y, ones, -x * v, -y * v], axis=-1)
    system = knp.concatenate([rows_u, rows_v], axis=1)
    target = knp.expand_dims(knp.concatenate([u, v], axis=1), -1)
    return knp.squeeze(linalg.solve(system, target), -1)


# Patches ---------------------------------------------------------------------------

def patch_rank(name, size):
    """The number of spatial dims (2 or 3) that `extract_patches` / `extract_patches_3d`
    work on: `extract_patches` takes volumes when `size` has three entries."""
    if name.endswith("3d"):
        return 3
    if not isinstance(size, (tuple, list)):
        return 2
    if len(size) not in (2, 3):
        fail(name, "size", "an int or a tuple of 2 (or 3, for volumes) ints", repr(size))
    return len(size)


def patch_arguments(nd, size, strides, dilation_rate, padding):
    """Validated (size, strides, dilation, padding); strides default to the size."""
    size = conv.int_tuple(size, nd, "size")
    strides = size if strides is None else conv.int_tuple(strides, nd, "strides")
    dilation = conv.int_tuple(dilation_rate, nd, "dilation_rate")
    return size, strides, dilation, conv.check_padding(padding)


def patch_geometry(batched_shape, size, strides, dilation, padding, data_format):
    """Output sizes and paddings of patch extraction (the geometry of a convolution)."""
    depth = conv.channels(batched_shape, data_format)
    kernel = (*size, depth, None if depth is None else math.prod(size) * depth)
    return conv.conv_geometry(batched_shape, kernel, strides, padding, data_format, dilation)


def gather_patches(x, nd, size, strides, dilation_rate, padding, data_format):
    """Patches over `nd` spatial dims of a (batched or single) image or volume, flattened as
    (window..., channels) into the last (channels_last) or first (channels_first) axis."""
    size, strides, dilation, padding = patch_arguments(nd, size, strides, dilation_rate, padding)
    single = len(core.shape(x)) == nd + 1
    if single:
        x = knp.expand_dims(x, 0)
    geometry = patch_geometry(core.shape(x), size, strides, dilation, padding, data_format)
    if data_format == "channels_first":
        x = knp.moveaxis(x, 1, -1)
    if padding == "same":
        x = knp.pad(x, [(0, 0), *geometry.pads, (0, 0)])
    for i in range(nd):
        starts = np.arange(geometry.out[i])[:, None] * strides[i]
        index = starts + np.arange(size[i])[None, :] * dilation[i]
        x = knp.take(x, index, axis=1 + 2 * i)  # (..., out_i, size_i, ...)
    order = [0, *range(1, 2 * nd, 2), *range(2, 2 * nd + 1, 2), 2 * nd + 1]
    features = math.prod(size) * core.shape(x)[-1]
    x = knp.reshape(knp.transpose(x, order), (-1, *geometry.out, features))
    if data_format == "channels_first":
        x = knp.moveaxis(x, -1, 1)
    return knp.squeeze(x, 0) if single else x


# Padding and cropping margins ------------------------------------------------------

def _margins(name, n, given, labels, grow):
    """One axis of `pad_images` (grow) or `crop_images`: exactly two of (before, after,
    target) are given; returns all three, None for those that need an unknown `n`."""
    received = ", ".join(f"{k}={v}" for k, v in zip(labels, given))
    if [v is None for v in given].count(True) != 1:
        raise ValueError(f"`{name}` expects exactly two of `{labels[0]}`, `{labels[1]}` and "
                         f"`{labels[2]}`; received {received}.")
    for label, value in zip(labels, given):
        if value is not None and (not isinstance(value, numbers.Integral) or value < 0):
            fail(name, label, "a non-negative int", repr(value))
    before, after, target = given
    if n is None:
        return before, after, target
    sign = 1 if grow else -1
    if target is None:
        target = n + sign * (before + after)
    elif before is None:
        before = sign * (target - n) - after
    else:
        after = sign * (target - n) - before
    if min(before, after, target) < 0:
        raise ValueError(f"`{name}` cannot {'pad' if grow else 'crop'} a size of {n} with "
                         f"{received}: the remaining value would be negative.")
    return before, after, target


def pad_crop_plan(name, shape, vertical, horizontal, data_format):
    """The resolved (before, after, target) of the height and of the width of `pad_images`
    or `crop_images` on images of `shape`."""
    h_axis, w_axis = spatial_axes(len(shape), data_format)
    word = "padding" if name == "pad_images" else "cropping"
    grow = name == "pad_images"
    rows = _margins(name, shape[h_axis], vertical,
                    (f"top_{word}", f"bottom_{word}", "target_height"), grow)
    cols = _margins(name, shape[w_axis], horizontal,
                    (f"left_{word}", f"right_{word}", "target_width"), grow)
    return rows, cols
