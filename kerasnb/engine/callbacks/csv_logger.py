"""`CSVLogger`: one CSV row per epoch.

Example:
    >>> logger = CSVLogger("training.log", append=True)
"""

import csv
import os

import numpy as np

from kerasnb.engine.callbacks.callback import Callback


def _cell(value):
    """A CSV cell: strings as they are, sequences as ``"[a, b]"``, numbers unchanged."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Writes the ``epoch`` and every log value of each epoch as a row of a CSV file.

    Columns are the sorted log keys of the first epoch; when it has no ``val_`` keys, the
    matching ``val_`` columns are added too (filled with ``NA`` until they appear).

    Args:
        filename: the CSV file path.
        separator: the column delimiter.
        append: add to an existing file (header written only if it is empty) instead of
            overwriting it.

    Example:
        >>> model.fit(x, y, callbacks=[CSVLogger("log.csv")])  # doctest: +SKIP
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append and os.path.exists(self.filename):
            with open(self.filename) as existing:
                self.append_header = not existing.readline()
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
