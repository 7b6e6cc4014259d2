"""Batches from a `torch.utils.data.DataLoader`, recognised without importing torch."""

from kerasnb.engine.trainers.data_adapters import utils
from kerasnb.engine.trainers.data_adapters.base import DataAdapter


def is_torch_dataloader(data):
    """Whether `data` is a `torch.utils.data.DataLoader` (or a subclass)."""
    return utils.inherits_from(data, "DataLoader", "torch.utils.data")


class TorchDataLoaderAdapter(DataAdapter):
    """Iterates a DataLoader; each item is ``x``, ``[x, y]`` or ``[x, y, sample_weight]``.

    Tensors stay torch tensors on the torch backend and become NumPy arrays elsewhere.

    Example:
        >>> import torch
        >>> loader = torch.utils.data.DataLoader(torch.arange(5.0), batch_size=2)
        >>> TorchDataLoaderAdapter(loader).num_batches
        3
    """

    def __init__(self, loader):
        if not is_torch_dataloader(loader):
            raise TypeError(f"TorchDataLoaderAdapter needs a torch DataLoader; received "
                            f"{utils.type_description(loader)}")
        self._loader = loader

    @property
    def num_batches(self):
        if hasattr(self._loader.dataset, "__len__"):
            return len(self._loader)
        return None  # an IterableDataset without a length

    @property
    def batch_size(self):
        return self._loader.batch_size

    def batches(self):
        return (utils.standardize_batch(data) for data in self._loader)
