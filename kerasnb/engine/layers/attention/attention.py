"""Dot-product (Luong) and additive (Bahdanau) attention over ``[query, value(, key)]`` lists."""

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.attention.common import check_rate
from kerasnb.engine.layers.normalization import _ops as ops
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.random import SeedGenerator
from kerasnb.engine.random import dropout as random_dropout
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor


@builtin("layers")
class Attention(Layer):
    """Dot-product attention: ``softmax(query @ key^T) @ value`` for ``[query, value, key]``.

    Called on a list ``[query, value]`` (key = value) or ``[query, value, key]`` with shapes
    ``(batch, Tq, dim)``, ``(batch, Tv, dim)``, ``(batch, Tv, dim)``; returns ``(batch, Tq, dim)``.

    Args:
        use_scale: learn a scalar `scale` that multiplies the scores.
        score_mode: ``"dot"`` (query . key) or ``"concat"``
            (``sum(tanh(query + key))`` times a learned scalar).
        dropout: fraction of the attention weights dropped in training.
        seed: int seed of the dropout.

    Call arguments:
        inputs: ``[query, value]`` or ``[query, value, key]``.
        mask: ``[query_mask, value_mask]``: padded query rows give zero outputs, padded
            values receive no attention.
        training: apply dropout.
        return_attention_scores: also return the ``(batch, Tq, Tv)`` attention weights.
        use_causal_mask: position i only attends to positions <= i.

    Example:
        >>> q, v = np.ones((2, 3, 4)), np.ones((2, 5, 4))
        >>> Attention()([q, v]).shape
        (2, 3, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(use_scale, bool):
            raise ValueError(f"`use_scale` must be a bool; received {use_scale!r}.")
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"`score_mode` must be one of 'dot', 'concat'; received {score_mode!r}.")
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = check_rate("dropout", dropout)
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = SeedGenerator(seed)

    def build(self, input_shape):
        self._validate(input_shape, None)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale") if self.use_scale else None
        self.concat_score_weight = self.add_weight(
            shape=(), initializer="ones", name="concat_score_weight") if self.score_mode == "concat" else None

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else ops.multiply(scores, ops.cast(self.scale, ops.dtype(scores)))
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            pairs = ops.multiply(pairs, ops.cast(self.scale, ops.dtype(pairs)))
        summed = ops.sum(ops.tanh(pairs), axis=-1)
        return ops.multiply(summed, ops.cast(self.concat_score_weight, ops.dtype(summed)))

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._scores(query, key)
        keep = None if value_mask is None else ops.expand_dims(ops.cast(value_mask, "bool"), -2)
        if use_causal_mask:
            t, s = ops.shape(scores)[-2], ops.shape(scores)[-1]
            rows = ops.reshape(ops.arange(t, dtype="int32"), (1, t, 1))
            cols = ops.reshape(ops.arange(s, dtype="int32"), (1, 1, s))
            causal = ops.greater_equal(rows, cols)
            keep = causal if keep is None else ops.logical_and(keep, causal)
        if keep is not None:
            big = 65504.0 if ops.dtype(scores) == "float16" else 1e9
            scores = ops.where(keep, scores, ops.subtract(scores, big))
        weights = ops.softmax(scores, axis=-1)
        dropped = weights
        if training and self.dropout > 0:
            dropped = random_dropout(weights, self.dropout, seed=self.seed_generator)
        output = ops.matmul(dropped, value)
        if query_mask is not None:
            output = ops.where(ops.expand_dims(ops.cast(query_mask, "bool"), -1), output,
                               ops.zeros((), ops.dtype(output)))
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0] if isinstance(mask[0], KerasTensor) else ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        query, value = tuple(input_shape[0]), tuple(input_shape[1])
        return query[:-1] + (value[-1],)

    def compute_output_spec(self, inputs, mask=None, training=None, return_attention_scores=False,
                            use_causal_mask=False):
        self._validate(inputs, mask)
        query, value = shape_of(inputs[0]), shape_of(inputs[1])
        key = shape_of(inputs[2]) if len(inputs) > 2 else value
        out = KerasTensor(tuple(query[:-1]) + (value[-1],), self.compute_dtype)
        if return_attention_scores:
            return out, KerasTensor(tuple(query[:-1]) + (key[-2],), self.compute_dtype)
        return out

    def _validate(self, inputs, mask):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{name} must be called on a list [query, value] or [query, value, key]; "
                             f"received a single input of shape {tuple(shape_of(inputs))}.")
        if not 2 <= len(inputs) <= 3:
            raise ValueError(f"{name} must be called on a list [query, value] or [query, value, key]; "
                             f"received a list of length {len(inputs)}.")
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{name}: `mask` must be a list [query_mask, value_mask]; received {mask!r}.")

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


@builtin("layers")
class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: scores ``sum(scale * tanh(query + key))`` over features.

    Called like `Attention` on ``[query, value]`` or ``[query, value, key]``.

    Args:
        use_scale: learn a per-feature `scale` vector (else the scale is 1).
        dropout: fraction of the attention weights dropped in training.

    Example:
        >>> q, v = np.ones((2, 3, 4)), np.ones((2, 5, 4))
        >>> AdditiveAttention()([q, v]).shape
        (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        seed = kwargs.pop("seed", None)
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape):
        self._validate(input_shape, None)
        dim = input_shape[0][-1]
        self.scale = self.add_weight(shape=(dim,), initializer="glorot_uniform",
                                     name="scale") if self.use_scale else None
        self.concat_score_weight = None

    def _scores(self, query, key):
        pairs = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            pairs = ops.multiply(pairs, ops.cast(self.scale, ops.dtype(pairs)))
        return ops.sum(pairs, axis=-1)

    def get_config(self):
        config = super().get_config()
        config.pop("score_mode")
        return config
