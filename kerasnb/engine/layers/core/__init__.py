"""Core layers: Dense, EinsumDense, Embedding, Lambda, Masking, Identity, Wrapper."""

from kerasnb.engine.layers.core.dense import Dense

__all__ = ["Dense"]
