"""Framework-free helpers shared by the backend packages (duck-typed, imports no framework)."""

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


def binary_operands(convert, x1, x2, dtype=None):
    """Both operands converted to one dtype: `dtype`, else Keras promotion of the two.

    Example:
        >>> binary_operands(np.asarray, np.int8(3), 1.5)  # doctest: +SKIP
    """
    if dtype is None:
        dtype = dtypes.result_type(operand_dtype(x1), operand_dtype(x2))
    return convert(x1, dtype), convert(x2, dtype)
