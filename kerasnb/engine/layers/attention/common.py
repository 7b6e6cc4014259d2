"""Helpers shared by the attention layers: argument checks, masks, masked softmax, projections."""

from kerasnb.engine import dtypes, initializers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.masks import get_mask
from kerasnb.engine.layers.normalization import _ops as ops
from kerasnb.engine.ops.rules import shape_of

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def check_positive_int(name, value, allow_none=False):
    if allow_none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        expected = "a positive int or None" if allow_none else "a positive int"
        raise ValueError(f"`{name}` must be {expected}; received {value!r}.")
    return value


def check_rate(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"`{name}` must be a float in [0, 1); received {value!r}.")
    return float(value)


def large_negative(dtype):
    return -3e4 if dtypes.standardize_dtype(dtype) == "float16" else -1e9


def masked_softmax(scores, mask, axes):
    """Softmax over `axes`; positions where `mask` is False get weight 0."""
    if mask is not None:
        scores = ops.where(mask, scores, large_negative(ops.dtype(scores)))
    if len(axes) == 1:
        weights = ops.softmax(scores, axis=axes[0])
    else:
        weights = ops.exp(ops.subtract(scores, ops.logsumexp(scores, axis=axes, keepdims=True)))
    if mask is not None:
        weights = ops.where(mask, weights, ops.zeros((), ops.dtype(weights)))
    return weights


def causal_mask(query_length, key_length):
    """``(1, T, S)`` boolean lower-triangular mask: query i sees keys j <= i."""
    rows = ops.reshape(ops.arange(query_length, dtype="int32"), (1, query_length, 1))
    cols = ops.reshape(ops.arange(key_length, dtype="int32"), (1, 1, key_length))
    return ops.greater_equal(rows, cols)


def sliding_window_mask(query_length, key_length, window):
    """``(1, T, S)`` boolean band: query i sees keys j with ``|i - j| < window``."""
    rows = ops.reshape(ops.arange(query_length, dtype="int32"), (1, query_length, 1))
    cols = ops.reshape(ops.arange(key_length, dtype="int32"), (1, 1, key_length))
    return ops.less(ops.abs(ops.subtract(rows, cols)), window)


def combine_masks(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask,
                  sliding_window):
    """The ``(B, T, S)`` (or broadcastable) boolean attention mask from every mask source, or None."""
    found = []
    if query_mask is not None:
        found.append(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
    for m in (value_mask, key_mask):
        if m is not None:
            found.append(ops.expand_dims(ops.cast(m, "bool"), -2))
    t, s = ops.shape(query)[1], ops.shape(value)[1]
    if use_causal_mask:
        found.append(causal_mask(t, s))
    if sliding_window is not None:
        found.append(sliding_window_mask(t, s, sliding_window))
    if attention_mask is not None:
        found.append(ops.cast(attention_mask, "bool"))
    if not found:
        return None
    out = found[0]
    for m in found[1:]:
        out = ops.logical_and(out, m)
    return out


def input_mask(x, explicit):
    """An explicitly passed mask, else the mask attached to tensor `x` (if any)."""
    if explicit is not None:
        return explicit
    return None if x is None else get_mask(x)


def as_input(x, dtype):
    """`x` as a tensor, floating values cast to `dtype`."""
    x = ops.convert_to_tensor(x)
    return ops.cast(x, dtype) if dtypes.is_float(ops.dtype(x)) else x


def static_shape(x):
    return tuple(shape_of(x))


def clone_initializer(initializer):
    """A fresh copy, so that seeded initializers give each projection its own draw order."""
    try:
        return type(initializer).from_config(initializer.get_config())
    except (AttributeError, TypeError, NotImplementedError):
        return initializer


class Projection(Layer):
    """A dense projection that contracts the last `in_rank` axes into `out_shape`:
    ``tensordot(x, kernel, in_rank) + bias``, with kernel ``(*in_dims, *out_shape)``."""

    def __init__(self, in_rank, out_shape, use_bias=True, activation=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.in_rank, self.out_shape = in_rank, tuple(out_shape)
        self.use_bias, self.activation = use_bias, activation
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def build(self, input_shape):
        in_dims = tuple(input_shape[-self.in_rank:])
        self.kernel = self.add_weight(shape=in_dims + self.out_shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = self.add_weight(shape=self.out_shape, initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None
        self.built = True

    def call(self, x):
        y = ops.tensordot(x, ops.cast(self.kernel, ops.dtype(x)), axes=self.in_rank)
        if self.bias is not None:
            y = ops.add(y, ops.cast(self.bias, ops.dtype(y)))
        return y if self.activation is None else self.activation(y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-self.in_rank]) + self.out_shape

    def get_config(self):
        raise NotImplementedError("Projection is an internal part of the attention layers; it is "
                                  "serialized through its parent layer's config.")


def attention_equations(rank, attention_axes):
    """Einsum equations for projected tensors of rank `rank` ``(B, ..., N, H)``.

    Returns ``(scores_eq, combine_eq, scores_rank)``: ``scores = einsum(scores_eq, key, query)``
    is ``(<batch dims incl. heads>, <query attention dims>, <key attention dims>)`` and
    ``einsum(combine_eq, weights, value)`` maps back to the query layout.
    """
    query = _LETTERS[:rank]
    key = list(query)
    for offset, axis in enumerate(attention_axes):
        key[axis] = _LETTERS[rank + offset]
    key = "".join(key)
    batch = [i for i in range(rank - 1) if i not in attention_axes]
    scores = ("".join(query[i] for i in batch) + "".join(query[a] for a in attention_axes)
              + "".join(key[a] for a in attention_axes))
    return f"{key},{query}->{scores}", f"{scores},{key}->{query}", len(scores)
