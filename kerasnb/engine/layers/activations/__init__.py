"""Activation layers: Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax."""

from kerasnb.engine.layers.activations.activation_layers import (
    ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax)

__all__ = ["Activation", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
