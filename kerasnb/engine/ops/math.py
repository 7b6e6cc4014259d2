"""Math ops (top-level `keras.ops`): Fourier transforms, STFT, framing, complex views, `logdet`.

Complex values cross the API as `(real, imag)` pairs of float tensors, as in Keras 3:
`fft((real, imag))` returns `(real, imag)`. Integer inputs give floatx.
"""

import functools
import numbers

from kerasnb.engine import dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.linalg import check_matrix, fail, float_dtype, real_dtype
from kerasnb.engine.ops.op import op

__all__ = ["extract_sequences", "fft", "fft2", "ifft2", "irfft", "istft", "logdet", "rfft", "stft",
           "view_as_complex", "view_as_real"]

_WINDOWS = ("hann", "hamming")


# Argument checks ---------------------------------------------------------------------

def _check_rank(name, x, rank, arg="x"):
    shape = rules.shape_of(x)
    if len(shape) < rank:
        fail(name, arg, f"of rank >= {rank}", f"shape {shape}")
    return shape


def _check_positive(name, **values):
    for arg, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            fail(name, arg, "to be a positive int", repr(value))


def _check_pair(name, x, rank):
    """Checks a `(real, imag)` pair of real tensors of one shape with rank >= `rank`."""
    if not isinstance(x, (list, tuple)) or len(x) != 2:
        fail(name, "x", "to be a (real, imag) pair of tensors", f"{type(x).__name__} {x!r:.80}")
    shapes = [_check_rank(name, part, rank, f"x[{i}]") for i, part in enumerate(x)]
    if shapes[0] != shapes[1]:
        fail(name, "x", "real and imaginary parts of one shape", f"shapes {shapes[0]} and {shapes[1]}")
    kinds = [rules.dtype_of(part) for part in x]
    if any(dtypes.is_complex(kind) for kind in kinds):
        fail(name, "x", "real-valued parts (complex values are split into a (real, imag) pair)",
             f"dtypes {kinds[0]} and {kinds[1]}")
    return shapes[0]


def _pair_of_rank(rank):
    def check(name, x, *args, **kwargs):
        _check_pair(name, x, rank)

    return check


def _check_fft_length(name, fft_length):
    if fft_length is not None:
        _check_positive(name, fft_length=fft_length)


def _check_window(name, window, sequence_length):
    if window is None or (isinstance(window, str) and window in _WINDOWS):
        return
    if isinstance(window, str):
        fail(name, "window", "to be 'hann', 'hamming', None or a 1-D tensor", repr(window))
    if rules.shape_of(window) != (sequence_length,):
        fail(name, "window", f"of shape ({sequence_length},) (`sequence_length`)",
             f"shape {rules.shape_of(window)}")


def _check_frames(name, sequence_length, sequence_stride, fft_length, window):
    _check_positive(name, sequence_length=sequence_length, sequence_stride=sequence_stride,
                    fft_length=fft_length)
    if fft_length < sequence_length:
        fail(name, "fft_length", f">= `sequence_length` ({sequence_length})", fft_length)
    _check_window(name, window, sequence_length)


def _square(name, x):
    check_matrix(name, x, square=True)


def _extract_args(name, x, sequence_length, sequence_stride):
    size = _check_rank(name, x, 1)[-1]
    _check_positive(name, sequence_length=sequence_length, sequence_stride=sequence_stride)
    if size is not None and size < sequence_length:
        fail(name, "x", f"at least `sequence_length` = {sequence_length} samples in its last dim",
             f"shape {rules.shape_of(x)}")


def _rfft_args(name, x, fft_length=None):
    _check_rank(name, x, 1)
    _check_fft_length(name, fft_length)


def _irfft_args(name, x, fft_length=None):
    _check_pair(name, x, 1)
    _check_fft_length(name, fft_length)


