"""`kerasnb.datasets.digits`: The UCI handwritten digits (8x8 images), from scikit-learn.

Example:
    >>> from kerasnb.datasets import digits
    >>> (x_train, y_train), (x_test, y_test) = digits.load_data()
"""

from kerasnb.engine.datasets.packaged import load_digits as load_data  # noqa: F401
