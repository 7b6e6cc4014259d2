"""Batches from a Python generator or iterator (one pass only: it cannot be restarted)."""

import collections.abc
import types

from kerasnb.engine.trainers.data_adapters import utils
from kerasnb.engine.trainers.data_adapters.base import DataAdapter


def is_generator(data):
    """Whether `data` is a generator or another one-shot iterator."""
    return isinstance(data, (types.GeneratorType, collections.abc.Iterator))


class GeneratorAdapter(DataAdapter):
    """Reads batches ``x``, ``(x, y)`` or ``(x, y, sample_weight)`` from an iterator.

    The iterator is consumed once: successive epochs continue where the last one stopped,
    and an exhausted iterator yields no more batches.

    Example:
        >>> adapter = GeneratorAdapter(iter([(1.0, 0.0), (2.0, 1.0)]))
        >>> [(float(x), float(y)) for x, y, _ in adapter.batches()]
        [(1.0, 0.0), (2.0, 1.0)]
    """

    reiterable = False

    def __init__(self, generator):
        if not is_generator(generator):
            raise TypeError(
                "GeneratorAdapter needs a generator or iterator; received "
                f"{utils.type_description(generator)}")
        self._generator = generator

    def batches(self):
        return (utils.standardize_batch(data) for data in self._generator)
