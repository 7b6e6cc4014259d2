"""Image ops on the JAX backend: `jax.image` resizing and `jax.scipy.ndimage` sampling.

The other image ops (and area resizing, which `jax.image` lacks) run the ops' composites.
"""

import jax
import jax.numpy as jnp

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor
from kerasnb.engine.ops import image_sampling as sampling

__all__ = ["map_coordinates", "resize", "scale_and_translate"]


def _as_float(x):
    """Integer tensors in floatx; float tensors as they are."""
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    return x.astype(common.numpy_dtype(dtypes.float_result(x.dtype)))


def _restore(x, dtype):
    """A float result back in `dtype`, integers rounded (half to even) and saturated."""
    if jnp.issubdtype(dtype, jnp.integer):
        x = jnp.clip(jnp.round(x), *common.saturation_limits(x.dtype, dtype))
    return x.astype(dtype)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    images = convert_to_tensor(images)
    data_format = config.standardize_data_format(data_format)
    slices, widths = sampling.aspect_ratio_fit(
        images.shape, size, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format)
    if slices:
        images = images[slices]
    if widths:
        images = jnp.pad(images, widths, constant_values=fill_value)
    if interpolation == "area":
        return sampling.resample(images, size, interpolation, antialias, data_format)
    shape = list(images.shape)
    for axis, n in zip(sampling.spatial_axes(images.ndim, data_format), size):
        shape[axis] = n
    if interpolation == "nearest":  # a gather: any dtype, exact
        return jax.image.resize(images, shape, "nearest")
    out = jax.image.resize(_as_float(images), shape, interpolation, antialias=antialias)
    return _restore(out, images.dtype)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    images = _as_float(convert_to_tensor(images))
    dims = [d % images.ndim for d in spatial_dims]
    return jax.image.scale_and_translate(
        images, output_shape, dims, convert_to_tensor(scale, images.dtype),
        convert_to_tensor(translation, images.dtype), method, antialias)


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    coordinates = convert_to_tensor(coordinates)
    return jax.scipy.ndimage.map_coordinates(
        convert_to_tensor(inputs), list(coordinates), order, mode=fill_mode, cval=fill_value)
