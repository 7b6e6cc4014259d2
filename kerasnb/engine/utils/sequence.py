"""`pad_sequences` (`keras.utils.pad_sequences`): ragged sequences to one padded array.

Example:
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3],
           [0, 4]], dtype=int32)
"""

import numpy as np

_SIDES = ("pre", "post")


def _check_side(arg, value):
    if value not in _SIDES:
        raise ValueError(f'`{arg}` must be "pre" or "post"; received {value!r}.')


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads (and truncates) sequences of different lengths to a ``(n, maxlen, ...)`` array.

    Args:
        sequences: a list of sequences (lists or arrays); the items of each may themselves
            be arrays, all of one shape.
        maxlen: the output length; the longest sequence's length when `None`.
        dtype: the output dtype (use ``object`` or a string dtype for strings).
        padding: ``"pre"`` or ``"post"``: pad before or after each sequence.
        truncating: ``"pre"`` or ``"post"``: drop values from the start or the end of
            sequences longer than `maxlen`.
        value: the padding value.

    Returns:
        A NumPy array of shape ``(len(sequences), maxlen) + item_shape``.

    Example:
        >>> pad_sequences([[1], [2, 3]], padding="post", value=-1)
        array([[ 1, -1],
               [ 2,  3]], dtype=int32)
    """
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"`sequences` must be a list of sequences; received "
                         f"{type(sequences).__name__}.")
    lengths, item_shape = [], None
    for index, seq in enumerate(sequences):
        if not hasattr(seq, "__len__"):
            raise ValueError(f"`sequences` must be a list of sequences; item {index} is "
                             f"{seq!r}.")
        lengths.append(len(seq))
        if item_shape is None and len(seq):
            item_shape = np.asarray(seq).shape[1:]
    item_shape = item_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    if maxlen < 0:
        raise ValueError(f"`maxlen` must be >= 0 or None; received {maxlen}.")
    textual = dtype is object or np.dtype(dtype).kind in "SUO"
    if isinstance(value, str) and not textual:
        raise ValueError(f"`value` is a string ({value!r}) but `dtype` is {dtype!r}: use "
                         "dtype=object (or a string dtype) for string sequences.")
    out = np.full((len(lengths), maxlen) + tuple(item_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for index, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != tuple(item_shape):
            raise ValueError(f"Every item of `sequences` must have shape {tuple(item_shape)}; "
                             f"sequence {index} has items of shape {kept.shape[1:]}.")
        if padding == "post":
            out[index, :len(kept)] = kept
        else:
            out[index, maxlen - len(kept):] = kept
    return out
