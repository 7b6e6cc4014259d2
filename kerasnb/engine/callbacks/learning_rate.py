"""Callbacks that set the optimizer's learning rate: by schedule, or when progress stalls.

Example:
    >>> halve_every_10 = LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch % 10 == 9 else lr)
    >>> plateau = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5)
"""

import warnings

import numpy as np

from kerasnb.engine.callbacks.callback import Callback
from kerasnb.engine.callbacks.monitor import MonitorCallback
from kerasnb.engine.ops import core


def _optimizers(model):
    """The optimizers whose learning rates are set: the inner ones of a multi-optimizer."""
    optimizer = model.optimizer
    if hasattr(optimizer, "optimizers"):
        return [(opt, getattr(opt, "name", str(i))) for i, opt in enumerate(optimizer.optimizers)]
    return [(optimizer, None)]


def _learning_rate(optimizer):
    return float(core.convert_to_numpy(optimizer.learning_rate))


def _log_learning_rates(model, logs):
    for optimizer, name in _optimizers(model):
        logs["learning_rate" if name is None else f"learning_rate_{name}"] = _learning_rate(optimizer)


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of every epoch from ``schedule(epoch, lr)``.

    Args:
        schedule: a function of ``(epoch, lr)`` (or of ``epoch`` alone) returning the new
            learning rate as a float; `epoch` counts from 0.
        verbose: 1 prints each update.

    Example:
        >>> def schedule(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.9
        >>> callback = LearningRateScheduler(schedule)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"`schedule` must be a callable (epoch, lr) -> float; "
                            f"received {schedule!r}.")
        self.schedule = schedule
        self.verbose = verbose

    def _scheduled(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, _learning_rate(optimizer))
        except TypeError:  # a one-argument schedule(epoch)
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.floating)):
            raise ValueError(f"The output of the `schedule` function should be a float; "
                             f"received {learning_rate!r}.")
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        for optimizer, name in _optimizers(self.model):
            learning_rate = self._scheduled(optimizer, epoch)
            if self.verbose > 0:
                which = "learning rate" if name is None else f"{name} learning rate"
                print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which} to "
                      f"{learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            _log_learning_rates(self.model, logs)


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by `factor` when `monitor` stalls for `patience` epochs.

    Args:
        monitor: the log key to watch.
        factor: the multiplier, below 1.
        patience: epochs without improvement before reducing.
        verbose: 1 prints each reduction.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: changes smaller than this are not improvements.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate never goes below this.
        **kwargs: accepted and ignored, as in Keras (legacy arguments).

    Example:
        >>> callback = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=1e-4)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[callback])  # doctest: +SKIP
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0; "
                             f"received factor={factor}.")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        """Whether the callback is still waiting after its last reduction."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        _log_learning_rates(self.model, logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}`, "
                          f"which is not available. Available metrics are: {','.join(logs)}.",
                          stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        reduced = [self._reduce(optimizer, epoch, name) for optimizer, name in _optimizers(self.model)]
        if any(reduced):
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def _reduce(self, optimizer, epoch, name):
        old = _learning_rate(optimizer)
        if old <= np.float32(self.min_lr):
            return False
        new = max(old * self.factor, self.min_lr)
        optimizer.learning_rate = new
        if self.verbose > 0:
            which = "learning rate" if name is None else f"{name} learning rate"
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing {which} to {new}.")
        return True
