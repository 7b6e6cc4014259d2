"""Saving: the serialization registry, `.weights.h5` weight files and `.keras` model files."""
