"""Core layers: Dense, EinsumDense, Embedding, Lambda, Masking, Identity, Wrapper."""

from kerasnb.engine.layers.core.dense import Dense
from kerasnb.engine.layers.core.einsum_dense import EinsumDense
from kerasnb.engine.layers.core.embedding import Embedding
from kerasnb.engine.layers.core.lambda_layer import Lambda
from kerasnb.engine.layers.core.identity import Identity
from kerasnb.engine.layers.core.masking import Masking
from kerasnb.engine.layers.core.reversible_embedding import ReversibleEmbedding
from kerasnb.engine.layers.core.wrapper import Wrapper

__all__ = ["Dense", "EinsumDense", "Embedding", "Identity", "Lambda", "Masking", "ReversibleEmbedding",
           "Wrapper"]
