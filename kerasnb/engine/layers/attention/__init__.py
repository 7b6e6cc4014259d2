"""Attention layers: dot-product, additive, multi-head and grouped-query attention."""

from kerasnb.engine.layers.attention.attention import AdditiveAttention, Attention
from kerasnb.engine.layers.attention.grouped_query_attention import GroupQueryAttention
from kerasnb.engine.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention"]
