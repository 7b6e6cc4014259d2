"""`kerasnb.datasets.breast_cancer`: The Wisconsin breast cancer data, from scikit-learn.

Example:
    >>> from kerasnb.datasets import breast_cancer
    >>> (x_train, y_train), (x_test, y_test) = breast_cancer.load_data()
"""

from kerasnb.engine.datasets.packaged import (  # noqa: F401
    load_breast_cancer as load_data, breast_cancer_label_names as get_label_names)
