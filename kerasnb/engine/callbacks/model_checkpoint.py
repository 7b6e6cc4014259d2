"""`ModelCheckpoint`: save the model (or its weights) during training.

Example:
    >>> checkpoint = ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
"""

import os
import warnings

import numpy as np

from kerasnb.engine.callbacks.monitor import MonitorCallback


def _check_save_freq(save_freq):
    if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
        raise ValueError(f"`save_freq` must be 'epoch' or an integer number of batches; "
                         f"received save_freq={save_freq!r}.")


class BatchCounter:
    """Counts training batches across epochs and says when `every` of them have passed."""

    def __init__(self, every):
        self.every = every
        self.since_last = 0
        self.last_batch = None

    def tick(self, batch):
        """Records that `batch` (0-based, restarting each epoch) ended; True when it is time."""
        if self.last_batch is None or batch <= self.last_batch:
            self.since_last += batch + 1
        else:
            self.since_last += batch - self.last_batch
        self.last_batch = batch
        if self.since_last >= self.every:
            self.since_last = 0
            return True
        return False


class ModelCheckpoint(MonitorCallback):
    """Saves the model or its weights at the end of every epoch or every `save_freq` batches.

    `filepath` may hold ``str.format`` fields filled from the epoch (1-based), the batch and
    the logs, e.g. ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``.

    Args:
        filepath: where to save; must end in ``.keras`` (or ``.h5``), or in ``.weights.h5``
            with `save_weights_only`.
        monitor: the log key compared when `save_best_only`.
        verbose: 1 prints a message per save.
        save_best_only: save only when `monitor` improves on the best so far.
        save_weights_only: save with `model.save_weights` instead of `model.save`.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or a number of batches.
        initial_value_threshold: the best value to beat at the start.

    Example:
        >>> checkpoint = ModelCheckpoint("ckpt/{epoch:02d}.weights.h5", save_weights_only=True)
        >>> model.fit(x, y, epochs=5, callbacks=[checkpoint])  # doctest: +SKIP
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        _check_save_freq(save_freq)
        self.save_freq = save_freq
        self._counter = BatchCounter(save_freq) if save_freq != "epoch" else None
        self._current_epoch = 0
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError("With `save_weights_only=True`, `filepath` must end in "
                             f"`.weights.h5`; received filepath={self.filepath!r}.")
        if not save_weights_only and not self.filepath.endswith((".keras", ".h5")):
            raise ValueError("`filepath` must end in `.keras` (the Keras model format); "
                             f"received filepath={self.filepath!r}.")

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._counter is not None and self._counter.tick(batch):
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in fields:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {error}") from None

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.",
                          stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn("Can save best model only when `monitor` is a scalar value; received "
                          f"{current}. Falling back to `save_best_only=False`.", stacklevel=3)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch, batch, logs):
        if self.monitor_op is None:
            self._set_monitor_op()
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
