"""Heatmaps as small PNGs: a perceptual colormap, block downsampling and a minimal PNG writer.

Only numpy, zlib and struct are used, so saved notebooks carry plain ``data:image/png`` images.

Example:
    >>> import numpy as np
    >>> png = heatmap_png(np.arange(12.0).reshape(3, 4))
    >>> png[:8] == PNG_SIGNATURE
    True
"""

import base64
import html
import math
import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Dark violet through blue and teal to yellow: lightness rises monotonically along the ramp.
_STOPS = np.array([[50, 16, 82], [60, 76, 138], [38, 130, 142], [42, 178, 122],
                   [126, 210, 78], [246, 230, 40]], dtype=np.float64)
NAN_COLOR = (228, 26, 28)
_COLOR_TYPES = {1: 0, 3: 2, 4: 6}


def encode_png(pixels):
    """Encodes 8-bit pixels as PNG bytes.

    Args:
        pixels: a ``uint8`` array of shape ``(height, width)`` (grey), ``(height, width, 3)``
            (RGB) or ``(height, width, 4)`` (RGBA).

    Returns:
        The PNG file as bytes.
    """
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8:
        raise TypeError(f"`pixels` must have dtype uint8; received {pixels.dtype}.")
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    if pixels.ndim != 3 or pixels.shape[2] not in _COLOR_TYPES or 0 in pixels.shape[:2]:
        raise ValueError(f"`pixels` must have shape (height, width) or (height, width, 1|3|4) "
                         f"with height, width > 0; received {pixels.shape}.")
    height, width, channels = pixels.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, -1)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    return (PNG_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)) + _chunk(b"IEND", b""))


def _chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def colorize(values, vmin=None, vmax=None):
    """Maps a 2-D array to RGB through the colormap; NaNs get `NAN_COLOR`.

    Args:
        values: a 2-D array of numbers.
        vmin, vmax: the values mapped to the two ends of the ramp; default the finite
            min and max. Infinities clip to the ends.

    Returns:
        A ``uint8`` array of shape ``values.shape + (3,)``.
    """
    values = np.asarray(values, dtype=np.float64)
    lo, hi = finite_range(values)
    lo = lo if vmin is None else float(vmin)
    hi = hi if vmax is None else float(vmax)
    with np.errstate(invalid="ignore"):
        t = np.clip((values - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    nan = np.isnan(t)
    position = np.where(nan, 0.0, t) * (len(_STOPS) - 1)
    index = np.minimum(position.astype(np.int64), len(_STOPS) - 2)
    frac = (position - index)[..., None]
    rgb = _STOPS[index] * (1.0 - frac) + _STOPS[index + 1] * frac
    rgb[nan] = NAN_COLOR
    return np.rint(rgb).astype(np.uint8)


def finite_range(values):
    """The (min, max) of the finite entries of `values`, or (0, 0) when there are none."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 0.0
    return float(finite.min()), float(finite.max())


def downsample(values, max_cells=256):
    """Averages blocks of a 2-D array so that neither side exceeds `max_cells`.

    Blocks ignore NaNs unless a block holds only NaNs; the result keeps at most
    `max_cells` rows and columns.

    Args:
        values: a 2-D array.
        max_cells: the largest number of rows and of columns kept.

    Returns:
        A float array of shape ``(ceil(rows / fr), ceil(cols / fc))`` where ``fr`` and ``fc``
        are the smallest block sizes that fit.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"`values` must be 2-D; received shape {values.shape}.")
    if max_cells < 1:
        raise ValueError(f"`max_cells` must be a positive integer; received {max_cells}.")
    rows, cols = values.shape
    fr, fc = math.ceil(rows / max_cells), math.ceil(cols / max_cells)
    if fr == 1 and fc == 1:
        return values
    out_r, out_c = math.ceil(rows / fr), math.ceil(cols / fc)
    padded = np.full((out_r * fr, out_c * fc), np.nan)
    padded[:rows, :cols] = values
    blocks = padded.reshape(out_r, fr, out_c, fc)
    valid = ~np.isnan(blocks)
    count = valid.sum(axis=(1, 3))
    total = np.where(valid, blocks, 0.0).sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def upscale(pixels, target=160, max_factor=16):
    """Repeats pixels by an integer factor so the longer side reaches about `target` px."""
    factor = max(1, min(max_factor, target // max(pixels.shape[:2])))
    return np.repeat(np.repeat(pixels, factor, axis=0), factor, axis=1)


def heatmap_png(values, max_cells=256, vmin=None, vmax=None, target=160):
    """A 2-D array as a colormapped, downsampled and pixel-upscaled PNG.

    Args:
        values: a 2-D array.
        max_cells: the largest number of rows and columns before upscaling.
        vmin, vmax: the colour range (default: the finite range of `values`).
        target: the approximate size in pixels of the longer side.

    Returns:
        PNG bytes.
    """
    return encode_png(upscale(colorize(downsample(values, max_cells), vmin, vmax), target))


def grid_shape(count, max_columns=8):
    """The (rows, columns) of a grid holding `count` tiles, at most `max_columns` wide."""
    columns = max(1, min(count, max_columns))
    return math.ceil(count / columns), columns


def tile_grid_png(tiles, max_columns=8, gap=1, target=48):
    """Tiles of equal shape as one PNG grid sharing a colour scale.

    Args:
        tiles: an array of shape ``(count, height, width)``.
        max_columns: the most tiles per row.
        gap: the width in pixels of the white lines between tiles.
        target: the approximate size in pixels of each tile's longer side.

    Returns:
        PNG bytes.
    """
    tiles = np.asarray(tiles, dtype=np.float64)
    if tiles.ndim != 3 or tiles.shape[0] == 0:
        raise ValueError(f"`tiles` must have shape (count, height, width) with count > 0; "
                         f"received {tiles.shape}.")
    lo, hi = finite_range(tiles)
    images = [upscale(colorize(tile, lo, hi), target) for tile in tiles]
    th, tw = images[0].shape[:2]
    rows, columns = grid_shape(len(images), max_columns)
    canvas = np.full((rows * (th + gap) - gap, columns * (tw + gap) - gap, 3), 255, np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        canvas[r * (th + gap):r * (th + gap) + th, c * (tw + gap):c * (tw + gap) + tw] = image
    return encode_png(canvas)


def image_png(values, target=160):
    """An image-like sample ``(h, w)``, ``(h, w, 1)`` or ``(h, w, 3)`` as a grey or RGB PNG.

    Values are scaled linearly from their finite range to 0..255.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 3 and values.shape[2] == 1:
        values = values[:, :, 0]
    lo, hi = finite_range(values)
    scaled = (np.nan_to_num(values, nan=lo, posinf=hi, neginf=lo) - lo) / (hi - lo or 1.0)
    pixels = np.rint(np.clip(scaled, 0.0, 1.0) * 255).astype(np.uint8)
    return encode_png(upscale(pixels, target))


def img_tag(png, alt):
    """An ``<img>`` element embedding `png` as a data URI, drawn with crisp pixels."""
    data = base64.b64encode(png).decode("ascii")
    return (f"<img src='data:image/png;base64,{data}' alt='{html.escape(alt, quote=True)}' "
            f"style='image-rendering:pixelated;max-width:100%'/>")
