"""Bounding boxes for the image layers: formats, checks, clipping and projective moves.

Boxes travel as ``{"boxes": (batch, num_boxes, 4), "labels": (batch, num_boxes)}`` (or
without the batch axis for one image), in one of `FORMATS`. Absolute formats count pixels
with edges on integer coordinates (pixel ``i`` spans ``[i, i + 1)``); ``rel_`` formats
divide x by the width and y by the height. A box that leaves the image entirely keeps
label -1.

Example:
    >>> to_xyxy(np.array([[1.0, 2.0, 3.0, 4.0]]), "xywh")  # x, y, width, height
    array([[1., 2., 4., 6.]], dtype=float32)
"""

import numpy as np

from kerasnb.engine.layers.preprocessing import _ops as ops

FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx",
           "rel_xywh", "rel_center_xywh")


def check_format(owner, value, name="bounding_box_format"):
    """`value` lower-cased if it is one of `FORMATS`; a ValueError naming `name` otherwise."""
    if not isinstance(value, str) or value.lower() not in FORMATS:
        raise ValueError(f"{owner}: `{name}` must be one of {FORMATS}; received {value!r}.")
    return value.lower()


def _parts(boxes):
    return [boxes[..., i] for i in range(4)]


def _scale(x1, y1, x2, y2, sx, sy):
    return x1 * sx, y1 * sy, x2 * sx, y2 * sy


def to_xyxy(boxes, source, height=None, width=None):
    """Absolute ``[left, top, right, bottom]`` boxes from boxes in format `source`.

    Args:
        boxes: a tensor whose last axis has 4 entries.
        source: one of `FORMATS`.
        height, width: the image size, needed by the ``rel_`` formats.
    """
    boxes = ops.cast(boxes, "float32")
    a, b, c, d = _parts(boxes)
    kind = source[4:] if source.startswith("rel_") else source
    if kind == "xyxy":
        x1, y1, x2, y2 = a, b, c, d
    elif kind == "yxyx":
        y1, x1, y2, x2 = a, b, c, d
    elif kind == "xywh":
        x1, y1, x2, y2 = a, b, a + c, b + d
    elif kind == "center_xywh":
        x1, y1, x2, y2 = a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0
    else:  # center_yxhw: centre y, centre x, height, width
        x1, y1, x2, y2 = b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0
    if source.startswith("rel_"):
        x1, y1, x2, y2 = _scale(x1, y1, x2, y2, _size(width, "width", source),
                                _size(height, "height", source))
    return ops.stack([x1, y1, x2, y2], axis=-1)


def from_xyxy(boxes, target, height=None, width=None):
    """Boxes in format `target` from absolute ``[left, top, right, bottom]`` boxes."""
    x1, y1, x2, y2 = _parts(ops.cast(boxes, "float32"))
    if target.startswith("rel_"):
        x1, y1, x2, y2 = _scale(x1, y1, x2, y2, 1.0 / _size(width, "width", target),
                                1.0 / _size(height, "height", target))
    kind = target[4:] if target.startswith("rel_") else target
    if kind == "xyxy":
        parts = [x1, y1, x2, y2]
    elif kind == "yxyx":
        parts = [y1, x1, y2, x2]
    elif kind == "xywh":
        parts = [x1, y1, x2 - x1, y2 - y1]
    elif kind == "center_xywh":
        parts = [(x1 + x2) / 2.0, (y1 + y2) / 2.0, x2 - x1, y2 - y1]
    else:
        parts = [(y1 + y2) / 2.0, (x1 + x2) / 2.0, y2 - y1, x2 - x1]
    return ops.stack(parts, axis=-1)


def _size(value, name, fmt):
    if value is None:
        raise ValueError(f"Bounding boxes in the relative format {fmt!r} need the image {name}; "
                         f"received {name}=None.")
    return ops.cast(value, "float32")


def convert_format(boxes, source, target, height=None, width=None):
    """Boxes (a tensor, or a dict with ``"boxes"``) converted from `source` to `target`.

    Example:
        >>> convert_format(np.array([[0.0, 0.0, 0.5, 1.0]]), "rel_xyxy", "xyxy", 10, 20)
        array([[ 0.,  0., 10., 10.]], dtype=float32)
    """
    source, target = check_format("convert_format", source, "source"), check_format(
        "convert_format", target, "target")
    if isinstance(boxes, dict):
        return dict(boxes, boxes=convert_format(boxes["boxes"], source, target, height, width))
    return from_xyxy(to_xyxy(boxes, source, height, width), target, height, width)


