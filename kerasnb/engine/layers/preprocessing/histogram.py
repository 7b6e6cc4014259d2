"""Deterministic tone layers from each image's own statistics: `AutoContrast`, `Equalization`
and `ContrastLimitedAdaptiveHistogramEqualization` (CLAHE).

Histograms are counted with `segment_sum` over a fixed number of bins, so the layers run
under `jax.jit`, `tf.function` and ``tf.data`` alike. Pixels are first mapped from
`value_range` to [0, 255] and back afterwards.
"""

from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.color import to_range
from kerasnb.engine.layers.preprocessing.image_base import (BaseImagePreprocessingLayer,
                                                            check_value_range)
from kerasnb.engine.saving.serialization import builtin

_BYTE = (0, 255)


def _positive_int(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: `{name}` must be a positive int; received {value!r}.")
    return value


def _counts(ids, num_segments):
    """How often each id in [0, num_segments) occurs in the int tensor `ids`."""
    flat = ops.reshape(ids, (-1,))
    return ops.segment_sum(ops.ones_like(flat, dtype="float32"), flat, num_segments=num_segments)


class _ToneLayer(BaseImagePreprocessingLayer):
    def __init__(self, value_range=(0, 255), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range(type(self).__name__, value_range)

    def _rows(self, images):
        """(batch, channels, height * width) float pixels in [0, 255]."""
        x = ops.cast(images, "float32")
        if self.data_format == "channels_last":
            x = ops.moveaxis(x, -1, 1)
        shape = ops.shape(x)  # the batch size may be a tensor, the other sizes are known
        rows = ops.reshape(x, (-1, shape[1], shape[2] * shape[3]))
        return to_range(rows, self.value_range, _BYTE), shape

    def _unrows(self, rows, shape):
        """Rows back in the images' layout (no change of range)."""
        x = ops.reshape(rows, (-1,) + tuple(shape[1:]))
        return ops.moveaxis(x, 1, -1) if self.data_format == "channels_last" else x

    def get_config(self):
        return dict(super().get_config(), value_range=self.value_range)


@builtin("layers")
class AutoContrast(_ToneLayer):
    """Stretches each channel of each image to the full value range.

    Every channel is mapped linearly so that its minimum becomes the range's low end and
    its maximum the high end; constant channels are left as they are. Applied in training
    and inference alike.

    Args:
        value_range: the (low, high) range of the pixels.
        **kwargs: base layer arguments (`name`, `dtype`, `data_format`, ...).

    Example:
        >>> AutoContrast()(np.array([[[[50.0], [100.0]]]]))[0, 0, :, 0]
        array([  0., 255.], dtype=float32)
    """

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(value_range, **kwargs)

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        h_axis, w_axis, _ = self._spatial_axes()
        low = ops.min(images, axis=(h_axis, w_axis), keepdims=True)
        high = ops.max(images, axis=(h_axis, w_axis), keepdims=True)
        span = high - low
        stretched = (images - low) / ops.where(span > 0, span, ops.ones_like(span))
        stretched = stretched * (self.value_range[1] - self.value_range[0]) + self.value_range[0]
        return ops.where(span > 0, stretched, images)


@builtin("layers")
class Equalization(_ToneLayer):
    """Equalizes the histogram of each channel of each image (while training).

    Pixel values (in [0, 255]) fall in `bins` bins; each bin maps to its rounded normalized
    cumulative count ``255 (cdf - cdf_min) / (count - cdf_min)``. A channel with one
    occupied bin is left as it is. As in Keras, the layer is the identity in inference.

    Args:
        value_range: the (low, high) range of the pixels.
        bins: the number of histogram bins.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> Equalization()(np.array([[[[0.0], [10.0], [10.0], [20.0]]]]))[0, 0, :, 0]
        array([  0., 170., 170., 255.], dtype=float32)
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(value_range, data_format, **kwargs)
        self.bins = _positive_int("Equalization", "bins", bins)

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        rows, shape = self._rows(images)
        batch, channels = shape[0], shape[1]
        bins = ops.cast(ops.clip(ops.floor(rows * ((self.bins - 1) / 255.0)), 0, self.bins - 1),
                        "int32")
        offsets = (ops.reshape(self._batch_range(images), (-1, 1, 1)) * channels
                   + ops.reshape(ops.arange(channels, dtype="int32"), (1, -1, 1)))
        ids = offsets * self.bins + bins
        hist = ops.reshape(_counts(ids, batch * channels * self.bins), (-1, channels, self.bins))
        cdf = ops.cumsum(hist, axis=-1)
        total = cdf[..., -1:]
        cdf_min = ops.min(ops.where(cdf > 0, cdf, total), axis=-1, keepdims=True)
        denominator = ops.where(total - cdf_min > 0, total - cdf_min, ops.ones_like(total))
        table = ops.clip(ops.round((cdf - cdf_min) * 255.0 / denominator), 0.0, 255.0)
        mapped = ops.take(ops.reshape(table, (-1,)), ops.reshape(ids, (-1,)))
        mapped = ops.reshape(mapped, (-1,) + tuple(ops.shape(rows)[1:]))
        occupied = ops.sum(ops.cast(hist > 0, "int32"), axis=-1, keepdims=True)
        equalized = self._unrows(to_range(mapped, _BYTE, self.value_range), shape)
        varied = self._unrows(ops.logical_or(ops.zeros_like(mapped, dtype="bool"), occupied > 1), shape)
        return ops.where(varied, ops.cast(equalized, self.compute_dtype), images)

    def get_config(self):
        return dict(super().get_config(), bins=self.bins)


@builtin("layers")
class ContrastLimitedAdaptiveHistogramEqualization(_ToneLayer):
    """Contrast Limited Adaptive Histogram Equalization (CLAHE).

    The image (in [0, 255], padded symmetrically to whole tiles) is cut into
    `tile_grid_size` tiles; each tile's 256-bin histogram is clipped at
    ``clip_limit * tile_pixels / 256`` (the excess spread evenly over all bins) and turned
    into an equalizing map; every pixel blends the maps of the four nearest tile centres
    bilinearly. Outputs keep the input dtype. Applied in training and inference alike.

    Args:
        value_range: the (low, high) range of the pixels.
        clip_limit: the contrast limit; 0 or less disables clipping.
        tile_grid_size: the number of tiles (rows, columns).
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base layer arguments.

    Example:
        >>> ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))(
        ...     np.random.randint(0, 256, (1, 16, 16, 3))).shape
        (1, 16, 16, 3)
    """

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, **kwargs):
        super().__init__(value_range, data_format, **kwargs)
        owner = "ContrastLimitedAdaptiveHistogramEqualization"
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float)):
            raise ValueError(f"{owner}: `clip_limit` must be a number; received {clip_limit!r}.")
        if not isinstance(tile_grid_size, (list, tuple)) or len(tile_grid_size) != 2:
            raise ValueError(f"{owner}: `tile_grid_size` must be (rows, columns); received "
                             f"{tile_grid_size!r}.")
        self.clip_limit = clip_limit
        self.tile_grid_size = tuple(_positive_int(owner, "tile_grid_size", t) for t in tile_grid_size)

    def _output_image_dtype(self, dtype):
        return dtype

    def _tile_maps(self, padded, grid, tile):
        """(batch, grid_h + 2, grid_w + 2, channels, 256) equalizing maps, edge-replicated."""
        (grid_h, grid_w), (tile_h, tile_w) = grid, tile
        batch, channels = ops.shape(padded)[0], ops.shape(padded)[3]
        values = ops.cast(ops.clip(padded, 0.0, 255.0), "int32")
        tiles = ops.reshape(values, (-1, grid_h, tile_h, grid_w, tile_w, channels))
        tiles = ops.transpose(tiles, (0, 1, 3, 5, 2, 4))  # (b, gh, gw, c, th, tw)
        per_image = grid_h * grid_w * channels
        count = batch * per_image
        offsets = (ops.reshape(self._batch_range(padded), (-1, 1, 1, 1, 1, 1)) * per_image
                   + ops.reshape(ops.arange(per_image, dtype="int32"), (1, grid_h, grid_w, channels, 1, 1)))
        hist = ops.reshape(_counts(offsets * 256 + tiles, count * 256),
                           (-1, grid_h, grid_w, channels, 256))
        area = float(tile_h * tile_w)
        if self.clip_limit > 0:
            clipped = ops.minimum(hist, self.clip_limit * area / 256.0)
            hist = clipped + ops.sum(hist - clipped, axis=-1, keepdims=True) / 256.0
        cdf = ops.cumsum(hist, axis=-1)
        cdf_min = ops.min(cdf, axis=-1, keepdims=True)
        denominator = ops.where(area - cdf_min != 0, area - cdf_min, ops.ones_like(cdf_min))
        maps = ops.clip((cdf - cdf_min) * 255.0 / denominator, 0.0, 255.0)
        maps = ops.concatenate([maps[:, :1], maps, maps[:, -1:]], axis=1)
        return ops.concatenate([maps[:, :, :1], maps, maps[:, :, -1:]], axis=2)

    @staticmethod
    def _neighbours(size, tile, grid):
        """For each padded row (or column): the two grid cells around it and the weight of
        the second, in the edge-replicated grid."""
        position = (ops.arange(size, dtype="float32") - tile / 2.0) / tile + 1.0
        first = ops.floor(position)
        weight = position - first
        first = ops.clip(first, 0, grid + 1)
        second = ops.clip(first + 1.0, 0, grid + 1)
        return ops.cast(first, "int32"), ops.cast(second, "int32"), weight

    def transform_images(self, images, transformation, training=True):
        dtype = ops.dtype(images)
        x = ops.moveaxis(images, 1, -1) if self.data_format == "channels_first" else images
        x = to_range(ops.cast(x, "float32"), self.value_range, _BYTE)
        batch, height, width, channels = ops.shape(x)
        if not isinstance(height, int) or not isinstance(width, int):
            raise ValueError("ContrastLimitedAdaptiveHistogramEqualization needs images of known "
                             f"height and width; received shape {tuple(images.shape)}.")
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
        padded = ops.pad(x, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="symmetric") \
            if pad_h or pad_w else x
        maps = self._tile_maps(padded, (grid_h, grid_w), (tile_h, tile_w))
        y0, y1, wy = self._neighbours(tile_h * grid_h, tile_h, grid_h)
        x0, x1, wx = self._neighbours(tile_w * grid_w, tile_w, grid_w)
        stride_x = channels * 256
        stride_y = stride_x * (grid_w + 2)
        stride_b = stride_y * (grid_h + 2)
        pixels = ops.cast(ops.clip(padded, 0.0, 255.0), "int32")
        base = (ops.reshape(self._batch_range(padded), (-1, 1, 1, 1)) * stride_b
                + ops.reshape(ops.arange(channels, dtype="int32"), (1, 1, 1, -1)) * 256 + pixels)
        flat = ops.reshape(maps, (-1,))

        def read(rows, cols):
            return ops.take(flat, base + ops.reshape(rows, (1, -1, 1, 1)) * stride_y
                            + ops.reshape(cols, (1, 1, -1, 1)) * stride_x)

        wx, wy = ops.reshape(wx, (1, 1, -1, 1)), ops.reshape(wy, (1, -1, 1, 1))
        top = read(y0, x0) * (1.0 - wx) + read(y0, x1) * wx
        bottom = read(y1, x0) * (1.0 - wx) + read(y1, x1) * wx
        out = (top * (1.0 - wy) + bottom * wy)[:, :height, :width, :]
        out = ops.cast(to_range(out, _BYTE, self.value_range), dtype)
        return ops.moveaxis(out, -1, 1) if self.data_format == "channels_first" else out

    def get_config(self):
        return dict(super().get_config(), clip_limit=self.clip_limit,
                    tile_grid_size=self.tile_grid_size)
