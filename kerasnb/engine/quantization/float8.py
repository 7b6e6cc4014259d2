"""Float8 training helpers: delayed scaling from an amax history, and quantize-dequantize.

float8 values are emulated in float32 arithmetic (no backend here has float8 tensors): a
value is rounded to nearest-even on the grid of the format (`E4M3FN`: 3 mantissa bits,
max 448, used for inputs and kernels; `E5M2`: 2 mantissa bits, max 57344, used for
gradients), saturating at the format's max. The results equal a real cast to float8 and
back for every finite value.

Example:
    >>> quantize_and_dequantize(np.array([1.3, 500.0]), 1.0, "float8_e4m3fn", "float32")
    array([  1.25, 448.  ], dtype=float32)
"""

from kerasnb.engine import dtypes
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp

# name -> (mantissa bits, smallest normal exponent, largest finite value)
FLOAT8_FORMATS = {
    "float8_e4m3fn": (3, -6, 448.0),
    "float8_e5m2": (2, -14, 57344.0),
}
_REAL_FLOATS = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38}


def float8_max(dtype):
    """The largest finite value of a float8 format (or of float16/bfloat16/float32)."""
    if dtype in FLOAT8_FORMATS:
        return FLOAT8_FORMATS[dtype][2]
    if dtype in _REAL_FLOATS:
        return _REAL_FLOATS[dtype]
    raise ValueError(f"`quantized_dtype` must be one of {sorted(FLOAT8_FORMATS) + sorted(_REAL_FLOATS)}; "
                     f"received {dtype!r}.")


def round_to_float8(x, dtype):
    """`x` (float32) rounded to the nearest value of float8 format `dtype` (ties to even);
    magnitudes past the format's max are not clipped here."""
    mantissa, min_exponent, _ = FLOAT8_FORMATS[dtype]
    magnitude = knp.abs(x)
    smallest_normal = 2.0 ** min_exponent  # below it the grid step is fixed (subnormals)
    exponent = knp.floor(knp.log2(knp.maximum(magnitude, smallest_normal)))
    # log2 may land one off next to powers of two; settle the exponent exactly
    exponent = knp.where(knp.power(2.0, exponent) > magnitude, exponent - 1.0, exponent)
    exponent = knp.maximum(exponent, float(min_exponent))
    exponent = knp.where(knp.power(2.0, exponent + 1.0) <= magnitude, exponent + 1.0, exponent)
    step = knp.power(2.0, exponent - float(mantissa))
    return knp.multiply(knp.sign(x), knp.multiply(knp.round(knp.divide(magnitude, step)), step))


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """``inputs / scale`` saturated and rounded to `quantized_dtype`, then times `scale`, in
    `compute_dtype`.

    Args:
        inputs: a float tensor.
        scale: the divisor mapping `inputs` into the format's range (see
            `compute_float8_scale`).
        quantized_dtype: ``"float8_e4m3fn"`` or ``"float8_e5m2"`` (emulated), or a real float
            dtype name.
        compute_dtype: the dtype of the result.

    Example:
        >>> quantize_and_dequantize(np.array([0.1]), 0.01, "float8_e5m2", "float32")
        array([0.1], dtype=float32)
    """
    limit = float8_max(quantized_dtype)
    scale = core.cast(scale, "float32")
    x = knp.divide(core.cast(inputs, "float32"), scale)
    x = knp.clip(x, -limit, limit)
    if quantized_dtype in FLOAT8_FORMATS:
        x = round_to_float8(x, quantized_dtype)
    else:
        x = core.cast(core.cast(x, quantized_dtype), "float32")
    return core.cast(knp.multiply(x, scale), dtypes.standardize_dtype(compute_dtype))


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next scale (a divisor) from the recent absolute max: ``amax / dtype_max *
    2**margin``, keeping `scale` when `amax` is zero or not finite.

    Example:
        >>> float(compute_float8_scale(896.0, 1.0, 448.0))
        2.0
    """
    amax = core.convert_to_tensor(amax, "float32")
    usable = knp.logical_and(knp.greater(amax, 0.0), knp.isfinite(amax))
    factor = knp.divide(knp.divide(dtype_max, knp.where(usable, amax, 1.0)), 2.0 ** margin)
    keep = knp.reciprocal(core.convert_to_tensor(scale, "float32"))
    return knp.reciprocal(knp.where(usable, factor, keep))


def compute_float8_amax_history(x, amax_history):
    """The history rolled one step left with ``max(|x|)`` written into position 0.

    Example:
        >>> compute_float8_amax_history(np.array([-3.0, 1.0]), np.array([1.0, 2.0, 0.0]))
        array([3., 0., 1.], dtype=float32)
    """
    history = core.convert_to_tensor(amax_history)
    amax = core.cast(knp.max(knp.abs(x)), core.dtype(history))
    return core.scatter_update(knp.roll(history, -1), [[0]], knp.reshape(amax, (1,)))
