"""`image_dataset_from_directory` (`keras.utils`): labelled image batches from class folders.

Example:
    >>> ds = image_dataset_from_directory("photos/", image_size=(64, 64))  # doctest: +SKIP
    >>> ds.class_names  # doctest: +SKIP
    ['cats', 'dogs']
"""

import numpy as np

from kerasnb.engine import config
from kerasnb.engine.utils import dataset_utils, image_utils

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def load_image(path, image_size, num_channels, interpolation, crop_to_aspect_ratio,
               pad_to_aspect_ratio, data_format):
    """One image file as the array `image_dataset_from_directory` yields for it."""
    image = np.asarray(image_utils.open_image(path, num_channels))
    if image.ndim == 2:
        image = image[:, :, None]
    if crop_to_aspect_ratio:
        image = image_utils.resize_image(
            image_utils.crop_to_aspect_ratio(image, image_size), image_size, interpolation)
    elif pad_to_aspect_ratio:
        image = image_utils.resize_with_pad(image, image_size, interpolation)
    else:
        image = image_utils.resize_image(image, image_size, interpolation)
    return image.transpose(2, 0, 1) if data_format == "channels_first" else image


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 color_mode="rgb", batch_size=32, image_size=(256, 256),
                                 shuffle=True, seed=None, validation_split=None, subset=None,
                                 interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                                 data_format=None, format="tf", verbose=True):
    """A dataset of ``(images, labels)`` batches read from the image files of a directory.

    With ``labels="inferred"`` the directory holds one sub-directory per class::

        directory/cats/1.png, directory/cats/2.jpg, directory/dogs/a.png ...

    Images (bmp, gif (first frame), jpeg, png) are decoded with Pillow and resized like
    `tf.image.resize` (half-pixel centres, no antialiasing).

    Args:
        directory: the data directory.
        labels: ``"inferred"`` (from sub-directories), `None` (images only) or a list of
            integer labels, one per file in sorted path order.
        label_mode: ``"int"`` (int32), ``"categorical"`` (float32 one-hot), ``"binary"``
            (float32 of shape ``(batch, 1)``, exactly 2 classes) or `None` (no labels).
        class_names: with inferred labels, the sub-directories to use, in label order.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"`` (1, 3 or 4 channels).
        batch_size: images per batch, or `None` for single images.
        image_size: ``(height, width)`` (or one int) every image is resized to.
        shuffle: shuffle the files (once, seeded) and the batches of every epoch.
        seed: seed of the shuffling; required with `validation_split` and `shuffle`.
        validation_split: fraction of the files kept for validation (the last ones).
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns both, as a list).
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"area"``,
            ``"lanczos3"``, ``"lanczos5"``, ``"gaussian"`` or ``"mitchellcubic"``.
        follow_links: follow symbolic links to sub-directories.
        crop_to_aspect_ratio: resize the largest centred crop with the target aspect ratio.
        pad_to_aspect_ratio: resize keeping the aspect ratio and pad with zeros instead.
        data_format: ``"channels_last"`` or ``"channels_first"``; the configured default
            when `None`.
        format: ``"tf"``; ``"grain"`` raises `NotImplementedError`.
        verbose: print how many files and classes were found.

    Returns:
        A `tf.data.Dataset` when TensorFlow is installed (else a kerasnb `PyDataset`
        yielding NumPy batches) of ``images`` or ``(images, labels)``, with `class_names`
        and `file_paths` attributes. Images are float32 (``"nearest"`` keeps uint8) of
        shape ``(batch, height, width, channels)``.

    Example:
        >>> train, val = image_dataset_from_directory(  # doctest: +SKIP
        ...     "photos/", validation_split=0.2, subset="both", seed=1, image_size=(32, 32))
    """
    if color_mode not in image_utils.COLOR_MODES:
        raise ValueError(f'`color_mode` must be "grayscale", "rgb" or "rgba"; received '
                         f"{color_mode!r}.")
    num_channels = image_utils.COLOR_MODES[color_mode]
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if (not isinstance(image_size, (list, tuple)) or len(image_size) != 2
            or not all(isinstance(n, int) and n > 0 for n in image_size)):
        raise ValueError(f"`image_size` must be a (height, width) pair of positive ints; "
                         f"received {image_size!r}.")
    image_size = tuple(image_size)
    interpolation = str(interpolation).lower()
    if interpolation not in image_utils.RESIZE_INTERPOLATIONS:
        raise ValueError(f"`interpolation` must be one of {image_utils.RESIZE_INTERPOLATIONS}; "
                         f"received {interpolation!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Pass at most one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio`.")
    dataset_utils.check_format(format)
    image_utils.pil()
    data_format = config.standardize_data_format(data_format)
    dtype = "uint8" if interpolation == "nearest" else "float32"
    shape = image_size + (num_channels,)
    if data_format == "channels_first":
        shape = (num_channels,) + image_size

    def load_batch(paths):
        images = [load_image(p, image_size, num_channels, interpolation, crop_to_aspect_ratio,
                             pad_to_aspect_ratio, data_format) for p in paths]
        return np.stack(images).astype(dtype, copy=False)

    return dataset_utils.dataset_from_files(
        directory, labels, label_mode, class_names, batch_size, shuffle, seed,
        validation_split, subset, follow_links, verbose, IMAGE_FORMATS, "image", load_batch,
        (shape, dtype))
