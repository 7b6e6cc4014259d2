"""Keras masks carried by tensors: ``x._keras_mask`` where the type takes attributes.

NumPy arrays and jax tracers refuse new attributes, so their masks live in a side table
keyed by the tensor's id and checked through a weak reference: an entry goes away with its
tensor and never answers for another object that reuses the id.

Example:
    >>> x = set_mask(np.ones((2, 3)), np.array([[True, True, False]] * 2))
    >>> get_mask(x).shape
    (2, 3)
"""

import weakref

_side_table = {}  # id(tensor) -> (weak reference to the tensor, mask)


def set_mask(x, mask):
    """Attaches `mask` to tensor `x` and returns `x` (nothing happens for plain scalars)."""
    try:
        x._keras_mask = mask
        return x
    except (AttributeError, TypeError):
        pass
    key = id(x)
    try:
        ref = weakref.ref(x, lambda _, key=key: _side_table.pop(key, None))
    except TypeError:
        return x
    if mask is None:
        _side_table.pop(key, None)
    else:
        _side_table[key] = (ref, mask)
    return x


def get_mask(x):
    """The mask attached to tensor `x`, or None."""
    mask = getattr(x, "_keras_mask", None)
    if mask is None and _side_table:
        entry = _side_table.get(id(x))
        if entry is not None and entry[0]() is x:
            return entry[1]
    return mask
