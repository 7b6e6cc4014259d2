"""Integer quantizers: abs-max (symmetric) and grouped min-max (with a zero point), and
fake quantization with a straight-through gradient.

A symmetric int8 quantization of ``x`` over `axis` is ``q = round(x * s)`` clipped to
``[-127, 127]`` with ``s = 127 / (max|x| + epsilon)``; ``q / s`` approximates ``x``. The
grouped form splits axis 0 into blocks of `block_size` rows, each with its own scale and
zero point per column: ``q = round(x / scale) + zero`` and ``x ~ (q - zero) * scale``.

Example:
    >>> codes, scale = abs_max_quantize(np.array([[0.5, -1.0]], "float32"), axis=-1)
    >>> codes
    array([[ 64, -127]], dtype=int8)
"""

import math

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import builtin


def _numpy_axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _float_dtype(x):
    dtype = dtypes.standardize_dtype(core.dtype(x)) if not isinstance(x, np.ndarray) else str(x.dtype)
    return dtype if dtypes.is_float(dtype) else "float32"


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=1e-07,
                     to_numpy=False):
    """Symmetric quantization of `inputs` with one scale per slice along `axis`.

    Args:
        inputs: a float tensor or array.
        axis: the axis (or axes) each scale covers, i.e. reduced when taking the abs-max.
        value_range: ``(low, high)`` of the integer codes; ``high`` is what the abs-max maps to.
        dtype: the dtype of the codes.
        epsilon: added to the abs-max, so that an all-zero slice gets a finite scale.
        to_numpy: compute with NumPy on the host (the results are still tensors).

    Returns:
        ``(codes, scale)``; `scale` keeps the reduced axes (size 1) and `inputs`' float dtype,
        and ``codes / scale`` approximates `inputs`.

    Example:
        >>> codes, scale = abs_max_quantize(np.array([[1.0, 2.0], [3.0, -4.0]]), axis=0)
        >>> codes
        array([[  42,   64],
               [ 127, -127]], dtype=int8)
    """
    low, high = value_range
    if to_numpy:
        source = _float_dtype(inputs)
        x = np.asarray(core.convert_to_numpy(inputs))
        scale = np.divide(high, np.add(np.max(np.abs(x), axis=_numpy_axis(axis), keepdims=True), epsilon))
        codes = np.clip(np.round(x * scale), low, high).astype(dtype)
        return core.convert_to_tensor(codes), core.convert_to_tensor(scale.astype(np.float64), source)
    x = core.convert_to_tensor(inputs)
    scale = knp.divide(high, knp.add(knp.max(knp.abs(x), axis=axis, keepdims=True), epsilon))
    scale = core.cast(scale, _float_dtype(x))
    codes = core.cast(knp.clip(knp.round(knp.multiply(x, scale)), low, high), dtype)
    return codes, scale


