"""Dtype names and Keras 3's promotion rules, as pure Python over dtype strings.

Promotion follows a lattice with "weak" Python scalars: ``int8 + 1`` stays
``int8``, ``int32 + 1.0`` becomes ``floatx()``, ``int64 + float32`` is ``float32``.
"""

import functools

import numpy as np

from kerasnb.engine import config

BOOL = ("bool",)
UINTS = ("uint8", "uint16", "uint32", "uint64")
SINTS = ("int8", "int16", "int32", "int64")
INTS = UINTS + SINTS
FLOATS = ("bfloat16", "float16", "float32", "float64")
COMPLEXES = ("complex64", "complex128")
ALL = BOOL + INTS + FLOATS + COMPLEXES
STRING = "string"  # text (`Input(dtype="string")`, tf.string): no tensor math, no promotion

_ALIASES = {
    "float": "float32", "double": "float64", "half": "float16", "int": "int64",
    "uint": "uint64", "long": "int64", "bool_": "bool", "complex": "complex128",
    "cfloat": "complex64", "cdouble": "complex128", "bfloat": "bfloat16",
}

# Each node's immediate successors; weak Python types are "i*", "f*", "c*".
_LATTICE = {
    "bool": ("i*",),
    "i*": ("uint8", "int8"),
    "uint8": ("uint16", "int16"), "uint16": ("uint32", "int32"),
    "uint32": ("uint64", "int64"), "uint64": ("f*",),
    "int8": ("int16",), "int16": ("int32",), "int32": ("int64",), "int64": ("f*",),
    "f*": ("bfloat16", "float16", "c*"),
    "bfloat16": ("float32",), "float16": ("float32",),
    "float32": ("float64", "complex64"), "float64": ("complex128",),
    "c*": ("complex64",), "complex64": ("complex128",), "complex128": (),
}
_WEAK = {int: "i*", float: "f*", complex: "c*", bool: "bool"}


@functools.cache
def _upper(node):
    """Every node reachable from `node`, itself included."""
    out = {node}
    for nxt in _LATTICE[node]:
        out |= _upper(nxt)
    return frozenset(out)


@functools.cache
def _join(a, b):
    common = _upper(a) & _upper(b)
    return next(n for n in common if all(m in _upper(n) for m in common))


def _resolve(node):
    if node == "i*":
        return "int32"
    if node == "f*":
        return config.floatx()
    if node == "c*":
        return "complex64"
    return node


_STANDARD = {}  # dtype object or name -> canonical name, for those not depending on floatx


def standardize_dtype(dtype):
    """Returns the canonical string name of any framework's dtype, or of a Python type.

    Example:
        >>> standardize_dtype("float")
        'float32'
    """
    if dtype is None:
        return config.floatx()
    if type(dtype) is not str and dtype in _WEAK:
        return _resolve(_WEAK[dtype])
    try:
        return _STANDARD[dtype]
    except (KeyError, TypeError):  # not seen yet, or unhashable
        pass
    name = _parse_dtype(dtype)
    try:
        _STANDARD[dtype] = name
    except TypeError:
        pass
    return name


def _parse_dtype(dtype):
    """The canonical name of a dtype that is neither None nor a weak Python type."""
    if isinstance(dtype, str):
        name = dtype
    elif isinstance(dtype, type):  # NumPy / JAX scalar types such as np.float32
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = dtype.__name__
    else:
        name = getattr(dtype, "name", None) or str(dtype)
    name = name.rsplit(".", 1)[-1]
    name = _ALIASES.get(name, name)
    if name == STRING:
        return name
    if name not in ALL:
        raise ValueError(f"Invalid dtype: expected one of {', '.join(ALL)}; received {dtype!r}.")
    return name


def _node(x):
    """Lattice node for a dtype, a Python scalar or type, or anything with a `dtype`."""
    if isinstance(x, str):
        return standardize_dtype(x)
    if type(x) in _WEAK:
        return _WEAK[type(x)]
    if x in _WEAK:
        return _WEAK[x]
    dtype = getattr(x, "dtype", None)
    return standardize_dtype(x if dtype is None else dtype)


def result_type(*items):
    """The Keras 3 result dtype of combining dtypes, tensors and Python scalars.

    Example:
        >>> result_type("int8", 1), result_type("int32", 1.0), result_type("int64", "float16")
        ('int8', 'float32', 'float16')
    """
    if not items:
        return config.floatx()
    node = _node(items[0])
    for item in items[1:]:
        node = _join(node, _node(item))
    return _resolve(node)


def is_float(dtype):
    return standardize_dtype(dtype) in FLOATS


def is_int(dtype):
    return standardize_dtype(dtype) in INTS


def is_complex(dtype):
    return standardize_dtype(dtype) in COMPLEXES


def float_result(dtype):
    """The dtype of a floating-point function of `dtype` (ints and bool become floatx)."""
    dtype = standardize_dtype(dtype)
    if dtype in FLOATS or dtype in COMPLEXES:
        return dtype
    return config.floatx()


def sum_result(dtype):
    """The dtype of summing `dtype`: small ints widen to 32 bits, as in Keras 3."""
    dtype = standardize_dtype(dtype)
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def infer_dtype(x):
    """The dtype Keras gives a Python scalar or (nested) list: int32, floatx or bool.

    Example:
        >>> infer_dtype([1, 2.5])
        'float32'
    """
    if isinstance(x, (list, tuple)):
        found = [infer_dtype(v) for v in x]
        return result_type(*found) if found else config.floatx()
    if type(x) in _WEAK:
        return _resolve(_WEAK[type(x)])
    return standardize_dtype(getattr(x, "dtype", type(x)))


def itemsize(dtype):
    dtype = standardize_dtype(dtype)
    if dtype == "bool":
        return 1
    return int("".join(c for c in dtype if c.isdigit())) // 8
