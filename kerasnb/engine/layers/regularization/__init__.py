"""Regularization layers: dropout variants, Gaussian noise, activity regularization."""

from kerasnb.engine.layers.regularization.dropout import (
    AlphaDropout, Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from kerasnb.engine.layers.regularization.noise import (
    ActivityRegularization, GaussianDropout, GaussianNoise)

__all__ = ["ActivityRegularization", "AlphaDropout", "Dropout", "GaussianDropout", "GaussianNoise",
           "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]
