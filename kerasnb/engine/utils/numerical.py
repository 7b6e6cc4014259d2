"""Label and array helpers: `to_categorical` and `normalize` (`keras.utils`).

NumPy inputs give NumPy results; backend tensors stay on the backend.

Example:
    >>> to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
"""

import numpy as np

from kerasnb.engine.ops import core, nn
from kerasnb.engine.ops import numpy as knp


def to_categorical(x, num_classes=None):
    """One-hot encodes class indices along a new last axis.

    A trailing axis of size 1 (labels shaped ``(n, 1)``) is dropped first.

    Args:
        x: integer class indices, from 0 to ``num_classes - 1``: array-like or a backend
            tensor.
        num_classes: size of the class axis; ``max(x) + 1`` when `None`.

    Returns:
        For array-likes, a float64 NumPy array of shape ``x.shape + (num_classes,)``; for a
        backend tensor, a backend tensor (floatx) from `ops.one_hot`.

    Example:
        >>> to_categorical([[1], [0]]).shape
        (2, 2)
    """
    if core.is_tensor(x):
        shape = core.shape(x)
        if len(shape) > 1 and shape[-1] == 1:
            x = knp.reshape(x, tuple(shape[:-1]))
        if num_classes is None:
            num_classes = int(np.max(core.convert_to_numpy(x))) + 1
        return nn.one_hot(x, num_classes)
    labels = np.asarray(x)
    if labels.dtype.kind not in "biuf" or (labels.dtype.kind == "f" and np.any(labels % 1)):
        raise ValueError(f"`x` must hold integer class indices; received {labels!r}.")
    labels = labels.astype("int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(flat.max()) + 1 if flat.size else 0
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        raise ValueError(f"`x` must hold class indices in [0, {num_classes}); received values "
                         f"from {flat.min()} to {flat.max()}.")
    encoded = np.zeros((flat.size, num_classes))
    encoded[np.arange(flat.size), flat] = 1.0
    return encoded.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Divides `x` by its `order`-norm along `axis` (vectors of norm 0 are left as they are).

    Args:
        x: a NumPy array (NumPy result) or anything else `ops.normalize` accepts
            (backend tensor result).
        axis: the axis along which the norm is taken.
        order: the norm's order (2: Euclidean, 1: sum of absolute values, ...).

    Returns:
        The normalized copy of `x`.

    Example:
        >>> normalize(np.array([[3.0, 4.0]]))
        array([[0.6, 0.8]])
    """
    if isinstance(x, np.ndarray):
        norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
        return x / np.where(norm == 0, 1, norm)
    return nn.normalize(x, axis=axis, order=order)