def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8",
                                             epsilon=1e-07, to_numpy=False):
    """Asymmetric quantization of a 2-D ``(rows, columns)`` tensor in groups of `block_size`
    rows: each group has one scale and one zero point per column.

    The last group is padded with zero rows, which take part in its min and max.

    Args:
        inputs: a float ``(rows, columns)`` tensor.
        block_size: rows per group.
        value_range: ``(qmin, qmax)`` of the codes (``(-8, 7)`` for int4).
        dtype: the dtype of the codes.
        epsilon: added to each group's range.
        to_numpy: compute with NumPy on the host.

    Returns:
        ``(codes, scale, zero)``: codes ``(rows, columns)``; scale and zero ``(groups,
        columns)`` with ``groups = ceil(rows / block_size)``; zero is int8. ``(codes - zero) *
        scale`` approximates `inputs` (each group row-wise).

    Example:
        >>> codes, scale, zero = abs_max_quantize_grouped_with_zero_point(np.ones((5, 3)), 2)
        >>> scale.shape, zero.shape
        ((3, 3), (3, 3))
    """
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size <= 0:
        raise ValueError(f"`block_size` must be a positive int; received {block_size!r}.")
    qmin, qmax = value_range
    rows, columns = tuple(core.shape(inputs)) if not isinstance(inputs, np.ndarray) else inputs.shape
    groups = math.ceil(rows / block_size)
    pad = groups * block_size - rows
    if to_numpy:
        source = _float_dtype(inputs)
        x = np.asarray(core.convert_to_numpy(inputs))
        padded = np.concatenate([x, np.zeros((pad, columns), x.dtype)]) if pad else x
        blocks = padded.reshape(groups, block_size, columns)
        low, high = blocks.min(axis=1, keepdims=True), blocks.max(axis=1, keepdims=True)
        scale = (high - low + epsilon) / (qmax - qmin)
        zero = np.clip(np.round(-low / scale) + qmin, qmin, qmax)
        codes = np.clip(np.round(blocks / scale) + zero, qmin, qmax).astype(dtype)
        codes = codes.reshape(groups * block_size, columns)[:rows]
        return (core.convert_to_tensor(codes), core.convert_to_tensor(scale[:, 0], source),
                core.convert_to_tensor(zero[:, 0].astype("int8")))
    x = core.convert_to_tensor(inputs)
    padded = knp.concatenate([x, knp.zeros((pad, columns), core.dtype(x))]) if pad else x
    blocks = knp.reshape(padded, (groups, block_size, columns))
    low, high = knp.min(blocks, axis=1, keepdims=True), knp.max(blocks, axis=1, keepdims=True)
    scale = knp.divide(knp.add(knp.subtract(high, low), epsilon), qmax - qmin)
    zero = knp.clip(knp.add(knp.round(knp.divide(knp.negative(low), scale)), qmin), qmin, qmax)
    codes = knp.clip(knp.add(knp.round(knp.divide(blocks, scale)), zero), qmin, qmax)
    codes = knp.reshape(core.cast(codes, dtype), (groups * block_size, columns))[:rows]
    return codes, knp.squeeze(scale, axis=1), core.cast(knp.squeeze(zero, axis=1), "int8")


def dequantize_grouped(codes, scale, zero, group_index, axis=-1):
    """``(codes - zero) * scale`` where position ``i`` along `axis` of `codes` uses group
    ``group_index[i]`` of `scale` and `zero` (also along `axis`).

    Example:
        >>> dequantize_grouped(np.array([[3, 1]]), np.array([[0.5]]), np.array([[1]]), np.array([0, 0]))
        array([[1., 0.]], dtype=float32)
    """
    index = core.cast(group_index, "int32")
    scale = knp.take(scale, index, axis=axis)
    zero = core.cast(knp.take(zero, index, axis=axis), core.dtype(scale))
    return knp.multiply(knp.subtract(core.cast(codes, core.dtype(scale)), zero), scale)


