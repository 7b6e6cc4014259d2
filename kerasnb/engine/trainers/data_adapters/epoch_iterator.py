"""`EpochIterator`: the batches of each epoch, grouped by `steps_per_execution`."""

import itertools
import warnings

from kerasnb.engine import config
from kerasnb.engine.trainers.data_adapters import arrays, generator, py_dataset, utils
from kerasnb.engine.trainers.data_adapters import tf_dataset, torch_loader
from kerasnb.engine.trainers.data_adapters.base import DataAdapter
from kerasnb.engine.utils import tree

_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset "
            "or generator can generate at least `steps_per_epoch * epochs` batches. You may "
            "need to use the `.repeat()` function when building your dataset.")


def _refuse_extras(source, y, sample_weight):
    if y is not None:
        raise utils.unsupported_argument("y", source)
    if sample_weight is not None:
        raise utils.unsupported_argument("sample_weight", source)


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                     shuffle=False, class_weight=None):
    """The `DataAdapter` for `x` (and `y`, `sample_weight`), chosen by the type of `x`.

    Raises:
        ValueError: `x` is of an unsupported type, or arguments do not fit the source.

    Example:
        >>> import numpy as np
        >>> get_data_adapter(np.zeros((10, 2)), batch_size=4).num_batches
        3
    """
    if isinstance(x, DataAdapter):
        return x
    if x is None:
        raise ValueError("`x` is None: pass the input data as `x`.")
    if arrays.can_convert_arrays(x, y, sample_weight):
        return arrays.ArrayAdapter(x, y, sample_weight, batch_size=batch_size,
                                   steps=steps_per_epoch, shuffle=shuffle,
                                   class_weight=class_weight)
    if tf_dataset.is_tf_dataset(x):
        _refuse_extras("tf.data.Dataset", y, sample_weight)
        return tf_dataset.TFDatasetAdapter(x, class_weight=class_weight)
    if isinstance(x, py_dataset.PyDataset):
        _refuse_extras("PyDataset", y, sample_weight)
        return py_dataset.PyDatasetAdapter(x, class_weight=class_weight, shuffle=shuffle)
    if torch_loader.is_torch_dataloader(x):
        _refuse_extras("torch DataLoader", y, sample_weight)
        _refuse_class_weight("torch DataLoader", class_weight)
        return torch_loader.TorchDataLoaderAdapter(x)
    if generator.is_generator(x):
        _refuse_extras("generator", y, sample_weight)
        _refuse_class_weight("generator", class_weight)
        return generator.GeneratorAdapter(x)
    bad = [type(leaf).__name__ for leaf in tree.flatten((x, y, sample_weight))
           if not utils.is_array_like(leaf)]
    raise ValueError(
        f"Unrecognized data type: x of type {utils.type_description(x)}"
        + (f" (unsupported parts: {', '.join(sorted(set(bad)))})" if bad else "")
        + f". Supported: {utils.SUPPORTED_TYPES}.")


def _refuse_class_weight(source, class_weight):
    if class_weight is not None:
        raise ValueError(
            f"`class_weight` is not supported when `x` is a {source}: have it yield "
            f"`(x, y, sample_weight)` instead. Received: class_weight={class_weight!r}")


