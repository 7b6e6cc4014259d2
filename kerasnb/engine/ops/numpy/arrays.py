"""Array creation, shape manipulation, joining and splitting."""

__all__ = []
