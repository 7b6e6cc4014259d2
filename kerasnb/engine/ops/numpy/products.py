"""Products (matmul, einsum, ...), indexing and selection, diagonals, and window functions."""

__all__ = []
