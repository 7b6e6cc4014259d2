"""PyTorch backend core: tensor conversion, dtypes, shapes, and the autodiff entry point."""

import numpy as np
import torch

from kerasnb.engine import dtypes
from kerasnb.engine.backend import common

__all__ = ["NAME", "Tensor", "devices", "is_tensor", "convert_to_tensor", "convert_to_numpy",
           "cast", "dtype_of", "shape", "value_and_grad", "to_torch_dtype", "DEVICE"]

NAME = "torch"
Tensor = torch.Tensor
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
_ON_CPU = DEVICE.type == "cpu"  # then `t.is_cpu` tells "on DEVICE" without building a device object

_TORCH_DTYPES = {
    "bool": torch.bool, "uint8": torch.uint8, "uint16": torch.uint16, "uint32": torch.uint32,
    "uint64": torch.uint64, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "bfloat16": torch.bfloat16, "float16": torch.float16,
    "float32": torch.float32, "float64": torch.float64, "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_NAMES = {v: k for k, v in _TORCH_DTYPES.items()}


def to_torch_dtype(dtype):
    if isinstance(dtype, torch.dtype):
        return dtype
    found = _TORCH_DTYPES.get(dtype) if type(dtype) is str else None  # canonical names: no parsing
    return found or _TORCH_DTYPES[dtypes.standardize_dtype(dtype)]


def devices():
    found = ["cpu:0"]
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return found


def is_tensor(x):
    return isinstance(x, torch.Tensor)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A torch.Tensor from `x` (Python data, an array, a Variable or another framework's tensor)."""
    if isinstance(x, torch.Tensor):
        if dtype is not None and x.dtype != to_torch_dtype(dtype):
            x = x.to(to_torch_dtype(dtype))
        return x if (x.is_cpu if _ON_CPU else x.device == DEVICE) else x.to(DEVICE)
    if hasattr(x, "_migrate"):
        return convert_to_tensor(x.value, dtype)
    if common.is_foreign_tensor(x) or isinstance(x, (np.ndarray, np.generic)):
        array = np.asarray(common.to_numpy_any(x))
        if not array.flags.writeable:  # e.g. a view of a JAX buffer; torch needs its own copy
            array = array.copy()
        if array.dtype.name == "bfloat16":
            out = torch.from_numpy(array.astype(np.float32)).to(torch.bfloat16)
        else:
            out = torch.from_numpy(np.ascontiguousarray(array)) if array.ndim else torch.tensor(array)
        return convert_to_tensor(out, dtype)
    return torch.tensor(x, dtype=to_torch_dtype(common.python_dtype(x, dtype)), device=DEVICE)


def convert_to_numpy(x):
    return common.to_numpy_any(convert_to_tensor(x))


def cast(x, dtype):
    x = convert_to_tensor(x)
    target = to_torch_dtype(dtype)
    return x if x.dtype == target else x.to(target)


def dtype_of(x):
    return _NAMES[x.dtype]


def shape(x):
    return tuple(x.shape)


def value_and_grad(fn, argnums=0, has_aux=False):
    """``fn``'s value and its gradient with respect to the `argnums` arguments.

    Arguments at `argnums` may be tensors or (nested) lists/tuples of tensors; the
    gradients come back in the same structure, zeros where `fn` does not depend on them.
    """
    from kerasnb.engine.ops.op import flatten, pack

    def run(*args):
        positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
        args, leaves = list(args), {}
        for i in positions:
            flat = [convert_to_tensor(a).detach().requires_grad_(True) for a in flatten(args[i])]
            leaves[i] = flat
            args[i] = pack(args[i], flat)
        with torch.enable_grad():
            out = fn(*args)
        value, aux = out if has_aux else (out, None)
        flat = [leaf for i in positions for leaf in leaves[i]]
        grads = torch.autograd.grad(value, flat, allow_unused=True)
        grads = [torch.zeros_like(p) if g is None else g for p, g in zip(flat, grads)]
        structured, start = [], 0
        for i in positions:
            n = len(leaves[i])
            structured.append(pack(args[i], grads[start:start + n]))
            start += n
        result = structured[0] if isinstance(argnums, int) else tuple(structured)
        value = value.detach()
        return ((value, aux) if has_aux else value), result

    return run
