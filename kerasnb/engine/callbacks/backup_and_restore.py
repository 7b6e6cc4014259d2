"""`BackupAndRestore`: resume an interrupted `fit` from its last backup.

Example:
    >>> backup = BackupAndRestore(backup_dir="/tmp/backup")
"""

import json
import os
import shutil
import tempfile

import numpy as np

from kerasnb.engine.callbacks.callback import Callback
from kerasnb.engine.callbacks.model_checkpoint import BatchCounter, _check_save_freq


def _write_atomically(path, write):
    """Calls ``write(file)`` on a temporary file next to `path`, then renames it over `path`."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path) or ".",
                                         prefix=os.path.basename(path) + ".")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


class BackupAndRestore(Callback):
    """Backs up the weights, optimizer state and epoch counter so `fit` can resume.

    On `on_train_begin` an existing backup is loaded and `fit` continues after the last backed-up
    epoch. The backup is deleted when training ends normally (unless `delete_checkpoint=False`).

    Args:
        backup_dir: the directory holding the backup; use one per training job.
        save_freq: ``"epoch"`` or a number of batches between backups.
        double_checkpoint: keep the previous backup as well (``*.bkp``), used when the latest
            one cannot be read.
        delete_checkpoint: delete the backup when training ends.

    Example:
        >>> backup = BackupAndRestore("/tmp/run1")
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # doctest: +SKIP
        >>> # after a crash, the same call continues from the last finished epoch
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError(f"`backup_dir` must be a non-empty path; received {backup_dir!r}.")
        _check_save_freq(save_freq)
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._counter = BatchCounter(save_freq) if save_freq != "epoch" else None
        self._current_epoch = 0
        self._last_batch_seen = 0
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._optimizer_path = os.path.join(self.backup_dir, "optimizer_state.npz")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._files = (self._weights_path, self._optimizer_path, self._metadata_path)

    def on_train_begin(self, logs=None):
        if not getattr(self.model, "built", True):
            raise ValueError("To use the BackupAndRestore callback, the model must be built "
                             f"before calling `fit()`; model {self.model.name!r} is not built. "
                             "Call it on a batch of data first.")
        try:
            self._restore()
        except Exception:
            if not os.path.exists(self._weights_path + ".bkp"):
                raise
            for path in self._files:
                if os.path.exists(path + ".bkp"):
                    shutil.copyfile(path + ".bkp", path)
                elif os.path.exists(path):
                    os.remove(path)
            self._restore()

    def _restore(self):
        optimizer = getattr(self.model, "optimizer", None)
        if os.path.exists(self._weights_path):
            if optimizer is not None and not getattr(optimizer, "built", True):
                optimizer.build(self.model.trainable_variables)
            self.model.load_weights(self._weights_path)
        if optimizer is not None and os.path.exists(self._optimizer_path):
            with np.load(self._optimizer_path) as stored:
                values = [stored[f"v{i}"] for i in range(len(stored.files))]
            variables = list(optimizer.variables)
            if len(values) != len(variables):
                raise ValueError(f"The optimizer backup in {self.backup_dir!r} holds "
                                 f"{len(values)} variables; the optimizer has {len(variables)}.")
            for variable, value in zip(variables, values):
                variable.assign(value)
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path) as file:
                self.model._initial_epoch = json.load(file)["epoch"]

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._backup()

    def on_train_batch_end(self, batch, logs=None):
        if self._counter is not None:
            self._last_batch_seen = batch
            if self._counter.tick(batch):
                self._backup()

    def _backup(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in self._files:
                if os.path.exists(path):
                    shutil.copyfile(path, path + ".bkp")
        self.model.save_weights(self._weights_path, overwrite=True)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            arrays = {f"v{i}": np.asarray(v) for i, v in enumerate(optimizer.variables)}
            _write_atomically(self._optimizer_path, lambda file: np.savez(file, **arrays))
        metadata = json.dumps({"epoch": self._current_epoch, "batch": self._last_batch_seen})
        _write_atomically(self._metadata_path, lambda file: file.write(metadata.encode("utf-8")))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
