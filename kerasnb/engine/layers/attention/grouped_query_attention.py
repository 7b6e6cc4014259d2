"""GroupQueryAttention: attention where groups of query heads share one key/value head."""

import math

from kerasnb.engine.layers.attention.common import as_input, attention_equations, check_positive_int
from kerasnb.engine.layers.attention.multi_head_attention import _ProjectedAttention
from kerasnb.engine.layers.normalization import _ops as ops
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor


@builtin("layers", "GroupedQueryAttention")
class GroupQueryAttention(_ProjectedAttention):
    """Grouped-query attention: `num_query_heads` query heads over `num_key_value_heads`
    shared key/value heads (each serves ``num_query_heads // num_key_value_heads`` queries).

    Inputs are ``(B, T, dim)`` queries and ``(B, S, dim)`` values/keys. Sublayers: ``query``
    (kernel ``(dim, num_query_heads, head_dim)``), ``key`` and ``value``
    (``(dim, num_key_value_heads, head_dim)``), optional sigmoid ``gate`` and
    ``attention_output`` (``(num_query_heads, head_dim, dim)``), each with a bias when
    `use_bias`.

    Args:
        head_dim: size of each head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key/value heads; must divide `num_query_heads`.
        dropout: dropout rate on the attention weights in training.
        use_bias: projections have biases.
        sliding_window: if set, position i only attends to positions j with |i - j| < window.
        flash_attention: accepted for compatibility; the exact attention is always computed.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        use_gate: multiply the attention output by a sigmoid gate projected from the query.
        seed: int seed of the dropout.

    Example:
        >>> gqa = GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> gqa(np.ones((1, 3, 8)), np.ones((1, 5, 8))).shape
        (1, 3, 8)
    """

    _keras_class_name = "GroupedQueryAttention"  # Keras's class name, which weight files use

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, use_gate=False,
                 seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.head_dim = check_positive_int("head_dim", head_dim)
        self.num_query_heads = check_positive_int("num_query_heads", num_query_heads)
        self.num_key_value_heads = check_positive_int("num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads:
            raise ValueError("`num_query_heads` must be a multiple of `num_key_value_heads`; received "
                             f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}.")
        self.num_repeats = num_query_heads // num_key_value_heads
        self._setup(dropout, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                    bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, use_gate,
                    sliding_window, flash_attention, seed)
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._scores_eq, self._combine_eq, _ = attention_equations(4, (1,))

    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    use_gate = property(lambda self: self._use_gate)
    sliding_window = property(lambda self: self._sliding_window)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(f"GroupQueryAttention: `{name}` must have rank 3 (batch, length, features); "
                                 f"received shape {tuple(shape)}.")
        self.feature_dim = query_shape[-1]
        self._query_dense = self._projection("query", 1, (self.num_query_heads, self.head_dim))
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("key", 1, (self.num_key_value_heads, self.head_dim))
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection("gate", 1, (self.num_query_heads, self.head_dim),
                                                activation=ops.sigmoid)
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("value", 1, (self.num_key_value_heads, self.head_dim))
        self._value_dense.build(value_shape)
        self._output_dense = self._projection("attention_output", 2, (self.feature_dim,))
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        if self._flash_attention and return_attention_scores:
            raise ValueError("GroupQueryAttention: attention scores cannot be returned with flash attention; "
                             "set `flash_attention=False`.")
        mask = self._masks(query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        value = as_input(value, self.compute_dtype)
        key = value if key is None else as_input(key, self.compute_dtype)
        gate = self._gate_dense(query) if self._use_gate else None
        q = self._query_dense(query)
        k = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        v = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        out, scores = self._attend(q, k, v, mask, training, self._inverse_sqrt_head_dim, self._scores_eq,
                                   self._combine_eq, (-1,))
        if gate is not None:
            out = ops.multiply(out, gate)
        out = self._output_dense(out)
        return (out, scores) if return_attention_scores else out

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        return tuple(query_shape)

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        q_shape = tuple(shape_of(query))
        out = KerasTensor(q_shape, self.compute_dtype)
        if not return_attention_scores:
            return out
        kv = tuple(shape_of(value if key is None else key))
        return out, KerasTensor((q_shape[0], self.num_query_heads, q_shape[1], kv[1]), self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, **self._common_config()}
