"""Normalization layers: batch, layer, group, RMS, unit and spectral normalization."""

from kerasnb.engine.layers.normalization.batch_normalization import BatchNormalization, GroupNormalization
from kerasnb.engine.layers.normalization.layer_normalization import (
    LayerNormalization, RMSNormalization, UnitNormalization)
from kerasnb.engine.layers.normalization.spectral_normalization import SpectralNormalization

__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization", "RMSNormalization",
           "SpectralNormalization", "UnitNormalization"]
