"""Image ops (`kerasnb.ops.image`) on every backend, against NumPy references written here."""

import colorsys
import inspect
import itertools
import math

import numpy as np
import pytest

import kerasnb
import kerasnb.ops as ops
from kerasnb.engine import backend as engine_backend
from kerasnb.engine import config
from kerasnb.engine.tensors import KerasTensor
from tests.engine.ops.checks import check_grad, check_op, to_numpy

image = ops.image
RNG = np.random.default_rng(7)
IMAGES = RNG.random((2, 5, 7, 3)).astype("float32")
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


# NumPy references --------------------------------------------------------------------

def ref_kernel(method, x):
    """Interpolation kernels at distance x >= 0 (Keys cubic with a = -0.5)."""
    if method in ("linear", "bilinear"):
        return max(0.0, 1.0 - x)
    if method in ("cubic", "bicubic"):
        a = -0.5
        if x < 1:
            return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1
        return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a if x < 2 else 0.0
    radius = int(method[-1])
    if x == 0 or x >= radius:
        return float(x == 0)
    return radius * math.sin(math.pi * x) * math.sin(math.pi * x / radius) / (math.pi * x) ** 2


def ref_weights(n_in, n_out, method, antialias=False, scale=None, shift=0.0):
    """(n_out, n_in) resampling matrix: output o reads around (o + 0.5 - shift) / scale - 0.5."""
    scale = n_out / n_in if scale is None else scale
    weights = np.zeros((n_out, n_in))
    for o in range(n_out):
        if method == "nearest":
            weights[o, min(int(np.floor((o + 0.5) * n_in / n_out)), n_in - 1)] = 1
            continue
        if method == "area":
            lo, hi = o * n_in / n_out, (o + 1) * n_in / n_out
            for i in range(n_in):
                weights[o, i] = max(0.0, min(hi, i + 1) - max(lo, i)) * n_out / n_in
            continue
        center = (o + 0.5 - shift) / scale - 0.5
        width = max(1 / scale, 1.0) if antialias else 1.0
        taps = np.array([ref_kernel(method, abs(center - i) / width) for i in range(n_in)])
        if -0.5 <= center <= n_in - 0.5 and taps.sum() > 1e-4:
            weights[o] = taps / taps.sum()
    return weights


def ref_resize(x, size, method, antialias=False, axes=(1, 2)):
    x = x.astype("float64")
    for axis, n in zip(axes, size):
        weights = ref_weights(x.shape[axis], n, method, antialias)
        x = np.moveaxis(np.tensordot(weights, x, axes=([1], [axis])), 0, axis)
    return x


def ref_fold(i, n, mode):
    """Node index `i` brought inside [0, n) by `mode`, or None for "constant"."""
    if mode == "constant":
        return i if 0 <= i < n else None
    if mode == "nearest":
        return min(max(i, 0), n - 1)
    if mode == "wrap":
        return i % n
    while not 0 <= i < n:  # mirror reflects about the edge pixels, reflect about the edges
        if mode == "mirror":
            i = -i if i < 0 else 2 * (n - 1) - i
        else:
            i = -1 - i if i < 0 else 2 * n - 1 - i
    return i


def ref_round(c):
    return int(math.copysign(math.floor(abs(c) + 0.5), c))


def ref_map_coordinates(x, coordinates, order, mode="constant", cval=0.0):
    coordinates = np.asarray(coordinates, dtype="float64")
    out = np.zeros(coordinates.shape[1:])
    for idx in np.ndindex(out.shape):
        axes = []
        for c, n in zip(coordinates[(slice(None),) + idx], x.shape):
            lower, frac = math.floor(c), c - math.floor(c)
            nodes = [(ref_round(c), 1.0)] if order == 0 else [(lower, 1 - frac), (lower + 1, frac)]
            axes.append([(ref_fold(i, n, mode), w) for i, w in nodes])
        for corner in itertools.product(*axes):
            index = tuple(i for i, _ in corner)
            value = cval if None in index else x[index]
            out[idx] += np.prod([w for _, w in corner]) * value
    return out


