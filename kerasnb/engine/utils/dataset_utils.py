"""Shared machinery of the dataset utilities, and `split_dataset` (`keras.utils`).

The `*_dataset_from_*` functions return a `tf.data.Dataset`, as Keras does, when TensorFlow
is installed (whatever the active backend: `fit` reads tf.data on every backend). Without
TensorFlow they return a `BatchedDataset`, a `PyDataset` yielding the same NumPy batches.
Either way the values are computed by the NumPy code of `kerasnb.engine.utils`, so every
backend and both kinds of dataset see the same numbers.

Example:
    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> len(list(left)), len(list(right))
    (8, 2)
"""

import math
import os
import random

import numpy as np

from kerasnb.engine import backend
from kerasnb.engine.trainers.data_adapters.py_dataset import PyDataset
from kerasnb.engine.trainers.data_adapters.tf_dataset import is_tf_dataset
from kerasnb.engine.trainers.data_adapters.utils import inherits_from
from kerasnb.engine.utils import tree
from kerasnb.engine.utils.io_utils import print_msg

LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both", None)


# Which kind of dataset to build ------------------------------------------------------

def tf_available():
    """Whether the dataset functions return `tf.data.Dataset`s (TensorFlow is installed)."""
    return backend.is_installed("tensorflow")


def tf_data():
    """kerasnb's tf.data helpers (imports TensorFlow, keeping the global RNGs as they were)."""
    backend.load("tensorflow")
    from kerasnb.engine.backend.tensorflow import data
    return data


def torch_data():
    """kerasnb's torch.utils.data helpers (imports torch)."""
    backend.load("torch")
    from kerasnb.engine.backend.torch import data
    return data


def check_format(format):
    """Validates the `format` argument: "tf" is supported, "grain" is not."""
    if format == "grain":
        raise NotImplementedError(
            'format="grain" is not supported by kerasnb (Grain is not one of its '
            'dependencies): use format="tf".')
    if format != "tf":
        raise ValueError(f'`format` must be "tf" or "grain"; received {format!r}.')


