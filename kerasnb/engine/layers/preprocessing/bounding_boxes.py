"""`MaxNumBoundingBoxes`: a fixed number of boxes per image, so that batches stack.

The box formats and conversions themselves live in `box_formats`.
"""

from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.image_base import BaseImagePreprocessingLayer
from kerasnb.engine.saving.serialization import builtin


@builtin("layers")
class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Truncates or pads the bounding boxes of each image to `max_number`.

    Boxes beyond `max_number` are dropped; missing ones are added with coordinates and
    label `fill_value`. Images and the other entries pass unchanged.

    Args:
        max_number: the number of boxes per image.
        fill_value: the coordinates and label of padding boxes.
        **kwargs: base layer arguments.

    Example:
        >>> out = MaxNumBoundingBoxes(3)({"images": np.zeros((1, 8, 8, 3)), "bounding_boxes": {
        ...     "boxes": np.array([[[0.0, 0.0, 2.0, 2.0]]]), "labels": np.array([[4]])}})
        >>> out["bounding_boxes"]["labels"]
        array([[ 4, -1, -1]])
    """

    def __init__(self, max_number, fill_value=-1, **kwargs):
        kwargs.setdefault("bounding_box_format", "xyxy")
        super().__init__(**kwargs)
        if isinstance(max_number, bool) or not isinstance(max_number, int) or max_number <= 0:
            raise ValueError(f"MaxNumBoundingBoxes: `max_number` must be a positive int; received "
                             f"{max_number!r}.")
        if isinstance(fill_value, bool) or not isinstance(fill_value, (int, float)):
            raise ValueError(f"MaxNumBoundingBoxes: `fill_value` must be a number; received "
                             f"{fill_value!r}.")
        self.max_number, self.fill_value = max_number, fill_value

    def _fixed(self, x):
        """`x` (batch, n, ...) cut or padded with `fill_value` to (batch, max_number, ...)."""
        widths = [[0, 0], [0, self.max_number]] + [[0, 0]] * (ops.ndim(x) - 2)
        return ops.pad(x, widths, constant_values=self.fill_value)[:, :self.max_number]

    def transform_images(self, images, transformation, training=True):
        return images

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return dict(bounding_boxes, boxes=self._fixed(bounding_boxes["boxes"]),
                    labels=self._fixed(bounding_boxes["labels"]))

    def _output_image_dtype(self, dtype):
        return dtype

    def compute_output_spec(self, data, training=None):
        out = super().compute_output_spec(data, training)
        if isinstance(data, dict) and "bounding_boxes" in data:
            boxes = data["bounding_boxes"]
            out["bounding_boxes"] = {key: type(value)((value.shape[0], self.max_number)
                                                      + tuple(value.shape[2:]), value.dtype)
                                     for key, value in boxes.items()}
        return out

    def get_config(self):
        config_ = super().get_config()
        config_.update({"max_number": self.max_number, "fill_value": self.fill_value})
        return config_
