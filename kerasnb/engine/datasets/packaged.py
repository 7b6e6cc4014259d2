"""Small datasets that scikit-learn ships in its wheel, split like Keras datasets.

Every `load_*` returns ``(x_train, y_train), (x_test, y_test)`` as NumPy arrays, after a
seeded shuffle (``np.random.RandomState(seed)``) and a split that keeps the first
``int(n * (1 - test_split))`` examples for training, as Keras's `boston_housing` does.
Nothing is downloaded.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_iris()
    >>> x_train.shape, x_test.shape
    ((120, 4), (30, 4))
"""

import numpy as np


def _sklearn_datasets():
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError("kerasnb.datasets.digits, iris and breast_cancer read the data that "
                          "scikit-learn ships: pip install scikit-learn") from None
    return datasets


def split(x, y, test_split, seed):
    """Shuffles `x` and `y` together (seeded) and splits off the last `test_split` part."""
    if not isinstance(test_split, (int, float)) or not 0 <= test_split < 1:
        raise ValueError(f"`test_split` must be a number in [0, 1); received {test_split!r}.")
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def load_digits(test_split=0.2, seed=113):
    """The UCI handwritten digits: 1,797 grayscale 8x8 images of the digits 0-9.

    Args:
        test_split: fraction of the examples kept for testing.
        seed: seed of the shuffle before splitting.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: images as uint8 arrays of shape
        ``(n, 8, 8)`` with values 0-16 (like `mnist`, at 8x8), labels as uint8.

    Example:
        >>> (x_train, y_train), _ = load_digits()
        >>> x_train.shape, int(x_train.max())
        ((1437, 8, 8), 16)
    """
    bunch = _sklearn_datasets().load_digits()
    x = bunch.images.astype("uint8")
    y = bunch.target.astype("uint8")
    return split(x, y, test_split, seed)


def load_iris(test_split=0.2, seed=113):
    """Fisher's iris flowers: 150 examples of 4 measurements (cm), 3 species.

    Args:
        test_split: fraction of the examples kept for testing.
        seed: seed of the shuffle before splitting.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 features of shape ``(n, 4)`` and
        int64 labels 0-2 (`iris_label_names()` names them).

    Example:
        >>> (x_train, y_train), _ = load_iris(test_split=0.5)
        >>> len(x_train)
        75
    """
    bunch = _sklearn_datasets().load_iris()
    return split(bunch.data.astype("float64"), bunch.target.astype("int64"), test_split, seed)


def load_breast_cancer(test_split=0.2, seed=113):
    """The Wisconsin diagnostic breast cancer data: 569 examples of 30 features, 2 classes.

    Args:
        test_split: fraction of the examples kept for testing.
        seed: seed of the shuffle before splitting.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 features of shape ``(n, 30)`` and
        int64 labels (0 malignant, 1 benign).

    Example:
        >>> _, (x_test, y_test) = load_breast_cancer()
        >>> x_test.shape
        (114, 30)
    """
    bunch = _sklearn_datasets().load_breast_cancer()
    return split(bunch.data.astype("float64"), bunch.target.astype("int64"), test_split, seed)


def iris_label_names():
    """The species of the iris labels 0, 1, 2."""
    return [str(name) for name in _sklearn_datasets().load_iris().target_names]


def breast_cancer_label_names():
    """The diagnoses of the breast_cancer labels 0, 1."""
    return [str(name) for name in _sklearn_datasets().load_breast_cancer().target_names]
