"""`ReversibleEmbedding`: an embedding that also projects vectors back to vocabulary logits."""

from kerasnb.engine.layers.core.embedding import Embedding
from kerasnb.engine.ops import core as core_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving.serialization import builtin


@builtin("layers")
class ReversibleEmbedding(Embedding):
    """An `Embedding` whose ``call(x, reverse=True)`` maps ``(..., output_dim)`` vectors to
    ``(..., input_dim)`` logits, with the transposed table (``tie_weights=True``) or a
    separate ``reverse_embeddings`` weight.

    Args:
        tie_weights: reuse the embedding table for the reverse projection.
        reverse_dtype: dtype of the reverse projection (e.g. ``"float32"`` under mixed precision).
        logit_soft_cap: if set, logits become ``cap * tanh(logits / cap)``.
        Other arguments: as `Embedding`.

    Example:
        >>> layer = ReversibleEmbedding(100, 8)
        >>> layer(layer(np.array([[1, 2]])), reverse=True).shape
        (1, 2, 100)
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero, **kwargs)
        if logit_soft_cap is not None and not logit_soft_cap > 0:
            raise ValueError(f"`logit_soft_cap` must be a positive number or None; received {logit_soft_cap!r}.")
        self.tie_weights, self.reverse_dtype, self.logit_soft_cap = bool(tie_weights), reverse_dtype, logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim), initializer=self.embeddings_initializer,
                regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
                name="reverse_embeddings")

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        kernel = ops.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs, kernel = core_ops.cast(inputs, self.reverse_dtype), core_ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = ops.multiply(ops.tanh(ops.divide(logits, self.logit_soft_cap)), self.logit_soft_cap)
        return logits

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def compute_output_spec(self, inputs, reverse=False):
        from kerasnb.engine.tensors import KerasTensor
        dtype = self.reverse_dtype or self.compute_dtype if reverse else self.compute_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape, reverse=reverse), dtype)

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights,
                "reverse_dtype": self.reverse_dtype, "logit_soft_cap": self.logit_soft_cap}
