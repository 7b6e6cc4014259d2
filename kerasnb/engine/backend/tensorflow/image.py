"""Image ops on the TensorFlow backend: `tf.image` resizing, RGB to HSV, and patches.

The other image ops run the ops' composites. Natives left out on purpose:
`tf.image.hsv_to_rgb` has no gradient; `tf.raw_ops.ImageProjectiveTransformV3` (for
`affine_transform`) only approximates its gradient and reads "wrap" differently.
"""

import numpy as np
import tensorflow as tf

from kerasnb.engine import config
from kerasnb.engine.backend import common
from kerasnb.engine.backend.tensorflow.core import convert_to_tensor
from kerasnb.engine.ops import image_sampling as sampling

__all__ = ["extract_patches", "resize", "rgb_to_hsv"]


def _channels_last(x, data_format):
    """`x` with its channel axis last, and the function moving it back."""
    data_format = config.standardize_data_format(data_format)
    if data_format == "channels_last":
        return x, lambda y: y
    order = list(range(x.shape.rank))
    order.append(order.pop(sampling.channel_axis(len(order), data_format)))
    return tf.transpose(x, order), lambda y: tf.transpose(y, np.argsort(order))


def _restore(x, dtype):
    """A float result back in `dtype`, integers rounded (half to even) and saturated."""
    if dtype.is_integer:
        x = tf.clip_by_value(tf.round(x), *common.saturation_limits(x.dtype.name, dtype.name))
    return tf.cast(x, dtype)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    images = convert_to_tensor(images)
    data_format = config.standardize_data_format(data_format)
    slices, widths = sampling.aspect_ratio_fit(
        images.shape, size, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format)
    if slices:
        images = images[slices]
    if widths:
        images = tf.pad(images, widths, constant_values=tf.cast(fill_value, images.dtype))
    x, undo = _channels_last(images, data_format)
    if interpolation == "bicubic":  # tf.image's bicubic reads its kernel from a coarse table
        scale = [n_out / n_in for n_out, n_in in zip(size, x.shape[-3:-1])]
        out = tf.raw_ops.ScaleAndTranslate(
            images=x if x.shape.rank == 4 else x[None], size=size, scale=scale,
            translation=[0.0, 0.0], kernel_type="keyscubic", antialias=antialias)
        out = out if x.shape.rank == 4 else out[0]
    else:
        out = tf.image.resize(x, size, method=interpolation, antialias=antialias)
    return _restore(undo(out), images.dtype)


def rgb_to_hsv(images, data_format=None):
    x, undo = _channels_last(convert_to_tensor(images), data_format)
    return undo(tf.image.rgb_to_hsv(x))


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    images = convert_to_tensor(images)
    nd = sampling.patch_rank("extract_patches", size)
    if nd == 3:  # volumes: tf.image has no dilated 3D patches
        return sampling.gather_patches(images, nd, size, strides, dilation_rate, padding,
                                       config.standardize_data_format(data_format))
    size, strides, dilation, padding = sampling.patch_arguments(nd, size, strides, dilation_rate,
                                                                padding)
    single = images.shape.rank == 3
    x, undo = _channels_last(images[None] if single else images, data_format)
    out = undo(tf.image.extract_patches(x, [1, *size, 1], [1, *strides, 1], [1, *dilation, 1],
                                        padding.upper()))
    return out[0] if single else out
