"""Fourier transforms, STFT, framing, complex views and `logdet` on the JAX backend."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from kerasnb.engine.backend import common
from kerasnb.engine.backend.jax.core import convert_to_tensor
from kerasnb.engine.backend.jax.linalg import float_inputs, restore_dtype

__all__ = ["extract_sequences", "fft", "fft2", "ifft2", "irfft", "istft", "logdet", "rfft", "stft",
           "view_as_complex", "view_as_real"]


def _complex_input(x):
    """A complex array from a `(real, imag)` pair, and the float dtype of the results."""
    (real, imag), dtype = float_inputs(*x)
    return jax.lax.complex(real, imag), dtype


def _split(z, dtype):
    target = common.numpy_dtype(dtype)
    return jnp.real(z).astype(target), jnp.imag(z).astype(target)


def logdet(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(jnp.linalg.slogdet(x)[1], dtype)


def _frame_positions(count, length, stride):
    """Sample indices of `count` frames of `length` samples, `stride` apart, shape (count, length)."""
    return np.arange(count, dtype="int32")[:, None] * stride + np.arange(length, dtype="int32")


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    count = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    return x[..., _frame_positions(count, sequence_length, sequence_stride)]


def fft(x):
    z, dtype = _complex_input(x)
    return _split(jnp.fft.fft(z), dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    return _split(jnp.fft.fft2(z), dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    return _split(jnp.fft.ifft2(z), dtype)


def rfft(x, fft_length=None):
    (x,), dtype = float_inputs(x)
    return _split(jnp.fft.rfft(x, n=fft_length), dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    return jnp.fft.irfft(z, n=fft_length).astype(common.numpy_dtype(dtype))


def _window(window, sequence_length, fft_length, dtype):
    """The analysis window, centred and zero-padded to `fft_length`; None is all ones."""
    left = (fft_length - sequence_length) // 2
    pads = (left, fft_length - sequence_length - left)
    if window is None:
        return np.ones(fft_length, dtype)
    if isinstance(window, str):
        peak = 0.5 if window == "hann" else 0.54
        values = peak - (1 - peak) * np.cos(2 * np.pi * np.arange(sequence_length) / sequence_length)
        return np.pad(values, pads).astype(dtype)
    return jnp.pad(convert_to_tensor(window, dtype), pads)


@functools.partial(jax.jit, static_argnames=("stride", "center", "dtype"))
def _stft_compiled(x, win, stride, center, dtype):
    """`stft` compiled as one program per shape (much cheaper than op-by-op dispatch)."""
    fft_length = win.shape[-1]
    if center:
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)], mode="reflect")
    frames = extract_sequences(x, fft_length, stride)
    return _split(jnp.fft.rfft(frames * win, n=fft_length), dtype)


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    (x,), dtype = float_inputs(x)
    win = _window(window, sequence_length, fft_length, x.dtype)
    return _stft_compiled(x, win, stride=sequence_stride, center=center, dtype=dtype)


@functools.partial(jax.jit, static_argnames=("stride", "start", "stop", "dtype"))
def _istft_compiled(real, imag, win, stride, start, stop, dtype):
    """Windowed overlap-add of the frames' inverse transforms, normalized by the summed squared window."""
    fft_length, count = win.shape[-1], real.shape[-2]
    frames = jnp.fft.irfft(jax.lax.complex(real, imag), n=fft_length)
    positions = _frame_positions(count, fft_length, stride).ravel()
    total = fft_length + stride * (count - 1)
    windowed = (frames * win).reshape(frames.shape[:-2] + (-1,))
    signal = jnp.zeros(frames.shape[:-2] + (total,), frames.dtype).at[..., positions].add(windowed)
    weight = jnp.zeros(total, frames.dtype).at[positions].add(jnp.tile(win * win, count))
    signal = signal / jnp.where(weight > 1e-10, weight, 1.0)
    return signal[..., start:stop].astype(common.numpy_dtype(dtype))


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    (real, imag), dtype = float_inputs(*x)
    win = _window(window, sequence_length, fft_length, real.dtype)
    start = fft_length // 2 if center else 0
    total = fft_length + sequence_stride * (real.shape[-2] - 1)
    stop = start + length if length is not None else total - start
    return _istft_compiled(real, imag, win, stride=sequence_stride, start=start, stop=stop, dtype=dtype)


def view_as_complex(x):
    x = convert_to_tensor(x)
    return jax.lax.complex(x[..., 0].astype("float32"), x[..., 1].astype("float32"))


def view_as_real(x):
    x = convert_to_tensor(x)
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)