class BatchedDataset(PyDataset):
    """The `PyDataset` the dataset functions return when TensorFlow is not installed.

    Batch ``i`` is ``fetch(indices)`` for the next `batch_size` element indices; with
    `shuffle`, the order is redrawn at the end of every epoch.

    Args:
        count: number of elements.
        fetch: ``fetch(indices)`` returns a tuple of NumPy arrays with a leading axis of
            ``len(indices)``.
        batch_size: elements per batch; `None` yields single elements.
        shuffle: visit the elements in a new random order each epoch.
        seed: seed of that order.

    Example:
        >>> ds = BatchedDataset(5, lambda i: (i * 10,), batch_size=2)
        >>> [batch.tolist() for batch in ds]
        [[0, 10], [20, 30], [40]]
    """

    def __init__(self, count, fetch, batch_size=None, shuffle=False, seed=None):
        super().__init__()
        self._count, self._fetch, self._batch_size = count, fetch, batch_size
        self._shuffle = shuffle
        self._rng = np.random.RandomState(seed)
        self._order = self._rng.permutation(count) if shuffle else np.arange(count)

    def __len__(self):
        if self._batch_size is None:
            return self._count
        return math.ceil(self._count / self._batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        if self._batch_size is None:
            values = self._fetch(self._order[index:index + 1])
            values = tuple(v[0] for v in values)
        else:
            start = index * self._batch_size
            values = self._fetch(self._order[start:start + self._batch_size])
        return values[0] if len(values) == 1 else tuple(values)

    def on_epoch_end(self):
        if self._shuffle:
            self._order = self._rng.permutation(self._count)


def make_dataset(count, fetch, specs, batch_size=None, shuffle=False, seed=None):
    """A `tf.data.Dataset` (TensorFlow installed) or a `BatchedDataset` of NumPy batches.

    Args:
        count, fetch, batch_size, shuffle, seed: as in `BatchedDataset`.
        specs: ``(element_shape, dtype)`` per component, for the tf.data signature.
    """
    if tf_available():
        return tf_data().from_batch_fetch(count, fetch, specs, batch_size, shuffle, seed)
    return BatchedDataset(count, fetch, batch_size, shuffle, seed)


def pad_stack(arrays, dtype):
    """Stacks arrays of one rank, zero-padding every axis to the largest size."""
    if not arrays:
        return np.zeros((0,), dtype)
    shape = np.max([a.shape for a in arrays], axis=0)
    out = np.zeros((len(arrays),) + tuple(shape), dtype)
    for i, a in enumerate(arrays):
        out[(i,) + tuple(slice(0, n) for n in a.shape)] = a
    return out


# Files in class sub-directories ----------------------------------------------------

def check_labels_arguments(labels, label_mode, class_names, kind):
    """Validates `labels`, `label_mode` and `class_names` of a `*_dataset_from_directory`."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                f'`labels` must be "inferred", None, or a list/tuple of integer labels, one '
                f"per {kind} file in sorted path order; received {labels!r}.")
        if class_names:
            raise ValueError(f'`class_names` can only be passed with labels="inferred"; '
                             f"received labels={labels!r} and class_names={class_names!r}.")
    if label_mode not in LABEL_MODES:
        raise ValueError(f'`label_mode` must be "int", "categorical", "binary" or None; '
                         f"received {label_mode!r}.")


def check_validation_split(validation_split, subset, shuffle, seed):
    """Validates `validation_split`, `subset`, `shuffle` and `seed` together."""
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be strictly between 0 and 1; received "
                         f"{validation_split!r}.")
    if subset not in SUBSETS:
        raise ValueError(f'`subset` must be "training", "validation", "both" or None; '
                         f"received {subset!r}.")
    if bool(validation_split) != bool(subset):
        raise ValueError("`validation_split` and `subset` go together: pass both or neither; "
                         f"received validation_split={validation_split!r}, subset={subset!r}.")
    if validation_split and shuffle and seed is None:
        raise ValueError("With `validation_split` and `shuffle=True`, pass a `seed` so that "
                         "the training and validation subsets do not overlap.")


def _walk(directory, follow_links, formats):
    """Relative paths of the files under `directory` with an allowed extension, sorted."""
    found = []
    for root, dirs, files in os.walk(directory, followlinks=follow_links):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(formats):
                found.append(os.path.join(root, name))
    return sorted(found, key=lambda p: (os.path.dirname(p), os.path.basename(p)))


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """Lists the files of `directory` with their labels and the class names.

    With ``labels="inferred"`` each sub-directory is a class (sorted by name, or in the
    order of `class_names`) and its files, at any depth, are its examples. Otherwise every
    file under `directory` is an example and `labels` (if given) are their labels in
    sorted path order.

    Returns:
        ``(file_paths, labels, class_names)``: labels are an int32 array (or `None`); the
        paths and labels are shuffled together (seeded) when `shuffle`.
    """
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"`directory` must be an existing directory; received {directory!r}.")
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory)
                         if not d.startswith(".") and os.path.isdir(os.path.join(directory, d)))
        if class_names is not None:
            unknown = [c for c in class_names if c not in subdirs]
            if unknown:
                raise ValueError(f"`class_names` must name sub-directories of {directory} "
                                 f"({subdirs}); received {list(class_names)}.")
            subdirs = list(class_names)
        class_names = subdirs
        paths, found_labels = [], []
        for index, name in enumerate(subdirs):
            files = _walk(os.path.join(directory, name), follow_links, formats)
            paths += files
            found_labels += [index] * len(files)
        labels = np.asarray(found_labels, dtype="int32")
    else:
        if class_names is not None:
            raise ValueError("`class_names` can only be passed with labels=\"inferred\".")
        paths = _walk(directory, follow_links, formats)
        if labels is not None:
            if len(labels) != len(paths):
                raise ValueError(f"`labels` must have one label per file: {len(paths)} files "
                                 f"were found in {directory} but {len(labels)} labels given.")
            class_names = [str(label) for label in sorted(set(labels))]
            labels = np.asarray(labels, dtype="int32")
    if verbose:
        if labels is None:
            print_msg(f"Found {len(paths)} files.")
        else:
            print_msg(f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        order = np.random.RandomState(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        if labels is not None:
            labels = labels[order]
    return paths, labels, class_names


def training_or_validation(samples, labels, validation_split, subset):
    """The training (first) or validation (last) part of `samples` and `labels`."""
    if not validation_split:
        return samples, labels
    count = int(validation_split * len(samples))
    if subset == "training":
        print_msg(f"Using {len(samples) - count} files for training.")
        cut = slice(0, len(samples) - count)
    else:
        print_msg(f"Using {count} files for validation.")
        cut = slice(len(samples) - count, len(samples))
    return samples[cut], None if labels is None else labels[cut]


def encode_labels(labels, label_mode, num_classes):
    """Per-example label arrays: int32 indices, float32 ``(n, 1)`` (binary) or one-hot."""
    labels = np.asarray(labels, dtype="int32")
    if label_mode == "categorical" and len(labels) and (labels.min() < 0
                                                        or labels.max() >= num_classes):
        raise ValueError(f'label_mode="categorical" needs labels in [0, {num_classes}) (one per '
                         f"class); received labels from {labels.min()} to {labels.max()}.")
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels


def label_spec(label_mode, num_classes):
    """The ``(shape, dtype)`` of one encoded label."""
    return {"int": ((), "int32"), "binary": ((1,), "float32"),
            "categorical": ((num_classes,), "float32")}[label_mode]


def dataset_from_files(directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                       validation_split, subset, follow_links, verbose, formats, kind,
                       load_batch, spec):
    """The shared body of the `*_dataset_from_directory` functions.

    Args:
        load_batch: ``load_batch(paths)`` returns the NumPy batch of those files.
        spec: the ``(shape, dtype)`` of one loaded file.
        kind: "image", "text" or "audio", for messages.
        Other arguments: as in `image_dataset_from_directory`.

    Returns:
        A dataset (or a list [training, validation] for ``subset="both"``) with
        `class_names` and `file_paths` attributes.
    """
    check_labels_arguments(labels, label_mode, class_names, kind)
    if labels is None or label_mode is None:
        labels = label_mode = None
    check_validation_split(validation_split, subset, shuffle, seed)
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"`batch_size` must be a positive int or None; received {batch_size!r}.")
    if seed is None:
        seed = int(np.random.randint(1e6))
    paths, labels, class_names = index_directory(
        directory, labels, formats, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'label_mode="binary" needs exactly 2 classes; received class_names='
                         f"{class_names}.")
    num_classes = len(class_names) if class_names else 0

    def build(part_paths, part_labels, part_shuffle):
        specs = [spec]
        encoded = None
        if label_mode is not None:
            encoded = encode_labels(part_labels, label_mode, num_classes)
            specs.append(label_spec(label_mode, num_classes))

        def fetch(indices):
            batch = load_batch([part_paths[i] for i in indices])
            return (batch,) if encoded is None else (batch, encoded[indices])

        dataset = make_dataset(len(part_paths), fetch, specs, batch_size, part_shuffle, seed)
        dataset.class_names = class_names
        dataset.file_paths = list(part_paths)
        return dataset

    allowed = ", ".join(formats)
    parts = ("training", "validation") if subset == "both" else (subset,)
    datasets = []
    for part in parts:
        part_paths, part_labels = training_or_validation(paths, labels, validation_split, part)
        if not part_paths:
            where = f"{part} " if subset == "both" else ""
            raise ValueError(f"No {where}{kind} files found in directory {directory}. Allowed "
                             f"formats: {allowed}")
        datasets.append(build(part_paths, part_labels, shuffle and part != "validation"))
    return datasets if subset == "both" else datasets[0]


# split_dataset -------------------------------------------------------------------------

def _is_torch_dataset(value):
    return inherits_from(value, "Dataset", "torch.utils.data")


def _samples(dataset):
    """The examples of `dataset` as a list of NumPy structures, and their shared structure."""
    if isinstance(dataset, np.ndarray):
        return list(dataset)
    if isinstance(dataset, (list, tuple)):
        if not dataset:
            raise ValueError("`dataset` is an empty list/tuple: pass NumPy arrays of equal length.")
        for i, array in enumerate(dataset):
            if not isinstance(array, np.ndarray):
                raise ValueError(f"`dataset` must be a list/tuple of NumPy arrays; item {i} is "
                                 f"{type(array).__name__}.")
            if len(array) != len(dataset[0]):
                raise ValueError(f"The arrays of `dataset` must have one length; item 0 has "
                                 f"{len(dataset[0])} rows and item {i} has {len(array)}.")
        return list(zip(*dataset))
    if is_tf_dataset(dataset):
        if tf_data().batch_size_of(dataset) is not None:
            dataset = dataset.unbatch()
    samples = [tree.map_structure(np.asarray, s) for s in dataset]
    if not samples:
        raise ValueError("`dataset` is empty: there is nothing to split.")
    return samples


def _split_sizes(left_size, right_size, total):
    """`left_size` and `right_size` (ints, fractions or None) as counts."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and (type(size) not in (int, float)):
            raise TypeError(f"`{name}` must be an int, a float or None; received "
                            f"{type(size).__name__}.")
        if type(size) is int and not 0 < size < total or type(size) is float and not 0 < size < 1:
            raise ValueError(f"`{name}` must be an int in (0, {total}) or a float in (0, 1); "
                             f"received {size!r}.")
    if left_size is None and right_size is None:
        raise ValueError("Pass `left_size`, `right_size` or both; received neither.")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError(f"`left_size` + `right_size` must be at most 1; received {left_size} + "
                         f"{right_size}.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"`left_size` + `right_size` ({left} + {right}) exceeds the {total} "
                         "examples of `dataset`.")
    if left == 0 or right == 0:
        raise ValueError(f"With {total} examples, left_size={left_size!r} and right_size="
                         f"{right_size!r} leave the {'left' if left == 0 else 'right'} split "
                         "empty.")
    return int(left), int(right)


def _stack(samples):
    """A list of same-structure samples to one structure of stacked arrays (lists become
    tuples, as `tf.data` wants)."""
    if not isinstance(samples[0], (tuple, list, dict)):
        return np.stack(samples)
    columns = [np.stack(c) for c in zip(*[tree.flatten(s) for s in samples])]
    return tree.lists_to_tuples(tree.pack_sequence_as(samples[0], columns))


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None,
                  preferred_backend=None):
    """Splits a small in-memory dataset in two.

    Args:
        dataset: a NumPy array, a list/tuple of NumPy arrays of one length (split along
            their first axis), a `tf.data.Dataset` (batched ones are split by example) or
            a `torch.utils.data.Dataset`.
        left_size: size of the left split: an int count, a float fraction, or `None` for
            what `right_size` leaves.
        right_size: the same for the right split (taken from the end).
        shuffle: shuffle the examples before splitting.
        seed: seed of that shuffle.
        preferred_backend: ``"torch"`` returns two `torch.utils.data.Subset`s; any other
            backend name returns two `tf.data.Dataset`s. By default: torch for a torch
            dataset, tensorflow for a tf.data one, and the active backend for arrays.

    Returns:
        ``(left, right)``: `tf.data.Dataset`s (batched like `dataset` when it was batched)
        or torch `Subset`s. Without TensorFlow, the non-torch result is two NumPy
        structures shaped like `dataset`.

    Example:
        >>> x, y = np.arange(8.0).reshape(4, 2), np.arange(4)
        >>> left, right = split_dataset((x, y), right_size=1)
        >>> [b.numpy().tolist() for b in next(iter(right))]  # doctest: +SKIP
        [[6.0, 7.0], 3]
    """
    if preferred_backend is None:
        if isinstance(dataset, (np.ndarray, list, tuple)):
            preferred_backend = backend.current()
        elif is_tf_dataset(dataset):
            preferred_backend = "tensorflow"
        elif _is_torch_dataset(dataset):
            preferred_backend = "torch"
        else:
            raise TypeError(f"`dataset` must be a NumPy array, a list/tuple of NumPy arrays, a "
                            f"tf.data.Dataset or a torch Dataset; received "
                            f"{type(dataset).__name__}.")
    elif preferred_backend not in backend.NAMES:
        raise ValueError(f"`preferred_backend` must be one of {backend.NAMES} or None; "
                         f"received {preferred_backend!r}.")
    if preferred_backend == "torch":
        return _split_torch(dataset, left_size, right_size, shuffle, seed)
    samples = _samples(dataset)
    left, right = _split_sizes(left_size, right_size, len(samples))
    if shuffle:
        random.Random(seed).shuffle(samples)
    left_part, right_part = _stack(samples[:left]), _stack(samples[len(samples) - right:])
    if not tf_available():
        return left_part, right_part
    data = tf_data()
    batch_size = data.batch_size_of(dataset) if is_tf_dataset(dataset) else None
    return data.from_arrays(left_part, batch_size), data.from_arrays(right_part, batch_size)


def _split_torch(dataset, left_size, right_size, shuffle, seed):
    torch = torch_data()
    if isinstance(dataset, np.ndarray):
        dataset = [dataset]
    elif is_tf_dataset(dataset):
        dataset = [np.asarray(c) for c in zip(*[tree.flatten(s) for s in _samples(dataset)])]
    elif isinstance(dataset, (list, tuple)):
        _samples(dataset)  # validates the arrays
    elif not torch.is_dataset(dataset):
        raise TypeError(f"`dataset` must be a NumPy array, a list/tuple of NumPy arrays, a "
                        f"tf.data.Dataset or a torch Dataset; received {type(dataset).__name__}.")
    total = len(dataset[0]) if isinstance(dataset, (list, tuple)) else len(dataset)
    left, right = _split_sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        order = np.random.RandomState(seed).permutation(total)
    return tuple(torch.subsets(dataset, [order[:left], order[total - right:]]))