def _stft_args(name, x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    size = _check_rank(name, x, 1)[-1]
    _check_frames(name, sequence_length, sequence_stride, fft_length, window)
    if size is None:
        return
    if center and size <= fft_length // 2:
        fail(name, "x", f"more than fft_length // 2 = {fft_length // 2} samples to pad by reflection",
             f"shape {rules.shape_of(x)}")
    if not center and size < fft_length:
        fail(name, "x", f"at least `fft_length` = {fft_length} samples", f"shape {rules.shape_of(x)}")


def _istft_args(name, x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
                center=True):
    _check_pair(name, x, 2)
    _check_frames(name, sequence_length, sequence_stride, fft_length, window)
    if length is not None:
        _check_positive(name, length=length)


def _view_as_complex_args(name, x):
    shape = rules.shape_of(x)
    if not shape or shape[-1] not in (2, None):
        fail(name, "x", "a last dim of size 2 (real, imag)", f"shape {shape}")


# Symbolic rules ----------------------------------------------------------------------

def _pair_rule(x, *args, **kwargs):
    shape, dtype = rules.shape_of(x[0]), float_dtype(*x)
    return rules.tensor(shape, dtype), rules.tensor(shape, dtype)


def _logdet_rule(x):
    return rules.tensor(rules.shape_of(x)[:-2], float_dtype(x))


def _frame_count(size, length, stride):
    return None if size is None else 1 + (size - length) // stride


def _extract_rule(x, sequence_length, sequence_stride):
    shape = rules.shape_of(x)
    count = _frame_count(shape[-1], sequence_length, sequence_stride)
    return rules.tensor(shape[:-1] + (count, sequence_length), rules.dtype_of(x))


def _rfft_rule(x, fft_length=None):
    shape = rules.shape_of(x)
    n = fft_length or shape[-1]
    bins = None if n is None else n // 2 + 1
    out = rules.tensor(shape[:-1] + (bins,), float_dtype(x))
    return out, rules.tensor(out.shape, out.dtype)


def _irfft_rule(x, fft_length=None):
    shape = rules.shape_of(x[0])
    n = fft_length or (None if shape[-1] is None else 2 * (shape[-1] - 1))
    return rules.tensor(shape[:-1] + (n,), float_dtype(*x))


def _stft_rule(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    shape = rules.shape_of(x)
    size = shape[-1]
    if size is not None and center:
        size += 2 * (fft_length // 2)
    out_shape = shape[:-1] + (_frame_count(size, fft_length, sequence_stride), fft_length // 2 + 1)
    dtype = float_dtype(x)
    return rules.tensor(out_shape, dtype), rules.tensor(out_shape, dtype)


def _istft_rule(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
                center=True):
    shape = rules.shape_of(x[0])
    total = None if shape[-2] is None else fft_length + sequence_stride * (shape[-2] - 1)
    start = fft_length // 2 if center else 0
    if total is None:
        size = length
    else:
        size = max(min(length, total - start) if length is not None else total - 2 * start, 0)
    return rules.tensor(shape[:-2] + (size,), float_dtype(*x))


def _view_as_complex_rule(x):
    return rules.tensor(rules.shape_of(x)[:-1], "complex64")


def _view_as_real_rule(x):
    return rules.tensor(rules.shape_of(x) + (2,), real_dtype(rules.dtype_of(x)))


# Ops ---------------------------------------------------------------------------------

@op(_logdet_rule, family="math", check=functools.partial(_square, "logdet"))
def logdet(x):
    """Natural log of the absolute determinant of square matrices, `(..., M, M)` -> `(...)`.

    Computed stably from an LU factorization, so large or tiny determinants do not overflow.

    Example:
        >>> ops.logdet([[2.0, 0.0], [0.0, 3.0]])
        array(1.7917595, dtype=float32)
    """


@op(_extract_rule, family="math", check=functools.partial(_extract_args, "extract_sequences"))
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of `sequence_length` samples every `sequence_stride` samples along the last axis.

    Returns:
        Shape `(..., 1 + (n - sequence_length) // sequence_stride, sequence_length)`; dtype of `x`.

    Example:
        >>> ops.extract_sequences([1, 2, 3, 4, 5], sequence_length=3, sequence_stride=2)
        array([[1, 2, 3],
               [3, 4, 5]], dtype=int32)
    """


@op(_pair_rule, family="math", check=functools.partial(_pair_of_rank(1), "fft"))
def fft(x):
    """Discrete Fourier transform along the last axis.

    Args:
        x: `(real, imag)` pair of float tensors of one shape.

    Returns:
        `(real, imag)` of the transform.

    Example:
        >>> real, imag = ops.fft(([1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]))
        >>> real
        array([1., 1., 1., 1.], dtype=float32)
    """


@op(_pair_rule, family="math", check=functools.partial(_pair_of_rank(2), "fft2"))
def fft2(x):
    """2-D discrete Fourier transform over the last two axes of a `(real, imag)` pair.

    Example:
        >>> real, imag = ops.fft2(([[1.0, 1.0], [1.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]))
        >>> real
        array([[4., 0.],
               [0., 0.]], dtype=float32)
    """


@op(_pair_rule, family="math", check=functools.partial(_pair_of_rank(2), "ifft2"))
def ifft2(x):
    """Inverse 2-D discrete Fourier transform over the last two axes of a `(real, imag)` pair.

    Example:
        >>> real, imag = ops.ifft2(([[4.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]))
        >>> real
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """


@op(_rfft_rule, family="math", check=functools.partial(_rfft_args, "rfft"))
def rfft(x, fft_length=None):
    """Fourier transform of a real signal along the last axis (non-negative frequencies only).

    Args:
        x: real tensor.
        fft_length: transform length; the signal is cropped or zero-padded to it
            (default: its own length).

    Returns:
        `(real, imag)` with `fft_length // 2 + 1` frequency bins in the last axis.

    Example:
        >>> real, imag = ops.rfft([1.0, 2.0, 3.0, 4.0])
        >>> real
        array([10., -2., -2.], dtype=float32)
    """


@op(_irfft_rule, family="math", check=functools.partial(_irfft_args, "irfft"))
def irfft(x, fft_length=None):
    """Inverse of `rfft`: a real signal from the non-negative frequency bins of its spectrum.

    Args:
        x: `(real, imag)` pair with the frequency bins in the last axis.
        fft_length: output length; the spectrum is cropped or zero-padded to
            `fft_length // 2 + 1` bins (default: `2 * (bins - 1)`).

    Example:
        >>> ops.irfft(([10.0, -2.0, -2.0], [0.0, 2.0, 0.0]))
        array([1., 2., 3., 4.], dtype=float32)
    """


@op(_stft_rule, family="math", check=functools.partial(_stft_args, "stft"))
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis.

    Frames of `fft_length` samples every `sequence_stride` samples are multiplied by the
    window (of `sequence_length` samples, zero-padded on both sides to `fft_length`) and
    transformed with `rfft`.

    Args:
        x: real signal, shape `(..., n)`.
        sequence_length: window length.
        sequence_stride: hop between frames.
        fft_length: frame and transform length, `>= sequence_length`.
        window: 'hann' or 'hamming' (periodic), a 1-D tensor of `sequence_length` values,
            or None (no window: all `fft_length` samples of a frame count).
        center: pad `x` by `fft_length // 2` reflected samples on each side first, so that
            frame `t` is centred on sample `t * sequence_stride`.

    Returns:
        `(real, imag)`, shape `(..., frames, fft_length // 2 + 1)`.

    Example:
        >>> real, imag = ops.stft(ops.ones((16,)), 8, 4, 8)
        >>> real.shape
        (5, 5)
    """


@op(_istft_rule, family="math", check=functools.partial(_istft_args, "istft"))
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse short-time Fourier transform: windowed overlap-add of the frames' `irfft`.

    Each output sample is divided by the sum of squared window values overlapping it, so
    `istft(stft(x))` gives back `x` wherever the windows cover it (the other arguments as
    in `stft`).

    Args:
        x: `(real, imag)` pair of shape `(..., frames, fft_length // 2 + 1)`.
        sequence_length, sequence_stride, fft_length, window, center: as given to `stft`.
        length: keep at most this many samples (after dropping the centre padding).

    Returns:
        The real signal, shape `(..., samples)`.

    Example:
        >>> x = ops.convert_to_tensor(np.sin(np.arange(32.0)), "float32")
        >>> y = ops.istft(ops.stft(x, 8, 4, 8), 8, 4, 8, length=32)
        >>> y.shape
        (32,)
    """


@op(_view_as_complex_rule, family="math", check=functools.partial(_view_as_complex_args, "view_as_complex"))
def view_as_complex(x):
    """A complex64 tensor from a real one whose last dim holds (real, imag).

    Example:
        >>> ops.view_as_complex([[1.0, 2.0], [3.0, 4.0]])
        array([1.+2.j, 3.+4.j], dtype=complex64)
    """


@op(_view_as_real_rule, family="math")
def view_as_real(x):
    """A real tensor with a new last dim of size 2 holding the real and imaginary parts of `x`.

    Example:
        >>> ops.view_as_real(np.array([1 + 2j], "complex64"))
        array([[1., 2.]], dtype=float32)
    """
