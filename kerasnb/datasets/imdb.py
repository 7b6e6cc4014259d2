"""`kerasnb.datasets.imdb`: Keras's IMDB reviews: need a download, so not available.

Example:
    >>> from kerasnb.datasets import imdb
    >>> imdb.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.imdb needs a download ...
"""

from kerasnb.engine.datasets.download_only import (  # noqa: F401
    load_imdb as load_data, imdb_word_index as get_word_index)
