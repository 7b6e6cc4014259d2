"""`MonitorCallback`: the shared "is this epoch better?" logic of callbacks watching a metric.

Example:
    >>> watcher = MonitorCallback(monitor="val_loss", mode="min", min_delta=0.1)
    >>> watcher._set_monitor_op()
    >>> watcher._is_improvement(0.5, 0.7), watcher._is_improvement(0.65, 0.7)
    (True, False)
"""

import operator
import warnings

from kerasnb.engine.callbacks.callback import Callback


class MonitorCallback(Callback):
    """Base of callbacks that compare a monitored log value against the best one so far.

    Args:
        monitor: the log key to watch, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (losses are minimized; a metric's own
            direction is used when the model has it).
        baseline: the initial best value, or `None`.
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown; using 'auto'.",
                          stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            self.monitor_op = self._auto_direction()
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)

    def _auto_direction(self):
        name = self.monitor[len("val_"):] if self.monitor.startswith("val_") else self.monitor
        found = operator.lt if name == "loss" else None
        for metric in _all_metrics(getattr(self.model, "metrics", None) or []):
            direction = getattr(metric, "_direction", None)
            if getattr(metric, "name", None) == name and direction is not None:
                found = operator.gt if direction == "up" else operator.lt
        if found is None:
            raise ValueError(
                f"{type(self).__name__} received monitor={self.monitor!r}, whose direction cannot "
                "be told automatically. Pass mode='max' to keep the highest value or "
                "mode='min' to keep the lowest.")
        return found

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))


def _all_metrics(metrics):
    """Metrics with the ones nested in metric containers (a compiled model's metric lists)."""
    for metric in metrics:
        yield metric
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)):
            yield from _all_metrics(inner)
