"""Audio spectrograms: `MelSpectrogram` (STFT power on the HTK mel scale, in decibels) and
`STFTSpectrogram` (an STFT computed as a convolution with trainable Fourier kernels)."""

import math

import numpy as np

from kerasnb.engine import config, initializers
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.ops.conv import conv
from kerasnb.engine.saving.serialization import builtin

_MEL_BREAK_HZ, _MEL_Q = 700.0, 1127.0


def _hz_to_mel(hertz):
    return _MEL_Q * np.log(1.0 + hertz / _MEL_BREAK_HZ)


def mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz,
                      upper_edge_hertz):
    """Triangular HTK mel filters, ``(num_spectrogram_bins, num_mel_bins)``, peaks of 1.

    Bin 0 (DC) gets no weight; band edges are spaced evenly in mel between the two edges.

    Example:
        >>> mel_weight_matrix(4, 129, 8000, 125.0, 3800.0).shape
        (129, 4)
    """
    f32 = np.float32
    nyquist = f32(sampling_rate) / f32(2.0)
    bins_mel = _hz_to_mel(np.linspace(f32(0), nyquist, num_spectrogram_bins, dtype=f32)[1:])[:, None]
    edges = np.linspace(_hz_to_mel(f32(lower_edge_hertz)), _hz_to_mel(f32(upper_edge_hertz)),
                        num_mel_bins + 2, dtype=f32)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    rising = (bins_mel - lower) / (center - lower)
    falling = (upper - bins_mel) / (upper - center)
    weights = np.maximum(f32(0), np.minimum(rising, falling)).astype(f32)
    return np.pad(weights, [(1, 0), (0, 0)])


