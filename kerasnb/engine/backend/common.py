"""Framework-free helpers shared by the backend packages (duck-typed, imports no framework)."""

import re

import numpy as np

from kerasnb.engine import dtypes

_ML_DTYPES = {}


def numpy_dtype(dtype):
    """The NumPy dtype object for a Keras dtype name (bfloat16 via ml_dtypes)."""
    dtype = dtypes.standardize_dtype(dtype)
    if dtype == "bfloat16":
        if not _ML_DTYPES:
            import ml_dtypes
            _ML_DTYPES["bfloat16"] = np.dtype(ml_dtypes.bfloat16)
        return _ML_DTYPES["bfloat16"]
    return np.dtype(dtype)


def to_numpy_any(x):
    """A NumPy array from any framework's tensor, a Variable, or a Python value."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "_migrate"):  # a kerasnb Variable
        return x.numpy()
    module = type(x).__module__
    if module.startswith("torch"):
        x = x.detach().cpu()
        if str(x.dtype) == "torch.bfloat16":
            return x.float().numpy().astype(numpy_dtype("bfloat16"))
        return x.numpy()
    if module.startswith("tensorflow") and hasattr(x, "numpy"):
        return x.numpy()
    return np.asarray(x)


def is_foreign_tensor(x):
    """True for a tensor of any framework (or a Variable), as opposed to Python data."""
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, (np.ndarray, np.generic))


def python_dtype(x, dtype):
    """The dtype for converting Python data `x`: the given one, else Keras's inference."""
    return dtypes.standardize_dtype(dtype) if dtype is not None else dtypes.infer_dtype(x)


def operand_dtype(x):
    """What promotion sees of an operand: Python scalars stay weak, the rest is a dtype name."""
    if type(x) in (int, float, complex, bool):
        return x
    if hasattr(x, "dtype"):
        return dtypes.standardize_dtype(x.dtype)
    return dtypes.infer_dtype(x)


def strong_dtype(x1, x2):
    """Common dtype of two operands, Python scalars taken as the tensors Keras makes of them."""
    return dtypes.result_type(dtypes.infer_dtype(x1), dtypes.infer_dtype(x2))


def binary_operands(convert, x1, x2, dtype=None):
    """Both operands converted to one dtype: `dtype`, else Keras promotion of the two.

    Example:
        >>> binary_operands(np.asarray, np.int8(3), 1.5)  # doctest: +SKIP
    """
    if dtype is None:
        dtype = dtypes.result_type(operand_dtype(x1), operand_dtype(x2))
    return convert(x1, dtype), convert(x2, dtype)


def _range(dtype):
    """The smallest and largest values of a Keras dtype, as Python numbers."""
    import ml_dtypes

    name = dtypes.standardize_dtype(dtype)
    if name == "bool":
        return 0, 1
    if dtypes.is_int(name):
        info = ml_dtypes.iinfo(numpy_dtype(name))
        return int(info.min), int(info.max)
    info = ml_dtypes.finfo(numpy_dtype(name))
    return float(info.min), float(info.max)


def saturation_limits(source, target):
    """Clip bounds, in dtype `source`, that keep a cast to `target` within range.

    A bound that `source` cannot represent exactly is moved towards zero until it fits.

    Example:
        >>> saturation_limits("float32", "int32")
        (np.float32(-2.1474836e+09), np.float32(2.1474835e+09))
    """
    kind = numpy_dtype(source)
    (source_lo, source_hi), (target_lo, target_hi) = _range(source), _range(target)
    lo = np.asarray(max(source_lo, target_lo)).astype(kind)
    hi = np.asarray(min(source_hi, target_hi)).astype(kind)
    if lo.item() < target_lo:  # compared as Python numbers, exactly
        lo = np.nextafter(lo, np.zeros((), kind))
    if hi.item() > target_hi:
        hi = np.nextafter(hi, np.zeros((), kind))
    return lo[()], hi[()]


def core_ndims(signature, count):
    """The number of core dims of each of `count` inputs of a gufunc `signature`.

    Example:
        >>> core_ndims("(m,n),(n)->(m)", 2)
        [2, 1]
    """
    if signature is None:
        return [0] * count
    groups = re.findall(r"\(([^()]*)\)", signature.split("->")[0])
    return [len([d for d in group.split(",") if d.strip()]) for group in groups]
