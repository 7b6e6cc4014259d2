"""Metric-learning losses: `Circle`, which pulls embeddings of the same label together and
pushes others apart, weighting each pair by how far it is from its optimum.

Example:
    >>> labels = np.array([0, 0, 1])
    >>> embeddings = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> Circle(reduction="none")(labels, embeddings).shape
    (3,)
"""

from kerasnb.engine.masks import set_mask
from kerasnb.engine.losses.wrapper import LossFunctionWrapper, as_float
from kerasnb.engine.ops import core, nn
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


def _masked_logsumexp(x, mask):
    """logsumexp of `x` over axis 1 keeping only entries where `mask` (-inf for empty rows,
    computed without taking the log of 0)."""
    filled = knp.any(mask, axis=1)
    kept = knp.where(mask, x, float("-inf"))
    kept = knp.where(knp.expand_dims(filled, 1), kept, 0.0)
    return knp.where(filled, knp.logsumexp(kept, axis=1), float("-inf"))


def circle_and_mask(y_true, y_pred, ref_labels=None, ref_embeddings=None,
                    remove_diagonal=True, gamma=80, margin=0.4):
    """``(losses, positive)``: the circle loss per query and the mask of losses above 0."""
    y_pred = as_float(y_pred)
    labels = core.cast(core.convert_to_tensor(y_true), "int32")
    ref_embeddings = y_pred if ref_embeddings is None else core.cast(
        core.convert_to_tensor(ref_embeddings), core.dtype(y_pred))
    ref_labels = labels if ref_labels is None else core.cast(
        core.convert_to_tensor(ref_labels), "int32")

    distances = knp.maximum(1.0 - knp.matmul(y_pred, knp.transpose(ref_embeddings)), 0.0)
    same = knp.equal(knp.expand_dims(labels, 1), knp.expand_dims(ref_labels, 0))
    negative = knp.logical_not(same)
    positive = same
    if remove_diagonal:
        rows, cols = core.shape(distances)[0], core.shape(distances)[1]
        positive = knp.logical_and(same, knp.logical_not(knp.eye(rows, cols, dtype="bool")))
    dtype = core.dtype(distances)
    positive_weights = knp.maximum((margin + distances) * core.cast(positive, dtype), 0.0)
    negative_weights = knp.maximum((1.0 + margin - distances) * core.cast(negative, dtype), 0.0)
    positive_logits = -gamma * positive_weights * (margin - distances)
    negative_logits = gamma * negative_weights * (1.0 - margin - distances)
    losses = nn.softplus(_masked_logsumexp(positive_logits, positive)
                         + _masked_logsumexp(negative_logits, negative))
    return losses, losses > 0


@builtin("losses")
def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) of each query embedding against reference embeddings,
    using cosine distance ``max(1 - q . r, 0)`` (pass L2-normalized embeddings).

    Args:
        y_true: ``(batch,)`` integer labels of the queries.
        y_pred: ``(batch, dim)`` query embeddings.
        ref_labels: ``(refs,)`` labels of the references; defaults to `y_true`.
        ref_embeddings: ``(refs, dim)`` references; defaults to `y_pred`.
        remove_diagonal: leave out each query's pair with itself.
        gamma: the scale factor.
        margin: the relaxation margin.

    Returns:
        ``(batch,)`` losses; queries without a positive pair get 0.

    Example:
        >>> circle(np.array([0, 0]), np.array([[1.0, 0.0], [1.0, 0.0]])).shape
        (2,)
    """
    losses, positive = circle_and_mask(y_true, y_pred, ref_labels, ref_embeddings,
                                       remove_diagonal, gamma, margin)
    return set_mask(losses, positive)


@builtin("losses")
class Circle(LossFunctionWrapper):
    """Circle loss for metric learning; averaging reductions skip queries whose loss is 0.

    Args:
        gamma: the scale factor.
        margin: the relaxation margin.
        remove_diagonal: leave out each query's pair with itself.

    Example:
        >>> loss = Circle(gamma=2.0)
        >>> float(loss(np.array([0, 0, 1]), np.eye(3)[:, :2])) > 0
        True
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal

    def call_with_mask(self, y_true, y_pred):
        return circle_and_mask(y_true, y_pred, **self._fn_kwargs)
