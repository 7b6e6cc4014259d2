"""Quantizing a layer's main weight, seen as a ``(rows, columns)`` matrix whose rows are
contracted (Dense's ``(inputs, units)`` kernel; an Embedding table is used transposed).

* int8: one abs-max scale per column, codes ``round(w * scale)`` in ``[-127, 127]``.
* int4 per channel: the same with codes in ``[-8, 7]``; grouped int4 (``block_size``):
  per block of rows, a scale and a zero point per column. int4 codes are packed two per
  byte along the columns: ``(rows, ceil(columns / 2))``.

`quantize_matrix` runs on the host (NumPy) when a layer is quantized or saved;
`dequantize_matrix` runs in the layer's call with backend ops.

Example:
    >>> parts = quantize_matrix(np.ones((4, 3), "float32"), "int4", block_size=None)
    >>> sorted(parts), parts["kernel"].shape
    (['kernel', 'kernel_scale'], (4, 2))
"""

import math

import numpy as np

from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.quantization import quantizers
from kerasnb.engine.quantization.packing import pack_int4, unpack_int4


def quantize_matrix(weight, mode, block_size=None, quantizer=None):
    """Codes and scales of a ``(rows, columns)`` float matrix, as NumPy arrays.

    Args:
        weight: the float matrix.
        mode: ``"int8"`` or ``"int4"``.
        block_size: grouped int4's rows per block; None for per-column scales.
        quantizer: a weight quantizer replacing the default abs-max over the rows; its
            scale must have one value per column.

    Returns:
        ``{"kernel": codes, "kernel_scale": scale}`` plus ``"kernel_zero"`` for grouped int4;
        scale is ``(columns,)`` or ``(groups, columns)``.
    """
    weight = np.asarray(core.convert_to_numpy(weight))
    columns = weight.shape[1]
    if mode == "int4" and block_size is not None:
        codes, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(
            weight, block_size, value_range=(-8, 7), to_numpy=True)
        parts = {"kernel_scale": core.convert_to_numpy(scale), "kernel_zero": core.convert_to_numpy(zero)}
    else:
        value_range = (-127, 127) if mode == "int8" else (-8, 7)
        quantizer = quantizer or quantizers.AbsMaxQuantizer(axis=0, value_range=value_range)
        codes, scale = quantizer(weight, to_numpy=True)
        scale = np.asarray(core.convert_to_numpy(scale))
        if scale.size != columns:
            raise ValueError(f"The weight quantizer must give one scale per output column ({columns}); it "
                             f"gave scales of shape {scale.shape}. Quantize over axis 0.")
        parts = {"kernel_scale": scale.reshape(columns)}
    codes = np.asarray(core.convert_to_numpy(codes))
    if mode == "int4":
        codes = np.asarray(core.convert_to_numpy(pack_int4(codes.astype("int8"), axis=-1)[0]))
    parts["kernel"] = codes
    return parts


def group_index(rows, block_size):
    """The block of each row, as float32 (Keras's ``g_idx``)."""
    return (np.arange(rows) // block_size).astype("float32")


def group_count(rows, block_size):
    return math.ceil(rows / block_size)


def unpacked_codes(kernel, mode, columns):
    """The ``(rows, columns)`` int8 codes of a stored kernel (int4 is unpacked)."""
    return unpack_int4(kernel, columns, axis=-1) if mode == "int4" else kernel


def dequantize_matrix(kernel, scale, zero, group, mode, columns, compute_dtype):
    """The float ``(rows, columns)`` matrix of stored codes (backend ops)."""
    codes = unpacked_codes(kernel, mode, columns)
    if zero is not None:
        return core.cast(quantizers.dequantize_grouped(codes, scale, zero, group, axis=0), compute_dtype)
    return knp.divide(core.cast(codes, compute_dtype), core.cast(scale, compute_dtype))


def dequantize_matrix_numpy(kernel, scale, zero, mode, columns, block_size):
    """`dequantize_matrix` on the host, in float32 (for merging LoRA into saved weights)."""
    codes = np.asarray(core.convert_to_numpy(unpacked_codes(kernel, mode, columns)), "float32")
    scale = np.asarray(core.convert_to_numpy(scale), "float32")
    if zero is None:
        return codes / scale
    index = (np.arange(codes.shape[0]) // block_size)
    zero = np.asarray(core.convert_to_numpy(zero), "float32")
    return (codes - zero[index]) * scale[index]