class EpochIterator:
    """Walks a data source epoch after epoch, in groups of `steps_per_execution` batches.

    Args:
        x, y, sample_weight: the data (see `get_data_adapter` for the supported types).
        batch_size: samples per batch, for array data (default 32).
        steps_per_epoch: batches per epoch. With it, the source is read continuously
            across epochs; a source that runs out ends the epoch early with a warning.
            Without it an epoch is one full pass.
        shuffle: ``True``/``"batch"``/``False``, for arrays and PyDatasets.
        class_weight: dict ``{class: weight}`` turned into per-sample weights.
        steps_per_execution: batches handed over together, per step.

    Example:
        >>> import numpy as np
        >>> iterator = EpochIterator(np.arange(10.0), batch_size=4, steps_per_execution=2)
        >>> [(step, len(group)) for step, group in iterator.enumerate_epoch()]
        [(0, 2), (2, 1)]
    """

    def __init__(self, x=None, y=None, sample_weight=None, batch_size=None,
                 steps_per_epoch=None, shuffle=False, class_weight=None,
                 steps_per_execution=1):
        steps_per_epoch = utils.check_positive_int("steps_per_epoch", steps_per_epoch)
        self.steps_per_execution = utils.check_positive_int(
            "steps_per_execution", steps_per_execution) or 1
        cap = config.max_steps_per_epoch()
        if cap and (not steps_per_epoch or cap < steps_per_epoch):
            warnings.warn(f"Limiting steps_per_epoch to {cap}", stacklevel=2)
            steps_per_epoch = cap
        self.steps_per_epoch = steps_per_epoch
        self.data_adapter = get_data_adapter(
            x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
            shuffle=shuffle, class_weight=class_weight)
        self._known_batches = self.data_adapter.num_batches
        self.indices = False   # yield sample indices instead of batches (arrays only)
        self._batches = None   # the running pass over the source
        self._taken = 0        # batches taken from it so far
        self._pending = []     # batches `peek` read from a one-shot source, served first
        self._epoch = None     # the running `enumerate_epoch` generator

    @property
    def num_batches(self):
        """Steps per epoch: `steps_per_epoch`, else the source's size (``None`` if unknown)."""
        return self.steps_per_epoch or self._known_batches

    def _restart(self):
        source = self.data_adapter.batch_indices if self.indices else self.data_adapter.batches
        self._batches = iter(source())
        self._taken = 0

    def yield_indices(self):
        """From the next epoch on, each step gets the sample indices of its batch into
        ``data_adapter.arrays`` instead of the batch (for steps that gather on the device).

        Raises:
            TypeError: the source is not in-memory arrays.
        """
        if not hasattr(self.data_adapter, "batch_indices"):
            raise TypeError(
                f"Only array data can be read by index; this iterator reads a "
                f"{type(self.data_adapter).__name__}.")
        self.indices = True
        self._batches = None

    def _take(self, count):
        group, self._pending = self._pending[:count], self._pending[count:]
        group += itertools.islice(self._batches, count - len(group))
        self._taken += len(group)
        return group

    def peek(self):
        """A batch ``(x, y, sw)`` to build a model from, or ``None`` when there is no data.

        Re-iterable sources give their first batch from a separate pass; for a one-shot
        generator the batch is kept and still comes first in the next epoch.
        """
        if self.data_adapter.reiterable:
            return next(iter(self.data_adapter.batches()), None)
        if not self._pending:
            if self._batches is None:
                self._restart()
            self._pending = list(itertools.islice(self._batches, 1))
        return self._pending[0] if self._pending else None

    def _run_epoch(self):
        self.data_adapter.on_epoch_begin()
        try:
            if self.steps_per_epoch is None or self._batches is None:
                self._restart()
            limit = self.num_batches
            step, exhausted = 0, False
            while limit is None or step < limit:
                wanted = self.steps_per_execution
                if limit is not None:
                    wanted = min(wanted, limit - step)
                group = self._take(wanted)
                if group:
                    yield step, group
                    step += len(group)
                if len(group) < wanted:
                    exhausted = True
                    break
            if exhausted:
                if self._known_batches is None and self.steps_per_epoch is None and step:
                    self._known_batches = step  # a finite generator: now we know its size
                elif self.steps_per_epoch is not None or not step:
                    warnings.warn(_RAN_OUT, stacklevel=2)
                self._batches = None
            elif self._known_batches is not None and self._taken >= self._known_batches:
                self._batches = None  # the pass ended exactly here: restart next epoch
        finally:
            self._epoch = None
            self.data_adapter.on_epoch_end()

    def enumerate_epoch(self):
        """One epoch: yields ``(step_index, [batch, ...])``, each batch ``(x, y, sw)``."""
        if self._epoch is not None:
            self._epoch.close()
        self._epoch = self._run_epoch()
        return self._epoch

    def reset(self):
        """Ends any epoch in progress and starts the data over on the next epoch."""
        if self._epoch is not None:
            self._epoch.close()
        self._batches = None
        self._taken = 0
        self._known_batches = self.data_adapter.num_batches
