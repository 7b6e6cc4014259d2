"""Fourier transforms, STFT, framing, complex views and `logdet` on every backend."""

import re

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb.engine.tensors import KerasTensor
from tests.engine.ops.checks import check_grad, check_op, to_numpy

RNG = np.random.default_rng(11)


def pair(z, dtype="float64"):
    return np.real(z).astype(dtype), np.imag(z).astype(dtype)


def window_values(window, sequence_length, fft_length):
    """Periodic window (NumPy's symmetric one, one sample longer, minus its last sample), centred in `fft_length`."""
    if window is None:
        return np.ones(fft_length)
    if isinstance(window, str):
        window = {"hann": np.hanning, "hamming": np.hamming}[window](sequence_length + 1)[:-1]
    left = (fft_length - sequence_length) // 2
    return np.concatenate([np.zeros(left), window, np.zeros(fft_length - sequence_length - left)])


def reference_stft(x, sequence_length, stride, fft_length, window, center):
    if center:
        half = fft_length // 2
        x = np.concatenate([x[..., half:0:-1], x, x[..., -2:-half - 2:-1]], axis=-1)
    win = window_values(window, sequence_length, fft_length)
    frames = [x[..., start:start + fft_length] * win for start in range(0, x.shape[-1] - fft_length + 1, stride)]
    return np.fft.rfft(np.stack(frames, axis=-2), axis=-1)


def reference_istft(spectrum, sequence_length, stride, fft_length, length, window, center):
    win = window_values(window, sequence_length, fft_length)
    frames = np.fft.irfft(spectrum, n=fft_length, axis=-1)
    total = fft_length + stride * (frames.shape[-2] - 1)
    signal, weight = np.zeros(frames.shape[:-2] + (total,)), np.zeros(total)
    for i in range(frames.shape[-2]):
        signal[..., i * stride:i * stride + fft_length] += frames[..., i, :] * win
        weight[i * stride:i * stride + fft_length] += win ** 2
    signal /= np.where(weight > 1e-10, weight, 1.0)
    start = fft_length // 2 if center else 0
    stop = start + length if length is not None else total - start
    return signal[..., start:stop]


# Values and dtypes ---------------------------------------------------------------------

def test_logdet(backend):
    a = RNG.standard_normal((3, 4, 4))
    check_op(ops.logdet, a, expected=np.linalg.slogdet(a)[1], dtype="float64")
    check_op(ops.logdet, np.array([[0, 2], [3, 0]], "int32"), expected=np.log(6.0), dtype="float32")
    check_op(ops.logdet, np.diag([1e-30, 1e-30, 1e-30]), expected=3 * np.log(1e-30), dtype="float64")


def test_extract_sequences(backend):
    x = np.arange(22, dtype="int32").reshape(2, 11)
    expected = np.stack([x[:, s:s + 4] for s in (0, 3, 6)], axis=1)
    check_op(ops.extract_sequences, x, 4, 3, expected=expected, dtype="int32")
    check_op(ops.extract_sequences, x.astype("float32"), sequence_length=11, sequence_stride=5,
             expected=x[:, None, :].astype("float32"), dtype="float32")


def test_fft_fft2_ifft2(backend):
    z = RNG.standard_normal((2, 3, 4)) + 1j * RNG.standard_normal((2, 3, 4))
    check_op(ops.fft, pair(z), expected=pair(np.fft.fft(z)), dtype="float64")
    check_op(ops.fft2, pair(z), expected=pair(np.fft.fft2(z)), dtype="float64")
    check_op(ops.ifft2, pair(z), expected=pair(np.fft.ifft2(z)), dtype="float64")
    check_op(ops.fft, pair(z, "float32"), expected=pair(np.fft.fft(z)), dtype="float32", rtol=1e-4, atol=1e-5)
    ints = (np.array([1, 0, 0, 0], "int32"), np.zeros(4, "int32"))
    check_op(ops.fft, ints, expected=pair(np.ones(4)), dtype="float32")


