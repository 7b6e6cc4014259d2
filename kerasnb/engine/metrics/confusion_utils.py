"""Weighted confusion-matrix counts at many thresholds at once, for the confusion metrics.

A prediction counts as positive at threshold ``t`` when ``y_pred > t``; a label counts as
positive when it is non-zero. All thresholds are compared in one broadcast (no Python loop
over thresholds or samples), so the counts trace under `jax.jit` and `tf.function`.

Example:
    >>> counts = confusion_counts(("tp", "fp"), [1, 0, 1], [0.9, 0.8, 0.2], [0.5], "float32")
    >>> [float(counts["tp"][0]), float(counts["fp"][0])]
    [1.0, 1.0]
"""

import operator

from kerasnb.engine.losses.loss import match_rank
from kerasnb.engine.ops import core, nn
from kerasnb.engine.ops import numpy as knp

# The score given to entries outside the top k, and the threshold that keeps the top k.
TOP_K_FLOOR = -1e10

COUNT_NAMES = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds, default):
    """`thresholds` (a number, a sequence or None for `default`) as a list of floats in [0, 1].

    Raises:
        ValueError: a threshold outside [0, 1].
    """
    if thresholds is None:
        return [default]
    values = thresholds.tolist() if hasattr(thresholds, "tolist") else thresholds
    values = [float(v) for v in values] if isinstance(values, (list, tuple)) else [float(values)]
    if not values:
        raise ValueError("Argument `thresholds` must hold at least one value; received [].")
    outside = [v for v in values if not 0.0 <= v <= 1.0]
    if outside:
        raise ValueError(
            f"Argument `thresholds` must hold values in [0, 1]; received thresholds={thresholds!r} "
            f"(outside the range: {outside}).")
    return values


def evenly_spaced_thresholds(num_thresholds):
    """The ``num_thresholds - 2`` interior points of an even grid over [0, 1]."""
    return [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]


def check_optional_int(value, name, minimum):
    """`value` when it is None or an int >= `minimum`, else a ValueError naming `name`."""
    if value is None:
        return None
    try:
        number = None if isinstance(value, bool) else operator.index(value)
    except TypeError:
        number = None
    if number is None or number < minimum:
        raise ValueError(f"Argument `{name}` must be None or an integer >= {minimum}; "
                         f"received {name}={value!r}.")
    return number


def keep_top_k(y_pred, k):
    """`y_pred` with every entry outside the `k` largest of its last axis set to the floor."""
    _, indices = knp.top_k(y_pred, k)
    in_top = knp.sum(nn.one_hot(indices, y_pred.shape[-1], dtype=core.dtype(y_pred)), axis=-2)
    return knp.where(in_top > 0, y_pred, knp.full_like(y_pred, TOP_K_FLOOR))


def _weights_like_labels(sample_weight, y_true, dtype):
    """`sample_weight` aligned on the leading axes of `y_true` (a per-sample weight covers a
    whole row), with a trailing size-1 axis beyond `y_true`'s rank squeezed."""
    weights = core.cast(core.convert_to_tensor(sample_weight), dtype)
    rank, labels_rank = len(weights.shape), len(y_true.shape)
    if rank == labels_rank + 1 and weights.shape[-1] == 1:
        return knp.squeeze(weights, axis=-1)
    for _ in range(labels_rank - rank if rank else 0):
        weights = knp.expand_dims(weights, -1)
    return weights


def _select_class(x, class_id):
    """Column `class_id` of the last axis, kept as a size-1 axis."""
    return x[..., class_id:class_id + 1]


def confusion_counts(wanted, y_true, y_pred, thresholds, dtype, sample_weight=None, top_k=None,
                     class_id=None, multi_label=False, label_weights=None):
    """Weighted counts of true/false positives/negatives at each threshold.

    Args:
        wanted: the counts to compute, among ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"``.
        y_true: the labels (non-zero is positive).
        y_pred: the scores, compared with ``>`` against each threshold.
        thresholds: a list of floats.
        dtype: the dtype of the counts (the metric's dtype).
        sample_weight: optional weights, broadcastable to `y_true` from the left.
        top_k: keep only the `top_k` largest scores of each row (others never positive).
        class_id: only count the column `class_id` of the last axis.
        multi_label: keep the last axis (labels) apart instead of flattening everything.
        label_weights: optional per-label weights (last axis), when not `multi_label`.

    Returns:
        A dict from each wanted name to counts of shape ``(len(thresholds),)``, or
        ``(len(thresholds), num_labels)`` when `multi_label`.
    """
    unknown = [name for name in wanted if name not in COUNT_NAMES]
    if unknown:
        raise ValueError(f"Argument `wanted` must hold names among {COUNT_NAMES}; "
                         f"received {unknown}.")
    y_true = core.cast(core.convert_to_tensor(y_true), dtype)
    y_pred = core.cast(core.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = match_rank(y_pred, y_true)
    weights = None
    if sample_weight is not None:
        weights = _weights_like_labels(sample_weight, y_true, dtype)
    if top_k is not None:
        y_pred = keep_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) < 2:
            raise ValueError(
                "With `class_id`, `y_pred` must have shape (num_samples, num_classes); "
                f"received shape {tuple(y_pred.shape)}.")
        num_classes = y_pred.shape[-1]
        if num_classes is not None and class_id >= num_classes:
            raise ValueError(f"Argument `class_id` must be below the number of classes "
                             f"({num_classes}); received class_id={class_id}.")
        y_true, y_pred = _select_class(y_true, class_id), _select_class(y_pred, class_id)
        if weights is not None and len(weights.shape) == len(y_pred.shape) \
                and weights.shape[-1] not in (1, None):
            weights = _select_class(weights, class_id)
    if multi_label and len(y_pred.shape) != 2:
        raise ValueError("With `multi_label=True`, `y_pred` must have rank 2 "
                         f"(num_samples, num_labels); received shape {tuple(y_pred.shape)}.")
    # Broadcasting by multiplication keeps dynamic batch sizes working under tf.function.
    ones = knp.ones_like(y_pred)
    is_label = core.cast(knp.not_equal(y_true, 0), dtype) * ones
    if label_weights is not None:
        label_weights = core.cast(core.convert_to_tensor(label_weights), dtype)
        weights = label_weights if weights is None else weights * label_weights
    if weights is not None:
        weights = weights * ones
    if not multi_label:
        y_pred, is_label = knp.reshape(y_pred, (-1,)), knp.reshape(is_label, (-1,))
        weights = None if weights is None else knp.reshape(weights, (-1,))
    return _count(wanted, y_pred, is_label, weights, thresholds, dtype)


def _count(wanted, y_pred, is_label, weights, thresholds, dtype):
    """The counts from flat (or ``(samples, labels)``) scores; thresholds on a new axis 0."""
    grid = core.cast(core.convert_to_tensor(thresholds), dtype)
    grid = knp.reshape(grid, (len(thresholds),) + (1,) * len(y_pred.shape))
    predicted = core.cast(knp.greater(knp.expand_dims(y_pred, 0), grid), dtype)
    is_negative = 1.0 - is_label
    if weights is not None:
        is_label, is_negative = is_label * weights, is_negative * weights
    missed = 1.0 - predicted if {"tn", "fn"} & set(wanted) else None
    counts = {}
    for name in wanted:
        hit = predicted if name in ("tp", "fp") else missed
        truth = is_label if name in ("tp", "fn") else is_negative
        counts[name] = knp.sum(hit * truth, axis=1)
    return counts
