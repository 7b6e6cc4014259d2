"""Images as files, Pillow images and NumPy arrays (`keras.utils` image helpers), and the
NumPy resizer that `image_dataset_from_directory` uses.

Pillow is needed to read and write image files (``pip install pillow``).

Example:
    >>> img = array_to_img(np.zeros((2, 3, 3)))
    >>> img_to_array(img).shape
    (2, 3, 3)
"""

import io
import os
import pathlib
import warnings

import numpy as np

from kerasnb.engine import config

COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}
_PIL_MODES = {1: "L", 3: "RGB", 4: "RGBA"}
PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                         "gaussian", "mitchellcubic")


def pil():
    """The `PIL.Image` module, with a clear error when Pillow is missing."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Reading and writing images needs Pillow: pip install pillow") from None
    return Image


def _check_choice(arg, value, choices):
    if value not in choices:
        raise ValueError(f"`{arg}` must be one of {', '.join(map(repr, choices))}; received "
                         f"{value!r}.")


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A Pillow image from a rank-3 array of 1 (L), 3 (RGB) or 4 (RGBA) channels.

    Args:
        x: array of shape ``(height, width, channels)`` (or channels first).
        data_format: ``"channels_last"`` or ``"channels_first"``; the configured default
            when `None`.
        scale: rescale the values to ``[0, 255]`` (min to 0, max to 255) first.
        dtype: the dtype `x` is read as; floatx by default.

    Returns:
        A `PIL.Image.Image` (mode ``"I"`` for one channel with values above 255).

    Example:
        >>> array_to_img(np.ones((4, 4, 1)), scale=False).mode
        'L'
    """
    data_format = config.standardize_data_format(data_format)
    x = np.array(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(f"`x` must be one image of rank 3; received shape {x.shape}.")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - x.min()
        top = x.max()
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels not in _PIL_MODES:
        raise ValueError(f"`x` must have 1, 3 or 4 channels; received {channels}.")
    Image = pil()
    if channels == 1:
        if x.max() > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    return Image.fromarray(x.astype("uint8"), _PIL_MODES[channels])


def img_to_array(img, data_format=None, dtype=None):
    """A rank-3 array from a Pillow image (or anything NumPy can read as a 2D/3D array).

    Args:
        img: a `PIL.Image.Image` or an array of rank 2 or 3.
        data_format: layout of the result; the configured default when `None`.
        dtype: result dtype; floatx by default.

    Returns:
        A NumPy array of shape ``(height, width, channels)`` (or channels first).

    Example:
        >>> img_to_array(np.zeros((2, 3)), data_format="channels_first").shape
        (1, 2, 3)
    """
    data_format = config.standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"`img` must be an image of rank 2 or 3; received shape {x.shape}.")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Writes an image array to a file (written to a temporary file, then moved in place).

    Args:
        path: file path or a writable file object.
        x: the image array (see `array_to_img`).
        data_format: layout of `x`; the configured default when `None`.
        file_format: e.g. ``"png"``, ``"jpeg"``; from the file extension when `None`.
        scale: rescale values to ``[0, 255]`` first.
        **kwargs: passed to `PIL.Image.Image.save` (e.g. ``quality=95``).

    Example:
        >>> save_img("/tmp/kerasnb_doc.png", np.zeros((2, 2, 3)))
    """
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = pathlib.Path(path).suffix[1:].lower() or None
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("JPEG has no alpha channel: the RGBA image is saved as RGB.", stacklevel=2)
        img = img.convert("RGB")
    if not isinstance(path, (str, os.PathLike)):
        img.save(path, format=file_format, **kwargs)
        return
    path = os.fspath(path)
    partial = os.path.join(os.path.dirname(os.path.abspath(path)),
                           f".{os.path.basename(path)}.partial")
    try:
        img.save(partial, format=file_format, **kwargs)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def open_image(path, num_channels=None):
    """Opens an image file (or bytes / file object) with Pillow, in 1, 3 or 4 channels."""
    Image = pil()
    if isinstance(path, bytes):
        path = path.decode()
    if isinstance(path, (str, os.PathLike)):
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    elif hasattr(path, "read"):
        img = Image.open(path)
    else:
        raise TypeError(f"`path` must be a path or a file object; received "
                        f"{type(path).__name__}.")
    if num_channels == 1:
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif num_channels is not None and img.mode != _PIL_MODES[num_channels]:
        img = img.convert(_PIL_MODES[num_channels])
    return img


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Loads an image file as a Pillow image.

    Args:
        path: path of the file, or a file object (`io.BytesIO`).
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
        target_size: ``(height, width)`` to resize to, or `None` to keep the size.
        interpolation: Pillow resampling when resizing: ``"nearest"``, ``"bilinear"``,
            ``"bicubic"``, ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: resize the largest centred crop with the target aspect ratio
            instead of distorting the image.

    Returns:
        A `PIL.Image.Image`.

    Example:
        >>> load_img("/tmp/kerasnb_doc.png", target_size=(4, 4)).size  # doctest: +SKIP
        (4, 4)
    """
    _check_choice("color_mode", color_mode, tuple(COLOR_MODES))
    img = open_image(path, COLOR_MODES[color_mode])
    if target_size is None:
        return img
    _check_choice("interpolation", interpolation, PIL_INTERPOLATIONS)
    size = (int(target_size[1]), int(target_size[0]))
    if img.size == size:
        return img
    resample = getattr(pil().Resampling, interpolation.upper())
    box = None
    if keep_aspect_ratio:
        width, height = img.size
        crop_h = min(height, width * size[1] // size[0])
        crop_w = min(width, height * size[0] // size[1])
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        box = (left, top, left + crop_w, top + crop_h)
    return img.resize(size, resample, box=box)


# Resizing in NumPy, as tf.image.resize computes it (half-pixel centres, no antialiasing). --

def _kernel(method, x):
    """Interpolation kernel of `method` at distances `x` >= 0."""
    if method == "bilinear":
        return np.maximum(1.0 - x, 0.0)
    if method == "bicubic":  # Keys, a = -0.5
        near = (1.5 * x - 2.5) * x * x + 1.0
        far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))
    if method == "mitchellcubic":  # B = C = 1/3
        near = (7.0 / 6.0 * x - 2.0) * x * x + 8.0 / 9.0
        far = ((-7.0 / 18.0 * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
        return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))
    if method == "gaussian":  # radius 1.5, sigma 0.5
        return np.where(x < 1.5, np.exp(-2.0 * x * x), 0.0)
    radius = 3.0 if method == "lanczos3" else 5.0
    return np.where(x < radius, np.sinc(x) * np.sinc(x / radius), 0.0)


