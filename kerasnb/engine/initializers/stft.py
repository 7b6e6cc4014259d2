"""`STFT`: the windowed discrete-Fourier basis used as a convolution kernel for spectrograms."""

import math

import numpy as np

from kerasnb.engine.initializers.initializer import Initializer, check_float_dtype, check_shape
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import (
    builtin, deserialize_keras_object, serialize_keras_object)

_WINDOWS = {"hann": knp.hanning, "hamming": knp.hamming}
_SCALINGS = (None, "density", "spectrum")


@builtin("initializers", "stft", "STFTInitializer")
class STFT(Initializer):
    """The real or imaginary part of a windowed DFT basis, shape ``(frame_length, channels, bins)``.

    Entry ``[t, c, k]`` is ``cos(-2 pi t k / n)`` (`side="real"`) or ``sin(-2 pi t k / n)``
    (`side="imag"`) with ``n = 2 * (bins - 1)``, multiplied by ``window[t]`` and divided
    by the window's scaling; all `channels` get the same values. Convolving frames with
    it computes the one-sided short-time Fourier transform.

    Args:
        side: `"real"` or `"imag"`.
        window: `"hann"`, `"hamming"`, None (no window), or a 1-D array of
            ``frame_length`` values.
        scaling: `"density"` (divide by ``sqrt(sum(window ** 2))``), `"spectrum"` (divide
            by ``sum(abs(window))``) or None; applies only with a window.
        periodic: the periodic form of a named window (for spectral analysis) rather than
            the symmetric one (for filter design).

    Example:
        >>> STFT(side="imag", window="hamming")((16, 1, 9)).shape
        (16, 1, 9)
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT: `side` must be 'real' or 'imag'; received {side!r}.")
        if isinstance(window, str):
            if window not in _WINDOWS:
                raise ValueError(
                    f"STFT: `window` must be one of {sorted(_WINDOWS)}, None or a 1-D array; "
                    f"received {window!r}.")
        elif window is not None and np.ndim(window) != 1:
            raise ValueError(
                f"STFT: a `window` array must be 1-D; received one of rank {np.ndim(window)}.")
        if scaling not in _SCALINGS:
            raise ValueError(f"STFT: `scaling` must be one of {list(_SCALINGS)}; received {scaling!r}.")
        if not isinstance(periodic, bool):
            raise ValueError(f"STFT: `periodic` must be a bool; received {periodic!r}.")
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def _window(self, frame_length):
        if isinstance(self.window, str):
            make = _WINDOWS[self.window]
            if not self.periodic:
                return core.cast(make(frame_length), "float64")
            return core.cast(make(frame_length + 1)[:-1], "float64")
        window = core.convert_to_tensor(self.window, "float64")
        if tuple(core.shape(window)) != (frame_length,):
            raise ValueError(
                f"STFT: `window` must have frame_length={frame_length} values (shape[0]); "
                f"received one of shape {tuple(core.shape(window))}.")
        return window

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape, "STFT")
        if len(shape) != 3 or shape[2] < 2:
            raise ValueError(
                "STFT: `shape` must be (frame_length, channels, bins) with bins >= 2; "
                f"received {shape}.")
        dtype = check_float_dtype(dtype, "STFT")
        frame_length, channels, bins = shape
        time = knp.reshape(knp.arange(frame_length, dtype="float64"), (frame_length, 1, 1))
        freq = knp.reshape(knp.arange(bins, dtype="float64"), (1, 1, bins))
        angle = knp.multiply(knp.multiply(time, freq), -2.0 * math.pi / (2 * (bins - 1)))
        kernel = knp.cos(angle) if self.side == "real" else knp.sin(angle)
        if self.window is not None:
            window = self._window(frame_length)
            if self.scaling == "density":
                kernel = knp.divide(kernel, knp.sqrt(knp.sum(knp.square(window))))
            elif self.scaling == "spectrum":
                kernel = knp.divide(kernel, knp.sum(knp.abs(window)))
            kernel = knp.multiply(kernel, knp.reshape(window, (frame_length, 1, 1)))
        return core.cast(knp.broadcast_to(kernel, shape), dtype)

    def get_config(self):
        return {"side": self.side, "window": serialize_keras_object(self.window),
                "periodic": self.periodic, "scaling": self.scaling}

    @classmethod
    def from_config(cls, config):
        return cls(**{**config, "window": deserialize_keras_object(config.get("window", "hann"))})
