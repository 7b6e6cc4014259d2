"""`Embedding`: a trainable lookup table from integer ids to dense vectors."""

from kerasnb.engine import constraints, initializers, regularizers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core as core_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {name}={value!r}.")
    return value


@builtin("layers")
class Embedding(Layer):
    """Maps integer ids in ``[0, input_dim)`` to rows of an ``(input_dim, output_dim)`` table.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each embedding vector.
        embeddings_initializer: initializer of the table (default ``"uniform"``).
        embeddings_regularizer: penalty on the table, added to `losses`.
        embeddings_constraint: projection applied to the table after optimizer updates.
        mask_zero: id 0 is padding; the layer then produces a mask ``ids != 0``.
        weights: an initial table (an array, or a one-element list of it).
        lora_rank, lora_alpha, quantization_config: not supported yet; must be None.

    Example:
        >>> Embedding(10, 4)(np.array([[1, 2, 3]])).shape
        (1, 3, 4)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        kwargs.pop("input_length", None)  # Keras 2 argument, ignored
        super().__init__(**kwargs)
        if lora_rank is not None or lora_alpha is not None or quantization_config is not None:
            raise NotImplementedError("Embedding: LoRA and quantization arrive with the quantization issue.")
        self.input_dim = _positive_int(input_dim, "input_dim")
        self.output_dim = _positive_int(output_dim, "output_dim")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
            name="embeddings")
        self.built = True

    def call(self, inputs):
        if core_ops.dtype(inputs) not in ("int32", "int64"):
            inputs = core_ops.cast(inputs, "int32")
        return core_ops.cast(ops.take(self.embeddings, inputs, axis=0), self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {
            **super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": s(self.embeddings_initializer),
            "embeddings_regularizer": s(self.embeddings_regularizer),
            "activity_regularizer": s(self.activity_regularizer),
            "embeddings_constraint": s(self.embeddings_constraint), "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
