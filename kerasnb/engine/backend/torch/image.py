"""Image ops on the PyTorch backend: bilinear resizing by `torch.nn.functional.interpolate`.

Its bicubic kernel (a = -0.75, clamped edges) differs from Keras's, so the other resize
methods, like the other image ops, run the ops' composites.
"""

import torch
import torch.nn.functional as F

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend import common
from kerasnb.engine.backend.torch.core import convert_to_tensor, dtype_of, to_torch_dtype
from kerasnb.engine.ops import image_sampling as sampling

__all__ = ["resize"]


def _restore(x, like):
    """A float result back in the dtype of `like`, integers rounded (half to even) and
    saturated."""
    if dtypes.is_int(dtype_of(like)):
        lo, hi = common.saturation_limits(dtype_of(x), dtype_of(like))
        x = torch.clamp(torch.round(x), float(lo), float(hi))
    return x.to(like.dtype)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    images = convert_to_tensor(images)
    data_format = config.standardize_data_format(data_format)
    slices, widths = sampling.aspect_ratio_fit(
        tuple(images.shape), size, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format)
    if slices:
        images = images[slices]
    if widths:
        images = F.pad(images, [w for pair in reversed(widths) for w in pair], value=fill_value)
    if interpolation != "bilinear":
        return sampling.resample(images, size, interpolation, antialias, data_format)
    x = images if images.ndim == 4 else images[None]
    if data_format == "channels_last":
        x = x.permute(0, 3, 1, 2)
    if not x.is_floating_point():
        x = x.to(to_torch_dtype(dtypes.float_result(dtype_of(x))))
    out = F.interpolate(x, size=tuple(size), mode="bilinear", align_corners=False,
                        antialias=antialias)
    if data_format == "channels_last":
        out = out.permute(0, 2, 3, 1)
    return _restore(out if images.ndim == 4 else out[0], images)
