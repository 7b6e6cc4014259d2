"""`kerasnb.datasets.cifar100`: Keras's CIFAR-100: needs a download, so not available.

Example:
    >>> from kerasnb.datasets import cifar100
    >>> cifar100.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.cifar100 needs a download ...
"""

from kerasnb.engine.datasets.download_only import load_cifar100 as load_data  # noqa: F401
