"""`Loss`: the base of every loss object, and the shared reduction helpers.

A loss object turns ``(y_true, y_pred)`` into per-sample values (`call`), then applies the
mask of `y_pred`, the `sample_weight` and the `reduction`.

Example:
    >>> class Absolute(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return kerasnb.ops.mean(kerasnb.ops.abs(y_pred - y_true), axis=-1)
    >>> float(Absolute()([[0.0, 0.0]], [[1.0, 3.0]]))
    2.0
"""

import math

from kerasnb.engine import config, dtype_policies, dtypes
from kerasnb.engine.masks import get_mask
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """`reduction` if it is one of `REDUCTIONS`, else a ValueError naming the choices."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"`reduction` must be one of {REDUCTIONS}; received {reduction!r}.")
    return reduction


def match_rank(x1, x2):
    """Brings `x1` and `x2` to equal rank where they differ by one trailing size-1 axis.

    The longer one loses that axis, except that a rank-1 partner gains one instead; any
    other rank difference is left to broadcasting. Returns ``(x1, x2)``.
    """
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1:
            x2 = knp.expand_dims(x2, -1)
        else:
            x1 = knp.squeeze(x1, axis=-1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1:
            x1 = knp.expand_dims(x1, -1)
        else:
            x2 = knp.squeeze(x2, axis=-1)
    return x1, x2


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a boolean `mask` into `sample_weight`; for averaging reductions the mask is
    rescaled so the average runs over the unmasked entries only."""
    if mask is None:
        return sample_weight
    mask = core.cast(mask, dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = core.cast(knp.size(mask), dtype)
        mask = mask * (total / (knp.sum(mask) + config.epsilon()))
    if sample_weight is None:
        return mask
    mask, sample_weight = match_rank(mask, core.cast(sample_weight, dtype))
    return sample_weight * mask


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces weighted per-sample `values` to a scalar (or returns them for ``"none"``)."""
    if reduction is None or reduction == "none" or tuple(values.shape) in ((), (0,)):
        return values
    total = knp.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = core.cast(knp.sum(sample_weight), core.dtype(total))
    elif all(isinstance(d, int) for d in values.shape):  # a static count: plain division
        count = math.prod(values.shape)
        return knp.divide(total, count) if count else total
    else:
        divisor = core.cast(knp.size(values), core.dtype(total))
    return knp.divide_no_nan(total, divisor)


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None):
    """Applies `mask` and `sample_weight` to per-sample `values`, then `reduction`."""
    dtype = dtype or config.floatx()
    values = core.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = core.cast(core.convert_to_tensor(sample_weight), dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        values, sample_weight = match_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


@builtin("losses")
class Loss:
    """Base class of losses: subclasses implement ``call(y_true, y_pred)`` returning
    per-sample values; ``loss(y_true, y_pred, sample_weight)`` weights and reduces them.

    Args:
        name: the loss's name (used in logs).
        reduction: one of ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or None.
        dtype: the dtype (or dtype policy) computations run in; defaults to ``floatx()``.
    """

    _class_ids = False  # True where `y_true` holds class ids: integer labels stay integers

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        from kerasnb.engine.naming import to_snake_case
        self.name = name or to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_arg = dtype
        self._dtype = dtype_policies.get(dtype).compute_dtype if dtype is not None else None

    @property
    def dtype(self):
        return self._dtype or config.floatx()

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_mask(y_pred)
        y_pred = _cast_float(y_pred, self.dtype)
        y_true = core.convert_to_tensor(y_true)
        if not (self._class_ids and dtypes.is_int(core.dtype(y_true))):
            y_true = _cast_float(y_true, core.dtype(y_pred))
        values, out_mask = self.call_with_mask(y_true, y_pred)
        mask = in_mask if out_mask is None else (
            out_mask if in_mask is None else knp.logical_and(in_mask, out_mask))
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.dtype)

    def call(self, y_true, y_pred):
        """Per-sample loss values; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def call_with_mask(self, y_true, y_pred):
        """``(values, mask)``: `call`'s values and the mask of entries they cover (or None).

        Losses that leave entries out (e.g. an ignored class) override this, because not
        every backend's tensors can carry a `_keras_mask` attribute.
        """
        values = self.call(y_true, y_pred)
        return values, get_mask(values)

    def get_config(self):
        config = {"name": self.name, "reduction": self.reduction}
        if self._dtype_arg is not None:
            config["dtype"] = getattr(self._dtype_arg, "name", self._dtype_arg)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"




def _cast_float(x, dtype):
    """`x` as a tensor of `dtype`."""
    x = core.convert_to_tensor(x)
    return x if core.dtype(x) == dtype else core.cast(x, dtype)
