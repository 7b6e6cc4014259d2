"""Keras's own datasets (mnist, cifar10, imdb, ...): they must be downloaded, which kerasnb
never does, so each `load_data` raises `NotImplementedError` pointing to the local ones.

Example:
    >>> load_mnist()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.mnist needs a download, ...
"""

LOCAL = "kerasnb.datasets.digits, kerasnb.datasets.iris and kerasnb.datasets.breast_cancer"


def unavailable(name):
    """The error for Keras dataset `name`."""
    return NotImplementedError(
        f"kerasnb.datasets.{name} needs a download, and kerasnb never downloads data. Use the "
        f"datasets that ship with installed packages instead: {LOCAL} (each has "
        "load_data()), or load your own files with kerasnb.utils.image_dataset_from_directory "
        "and friends.")


def load_mnist(path="mnist.npz"):
    """Keras's MNIST: not available (needs a download)."""
    raise unavailable("mnist")


def load_fashion_mnist():
    """Keras's Fashion-MNIST: not available (needs a download)."""
    raise unavailable("fashion_mnist")


def load_cifar10():
    """Keras's CIFAR-10: not available (needs a download)."""
    raise unavailable("cifar10")


def load_cifar100(label_mode="fine"):
    """Keras's CIFAR-100: not available (needs a download)."""
    raise unavailable("cifar100")


def load_imdb(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """Keras's IMDB reviews: not available (needs a download)."""
    raise unavailable("imdb")


def imdb_word_index(path="imdb_word_index.json"):
    """Keras's IMDB word index: not available (needs a download)."""
    raise unavailable("imdb")


def load_reuters(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
                 seed=113, start_char=1, oov_char=2, index_from=3):
    """Keras's Reuters newswires: not available (needs a download)."""
    raise unavailable("reuters")


def reuters_word_index(path="reuters_word_index.json"):
    """Keras's Reuters word index: not available (needs a download)."""
    raise unavailable("reuters")


def load_boston_housing(path="boston_housing.npz", test_split=0.2, seed=113):
    """Keras's Boston housing prices: not available (needs a download)."""
    raise unavailable("boston_housing")


def load_california_housing(version="large", path="california_housing.npz", test_split=0.2,
                            seed=113):
    """Keras's California housing prices: not available (needs a download)."""
    raise unavailable("california_housing")
