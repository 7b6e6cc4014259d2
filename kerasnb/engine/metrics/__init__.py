"""Metrics (`keras.metrics`)."""
