"""`kerasnb.datasets.mnist`: Keras's MNIST: needs a download, so not available.

Example:
    >>> from kerasnb.datasets import mnist
    >>> mnist.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.mnist needs a download ...
"""

from kerasnb.engine.datasets.download_only import load_mnist as load_data  # noqa: F401