@builtin("quantizers")
class Quantizer:
    """Base class of quantizers: ``quantizer(x)`` returns ``(codes, scale)``; the base
    class returns its input.

    Args:
        output_dtype: the dtype of the codes.

    Example:
        >>> Quantizer()(3.0)
        3.0
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement `get_config()`.")


@builtin("quantizers")
class AbsMaxQuantizer(Quantizer):
    """`abs_max_quantize` as an object (a layer's weight or activation quantizer).

    Args:
        axis: the default axis (or axes) each scale covers; `__call__`'s `axis` wins, and
            without either it is -1.
        value_range: ``(low, high)`` of the codes; int8 codes must stay within [-128, 127].
        epsilon: added to the abs-max.
        output_dtype: the dtype of the codes.

    Example:
        >>> codes, scale = AbsMaxQuantizer(value_range=(-8, 7))(np.array([[2.0, -1.0]]))
        >>> codes
        array([[ 7, -3]], dtype=int8)
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=1e-07, output_dtype="int8"):
        super().__init__(output_dtype)
        self.axis = None if axis is None else tuple([axis] if isinstance(axis, int) else axis)
        if (not isinstance(value_range, (list, tuple)) or len(value_range) != 2
                or not value_range[0] < value_range[1]):
            raise ValueError(f"`value_range` must be a pair (low, high) with low < high; "
                             f"received {value_range!r}.")
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError("With output_dtype='int8', `value_range` must lie within [-128, 127]; "
                             f"received value_range={tuple(value_range)}.")
        self.value_range = tuple(value_range)
        self.epsilon = epsilon

    def __call__(self, x, axis=None, to_numpy=False):
        axis = self.axis if axis is None else axis
        return abs_max_quantize(x, -1 if axis is None else axis, self.value_range, self.output_dtype,
                                self.epsilon, to_numpy)

    def get_config(self):
        config = {"value_range": self.value_range, "epsilon": self.epsilon,
                  "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config


def _nudged_range(low, high, num_bits, narrow_range):
    """TensorFlow's FakeQuant nudging: the float range whose grid puts 0.0 exactly on a code.
    Returns ``(nudged_low, nudged_high, step)``."""
    qmin, qmax = (1 if narrow_range else 0), 2 ** num_bits - 1
    step = knp.divide(knp.subtract(high, low), qmax - qmin)
    zero = knp.round(knp.clip(knp.subtract(qmin, knp.divide(low, step)), qmin, qmax))
    return (knp.multiply(knp.subtract(qmin, zero), step), knp.multiply(knp.subtract(qmax, zero), step),
            step)


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False,
                                 axis=None):
    """Quantizes `inputs` onto the ``2**num_bits`` codes of ``[min_vals, max_vals]`` (nudged so
    that 0.0 is exact) and back to floats, per tensor or per channel along `axis`.

    The gradient is straight-through inside the range; gradients of clipped values go to
    `min_vals` or `max_vals` (summed per channel), so the range can be trained.

    Args:
        inputs: a float tensor.
        min_vals, max_vals: scalars, or one value per channel of `axis`.
        num_bits: the code width.
        narrow_range: use codes ``[1, 2**num_bits - 1]`` instead of ``[0, 2**num_bits - 1]``.
        axis: the channel axis for per-channel ranges; None for one range.

    Example:
        >>> fake_quant_with_min_max_vars(np.array([0.0, 0.26, 2.0]), 0.0, 1.0, num_bits=2)
        array([0.        , 0.33333334, 1.        ], dtype=float32)
    """
    x = core.convert_to_tensor(inputs)
    dtype = core.dtype(x)
    rank = len(core.shape(x))
    if axis is not None:
        axis = axis % rank
        if rank and axis != rank - 1:  # channels last, so that per-channel ranges broadcast
            x = knp.moveaxis(x, axis, -1)
    low = core.convert_to_tensor(min_vals, "float32")
    high = core.convert_to_tensor(max_vals, "float32")
    num_bits = int(num_bits)

    @core.custom_gradient
    def quantize(x, low, high):
        wide = core.cast(x, "float32")
        nudged_low, nudged_high, step = _nudged_range(low, high, num_bits, narrow_range)
        clamped = knp.minimum(knp.maximum(wide, nudged_low), nudged_high)
        codes = knp.floor(knp.add(knp.divide(knp.subtract(clamped, nudged_low), step), 0.5))
        result = core.cast(knp.add(knp.multiply(codes, step), nudged_low), dtype)

        def grad_fn(*args, upstream=None):
            upstream = args[-1] if upstream is None else upstream
            upstream = core.cast(upstream, "float32")
            below, above = knp.less(wide, nudged_low), knp.greater(wide, nudged_high)
            inside = knp.logical_not(knp.logical_or(below, above))
            reduce = None if axis is None else tuple(range(rank - 1))
            grad_low = knp.sum(knp.where(below, upstream, 0.0), axis=reduce)
            grad_high = knp.sum(knp.where(above, upstream, 0.0), axis=reduce)
            return (core.cast(knp.where(inside, upstream, 0.0), dtype),
                    knp.reshape(grad_low, core.shape(low)), knp.reshape(grad_high, core.shape(high)))

        return result, grad_fn

    out = quantize(x, low, high)
    if axis is not None and rank and axis != rank - 1:
        out = knp.moveaxis(out, -1, axis)
    return out
