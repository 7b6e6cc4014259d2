"""`PyDataset` (`keras.utils.PyDataset`): batches computed in Python, prefetched by threads."""

import collections
import concurrent.futures
import itertools
import random
import warnings

from kerasnb.engine.trainers.data_adapters import utils
from kerasnb.engine.trainers.data_adapters.base import DataAdapter


class PyDataset:
    """Base class for a dataset whose batches come from Python code.

    Subclasses implement ``__getitem__(index)`` returning one batch (``x``, ``(x, y)`` or
    ``(x, y, sample_weight)``) and either ``__len__`` or the `num_batches` property
    (``None`` for an endless dataset). `on_epoch_begin`/`on_epoch_end` may be overridden
    to change the data between epochs.

    Args:
        workers: threads that compute batches ahead of time; 1 computes them in order
            on demand.
        use_multiprocessing: accepted for Keras compatibility; batches are prefetched
            by threads either way.
        max_queue_size: how many batches may be computed ahead.

    Example:
        >>> import numpy as np
        >>> class Squares(PyDataset):
        ...     def __len__(self):
        ...         return 3
        ...     def __getitem__(self, index):
        ...         x = np.arange(2.0) + 2 * index
        ...         return x, x ** 2
        >>> Squares().num_batches
        3
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _setting(self, name, default):
        if not hasattr(self, name):
            warnings.warn(
                "Your `PyDataset` subclass should call `super().__init__(**kwargs)` in its "
                "constructor; `kwargs` may hold `workers`, `use_multiprocessing` and "
                "`max_queue_size` (passing these to `fit()` has no effect).", stacklevel=3)
            setattr(self, name, default)
        return getattr(self, name)

    @property
    def workers(self):
        return self._setting("_workers", 1)

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        return self._setting("_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        return self._setting("_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """Returns batch number `index`."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__getitem__(self, index)`.")

    @property
    def num_batches(self):
        """The number of batches, or ``None`` for an endless dataset (default: ``len()``)."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__len__` or the `num_batches` property "
            "(returning None when the dataset is endless).")

    def __iter__(self):
        count = self.num_batches
        indices = itertools.count() if count is None else range(count)
        return (self[index] for index in indices)

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch."""


def _prefetched(fetch, indices, workers, queue_size):
    """``fetch(i)`` for each index, in order, with up to `queue_size` computed ahead."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
    pending = collections.deque()
    indices = iter(indices)
    try:
        for index in itertools.islice(indices, max(queue_size, 1)):
            pending.append(pool.submit(fetch, index))
        while pending:
            batch = pending.popleft().result()
            for index in itertools.islice(indices, 1):
                pending.append(pool.submit(fetch, index))
            yield batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class PyDatasetAdapter(DataAdapter):
    """Reads the batches of a `PyDataset`, in order or shuffled, prefetching with threads.

    Args:
        dataset: the `PyDataset`.
        class_weight: optional dict ``{class: weight}`` that fills ``sample_weight``.
        shuffle: visit the batches in a new random order (Python's `random`) each epoch;
            ignored, with a warning, for an endless dataset.

    Example:
        >>> class Ones(PyDataset):
        ...     def __len__(self):
        ...         return 3
        ...     def __getitem__(self, index):
        ...         return [1.0, 1.0], [0.0, 0.0]
        >>> [x.shape for x, _, _ in PyDatasetAdapter(Ones()).batches()]
        [(2,), (2,), (2,)]
    """

    def __init__(self, dataset, class_weight=None, shuffle=False):
        if not isinstance(dataset, PyDataset):
            raise TypeError(f"PyDatasetAdapter needs a PyDataset; received "
                            f"{utils.type_description(dataset)}")
        self._dataset = dataset
        self._class_weight = utils.check_class_weight(class_weight)
        self._shuffle = bool(shuffle)
        if self._shuffle and dataset.num_batches is None:
            warnings.warn("`shuffle=True` is ignored for an endless PyDataset (num_batches "
                          "is None): it should shuffle its own data.", stacklevel=3)

    @property
    def num_batches(self):
        return self._dataset.num_batches

    def _fetch(self, index):
        return utils.standardize_batch(self._dataset[index], self._class_weight)

    def batches(self):
        count = self._dataset.num_batches
        if count is None:
            indices = itertools.count()
        else:
            indices = list(range(count))
            if self._shuffle:
                random.shuffle(indices)
        workers = self._dataset.workers
        if workers > 1:
            return _prefetched(self._fetch, indices, workers, self._dataset.max_queue_size)
        return (self._fetch(index) for index in indices)

    def on_epoch_begin(self):
        self._dataset.on_epoch_begin()

    def on_epoch_end(self):
        self._dataset.on_epoch_end()
