"""Image ops on the NumPy backend.

NumPy has no image kernels: every image op runs its composite (`kerasnb/engine/ops/image.py`
and `image_sampling.py`), which on this backend is plain NumPy, the reference.
"""

__all__ = []
