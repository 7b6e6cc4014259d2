"""`BaseImagePreprocessingLayer`: the base of the image augmentation layers.

A call draws one random transformation (`get_random_transformation`) and applies it to the
images and, for dict inputs, consistently to the other entries::

    {"images": ..., "labels": ..., "segmentation_masks": ...,
     "bounding_boxes": {"boxes": ..., "labels": ...}}

Other keys pass through. As in Keras, a layer augments when `training` is True or not given
(a direct call, a ``tf.data`` map, ``model(x)``), and leaves the data as it is (images cast to
the compute dtype) when a model runs in inference (`predict`, `evaluate`, ``training=False``).

Images are a batch (rank 4) or one image (rank 3) in the layer's `data_format`; one image is
handled as a batch of one, so `get_random_transformation` and the ``transform_*`` methods
always see batches. Bounding boxes need the layer's `bounding_box_format` (see
`box_formats`).

Example:
    >>> class AddNoise(BaseImagePreprocessingLayer):
    ...     def get_random_transformation(self, data, training=True, seed=None):
    ...         images = data["images"] if isinstance(data, dict) else data
    ...         return kerasnb.random.normal(ops.shape(images), seed=seed or self.generator)
    ...     def transform_images(self, images, transformation, training=True):
    ...         images = ops.cast(images, self.compute_dtype)
    ...         return images + transformation if training else images
"""

import numbers

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing import box_formats
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.random.seed_generator import SeedGenerator
from kerasnb.engine.tensors import KerasTensor

KEYS = ("images", "labels", "bounding_boxes", "segmentation_masks")


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def factor_range(owner, name, value, bounds=(-1.0, 1.0), single=None):
    """The ``(lower, upper)`` range a Keras factor stands for.

    Args:
        owner: the layer name, for errors.
        name: the argument name, for errors.
        value: a number or a pair of numbers inside `bounds`.
        bounds: the allowed ``(low, high)``.
        single: how one number ``f`` reads: None for ``(max(-f, low), f)`` (Keras's rule:
            ``(-f, f)``, or ``(0, f)`` when negative values are not allowed), or "from_zero"
            for ``(0, f)``.

    Example:
        >>> factor_range("RandomRotation", "factor", 0.2)
        (-0.2, 0.2)
    """
    low, high = bounds
    problem = (f"{owner}: `{name}` must be a number or a pair of numbers in [{low}, {high}]; "
               f"received {value!r}.")
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or not all(_is_number(v) for v in value) or not all(
                low <= v <= high for v in value):
            raise ValueError(problem)
        lower, upper = sorted(value)
        return lower, upper
    if not _is_number(value) or not low <= value <= high:
        raise ValueError(problem)
    value = abs(value)
    return (0, value) if single == "from_zero" else (max(-value, low), value)


def check_value_range(owner, value_range):
    """`value_range` as a sorted ``[low, high]`` list of two numbers."""
    if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or not all(
            _is_number(v) for v in value_range) or value_range[0] == value_range[1]:
        raise ValueError(f"{owner}: `value_range` must be two different numbers (low, high); "
                         f"received {value_range!r}.")
    return sorted(value_range)


def check_choice(owner, name, value, choices):
    if value not in choices:
        raise ValueError(f"{owner}: `{name}` must be one of {tuple(choices)}; received {value!r}.")
    return value


