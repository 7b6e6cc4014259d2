"""Preprocessing layers: usable in models on every backend and inside `tf.data` pipelines."""

from kerasnb.engine.layers.preprocessing.category_encoding import CategoryEncoding
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer  # noqa: F401 (the base)
from kerasnb.engine.layers.preprocessing.discretization import Discretization
from kerasnb.engine.layers.preprocessing.hashing import HashedCrossing, Hashing
from kerasnb.engine.layers.preprocessing.image_resizing import CenterCrop, Resizing
from kerasnb.engine.layers.preprocessing.lookup import IntegerLookup, StringLookup
from kerasnb.engine.layers.preprocessing.normalization import Normalization
from kerasnb.engine.layers.preprocessing.pipeline import Pipeline
from kerasnb.engine.layers.preprocessing.rescaling import Rescaling
from kerasnb.engine.layers.preprocessing.spectrogram import MelSpectrogram, STFTSpectrogram
from kerasnb.engine.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["CategoryEncoding", "CenterCrop", "Discretization", "HashedCrossing", "Hashing",
           "IntegerLookup", "MelSpectrogram", "Normalization", "Pipeline", "Rescaling", "Resizing",
           "STFTSpectrogram", "StringLookup", "TextVectorization"]
