"""`kerasnb.datasets.cifar10`: Keras's CIFAR-10: needs a download, so not available.

Example:
    >>> from kerasnb.datasets import cifar10
    >>> cifar10.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.cifar10 needs a download ...
"""

from kerasnb.engine.datasets.download_only import load_cifar10 as load_data  # noqa: F401
