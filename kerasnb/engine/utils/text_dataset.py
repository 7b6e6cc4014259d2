"""`text_dataset_from_directory` (`keras.utils`): labelled text batches from class folders.

Example:
    >>> ds = text_dataset_from_directory("reviews/", batch_size=8)  # doctest: +SKIP
    >>> ds.class_names  # doctest: +SKIP
    ['neg', 'pos']
"""

import numpy as np

from kerasnb.engine.utils import dataset_utils

TEXT_FORMATS = (".txt",)


def read_text(path, max_length=None):
    """The bytes of a text file, cut to `max_length` bytes."""
    with open(path, "rb") as f:
        content = f.read() if max_length is None else f.read(max_length)
    return content


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                batch_size=32, max_length=None, shuffle=True, seed=None,
                                validation_split=None, subset=None, follow_links=False,
                                format="tf", verbose=True):
    """A dataset of ``(texts, labels)`` batches read from the ``.txt`` files of a directory.

    With ``labels="inferred"`` the directory holds one sub-directory per class. Each
    example is the whole content of one file, as bytes (`tf.string`).

    Args:
        directory: the data directory.
        labels: ``"inferred"``, `None` (texts only) or a list of integer labels, one per
            file in sorted path order.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or `None`.
        class_names: with inferred labels, the sub-directories to use, in label order.
        batch_size: texts per batch, or `None` for single texts.
        max_length: keep at most this many bytes of each file.
        shuffle, seed, validation_split, subset, follow_links, verbose: as in
            `image_dataset_from_directory`.
        format: ``"tf"``; ``"grain"`` raises `NotImplementedError`.

    Returns:
        A `tf.data.Dataset` of string tensors (or, without TensorFlow, a kerasnb
        `PyDataset` of NumPy object arrays of bytes), with `class_names` and `file_paths`
        attributes; a list [training, validation] for ``subset="both"``.

    Example:
        >>> ds = text_dataset_from_directory("reviews/", max_length=200)  # doctest: +SKIP
    """
    if max_length is not None and (not isinstance(max_length, int) or max_length < 0):
        raise ValueError(f"`max_length` must be a non-negative int or None; received "
                         f"{max_length!r}.")
    dataset_utils.check_format(format)

    def load_batch(paths):
        texts = np.empty(len(paths), dtype=object)
        texts[:] = [read_text(p, max_length) for p in paths]
        return texts

    return dataset_utils.dataset_from_files(
        directory, labels, label_mode, class_names, batch_size, shuffle, seed,
        validation_split, subset, follow_links, verbose, TEXT_FORMATS, "text", load_batch,
        ((), "string"))
