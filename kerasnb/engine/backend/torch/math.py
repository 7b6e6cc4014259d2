"""Fourier transforms, STFT, framing, complex views and `logdet` on the PyTorch backend."""

import torch
import torch.nn.functional as F

from kerasnb.engine.backend.torch.core import convert_to_tensor, to_torch_dtype
from kerasnb.engine.backend.torch.linalg import float_inputs, restore_dtype

__all__ = ["extract_sequences", "fft", "fft2", "ifft2", "irfft", "istft", "logdet", "rfft", "stft",
           "view_as_complex", "view_as_real"]


def _complex_input(x):
    """A complex tensor from a `(real, imag)` pair, and the float dtype of the results."""
    (real, imag), dtype = float_inputs(*x)
    return torch.complex(real, imag), dtype


def _split(z, dtype):
    target = to_torch_dtype(dtype)
    return z.real.to(target), z.imag.to(target)


def logdet(x):
    (x,), dtype = float_inputs(x)
    return restore_dtype(torch.linalg.slogdet(x)[1], dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    return convert_to_tensor(x).unfold(-1, sequence_length, sequence_stride)


def fft(x):
    z, dtype = _complex_input(x)
    return _split(torch.fft.fft(z), dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    return _split(torch.fft.fft2(z), dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    return _split(torch.fft.ifft2(z), dtype)


def rfft(x, fft_length=None):
    (x,), dtype = float_inputs(x)
    return _split(torch.fft.rfft(x, n=fft_length), dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    return torch.fft.irfft(z, n=fft_length).to(to_torch_dtype(dtype))


def _window(window, sequence_length, fft_length, like):
    """The analysis window, centred and zero-padded to `fft_length`; None is all ones."""
    options = {"dtype": like.dtype, "device": like.device}
    if window is None:
        return torch.ones(fft_length, **options)
    if isinstance(window, str):
        make = torch.hann_window if window == "hann" else torch.hamming_window
        window = make(sequence_length, periodic=True, **options)
    left = (fft_length - sequence_length) // 2
    return F.pad(convert_to_tensor(window, like.dtype), (left, fft_length - sequence_length - left))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    (x,), dtype = float_inputs(x)
    if center:
        rows = x.reshape(-1, x.shape[-1])
        padded = F.pad(rows, (fft_length // 2, fft_length // 2), mode="reflect")
        x = padded.reshape(x.shape[:-1] + padded.shape[-1:])
    frames = x.unfold(-1, fft_length, sequence_stride)
    spectrum = torch.fft.rfft(frames * _window(window, sequence_length, fft_length, x), n=fft_length)
    return _split(spectrum, dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    z, dtype = _complex_input(x)
    frames = torch.fft.irfft(z, n=fft_length)
    win = _window(window, sequence_length, fft_length, frames)
    count, batch = frames.shape[-2], frames.shape[:-2]
    starts = torch.arange(count, device=frames.device) * sequence_stride
    positions = (starts[:, None] + torch.arange(fft_length, device=frames.device)).reshape(-1)
    total = fft_length + sequence_stride * (count - 1)
    windowed = (frames * win).reshape(batch + (-1,))
    signal = frames.new_zeros(batch + (total,)).index_add(-1, positions, windowed)
    weight = frames.new_zeros(total).index_add(0, positions, (win * win).repeat(count))
    signal = signal / torch.where(weight > 1e-10, weight, torch.ones_like(weight))
    start = fft_length // 2 if center else 0
    stop = start + length if length is not None else total - start
    return restore_dtype(signal[..., start:stop], dtype)


def view_as_complex(x):
    x = convert_to_tensor(x)
    return torch.complex(x[..., 0].to(torch.float32), x[..., 1].to(torch.float32))


def view_as_real(x):
    x = convert_to_tensor(x)
    if x.is_complex():
        return torch.view_as_real(x)
    return torch.stack([x, torch.zeros_like(x)], dim=-1)
