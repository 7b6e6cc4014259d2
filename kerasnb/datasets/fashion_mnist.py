"""`kerasnb.datasets.fashion_mnist`: Keras's Fashion-MNIST: needs a download, so not available.

Example:
    >>> from kerasnb.datasets import fashion_mnist
    >>> fashion_mnist.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.fashion_mnist needs a download ...
"""

from kerasnb.engine.datasets.download_only import load_fashion_mnist as load_data  # noqa: F401
