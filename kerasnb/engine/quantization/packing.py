"""Two int4 values per byte: `pack_int4` and its inverse `unpack_int4`.

Along the packed axis, element ``2k`` goes to the low nibble and element ``2k + 1`` to the
high nibble of byte ``k``; an odd length gets one zero element of padding.

Example:
    >>> packed, shape, length = pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], "int8"))
    >>> packed
    array([[  45, -121],
           [   1,    0]], dtype=int8)
    >>> unpack_int4(packed, length)
    array([[-3,  7],
           [ 2, -8],
           [ 1,  0]], dtype=int8)
"""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp


def _check_dtype(dtype):
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"`dtype` must be 'int8' or 'uint8'; received dtype={dtype!r}.")


def pack_int4(arr, axis=0, dtype="int8"):
    """Packs int4 values (held in an int8 or uint8 tensor) two per byte along `axis`.

    Args:
        arr: a tensor of `dtype` whose values fit 4 bits (``[-8, 7]`` for int8, ``[0, 15]``
            for uint8).
        axis: the axis to halve.
        dtype: ``"int8"`` or ``"uint8"``, the dtype of `arr` and of the result.

    Returns:
        ``(packed, packed_shape, original_length)``; `packed` has ``ceil(n / 2)`` entries
        along `axis` where `arr` had ``n = original_length``.

    Example:
        >>> pack_int4(np.array([[-3, 7, 2]], "int8"), axis=1)[0]
        array([[125,   2]], dtype=int8)
    """
    _check_dtype(dtype)
    got = dtypes.standardize_dtype(arr.dtype)
    if got != dtype:
        raise TypeError(f"`arr` must be a {dtype} tensor to pack; received dtype {got}.")
    values = np.moveaxis(np.asarray(core.convert_to_numpy(arr)), axis, 0)
    length = values.shape[0]
    if length % 2:
        values = np.concatenate([values, np.zeros((1,) + values.shape[1:], values.dtype)])
    nibbles = values.astype(np.uint8) & np.uint8(0x0F)
    packed = (nibbles[0::2] | (nibbles[1::2] << np.uint8(4))).view(np.dtype(dtype))
    packed = np.moveaxis(packed, 0, axis)
    return core.convert_to_tensor(packed), tuple(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Unpacks `pack_int4`'s bytes back to one int4 value per element along `axis`.

    Args:
        packed: an int8 or uint8 tensor of packed pairs.
        orig_len: the length of `axis` before packing (drops the padding).
        axis: the packed axis.
        dtype: ``"int8"`` (signed values ``[-8, 7]``) or ``"uint8"`` (``[0, 15]``).

    Returns:
        A tensor of `dtype` with `orig_len` entries along `axis`.

    Example:
        >>> unpack_int4(np.array([[125, 2]], "int8"), 3, axis=1)
        array([[-3,  7,  2]], dtype=int8)
    """
    _check_dtype(dtype)
    packed = core.convert_to_tensor(packed)
    source = dtypes.standardize_dtype(core.dtype(packed))
    if source not in ("int8", "uint8"):
        raise TypeError(f"`packed` must be an int8 or uint8 tensor; received dtype {source}.")
    rank = len(core.shape(packed))
    axis = axis % rank
    if axis:
        packed = knp.moveaxis(packed, axis, 0)
    mask = core.convert_to_tensor(0x0F, source)
    low = knp.bitwise_and(packed, mask)
    high = knp.bitwise_and(knp.right_shift(packed, core.convert_to_tensor(4, source)), mask)
    if dtype == "int8":  # nibble n in [0, 15] -> (n ^ 8) - 8 in [-8, 7]
        eight = core.convert_to_tensor(8, source)
        low = knp.subtract(knp.bitwise_xor(low, eight), eight)
        high = knp.subtract(knp.bitwise_xor(high, eight), eight)
    pairs = knp.stack([core.cast(low, dtype), core.cast(high, dtype)], axis=1)
    rest = tuple(core.shape(packed)[1:])
    values = knp.reshape(pairs, (-1,) + rest)[:orig_len]
    return knp.moveaxis(values, 0, axis) if axis else values
