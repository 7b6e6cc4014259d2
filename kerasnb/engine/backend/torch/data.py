"""`torch.utils.data` datasets for `kerasnb.utils.split_dataset(..., preferred_backend="torch")`.

Example:
    >>> import numpy as np
    >>> left, right = subsets([np.arange(4.0)], [[0, 1], [2, 3]])
    >>> len(left), len(right)
    (2, 2)
"""

import numpy as np
import torch
from torch.utils.data import Dataset, Subset, TensorDataset


def is_dataset(value):
    """Whether `value` is a `torch.utils.data.Dataset`."""
    return isinstance(value, Dataset)


def subsets(source, index_lists):
    """One `Subset` per index list, of a torch dataset or of a `TensorDataset` made from a
    list of NumPy arrays (sliced along their first axis)."""
    if not isinstance(source, Dataset):
        source = TensorDataset(*[torch.from_numpy(np.ascontiguousarray(a)) for a in source])
    return [Subset(source, [int(i) for i in indices]) for indices in index_lists]
