"""Batches from in-memory arrays: NumPy, lists of numbers, tensors, DataFrames."""

import math

import numpy as np

from kerasnb.engine.trainers.data_adapters import utils
from kerasnb.engine.trainers.data_adapters.base import DataAdapter
from kerasnb.engine.utils import tree

DEFAULT_BATCH_SIZE = 32


def can_convert_arrays(x, y=None, sample_weight=None):
    """Whether every leaf of ``(x, y, sample_weight)`` is array-like (``x`` not ``None``)."""
    parts = [utils.lists_of_numbers_to_arrays(part) for part in (x, y, sample_weight)]
    return x is not None and all(utils.is_array_like(leaf) for leaf in tree.flatten(parts))


def _broadcast_sample_weight(y, sample_weight):
    """One `sample_weight` per output of a multi-output `y` (a single array is repeated)."""
    if sample_weight is None or not tree.is_nested(y):
        return sample_weight
    if tree.is_nested(sample_weight):
        try:
            tree.assert_same_structure(y, sample_weight)
        except (ValueError, TypeError) as error:
            raise ValueError(
                "Provide one `sample_weight` array per output in `y`; their structures "
                f"differ: {error}") from None
        return sample_weight
    if not (sample_weight.ndim == 1 or (sample_weight.ndim == 2 and sample_weight.shape[1] == 1)):
        raise ValueError(
            "With several outputs, a single `sample_weight` array must hold one weight per "
            f"sample (shape (n,)); received shape {sample_weight.shape}. Pass one array per "
            "output for non-scalar weights.")
    return tree.map_structure(lambda _: sample_weight, y)


class ArrayAdapter(DataAdapter):
    """Slices in-memory arrays into batches, optionally shuffled each epoch.

    Args:
        x, y, sample_weight: arrays or nested structures of arrays with equal first dims.
        batch_size: samples per batch; default ``ceil(n / steps)`` with `steps`, else 32.
        steps: batches per epoch requested by the caller (only used for the default size).
        shuffle: ``True`` draws a fresh permutation each epoch from NumPy's global RNG;
            ``"batch"`` shuffles within each consecutive batch; ``False`` keeps the order.
        class_weight: dict ``{class: weight}`` turned into per-sample weights.

    Example:
        >>> adapter = ArrayAdapter(np.arange(5), batch_size=2)
        >>> [b[0].tolist() for b in adapter.batches()]
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, class_weight=None):
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch'. Received: "
                             f"shuffle={shuffle!r}")
        batch_size = utils.check_positive_int("batch_size", batch_size)
        steps = utils.check_positive_int("steps_per_epoch", steps)
        x, y, sample_weight = (
            tree.map_structure(utils.to_numpy_array, utils.lists_of_numbers_to_arrays(part))
            for part in (x, y, sample_weight))
        if class_weight is not None:
            utils.check_class_weight(class_weight, y)
            if sample_weight is not None:
                raise ValueError("You cannot use `class_weight` and `sample_weight` at the "
                                 "same time.")
            if y is None:
                raise ValueError("`class_weight` needs targets `y`.")
        sample_weight = _broadcast_sample_weight(y, sample_weight)
        self._size = utils.num_samples(x, y, sample_weight)
        if class_weight is not None:
            sample_weight = utils.class_weight_to_sample_weights(y, class_weight)
        self._data = (x, y, sample_weight)
        if batch_size is None:
            batch_size = math.ceil(self._size / steps) if steps else DEFAULT_BATCH_SIZE
        self._batch_size = batch_size
        self._shuffle = shuffle

    @property
    def num_batches(self):
        return math.ceil(self._size / self._batch_size)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def num_samples(self):
        return self._size

    @property
    def arrays(self):
        """The whole data as NumPy arrays, ``(x, y, sample_weight)`` (class weights applied)."""
        return self._data

    def _take(self, index):
        return tree.map_structure(
            lambda array: None if array is None else array[index], self._data)

    def batch_indices(self):
        """The sample indices of each batch of one pass (a slice when unshuffled); `batches`
        takes exactly these rows, drawing the same shuffles.

        Example:
            >>> list(ArrayAdapter(np.arange(5), batch_size=2).batch_indices())
            [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
        """
        order = np.random.permutation(self._size) if self._shuffle is True else None
        for start in range(0, self._size, self._batch_size):
            stop = min(start + self._batch_size, self._size)
            if order is not None:
                yield order[start:stop]
            elif self._shuffle == "batch":
                yield start + np.random.permutation(stop - start)
            else:
                yield slice(start, stop)

    def batches(self):
        for index in self.batch_indices():
            yield self._take(index)
