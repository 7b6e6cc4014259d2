"""`kerasnb.datasets` (`keras.datasets`): ready-to-use datasets as NumPy arrays.

`digits`, `iris` and `breast_cancer` come from the data scikit-learn ships (no download).
Keras's own datasets (`mnist`, `cifar10`, `imdb`, ...) need a download, which kerasnb never
does: their `load_data()` raises `NotImplementedError` naming the local alternatives.

Example:
    >>> import kerasnb
    >>> (x_train, y_train), (x_test, y_test) = kerasnb.datasets.digits.load_data()
    >>> x_train.shape
    (1437, 8, 8)
"""

from kerasnb.datasets import (  # noqa: F401
    boston_housing, breast_cancer, california_housing, cifar10, cifar100, digits, fashion_mnist,
    imdb, iris, mnist, reuters)
