"""The kerasnb IPython extension: ``%load_ext kerasnb``.

Magics:
    ``%keras_backend``: a table of backends; ``%keras_backend NAME`` switches and moves every
    live model. ``%%keras_backend NAME`` runs one cell under a backend.
    ``%%keras_compare [NAMES...]`` runs a cell on several backends and compares the results.

Example:
    >>> %load_ext kerasnb
    >>> %keras_backend torch
    jax → torch: 8 variables moved (1.2 KB) in 0.9 ms
"""

from kerasnb.magics.extension import (  # noqa: F401
    KerasMagics, load_ipython_extension, unload_ipython_extension)
