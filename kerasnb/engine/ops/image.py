"""Image ops (`keras.ops.image`): colour spaces, resizing, geometric transforms, filters.

Images are 3D (one image) or 4D (a batch); `data_format` None means
`keras.config.image_data_format()`. Arguments are checked once, by each op's `check`,
before the rule or a backend sees them. Most ops are composites of other kerasnb ops
(`image_sampling.py` holds the shared pieces); backends override the ones they have a
matching native kernel for.

Dtypes follow Keras 3: every op returns its images' dtype (integer results are rounded and
saturated), except `scale_and_translate`, which gives floatx for integer images, as on JAX.
"""

import math
import numbers

import numpy as np

from kerasnb.engine import config, dtypes
from kerasnb.engine import random as krandom
from kerasnb.engine.ops import conv, core, nn, rules
from kerasnb.engine.ops import image_sampling as sampling
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.ops.op import op

__all__ = [
    "affine_transform", "crop_images", "elastic_transform", "extract_patches",
    "extract_patches_3d", "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images",
    "perspective_transform", "resize", "rgb_to_grayscale", "rgb_to_hsv", "scale_and_translate",
    "sobel_edges", "ssim",
]

RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")
SCALE_METHODS = sampling.LINEAR + sampling.CUBIC + tuple(sampling.LANCZOS)
INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)
_fail = sampling.fail
_format = config.standardize_data_format


# Argument checks (the ops' `check`s: same signature as the op, validation only) -------

def _rank(name, x, ranks, arg="images"):
    shape = rules.shape_of(x)
    if len(shape) not in ranks:
        kinds = {3: "3D (single image)", 4: "4D (batch of images)"}
        if max(ranks) == 5:
            kinds = {4: "4D (single volume)", 5: "5D (batch of volumes)"}
        expected = "a " + " or ".join(kinds[r] for r in ranks) + " tensor"
        _fail(name, arg, expected, f"shape {shape}")
    return shape


def _choice(name, arg, value, choices):
    if value not in choices:
        _fail(name, arg, "one of " + ", ".join(map(repr, choices)), repr(value))


def _number(name, arg, value, positive=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or (positive and value <= 0):
        _fail(name, arg, "a positive number" if positive else "a real number", repr(value))


def _pair(name, arg, value, kind):
    """`value` as a pair: an int (`kind` "int") or a positive number, or a pair of them."""
    if kind == "int":
        return conv.int_tuple(value, 2, arg)
    items = (value, value) if isinstance(value, numbers.Real) else value
    if not isinstance(items, (tuple, list)) or len(items) != 2:
        _fail(name, arg, "a positive number or a pair of them", repr(value))
    for item in items:
        _number(name, arg, item, positive=True)
    return tuple(items)


def _images(name, images, data_format, channels=None):
    """Checks a numeric 3D/4D `images` and, when given, its channel count."""
    shape = _rank(name, images, (3, 4))
    if rules.dtype_of(images) == "bool":
        _fail(name, "images", "a numeric dtype", "bool")
    depth = shape[sampling.channel_axis(len(shape), _format(data_format))]
    if channels and depth is not None and depth not in channels:
        _fail(name, "images", f"with {' or '.join(map(str, channels))} channels",
              f"shape {shape} ({_format(data_format)})")


def _check_gray(images, data_format=None):
    _images("rgb_to_grayscale", images, data_format, (1, 3))


def _check_color(name):
    def check(images, data_format=None):
        _images(name, images, data_format, (3,))
        if not dtypes.is_float(rules.dtype_of(images)):
            _fail(name, "images", "a floating-point dtype", rules.dtype_of(images))

    return check


def _check_resize(images, size, interpolation="bilinear", antialias=False,
                  crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode="constant",
                  fill_value=0.0, data_format=None):
    _images("resize", images, data_format)
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        _fail("resize", "size", "a (height, width) pair of positive ints", repr(size))
    conv.int_tuple(size, 2, "size")
    _choice("resize", "interpolation", interpolation, RESIZE_METHODS)
    _choice("resize", "fill_mode", fill_mode, ("constant",))
    _number("resize", "fill_value", fill_value)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        _fail("resize", "crop_to_aspect_ratio", "False when `pad_to_aspect_ratio` is True", True)


def _check_scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                               antialias=True):
    name, shape = "scale_and_translate", rules.shape_of(images)
    _choice(name, "method", method, SCALE_METHODS)
    dims = tuple(spatial_dims) if isinstance(spatial_dims, (tuple, list)) else ()
    valid = dims and all(isinstance(d, int) and -len(shape) <= d < len(shape) for d in dims)
    if not valid or len({d % len(shape) for d in dims}) != len(dims):
        _fail(name, "spatial_dims", f"distinct axes of the {len(shape)}D images",
              repr(spatial_dims))
    dims = {d % len(shape) for d in dims}
    out = tuple(output_shape) if isinstance(output_shape, (tuple, list)) else ()
    if len(out) != len(shape) or any(d not in dims and None not in (n, o) and n != o
                                     for d, (n, o) in enumerate(zip(shape, out))):
        _fail(name, "output_shape", f"{len(shape)} sizes, those of the images {shape} outside "
              "`spatial_dims`", repr(output_shape))
    for arg, value in (("scale", scale), ("translation", translation)):
        if rules.shape_of(value) not in ((len(dims),), (None,)):
            _fail(name, arg, f"one value per spatial dim, shape ({len(dims)},)",
                  f"shape {rules.shape_of(value)}")


