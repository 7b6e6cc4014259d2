"""Image geometry to a fixed size: `Resizing` and `CenterCrop`.

Both take a batch ``(batch, height, width, channels)`` or a single image (rank 3), in the
layer's `data_format`, or a dict with ``"images"`` (and optionally ``"segmentation_masks"``,
resized with "nearest", and ``"labels"``, passed through).
"""

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.ops.image import RESIZE_METHODS
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

_DICT_KEYS = ("images", "segmentation_masks", "labels")


def _check_size(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: `{name}` must be a positive int; received {value!r}.")
    return value


class _FixedSizeLayer(DataLayer):
    """Shared input handling: images or a dict of images, masks and labels."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.height = _check_size(owner, "height", height)
        self.width = _check_size(owner, "width", width)
        self.data_format = config.standardize_data_format(data_format)

    def _spatial_axes(self, ndim):
        if ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__} expects images of rank 3 (one image) or 4 (a "
                             f"batch); received rank {ndim}.")
        return (ndim - 2, ndim - 1) if self.data_format == "channels_first" else (ndim - 3, ndim - 2)

    def _split(self, data):
        if not isinstance(data, dict):
            return {"images": data}
        unknown = set(data) - set(_DICT_KEYS)
        if "images" not in data or unknown:
            hint = " (bounding boxes are not supported by kerasnb yet)" if "bounding_boxes" in data else ""
            raise NotImplementedError(
                f"{type(self).__name__} takes images or a dict with keys {_DICT_KEYS}; received keys "
                f"{sorted(data)}{hint}.")
        return data

    def _convert_inputs(self, args):
        if args:
            self._split(args[0])  # a clear error before anything is converted
        return super()._convert_inputs(args)

    def call(self, inputs):
        data = self._split(inputs)
        out = dict(data)
        out["images"] = self._transform(data["images"], images=True)
        if "segmentation_masks" in data:
            out["segmentation_masks"] = self._transform(data["segmentation_masks"], images=False)
        return out if isinstance(inputs, dict) else out["images"]

    def compute_output_spec(self, inputs):
        data = self._split(inputs)

        def spec(x, images):
            shape = list(x.shape)
            h, w = self._spatial_axes(len(shape))
            shape[h], shape[w] = self.height, self.width
            return KerasTensor(tuple(shape), self._output_dtype(x.dtype, images))

        out = dict(data)
        out["images"] = spec(data["images"], True)
        if "segmentation_masks" in data:
            out["segmentation_masks"] = spec(data["segmentation_masks"], False)
        return out if isinstance(inputs, dict) else out["images"]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._spatial_axes(len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        return config_


@builtin("layers")
class Resizing(_FixedSizeLayer):
    """Resizes images to ``(height, width)``.

    Integer images keep their dtype (rounded, saturated); floating ones are computed in the
    layer's compute dtype.

    Args:
        height, width: the output size.
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3", "lanczos5" or "area".
        crop_to_aspect_ratio: first crop the largest centred window with the target aspect
            ratio (no distortion).
        pad_to_aspect_ratio: first pad the short side evenly with `fill_value` instead.
        fill_mode: how to pad; only "constant".
        fill_value: the padding value.
        antialias: filter when downsampling.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base `Layer` arguments.

    Example:
        >>> Resizing(2, 3)(np.zeros((1, 4, 4, 3))).shape
        (1, 2, 3, 3)
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
                 data_format=None, **kwargs):
        super().__init__(height, width, data_format=data_format, **kwargs)
        if interpolation not in RESIZE_METHODS:
            raise ValueError(f"Resizing: `interpolation` must be one of {RESIZE_METHODS}; received "
                             f"{interpolation!r}.")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: `crop_to_aspect_ratio` and `pad_to_aspect_ratio` cannot both "
                             "be True.")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: `fill_mode` must be 'constant'; received {fill_mode!r}.")
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, fill_value
        self.antialias = bool(antialias)

    def _output_dtype(self, dtype, images):
        return dtype

    def _transform(self, x, images):
        return ops.image.resize(
            x, (self.height, self.width), interpolation=self.interpolation if images else "nearest",
            antialias=self.antialias, crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio, fill_mode=self.fill_mode,
            fill_value=self.fill_value, data_format=self.data_format)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"interpolation": self.interpolation,
                        "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                        "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                        "fill_value": self.fill_value, "antialias": self.antialias})
        return config_


@builtin("layers")
class CenterCrop(_FixedSizeLayer):
    """Crops the central ``(height, width)`` window of images; outputs the compute dtype.

    An image smaller than the window along a side is instead cropped to the target aspect
    ratio and resized (bilinear), so the output always has the requested size.

    Args:
        height, width: the output size.
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base `Layer` arguments.

    Example:
        >>> CenterCrop(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, ..., 0]
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(height, width, data_format=data_format, **kwargs)

    def _output_dtype(self, dtype, images):
        return self.compute_dtype if images else dtype

    def _transform(self, x, images):
        if images:
            x = ops.cast(x, self.compute_dtype)
        h_axis, w_axis = self._spatial_axes(ops.ndim(x))
        shape = ops.shape(x)
        height, width = shape[h_axis], shape[w_axis]
        known = isinstance(height, int) and isinstance(width, int)
        if known and (height < self.height or width < self.width):
            return ops.image.resize(x, (self.height, self.width),
                                    interpolation="bilinear" if images else "nearest",
                                    crop_to_aspect_ratio=True, data_format=self.data_format)
        top, left = (height - self.height) // 2, (width - self.width) // 2
        index = [slice(None)] * ops.ndim(x)
        index[h_axis], index[w_axis] = slice(top, top + self.height), slice(left, left + self.width)
        return x[tuple(index)]