def _axis_weights(n_in, n_out, method):
    """The (n_in, n_out) float64 matrix resizing one axis."""
    if method == "area":
        step = n_in / n_out
        start = np.arange(n_out) * step
        cells = np.arange(n_in)[:, None]
        return np.maximum(np.minimum(start + step, cells + 1.0) - np.maximum(start, cells),
                          0.0) / step
    position = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    if method == "bicubic":  # TF's bicubic reads its kernel from a 1024-entry table
        position = np.floor(position) + np.rint((position - np.floor(position)) * 1024) / 1024
    weights = _kernel(method, np.abs(position[None, :] - np.arange(n_in)[:, None]))
    total = weights.sum(axis=0, keepdims=True)
    return np.where(np.abs(total) > 1e-4, weights / np.where(total == 0, 1.0, total), 0.0)


def resize_image(image, size, interpolation="bilinear"):
    """Resizes a ``(height, width, channels)`` array to `size` like `tf.image.resize`.

    ``"nearest"`` keeps the dtype; every other method returns float32.
    """
    height, width = image.shape[:2]
    if interpolation == "nearest":
        rows = np.minimum(np.floor((np.arange(size[0]) + 0.5) * height / size[0]), height - 1)
        cols = np.minimum(np.floor((np.arange(size[1]) + 0.5) * width / size[1]), width - 1)
        return image[rows.astype(int)][:, cols.astype(int)]
    x = image.astype("float64")
    x = np.einsum("hwc,hH->Hwc", x, _axis_weights(height, size[0], interpolation))
    x = np.einsum("Hwc,wW->HWc", x, _axis_weights(width, size[1], interpolation))
    return x.astype("float32")


def crop_to_aspect_ratio(image, size):
    """The largest centred crop of `image` (channels last) with the aspect ratio of `size`."""
    height, width = image.shape[:2]
    crop_h = max(min(height, int(width * size[0] / size[1])), 1)
    crop_w = max(min(width, int(height * size[1] / size[0])), 1)
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return image[top:top + crop_h, left:left + crop_w]


def resize_with_pad(image, size, interpolation="bilinear"):
    """Resizes `image` to fit inside `size` keeping its aspect ratio, then pads with zeros
    to `size` (centred), like `tf.image.resize_with_pad`."""
    height, width = image.shape[:2]
    ratio = max(width / size[1], height / size[0])
    inner = (int(np.floor(height / ratio)), int(np.floor(width / ratio)))
    top = max(int(np.floor((size[0] - height / ratio) / 2)), 0)
    left = max(int(np.floor((size[1] - width / ratio) / 2)), 0)
    resized = resize_image(image, inner, interpolation)
    out = np.zeros(tuple(size) + image.shape[2:], resized.dtype)
    out[top:top + inner[0], left:left + inner[1]] = resized
    return out
