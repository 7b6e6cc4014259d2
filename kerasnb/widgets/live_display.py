"""The notebook progress display: what `fit`, `evaluate` and `predict` show by themselves.

`enable_live_display` registers `LiveDisplay` as the engine's default progress display. In a
Jupyter kernel, `fit` with ``verbose`` 1 or "auto" then shows a `LivePlot`, and a standalone
`evaluate` or `predict` one HTML progress line; ``verbose=2`` keeps the one line per epoch of
the terminal `ProgbarLogger`, ``verbose=0`` shows nothing, and outside a kernel nothing
changes.

Example:
    >>> enable_live_display()
    >>> disable_live_display()
"""

import html
import time

from kerasnb.callbacks import Callback, ProgbarLogger
from kerasnb.engine.callbacks import set_progress_display
from kerasnb.widgets import live_chart
from kerasnb.widgets.kernel_comms import kernel_shell
from kerasnb.widgets.live import LivePlot, scalar_logs, showing

_INTERVAL = 0.25  # seconds between two redraws of the evaluate/predict line

class _TaskProgress(Callback):
    """The notebook progress of a standalone `evaluate` or `predict`: one HTML line with a
    ``<progress>`` bar, updated in place through a display handle, at most 4 times a second."""

    raw_batch_logs = True

    def __init__(self, task):
        super().__init__()
        self.task, self._handle, self._next, self.step = task, None, 0.0, 0

    def _begin(self):
        from IPython.display import display

        self.steps = (self.params or {}).get("steps")
        self._handle = display(self._bundle(), raw=True, display_id=True)

    def _advance(self, batch):
        self.step = batch + 1
        if time.monotonic() >= self._next:
            self._handle.update(self._bundle(), raw=True)
            self._next = time.monotonic() + _INTERVAL

    def _end(self, logs=None):
        self._handle.update(self._bundle(scalar_logs(logs)), raw=True)

    def _bundle(self, logs=None):
        count = f"{self.step}/{self.steps}" if self.steps else str(self.step)
        text = f"{self.task}: {count} steps" + "".join(
            f" - {k}: {live_chart.fmt(v)}"
            for k, v in sorted((logs or {}).items(), key=lambda item: item[0] != "loss"))
        bar = (f"<progress value='{self.step}' max='{self.steps}'></progress> "
               if self.steps else "")
        return {"text/plain": text, "text/html": f"<div>{bar}{html.escape(text)}</div>"}

    def on_test_begin(self, logs=None):
        self._begin()

    def on_predict_begin(self, logs=None):
        self._begin()

    def on_test_batch_end(self, batch, logs=None):
        self._advance(batch)

    def on_predict_batch_end(self, batch, logs=None):
        self._advance(batch)

    def on_test_end(self, logs=None):
        self._end(logs)

    def on_predict_end(self, logs=None):
        self._end()


class LiveDisplay(Callback):
    """The progress display that `enable_live_display` registers with the engine.

    Chooses, when a run begins: a `LivePlot` for `fit` with ``verbose=1`` in a Jupyter
    kernel (none when the fit already has one), a one-line HTML progress for a standalone
    `evaluate`/`predict` there, and the terminal `ProgbarLogger` for ``verbose=2`` or
    outside a kernel.
    """

    raw_batch_logs = True

    def __init__(self):
        super().__init__()
        self._delegate, self._in_fit = None, False

    def _choose(self, task):
        verbose = (self.params or {}).get("verbose", 1)
        if verbose == 2 or kernel_shell() is None:
            delegate = ProgbarLogger()
        elif task == "fit":
            delegate = None if showing(self.model) else LivePlot()
        else:
            delegate = _TaskProgress(task)
        if delegate is not None:
            delegate.set_model(self.model)
            delegate.set_params(self.params or {})
        self._delegate = delegate

    def on_train_begin(self, logs=None):
        self._in_fit = True
        self._choose("fit")
        self._forward("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._forward("on_train_end", logs)
        self._in_fit = False

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._choose("evaluate")
        self._forward("on_test_begin", logs)

    def on_predict_begin(self, logs=None):
        self._choose("predict")
        self._forward("on_predict_begin", logs)

    def _forward(self, hook, *args):
        if self._delegate is not None:
            getattr(self._delegate, hook)(*args)


def _forwarder(hook):
    def forward(self, *args, **kwargs):
        if self._delegate is not None:
            getattr(self._delegate, hook)(*args, **kwargs)
    forward.__name__ = hook
    forward.__doc__ = f"Passes `{hook}` on to the chosen display."
    return forward


for _hook in ("on_epoch_begin", "on_epoch_end", "on_train_batch_end", "on_test_batch_end",
              "on_predict_batch_end", "on_test_end", "on_predict_end"):
    setattr(LiveDisplay, _hook, _forwarder(_hook))


def enable_live_display():
    """Makes `fit`/`evaluate`/`predict` with ``verbose`` 1 or "auto" show notebook progress.

    In a Jupyter kernel `fit` then shows a `LivePlot`; ``verbose=2``, ``verbose=0`` and runs
    outside a kernel behave as before.

    Example:
        >>> enable_live_display()
        >>> disable_live_display()
    """
    set_progress_display(LiveDisplay)


def disable_live_display():
    """Goes back to the terminal progress bar for every run."""
    set_progress_display(None)
