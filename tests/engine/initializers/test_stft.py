"""STFT initializer: the windowed DFT basis against a NumPy reference."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import initializers


def _window(name, n, periodic):
    """Independent reference windows (generalized cosine windows)."""
    a0 = {"hann": 0.5, "hamming": 0.54}[name]
    denominator = n if periodic else n - 1
    return a0 - (1 - a0) * np.cos(2 * np.pi * np.arange(n) / denominator)


def _reference(frame_length, bins, side, window, scaling):
    t = np.arange(frame_length)[:, None]
    k = np.arange(bins)[None, :]
    angle = -2 * np.pi * t * k / (2 * (bins - 1))
    kernel = np.cos(angle) if side == "real" else np.sin(angle)
    if window is not None:
        scale = {"density": np.sqrt(np.sum(window ** 2)), "spectrum": np.sum(np.abs(window)),
                 None: 1.0}[scaling]
        kernel = kernel * window[:, None] / scale
    return kernel[:, None, :]


@pytest.mark.parametrize("side, window, scaling, periodic", [
    ("real", "hann", "density", False),
    ("imag", "hamming", "spectrum", True),
    ("real", "hamming", None, True),
    ("imag", None, "density", False),
])
def test_named_windows_match_the_reference(backend, side, window, scaling, periodic):
    init = initializers.STFT(side=side, window=window, scaling=scaling, periodic=periodic)
    values = ops.convert_to_numpy(init((16, 1, 9)))
    assert values.shape == (16, 1, 9) and values.dtype == np.float32
    reference_window = None if window is None else _window(window, 16, periodic)
    np.testing.assert_allclose(values, _reference(16, 9, side, reference_window, scaling), atol=1e-6)


def test_array_window_channels_and_dtype(backend):
    window = np.linspace(0.5, 1.5, 8)
    values = ops.convert_to_numpy(initializers.STFT(window=window)((8, 3, 5), dtype="float64"))
    assert values.shape == (8, 3, 5) and values.dtype == np.float64
    expected = _reference(8, 5, "real", window, "density")
    for channel in range(3):
        np.testing.assert_allclose(values[:, channel:channel + 1], expected, atol=1e-12)


def test_config_round_trip_and_aliases(backend):
    assert initializers.stft is initializers.STFTInitializer is initializers.STFT
    init = initializers.STFT(side="imag", window="hamming", scaling="spectrum", periodic=True)
    assert init.get_config() == {"side": "imag", "window": "hamming", "periodic": True,
                                 "scaling": "spectrum"}
    clone = initializers.deserialize(initializers.serialize(init))
    np.testing.assert_array_equal(ops.convert_to_numpy(clone((4, 1, 3))),
                                  ops.convert_to_numpy(init((4, 1, 3))))
    array_init = initializers.STFT(window=np.ones(4, np.float32))
    clone = initializers.deserialize(initializers.serialize(array_init))
    np.testing.assert_allclose(ops.convert_to_numpy(clone((4, 1, 3))),
                               ops.convert_to_numpy(array_init((4, 1, 3))))


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`side` must be 'real' or 'imag'; received 'both'"):
        initializers.STFT(side="both")
    with pytest.raises(ValueError, match="`window` must be one of .*'hann'.*received 'kaiser'"):
        initializers.STFT(window="kaiser")
    with pytest.raises(ValueError, match="`scaling` must be one of"):
        initializers.STFT(scaling="power")
    with pytest.raises(ValueError, match="`periodic` must be a bool"):
        initializers.STFT(periodic="yes")
    with pytest.raises(ValueError, match="frame_length=5 values"):
        initializers.STFT(window=[1.0, 1.0])((5, 1, 3))
    with pytest.raises(ValueError, match="\\(frame_length, channels, bins\\)"):
        initializers.STFT()((5, 3))
