"""Reduction metrics: `Sum`, `Mean`, and `MeanMetricWrapper` (the mean of a function of
``(y_true, y_pred)``, which most Keras metrics are).

Example:
    >>> m = Mean(); m.update_state([1.0, 2.0]); m.update_state([6.0]); float(m.result())
    3.0
"""

from kerasnb.engine.losses.loss import apply_mask, match_rank
from kerasnb.engine.masks import get_mask
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import (
    builtin, deserialize_keras_object, serialize_keras_object)


def masked_weights(sample_weight, mask, dtype):
    """`sample_weight` (None, or per sample, or per entry) times the boolean `mask`; weights
    of lower rank than the mask get trailing axes so they weigh whole samples."""
    if sample_weight is None:
        return apply_mask(None, mask, dtype, "sum")
    sample_weight = core.cast(core.convert_to_tensor(sample_weight), dtype)
    if mask is not None:
        while 0 < len(sample_weight.shape) < len(mask.shape):
            sample_weight = knp.expand_dims(sample_weight, -1)
    return apply_mask(sample_weight, mask, dtype, "sum")


def per_sample(values, sample_weight, dtype, reduce_fn=knp.mean):
    """Reduces `values` to one value per sample (axis 0) and `sample_weight` to match.

    A weight of rank ``k`` weighs the first ``k`` axes of `values`; the axes past them are
    reduced with `reduce_fn` first (``mean`` for `Mean`, ``sum`` for `Sum`). A mask attached
    to `values` multiplies the weights (or stands for them when there are none).

    Returns:
        ``(values, sample_weight)``: `values` of shape ``(batch,)`` (or scalar), already
        multiplied by the weights, and the weights reduced to one per sample (or None).
    """
    values = core.cast(values, dtype)
    sample_weight = masked_weights(sample_weight, get_mask(values), dtype)
    if sample_weight is not None:
        values, sample_weight = match_rank(values, sample_weight)
        weight_ndim, values_ndim = len(sample_weight.shape), len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = knp.broadcast_to(sample_weight, core.shape(values))
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if len(values.shape) > 1:
        values = reduce_fn(values, axis=tuple(range(1, len(values.shape))))
    return values, sample_weight


@builtin("metrics")
class Sum(Metric):
    """The (weighted) sum of every value seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulator and the result.

    Example:
        >>> s = Sum(); s.update_state([1.0, 2.0], sample_weight=[1.0, 0.5]); float(s.result())
        2.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = per_sample(values, sample_weight, self.dtype, reduce_fn=knp.sum)
        self.total.assign_add(knp.sum(values))

    def result(self):
        return core.cast(self.total.value, self.dtype)


@builtin("metrics")
class Mean(Metric):
    """The (weighted) mean of every value seen: ``sum(w * v) / sum(w)``.

    Values of rank > 1 are first averaged to one value per sample; `sample_weight` then
    weighs the samples (or, with a higher rank, the leading axes).

    Args:
        name: the metric's name.
        dtype: the dtype of the accumulators and the result.

    Example:
        >>> m = Mean(); m.update_state([1.0, 3.0], sample_weight=[3.0, 1.0]); float(m.result())
        1.5
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None):
        values = core.cast(values, self.dtype)
        if type(sample_weight) in (int, float) and not len(values.shape) and get_mask(values) is None:
            # one value with a number for weight (the trainer's batch loss): no weight tensors
            self.total.assign_add(values * sample_weight)
            self.count.assign_add(sample_weight)
            return
        values, sample_weight = per_sample(values, sample_weight, self.dtype)
        self.total.assign_add(knp.sum(values))
        if sample_weight is not None:
            count = core.cast(knp.sum(sample_weight), self.dtype)
        elif len(values.shape):
            count = values.shape[0]
            if count is None:
                count = core.cast(core.shape(values)[0], self.dtype)
        else:
            count = 1
        self.count.assign_add(count)

    def result(self):
        return knp.divide_no_nan(self.total.value, core.cast(self.count.value, self.dtype))


@builtin("metrics")
class MeanMetricWrapper(Mean):
    """The mean over all samples of ``fn(y_true, y_pred, **kwargs)``.

    A mask attached to `y_pred` (``_keras_mask``) weighs the values like `sample_weight`.

    Args:
        fn: a function of ``(y_true, y_pred)`` giving per-sample values.
        name: the metric's name; defaults to ``"mean_metric_wrapper"``.
        dtype: the dtype of the accumulators.
        **kwargs: extra keyword arguments for `fn`.

    Example:
        >>> ops = kerasnb.ops
        >>> m = MeanMetricWrapper(lambda t, p: ops.abs(ops.subtract(t, p)), name="mae")
        >>> float(m([0.0, 1.0], [1.0, 1.0]))
        0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"`fn` must be a callable of (y_true, y_pred); received {fn!r}.")
        super().__init__(name=name, dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = masked_weights(sample_weight, mask, self.dtype)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = serialize_keras_object(self._fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            config = dict(config, fn=deserialize_keras_object(config["fn"]))
        return cls(**config)
