"""`kerasnb.datasets.reuters`: Keras's Reuters newswires: need a download, so not available.

Example:
    >>> from kerasnb.datasets import reuters
    >>> reuters.load_data()  # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: kerasnb.datasets.reuters needs a download ...
"""

from kerasnb.engine.datasets.download_only import (  # noqa: F401
    load_reuters as load_data, reuters_word_index as get_word_index)
