"""keras.utils.audio_dataset_from_directory on real WAV files written with `wave`."""

import os
import wave

import numpy as np
import pytest

import kerasnb
from kerasnb.engine.utils import audio_dataset, dataset_utils
from kerasnb.utils import audio_dataset_from_directory


def write_wav(path, frames, width=2, rate=8000):
    """Writes integer `frames` of shape (n, channels) as PCM of `width` bytes."""
    frames = np.asarray(frames)
    if width == 1:
        raw = (frames + 128).astype("uint8").tobytes()
    elif width == 3:
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in frames.ravel())
    else:
        raw = frames.astype(f"<i{width}").tobytes()
    with wave.open(str(path), "wb") as f:
        f.setnchannels(frames.shape[1])
        f.setsampwidth(width)
        f.setframerate(rate)
        f.writeframes(raw)


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    root = tmp_path_factory.mktemp("speech")
    rng = np.random.RandomState(0)
    clips = {}
    for label in ("no", "yes"):
        (root / label).mkdir()
        for k in range(3):
            frames = rng.randint(-32768, 32768, (50 + 10 * k, 1))
            write_wav(root / label / f"{k}.wav", frames)
            clips[f"{label}/{k}.wav"] = frames / 32768.0
    (root / "yes" / "notes.txt").write_text("ignored")
    return root, clips


@pytest.mark.parametrize("width, scale", [(1, 128), (2, 32768), (3, 1 << 23), (4, 1 << 31)])
def test_read_wav_scales_every_pcm_width(tmp_path, width, scale):
    rng = np.random.RandomState(width)
    frames = rng.randint(-scale, scale, (20, 2)).astype("int64")
    write_wav(tmp_path / "a.wav", frames, width=width, rate=16000)
    audio, rate = audio_dataset.read_wav(str(tmp_path / "a.wav"))
    assert rate == 16000 and audio.dtype == np.float32 and audio.shape == (20, 2)
    np.testing.assert_allclose(audio, frames / scale, rtol=1e-6)


def test_read_wav_rejects_other_files(tmp_path):
    (tmp_path / "x.wav").write_bytes(b"not a wav file at all")
    with pytest.raises(ValueError, match="PCM WAV"):
        audio_dataset.read_wav(str(tmp_path / "x.wav"))


def test_resample_keeps_a_tone_and_sets_the_length():
    rate_in, rate_out = 8000, 12000
    t = np.arange(800) / rate_in
    tone = np.sin(2 * np.pi * 500 * t)[:, None].astype("float32")
    out = audio_dataset.resample(tone, rate_in, rate_out)
    assert out.shape == (1200, 1)
    expected = np.sin(2 * np.pi * 500 * np.arange(1200) / rate_out)
    np.testing.assert_allclose(out[100:-100, 0], expected[100:-100], atol=1e-3)


def test_batches_are_zero_padded_to_their_longest_clip(speech):
    root, clips = speech
    ds = audio_dataset_from_directory(root, batch_size=2, shuffle=False, verbose=False)
    assert ds.class_names == ["no", "yes"]
    seen = 0
    for audio, labels in ds:
        audio, labels = np.asarray(audio), np.asarray(labels)
        paths = ds.file_paths[seen:seen + len(labels)]
        longest = max(len(clips[os.path.relpath(p, root)]) for p in paths)
        assert audio.shape == (len(paths), longest, 1) and audio.dtype == np.float32
        for row, path, label in zip(audio, paths, labels):
            key = os.path.relpath(path, root)
            clip = clips[key]
            np.testing.assert_allclose(row[:len(clip)], clip, rtol=1e-6)
            assert not row[len(clip):].any()
            assert label == (1 if key.startswith("yes") else 0)
        seen += len(labels)
    assert seen == 6


def test_fixed_length_resampling_and_splits(speech):
    root, clips = speech
    ds = audio_dataset_from_directory(root, batch_size=6, shuffle=False, verbose=False,
                                      output_sequence_length=55, label_mode="binary")
    audio, labels = [np.asarray(v) for v in next(iter(ds))]
    assert audio.shape == (6, 55, 1) and labels.shape == (6, 1)
    np.testing.assert_allclose(audio[0, :50], clips["no/0.wav"], rtol=1e-6)
    assert not audio[0, 50:].any()
    np.testing.assert_allclose(audio[2], clips["no/2.wav"][:55], rtol=1e-6)
    resampled = audio_dataset_from_directory(root, batch_size=6, shuffle=False, verbose=False,
                                             sampling_rate=16000, label_mode=None)
    assert np.asarray(next(iter(resampled))).shape == (6, 140, 1)  # longest: 70 frames x 2
    train, val = audio_dataset_from_directory(root, validation_split=0.5, subset="both", seed=4,
                                              verbose=False)
    assert len(train.file_paths) == 3 and len(val.file_paths) == 3
    assert set(train.file_paths).isdisjoint(val.file_paths)


def test_ragged_batches(speech):
    root, clips = speech
    ds = audio_dataset_from_directory(root, batch_size=3, shuffle=False, ragged=True,
                                      verbose=False)
    audio, labels = next(iter(ds))
    assert type(audio).__name__ == "RaggedTensor"
    assert [len(row) for row in audio.to_list()] == [50, 60, 70]
    assert labels.numpy().tolist() == [0, 0, 0]


def test_without_tensorflow(speech, monkeypatch):
    root, clips = speech
    monkeypatch.setattr(dataset_utils, "tf_available", lambda: False)
    ds = audio_dataset_from_directory(root, batch_size=4, shuffle=False, verbose=False)
    assert isinstance(ds, kerasnb.utils.PyDataset) and len(ds) == 2
    audio, labels = ds[1]
    assert audio.shape == (2, 70, 1) and labels.tolist() == [1, 1]
    with pytest.raises(NotImplementedError, match=r"ragged=True\) needs TensorFlow"):
        audio_dataset_from_directory(root, ragged=True)


@pytest.mark.parametrize("kwargs, match", [
    (dict(ragged=True, output_sequence_length=10), "at most one"),
    (dict(sampling_rate=8000.0), "sampling_rate"),
    (dict(sampling_rate=0), "sampling_rate"),
    (dict(output_sequence_length=0), "output_sequence_length"),
    (dict(label_mode="binary", class_names=["no"]), "exactly 2 classes"),
])
def test_bad_arguments(speech, kwargs, match):
    with pytest.raises(ValueError, match=match):
        audio_dataset_from_directory(speech[0], verbose=False, **kwargs)