def check_seed(owner, seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ValueError(f"{owner}: `seed` must be an int or None; received {seed!r}.")
    return seed


class BaseImagePreprocessingLayer(DataLayer):
    """Base of the image augmentation layers: one transformation per call, applied to images,
    labels, bounding boxes and segmentation masks alike.

    Subclasses override `get_random_transformation` and the ``transform_*`` methods; by
    default labels, boxes and masks pass through and images are cast to the compute dtype.

    Args:
        factor: unused by the base (kept for Keras's signature); must be None.
        bounding_box_format: the format of ``bounding_boxes`` inputs (see `box_formats.FORMATS`).
        data_format: "channels_last" or "channels_first"; None means the configured one.
        **kwargs: base `Layer` arguments.

    Example:
        >>> RandomFlip(seed=1)({"images": images, "labels": labels})  # a dict comes back
    """

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if factor is not None:
            raise ValueError(f"{type(self).__name__} does not take a `factor`; received {factor!r}.")
        self.data_format = config.standardize_data_format(data_format)
        self.bounding_box_format = None if bounding_box_format is None else box_formats.check_format(
            type(self).__name__, bounding_box_format)

    # Helpers for subclasses ------------------------------------------------------------

    def _make_generator(self, seed):
        """Stores `seed` and the layer's `SeedGenerator` (``self.generator``)."""
        self.seed = check_seed(type(self).__name__, seed)
        self.generator = SeedGenerator(seed)

    @staticmethod
    def _images_of(data):
        return data["images"] if isinstance(data, dict) else data

    def _spatial_axes(self):
        """(height axis, width axis, channel axis) of a batch of images."""
        return (2, 3, 1) if self.data_format == "channels_first" else (1, 2, 3)

    def _image_size(self, images):
        """(height, width) of a batch of images: ints, or scalar tensors when unknown."""
        shape = ops.shape(images)
        h_axis, w_axis, _ = self._spatial_axes()
        return shape[h_axis], shape[w_axis]

    @staticmethod
    def _batch_range(images):
        """``[0, 1, ..., batch - 1]`` (int32), also when the batch size is only known at run
        time (a traced TensorFlow graph)."""
        return ops.cumsum(ops.ones_like(images[:, 0, 0, 0], dtype="int32")) - 1

    def _per_image(self, values):
        """(batch,) values reshaped to broadcast against a batch of images."""
        return ops.reshape(values, (-1, 1, 1, 1))

    def _boxes_to_xyxy(self, bounding_boxes, height, width):
        boxes = box_formats.to_xyxy(bounding_boxes["boxes"], self.bounding_box_format, height, width)
        return dict(bounding_boxes, boxes=boxes)

    def _boxes_from_xyxy(self, bounding_boxes, height, width):
        """Clips absolute xyxy boxes to the image (dropping empty ones) and converts them back
        to the layer's format."""
        bounding_boxes = box_formats.clip_to_image(bounding_boxes, height, width)
        boxes = box_formats.from_xyxy(bounding_boxes["boxes"], self.bounding_box_format, height, width)
        return dict(bounding_boxes, boxes=boxes)

    # The transformation API ------------------------------------------------------------

    def get_random_transformation(self, data, training=True, seed=None):
        """The random parameters of one call for `data` (a batch of images, or a dict).

        Args:
            data: images, or a dict with ``"images"`` (always batched here).
            training: whether the layer augments; layers return None when it does not.
            seed: a seed or `SeedGenerator` to draw from instead of ``self.generator``.
        """
        return None

    def transform_images(self, images, transformation, training=True):
        """The images after `transformation` (a batch)."""
        return ops.cast(images, self.compute_dtype)

    def transform_labels(self, labels, transformation, training=True):
        """The labels after `transformation` (one row per image); unchanged by default."""
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """The ``{"boxes", "labels"}`` dict after `transformation`; unchanged by default."""
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        """The masks after `transformation`; unchanged by default."""
        return segmentation_masks

    # Calling ---------------------------------------------------------------------------

    def _check_data(self, data):
        owner = type(self).__name__
        if isinstance(data, dict) and "images" not in data:
            raise ValueError(f"{owner} takes images or a dict with an 'images' key (and optionally "
                             f"{KEYS[1:]}); received a dict with keys {sorted(data)}.")
        rank = len(self._images_of(data).shape)
        if rank not in (3, 4):
            raise ValueError(f"{owner} expects images of rank 3 (one image) or 4 (a batch); received "
                             f"shape {tuple(self._images_of(data).shape)}.")
        if isinstance(data, dict) and "bounding_boxes" in data and not self.bounding_box_format:
            raise ValueError(f"{owner} received 'bounding_boxes' but has no `bounding_box_format`: "
                             f"pass one, e.g. {owner}(..., bounding_box_format='xyxy').")
        return rank == 4

    def _convert_inputs(self, args):
        if not args or not isinstance(args[0], dict):
            return super()._convert_inputs(args)
        self._check_data(args[0])
        convert = super()._convert_inputs  # images, labels and masks; the rest as given
        data = {key: convert((value,))[0] if key in KEYS and key != "bounding_boxes" else value
                for key, value in args[0].items()}
        return (data,) + tuple(args[1:])

    def call(self, data, training=True):
        training = True if training is None else training
        batched = self._check_data(data)
        owner = type(self).__name__
        expand = (lambda x: x) if batched else (lambda x: ops.expand_dims(x, 0))
        squeeze = (lambda x: x) if batched else (lambda x: ops.squeeze(x, 0))
        if not isinstance(data, dict):
            images = expand(ops.convert_to_tensor(data))
            transformation = self.get_random_transformation(images, training=training)
            return squeeze(self.transform_images(images, transformation, training=training))
        batch = {key: expand(value) for key, value in data.items()
                 if key in ("images", "labels", "segmentation_masks")}
        if "bounding_boxes" in data:
            boxes = box_formats.densify(data["bounding_boxes"], owner, batched)
            batch["bounding_boxes"] = dict(boxes, boxes=expand(boxes["boxes"]),
                                           labels=expand(boxes["labels"]))
        transformation = self.get_random_transformation(batch, training=training)
        out = dict(data)
        out["images"] = squeeze(self.transform_images(batch["images"], transformation,
                                                      training=training))
        if "labels" in batch:
            out["labels"] = squeeze(self.transform_labels(batch["labels"], transformation,
                                                          training=training))
        if "segmentation_masks" in batch:
            out["segmentation_masks"] = squeeze(self.transform_segmentation_masks(
                batch["segmentation_masks"], transformation, training=training))
        if "bounding_boxes" in batch:
            boxes = self.transform_bounding_boxes(batch["bounding_boxes"], transformation,
                                                  training=training)
            out["bounding_boxes"] = dict(boxes, boxes=squeeze(boxes["boxes"]),
                                         labels=squeeze(boxes["labels"]))
        return out

    # Symbolic use ----------------------------------------------------------------------

    def _output_image_shape(self, shape):
        """The images' output shape for an input shape (the same, by default)."""
        return tuple(shape)

    def _output_image_dtype(self, dtype):
        return self.compute_dtype

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict):
            return dict(input_shape, images=self._output_image_shape(input_shape["images"]))
        return self._output_image_shape(input_shape)

    def compute_output_spec(self, data, training=None):
        self._check_data(data)
        images = self._images_of(data)
        spec = KerasTensor(self._output_image_shape(images.shape),
                           self._output_image_dtype(images.dtype))
        if not isinstance(data, dict):
            return spec
        out = dict(data, images=spec)
        if "segmentation_masks" in data:
            masks = data["segmentation_masks"]
            out["segmentation_masks"] = KerasTensor(self._output_image_shape(masks.shape),
                                                    masks.dtype)
        return out

    def get_config(self):
        config_ = super().get_config()
        config_["data_format"] = self.data_format
        if self.bounding_box_format is not None:
            config_["bounding_box_format"] = self.bounding_box_format
        return config_