def test_rfft_and_irfft(backend):
    x = RNG.standard_normal((2, 6))
    for n in (None, 4, 9):
        check_op(ops.rfft, x, fft_length=n, expected=pair(np.fft.rfft(x, n=n)), dtype="float64")
    spectrum = np.fft.rfft(x)
    for n in (None, 6, 7, 3):
        check_op(ops.irfft, pair(spectrum), fft_length=n, expected=np.fft.irfft(spectrum, n=n), dtype="float64")
    check_op(ops.rfft, np.array([1, 2, 3, 4], "int32"), expected=pair(np.array([10, -2 + 2j, -2])), dtype="float32")
    check_op(ops.irfft, pair(spectrum, "float16"), expected=np.fft.irfft(spectrum), dtype="float16",
             rtol=1e-2, atol=1e-2)


STFT_CASES = [  # sequence_length, sequence_stride, fft_length, window, center
    (8, 4, 8, "hann", True), (6, 3, 8, "hamming", False), (5, 2, 8, None, True), (7, 3, 10, "hann", False),
]


def test_stft_matches_framewise_rfft(backend):
    x = RNG.standard_normal((2, 24))
    for sequence_length, stride, fft_length, window, center in STFT_CASES:
        expected = reference_stft(x, sequence_length, stride, fft_length, window, center)
        check_op(ops.stft, x, sequence_length, stride, fft_length, window=window, center=center,
                 expected=pair(expected), dtype="float64")
    custom = RNG.uniform(0.5, 1.0, 6)
    expected = reference_stft(x[0], 6, 2, 8, custom, True)
    check_op(ops.stft, x[0].astype("float32"), 6, 2, 8, window=custom, expected=pair(expected),
             dtype="float32", rtol=1e-4, atol=1e-5)


def test_istft_inverts_stft(backend):
    x = RNG.standard_normal((2, 24))
    for (sequence_length, stride, fft_length, window, center), length in zip(STFT_CASES, (None, 10, 100, None)):
        spectrum = reference_stft(x, sequence_length, stride, fft_length, window, center)
        expected = reference_istft(spectrum, sequence_length, stride, fft_length, length, window, center)
        check_op(ops.istft, pair(spectrum), sequence_length, stride, fft_length, length=length,
                 window=window, center=center, expected=expected, dtype="float64")
    spectrum = to_numpy(ops.stft(x.astype("float32"), 8, 4, 8))
    check_op(ops.istft, spectrum, 8, 4, 8, length=24, expected=x, dtype="float32", rtol=1e-4, atol=1e-5)


def test_view_as_complex_and_real(backend):
    z = np.array([[1 + 2j, -3.5j], [0.5, 4 - 1j]])
    check_op(ops.view_as_complex, np.stack(pair(z), -1), expected=z.astype("complex64"), dtype="complex64")
    check_op(ops.view_as_complex, np.array([[1, 2]], "int32"), expected=np.array([1 + 2j]), dtype="complex64")
    check_op(ops.view_as_real, z.astype("complex64"), expected=np.stack(pair(z), -1), dtype="float32")
    check_op(ops.view_as_real, z, expected=np.stack(pair(z), -1), dtype="float64")
    check_op(ops.view_as_real, np.array([1.5, 2.0], "float32"), expected=np.array([[1.5, 0.0], [2.0, 0.0]]),
             dtype="float32")


# Gradients -----------------------------------------------------------------------------

def test_gradients(trainable_backend):
    x = RNG.standard_normal((2, 8))
    zeros = np.zeros_like(x)
    check_grad(ops.logdet, RNG.standard_normal((3, 3)) + 3 * np.eye(3))
    check_grad(lambda t: ops.fft((t, zeros))[1], x)
    check_grad(lambda t: ops.fft2((zeros, t))[0], x)
    check_grad(lambda t: ops.rfft(t, fft_length=6)[0], x)
    check_grad(lambda t: ops.irfft((t, zeros), fft_length=12), x)
    check_grad(lambda t: ops.extract_sequences(t, 3, 2), x)
    check_grad(lambda t: ops.stft(t, 4, 2, 6, center=True)[1], x)
    check_grad(lambda t: ops.istft((t, t), 4, 2, 6, center=False), RNG.standard_normal((3, 4)))


