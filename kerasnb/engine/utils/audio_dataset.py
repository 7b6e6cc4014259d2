"""`audio_dataset_from_directory` (`keras.utils`): labelled audio batches from ``.wav`` files,
and the WAV reader behind it (the standard library's `wave`, PCM 8/16/24/32-bit).

Example:
    >>> ds = audio_dataset_from_directory("speech/", output_sequence_length=16000)  # doctest: +SKIP
"""

import wave

import numpy as np

from kerasnb.engine.utils import dataset_utils

AUDIO_FORMATS = (".wav",)


def read_wav(path):
    """A PCM WAV file as ``(float32 samples in [-1, 1) of shape (frames, channels), rate)``."""
    try:
        with wave.open(path if isinstance(path, str) else path.decode(), "rb") as f:
            channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
            raw = f.readframes(f.getnframes())
    except wave.Error as error:
        raise ValueError(f"{path} is not a PCM WAV file the `wave` module can read: "
                         f"{error}") from None
    if width == 1:  # unsigned 8-bit
        samples = (np.frombuffer(raw, "uint8").astype("float32") - 128.0) / 128.0
    elif width == 3:  # little-endian 24-bit, sign-extended through the top byte
        triples = np.frombuffer(raw, "uint8").reshape(-1, 3).astype("int32")
        values = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        samples = (np.where(values >= 1 << 23, values - (1 << 24), values) / float(1 << 23))
    else:
        samples = np.frombuffer(raw, f"<i{width}") / float(1 << (8 * width - 1))
    return samples.astype("float32").reshape(-1, channels), rate


def resample(audio, rate_in, rate_out):
    """Band-limited (FFT) resampling of ``(frames, channels)`` audio from `rate_in` to
    `rate_out` samples per second."""
    if rate_in == rate_out or not len(audio):
        return audio
    frames = len(audio)
    count = max(int(round(frames * rate_out / rate_in)), 1)
    spectrum = np.fft.rfft(audio, axis=0)
    keep = min(spectrum.shape[0], count // 2 + 1)
    out = np.zeros((count // 2 + 1, audio.shape[1]), spectrum.dtype)
    out[:keep] = spectrum[:keep]
    return (np.fft.irfft(out, n=count, axis=0) * (count / frames)).astype("float32")


def fit_length(audio, length):
    """`audio` cut or zero-padded to `length` frames."""
    if len(audio) >= length:
        return audio[:length]
    return np.concatenate([audio, np.zeros((length - len(audio), audio.shape[1]), audio.dtype)])


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 batch_size=32, sampling_rate=None, output_sequence_length=None,
                                 ragged=False, shuffle=True, seed=None, validation_split=None,
                                 subset=None, follow_links=False, verbose=True):
    """A dataset of ``(audio, labels)`` batches read from the ``.wav`` files of a directory.

    With ``labels="inferred"`` the directory holds one sub-directory per class. Audio is
    float32 in ``[-1, 1)`` of shape ``(batch, frames, channels)``; batches without a fixed
    `output_sequence_length` are zero-padded to their longest file.

    Args:
        directory: the data directory.
        labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
            follow_links, verbose: as in `image_dataset_from_directory`.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns a tuple).
        sampling_rate: resample every file to this rate (FFT resampling in NumPy; Keras uses
            tensorflow-io, so values differ slightly).
        output_sequence_length: cut or zero-pad every file to this many frames (counted
            after resampling).
        ragged: yield `tf.RaggedTensor` batches of unpadded audio (needs TensorFlow).

    Returns:
        A `tf.data.Dataset` (or, without TensorFlow, a kerasnb `PyDataset` of NumPy
        batches) with a `class_names` attribute; a tuple (training, validation) for
        ``subset="both"``.

    Example:
        >>> train, val = audio_dataset_from_directory(  # doctest: +SKIP
        ...     "speech/", validation_split=0.2, subset="both", seed=0)
    """
    if ragged and output_sequence_length is not None:
        raise ValueError("Pass at most one of `ragged` and `output_sequence_length`.")
    if sampling_rate is not None and (not isinstance(sampling_rate, int) or sampling_rate <= 0):
        raise ValueError(f"`sampling_rate` must be a positive int or None; received "
                         f"{sampling_rate!r}.")
    if output_sequence_length is not None and (not isinstance(output_sequence_length, int)
                                               or output_sequence_length <= 0):
        raise ValueError(f"`output_sequence_length` must be a positive int or None; received "
                         f"{output_sequence_length!r}.")
    if ragged and not dataset_utils.tf_available():
        raise NotImplementedError("audio_dataset_from_directory(ragged=True) needs TensorFlow "
                                  "(tf.RaggedTensor); it is not installed.")

    def load(path):
        audio, rate = read_wav(path)
        if sampling_rate is not None:
            audio = resample(audio, rate, sampling_rate)
        if output_sequence_length is not None:
            audio = fit_length(audio, output_sequence_length)
        return audio

    def load_batch(paths):
        return dataset_utils.pad_stack([load(p) for p in paths], "float32")

    result = dataset_utils.dataset_from_files(
        directory, labels, label_mode, class_names, None if ragged else batch_size, shuffle,
        seed, validation_split, subset, follow_links, verbose, AUDIO_FORMATS, "audio",
        load_batch, ((output_sequence_length, None), "float32"))
    if ragged:
        parts = result if subset == "both" else [result]
        parts = [_ragged(part, batch_size) for part in parts]
        return tuple(parts) if subset == "both" else parts[0]
    return tuple(result) if subset == "both" else result


def _ragged(dataset, batch_size):
    ragged = dataset_utils.tf_data().ragged_batches(dataset, batch_size)
    ragged.class_names, ragged.file_paths = dataset.class_names, dataset.file_paths
    return ragged
