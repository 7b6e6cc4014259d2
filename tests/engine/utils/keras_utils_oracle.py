"""Runs keras.utils functions in real Keras 3 (test-only oracle) and saves the results.

Usage: ``python keras_utils_oracle.py DATA_DIR OUT.npz`` with KERAS_BACKEND=numpy. The files
under DATA_DIR are written by `write_files`; `cases(utils, root)` is shared with the kerasnb
side, so both run the same calls.
"""

import sys
import wave

import numpy as np


def write_files(root):
    """Images, texts and WAV clips in class folders under `root` (a pathlib.Path)."""
    from PIL import Image
    rng = np.random.RandomState(0)
    for label in ("a", "b"):
        for k in range(3):
            for kind in ("images", "texts", "audio"):
                (root / kind / label).mkdir(parents=True, exist_ok=True)
            pixels = rng.randint(0, 256, (7 + k, 11 - k, 3)).astype("uint8")
            Image.fromarray(pixels).save(root / "images" / label / f"{k}.png")
            (root / "texts" / label / f"{k}.txt").write_text(f"{label} text {k} " * (k + 1))
            with wave.open(str(root / "audio" / label / f"{k}.wav"), "wb") as f:
                f.setnchannels(1)
                f.setsampwidth(2)
                f.setframerate(8000)
                f.writeframes(rng.randint(-32768, 32768, 40 + 5 * k).astype("<i2").tobytes())


def _all(ds):
    """Every batch of a dataset, concatenated per component."""
    parts = [b if isinstance(b, tuple) else (b,) for b in ds]
    return [np.concatenate([np.asarray(p[i]) for p in parts]) for i in range(len(parts[0]))]


def cases(utils, root):
    """name -> NumPy array, computed with the given `keras.utils`-like module."""
    out = {}
    for interpolation, option in [("bilinear", ""), ("bilinear", "crop_to_aspect_ratio"),
                                  ("bilinear", "pad_to_aspect_ratio"), ("nearest", ""),
                                  ("bicubic", ""), ("area", ""),
                                  ("lanczos3", "pad_to_aspect_ratio")]:
        kwargs = {option: True} if option else {}
        ds = utils.image_dataset_from_directory(
            str(root / "images"), image_size=(6, 5), batch_size=4, shuffle=False,
            interpolation=interpolation, label_mode="categorical", verbose=False, **kwargs)
        x, y = _all(ds)
        out[f"image_{interpolation}_{option}"] = x
        out["image_labels"] = y
    gray = utils.image_dataset_from_directory(str(root / "images"), image_size=(4, 4),
                                              color_mode="grayscale", label_mode=None,
                                              shuffle=False, verbose=False)
    out["image_gray"] = _all(gray)[0]
    texts, labels = _all(utils.text_dataset_from_directory(
        str(root / "texts"), max_length=9, shuffle=False, label_mode="binary", verbose=False))
    out["texts"] = np.array([t.decode() for t in texts])
    out["text_labels"] = labels
    audio, labels = _all(utils.audio_dataset_from_directory(
        str(root / "audio"), shuffle=False, batch_size=2, output_sequence_length=48,
        verbose=False))
    out["audio"], out["audio_labels"] = audio, labels
    series = np.arange(120, dtype="float32").reshape(40, 3)
    x, y = _all(utils.timeseries_dataset_from_array(
        series, np.arange(40) * 2, sequence_length=4, sequence_stride=3, sampling_rate=2,
        batch_size=5, start_index=3, end_index=37))
    out["series_x"], out["series_y"] = x, y
    left, right = utils.split_dataset((series, np.arange(40)), left_size=0.7, shuffle=True,
                                      seed=11, preferred_backend="tensorflow")
    out["split_left"] = np.array([int(e[1]) for e in left])
    out["split_right"] = np.array([int(e[1]) for e in right])
    out["categorical"] = utils.to_categorical(np.array([[2], [0], [1]]), 4)
    out["normalize"] = utils.normalize(np.array([[3.0, 4.0], [1.0, 1.0]]), order=1)
    out["pad"] = utils.pad_sequences([[1, 2, 3], [4], [5, 6]], maxlen=2, padding="post",
                                     truncating="post", value=9)
    return out


if __name__ == "__main__":
    import pathlib

    import keras
    np.savez(sys.argv[2], **cases(keras.utils, pathlib.Path(sys.argv[1])))
