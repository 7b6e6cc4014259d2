"""Reshaping layers: flatten, reshape, permute, repeat, crop, zero-pad and upsample."""

from kerasnb.engine.layers.reshaping.cropping import Cropping1D, Cropping2D, Cropping3D
from kerasnb.engine.layers.reshaping.padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D
from kerasnb.engine.layers.reshaping.shaping import Flatten, Permute, RepeatVector, Reshape
from kerasnb.engine.layers.reshaping.upsampling import UpSampling1D, UpSampling2D, UpSampling3D

__all__ = [
    "Cropping1D", "Cropping2D", "Cropping3D", "Flatten", "Permute", "RepeatVector", "Reshape",
    "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
]
