"""`kerasnb.datasets.boston_housing`: Keras's Boston housing prices (not available: they
need a download).

Example:
    >>> from kerasnb.datasets import boston_housing
    >>> boston_housing.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.boston_housing needs a download ...
"""

from kerasnb.engine.datasets.download_only import load_boston_housing as load_data  # noqa: F401
