"""`tf.data` pipelines for the dataset utilities of `kerasnb.utils`.

Keras's `image_dataset_from_directory`, `timeseries_dataset_from_array`, `split_dataset`...
return a `tf.data.Dataset`; kerasnb does the same when TensorFlow is installed. The data is
read by NumPy code (`kerasnb.engine.utils`), one batch per `tf.numpy_function` call, so
every backend reads the same values.

Example:
    >>> import numpy as np
    >>> ds = from_batch_fetch(5, lambda i: (np.ones((len(i), 2), "float32"),),
    ...                       [((2,), "float32")], batch_size=2)
    >>> [x.shape[0] for x in ds]
    [2, 2, 1]
"""

import numpy as np
import tensorflow as tf


def _tf_dtype(dtype):
    return tf.string if dtype in ("string", object) else tf.as_dtype(dtype)


def from_batch_fetch(count, fetch, specs, batch_size=None, shuffle=False, seed=None):
    """A dataset of `count` elements whose batches are computed by NumPy code.

    Args:
        count: number of elements.
        fetch: ``fetch(indices)`` returns a tuple of NumPy arrays, one per entry of
            `specs`, each with a leading axis of ``len(indices)``.
        specs: ``(element_shape, dtype)`` per component (``None`` for unknown dims,
            ``"string"`` for bytes).
        batch_size: elements per batch, or `None` for an unbatched dataset.
        shuffle: visit the elements in a new random order each epoch.
        seed: seed of that order.

    Returns:
        A `tf.data.Dataset` of single tensors (one spec) or tuples.
    """
    signature = [tf.TensorSpec((None,) + tuple(shape), _tf_dtype(dtype)) for shape, dtype in specs]

    numpy_dtypes = [object if s.dtype == tf.string else s.dtype.as_numpy_dtype for s in signature]

    def fetch_cast(indices):
        return [np.asarray(v, d) for v, d in zip(fetch(indices), numpy_dtypes)]

    def load(indices):
        values = tf.numpy_function(fetch_cast, [indices],
                                   [s.dtype for s in signature], stateful=False)
        for value, spec in zip(values, signature):
            value.set_shape(spec.shape)
        return values[0] if len(values) == 1 else tuple(values)

    dataset = tf.data.Dataset.range(count)
    if shuffle:
        dataset = dataset.shuffle(max(count, 1), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size or 1).map(load, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size is None:
        dataset = dataset.unbatch()
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    dataset._kerasnb_batch_size = batch_size
    return dataset


def from_arrays(structure, batch_size=None):
    """A dataset slicing the NumPy arrays of `structure` along their first axis."""
    dataset = tf.data.Dataset.from_tensor_slices(structure)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.prefetch(tf.data.AUTOTUNE)


def batch_size_of(dataset):
    """The batch size of a dataset made by ``.batch(n)`` (possibly then prefetched), or
    `None` when it is not batched that way."""
    if hasattr(dataset, "_kerasnb_batch_size"):
        return dataset._kerasnb_batch_size
    while True:
        size = getattr(dataset, "_batch_size", None)
        if size is not None:
            return int(np.asarray(size))
        inner = getattr(dataset, "_input_dataset", None)
        if inner is None or "Prefetch" not in type(dataset).__name__:
            return None
        dataset = inner


def ragged_batches(dataset, batch_size=None):
    """Batches of an unbatched dataset whose first component becomes a `tf.RaggedTensor`."""
    def to_ragged(first, *rest):
        first = tf.RaggedTensor.from_tensor(first)
        return (first,) + rest if rest else first

    dataset = dataset.map(to_ragged, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.prefetch(tf.data.AUTOTUNE)