def ref_transform(images, transform, order, mode="constant", cval=0.0):
    """Projective transform of (batch, height, width, channels) images, per the Keras formula."""
    batch, height, width, depth = images.shape
    transform = np.broadcast_to(np.reshape(transform, (-1, 8)).astype("float64"), (batch, 8))
    y, x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    out = np.zeros(images.shape)
    for b, (a0, a1, a2, b0, b1, b2, c0, c1) in enumerate(transform):
        k = c0 * x + c1 * y + 1
        coords = np.stack([(b0 * x + b1 * y + b2) / k, (a0 * x + a1 * y + a2) / k])
        for c in range(depth):
            out[b, :, :, c] = ref_map_coordinates(images[b, :, :, c], coords, order, mode, cval)
    return out


def row(*values):
    """A one-row, one-channel float64 image."""
    return np.array(values, "float64")[None, :, None]


def ref_gaussian(size, sigma):
    taps = np.exp(-((np.arange(size) - (size - 1) / 2) ** 2) / (2 * sigma ** 2))
    return taps / taps.sum()


def ref_correlate(images, kernel, padding="same"):
    """Cross-correlates each channel of (batch, height, width, channels) with a 2D kernel."""
    kh, kw = kernel.shape
    if padding == "same":
        images = np.pad(images, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
    height, width = images.shape[1] - kh + 1, images.shape[2] - kw + 1
    out = np.zeros((images.shape[0], height, width, images.shape[3]))
    for i, j in np.ndindex(kernel.shape):
        out += kernel[i, j] * images[:, i:i + height, j:j + width]
    return out


def ref_patches(x, size, strides, dilation, padding):
    """Patches of a batched channels-last image or volume, flattened as (window..., channels)."""
    spans = [(k - 1) * d + 1 for k, d in zip(size, dilation)]
    space = x.shape[1:-1]
    if padding == "same":
        outs = [-(-n // s) for n, s in zip(space, strides)]
        totals = [max((o - 1) * s + span - n, 0) for o, s, span, n in zip(outs, strides, spans, space)]
        x = np.pad(x, [(0, 0)] + [(t // 2, t - t // 2) for t in totals] + [(0, 0)])
    outs = [(n - span) // s + 1 for n, span, s in zip(x.shape[1:-1], spans, strides)]
    out = np.zeros((x.shape[0], *outs, math.prod(size) * x.shape[-1]), x.dtype)
    for position in np.ndindex(*outs):
        pieces = []
        for window in np.ndindex(*size):
            pixel = tuple(p * s + w * d for p, s, w, d in zip(position, strides, window, dilation))
            pieces.append(x[(slice(None),) + pixel])
        out[(slice(None),) + position] = np.concatenate(pieces, axis=-1)
    return out


# Colour ----------------------------------------------------------------------------

def test_rgb_to_grayscale(backend):
    weights = np.array([0.2989, 0.5870, 0.1140])
    check_op(image.rgb_to_grayscale, IMAGES, expected=IMAGES @ weights[:, None], dtype="float32")
    first = IMAGES[0].transpose(2, 0, 1)
    check_op(image.rgb_to_grayscale, first, data_format="channels_first",
             expected=np.tensordot(weights, first, axes=1)[None], dtype="float32")
    pixels = (IMAGES * 255).astype("uint8")
    got = check_op(image.rgb_to_grayscale, pixels, dtype="uint8")  # truncated, as in Keras
    np.testing.assert_allclose(got, np.floor(pixels @ weights[:, None]), atol=1)
    check_op(image.rgb_to_grayscale, pixels[..., :1], expected=pixels[..., :1], dtype="uint8")


def test_rgb_hsv_conversions(backend):
    hsv = np.apply_along_axis(lambda p: colorsys.rgb_to_hsv(*p), -1, IMAGES.astype("float64"))
    check_op(image.rgb_to_hsv, IMAGES, expected=hsv, dtype="float32", atol=1e-5)
    check_op(image.hsv_to_rgb, hsv.astype("float32"), expected=IMAGES, dtype="float32", atol=1e-5)
    gray = np.full((1, 2, 3), 0.4)
    check_op(image.rgb_to_hsv, gray, expected=np.array([[[0.0, 0.0, 0.4]] * 2]), dtype="float64")
    first = hsv[0].transpose(2, 0, 1)
    rgb = np.apply_along_axis(lambda p: colorsys.hsv_to_rgb(*p), 0, first)
    check_op(image.hsv_to_rgb, first, data_format="channels_first", expected=rgb, dtype="float64")


# Resizing --------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"])
def test_resize_methods(backend, method):
    check_op(image.resize, IMAGES, (3, 9), interpolation=method,
             expected=ref_resize(IMAGES, (3, 9), method), dtype="float32", atol=2e-6)
    smoothed = method not in ("nearest", "area")  # antialias changes no other method
    check_op(image.resize, IMAGES, (2, 4), interpolation=method, antialias=True,
             expected=ref_resize(IMAGES, (2, 4), method, antialias=smoothed), dtype="float32", atol=2e-6)


def test_resize_known_values(backend):
    check_op(image.resize, row(0, 1), (1, 4), expected=row(0, 0.25, 0.75, 1), dtype="float64")
    a, b, c, d = 1.0, 2.0, 4.0, 8.0
    halves = row((a + b) / 2, (c + d) / 2)
    check_op(image.resize, row(a, b, c, d), (1, 2), expected=halves, dtype="float64")
    check_op(image.resize, row(a, b, c, d), (1, 2), interpolation="area", expected=halves, dtype="float64")
    check_op(image.resize, row(a, b, c, d), (1, 2), interpolation="nearest", expected=row(b, d),
             dtype="float64")
    # Antialiased, the triangle doubles its width: taps 0.75, 0.75, 0.25 around position 0.5.
    got = check_op(image.resize, row(a, b, c, d), (1, 2), antialias=True, dtype="float64")
    np.testing.assert_allclose(got[0, 0, 0], (0.75 * a + 0.75 * b + 0.25 * c) / 1.75, rtol=1e-6)


def test_resize_layouts(backend):
    first = IMAGES.transpose(0, 3, 1, 2)
    expected = ref_resize(IMAGES, (4, 3), "bicubic").transpose(0, 3, 1, 2)
    check_op(image.resize, first, (4, 3), interpolation="bicubic", data_format="channels_first",
             expected=expected, dtype="float32", atol=2e-6)
    check_op(image.resize, IMAGES[1], (6, 2), expected=ref_resize(IMAGES[1:], (6, 2), "bilinear")[0],
             dtype="float32")
    config.set_image_data_format("channels_first")
    check_op(image.resize, first[0], (4, 3), interpolation="bicubic", expected=expected[0],
             dtype="float32", atol=2e-6)


def test_resize_to_aspect_ratio(backend):
    # 5 x 7 to a square: crop the centred 5 x 5 window, or pad one row above and below.
    cropped = ref_resize(IMAGES[:, :, 1:6], (4, 4), "bilinear")
    check_op(image.resize, IMAGES, (4, 4), crop_to_aspect_ratio=True, expected=cropped, dtype="float32")
    padded = np.pad(IMAGES, ((0, 0), (1, 1), (0, 0), (0, 0)), constant_values=0.5)
    check_op(image.resize, IMAGES, (4, 4), pad_to_aspect_ratio=True, fill_value=0.5,
             expected=ref_resize(padded, (4, 4), "bilinear"), dtype="float32")
    tall = IMAGES[0].transpose(2, 1, 0)  # (3, 7, 5) channels_first: keep rows 1..5 of 7
    expected = ref_resize(tall[:, 1:6].transpose(1, 2, 0)[None], (2, 2), "bilinear")[0]
    check_op(image.resize, tall, (2, 2), crop_to_aspect_ratio=True, data_format="channels_first",
             expected=expected.transpose(2, 0, 1), dtype="float32")


def test_resize_integer_images_round_and_saturate(backend):
    pixels = (np.arange(12).reshape(1, 3, 4, 1) * 16).astype("uint8")
    check_op(image.resize, pixels, (6, 8), expected=np.round(ref_resize(pixels, (6, 8), "bilinear")),
             dtype="uint8")
    step = np.zeros((1, 1, 6, 1), "uint8")
    step[..., 3:, :] = 255
    got = check_op(image.resize, step, (1, 12), interpolation="bicubic", dtype="uint8")
    expected = np.clip(np.round(ref_resize(step, (1, 12), "bicubic")), 0, 255)
    assert np.abs(got.astype(int) - expected).max() <= 1
    assert got.min() == 0 and got.max() == 255  # the cubic overshoots are saturated


def test_resize_gradient(trainable_backend):
    weights = RNG.random((1, 3, 8, 2))
    check_grad(lambda t: ops.multiply(image.resize(t, (3, 8)), weights), IMAGES[:1, :4, :5, :2])


def test_scale_and_translate(backend):
    scale, shift = np.array([1.6, 0.7], "float32"), np.array([0.3, -0.4], "float32")
    for method, antialias in (("bilinear", False), ("cubic", True), ("lanczos5", True)):
        expected = IMAGES.astype("float64")
        for axis, n, s, t in zip((1, 2), (8, 5), scale, shift):
            matrix = ref_weights(IMAGES.shape[axis], n, method, antialias, scale=float(s), shift=float(t))
            expected = np.moveaxis(np.tensordot(matrix, expected, axes=([1], [axis])), 0, axis)
        check_op(image.scale_and_translate, IMAGES, (2, 8, 5, 3), scale, shift, (1, 2), method,
                 antialias=antialias, expected=expected, dtype="float32", atol=2e-6)
    pixels = np.arange(6, dtype="uint8").reshape(2, 3)
    check_op(image.scale_and_translate, pixels, (2, 6), np.array([2.0]), np.array([0.0]), (1,), "linear",
             expected=ref_resize(pixels, (6,), "bilinear", axes=(1,)), dtype="float32")


# Sampling and geometric transforms -------------------------------------------------

@pytest.mark.parametrize("mode", FILL_MODES)
def test_map_coordinates(backend, mode):
    x = RNG.random((4, 5)).astype("float32")
    coords = RNG.uniform(-4, 9, (2, 3, 6)).astype("float32")
    for order in (0, 1):
        check_op(image.map_coordinates, x, coords, order, fill_mode=mode, fill_value=0.25,
                 expected=ref_map_coordinates(x, coords, order, mode, 0.25), dtype="float32")
    volume = RNG.random((3, 4, 2))
    points = RNG.uniform(-1, 4, (3, 5))
    check_op(image.map_coordinates, volume, points, 1, fill_mode=mode,
             expected=ref_map_coordinates(volume, points, 1, mode), dtype="float64")


def test_map_coordinates_rounding(backend):
    ties = np.array([[-0.5, 0.5, 1.5, 2.5]])  # the nearest node rounds away from zero
    check_op(image.map_coordinates, np.array([10.0, 20.0, 30.0]), ties, 0,
             expected=np.array([0.0, 20.0, 30.0, 0.0]), dtype="float64")
    ints = np.array([[1, 4], [2, 9]], "int32")
    coords = np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])  # 2.5, 1.5 and 4
    check_op(image.map_coordinates, ints, coords, 1, expected=np.array([3, 2, 4]), dtype="int32")


# Coefficients chosen so that no sampled coordinate is within 1e-3 of a rounding tie.
ROTATE = [0.931, -0.372, 1.213, 0.414, 0.857, -0.629, 0.0, 0.0]
ZOOM = [1.273, 0.131, -1.417, -0.213, 0.734, 0.871, 0.0, 0.0]


@pytest.mark.parametrize("mode", FILL_MODES)
def test_affine_transform(backend, mode):
    transform = np.array([ROTATE, ZOOM], "float32")
    for interpolation, order in (("bilinear", 1), ("nearest", 0)):
        check_op(image.affine_transform, IMAGES, transform, interpolation=interpolation,
                 fill_mode=mode, fill_value=0.3, dtype="float32", atol=2e-6,
                 expected=ref_transform(IMAGES, transform, order, mode, 0.3))


def test_affine_transform_projective_and_layouts(backend):
    projective = np.array(ZOOM[:6] + [0.031, -0.047], "float32")
    check_op(image.affine_transform, IMAGES, projective, expected=ref_transform(IMAGES, projective, 1),
             dtype="float32", atol=2e-6)
    first = IMAGES[1].transpose(2, 0, 1)
    expected = ref_transform(IMAGES[1:], np.array(ROTATE), 1)[0]
    check_op(image.affine_transform, first, np.array(ROTATE), data_format="channels_first",
             expected=expected.transpose(2, 0, 1), dtype="float32", atol=2e-6)
    pixels = np.arange(20, dtype="int32").reshape(1, 4, 5, 1)
    half = np.array([1, 0, 0.5, 0, 1, 0, 0, 0])  # halfway between pixels: n + 0.5 rounds to n + 1
    got = check_op(image.affine_transform, pixels, half, fill_mode="nearest", dtype="int32")
    np.testing.assert_array_equal(got, np.floor(ref_transform(pixels, half, 1, "nearest") + 0.5))


def test_affine_transform_gradient(trainable_backend):
    weights = RNG.random((2, 4, 5, 2))
    transform = np.array([ROTATE, ZOOM])
    check_grad(lambda t: ops.multiply(image.affine_transform(t, transform, fill_mode="reflect"), weights),
               RNG.random((2, 4, 5, 2)))


def test_perspective_transform(backend):
    start = np.array([[0, 0], [6, 0], [0, 4], [6, 4]], "float32")
    end = np.array([[[0.5, 0.2], [6.5, -0.3], [-0.2, 4.1], [5.8, 4.4]],
                    [[1, 1], [5, 0], [0, 3], [6, 4]]], "float32")
    transforms = []
    for quad in end:  # the projective map taking each end point to its start point
        rows = []
        for (x, y), (u, v) in zip(quad, start):
            rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        transforms.append(np.linalg.solve(np.array(rows, "float64"), start.reshape(-1)))
    check_op(image.perspective_transform, IMAGES, np.stack([start, start]), end, fill_value=0.1,
             expected=ref_transform(IMAGES, np.array(transforms), 1, "constant", 0.1), dtype="float32",
             atol=2e-5)
    check_op(image.perspective_transform, IMAGES[0], start, start, interpolation="nearest",
             expected=IMAGES[0], dtype="float32")


def test_elastic_transform(backend):
    alpha, sigma, seed = 3.0, 1.0, 11
    noise = to_numpy(kerasnb.random.normal((2, 2, 5, 7), seed=seed, dtype="float32")).astype("float64")
    window = np.outer(ref_gaussian(7, sigma), ref_gaussian(7, sigma))  # int(6 * sigma) | 1 taps
    field = ref_correlate(noise.reshape(4, 5, 7, 1) * sigma, window).reshape(2, 2, 5, 7) * alpha
    y, x = np.meshgrid(np.arange(5), np.arange(7), indexing="ij")
    expected = np.zeros(IMAGES.shape)
    for b, c in np.ndindex(2, 3):
        coords = np.stack([y + field[1, b], x + field[0, b]])
        expected[b, :, :, c] = ref_map_coordinates(IMAGES[b, :, :, c], coords, 1, "reflect")
    check_op(image.elastic_transform, IMAGES, alpha=alpha, sigma=sigma, seed=seed, expected=expected,
             dtype="float32", atol=1e-5)
    check_op(image.elastic_transform, IMAGES.transpose(0, 3, 1, 2), alpha=alpha, sigma=sigma, seed=seed,
             data_format="channels_first", expected=expected.transpose(0, 3, 1, 2), dtype="float32",
             atol=1e-5)


# Filters ---------------------------------------------------------------------------

def test_gaussian_blur(backend):
    for size, sigma in (((3, 5), (0.7, 2.0)), ((4, 2), (1.0, 1.5))):  # (x, y) order, as in Keras
        window = np.outer(ref_gaussian(size[1], sigma[1]), ref_gaussian(size[0], sigma[0]))
        check_op(image.gaussian_blur, IMAGES, size, sigma, expected=ref_correlate(IMAGES, window),
                 dtype="float32")
    window = np.outer(ref_gaussian(3, 1.0), ref_gaussian(3, 1.0))
    pixels = (IMAGES[0] * 255).astype("uint8")
    got = check_op(image.gaussian_blur, pixels.transpose(2, 0, 1), data_format="channels_first",
                   dtype="uint8")
    expected = np.round(ref_correlate(pixels[None].astype("float64"), window)[0]).transpose(2, 0, 1)
    assert np.abs(got.astype(int) - expected).max() <= 1


def test_sobel_edges(backend):
    d_dx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], "float64")
    expected = np.stack([ref_correlate(IMAGES, d_dx.T), ref_correlate(IMAGES, d_dx)], axis=-1)
    check_op(image.sobel_edges, IMAGES, expected=expected, dtype="float32", atol=1e-5)
    check_op(image.sobel_edges, IMAGES.transpose(0, 3, 1, 2), data_format="channels_first",
             expected=expected.transpose(0, 3, 1, 2, 4), dtype="float32", atol=1e-5)
    ints = (IMAGES * 100).astype("int32")
    expected = np.stack([ref_correlate(ints, d_dx.T), ref_correlate(ints, d_dx)], axis=-1)
    check_op(image.sobel_edges, ints, expected=expected.astype("int32"), dtype="int32")


def test_ssim(backend):
    other = np.clip(IMAGES[::-1] * 0.8 + 0.1, 0, 1)
    window = np.outer(ref_gaussian(3, 1.5), ref_gaussian(3, 1.5))

    def local(t):
        return ref_correlate(t, window, padding="valid")

    x, y = IMAGES.astype("float64"), other.astype("float64")
    mx, my = local(x), local(y)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    index = ((2 * mx * my + c1) * (2 * (local(x * y) - mx * my) + c2)) / (
        (mx ** 2 + my ** 2 + c1) * (local(x * x) - mx ** 2 + local(y * y) - my ** 2 + c2))
    check_op(image.ssim, IMAGES, other, filter_size=3, expected=index.mean(axis=(1, 2, 3)),
             dtype="float32", atol=1e-5)
    single = IMAGES[0].transpose(2, 0, 1)
    check_op(image.ssim, single, single, filter_size=5, data_format="channels_first",
             expected=np.array(1.0), dtype="float32", atol=1e-5)


# Patches, padding and cropping -----------------------------------------------------

def test_extract_patches(backend):
    cases = (((2, 3), (1, 2), 1, "same"), (2, 1, 2, "valid"), (2, None, 1, "valid"))
    for size, strides, dilation, padding in cases:
        pair = (size, size) if isinstance(size, int) else size
        steps = pair if strides is None else (strides,) * 2 if isinstance(strides, int) else strides
        check_op(image.extract_patches, IMAGES, size, strides=strides, dilation_rate=dilation,
                 padding=padding, expected=ref_patches(IMAGES, pair, steps, (dilation,) * 2, padding),
                 dtype="float32")
    expected = ref_patches(IMAGES[:1], (2, 2), (2, 2), (1, 1), "valid")[0]
    check_op(image.extract_patches, IMAGES[0].transpose(2, 0, 1), (2, 2), data_format="channels_first",
             expected=expected.transpose(2, 0, 1), dtype="float32")
    ints = np.arange(2 * 4 * 4 * 1, dtype="int32").reshape(2, 4, 4, 1)
    check_op(image.extract_patches, ints, 2, expected=ref_patches(ints, (2, 2), (2, 2), (1, 1), "valid"),
             dtype="int32")


def test_extract_patches_3d(backend):
    volumes = RNG.random((2, 4, 5, 6, 2)).astype("float32")
    expected = ref_patches(volumes, (2, 2, 3), (1, 2, 2), (1, 1, 1), "same")
    for op in (image.extract_patches_3d, image.extract_patches):  # a 3-entry size means volumes
        check_op(op, volumes, (2, 2, 3), strides=(1, 2, 2), padding="same", expected=expected,
                 dtype="float32")
    expected = ref_patches(volumes[:1], (2, 2, 2), (2, 2, 2), (1, 2, 1), "valid")[0]
    check_op(image.extract_patches_3d, volumes[0].transpose(3, 0, 1, 2), 2, dilation_rate=(1, 2, 1),
             data_format="channels_first", expected=expected.transpose(3, 0, 1, 2), dtype="float32")


def test_pad_images(backend):
    pixels = (IMAGES * 255).astype("uint8")
    expected = np.pad(pixels, ((0, 0), (1, 2), (2, 1), (0, 0)))
    check_op(image.pad_images, pixels, 1, 2, target_height=8, right_padding=1, expected=expected,
             dtype="uint8")
    check_op(image.pad_images, pixels, bottom_padding=2, right_padding=1, target_height=8,
             target_width=10, expected=expected, dtype="uint8")
    first = IMAGES[0].transpose(2, 0, 1)
    check_op(image.pad_images, first, 0, 3, 1, 0, data_format="channels_first",
             expected=np.pad(first, ((0, 0), (0, 1), (3, 0))), dtype="float32")


def test_crop_images(backend):
    check_op(image.crop_images, IMAGES, 1, 2, target_height=3, right_cropping=1,
             expected=IMAGES[:, 1:4, 2:6], dtype="float32")
    check_op(image.crop_images, IMAGES, bottom_cropping=1, left_cropping=0, target_height=2,
             target_width=7, expected=IMAGES[:, 2:4], dtype="float32")
    first = IMAGES[0].transpose(2, 0, 1)
    check_op(image.crop_images, first, 0, 3, 1, 0, data_format="channels_first",
             expected=first[:, :4, 3:], dtype="float32")


# Gradients of the other differentiable ops -----------------------------------------

SMALL = RNG.random((1, 3, 4, 3))
POINTS = RNG.uniform(-1, 4, (2, 3, 5))
CORNERS = [[0, 0], [3, 0], [0, 2], [3, 2]]
MOVED = [[0.2, 0.1], [3.1, -0.2], [0.1, 2.2], [2.7, 2.1]]
GRADIENT_CASES = {
    "rgb_to_grayscale": image.rgb_to_grayscale,
    "rgb_to_hsv": image.rgb_to_hsv,
    "hsv_to_rgb": image.hsv_to_rgb,
    "scale_and_translate": lambda t: image.scale_and_translate(
        t, (1, 5, 6, 3), np.array([1.5, 1.4]), np.array([0.2, -0.3]), (1, 2), "cubic"),
    "map_coordinates": lambda t: image.map_coordinates(t[0, :, :, 0], POINTS, 1, fill_mode="mirror"),
    "perspective_transform": lambda t: image.perspective_transform(t, CORNERS, MOVED),
    "gaussian_blur": lambda t: image.gaussian_blur(t, 3, 0.8),
    "sobel_edges": image.sobel_edges,
    "ssim": lambda t: image.ssim(t, SMALL * 0.5 + 0.2, filter_size=3),
    "extract_patches": lambda t: image.extract_patches(t, 2, strides=1, padding="same"),
    "pad_images": lambda t: image.pad_images(t, 1, 0, 1, 2),
    "crop_images": lambda t: image.crop_images(t, 1, 1, 1, 1),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients(trainable_backend, name):
    fn = GRADIENT_CASES[name]
    weights = np.random.default_rng(3).random(to_numpy(fn(SMALL)).shape)
    check_grad(lambda t: ops.multiply(fn(t), weights), SMALL)


# Signatures, symbolic shapes and argument errors ---------------------------------

def test_backend_functions_have_the_op_signatures(backend):
    module = engine_backend.get().image
    for name in module.__all__:
        assert inspect.signature(getattr(module, name)) == inspect.signature(getattr(image, name)), name


def test_rules_keep_unknown_dims():
    batch = KerasTensor((None, None, 6, 3), "uint8")
    assert image.resize(batch, (2, 3)).shape == (None, 2, 3, 3)
    assert image.pad_images(batch, 1, 1, 1, 1).shape == (None, None, 8, 3)
    assert image.crop_images(batch, 1, 1, target_height=2, target_width=3).shape == (None, 2, 3, 3)
    assert image.extract_patches(batch, 2).shape == (None, None, 3, 12)
    assert image.sobel_edges(batch).shape == (None, None, 6, 3, 2)
    assert image.ssim(batch, batch, filter_size=3).shape == (None,)
    assert image.scale_and_translate(batch, (1, 4, 6, 3), [2.0], [0.0], (1,), "linear").dtype == "float32"
    assert image.map_coordinates(batch, KerasTensor((4, None, 5)), 1).shape == (None, 5)
    planar = KerasTensor((3, None, 4), "float16")
    assert image.rgb_to_grayscale(planar, data_format="channels_first").shape == (1, None, 4)


def _raises(message, fn, *args, **kwargs):
    return pytest.param(fn, args, kwargs, message, id=f"{fn.__name__}: {message[:30]}")


@pytest.mark.parametrize("fn, args, kwargs, message", [
    _raises("`interpolation`.*'bilinear'.*received 'cubic'", image.resize, IMAGES, (2, 2),
            interpolation="cubic"),
    _raises("`size`.*positive.*received \\(0, 2\\)", image.resize, IMAGES, (0, 2)),
    _raises("`crop_to_aspect_ratio` False when", image.resize, IMAGES, (2, 2), crop_to_aspect_ratio=True,
            pad_to_aspect_ratio=True),
    _raises("`images` a 3D.*or 4D.*received shape \\(7, 3\\)", image.resize, IMAGES[0, 0], (2, 2)),
    _raises("`images` with 1 or 3 channels; received shape", image.rgb_to_grayscale, IMAGES[..., :2]),
    _raises("`images` a numeric dtype; received bool", image.resize, IMAGES > 0.5, (2, 2)),
    _raises("`images` a floating-point dtype; received int32", image.rgb_to_hsv,
            np.zeros((2, 2, 3), "int32")),
    _raises("`transform` one entry per image \\(2\\); received 3 entries", image.affine_transform,
            IMAGES, np.zeros((3, 8))),
    _raises("`transform` a tensor of shape \\(8,\\).*received shape \\(6,\\)", image.affine_transform,
            IMAGES, np.zeros(6)),
    _raises("`fill_mode`.*received 'edge'", image.affine_transform, IMAGES, np.zeros(8), fill_mode="edge"),
    _raises("`coordinates`.*\\(2, \\.\\.\\.\\).*received shape \\(3, 4\\)", image.map_coordinates,
            np.zeros((3, 3)), np.zeros((3, 4)), 1),
    _raises("`order` one of 0, 1; received 3", image.map_coordinates, np.zeros((3, 3)), np.zeros((2, 4)), 3),
    _raises("`end_points`.*received shape \\(3, 2\\)", image.perspective_transform, IMAGES,
            np.zeros((4, 2)), np.zeros((3, 2))),
    _raises("`sigma` a positive number; received 0", image.elastic_transform, IMAGES, sigma=0),
    _raises("`sigma` a positive number; received", image.gaussian_blur, IMAGES, sigma=(1.0, -1.0)),
    _raises("`images` a 4D \\(batch of images\\) tensor", image.sobel_edges, IMAGES[0]),
    _raises("`image2` the shape of `image1`", image.ssim, IMAGES, IMAGES[:, :4]),
    _raises("`filter_size` at most the image height and width \\(5, 7\\); received 11", image.ssim,
            IMAGES, IMAGES),
    _raises("`size` an int or a tuple of 2", image.extract_patches, IMAGES, (2, 2, 2, 2)),
    _raises("too small", image.extract_patches, IMAGES, 6),
    _raises("`volumes` a 4D \\(single volume\\) or 5D", image.extract_patches_3d, IMAGES[0], 2),
    _raises("`output_shape`", image.scale_and_translate, IMAGES, (2, 5, 7), [1.0], [0.0], (1,), "linear"),
    _raises("`method`", image.scale_and_translate, IMAGES, (2, 5, 7, 3), [1.0], [0.0], (1,), "nearest"),
    _raises("exactly two of `top_padding`, `bottom_padding` and `target_height`", image.pad_images,
            IMAGES, 1, 1),
    _raises("cannot pad a size of 5", image.pad_images, IMAGES, 1, 1, target_height=3, target_width=9),
    _raises("`top_cropping` a non-negative int; received -1", image.crop_images, IMAGES, -1, 0, 0, 0),
    _raises("cannot crop a size of 5", image.crop_images, KerasTensor((None, 5, 7, 3)), 4, 0, 2, 0),
])
def test_bad_arguments_are_named(fn, args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fn(*args, **kwargs)
