"""Global session state: hooks that `clear_session` runs to reset it."""

import gc
import sys

_reset_hooks = []


def on_clear_session(hook):
    """Registers `hook()` to run on `clear_session` (e.g. resetting name counters or seeds)."""
    _reset_hooks.append(hook)
    return hook


def clear_session(free_memory=True):
    """Resets kerasnb's global state: name counters, the global seed generator, cached functions.

    Args:
        free_memory: also run the garbage collector and release framework caches.

    Example:
        >>> clear_session()
    """
    for hook in _reset_hooks:
        hook()
    if free_memory:
        gc.collect()
        if "jax" in sys.modules:
            sys.modules["jax"].clear_caches()
        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available():
            torch.cuda.empty_cache()