@builtin("layers")
class MelSpectrogram(DataLayer):
    """Mel spectrograms of raw audio: ``(batch, samples)`` to ``(batch, num_mel_bins, frames)``.

    Frames are centred (``frames = 1 + samples // sequence_stride``); magnitudes are raised
    to `mag_exp`, mapped to mel bands, and with `power_to_db` converted to decibels
    relative to `ref_power`, floored at `top_db` below the batch's maximum.

    Args:
        fft_length: the FFT size (frequency bins = fft_length // 2 + 1).
        sequence_stride: samples between frames.
        sequence_length: window length (<= fft_length); defaults to fft_length.
        window: "hann", "hamming" or None.
        sampling_rate: samples per second.
        num_mel_bins: mel bands.
        min_freq, max_freq: the band range in Hz (max_freq defaults to sampling_rate / 2).
        power_to_db: output decibels.
        top_db: dynamic range kept below the maximum, in dB.
        mag_exp: exponent of the magnitudes (2: power).
        min_power: floor before the logarithm.
        ref_power: the power of 0 dB.
        **kwargs: base `Layer` arguments.

    Example:
        >>> MelSpectrogram(fft_length=256, sequence_stride=128, num_mel_bins=20)(
        ...     np.zeros((2, 1024))).shape
        (2, 20, 9)
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann",
                 sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None,
                 power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0,
                 **kwargs):
        for name, value in (("fft_length", fft_length), ("sequence_stride", sequence_stride),
                            ("num_mel_bins", num_mel_bins)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"MelSpectrogram: `{name}` must be a positive int; received {value!r}.")
        sequence_length = sequence_length or fft_length
        if fft_length < sequence_length:
            raise ValueError(f"MelSpectrogram: `fft_length` ({fft_length}) must be >= `sequence_length` "
                             f"({sequence_length}).")
        if window not in ("hann", "hamming", None):
            raise ValueError(f"MelSpectrogram: `window` must be 'hann', 'hamming' or None; received "
                             f"{window!r}.")
        super().__init__(**kwargs)
        self.fft_length, self.sequence_stride = fft_length, sequence_stride
        self.sequence_length = sequence_length
        self.window, self.sampling_rate, self.num_mel_bins = window, sampling_rate, num_mel_bins
        self.min_freq, self.max_freq = min_freq, max_freq or int(sampling_rate / 2)
        self.power_to_db, self.top_db, self.mag_exp = power_to_db, top_db, mag_exp
        self.min_power, self.ref_power = min_power, ref_power

    def call(self, inputs):
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        inputs = ops.cast(inputs, dtype)
        real, imag = ops.stft(inputs, self.sequence_length, self.sequence_stride, self.fft_length,
                              window=self.window, center=True)
        spectrum = ops.power(ops.sqrt(ops.add(ops.square(real), ops.square(imag))), self.mag_exp)
        matrix = mel_weight_matrix(self.num_mel_bins, self.fft_length // 2 + 1, self.sampling_rate,
                                   self.min_freq, self.max_freq).astype(dtype)
        mel = ops.tensordot(spectrum, matrix, axes=1)
        if self.power_to_db:
            mel = ops.multiply(10.0, ops.log10(ops.maximum(mel, self.min_power)))
            mel = ops.subtract(mel, 10.0 * math.log10(max(abs(self.ref_power), self.min_power)))
            mel = ops.maximum(mel, ops.subtract(ops.max(mel), self.top_db))
        return ops.cast(ops.swapaxes(mel, -1, -2), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        samples = input_shape[-1]
        frames = None if samples is None else 1 + samples // self.sequence_stride
        return tuple(input_shape[:-1]) + (self.num_mel_bins, frames)

    def get_config(self):
        config_ = super().get_config()
        config_.update({
            "fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length, "window": self.window,
            "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq, "max_freq": self.max_freq, "power_to_db": self.power_to_db,
            "top_db": self.top_db, "mag_exp": self.mag_exp, "min_power": self.min_power,
            "ref_power": self.ref_power})
        return config_


STFT_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


@builtin("layers")
class STFTSpectrogram(Layer):
    """Spectrograms of ``(batch, time, channels)`` signals by convolution with Fourier kernels.

    The kernels (``real_kernel``, ``imag_kernel``) start as the windowed DFT basis and are
    trainable, as in Keras.

    Args:
        mode: "log" (log magnitude), "magnitude", "psd" (one-sided power), "real", "imag",
            "angle", or "stft" (real and imaginary parts stacked on the frequency axis).
        frame_length: window length in samples.
        frame_step: samples between frames (default frame_length // 2).
        fft_length: FFT size (default the next power of two of frame_length).
        window: "hann", "hamming", None, or a 1-D array of `frame_length` values.
        periodic: periodic (True) or symmetric window.
        scaling: "density", "spectrum" or None, as the STFT initializer.
        padding: "valid" or "same".
        expand_dims: keep channels on their own axis (a 4-D output).
        data_format: "channels_last" or "channels_first".
        **kwargs: base `Layer` arguments.

    Example:
        >>> STFTSpectrogram(frame_length=16, frame_step=8)(np.zeros((1, 64, 1))).shape
        (1, 7, 9)
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann",
                 periodic=False, scaling="density", padding="valid", expand_dims=False, data_format=None,
                 **kwargs):
        if isinstance(frame_length, bool) or not isinstance(frame_length, int) or frame_length <= 0:
            raise ValueError(f"STFTSpectrogram: `frame_length` must be a positive int; received "
                             f"{frame_length!r}.")
        if frame_step is not None and not 1 <= frame_step <= frame_length:
            raise ValueError(f"STFTSpectrogram: `frame_step` must be in [1, frame_length={frame_length}]; "
                             f"received {frame_step!r}.")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"STFTSpectrogram: `fft_length` ({fft_length}) must be >= `frame_length` "
                             f"({frame_length}).")
        if mode not in STFT_MODES:
            raise ValueError(f"STFTSpectrogram: `mode` must be one of {STFT_MODES}; received {mode!r}.")
        if scaling not in ("density", "spectrum", None):
            raise ValueError(f"STFTSpectrogram: `scaling` must be 'density', 'spectrum' or None; "
                             f"received {scaling!r}.")
        if padding not in ("valid", "same"):
            raise ValueError(f"STFTSpectrogram: `padding` must be 'valid' or 'same'; received {padding!r}.")
        super().__init__(**kwargs)
        self.mode, self.frame_length, self.frame_step = mode, frame_length, frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window, self.periodic, self.scaling = window, periodic, scaling
        self.padding, self.expand_dims = padding, expand_dims
        self.data_format = config.standardize_data_format(data_format)
        initializers.STFT("real", window, scaling, periodic)  # checks the window name now
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        self.real_kernel = self.imag_kernel = None
        if self.mode != "imag":
            self.real_kernel = self.add_weight(name="real_kernel", shape=shape, initializer=initializers.STFT(
                "real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(name="imag_kernel", shape=shape, initializer=initializers.STFT(
                "imag", self.window, self.scaling, self.periodic))

    def _frames(self, inputs, kernel):
        """``(batch, channels, frequencies, frames)``: each channel convolved on its own."""
        last = self.data_format == "channels_last"
        shape = ops.shape(inputs)
        channels, steps = (shape[2], shape[1]) if last else (shape[1], shape[2])
        signals = ops.transpose(inputs, (0, 2, 1)) if last else inputs
        signals = ops.reshape(signals, (-1, steps, 1) if last else (-1, 1, steps))
        out = conv(signals, ops.cast(kernel.value, ops.dtype(signals)), strides=self._frame_step,
                   padding=self.padding, data_format=self.data_format)
        if last:
            out = ops.transpose(out, (0, 2, 1))
        out_shape = ops.shape(out)
        return ops.reshape(out, (-1, channels, out_shape[1], out_shape[2]))

    def _arrange(self, frames):
        shape = ops.shape(frames)
        if self.expand_dims:
            last = self.data_format == "channels_last"
            return ops.transpose(frames, (0, 3, 2, 1) if last else (0, 1, 3, 2))
        merged = ops.reshape(frames, (-1, shape[1] * shape[2], shape[3]))
        return ops.transpose(merged, (0, 2, 1)) if self.data_format == "channels_last" else merged

    def call(self, inputs):
        if ops.dtype(inputs) not in ("float16", "float32", "float64"):
            raise TypeError(f"STFTSpectrogram expects float16, float32 or float64 signals; received "
                            f"{ops.dtype(inputs)}.")
        real = self._frames(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._frames(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode in ("real", "imag"):
            return self._arrange(real if self.mode == "real" else imag)
        if self.mode == "angle":
            return self._arrange(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ops.concatenate([real, imag], axis=2))
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "psd":  # one-sided: the inner bins count twice
            inner = ops.pad(power[:, :, 1:-1, :], [(0, 0), (0, 0), (1, 1), (0, 0)])
            return self._arrange(ops.add(power, inner))
        magnitude = self._arrange(ops.sqrt(ops.maximum(power, config.epsilon())))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, config.epsilon()))

    def compute_output_shape(self, input_shape):
        last = self.data_format == "channels_last"
        channels, steps = (input_shape[2], input_shape[1]) if last else (input_shape[1], input_shape[2])
        frequencies = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        if steps is None:
            frames = None
        elif self.padding == "same":
            frames = -(-steps // self._frame_step)
        else:
            frames = (steps - self.frame_length) // self._frame_step + 1
        if self.expand_dims:
            return (input_shape[0], frames, frequencies, channels) if last else \
                (input_shape[0], channels, frames, frequencies)
        merged = None if channels is None else channels * frequencies
        return (input_shape[0], frames, merged) if last else (input_shape[0], merged, frames)

    def get_config(self):
        config_ = super().get_config()
        config_.update({
            "mode": self.mode, "frame_length": self.frame_length, "frame_step": self.frame_step,
            "fft_length": self.fft_length, "window": self.window, "periodic": self.periodic,
            "scaling": self.scaling, "padding": self.padding, "data_format": self.data_format,
            "expand_dims": self.expand_dims})
        return config_
