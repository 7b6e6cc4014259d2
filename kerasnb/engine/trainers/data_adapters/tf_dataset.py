"""Batches from a `tf.data.Dataset` (already batched), recognised without importing TF."""

from kerasnb.engine.trainers.data_adapters import utils
from kerasnb.engine.trainers.data_adapters.base import DataAdapter

_DATASET_CLASSES = ("DatasetV2", "DistributedDataset", "DistributedDatasetsFromFunction")


def is_tf_dataset(data):
    """Whether `data` is a `tf.data.Dataset` (or a distributed one)."""
    return any(utils.inherits_from(data, name, "tensorflow.python.")
               for name in _DATASET_CLASSES)


class TFDatasetAdapter(DataAdapter):
    """Iterates a `tf.data.Dataset` whose elements are batches.

    Elements stay TensorFlow tensors on the tensorflow backend and become NumPy arrays
    on the others.

    Args:
        dataset: a batched `tf.data.Dataset` of ``x``, ``(x, y)`` or ``(x, y, sw)``.
        class_weight: optional dict ``{class: weight}`` that fills ``sample_weight``.

    Example:
        >>> import tensorflow as tf
        >>> TFDatasetAdapter(tf.data.Dataset.range(6).batch(4)).num_batches
        2
    """

    def __init__(self, dataset, class_weight=None):
        if not is_tf_dataset(dataset):
            raise TypeError(f"TFDatasetAdapter needs a tf.data.Dataset; received "
                            f"{utils.type_description(dataset)}")
        self._dataset = dataset
        self._class_weight = utils.check_class_weight(class_weight)

    @property
    def num_batches(self):
        cardinality = self._dataset.cardinality
        cardinality = int(cardinality() if callable(cardinality) else cardinality)
        return cardinality if cardinality >= 0 else None  # unknown or infinite

    def batches(self):
        return (utils.standardize_batch(data, self._class_weight) for data in self._dataset)
