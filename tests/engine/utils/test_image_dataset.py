"""keras.utils.image_dataset_from_directory on real PNG/JPEG/GIF/BMP files."""

import os

import numpy as np
import pytest
from PIL import Image

import kerasnb
from kerasnb.engine.utils import dataset_utils, image_utils
from kerasnb.utils import image_dataset_from_directory


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """cats/ (3 PNG, 1 JPEG, 1 nested PNG) and dogs/ (2 PNG, 1 GIF, 1 BMP), plus files that
    must be ignored."""
    root = tmp_path_factory.mktemp("photos")
    rng = np.random.RandomState(0)
    files = {"cats": ["a.png", "b.png", "c.png", "d.jpg", "more/e.png"],
             "dogs": ["f.png", "g.png", "h.gif", "i.bmp"]}
    for label, names in files.items():
        for k, name in enumerate(names):
            path = root / label / name
            path.parent.mkdir(parents=True, exist_ok=True)
            pixels = rng.randint(0, 256, (6 + k, 9 - k, 3)).astype("uint8")
            Image.fromarray(pixels).save(path)
    (root / "cats" / "notes.md").write_text("not an image")
    (root / ".hidden").mkdir()
    Image.fromarray(np.zeros((4, 4, 3), "uint8")).save(root / ".hidden" / "x.png")
    return root


def expected_image(path, size=(5, 4), channels=3, interpolation="bilinear"):
    pixels = np.asarray(image_utils.open_image(path, channels))
    pixels = pixels[:, :, None] if pixels.ndim == 2 else pixels
    return image_utils.resize_image(pixels, size, interpolation)


def as_numpy(batch):
    return tuple(np.asarray(b) for b in batch) if isinstance(batch, tuple) else np.asarray(batch)


def test_inferred_labels_in_sorted_order(photos, capsys):
    ds = image_dataset_from_directory(photos, image_size=(5, 4), batch_size=4, shuffle=False)
    assert "Found 9 files belonging to 2 classes." in capsys.readouterr().out
    assert ds.class_names == ["cats", "dogs"]
    names = [os.path.relpath(p, photos) for p in ds.file_paths]
    assert names == ["cats/a.png", "cats/b.png", "cats/c.png", "cats/d.jpg", "cats/more/e.png",
                     "dogs/f.png", "dogs/g.png", "dogs/h.gif", "dogs/i.bmp"]
    images, labels = map(np.concatenate, zip(*[as_numpy(b) for b in ds]))
    assert images.shape == (9, 5, 4, 3) and images.dtype == np.float32
    assert labels.dtype == np.int32 and labels.tolist() == [0] * 5 + [1] * 4
    expected = np.stack([expected_image(p) for p in ds.file_paths])
    np.testing.assert_allclose(images, expected, rtol=1e-6)
    assert [len(as_numpy(b)[0]) for b in ds] == [4, 4, 1]


def test_shuffled_files_keep_their_labels_and_reshuffle_each_epoch(photos):
    ds = image_dataset_from_directory(photos, image_size=(5, 4), batch_size=3, seed=7,
                                      verbose=False)
    references = {p: expected_image(p) for p in ds.file_paths}
    label_of = {p: int(os.path.relpath(p, photos).startswith("dogs")) for p in ds.file_paths}
    orders = []
    for _ in range(3):
        images, labels = map(np.concatenate, zip(*[as_numpy(b) for b in ds]))
        order = []
        for image, label in zip(images, labels):
            path = next(p for p, ref in references.items()
                        if ref.shape == image.shape and np.allclose(ref, image))
            assert label == label_of[path]
            order.append(path)
        assert sorted(order) == sorted(references)
        orders.append(order)
    assert len({tuple(o) for o in orders}) > 1
    again = image_dataset_from_directory(photos, image_size=(5, 4), batch_size=3, seed=7,
                                         verbose=False)
    assert again.file_paths == ds.file_paths
    np.testing.assert_array_equal(np.concatenate([as_numpy(b)[1] for b in again]),
                                  np.asarray([label_of[p] for p in orders[0]]))


