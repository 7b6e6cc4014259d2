"""Merging layers: combine a list of tensors (add, multiply, concatenate, dot, ...)."""

from kerasnb.engine.layers.merging.base import (
    Add, Average, Maximum, Minimum, Multiply, Subtract, add, average, maximum, minimum, multiply,
    subtract,
)
from kerasnb.engine.layers.merging.concatenate import Concatenate, concatenate
from kerasnb.engine.layers.merging.dot import Dot, dot

__all__ = [
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
    "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
]
