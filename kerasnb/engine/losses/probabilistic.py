"""Probabilistic losses: crossentropies (binary, categorical, sparse, focal, generalized),
Kullback-Leibler divergence, Poisson, and CTC.

Predictions are probabilities unless ``from_logits=True``; probabilities are clipped to
``[epsilon, 1 - epsilon]`` before logarithms, logits go through stable log-sigmoid and
log-softmax forms.

Example:
    >>> round(float(BinaryCrossentropy()([[1.0, 0.0]], [[0.9, 0.1]])), 4)
    0.1054
"""

from kerasnb.engine import config
from kerasnb.engine.masks import set_mask
from kerasnb.engine.losses.wrapper import LossFunctionWrapper, as_float, pair
from kerasnb.engine.ops import conv, core, nn, nn_stats
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be an int; received axis={axis!r}.")


def _smooth_binary(y_true, label_smoothing):
    """Binary labels pulled towards 0.5 by `label_smoothing`."""
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def _smooth_categorical(y_true, label_smoothing):
    """One-hot labels pulled towards the uniform distribution over the last axis."""
    if not label_smoothing:
        return y_true
    num_classes = core.cast(core.shape(y_true)[-1], core.dtype(y_true))
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


@builtin("losses", "bce", "BCE")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy averaged over `axis`.

    Args:
        y_true: labels in ``[0, 1]``.
        y_pred: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in ``[0, 1]``; labels become ``y * (1 - s) + 0.5 * s``.
        axis: the axis averaged over.

    Example:
        >>> binary_crossentropy([[1.0, 0.0]], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    return knp.mean(nn_stats.binary_crossentropy(y_true, y_pred, from_logits=from_logits),
                    axis=axis)


@builtin("losses")
def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy scaled by ``(1 - p_t) ** gamma`` (focal loss), averaged over `axis`.

    ``p_t`` is the predicted probability of the true label, so confident correct
    predictions contribute little.

    Args:
        apply_class_balancing: also weigh positives by `alpha`, negatives by ``1 - alpha``.
        alpha: the positive-class weight used with `apply_class_balancing`.
        gamma: the focusing exponent (0 gives plain binary crossentropy).
        from_logits, label_smoothing, axis: as in `binary_crossentropy`.

    Example:
        >>> binary_focal_crossentropy([[1.0]], [[0.5]], gamma=1.0)
        array([0.3465736], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = nn.sigmoid(y_pred)
    crossentropy = nn_stats.binary_crossentropy(y_true, y_pred)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = knp.power(1.0 - p_t, gamma) * crossentropy
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return knp.mean(focal, axis=axis)


@builtin("losses")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot (or soft) labels and predictions along `axis`.

    Args:
        y_true: label distributions, same shape as `y_pred`.
        y_pred: predicted probabilities (rescaled to sum to 1), or logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in ``[0, 1]``; labels become ``y * (1 - s) + s / num_classes``.
        axis: the class axis.

    Example:
        >>> categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    _check_axis(axis)
    y_true, y_pred = pair(y_true, y_pred, match=False)
    y_true = _smooth_categorical(y_true, label_smoothing)
    return nn_stats.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@builtin("losses")
def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical crossentropy with each class term scaled by ``alpha * (1 - p) ** gamma``.

    Args:
        alpha: the weighting factor.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as in `categorical_crossentropy`.

    Example:
        >>> categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], alpha=1.0, gamma=0.0)
        array([0.6931472], dtype=float32)
    """
    _check_axis(axis)
    y_true, y_pred = pair(y_true, y_pred, match=False)
    y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = nn.softmax(y_pred, axis=axis)
    probabilities = y_pred / knp.sum(y_pred, axis=axis, keepdims=True)
    eps = config.epsilon()
    probabilities = knp.clip(probabilities, eps, 1.0 - eps)
    terms = alpha * knp.power(1.0 - probabilities, gamma) * (-y_true * knp.log(probabilities))
    return knp.sum(terms, axis=axis)


def sparse_crossentropy_and_mask(y_true, y_pred, from_logits=False, ignore_class=None,
                                 axis=-1):
    """``(losses, valid)``: sparse categorical crossentropy and, with `ignore_class`, the
    boolean mask of labels not ignored (losses there are 0); `valid` is None otherwise."""
    y_pred = as_float(y_pred)
    y_true = core.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = knp.squeeze(y_true, axis=-1)
    if ignore_class is None:
        labels = core.cast(y_true, "int32")
        return nn_stats.sparse_categorical_crossentropy(
            labels, y_pred, from_logits=from_logits, axis=axis), None
    valid = knp.not_equal(y_true, core.cast(ignore_class, core.dtype(y_true)))
    labels = core.cast(knp.where(valid, y_true, 0), "int32")
    losses = nn_stats.sparse_categorical_crossentropy(
        labels, y_pred, from_logits=from_logits, axis=axis)
    valid = knp.reshape(valid, core.shape(losses))
    return knp.where(valid, losses, core.cast(0.0, core.dtype(losses))), valid


@builtin("losses")
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Crossentropy between integer labels and predictions along `axis`.

    Args:
        y_true: integer class ids, shape of `y_pred` without `axis` (or with a size-1 axis).
        y_pred: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label id whose entries get loss 0 and are left out of averages
            (the result carries them as its `_keras_mask` where the tensor type allows).
        axis: the class axis.

    Example:
        >>> sparse_categorical_crossentropy([1], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    losses, valid = sparse_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis)
    return losses if valid is None else set_mask(losses, valid)


@builtin("losses")
def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized crossentropy ``(1 - p_true ** q) / q`` for integer labels, robust to
    noisy labels (``q -> 0`` approaches crossentropy, ``q = 1`` is MAE-like).

    Args:
        y_true: integer class ids, shape ``(batch,)``.
        y_pred: predicted probabilities ``(batch, num_classes)``.
        q: in ``(0, 1)``.

    Example:
        >>> categorical_generalized_cross_entropy([1], [[0.75, 0.25]], q=0.5)
        array([1.], dtype=float32)
    """
    y_pred = as_float(y_pred)
    labels = core.cast(core.convert_to_tensor(y_true), "int32")
    one_hot = core.cast(nn_stats.one_hot(labels, core.shape(y_pred)[-1]), core.dtype(y_pred))
    p_true = knp.sum(one_hot * y_pred, axis=-1)
    return (1.0 - knp.power(p_true, q)) / q