def test_validation_split_partitions_the_files(photos, capsys):
    train, val = image_dataset_from_directory(photos, image_size=(5, 4), validation_split=0.25,
                                              subset="both", seed=3)
    out = capsys.readouterr().out
    assert "Using 7 files for training." in out and "Using 2 files for validation." in out
    assert sorted(train.file_paths + val.file_paths) == sorted(
        image_dataset_from_directory(photos, shuffle=False, verbose=False).file_paths)
    one = image_dataset_from_directory(photos, image_size=(5, 4), validation_split=0.25,
                                       subset="validation", seed=3, verbose=False)
    assert one.file_paths == val.file_paths
    assert sum(len(as_numpy(b)[0]) for b in val) == 2


def test_label_modes_and_explicit_labels(photos):
    kwargs = dict(image_size=(5, 4), shuffle=False, verbose=False, batch_size=None)
    x, y = as_numpy(next(iter(image_dataset_from_directory(photos, label_mode="categorical",
                                                           **kwargs))))
    assert y.dtype == np.float32 and y.tolist() == [1.0, 0.0]
    ds = image_dataset_from_directory(photos, label_mode="binary", batch_size=9,
                                      image_size=(5, 4), shuffle=False, verbose=False)
    y = as_numpy(next(iter(ds)))[1]
    assert y.shape == (9, 1) and y.dtype == np.float32 and y[:, 0].tolist() == [0] * 5 + [1] * 4
    only_images = next(iter(image_dataset_from_directory(photos, label_mode=None, **kwargs)))
    assert np.asarray(only_images).shape == (5, 4, 3)
    given = list(range(10))[::-1]  # every image under the directory, hidden folders too
    ds = image_dataset_from_directory(photos, labels=given, batch_size=10, image_size=(5, 4),
                                      shuffle=False, verbose=False)
    assert ds.class_names == [str(i) for i in range(10)]
    assert as_numpy(next(iter(ds)))[1].tolist() == given
    ds = image_dataset_from_directory(photos, class_names=["dogs"], batch_size=9,
                                      image_size=(5, 4), shuffle=False, verbose=False)
    assert ds.class_names == ["dogs"] and len(ds.file_paths) == 4


