"""keras.utils image helpers (Pillow) and the NumPy resizer of image_dataset_from_directory."""

import io

import numpy as np
import pytest
from PIL import Image

from kerasnb.engine.utils import image_utils
from kerasnb.utils import array_to_img, img_to_array, load_img, save_img


def test_array_to_img_modes_and_scaling():
    x = np.arange(12, dtype="float32").reshape(2, 2, 3)
    img = array_to_img(x)
    assert img.mode == "RGB" and img.size == (2, 2)
    scaled = np.asarray(img).astype("float64")
    expected = ((x - x.min()) / (x.max() - x.min()) * 255).astype("uint8")
    np.testing.assert_array_equal(scaled, expected)
    assert array_to_img(np.ones((2, 2, 4)), scale=False).mode == "RGBA"
    assert array_to_img(np.full((2, 2, 1), 300.0), scale=False).mode == "I"
    assert array_to_img(np.zeros((3, 2, 2)), data_format="channels_first").size == (2, 2)
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="1, 3 or 4 channels"):
        array_to_img(np.zeros((2, 2, 2)))


def test_img_to_array_layouts():
    img = Image.fromarray(np.arange(6, dtype="uint8").reshape(2, 3), "L")
    x = img_to_array(img)
    assert x.shape == (2, 3, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x[..., 0], np.arange(6).reshape(2, 3))
    assert img_to_array(img, data_format="channels_first", dtype="uint8").shape == (1, 2, 3)
    with pytest.raises(ValueError, match="rank 2 or 3"):
        img_to_array(np.zeros(3))


def test_save_and_load_round_trip(tmp_path):
    x = np.random.RandomState(0).randint(0, 256, (5, 7, 3)).astype("float32")
    path = tmp_path / "picture.png"
    save_img(str(path), x, scale=False)
    assert [p.name for p in tmp_path.iterdir()] == ["picture.png"]
    np.testing.assert_array_equal(img_to_array(load_img(path)), x)
    gray = load_img(str(path), color_mode="grayscale")
    assert gray.mode == "L"
    assert load_img(io.BytesIO(path.read_bytes()), color_mode="rgba").mode == "RGBA"
    with pytest.warns(UserWarning, match="JPEG"):
        save_img(str(tmp_path / "alpha.jpg"), np.zeros((2, 2, 4)))
    assert Image.open(tmp_path / "alpha.jpg").mode == "RGB"


def test_load_img_resizes_like_pillow(tmp_path):
    x = np.random.RandomState(1).randint(0, 256, (6, 10, 3)).astype("uint8")
    path = tmp_path / "p.png"
    Image.fromarray(x).save(path)
    resized = load_img(path, target_size=(3, 4), interpolation="bilinear")
    expected = Image.fromarray(x).resize((4, 3), Image.Resampling.BILINEAR)
    np.testing.assert_array_equal(np.asarray(resized), np.asarray(expected))
    kept = load_img(path, target_size=(3, 3), keep_aspect_ratio=True)
    centre = Image.fromarray(x).resize((3, 3), Image.Resampling.NEAREST, box=(2, 0, 8, 6))
    np.testing.assert_array_equal(np.asarray(kept), np.asarray(centre))
    with pytest.raises(ValueError, match="`interpolation`"):
        load_img(path, target_size=(2, 2), interpolation="cubic")
    with pytest.raises(ValueError, match="`color_mode`"):
        load_img(path, color_mode="cmyk")


@pytest.mark.parametrize("method", image_utils.RESIZE_INTERPOLATIONS)
def test_resize_image_matches_tf_image_resize(method):
    import tensorflow as tf
    image = np.random.RandomState(2).randint(0, 256, (9, 13, 3)).astype("uint8")
    for size in [(4, 6), (17, 20), (9, 5)]:
        expected = tf.image.resize(image, size, method=method).numpy()
        result = image_utils.resize_image(image, size, method)
        assert result.dtype == expected.dtype
        np.testing.assert_allclose(result.astype("float64"), expected, atol=2e-3)


def test_resize_with_pad_and_crop_match_tf():
    import tensorflow as tf
    image = np.random.RandomState(3).randint(0, 256, (9, 13, 3)).astype("uint8")
    for size in [(4, 6), (17, 20), (9, 5)]:
        expected = tf.image.resize_with_pad(image, *size).numpy()
        np.testing.assert_allclose(image_utils.resize_with_pad(image, size), expected, atol=2e-3)
    crop = image_utils.crop_to_aspect_ratio(image, (10, 10))
    np.testing.assert_array_equal(crop, image[:, 2:11])
