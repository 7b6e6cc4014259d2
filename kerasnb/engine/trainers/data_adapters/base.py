"""The interface every data adapter offers to `EpochIterator`."""


class DataAdapter:
    """Turns one kind of data source into batches of ``(x, y, sample_weight)``.

    Subclasses implement `batches`; the rest has sensible defaults.

    Example:
        >>> class Two(DataAdapter):
        ...     def batches(self):
        ...         return iter([(1, None, None), (2, None, None)])
        >>> [b[0] for b in Two().batches()]
        [1, 2]
    """

    #: Whether `batches()` starts the data over (False for one-shot generators).
    reiterable = True

    def batches(self):
        """An iterator over one pass of the data, each item ``(x, y, sample_weight)``."""
        raise NotImplementedError

    @property
    def num_batches(self):
        """Batches in one pass, or ``None`` when unknown."""
        return None

    @property
    def batch_size(self):
        """Samples per batch, or ``None`` when the source decides."""
        return None

    def on_epoch_begin(self):
        """Called before each epoch."""

    def on_epoch_end(self):
        """Called after each epoch (also when an epoch is cut short)."""