def test_color_modes_layouts_and_resizing_options(photos):
    kwargs = dict(image_size=(5, 4), shuffle=False, verbose=False, batch_size=9, label_mode=None)
    gray = np.asarray(next(iter(image_dataset_from_directory(photos, color_mode="grayscale",
                                                             **kwargs))))
    paths = image_dataset_from_directory(photos, **kwargs).file_paths
    assert gray.shape == (9, 5, 4, 1)
    np.testing.assert_allclose(gray[0], expected_image(paths[0], channels=1), rtol=1e-6)
    rgba = np.asarray(next(iter(image_dataset_from_directory(photos, color_mode="rgba", **kwargs))))
    assert rgba.shape == (9, 5, 4, 4) and np.all(rgba[..., 3] == 255)
    first = np.asarray(next(iter(image_dataset_from_directory(
        photos, data_format="channels_first", **kwargs))))
    assert first.shape == (9, 3, 5, 4)
    np.testing.assert_allclose(first[0], expected_image(paths[0]).transpose(2, 0, 1), rtol=1e-6)
    nearest = np.asarray(next(iter(image_dataset_from_directory(photos, interpolation="nearest",
                                                                **kwargs))))
    assert nearest.dtype == np.uint8
    np.testing.assert_array_equal(nearest[0], expected_image(paths[0], interpolation="nearest"))
    cropped = np.asarray(next(iter(image_dataset_from_directory(
        photos, crop_to_aspect_ratio=True, **kwargs))))
    pixels = np.asarray(Image.open(paths[0]).convert("RGB"))
    np.testing.assert_allclose(cropped[0], image_utils.resize_image(
        image_utils.crop_to_aspect_ratio(pixels, (5, 4)), (5, 4)), rtol=1e-6)
    padded = np.asarray(next(iter(image_dataset_from_directory(
        photos, pad_to_aspect_ratio=True, **kwargs))))
    np.testing.assert_allclose(padded[0], image_utils.resize_with_pad(pixels, (5, 4)), rtol=1e-6)
    square = next(iter(image_dataset_from_directory(photos, image_size=3, label_mode=None,
                                                    verbose=False)))
    assert tuple(np.asarray(square).shape[1:]) == (3, 3, 3)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(color_mode="cmyk"), ValueError, "color_mode"),
    (dict(image_size=(3,)), ValueError, "image_size"),
    (dict(interpolation="cubic"), ValueError, "interpolation"),
    (dict(crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), ValueError, "at most one"),
    (dict(label_mode="sparse"), ValueError, "label_mode"),
    (dict(labels="folders"), ValueError, "labels"),
    (dict(labels=[0, 1]), ValueError, "one label per file"),
    (dict(labels=[0] * 10, class_names=["a"]), ValueError, "class_names"),
    (dict(labels=[0] * 9 + [5], label_mode="categorical"), ValueError, "categorical"),
    (dict(class_names=["cats", "birds"]), ValueError, "class_names"),
    (dict(validation_split=0.2, subset="training"), ValueError, "seed"),
    (dict(validation_split=0.2), ValueError, "go together"),
    (dict(validation_split=1.5, subset="training", seed=1), ValueError, "between 0 and 1"),
    (dict(subset="testing", validation_split=0.2, seed=1), ValueError, "subset"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(format="grain"), NotImplementedError, "grain"),
    (dict(format="numpy"), ValueError, "format"),
])
def test_bad_arguments(photos, kwargs, error, match):
    with pytest.raises(error, match=match):
        image_dataset_from_directory(photos, verbose=False, **kwargs)


def test_binary_needs_two_classes_and_empty_directories_fail(photos, tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir(), (tmp_path / "c").mkdir()
    Image.fromarray(np.zeros((2, 2, 3), "uint8")).save(tmp_path / "a" / "x.png")
    with pytest.raises(ValueError, match="exactly 2 classes"):
        image_dataset_from_directory(tmp_path, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="No image files found"):
        image_dataset_from_directory(tmp_path / "b", verbose=False)
    with pytest.raises(ValueError, match="existing directory"):
        image_dataset_from_directory(tmp_path / "missing", verbose=False)


def test_without_tensorflow_a_pydataset_yields_the_same_batches(photos, monkeypatch):
    kwargs = dict(image_size=(5, 4), batch_size=4, shuffle=False, verbose=False)
    tf_batches = [as_numpy(b) for b in image_dataset_from_directory(photos, **kwargs)]
    monkeypatch.setattr(dataset_utils, "tf_available", lambda: False)
    ds = image_dataset_from_directory(photos, **kwargs)
    assert isinstance(ds, kerasnb.utils.PyDataset) and len(ds) == 3
    assert ds.class_names == ["cats", "dogs"]
    for (x, y), (tx, ty) in zip([ds[i] for i in range(len(ds))], tf_batches):
        np.testing.assert_array_equal(x, tx)
        np.testing.assert_array_equal(y, ty)


@pytest.mark.parametrize("without_tf", [False, True])
def test_fit_reads_the_dataset(photos, monkeypatch, trainable_backend, without_tf):
    if without_tf:
        monkeypatch.setattr(dataset_utils, "tf_available", lambda: False)
    ds = image_dataset_from_directory(photos, image_size=(5, 4), batch_size=4, seed=1,
                                      label_mode="categorical", verbose=False)
    model = kerasnb.Sequential([kerasnb.Input((5, 4, 3)), kerasnb.layers.Flatten(),
                                kerasnb.layers.Dense(2, "softmax")])
    model.compile(kerasnb.optimizers.SGD(1e-5), "categorical_crossentropy")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.all(np.isfinite(history.history["loss"]))
