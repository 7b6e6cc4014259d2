"""Probabilistic metrics: running (weighted) means of the crossentropies, the KL divergence
and the Poisson loss.

Example:
    >>> round(float(BinaryCrossentropy()([[1.0, 0.0]], [[0.5, 0.5]])), 4)
    0.6931
"""

from kerasnb.engine.losses import probabilistic
from kerasnb.engine.losses.loss import apply_mask
from kerasnb.engine.masks import get_mask
from kerasnb.engine.metrics.reduction import Mean, MeanMetricWrapper
from kerasnb.engine.saving.serialization import builtin

for _function in (probabilistic.binary_crossentropy, probabilistic.binary_focal_crossentropy,
                  probabilistic.categorical_crossentropy,
                  probabilistic.categorical_focal_crossentropy,
                  probabilistic.sparse_categorical_crossentropy, probabilistic.kl_divergence,
                  probabilistic.poisson):
    builtin("metrics")(_function)


@builtin("metrics")
class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary crossentropy.

    Args:
        from_logits: whether predictions are logits.
        label_smoothing: in ``[0, 1]``; pulls labels towards 0.5.

    Example:
        >>> round(float(BinaryCrossentropy(from_logits=True)([[1.0]], [[0.0]])), 4)
        0.6931
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(probabilistic.binary_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing
        self._direction = "down"


@builtin("metrics")
class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical crossentropy (one-hot labels).

    Args:
        from_logits: whether predictions are logits.
        label_smoothing: in ``[0, 1]``; pulls labels towards uniform.
        axis: the class axis.

    Example:
        >>> round(float(CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(probabilistic.categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self._direction = "down"


@builtin("metrics")
class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean sparse categorical crossentropy (integer labels).

    Entries of `ignore_class` count as 0; with a `sample_weight` they also get weight 0.

    Args:
        from_logits: whether predictions are logits.
        ignore_class: a label id whose entries are left out.
        axis: the class axis.

    Example:
        >>> round(float(SparseCategoricalCrossentropy()([1], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(probabilistic.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        sample_weight = apply_mask(sample_weight, get_mask(y_pred), self.dtype, "sum")
        values, valid = probabilistic.sparse_crossentropy_and_mask(
            y_true, y_pred, **self._fn_kwargs)
        if sample_weight is not None and valid is not None:
            sample_weight = apply_mask(sample_weight, valid, self.dtype, "sum")
        Mean.update_state(self, values, sample_weight=sample_weight)


@builtin("metrics")
class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence.

    Example:
        >>> float(KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]))
        0.0
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(probabilistic.kl_divergence, name=name, dtype=dtype)
        self._direction = "down"


@builtin("metrics")
class Poisson(MeanMetricWrapper):
    """The mean Poisson loss.

    Example:
        >>> float(Poisson()([[0.0]], [[2.0]]))
        2.0
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(probabilistic.poisson, name=name, dtype=dtype)
        self._direction = "down"