def _check_sampling(name, interpolation, fill_mode, fill_value):
    _choice(name, "interpolation", interpolation, tuple(INTERPOLATIONS))
    _choice(name, "fill_mode", fill_mode, sampling.FILL_MODES)
    _number(name, "fill_value", fill_value)


def _check_batches(name, images_shape, batch, arg):
    """A per-image argument with `batch` entries must match the images (or be a single one)."""
    images_batch = images_shape[0] if len(images_shape) == 4 else 1
    if None not in (batch, images_batch) and batch not in (1, images_batch):
        what = "one entry per image" if len(images_shape) == 4 else "a single entry for one image"
        _fail(name, arg, f"{what} ({images_batch})", f"{batch} entries")


def _check_map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    rank, c_shape = len(rules.shape_of(inputs)), rules.shape_of(coordinates)
    if len(c_shape) < 2 or c_shape[0] not in (rank, None):
        _fail("map_coordinates", "coordinates", f"a tensor of shape ({rank}, ...) and rank >= 2 "
              "(one coordinate array per axis of `inputs`)", f"shape {c_shape}")
    _choice("map_coordinates", "order", order, (0, 1))
    _choice("map_coordinates", "fill_mode", fill_mode, sampling.FILL_MODES)
    _number("map_coordinates", "fill_value", fill_value)


def _check_affine(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                  data_format=None):
    _images("affine_transform", images, data_format)
    _check_sampling("affine_transform", interpolation, fill_mode, fill_value)
    t_shape = rules.shape_of(transform)
    if len(t_shape) not in (1, 2) or t_shape[-1] not in (8, None):
        _fail("affine_transform", "transform", "a tensor of shape (8,) or (batch, 8)",
              f"shape {t_shape}")
    batch = t_shape[0] if len(t_shape) == 2 else 1
    _check_batches("affine_transform", rules.shape_of(images), batch, "transform")


def _check_perspective(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                       data_format=None):
    name = "perspective_transform"
    _images(name, images, data_format)
    _check_sampling(name, interpolation, "constant", fill_value)
    start, end = rules.shape_of(start_points), rules.shape_of(end_points)
    for arg, shape in (("start_points", start), ("end_points", end)):
        if len(shape) not in (2, 3) or shape[-2:] != (4, 2):
            _fail(name, arg, "a tensor of shape (4, 2) or (batch, 4, 2)", f"shape {shape}")
    if start != end:
        _fail(name, "end_points", f"the shape of `start_points` {start}", f"shape {end}")
    _check_batches(name, rules.shape_of(images), start[0] if len(start) == 3 else 1, "start_points")


def _check_elastic(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                   fill_value=0.0, seed=None, data_format=None):
    _images("elastic_transform", images, data_format)
    _check_sampling("elastic_transform", interpolation, fill_mode, fill_value)
    _number("elastic_transform", "alpha", alpha)
    _number("elastic_transform", "sigma", sigma, positive=True)


def _check_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    _images("gaussian_blur", images, data_format)
    _pair("gaussian_blur", "kernel_size", kernel_size, "int")
    _pair("gaussian_blur", "sigma", sigma, "number")


