"""`Callback`, the hook interface of fit/evaluate/predict, and `CallbackList`, which fans out.

Example:
    >>> class Count(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(epoch, logs)
    >>> CallbackList([Count()]).on_epoch_end(0, {"loss": 0.5})
    0 {'loss': 0.5}
"""

from kerasnb.engine.ops import core

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
                "on_test_batch_begin", "on_test_batch_end",
                "on_predict_batch_begin", "on_predict_batch_end")
# A train-batch hook also reaches a callback that only overrides the generic batch hook.
_FALLBACK = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}

_progress_display_factory = None


def set_progress_display(factory):
    """Registers the default progress display used when fit/evaluate/predict show progress.

    Args:
        factory: a zero-argument callable returning a `Callback` (e.g. a notebook widget),
            or `None` to go back to the terminal `ProgbarLogger`.

    Example:
        >>> set_progress_display(Callback)  # any factory returning a Callback
        >>> progress_display() is Callback
        True
        >>> set_progress_display(None)
    """
    global _progress_display_factory
    if factory is not None and not callable(factory):
        raise TypeError(f"`factory` must be a callable returning a Callback or None; "
                        f"received {factory!r}.")
    _progress_display_factory = factory


def progress_display():
    """The registered progress display factory, or `None` when the terminal bar is used."""
    return _progress_display_factory


class Callback:
    """Base class of callbacks: override the hooks you need.

    The trainer calls `set_params` and `set_model` before training; inside a hook,
    `self.model` is the model being trained and `self.params` holds ``verbose``,
    ``epochs`` and ``steps``.

    Attributes:
        raw_batch_logs: a class attribute, `False` by default: batch hooks then get their
            logs as Python floats, which makes every step wait until the device has computed
            them. A subclass that reads batch logs only now and then (a progress display
            redrawn a few times a second) sets it to `True` to get the trainer's logs as they
            are (backend tensors, possibly still being computed) and converts a value, e.g.
            with `keras.ops.convert_to_numpy`, only when it needs it, so that steps keep
            running ahead on asynchronous backends. Epoch and begin/end hooks always get
            floats.

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(f"epoch {epoch}: {logs['loss']:.3f}")
        >>> class EveryHundredSteps(Callback):
        ...     raw_batch_logs = True
        ...     def on_train_batch_end(self, batch, logs=None):
        ...         if batch % 100 == 0:  # the only step that waits for its loss
        ...             print(float(logs["loss"]))
    """

    raw_batch_logs = False

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """Called before each training batch (alias of `on_train_batch_begin`)."""

    def on_batch_end(self, batch, logs=None):
        """Called after each training batch (alias of `on_train_batch_end`)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of each epoch of `fit`."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of each epoch with the epoch's metrics (``val_`` ones included)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch; by default calls `on_batch_begin`."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch with running metrics; calls `on_batch_end`."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each evaluation batch."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each prediction batch."""

    def on_train_begin(self, logs=None):
        """Called once when `fit` starts."""

    def on_train_end(self, logs=None):
        """Called once when `fit` ends."""

    def on_test_begin(self, logs=None):
        """Called when evaluation starts (also for validation inside `fit`)."""

    def on_test_end(self, logs=None):
        """Called when evaluation ends."""

    def on_predict_begin(self, logs=None):
        """Called when prediction starts."""

    def on_predict_end(self, logs=None):
        """Called when prediction ends."""


def _overrides(callback, hook):
    """Whether `callback` replaces `Callback`'s no-op `hook` (in its class or on the instance)."""
    if hook in vars(callback):
        return True
    return getattr(type(callback), hook) is not getattr(Callback, hook)


def plain_logs(logs):
    """Logs as a new dict sorted by key, nested dicts flattened, scalars as Python floats."""
    plain = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            plain.update(plain_logs(value))
            continue
        try:
            if core.is_tensor(value):
                value = core.convert_to_numpy(value)
            value = float(value)
        except (TypeError, ValueError):
            pass
        plain[key] = value
    return plain


class CallbackList(Callback):
    """Calls a list of callbacks as one; adds `History` and a progress display on request.

    Batch hooks cost almost nothing when no callback in the list overrides them.

    Args:
        callbacks: a list of `Callback`s (nested lists are flattened).
        add_history: append a `History` unless the list has one.
        add_progbar: append the progress display (the one registered with
            `set_progress_display`, else a `ProgbarLogger`) unless the list has a `ProgbarLogger`.
        model: the model handed to every callback.
        **params: handed to every callback through `set_params`.

    Example:
        >>> callbacks = CallbackList([], add_history=True, verbose=0, epochs=1, steps=2)
        >>> callbacks.on_train_begin()
        >>> callbacks.on_epoch_end(0, {"loss": 1.0})
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        self.callbacks = _flatten(callbacks)
        self._add_defaults(add_history, add_progbar)
        self._index_hooks()
        self.set_model(model)
        self.set_params(params)

    def _add_defaults(self, add_history, add_progbar):
        from kerasnb.engine.callbacks.history import History
        from kerasnb.engine.callbacks.progbar import ProgbarLogger
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            factory = _progress_display_factory or ProgbarLogger
            self._progbar = factory()
            if not isinstance(self._progbar, Callback):
                raise TypeError(f"The progress display factory must return a Callback; "
                                f"received {self._progbar!r}.")
            self.callbacks.append(self._progbar)

    def _index_hooks(self):
        """Caches, per batch hook, the callbacks that actually override it."""
        self._listeners = {}
        for hook in _BATCH_HOOKS:
            fallback = _FALLBACK.get(hook)
            self._listeners[hook] = [
                c for c in self.callbacks
                if _overrides(c, hook) or (fallback is not None and _overrides(c, fallback))]

    def append(self, callback):
        """Adds `callback` at the end, with this list's model and params."""
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)
        self._index_hooks()

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _call_all(self, hook, *args):
        logs = plain_logs(args[-1])
        for callback in self.callbacks:
            getattr(callback, hook)(*args[:-1], logs)

    def _call_batch(self, hook, batch, logs):
        listeners = self._listeners[hook]
        if not listeners:
            return
        plain = None
        for callback in listeners:
            if callback.raw_batch_logs:  # converts (and syncs) only when it needs to
                getattr(callback, hook)(batch, logs=logs)
                continue
            if plain is None:
                plain = plain_logs(logs)
            getattr(callback, hook)(batch, logs=plain)

    def on_batch_begin(self, batch, logs=None):
        self._call_batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call_batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call_all("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call_all("on_epoch_end", epoch, logs)

    def on_train_begin(self, logs=None):
        self._index_hooks()
        self._call_all("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call_all("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._index_hooks()
        self._call_all("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call_all("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._index_hooks()
        self._call_all("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call_all("on_predict_end", logs)


def _flatten(callbacks):
    if not callbacks:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    out = []
    for item in callbacks:
        if isinstance(item, (list, tuple)):
            out.extend(_flatten(item))
        elif isinstance(item, Callback):
            out.append(item)
        else:
            raise TypeError(f"`callbacks` must hold keras.callbacks.Callback instances; "
                            f"received {item!r}.")
    return out
