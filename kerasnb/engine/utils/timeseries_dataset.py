"""`timeseries_dataset_from_array` (`keras.utils`): sliding windows over a series.

Example:
    >>> ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=3,
    ...                                    batch_size=4)  # doctest: +SKIP
    >>> next(iter(ds)).numpy()  # doctest: +SKIP
    array([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]])
"""

import numpy as np

from kerasnb.engine.utils import dataset_utils


def _check_positive_below(name, value, length):
    if not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {value!r}.")
    if value >= length:
        raise ValueError(f"`{name}` must be lower than the length of `data` ({length}); "
                         f"received {value}.")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None, format="tf"):
    """A dataset of windows ``data[i : i + sequence_length * sampling_rate : sampling_rate]``.

    Windows start at ``start_index + k * sequence_stride`` for k = 0, 1, ... and end before
    `end_index`. The target of the window starting at row ``i`` is ``targets[i]``.

    Args:
        data: array-like of rows (the first axis is time).
        targets: array-like with one target per row of `data`, or `None`.
        sequence_length: rows per window.
        sequence_stride: rows between the starts of consecutive windows.
        sampling_rate: keep every `sampling_rate`-th row inside a window.
        batch_size: windows per batch, or `None` for single windows.
        shuffle: visit the windows in a new random order each epoch.
        seed: seed of the shuffling.
        start_index, end_index: use only rows ``data[start_index:end_index]``.
        format: ``"tf"``; ``"grain"`` raises `NotImplementedError`.

    Returns:
        A `tf.data.Dataset` when TensorFlow is installed (else a kerasnb `PyDataset`) of
        windows of shape ``(batch, sequence_length) + data.shape[1:]``, paired with the
        targets when `targets` is given.

    Example:
        >>> ds = timeseries_dataset_from_array(np.arange(100.0), np.arange(100),
        ...                                    sequence_length=10, batch_size=32)  # doctest: +SKIP
    """
    data = np.asarray(data)
    length = len(data)
    if start_index:
        if not isinstance(start_index, (int, np.integer)) or start_index < 0:
            raise ValueError(f"`start_index` must be a non-negative int; received {start_index!r}.")
        if start_index >= length:
            raise ValueError(f"`start_index` must be lower than the length of `data` ({length}); "
                             f"received {start_index}.")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`; received "
                             f"start_index={start_index}, end_index={end_index}.")
        if end_index >= length:
            raise ValueError(f"`end_index` must be lower than the length of `data` ({length}); "
                             f"received {end_index}.")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be positive; received {end_index}.")
    _check_positive_below("sampling_rate", sampling_rate, length)
    _check_positive_below("sequence_stride", sequence_stride, length)
    if not isinstance(sequence_length, (int, np.integer)) or sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be a positive int; received {sequence_length!r}.")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"`batch_size` must be a positive int or None; received {batch_size!r}.")
    dataset_utils.check_format(format)
    start = start_index or 0
    end = end_index or length
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        count = min(count, len(targets) - start)
    starts = start + np.arange(0, max(count, 0), sequence_stride)
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1e6))
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(sequence_length) * sampling_rate

    def fetch(indices):
        first = starts[indices]
        windows = data[first[:, None] + offsets]
        return (windows,) if targets is None else (windows, targets[first])

    specs = [((sequence_length,) + data.shape[1:], data.dtype)]
    if targets is not None:
        specs.append((targets.shape[1:], targets.dtype))
    return dataset_utils.make_dataset(len(starts), fetch, specs, batch_size, shuffle, seed)
