"""What `adapt` accepts, as NumPy batches: arrays, tensors, ``tf.data`` datasets, PyDatasets
and other iterables of batches.

Example:
    >>> [b.shape for b in batches(np.zeros((4, 2)))]
    [(4, 2)]
"""

import numpy as np

from kerasnb.engine.backend import common


def to_array(x):
    """A NumPy array from an array, any framework's tensor (tf.string included) or a list."""
    if isinstance(x, np.ndarray):
        return x
    if common.is_foreign_tensor(x):
        return np.asarray(common.to_numpy_any(x))
    return np.asarray(x)


def _features(element):
    """The inputs of a batch that may be ``(x, y)`` or ``(x, y, sample_weight)``."""
    if isinstance(element, tuple) and element:
        return element[0]
    return element


def _is_dataset(data):
    return hasattr(data, "element_spec") and hasattr(data, "as_numpy_iterator")


def batches(data, owner="adapt", lists_are_batches=True, batch_rank=2):
    """Yields the batches of `data` as NumPy arrays.

    Args:
        data: an array or tensor (one batch), a ``tf.data.Dataset`` (its elements, or
            their first item for ``(x, y)`` elements; an unbatched one of rank below
            `batch_rank` is batched by 128 first), a PyDataset, or an iterable of batches.
        owner: named in errors.
        lists_are_batches: whether a Python list is a list of batches (Normalization) or
            the data itself (lookup layers).
        batch_rank: the rank under which a dataset's elements are taken as unbatched.

    Raises:
        TypeError: `data` is none of these. ValueError: `data` yields no batch.
    """
    if isinstance(data, np.ndarray) or common.is_foreign_tensor(data) or (
            isinstance(data, (list, tuple)) and not lists_are_batches):
        yield to_array(data)
        return
    if isinstance(data, (str, bytes, dict)) or not hasattr(data, "__iter__") and not hasattr(
            data, "__getitem__"):
        raise TypeError(
            f"`{owner}` expects a NumPy array, a tensor, a tf.data.Dataset, a PyDataset or an "
            f"iterable of batches; received {type(data).__name__}.")
    if _is_dataset(data):
        spec = _features(data.element_spec)
        if getattr(spec, "shape", None) is not None and len(spec.shape) < batch_rank:
            data = data.batch(128)
        data = data.as_numpy_iterator()
    elif hasattr(data, "__getitem__") and hasattr(data, "__len__") and hasattr(data, "num_batches"):
        data = (data[i] for i in range(len(data)))  # a PyDataset
    empty = True
    for element in data:
        empty = False
        yield to_array(_features(element))
    if empty:
        raise ValueError(f"`{owner}` received an empty iterable: it yielded no batch.")
