"""keras.utils.text_dataset_from_directory on real text files."""

import os

import numpy as np
import pytest

import kerasnb
from kerasnb.engine.utils import dataset_utils
from kerasnb.utils import text_dataset_from_directory

TEXTS = {"neg/1.txt": "boring plot", "neg/2.txt": "too long, ünïcode", "neg/3.txt": "meh",
         "pos/1.txt": "loved it", "pos/deep/2.txt": "great\nsecond line", "pos/skip.md": "no"}


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    root = tmp_path_factory.mktemp("reviews")
    for name, text in TEXTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def batches(ds):
    return [tuple(np.asarray(part) for part in b) if isinstance(b, tuple) else np.asarray(b)
            for b in ds]


def test_texts_and_labels_in_sorted_order(reviews):
    ds = text_dataset_from_directory(reviews, batch_size=2, shuffle=False, verbose=False)
    assert ds.class_names == ["neg", "pos"]
    texts, labels = map(np.concatenate, zip(*batches(ds)))
    expected = [TEXTS[os.path.relpath(p, reviews)].encode() for p in ds.file_paths]
    assert texts.tolist() == expected and labels.tolist() == [0, 0, 0, 1, 1]
    assert labels.dtype == np.int32


def test_max_length_cuts_bytes_and_modes(reviews):
    ds = text_dataset_from_directory(reviews, batch_size=None, shuffle=False, max_length=5,
                                     label_mode="categorical", verbose=False)
    first_text, first_label = [np.asarray(v) for v in next(iter(ds))]
    assert first_text.item() == b"borin" and first_label.tolist() == [1.0, 0.0]
    only = batches(text_dataset_from_directory(reviews, label_mode=None, shuffle=False,
                                               verbose=False))
    assert len(only) == 1 and only[0].shape == (5,)


def test_split_shuffle_and_fallback(reviews, monkeypatch):
    train, val = text_dataset_from_directory(reviews, validation_split=0.4, subset="both",
                                             seed=2, verbose=False)
    assert len(train.file_paths) == 3 and len(val.file_paths) == 2
    assert sorted(train.file_paths + val.file_paths) == sorted(
        text_dataset_from_directory(reviews, verbose=False, seed=0).file_paths)
    texts = np.concatenate([b[0] for b in batches(train)])
    assert sorted(texts.tolist()) == sorted(
        TEXTS[os.path.relpath(p, reviews)].encode() for p in train.file_paths)
    monkeypatch.setattr(dataset_utils, "tf_available", lambda: False)
    ds = text_dataset_from_directory(reviews, batch_size=4, shuffle=False, verbose=False)
    assert isinstance(ds, kerasnb.utils.PyDataset)
    texts, labels = ds[0]
    assert texts.dtype == object and texts[0] == TEXTS["neg/1.txt"].encode()
    assert labels.tolist() == [0, 0, 0, 1]


def test_bad_arguments(reviews, tmp_path):
    with pytest.raises(ValueError, match="max_length"):
        text_dataset_from_directory(reviews, max_length=-1)
    with pytest.raises(NotImplementedError, match="grain"):
        text_dataset_from_directory(reviews, format="grain")
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "readme.md").write_text("not a .txt file")
    with pytest.raises(ValueError, match="No text files found"):
        text_dataset_from_directory(tmp_path, verbose=False)
    (tmp_path / "only" / "one.txt").write_text("a single file")
    with pytest.raises(ValueError, match="No validation text files found"):
        text_dataset_from_directory(tmp_path, validation_split=0.5, subset="both", seed=1,
                                    verbose=False)


def test_messages_go_to_the_logger_when_interactive_logging_is_off(reviews, capsys, caplog):
    kerasnb.config.disable_interactive_logging()
    with caplog.at_level("INFO", logger="kerasnb"):
        text_dataset_from_directory(reviews, shuffle=False)
    assert capsys.readouterr().out == ""
    assert "Found 5 files belonging to 2 classes." in caplog.text
    kerasnb.config.enable_interactive_logging()
    text_dataset_from_directory(reviews, shuffle=False)
    assert "Found 5 files belonging to 2 classes." in capsys.readouterr().out
