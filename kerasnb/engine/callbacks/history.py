"""`History`: the per-epoch record of logs that `fit` returns.

Example:
    >>> history = History()
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {"loss": 0.5})
    >>> history.history
    {'loss': [0.5]}
"""

from kerasnb.engine.callbacks.callback import Callback


class History(Callback):
    """Records every epoch's logs: ``history[key]`` is a list with one value per epoch.

    `fit` adds one automatically and returns it; it is also ``model.history``.

    Example:
        >>> history = model.fit(x, y, epochs=3)  # doctest: +SKIP
        >>> history.history["loss"]  # doctest: +SKIP
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self

    def _repr_html_(self):
        """A table of the logs per epoch with a sparkline per key, for notebooks."""
        from kerasnb.engine.models.summary_html import history_html
        return history_html(self)
