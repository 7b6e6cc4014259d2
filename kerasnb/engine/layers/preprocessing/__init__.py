"""Preprocessing layers: usable in models on every backend and inside `tf.data` pipelines."""

from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.layers.preprocessing.image_resizing import CenterCrop, Resizing
from kerasnb.engine.layers.preprocessing.normalization import Normalization
from kerasnb.engine.layers.preprocessing.rescaling import Rescaling

__all__ = ["CenterCrop", "Normalization", "Rescaling", "Resizing"]
