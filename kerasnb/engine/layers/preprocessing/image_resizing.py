"""Image geometry to a fixed size: `Resizing` and `CenterCrop`.

Both take a batch ``(batch, height, width, channels)`` or a single image (rank 3), in the
layer's `data_format`, or a dict with ``"images"`` (and optionally ``"segmentation_masks"``,
resized with "nearest", ``"labels"``, passed through, and ``"bounding_boxes"``, moved with
the images as Keras moves them; they need the layer's `bounding_box_format`).
"""

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing import box_formats
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.ops.image import RESIZE_METHODS
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

_DICT_KEYS = ("images", "segmentation_masks", "labels", "bounding_boxes")


def _check_size(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: `{name}` must be a positive int; received {value!r}.")
    return value


class _FixedSizeLayer(DataLayer):
    """Shared input handling: images or a dict of images, masks, labels and bounding boxes."""

    def __init__(self, height, width, data_format=None, bounding_box_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.height = _check_size(owner, "height", height)
        self.width = _check_size(owner, "width", width)
        self.data_format = config.standardize_data_format(data_format)
        self.bounding_box_format = None if bounding_box_format is None else box_formats.check_format(
            owner, bounding_box_format)

    def _spatial_axes(self, ndim):
        if ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__} expects images of rank 3 (one image) or 4 (a "
                             f"batch); received rank {ndim}.")
        return (ndim - 2, ndim - 1) if self.data_format == "channels_first" else (ndim - 3, ndim - 2)

    def _split(self, data):
        if not isinstance(data, dict):
            return {"images": data}
        owner = type(self).__name__
        unknown = set(data) - set(_DICT_KEYS)
        if "images" not in data or unknown:
            raise ValueError(f"{owner} takes images or a dict with keys {_DICT_KEYS} ('images' "
                             f"required); received keys {sorted(data)}.")
        if "bounding_boxes" in data and not self.bounding_box_format:
            raise ValueError(f"{owner} received 'bounding_boxes' but has no `bounding_box_format`: "
                             f"pass one, e.g. {owner}(..., bounding_box_format='xyxy').")
        return data

    def _convert_inputs(self, args):
        if not args or not isinstance(args[0], dict):
            return super()._convert_inputs(args)
        data = self._split(args[0])  # a clear error before anything is converted
        convert = super()._convert_inputs
        data = {key: value if key == "bounding_boxes" else convert((value,))[0]
                for key, value in data.items()}
        return (data,) + tuple(args[1:])

    def call(self, inputs):
        data = self._split(inputs)
        out = dict(data)
        out["images"] = self._transform(data["images"], images=True)
        if "segmentation_masks" in data:
            out["segmentation_masks"] = self._transform(data["segmentation_masks"], images=False)
        if "bounding_boxes" in data:
            images = data["images"]
            h_axis, w_axis = self._spatial_axes(ops.ndim(images))
            boxes = box_formats.densify(data["bounding_boxes"], type(self).__name__,
                                        ops.ndim(images) == 4)
            shape = ops.shape(images)
            out["bounding_boxes"] = self._transform_boxes(boxes, shape[h_axis], shape[w_axis])
        return out if isinstance(inputs, dict) else out["images"]

    def _transform_boxes(self, bounding_boxes, height, width):
        """The densified `bounding_boxes` of images of size (`height`, `width`), moved with the
        images, clipped to the output (empty boxes get label -1), in the layer's format."""
        fmt = self.bounding_box_format
        boxes = box_formats.to_xyxy(bounding_boxes["boxes"], fmt, height, width)
        moved = box_formats.clip_to_image(dict(bounding_boxes, boxes=self._move_xyxy(boxes, height, width)),
                                          self.height, self.width)
        return dict(moved, boxes=box_formats.from_xyxy(moved["boxes"], fmt, self.height, self.width))

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
        if "bounding_boxes" in data:
            boxes = data["bounding_boxes"]
            out["bounding_boxes"] = dict(boxes, boxes=KerasTensor(boxes["boxes"].shape, "float32"))
        return out if isinstance(inputs, dict) else out["images"]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._spatial_axes(len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        if self.bounding_box_format is not None:
            config_["bounding_box_format"] = self.bounding_box_format
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
        **kwargs: base `Layer` arguments, and `bounding_box_format` for dict inputs with
            ``"bounding_boxes"`` (scaled, shifted by the crop or padding, and clipped; boxes
            that were all 0 or all -1 come back as zeros).

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

    def _move_xyxy(self, boxes, height, width):
        """Absolute xyxy `boxes` of the input size mapped as the images are: stretched, or
        scaled into the padded or cropped frame (offsets floored, as in Keras)."""
        height, width = ops.cast(height, "float32"), ops.cast(width, "float32")
        if self.pad_to_aspect_ratio:
            scale = ops.minimum(self.height / height, self.width / width)
            scale_x = scale_y = scale
            left = ops.floor((self.width - width * scale) / 2.0)
            top = ops.floor((self.height - height * scale) / 2.0)
        elif self.crop_to_aspect_ratio:
            source, target = width / height, self.width / self.height
            wider = source > target
            new_width = ops.where(wider, self.height * source, float(self.width))
            new_height = ops.where(wider, float(self.height), self.width / source)
            scale_x, scale_y = new_width / width, new_height / height
            left = -ops.floor((new_width - self.width) / 2.0)
            top = -ops.floor((new_height - self.height) / 2.0)
        else:
            scale_x, scale_y, left, top = self.width / width, self.height / height, 0.0, 0.0
        return ops.stack([boxes[..., 0] * scale_x + left, boxes[..., 1] * scale_y + top,
                          boxes[..., 2] * scale_x + left, boxes[..., 3] * scale_y + top], axis=-1)

    def _transform_boxes(self, bounding_boxes, height, width):
        boxes = bounding_boxes["boxes"]
        unused = ops.logical_or(ops.all(boxes == -1.0, axis=-1), ops.all(boxes == 0.0, axis=-1))
        out = super()._transform_boxes(bounding_boxes, height, width)
        return dict(out, boxes=ops.where(ops.expand_dims(unused, -1), 0.0, out["boxes"]))

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
        **kwargs: base `Layer` arguments, and `bounding_box_format` for dict inputs with
            ``"bounding_boxes"`` (cut to the window, or to the aspect-ratio crop and scaled).

    Example:
        >>> CenterCrop(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, ..., 0]
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(height, width, data_format=data_format, **kwargs)

    def _output_dtype(self, dtype, images):
        return self.compute_dtype if images else dtype

    def _move_xyxy(self, boxes, height, width):
        """Absolute xyxy `boxes` cut to the crop window and shifted to its corner; when the
        image is smaller than the output, the window is the aspect-ratio crop, then scaled."""
        known = isinstance(height, int) and isinstance(width, int)
        if not known or (height >= self.height and width >= self.width):
            crop_height, crop_width = self.height, self.width
            top, left = (height - self.height) // 2, (width - self.width) // 2
        else:
            crop_height = max(min(height, int(width * self.height / self.width)), 1)
            crop_width = max(min(width, int(height * self.width / self.height)), 1)
            top, left = (height - crop_height) // 2, (width - crop_width) // 2
        top, left = ops.cast(top, "float32"), ops.cast(left, "float32")
        scale_x, scale_y = self.width / crop_width, self.height / crop_height
        x1, y1, x2, y2 = [boxes[..., i] for i in range(4)]
        xs = [(ops.clip(x, left, left + crop_width) - left) * scale_x for x in (x1, x2)]
        ys = [(ops.clip(y, top, top + crop_height) - top) * scale_y for y in (y1, y2)]
        return ops.stack([xs[0], ys[0], xs[1], ys[1]], axis=-1)

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
