"""`kerasnb.datasets.iris`: Fisher's iris flowers, from scikit-learn.

Example:
    >>> from kerasnb.datasets import iris
    >>> (x_train, y_train), (x_test, y_test) = iris.load_data()
"""

from kerasnb.engine.datasets.packaged import (  # noqa: F401
    load_iris as load_data, iris_label_names as get_label_names)