# Bad input and symbolic shapes -----------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: ops.fft(np.ones(4)), "`fft` expects `x` to be a (real, imag) pair"),
    (lambda: ops.fft((np.ones(4), np.ones(3))), "`fft` expects `x` real and imaginary parts of one shape"),
    (lambda: ops.fft2((np.ones(4), np.ones(4))), "`fft2` expects `x[0]` of rank >= 2"),
    (lambda: ops.ifft2((np.ones((2, 2), "complex64"),) * 2), "`ifft2` expects `x` real-valued parts"),
    (lambda: ops.rfft(np.ones(4), fft_length=0), "`rfft` expects `fft_length` to be a positive int"),
    (lambda: ops.irfft((np.ones(3), np.ones(3)), fft_length=2.5), "`irfft` expects `fft_length` to be"),
    (lambda: ops.extract_sequences(np.ones(4), 5, 1), "`extract_sequences` expects `x` at least"),
    (lambda: ops.extract_sequences(np.ones(4), 2, 0), "`extract_sequences` expects `sequence_stride`"),
    (lambda: ops.stft(np.ones(16), 8, 4, 4), "`stft` expects `fft_length` >= `sequence_length`"),
    (lambda: ops.stft(np.ones(16), 8, 4, 8, window="blackman"), "`stft` expects `window` to be 'hann'"),
    (lambda: ops.stft(np.ones(16), 8, 4, 8, window=np.ones(7)), "`stft` expects `window` of shape (8,)"),
    (lambda: ops.stft(np.ones(4), 8, 4, 8), "`stft` expects `x` more than fft_length // 2"),
    (lambda: ops.stft(np.ones(4), 8, 4, 8, center=False), "`stft` expects `x` at least `fft_length`"),
    (lambda: ops.istft((np.ones(5), np.ones(5)), 8, 4, 8), "`istft` expects `x[0]` of rank >= 2"),
    (lambda: ops.istft((np.ones((2, 5)),) * 2, 8, 4, 8, length=-1), "`istft` expects `length`"),
    (lambda: ops.logdet(np.ones((2, 3))), "`logdet` expects `x` square"),
    (lambda: ops.view_as_complex(np.ones((2, 3))), "`view_as_complex` expects `x` a last dim of size 2"),
])
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_symbolic_shapes_with_unknown_dims():
    signal = KerasTensor((None, None))
    real, imag = ops.stft(signal, 8, 4, 16)
    assert real.shape == (None, None, 9) and imag.dtype == "float32"
    real, _ = ops.stft(KerasTensor((3, 100), "float64"), 8, 4, 16, center=False)
    assert (real.shape, real.dtype) == ((3, 22, 9), "float64")
    frames = (KerasTensor((2, None, 9)), KerasTensor((2, None, 9)))
    assert ops.istft(frames, 8, 4, 16).shape == (2, None)
    assert ops.istft(frames, 8, 4, 16, length=50).shape == (2, 50)
    assert ops.istft((KerasTensor((2, 5, 9)),) * 2, 8, 4, 16, length=50).shape == (2, 24)
    assert ops.rfft(KerasTensor((None, 10), "int32"))[0].shape == (None, 6)
    assert ops.rfft(KerasTensor((None, None)), fft_length=7)[1].shape == (None, 4)
    assert ops.irfft((KerasTensor((None, 6)),) * 2).shape == (None, 10)
    assert ops.extract_sequences(KerasTensor((4, None), "int8"), 3, 2).shape == (4, None, 3)
    assert ops.fft2((KerasTensor((None, 3, 4)),) * 2)[0].shape == (None, 3, 4)
    assert ops.logdet(KerasTensor((None, 3, 3))).shape == (None,)
    assert ops.view_as_complex(KerasTensor((None, 2))).shape == (None,)
    assert ops.view_as_real(KerasTensor((None, 3), "complex128")).dtype == "float64"