def _check_sobel(images, data_format=None):
    _rank("sobel_edges", images, (4,))
    _format(data_format)


def _check_ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
                data_format=None):
    shape = _rank("ssim", image1, (3, 4), "image1")
    other = _rank("ssim", image2, (3, 4), "image2")
    if len(other) != len(shape) or any(None not in (a, b) and a != b for a, b in zip(shape, other)):
        _fail("ssim", "image2", f"the shape of `image1` {shape}", f"shape {other}")
    size = conv.int_tuple(filter_size, 1, "filter_size")[0]
    space = tuple(shape[a] for a in sampling.spatial_axes(len(shape), _format(data_format)))
    if any(n is not None and n < size for n in space):
        _fail("ssim", "filter_size", f"at most the image height and width {space}", filter_size)
    for arg, value in (("max_val", max_val), ("filter_sigma", filter_sigma)):
        _number("ssim", arg, value, positive=True)
    for arg, value in (("k1", k1), ("k2", k2)):
        _number("ssim", arg, value)


def _patch_shapes(name, x, size, strides, dilation_rate, padding, data_format):
    """Validates patch extraction; returns the (batched) input shape and the geometry."""
    nd = sampling.patch_rank(name, size)
    shape = _rank(name, x, (nd + 1, nd + 2), "volumes" if name.endswith("3d") else "images")
    batched = shape if len(shape) == nd + 2 else (1, *shape)
    arguments = sampling.patch_arguments(nd, size, strides, dilation_rate, padding)
    return shape, batched, sampling.patch_geometry(batched, *arguments, _format(data_format))


def _check_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    _patch_shapes("extract_patches", images, size, strides, dilation_rate, padding, data_format)


def _check_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                      data_format=None):
    _patch_shapes("extract_patches_3d", volumes, size, strides, dilation_rate, padding, data_format)


