"""`kerasnb.datasets.california_housing`: Keras's California housing prices (not available:
they need a download).

Example:
    >>> from kerasnb.datasets import california_housing
    >>> california_housing.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.california_housing needs a download ...
"""

from kerasnb.engine.datasets.download_only import load_california_housing as load_data  # noqa: F401
