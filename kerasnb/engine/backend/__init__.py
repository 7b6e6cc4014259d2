"""The runtime backend: which framework runs the ops, switchable at any time.

Only this package imports frameworks, and only when a backend is first used.

Example:
    >>> from kerasnb.engine import backend
    >>> with backend.use_backend("numpy"):
    ...     backend.current()
    'numpy'
"""

import collections
import contextlib
import importlib
import importlib.metadata
import importlib.util
import os
import sys
import threading
import time
import weakref

from kerasnb.engine import config, dtypes

NAMES = ("numpy", "jax", "torch", "tensorflow", "openvino")
TRAINABLE = ("jax", "torch", "tensorflow")
_AUTO_ORDER = ("jax", "torch", "tensorflow", "numpy")
_DISTRIBUTIONS = {
    "numpy": ("numpy", "numpy"), "jax": ("jax", "jax"), "torch": ("torch", "torch"),
    "tensorflow": ("tensorflow", "tensorflow-cpu"), "openvino": ("openvino", "openvino"),
}

BackendInfo = collections.namedtuple(
    "BackendInfo", ["name", "installed", "version", "devices", "current"])
SwitchReport = collections.namedtuple(
    "SwitchReport", ["source", "target", "variables", "bytes", "milliseconds"])


class _State:
    name = None        # resolved lazily so that importing kerasnb stays framework-free
    module = None      # the active backend package, imported on first use
    modules = {}
    scoped = False     # True inside evaluating(): ops run elsewhere, Variables stay put
    busy = 0           # > 0 while fit() or another backend-bound job runs
    evaluations = 0    # evaluating() blocks open in any thread
    lock = threading.Lock()


_state = _State()
_THREAD_FIELDS = {"name": None, "module": None, "scoped": False}  # and their defaults
_thread = threading.local()  # this thread's evaluating() values, shadowing _state's
_MISSING = object()


class _ThreadView:
    """Data descriptor put on `_State` while some thread is inside `evaluating()`: the
    thread that evaluates reads its own `name`/`module`/`scoped`, every other thread the
    process-wide values. Removed again when the last block closes, so that op dispatch
    reads a plain attribute (no thread-local lookup) the rest of the time."""

    def __init__(self, field):
        self.field = field

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = _thread.__dict__.get(self.field, _MISSING)
        if value is _MISSING:
            return obj.__dict__.get(self.field, _THREAD_FIELDS[self.field])
        return value

    def __set__(self, obj, value):
        obj.__dict__[self.field] = value


native_types = {int, float, bool, complex}  # grows with each loaded backend's tensor types
_live_variables = weakref.WeakValueDictionary()  # id -> Variable; no __eq__ calls


def _check_name(name):
    if name not in NAMES:
        raise ValueError(
            f"Unknown backend {name!r}: `backend` must be one of {', '.join(NAMES)}.")
    return name


def is_installed(name):
    """Whether the framework behind backend `name` can be imported (without importing it)."""
    return importlib.util.find_spec(_DISTRIBUTIONS[_check_name(name)][0]) is not None


def _version(name):
    for dist in (_DISTRIBUTIONS[name][1], _DISTRIBUTIONS[name][0]):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def default():
    """The backend a fresh session starts on, and where that choice comes from.

    Example:
        >>> default()
        ('jax', 'the first installed of jax, torch, tensorflow, numpy')
    """
    for var in ("KERASNB_BACKEND", "KERAS_BACKEND"):
        if os.environ.get(var):
            return _check_name(os.environ[var].strip().lower()), f"${var}"
    configured = config.read_user_config().get("backend")
    if configured:
        return _check_name(str(configured).lower()), config.config_path()
    return (next(n for n in _AUTO_ORDER if is_installed(n)),
            f"the first installed of {', '.join(_AUTO_ORDER)}")


def current():
    """The name of the active backend, e.g. ``'jax'``; imports no framework."""
    if _state.name is None:
        _state.name = default()[0]
    return _state.name


def load(name):
    """Imports and returns the backend package `name`.

    Raises:
        ValueError: `name` is not a backend.
        ImportError: its framework is not installed; the message names the pip extra.
    """
    module = _state.modules.get(_check_name(name))
    if module is None:
        if not is_installed(name):
            raise ImportError(
                f"The {name} backend needs {_DISTRIBUTIONS[name][1]}, which is not installed: "
                f"pip install 'kerasnb[{name}]'")
        with _global_rngs_preserved():
            module = importlib.import_module(f"{__name__}.{name}")
        native_types.add(module.Tensor)
        _state.modules[name] = module
    return module


@contextlib.contextmanager
def _global_rngs_preserved():
    """Keeps NumPy's and Python's global RNGs as they were: some frameworks draw at import,
    which would change shuffling after a backend's first use."""
    import random

    import numpy as np

    saved = np.random.get_state(), random.getstate()
    try:
        yield
    finally:
        np.random.set_state(saved[0])
        random.setstate(saved[1])