def _check_pad(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    sampling.pad_crop_plan("pad_images", _rank("pad_images", images, (3, 4)),
                           (top_padding, bottom_padding, target_height),
                           (left_padding, right_padding, target_width), _format(data_format))


def _check_crop(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    sampling.pad_crop_plan("crop_images", _rank("crop_images", images, (3, 4)),
                           (top_cropping, bottom_cropping, target_height),
                           (left_cropping, right_cropping, target_width), _format(data_format))


# Rules (after the checks: arguments are valid) ---------------------------------------

def _like_images(images, *args, **kwargs):
    return rules.tensor(rules.shape_of(images), rules.dtype_of(images))


def _with_spatial(images, axes, height, width):
    shape = list(rules.shape_of(images))
    shape[axes[0]], shape[axes[1]] = height, width
    return rules.tensor(tuple(shape), rules.dtype_of(images))


def _gray_rule(images, data_format=None):
    shape = list(rules.shape_of(images))
    shape[sampling.channel_axis(len(shape), _format(data_format))] = 1
    return rules.tensor(tuple(shape), rules.dtype_of(images))


def _resize_rule(images, size, interpolation="bilinear", antialias=False,
                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode="constant",
                 fill_value=0.0, data_format=None):
    axes = sampling.spatial_axes(len(rules.shape_of(images)), _format(data_format))
    return _with_spatial(images, axes, *size)


def _scale_rule(images, output_shape, *args, **kwargs):
    return rules.tensor(tuple(output_shape), dtypes.float_result(rules.dtype_of(images)))


def _map_coordinates_rule(inputs, coordinates, *args, **kwargs):
    return rules.tensor(rules.shape_of(coordinates)[1:], rules.dtype_of(inputs))


def _sobel_rule(images, data_format=None):
    return rules.tensor(rules.shape_of(images) + (2,), rules.dtype_of(images))


def _ssim_rule(image1, *args, **kwargs):
    shape = rules.shape_of(image1)
    return rules.tensor(shape[:1] if len(shape) == 4 else (), rules.dtype_of(image1))


def _patches_rule(name):
    def rule(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
        data_format = _format(data_format)
        shape, batched, geometry = _patch_shapes(name, images, size, strides, dilation_rate,
                                                 padding, data_format)
        depth = conv.channels(batched, data_format)
        window = math.prod(geometry.window)
        out = conv.layout(batched[0], geometry.out, None if depth is None else window * depth,
                          data_format)
        return rules.tensor(out if len(shape) == len(batched) else out[1:], rules.dtype_of(images))

    return rule


def _pad_rule(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
              target_height=None, target_width=None, data_format=None):
    axes = sampling.spatial_axes(len(rules.shape_of(images)), _format(data_format))
    rows, cols = sampling.pad_crop_plan(
        "pad_images", rules.shape_of(images), (top_padding, bottom_padding, target_height),
        (left_padding, right_padding, target_width), _format(data_format))
    return _with_spatial(images, axes, rows[2], cols[2])


def _crop_rule(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
               right_cropping=None, target_height=None, target_width=None, data_format=None):
    axes = sampling.spatial_axes(len(rules.shape_of(images)), _format(data_format))
    rows, cols = sampling.pad_crop_plan(
        "crop_images", rules.shape_of(images), (top_cropping, bottom_cropping, target_height),
        (left_cropping, right_cropping, target_width), _format(data_format))
    return _with_spatial(images, axes, rows[2], cols[2])


# Colour ----------------------------------------------------------------------------

@op(_gray_rule, family="image", check=_check_gray)
def rgb_to_grayscale(images, data_format=None):
    """Converts RGB images to grayscale (luma weights 0.2989, 0.5870, 0.1140).

    Args:
        images: a 3D or 4D tensor with 3 channels (1-channel images are returned as they are).
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        The images with one channel, in the input dtype (integers are truncated).

    Example:
        >>> rgb_to_grayscale(np.ones((2, 4, 4, 3))).shape
        (2, 4, 4, 1)
    """
    images = core.convert_to_tensor(images)
    axis = sampling.channel_axis(len(core.shape(images)), _format(data_format))
    if core.shape(images)[axis] == 1:
        return images
    dtype = core.dtype(images)
    weights = core.convert_to_tensor(GRAY_WEIGHTS, dtypes.float_result(dtype))
    gray = knp.tensordot(core.cast(images, dtypes.float_result(dtype)), weights, axes=[[axis], [0]])
    return core.cast(knp.expand_dims(gray, axis), dtype)


@op(_like_images, family="image", check=_check_color("rgb_to_hsv"))
def rgb_to_hsv(images, data_format=None):
    """Converts RGB images (floats in [0, 1]) to HSV, every component in [0, 1].

    A hue of 0 is red, 1/3 green and 2/3 blue; gray pixels get hue and saturation 0.

    Example:
        >>> rgb_to_hsv(np.array([[[0.0, 1.0, 0.0]]]))  # green: hue 1/3, saturation 1, value 1
    """
    images = core.convert_to_tensor(images)
    axis = sampling.channel_axis(len(core.shape(images)), _format(data_format))
    red, green, blue = knp.unstack(images, axis=axis)
    value = knp.maximum(knp.maximum(red, green), blue)
    spread = value - knp.minimum(knp.minimum(red, green), blue)
    saturation = knp.where(value > 0, spread / knp.where(value > 0, value, 1.0), 0.0)
    safe = knp.where(spread > 0, spread, 1.0)
    hue = knp.where(value == green, (blue - red) / safe + 2.0, (red - green) / safe + 4.0)
    hue = knp.where(value == red, (green - blue) / safe, hue) / 6.0
    hue = knp.where(spread > 0, knp.mod(hue, 1.0), 0.0)
    return knp.stack([hue, saturation, value], axis=axis)


@op(_like_images, family="image", check=_check_color("hsv_to_rgb"))
def hsv_to_rgb(images, data_format=None):
    """Converts HSV images (floats, every component in [0, 1]) to RGB.

    Example:
        >>> hsv_to_rgb(np.array([[[2 / 3, 1.0, 1.0]]]))  # pure blue
    """
    images = core.convert_to_tensor(images)
    axis = sampling.channel_axis(len(core.shape(images)), _format(data_format))
    hue, saturation, value = knp.unstack(images, axis=axis)
    sextant = knp.mod(hue, 1.0) * 6.0
    ramps = (knp.abs(sextant - 3.0) - 1.0, 2.0 - knp.abs(sextant - 2.0),
             2.0 - knp.abs(sextant - 4.0))
    planes = [value * (1.0 - saturation + saturation * knp.clip(r, 0.0, 1.0)) for r in ramps]
    return knp.stack(planes, axis=axis)


# Resizing --------------------------------------------------------------------------

@op(_resize_rule, family="image", check=_check_resize)
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resizes images to `size` = (height, width), with half-pixel centres.

    Args:
        images: a 3D or 4D tensor.
        size: the output (height, width).
        interpolation: "bilinear", "nearest", "bicubic" (Keys, a = -0.5), "lanczos3",
            "lanczos5" or "area".
        antialias: widen the kernel when downsampling (no effect on "nearest" and "area").
        crop_to_aspect_ratio: first crop the largest centred window with the aspect ratio
            of `size`.
        pad_to_aspect_ratio: first pad both ends of the short side with `fill_value`,
            each by half the missing length (rounded down), instead.
        fill_mode: only "constant".
        fill_value: the padding value.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        The resized images, in the input dtype (integers rounded and saturated).

    Example:
        >>> resize(np.zeros((2, 4, 4, 3)), (2, 8)).shape
        (2, 2, 8, 3)
    """
    images = core.convert_to_tensor(images)
    data_format = _format(data_format)
    slices, widths = sampling.aspect_ratio_fit(
        core.shape(images), size, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format)
    if slices:
        images = images[slices]
    if widths:
        images = knp.pad(images, widths, constant_values=fill_value)
    return sampling.resample(images, size, interpolation, antialias, data_format)


@op(_scale_rule, family="image", check=_check_scale_and_translate)
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """Resamples `images` along `spatial_dims` with a scale and a translation per dim.

    Output sample ``o`` of a spatial dim reads the input at
    ``(o + 0.5 - translation) / scale - 0.5`` with the kernel of `method`.

    Args:
        images: a tensor of any rank.
        output_shape: the full output shape (non-spatial dims unchanged).
        scale, translation: one value per spatial dim.
        spatial_dims: the axes to resample.
        method: "linear"/"bilinear"/"trilinear", "cubic"/"bicubic"/"tricubic", "lanczos3"
            or "lanczos5".
        antialias: widen the kernel when downsampling.

    Returns:
        A float tensor (floatx for integer images).

    Example:
        >>> x = np.ones((4, 4))
        >>> scale_and_translate(x, (8, 8), [2.0, 2.0], [0.0, 0.0], (0, 1), "linear").shape
        (8, 8)
    """
    images = core.convert_to_tensor(images)
    compute = dtypes.float_result(core.dtype(images))
    x = core.cast(images, compute)
    scales = knp.unstack(core.convert_to_tensor(scale, sampling.weight_dtype(compute)))
    shifts = knp.unstack(core.convert_to_tensor(translation, sampling.weight_dtype(compute)))
    for axis, s, t in zip((d % len(core.shape(x)) for d in spatial_dims), scales, shifts):
        weights = sampling.resample_weights(core.shape(x)[axis], output_shape[axis], s, t, method,
                                            antialias, sampling.weight_dtype(compute))
        x = sampling.contract(x, axis, core.cast(weights, compute))
    return x


# Sampling and geometric transforms -------------------------------------------------

@op(_map_coordinates_rule, family="image", check=_check_map_coordinates)
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Reads `inputs` at fractional `coordinates` by interpolation.

    Args:
        inputs: a tensor of any rank N.
        coordinates: shape (N, ...): for each output point, its position along every axis.
        order: 0 (nearest) or 1 (linear).
        fill_mode: how points outside are read: "constant" (`fill_value`), "nearest"
            (a a | a b c d | d d), "wrap" (c d | a b c d | a b), "mirror" (c b | a b c d | c b)
            or "reflect" (b a | a b c d | d c).
        fill_value: the value of outside nodes in "constant" mode.

    Returns:
        A tensor of shape ``coordinates.shape[1:]`` and the dtype of `inputs` (integers
        rounded half away from zero).

    Example:
        >>> map_coordinates(np.arange(4.0), [[0.5, 2.25]], order=1)  # [0.5, 2.25]
    """
    inputs = core.convert_to_tensor(inputs)
    coordinates = core.convert_to_tensor(coordinates)
    dtype = core.dtype(inputs)
    compute = dtypes.result_type(dtypes.float_result(dtype),
                                 dtypes.float_result(core.dtype(coordinates)))
    values = knp.reshape(core.cast(inputs, compute), (-1,))
    points = knp.unstack(core.cast(coordinates, compute), axis=0)
    out = sampling.sample(values, core.shape(inputs), points, order, fill_mode, fill_value)
    return sampling.restore_dtype(out, dtype, half_away=True)


@op(_like_images, family="image", check=_check_affine)
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Applies projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` to images.

    Each output pixel (x, y) reads the input at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``
    with ``k = c0 x + c1 y + 1``: the transform maps output points to input points.

    Args:
        images: a 3D or 4D tensor.
        transform: shape (8,) or (batch, 8).
        interpolation: "nearest" or "bilinear".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect" (see `map_coordinates`).
        fill_value: the value outside the image in "constant" mode.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Example:
        >>> shift = [1, 0, -1, 0, 1, 0, 0, 0]  # moves the content one pixel right
        >>> affine_transform(np.ones((1, 4, 4, 1)), shift).shape
        (1, 4, 4, 1)
    """
    images = core.convert_to_tensor(images)
    dtype = core.dtype(images)
    compute = dtypes.float_result(dtype)
    x, undo = sampling.to_batched_channels_last(core.cast(images, compute), _format(data_format))
    _, height, width, _ = core.shape(x)
    coefficients = knp.reshape(core.cast(transform, compute), (-1, 8, 1, 1))
    a0, a1, a2, b0, b1, b2, c0, c1 = knp.unstack(coefficients, axis=1)
    rows, cols = sampling.pixel_grid(height, width, compute)
    scale = c0 * cols + c1 * rows + 1.0
    source_rows = (b0 * cols + b1 * rows + b2) / scale
    source_cols = (a0 * cols + a1 * rows + a2) / scale
    out = sampling.sample_images(x, source_rows, source_cols, INTERPOLATIONS[interpolation],
                                 fill_mode, fill_value)
    return sampling.restore_dtype(undo(out), dtype, half_away=True)


@op(_like_images, family="image", check=_check_perspective)
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Warps images so that the quad `start_points` lands on the quad `end_points`.

    Args:
        images: a 3D or 4D tensor.
        start_points, end_points: (x, y) corners, shape (4, 2) or (batch, 4, 2).
        interpolation: "nearest" or "bilinear".
        fill_value: the value of pixels that come from outside the image.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Example:
        >>> square = [[0, 0], [3, 0], [0, 3], [3, 3]]
        >>> perspective_transform(np.ones((4, 4, 1)), square, square).shape  # identity
        (4, 4, 1)
    """
    transform = sampling.homography(start_points, end_points)
    return affine_transform(images, transform, interpolation=interpolation, fill_mode="constant",
                            fill_value=fill_value, data_format=data_format)


@op(_like_images, family="image", check=_check_elastic)
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                      fill_value=0.0, seed=None, data_format=None):
    """Distorts images with a smooth random displacement field.

    The field is ``alpha * sigma * blur(noise)``, with ``noise =
    kerasnb.random.normal((2, batch, height, width), seed=seed)`` (x then y displacements)
    and `blur` a Gaussian of standard deviation `sigma` over ``int(6 * sigma) | 1`` pixels.

    Args:
        images: a 3D or 4D tensor.
        alpha: the strength of the distortion.
        sigma: the smoothness of the distortion (> 0).
        interpolation: "nearest" or "bilinear".
        fill_mode, fill_value: how pixels from outside are read (see `map_coordinates`).
        seed: an int or a `kerasnb.random.SeedGenerator`.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Example:
        >>> elastic_transform(np.ones((8, 8, 3)), seed=1).shape
        (8, 8, 3)
    """
    images = core.convert_to_tensor(images)
    dtype = core.dtype(images)
    compute = dtypes.float_result(dtype)
    x, undo = sampling.to_batched_channels_last(core.cast(images, compute), _format(data_format))
    batch, height, width, _ = core.shape(x)
    noise = krandom.normal((2, batch, height, width), seed=seed, dtype=compute) * sigma
    size = int(6 * sigma) | 1
    field = gaussian_blur(knp.reshape(noise, (2 * batch, height, width, 1)), (size, size),
                          (sigma, sigma), data_format="channels_last")
    dx, dy = knp.unstack(knp.reshape(field * alpha, (2, batch, height, width)), axis=0)
    rows, cols = sampling.pixel_grid(height, width, compute)
    out = sampling.sample_images(x, rows + dy, cols + dx, INTERPOLATIONS[interpolation], fill_mode,
                                 fill_value)
    return sampling.restore_dtype(undo(out), dtype, half_away=True)


# Filters ---------------------------------------------------------------------------

def _depthwise(images, kernel, padding, data_format):
    """Filters each channel of 3D or 4D `images` with the (h, w, multiplier) `kernel`; float."""
    single = len(core.shape(images)) == 3
    x = knp.expand_dims(images, 0) if single else images
    depth = core.shape(x)[sampling.channel_axis(4, data_format)]
    dtype = dtypes.float_result(core.dtype(x))
    weights = core.convert_to_tensor(np.repeat(kernel[:, :, None, :], depth, axis=2), dtype)
    out = nn.depthwise_conv(core.cast(x, dtype), weights, padding=padding, data_format=data_format)
    return knp.squeeze(out, 0) if single else out


@op(_like_images, family="image", check=_check_blur)
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blurs each channel with a Gaussian kernel, zero-padded to keep the size.

    As in Keras, the first entry of `kernel_size` and `sigma` applies along the width (x)
    and the second along the height (y).

    Args:
        images: a 3D or 4D tensor.
        kernel_size: an int or (size_x, size_y).
        sigma: a positive number or (sigma_x, sigma_y).
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        The blurred images in the input dtype (integers rounded and saturated).

    Example:
        >>> gaussian_blur(np.ones((8, 8, 3)), kernel_size=(5, 5), sigma=(1.5, 1.5)).shape
        (8, 8, 3)
    """
    images = core.convert_to_tensor(images)
    size_x, size_y = _pair("gaussian_blur", "kernel_size", kernel_size, "int")
    sigma_x, sigma_y = _pair("gaussian_blur", "sigma", sigma, "number")
    window = np.outer(sampling.gaussian_1d(size_y, sigma_y), sampling.gaussian_1d(size_x, sigma_x))
    out = _depthwise(images, window[:, :, None], "same", _format(data_format))
    return sampling.restore_dtype(out, core.dtype(images))


@op(_sobel_rule, family="image", check=_check_sobel)
def sobel_edges(images, data_format=None):
    """The Sobel gradients of each channel, zero-padded: a new last axis holds [dy, dx].

    Args:
        images: a 4D tensor (a batch of images).
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Shape ``images.shape + (2,)``, in the input dtype.

    Example:
        >>> sobel_edges(np.ones((1, 4, 4, 3))).shape
        (1, 4, 4, 3, 2)
    """
    images = core.convert_to_tensor(images)
    data_format = _format(data_format)
    d_dx = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    out = _depthwise(images, np.stack([d_dx.T, d_dx], axis=-1), "same", data_format)
    height, width = (core.shape(out)[a] for a in sampling.spatial_axes(4, data_format))
    if data_format == "channels_last":  # the depthwise kernel interleaves [dy, dx] per channel
        out = knp.reshape(out, (-1, height, width, core.shape(images)[-1], 2))
    else:
        out = knp.moveaxis(knp.reshape(out, (-1, core.shape(images)[1], 2, height, width)), 2, -1)
    return sampling.restore_dtype(out, core.dtype(images))


@op(_ssim_rule, family="image", check=_check_ssim)
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """The structural similarity of two images, averaged over pixels and channels.

    Args:
        image1, image2: 3D or 4D tensors of one shape.
        max_val: the dynamic range of the pixel values (1.0 for [0, 1], 255 for bytes).
        filter_size, filter_sigma: the Gaussian window of the local statistics (taken at
            valid positions only).
        k1, k2: the stabilizers ``c1 = (k1 * max_val) ** 2`` and ``c2 = (k2 * max_val) ** 2``.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        A scalar for 3D images, one value per image for 4D, in the dtype of `image1`.

    Example:
        >>> x = np.random.rand(2, 16, 16, 3)
        >>> ssim(x, x)  # [1.0, 1.0]
    """
    dtype = core.dtype(core.convert_to_tensor(image1))
    compute = dtypes.float_result(dtype)
    x = core.cast(image1, compute)
    y = core.cast(image2, compute)
    window = sampling.gaussian_1d(filter_size, filter_sigma)
    window = np.outer(window, window)[:, :, None]

    def local_mean(t):
        return _depthwise(t, window, "valid", _format(data_format))

    mean_x, mean_y = local_mean(x), local_mean(y)
    var_x = local_mean(x * x) - mean_x * mean_x
    var_y = local_mean(y * y) - mean_y * mean_y
    cov = local_mean(x * y) - mean_x * mean_y
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    index = ((2.0 * mean_x * mean_y + c1) * (2.0 * cov + c2)) / (
        (mean_x * mean_x + mean_y * mean_y + c1) * (var_x + var_y + c2))
    axes = tuple(range(len(core.shape(index)) - 3, len(core.shape(index))))
    return core.cast(knp.mean(index, axis=axes), dtype)


# Patches, padding and cropping -----------------------------------------------------

@op(_patches_rule("extract_patches"), family="image", check=_check_patches)
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Extracts sliding patches, each flattened into the channel axis as (rows, cols, channels).

    Args:
        images: a 3D or 4D tensor (or a 4D/5D volume when `size` has three entries).
        size: the patch size, an int or (rows, cols).
        strides: the step between patches; None means `size` (no overlap).
        dilation_rate: the spacing between the pixels of a patch.
        padding: "valid" or "same" (zero padding, as in a convolution).
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Example:
        >>> extract_patches(np.zeros((2, 8, 8, 3)), 4).shape
        (2, 2, 2, 48)
    """
    nd = sampling.patch_rank("extract_patches", size)
    return sampling.gather_patches(core.convert_to_tensor(images), nd, size, strides, dilation_rate,
                                   padding, _format(data_format))


@op(_patches_rule("extract_patches_3d"), family="image", check=_check_patches_3d)
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Extracts sliding 3D patches of volumes, flattened as (depth, rows, cols, channels).

    Args:
        volumes: a 4D (single volume) or 5D (batch) tensor.
        size: an int or (depth, rows, cols).
        strides, dilation_rate, padding, data_format: as in `extract_patches`.

    Example:
        >>> extract_patches_3d(np.zeros((1, 4, 4, 4, 2)), 2).shape
        (1, 2, 2, 2, 16)
    """
    return sampling.gather_patches(core.convert_to_tensor(volumes), 3, size, strides, dilation_rate,
                                   padding, _format(data_format))


@op(_pad_rule, family="image", check=_check_pad)
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """Pads images with zeros.

    Args:
        images: a 3D or 4D tensor.
        top_padding, bottom_padding, target_height: exactly two of them, non-negative ints;
            the third follows.
        left_padding, right_padding, target_width: likewise for the width.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Example:
        >>> pad_images(np.ones((4, 4, 3)), 1, 2, target_height=8, target_width=8).shape
        (8, 8, 3)
    """
    images = core.convert_to_tensor(images)
    shape, data_format = core.shape(images), _format(data_format)
    rows, cols = sampling.pad_crop_plan(
        "pad_images", shape, (top_padding, bottom_padding, target_height),
        (left_padding, right_padding, target_width), data_format)
    axes = sampling.spatial_axes(len(shape), data_format)
    widths = [(0, 0)] * len(shape)
    widths[axes[0]], widths[axes[1]] = rows[:2], cols[:2]
    return knp.pad(images, widths)


@op(_crop_rule, family="image", check=_check_crop)
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crops images.

    Args:
        images: a 3D or 4D tensor.
        top_cropping, bottom_cropping, target_height: exactly two of them, non-negative ints;
            the third follows.
        left_cropping, right_cropping, target_width: likewise for the width.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Example:
        >>> crop_images(np.ones((8, 8, 3)), 1, 2, target_height=4, target_width=4).shape
        (4, 4, 3)
    """
    images = core.convert_to_tensor(images)
    shape, data_format = core.shape(images), _format(data_format)
    rows, cols = sampling.pad_crop_plan(
        "crop_images", shape, (top_cropping, bottom_cropping, target_height),
        (left_cropping, right_cropping, target_width), data_format)
    axes = sampling.spatial_axes(len(shape), data_format)
    slices = [slice(None)] * len(shape)
    slices[axes[0]] = slice(rows[0], rows[0] + rows[2])
    slices[axes[1]] = slice(cols[0], cols[0] + cols[2])
    return images[tuple(slices)]
