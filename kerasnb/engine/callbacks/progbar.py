"""The terminal progress bar (`Progbar`) and the callback that drives it (`ProgbarLogger`).

On a terminal the bar redraws in place (``\\r``) at most every `interval` seconds; when stdout
is a file or a pipe it prints one final line per epoch instead, so logs stay readable.

Example:
    >>> bar = Progbar(target=3, verbose=2)
    >>> bar.update(1, [("loss", 1.0)])
    >>> bar.update(2, [("loss", 0.5)])  # averaged over the steps seen: 0.75
    >>> bar.update(3, [("loss", 0.25)])  # doctest: +ELLIPSIS
    3/3 - 0s - ...step - loss: 0.2500
"""

import math
import sys
import time

from kerasnb.engine.callbacks.callback import Callback, plain_logs


class Progbar:
    """A text progress bar with running averages of the values it is given.

    Args:
        target: total number of steps, or `None` when unknown.
        width: characters of the bar itself.
        verbose: 0 silent, 1 live bar, 2 one line when finished.
        interval: minimum seconds between two redraws.
        stateful_metrics: names shown as given (not averaged); every other name is averaged
            over the steps seen, except that the final update shows the value it is given.
        stateless_metrics: the opposite convention: only these names are averaged. At most
            one of the two may be given.
        unit_name: the unit in the per-step timing (``"12ms/step"``).

    Example:
        >>> bar = Progbar(10, verbose=1)
        >>> for step in range(1, 11):
        ...     bar.update(step, [("loss", 1.0 / step)])  # doctest: +SKIP
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Pass at most one of `stateful_metrics` and `stateless_metrics`; "
                             f"received both ({stateful_metrics!r}, {stateless_metrics!r}).")
        if verbose not in (0, 1, 2):
            raise ValueError(f"`verbose` must be 0, 1 or 2; received {verbose!r}.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = None if stateless_metrics is not None else set(stateful_metrics or ())
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self._live = bool(getattr(sys.stdout, "isatty", lambda: False)())
        self._sums = {}          # name -> [weighted sum, weight] or [value, 1] for stateful
        self._order = []
        self._seen = 0
        self._start = time.time()
        self._last_draw = 0.0
        self._after_first_step = None
        self._drawn_width = 0

    def _averaged(self, name):
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def update(self, current, values=None, finalize=None):
        """Moves the bar to step `current` and folds in ``values`` (a list of (name, value)).

        Args:
            current: the step reached (1-based).
            values: list of ``(name, value)`` pairs.
            finalize: whether this is the last update; defaults to ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if name not in self._order:
                self._order.append(name)
            if self._averaged(name) and not finalize:
                weight = max(current - self._seen, 1)
                total = self._sums.setdefault(name, [0.0, 0])
                total[0] += value * weight
                total[1] += weight
            else:
                self._sums[name] = [value, 1]
        self._seen = current
        now = time.time()
        per_step = self._step_seconds(current, now)
        if self.verbose == 1:
            if not finalize and (not self._live or now - self._last_draw < self.interval):
                return
            self._draw(current, now, per_step, finalize)
        elif self.verbose == 2 and finalize:
            sys.stdout.write(self._summary_line(current, now, per_step) + "\n")
            sys.stdout.flush()
        self._last_draw = now

    def _due(self):
        """Whether an update now would redraw a live bar (the throttle has expired)."""
        return self.verbose == 1 and self._live and time.time() - self._last_draw >= self.interval

    def add(self, n, values=None):
        """Advances the bar by `n` steps."""
        self.update(self._seen + n, values)

    def _draw(self, current, now, per_step, finalize):
        if self.target:
            digits = int(math.log10(self.target)) + 1
            done = min(int(self.width * current / self.target), self.width)
            head = f"{current:{digits}d}/{self.target} " + "━" * done + "─" * (self.width - done)
        else:
            head = f"{current:7d}/Unknown"
        if self.target and not finalize:
            clock = _clock(per_step * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        line = f"{head} {clock} {_rate(per_step, self.unit_name)}{self._values_text()}"
        padding = " " * max(self._drawn_width - len(line), 0)
        self._drawn_width = len(line)
        text = ("\r" if self._live else "") + line + padding + ("\n" if finalize else "")
        sys.stdout.write(text)
        sys.stdout.flush()

    def _summary_line(self, current, now, per_step):
        count = f"{current}/{self.target}" if self.target else f"{current}"
        return (f"{count} - {now - self._start:.0f}s - {_rate(per_step, self.unit_name)}"
                f"{self._values_text()}")

    def _values_text(self):
        parts = []
        for name in self._order:
            total, weight = self._sums[name]
            try:
                mean = float(total) / max(weight, 1)
            except (TypeError, ValueError):
                parts.append(f" - {name}: {total}")
                continue
            parts.append(f" - {name}: {mean:.4f}" if abs(mean) > 1e-3 else f" - {name}: {mean:.4e}")
        return "".join(parts)

    def _step_seconds(self, current, now):
        """Seconds per step, leaving the first (compiling) step out once there are others."""
        if not current:
            return 0.0
        if self._after_first_step is not None and current > 1:
            seconds = (now - self._after_first_step) / (current - 1)
        else:
            seconds = (now - self._start) / current
        if current == 1:
            self._after_first_step = now
        return seconds


def _clock(seconds):
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _rate(seconds, unit_name):
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


class ProgbarLogger(Callback):
    """Prints a `Progbar` per epoch of `fit` (and for `evaluate`/`predict` when called alone).

    `fit`, `evaluate` and `predict` add it themselves when ``verbose`` is not 0 and no
    notebook progress display is registered.

    Example:
        >>> logger = ProgbarLogger()
        >>> logger.set_params({"verbose": 2, "epochs": 1, "steps": 1})
    """

    raw_batch_logs = True

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._start_bar()

    def on_predict_begin(self, logs=None):
        self._start_bar()

    def on_epoch_begin(self, epoch, logs=None):
        self._start_bar()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self._advance(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._advance(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._advance(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finish(logs)

    def on_predict_end(self, logs=None):
        self._finish(logs)

    def _start_bar(self):
        """A new bar (its clock starts now)."""
        self.seen = 0
        self.progbar = None
        return self._bar()

    def _bar(self):
        if self.progbar is None:  # logs are running values: shown as given, not re-averaged
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step",
                                   stateless_metrics=set())
        return self.progbar

    def _advance(self, batch, logs):
        self.seen = batch + 1
        bar = self._bar()
        if bar._due():  # the values are shown as given, so skipped steps lose nothing
            bar.update(self.seen, list(plain_logs(logs).items()), finalize=False)

    def _finish(self, logs):
        bar = self._bar()
        if self.target is None:
            bar.target = self.target = self.seen
        bar.update(self.target, list((logs or {}).items()), finalize=True)