def get():
    """The active backend package (imported on first use)."""
    module = _state.module
    if module is None:
        module = _state.module = load(current())
    return module


def track(variable):
    """Registers a live Variable so that it follows backend switches."""
    _live_variables[id(variable)] = variable


def live_variables():
    """Every Variable alive now: weights, optimizer slots, metric accumulators, seed states."""
    return list(_live_variables.values())


@contextlib.contextmanager
def busy(reason="fit()"):
    """Marks the backend as in use (e.g. during fit); switching is refused meanwhile."""
    with _state.lock:
        _state.busy += 1
        _state.reason = reason
    try:
        yield
    finally:
        with _state.lock:
            _state.busy -= 1


def busy_reason():
    """What holds the backend (e.g. ``'fit()'``), or None when it may be switched."""
    return _state.reason if _state.busy else None


def set_backend(name):
    """Switches the active backend and moves every live Variable to it.

    Args:
        name: one of ``numpy``, ``jax``, ``torch``, ``tensorflow``, ``openvino``.

    Returns:
        A `SwitchReport(source, target, variables, bytes, milliseconds)`.

    Example:
        >>> report = set_backend("numpy")
    """
    source = current()
    if _check_name(name) == source:
        return SwitchReport(source, name, 0, 0, 0.0)
    if _state.busy:
        raise RuntimeError(
            f"Cannot switch the backend to {name!r} while {_state.reason} is running; "
            "switch after it returns.")
    start = time.perf_counter()
    target = load(name)
    nbytes = 0
    with _state.lock:
        if _state.busy:
            raise RuntimeError(
                f"Cannot switch the backend to {name!r} while {_state.reason} is running.")
        # Convert everything first, then commit: a failure leaves every Variable as it was.
        moves = [(v, v._converted(target)) for v in live_variables() if v._module is not target]
        for variable, value in moves:
            variable._value, variable._module = value, target
            variable._version += 1
            nbytes += variable.size * dtypes.itemsize(variable.dtype)
        moved = len(moves)
        _state.name, _state.module = name, target
    ms = (time.perf_counter() - start) * 1000.0
    return SwitchReport(source, name, moved, nbytes, ms)


@contextlib.contextmanager
def use_backend(name):
    """Runs a block under backend `name`, then switches back (also on error).

    Example:
        >>> with use_backend("numpy"):
        ...     pass
    """
    previous = current()
    set_backend(name)
    try:
        yield get()
    finally:
        set_backend(previous)


@contextlib.contextmanager
def evaluating(name):
    """Runs ops on backend `name` for a moment, in this thread only, without moving any
    Variable (they are read as tensors of `name`; the session's backend is unchanged).

    Other threads keep dispatching to the active backend meanwhile. Used by symbolic rules
    that evaluate the NumPy reference on placeholder arrays, and by preprocessing layers
    that run on TensorFlow inside `tf.data` pipelines whatever the active backend is.

    Example:
        >>> with evaluating("numpy") as module:
        ...     current()
        'numpy'
    """
    module = load(name)
    own = _thread.__dict__
    saved = {field: own[field] for field in _THREAD_FIELDS if field in own}
    with _state.lock:
        if _state.evaluations == 0:
            for field in _THREAD_FIELDS:
                setattr(_State, field, _ThreadView(field))
        _state.evaluations += 1
    own.update(name=name, module=module, scoped=True)
    try:
        yield module
    finally:
        for field in _THREAD_FIELDS:
            own.pop(field, None)
        own.update(saved)
        with _state.lock:
            _state.evaluations -= 1
            if _state.evaluations == 0:
                for field, default in _THREAD_FIELDS.items():
                    setattr(_State, field, default)


def in_tf_graph():
    """True while TensorFlow traces a graph in this thread (`tf.function`, a `tf.data` map);
    False when TensorFlow was never imported.

    Example:
        >>> in_tf_graph()
        False
    """
    tf = sys.modules.get("tensorflow")
    return tf is not None and hasattr(tf, "executing_eagerly") and not tf.executing_eagerly()


def outside_tf_graph():
    """A context that lifts out of a TensorFlow graph being traced (`tf.init_scope`), so that
    state made inside it (e.g. a layer's weights) is concrete; a no-op outside graphs.

    Example:
        >>> with outside_tf_graph():
        ...     pass
    """
    if in_tf_graph():
        return sys.modules["tensorflow"].init_scope()
    return contextlib.nullcontext()


def available():
    """Every backend: name, installed?, version, devices, and whether it is current.

    Installed frameworks are imported to list their devices.

    Example:
        >>> [b.name for b in available()]
        ['numpy', 'jax', 'torch', 'tensorflow', 'openvino']
    """
    active = current()
    rows = []
    for name in NAMES:
        installed = is_installed(name)
        devices = ()
        if installed:
            try:
                devices = tuple(load(name).devices())
            except Exception as exc:  # a broken install is reported, not raised
                devices = (f"error: {exc}",)
        rows.append(BackendInfo(name, installed, _version(name) if installed else None,
                                devices, name == active))
    return rows
