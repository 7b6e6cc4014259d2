"""Fourier transforms, STFT, framing, complex views and `logdet` on the TensorFlow backend."""

import numpy as np
import tensorflow as tf

from kerasnb.engine.backend.tensorflow.core import convert_to_tensor
from kerasnb.engine.backend.tensorflow.linalg import float_inputs, restore_dtype

__all__ = ["extract_sequences", "fft", "fft2", "ifft2", "irfft", "istft", "logdet", "rfft", "stft",
           "view_as_complex", "view_as_real"]


def _complex_input(x):
    """A complex tensor from a `(real, imag)` pair, and the float dtype of the results."""
    (real, imag), dtype = float_inputs(*x)
    return tf.complex(real, imag), dtype


def _split(z, dtype):
    return tf.cast(tf.math.real(z), dtype), tf.cast(tf.math.imag(z), dtype)


def logdet(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(tf.linalg.slogdet(x)[1], dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    return tf.signal.frame(convert_to_tensor(x), sequence_length, sequence_stride, axis=-1)


def fft(x):
    z, dtype = _complex_input(x)
    return _split(tf.signal.fft(z), dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    return _split(tf.signal.fft2d(z), dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    return _split(tf.signal.ifft2d(z), dtype)


def _fit(x, size):
    """`x` cropped or zero-padded to `size` along its last axis."""
    extra = size - x.shape[-1]
    if extra <= 0:
        return x[..., :size]
    return tf.pad(x, [[0, 0]] * (x.shape.rank - 1) + [[0, extra]])


def rfft(x, fft_length=None):
    (x,), dtype = float_inputs(x)
    n = x.shape[-1] if fft_length is None else fft_length
    return _split(tf.signal.rfft(_fit(x, n), fft_length=[n]), dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    n = 2 * (z.shape[-1] - 1) if fft_length is None else fft_length
    return tf.cast(tf.signal.irfft(_fit(z, n // 2 + 1), fft_length=[n]), dtype)


def _window(window, sequence_length, fft_length, dtype):
    """The analysis window, centred and zero-padded to `fft_length`; None is all ones."""
    if window is None:
        return tf.ones(fft_length, dtype)
    if isinstance(window, str):
        peak = 0.5 if window == "hann" else 0.54
        phase = (2 * np.pi / sequence_length) * tf.range(sequence_length, dtype=dtype)
        window = peak - (1 - peak) * tf.cos(phase)
    left = (fft_length - sequence_length) // 2
    return tf.pad(convert_to_tensor(window, dtype), [[left, fft_length - sequence_length - left]])


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    (x,), dtype = float_inputs(x)
    if center:
        pad = [[0, 0]] * (x.shape.rank - 1) + [[fft_length // 2, fft_length // 2]]
        x = tf.pad(x, pad, mode="REFLECT")
    frames = tf.signal.frame(x, fft_length, sequence_stride, axis=-1)
    windowed = frames * _window(window, sequence_length, fft_length, x.dtype)
    return _split(tf.signal.rfft(windowed, fft_length=[fft_length]), dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    z, dtype = _complex_input(x)
    frames = tf.signal.irfft(z, fft_length=[fft_length])
    win = _window(window, sequence_length, fft_length, frames.dtype)
    count = frames.shape[-2]
    signal = tf.signal.overlap_and_add(frames * win, sequence_stride)
    weight = tf.signal.overlap_and_add(tf.tile((win * win)[None], [count, 1]), sequence_stride)
    signal = signal / tf.where(weight > 1e-10, weight, tf.ones_like(weight))
    start = fft_length // 2 if center else 0
    stop = start + length if length is not None else signal.shape[-1] - start
    return restore_dtype(signal[..., start:stop], dtype)


def view_as_complex(x):
    x = tf.cast(convert_to_tensor(x), "float32")
    return tf.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    x = convert_to_tensor(x)
    return tf.stack([tf.math.real(x), tf.math.imag(x)], axis=-1)
