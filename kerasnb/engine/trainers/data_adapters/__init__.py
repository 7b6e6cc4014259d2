"""Data adapters: every supported data source turned into batches for fit/evaluate/predict.

Example:
    >>> import numpy as np
    >>> iterator = EpochIterator(np.zeros((5, 2)), np.ones(5), batch_size=2)
    >>> iterator.num_batches
    3
"""

from kerasnb.engine.trainers.data_adapters.base import DataAdapter  # noqa: F401
from kerasnb.engine.trainers.data_adapters.epoch_iterator import (  # noqa: F401
    EpochIterator, get_data_adapter)
from kerasnb.engine.trainers.data_adapters.py_dataset import PyDataset  # noqa: F401
from kerasnb.engine.trainers.data_adapters.utils import (  # noqa: F401
    class_weight_to_sample_weights, pack_x_y_sample_weight, train_validation_split,
    unpack_x_y_sample_weight)
