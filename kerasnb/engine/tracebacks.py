"""Errors that point at the user's code: kerasnb's own frames are left out of the traceback.

Public entry points (`Layer.__call__`, `compile`, `fit`, `evaluate`, `predict`, saving, export)
are wrapped with `filter_traceback`. While `keras.config.is_traceback_filtering_enabled()`
(the default), an exception leaving them keeps only the frames of code outside the kerasnb
package, so a notebook shows the user's line and the error's sentence instead of a page of
internals. `keras.config.disable_traceback_filtering()` shows everything again.
"""

import functools
import os
import types

from kerasnb.engine import config

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _is_internal(entry):
    return entry.tb_frame.f_code.co_filename.startswith(_PACKAGE)


def without_internal_frames(traceback):
    """`traceback` rebuilt from its entries whose code lies outside the kerasnb package."""
    kept = []
    while traceback is not None:
        if not _is_internal(traceback):
            kept.append(traceback)
        traceback = traceback.tb_next
    rebuilt = None
    for entry in reversed(kept):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


def filter_traceback(function):
    """Decorates a public entry point so that its errors skip kerasnb's internal frames.

    The exception itself (type, message, `__cause__`) is unchanged.

    Example:
        >>> @filter_traceback
        ... def fit(x):
        ...     return int(x)
    """
    @functools.wraps(function)
    def entry_point(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            if not config.is_traceback_filtering_enabled():
                raise
            raise error.with_traceback(without_internal_frames(error.__traceback__))
    return entry_point