def clip_to_image(bounding_boxes, height, width):
    """Absolute xyxy boxes clipped to the image; boxes left with no area get label -1."""
    x1, y1, x2, y2 = _parts(bounding_boxes["boxes"])
    height, width = ops.cast(height, "float32"), ops.cast(width, "float32")
    x1, x2 = ops.clip(x1, 0.0, width), ops.clip(x2, 0.0, width)
    y1, y2 = ops.clip(y1, 0.0, height), ops.clip(y2, 0.0, height)
    out = dict(bounding_boxes, boxes=ops.stack([x1, y1, x2, y2], axis=-1))
    labels = bounding_boxes.get("labels")
    if labels is not None:
        alive = ops.logical_and(x2 > x1, y2 > y1)
        if ops.ndim(labels) > ops.ndim(alive):  # one-hot or multi-label rows
            alive = ops.expand_dims(alive, -1)
        out["labels"] = ops.where(alive, labels, ops.cast(-1, ops.dtype(labels)))
    return out


def invert_3x3(m):
    """The inverses of a (batch, 3, 3) stack of invertible matrices (adjugate / determinant)."""
    a, b, c = m[:, 0, 0], m[:, 0, 1], m[:, 0, 2]
    d, e, f = m[:, 1, 0], m[:, 1, 1], m[:, 1, 2]
    g, h, i = m[:, 2, 0], m[:, 2, 1], m[:, 2, 2]
    cof = [e * i - f * h, c * h - b * i, b * f - c * e,
           f * g - d * i, a * i - c * g, c * d - a * f,
           d * h - e * g, b * g - a * h, a * e - b * d]
    det = a * cof[0] + b * cof[3] + c * cof[6]
    inverse = ops.stack([x / det for x in cof], axis=-1)
    return ops.reshape(inverse, (-1, 3, 3))


def move_boxes(boxes, forward):
    """Absolute xyxy boxes (batch, n, 4) carried by the projective maps `forward` (batch, 3, 3)
    from input to output pixel indices: the box around the four moved corners."""
    x1, y1, x2, y2 = _parts(boxes)
    # Corners as pixel-index coordinates (edges sit half a pixel off the pixel centres).
    xs = ops.stack([x1, x2, x1, x2], axis=-1) - 0.5
    ys = ops.stack([y1, y1, y2, y2], axis=-1) - 0.5
    m = ops.cast(ops.reshape(forward, (-1, 1, 1, 9)), "float32")
    k = m[..., 6] * xs + m[..., 7] * ys + m[..., 8]
    new_x = (m[..., 0] * xs + m[..., 1] * ys + m[..., 2]) / k + 0.5
    new_y = (m[..., 3] * xs + m[..., 4] * ys + m[..., 5]) / k + 0.5
    return ops.stack([ops.min(new_x, axis=-1), ops.min(new_y, axis=-1),
                      ops.max(new_x, axis=-1), ops.max(new_y, axis=-1)], axis=-1)


def _pad_ragged(rows, fill):
    """Python lists of per-image rows padded with `fill` to the longest."""
    longest = max((len(r) for r in rows), default=0)
    return [list(r) + [fill] * (longest - len(r)) for r in rows]


def densify(bounding_boxes, owner, batched):
    """``{"boxes": float32 (batch, n, 4) or (n, 4), "labels": ...}`` from the boxes dict a user
    gives: arrays, tensors, or (ragged) Python lists, padded with label -1."""
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes or \
            "labels" not in bounding_boxes:
        raise ValueError(f"{owner}: `bounding_boxes` must be a dict with keys 'boxes' and 'labels'; "
                         f"received {type(bounding_boxes).__name__} "
                         f"{sorted(bounding_boxes) if isinstance(bounding_boxes, dict) else ''}.")
    boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
    if isinstance(boxes, list) and batched:
        boxes = np.asarray(_pad_ragged(boxes, [0.0] * 4), "float32").reshape(len(boxes), -1, 4)
        labels = np.asarray(_pad_ragged(labels, -1), "int32")
    boxes = ops.cast(ops.convert_to_tensor(boxes), "float32")
    labels = ops.convert_to_tensor(labels)
    rank = 3 if batched else 2
    shape = ops.shape(boxes)
    if len(shape) != rank or shape[-1] != 4:
        raise ValueError(f"{owner}: `bounding_boxes['boxes']` must have shape "
                         f"{'(batch, num_boxes, 4)' if batched else '(num_boxes, 4)'} for "
                         f"{'a batch of images' if batched else 'one image'}; received {tuple(shape)}.")
    if ops.ndim(labels) not in (rank - 1, rank):
        raise ValueError(f"{owner}: `bounding_boxes['labels']` must have rank {rank - 1} (or {rank}) "
                         f"to match boxes of shape {tuple(shape)}; received shape "
                         f"{tuple(ops.shape(labels))}.")
    return dict(bounding_boxes, boxes=boxes, labels=labels)
