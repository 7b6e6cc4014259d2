"""MultiHeadAttention: projected scaled dot-product attention over one or more attention axes."""

import math

from kerasnb.engine import config as engine_config
from kerasnb.engine import constraints, initializers, regularizers
from kerasnb.engine.layers.attention.common import (
    Projection, as_input, attention_equations, check_positive_int, check_rate, clone_initializer,
    combine_masks, input_mask, masked_softmax)
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.masks import get_mask
from kerasnb.engine.layers.normalization import _ops as ops
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.random import SeedGenerator
from kerasnb.engine.random import dropout as random_dropout
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor


class _ProjectedAttention(Layer):
    """What MultiHeadAttention and GroupQueryAttention share: sublayer arguments, masks,
    dropout and the masked-softmax attention core."""

    def _setup(self, dropout, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
               bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, use_gate,
               sliding_window, flash_attention, seed):
        self._dropout = check_rate("dropout", dropout)
        if not isinstance(use_bias, bool):
            raise ValueError(f"`use_bias` must be a bool; received {use_bias!r}.")
        if not isinstance(use_gate, bool):
            raise ValueError(f"`use_gate` must be a bool; received {use_gate!r}.")
        self._use_bias, self._use_gate = use_bias, use_gate
        self._sliding_window = check_positive_int("sliding_window", sliding_window, allow_none=True)
        if flash_attention not in (None, True, False):
            raise ValueError(f"`flash_attention` must be None or a bool; received {flash_attention!r}.")
        self._flash_attention_arg = flash_attention
        self._flash_attention = bool(flash_attention or engine_config.is_flash_attention_enabled())
        if self._flash_attention and self._dropout > 0:
            raise ValueError("Dropout is not supported with flash attention: set `dropout` to 0.0 or "
                             f"`flash_attention` to False; received dropout={dropout}.")
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer_arg = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        if self._dropout > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True

    def _projection(self, name, in_rank, out_shape, activation=None):
        return Projection(in_rank, out_shape, use_bias=self._use_bias, activation=activation,
                          kernel_initializer=clone_initializer(self._kernel_initializer),
                          bias_initializer=clone_initializer(self._bias_initializer),
                          kernel_regularizer=self._kernel_regularizer, bias_regularizer=self._bias_regularizer,
                          kernel_constraint=self._kernel_constraint, bias_constraint=self._bias_constraint,
                          activity_regularizer=self._activity_regularizer_arg, dtype=self.dtype_policy,
                          name=name)

    def _masks(self, query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        return combine_masks(query, value, input_mask(query, query_mask), input_mask(value, value_mask),
                             None if key is None else input_mask(key, key_mask), attention_mask,
                             use_causal_mask, self._sliding_window)

    def _attend(self, query, key, value, mask, training, scale, scores_eq, combine_eq, softmax_axes):
        query = ops.multiply(query, ops.cast(scale, ops.dtype(query)))
        scores = ops.einsum(scores_eq, key, query)
        if mask is not None:
            while ops.ndim(mask) < ops.ndim(scores):
                mask = ops.expand_dims(mask, -2 * len(softmax_axes) - 1)
        weights = masked_softmax(scores, mask, softmax_axes)
        dropped = weights
        if training and self._dropout > 0:
            dropped = random_dropout(weights, self._dropout, seed=self.seed_generator)
        return ops.einsum(combine_eq, dropped, value), weights

    def _common_config(self):
        s = serialization.serialize_keras_object
        return {"dropout": self._dropout, "use_bias": self._use_bias,
                "sliding_window": self._sliding_window, "flash_attention": self._flash_attention_arg,
                "kernel_initializer": s(self._kernel_initializer), "bias_initializer": s(self._bias_initializer),
                "kernel_regularizer": s(self._kernel_regularizer), "bias_regularizer": s(self._bias_regularizer),
                "activity_regularizer": s(self._activity_regularizer_arg),
                "kernel_constraint": s(self._kernel_constraint), "bias_constraint": s(self._bias_constraint),
                "use_gate": self._use_gate, "seed": self.seed}

    def compute_mask(self, query, previous_mask=None):
        return get_mask(query)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                    "activity_regularizer", "kernel_constraint", "bias_constraint"):
            if isinstance(config.get(key), dict):
                config[key] = serialization.deserialize_keras_object(config[key])
        return super().from_config(config)


