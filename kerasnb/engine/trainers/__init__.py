"""Training: compile/fit/evaluate/predict (the trainer) and the data adapters."""