@builtin("losses", "kld", "KLD")
def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))`` over the last
    axis, both clipped to ``[epsilon, 1]``.

    Example:
        >>> kl_divergence([[0.5, 0.5]], [[0.5, 0.5]])
        array([0.], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    eps = config.epsilon()
    y_true = knp.clip(y_true, eps, 1.0)
    y_pred = knp.clip(y_pred, eps, 1.0)
    return knp.sum(y_true * knp.log(y_true / y_pred), axis=-1)


@builtin("losses")
def poisson(y_true, y_pred):
    """Poisson loss ``mean(y_pred - y_true * log(y_pred + epsilon))`` over the last axis.

    Example:
        >>> poisson([[0.0]], [[2.0]])
        array([2.], dtype=float32)
    """
    y_true, y_pred = pair(y_true, y_pred)
    return knp.mean(y_pred - y_true * knp.log(y_pred + config.epsilon()), axis=-1)


@builtin("losses")
def ctc(y_true, y_pred):
    """Connectionist Temporal Classification loss, one value per sequence.

    Args:
        y_true: ``(batch, max_label_length)`` integer labels, padded with 0 (the blank).
        y_pred: ``(batch, time, num_classes)`` logits; class 0 is the blank.

    Example:
        >>> ctc(np.array([[1, 2]]), np.zeros((1, 4, 3))).shape
        (1,)
    """
    y_pred = as_float(y_pred)
    y_true = core.convert_to_tensor(y_true)
    if len(y_true.shape) != 2:
        raise ValueError("`y_true` must have shape (batch_size, max_length) of integer labels; "
                         f"received shape {tuple(y_true.shape)}.")
    if len(y_pred.shape) != 3:
        raise ValueError("`y_pred` must have shape (batch_size, time_steps, num_classes); "
                         f"received shape {tuple(y_pred.shape)}.")
    labels = core.cast(y_true, "int32")
    batch, time_steps = core.shape(y_pred)[0], core.shape(y_pred)[1]
    output_length = knp.full((batch,), time_steps, dtype="int32")
    label_length = core.cast(knp.sum(knp.not_equal(labels, 0), axis=-1), "int32")
    return conv.ctc_loss(labels, y_pred, label_length, output_length, mask_index=0)


@builtin("losses")
class BinaryCrossentropy(LossFunctionWrapper):
    """Binary crossentropy between labels in ``[0, 1]`` and predicted probabilities/logits.

    Args:
        from_logits: whether predictions are logits.
        label_smoothing: in ``[0, 1]``; pulls labels towards 0.5.
        axis: the axis averaged over per sample.

    Example:
        >>> round(float(BinaryCrossentropy(from_logits=True)([[1.0]], [[0.0]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


@builtin("losses")
class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Focal binary crossentropy, which down-weights well-classified examples.

    Args:
        apply_class_balancing: weigh positives by `alpha` and negatives by ``1 - alpha``.
        alpha: the class-balancing weight.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as in `BinaryCrossentropy`.

    Example:
        >>> round(float(BinaryFocalCrossentropy(gamma=1.0)([[1.0]], [[0.5]])), 4)
        0.3466
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.apply_class_balancing, self.alpha, self.gamma = apply_class_balancing, alpha, gamma


@builtin("losses")
class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between one-hot labels and predicted class probabilities/logits.

    Args:
        from_logits: whether predictions are logits.
        label_smoothing: in ``[0, 1]``; pulls labels towards uniform.
        axis: the class axis.

    Example:
        >>> round(float(CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        _check_axis(axis)
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


@builtin("losses")
class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Focal categorical crossentropy, which down-weights well-classified examples.

    Args:
        alpha: the weighting factor.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as in `CategoricalCrossentropy`.

    Example:
        >>> loss = CategoricalFocalCrossentropy(alpha=1.0, gamma=0.0)
        >>> round(float(loss([[0.0, 1.0]], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        _check_axis(axis)
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.alpha, self.gamma = alpha, gamma


@builtin("losses")
class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between integer labels and predicted class probabilities/logits.

    Args:
        from_logits: whether predictions are logits.
        ignore_class: a label id left out of the loss (and of averaging reductions).
        axis: the class axis.

    Example:
        >>> loss = SparseCategoricalCrossentropy(ignore_class=0)
        >>> round(float(loss([1, 0], [[0.5, 0.5], [0.9, 0.1]])), 4)
        0.6931
    """

    _class_ids = True

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def call_with_mask(self, y_true, y_pred):
        return sparse_crossentropy_and_mask(y_true, y_pred, **self._fn_kwargs)


@builtin("losses")
class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized crossentropy ``(1 - p_true ** q) / q`` for integer labels.

    Args:
        q: in ``(0, 1)``; smaller is closer to crossentropy, larger more robust to noise.

    Example:
        >>> float(CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.75, 0.25]]))
        1.0
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"`q` must be in the open interval (0, 1); received q={q!r}.")
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction,
                         dtype=dtype, q=q)
        self.q = q


@builtin("losses")
class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence between label and predicted distributions.

    Example:
        >>> float(KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]))
        0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


@builtin("losses")
class Poisson(LossFunctionWrapper):
    """Poisson loss ``y_pred - y_true * log(y_pred)``, averaged over the last axis.

    Example:
        >>> float(Poisson()([[0.0]], [[2.0]]))
        2.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)


@builtin("losses")
class CTC(LossFunctionWrapper):
    """Connectionist Temporal Classification loss for unsegmented sequence labelling.

    `y_true` is ``(batch, max_label_length)`` integer labels padded with 0 (the blank);
    `y_pred` is ``(batch, time, num_classes)`` logits.

    Example:
        >>> CTC(reduction="none")(np.array([[1, 2]]), np.zeros((1, 4, 3))).shape
        (1,)
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)
