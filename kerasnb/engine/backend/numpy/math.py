"""Fourier transforms, STFT, framing, complex views and `logdet` on the NumPy backend."""

import numpy as np

from kerasnb.engine.backend import common
from kerasnb.engine.backend.numpy.core import convert_to_tensor
from kerasnb.engine.backend.numpy.linalg import float_inputs, restore_dtype

__all__ = ["extract_sequences", "fft", "fft2", "ifft2", "irfft", "istft", "logdet", "rfft", "stft",
           "view_as_complex", "view_as_real"]


def _complex_input(x):
    """A complex array from a `(real, imag)` pair, and the float dtype of the results."""
    (real, imag), dtype = float_inputs(*x)
    return real + 1j * imag, dtype


def _split(z, dtype):
    target = common.numpy_dtype(dtype)
    return z.real.astype(target), z.imag.astype(target)


def logdet(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(np.asarray(np.linalg.slogdet(x)[1]), dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    windows = np.lib.stride_tricks.sliding_window_view(x, sequence_length, axis=-1)
    return np.ascontiguousarray(windows[..., ::sequence_stride, :])


def fft(x):
    z, dtype = _complex_input(x)
    return _split(np.fft.fft(z), dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    return _split(np.fft.fft2(z), dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    return _split(np.fft.ifft2(z), dtype)


def rfft(x, fft_length=None):
    (x,), dtype = float_inputs(x)
    return _split(np.fft.rfft(x, n=fft_length), dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    return np.fft.irfft(z, n=fft_length).astype(common.numpy_dtype(dtype))


def _window(window, sequence_length, fft_length, dtype):
    """The analysis window, centred and zero-padded to `fft_length`; None is all ones."""
    if window is None:
        return np.ones(fft_length, dtype)
    if isinstance(window, str):
        peak = 0.5 if window == "hann" else 0.54
        window = peak - (1 - peak) * np.cos(2 * np.pi * np.arange(sequence_length) / sequence_length)
    left = (fft_length - sequence_length) // 2
    return np.pad(convert_to_tensor(window).astype(dtype), (left, fft_length - sequence_length - left))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    (x,), dtype = float_inputs(x)
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)], mode="reflect")
    frames = extract_sequences(x, fft_length, sequence_stride)
    spectrum = np.fft.rfft(frames * _window(window, sequence_length, fft_length, x.dtype), n=fft_length)
    return _split(spectrum, dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    z, dtype = _complex_input(x)
    frames = np.fft.irfft(z, n=fft_length).astype(z.real.dtype)
    win = _window(window, sequence_length, fft_length, frames.dtype)
    starts = np.arange(frames.shape[-2]) * sequence_stride
    positions = (starts[:, None] + np.arange(fft_length)).ravel()
    total = fft_length + int(starts[-1])
    signal = np.zeros(frames.shape[:-2] + (total,), frames.dtype)
    np.add.at(signal, (..., positions), (frames * win).reshape(frames.shape[:-2] + (-1,)))
    weight = np.bincount(positions, np.tile(win * win, len(starts)), minlength=total)
    signal /= np.where(weight > 1e-10, weight, 1.0).astype(frames.dtype)
    start = fft_length // 2 if center else 0
    stop = start + length if length is not None else total - start
    return restore_dtype(signal[..., start:stop], dtype)


def view_as_complex(x):
    x = convert_to_tensor(x)
    return (x[..., 0] + 1j * x[..., 1]).astype("complex64")


def view_as_real(x):
    x = convert_to_tensor(x)
    return np.stack([np.real(x), np.imag(x)], axis=-1)