@builtin("layers")
class MultiHeadAttention(_ProjectedAttention):
    """Multi-head attention: `num_heads` scaled dot-product attentions over learned projections.

    `query` ``(B, T, dim)`` and `value`/`key` ``(B, S, dim)`` (or more axes, with
    `attention_axes`) are projected to ``(B, T, num_heads, key_dim)`` etc. by the sublayers
    ``query``, ``key``, ``value`` (kernels ``(dim, num_heads, key_dim)``, biases
    ``(num_heads, key_dim)``); the heads are combined by ``attention_output``
    (kernel ``(num_heads, value_dim, *output_shape)``).

    Args:
        num_heads: number of attention heads.
        key_dim: size of each query/key head.
        value_dim: size of each value head; defaults to `key_dim`.
        dropout: dropout rate on the attention weights in training.
        use_bias: projections have biases.
        output_shape: int or tuple, the trailing output shape; defaults to the query's last dim.
        attention_axes: axes attention runs over (default: all axes but batch, heads, features).
        sliding_window: if set, position i only attends to positions j with |i - j| < window.
        flash_attention: accepted for compatibility; kerasnb always computes the exact
            attention (True refuses dropout and returned scores, as in Keras).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        use_gate: multiply the attention output by a sigmoid gate projected from the query.
        seed: int seed of the dropout.

    Call arguments:
        query, value, key (defaults to value); query_mask, value_mask, key_mask (default:
        the masks attached to the tensors); attention_mask ``(B, T, S)`` boolean;
        return_attention_scores; training; use_causal_mask.

    Example:
        >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
        >>> mha(np.ones((1, 3, 8)), np.ones((1, 5, 8))).shape
        (1, 3, 8)
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._num_heads = check_positive_int("num_heads", num_heads)
        self._key_dim = check_positive_int("key_dim", key_dim)
        self._value_dim = check_positive_int("value_dim", value_dim, allow_none=True) or key_dim
        if not output_shape:
            output_shape = None
        else:
            if isinstance(output_shape, int) and not isinstance(output_shape, bool):
                output_shape = (output_shape,)
            if not isinstance(output_shape, (list, tuple)) or not all(
                    isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in output_shape):
                raise ValueError("`output_shape` must be a positive int or a tuple of positive ints; "
                                 f"received {output_shape!r}.")
            output_shape = tuple(output_shape)
        self._output_shape = output_shape
        if isinstance(attention_axes, int) and not isinstance(attention_axes, bool):
            attention_axes = (attention_axes,)
        if attention_axes is not None and (not isinstance(attention_axes, (list, tuple)) or not all(
                isinstance(a, int) and not isinstance(a, bool) for a in attention_axes)):
            raise ValueError(f"`attention_axes` must be None, an int or a tuple of ints; received {attention_axes!r}.")
        self._attention_axes_arg = None if attention_axes is None else tuple(attention_axes)
        self._attention_axes = self._attention_axes_arg
        self._setup(dropout, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                    bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, use_gate,
                    sliding_window, flash_attention, seed)
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError("MultiHeadAttention: `key` and `value` must agree on every axis but the last; "
                             f"received value shape {tuple(value_shape)} and key shape {tuple(key_shape)}.")
        self._query_dense = self._projection("query", 1, (self._num_heads, self._key_dim))
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("key", 1, (self._num_heads, self._key_dim))
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection("gate", 1, (self._num_heads, self._value_dim), activation=ops.sigmoid)
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("value", 1, (self._num_heads, self._value_dim))
        self._value_dense.build(value_shape)
        rank = len(query_shape) + 1
        if self._attention_axes_arg is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else rank - 1 + a for a in self._attention_axes_arg)
            if any(not 0 < a < rank - 2 for a in self._attention_axes):
                raise ValueError(f"MultiHeadAttention: `attention_axes` {self._attention_axes_arg} must name axes "
                                 f"between the batch and feature axes of a query of shape {tuple(query_shape)}.")
        self._scores_eq, self._combine_eq, scores_rank = attention_equations(rank, self._attention_axes)
        self._softmax_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._output_dense = self._projection("attention_output", 2, self._output_shape or (query_shape[-1],))
        self._output_dense.build(tuple(query_shape[:-1]) + (self._num_heads, self._value_dim))

    @property
    def query_dense(self):
        return self._query_dense

    @property
    def key_dense(self):
        return self._key_dense

    @property
    def value_dense(self):
        return self._value_dense

    @property
    def output_dense(self):
        return self._output_dense

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        if self._flash_attention and return_attention_scores:
            raise ValueError("MultiHeadAttention: attention scores cannot be returned with flash attention; "
                             "set `flash_attention=False`.")
        mask = self._masks(query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        dtype = self.compute_dtype
        value = as_input(value, dtype)
        key = value if key is None else as_input(key, dtype)
        gate = self._gate_dense(query) if self._use_gate else None
        q, k, v = self._query_dense(query), self._key_dense(key), self._value_dense(value)
        out, scores = self._attend(q, k, v, mask, training, self._inverse_sqrt_key_dim, self._scores_eq,
                                   self._combine_eq, self._softmax_axes)
        if gate is not None:
            out = ops.multiply(out, gate)
        out = self._output_dense(out)
        return (out, scores) if return_attention_scores else out

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("MultiHeadAttention: `key` and `value` must agree on every axis but the last; "
                             f"received value shape {value_shape} and key shape {key_shape}.")
        return query_shape[:-1] + (self._output_shape or query_shape[-1:])

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        q_shape, v_shape = tuple(shape_of(query)), tuple(shape_of(value))
        k_shape = None if key is None else tuple(shape_of(key))
        out = KerasTensor(self.compute_output_shape(q_shape, v_shape, k_shape), self.compute_dtype)
        if not return_attention_scores:
            return out
        projected_q = q_shape[:-1] + (self._num_heads,)
        projected_k = (k_shape or v_shape)[:-1] + (self._num_heads,)
        axes = self._attention_axes
        batch = [i for i in range(len(projected_q)) if i not in axes]
        shape = (tuple(projected_q[i] for i in batch) + tuple(projected_q[a] for a in axes)
                 + tuple(projected_k[a] for a in axes))
        return out, KerasTensor(shape, self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "num_heads": self._num_heads, "key_dim": self._key_dim,
                "value_dim": self._value_dim, "output_shape": self._output_shape,
                "attention_axes": self._attention_axes_arg, **self._common_config()}
