"""Products (matmul, einsum, ...), indexing and selection, diagonals, and window functions.

Arguments are validated here, once, for every backend: ops pass their check to `op`,
which runs it on eager and symbolic calls alike before dispatching.
"""

import functools
import math

import numpy as np

from kerasnb.engine import config, dtypes
from kerasnb.engine.backend.common import operand_dtype
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op
from kerasnb.engine.tensors import KerasTensor

__all__ = [
    "matmul", "dot", "tensordot", "einsum", "inner", "outer", "kron", "cross", "vdot", "cdist",
    "trace", "diag", "diagflat", "diagonal", "tril", "triu", "vander",
    "take", "take_along_axis", "where", "get_item", "nonzero", "select", "slogdet",
    "bartlett", "blackman", "hamming", "hanning", "kaiser",
]


# Shared helpers ----------------------------------------------------------------------

def _product_dtype(*xs):
    """Keras's dtype of a product: int8 operands accumulate in int32, else normal promotion."""
    names = [rules.dtype_of(x) for x in xs]
    return "int32" if all(n == "int8" for n in names) else dtypes.result_type(*names)


def _same_dim(d1, d2, what):
    if d1 is not None and d2 is not None and d1 != d2:
        raise ValueError(f"Incompatible shapes: {what} must match; received {d1} and {d2}.")


def _merge_dim(d1, d2, what):
    """One size from two that broadcast (1 stretches, None is unknown)."""
    if d1 == 1 or d2 == 1:
        return d2 if d1 == 1 else d1
    _same_dim(d1, d2, what)
    return d2 if d1 is None else d1


def _product(dims):
    return None if None in dims else math.prod(dims)


def _rank(x, name, arg, low, high=None):
    """The shape of `x`, checking that its rank lies in [low, high]."""
    shape = rules.shape_of(x)
    if len(shape) < low or (high is not None and len(shape) > high):
        want = f"rank {low}" if low == high else (f"rank >= {low}" if high is None else f"rank {low} to {high}")
        raise ValueError(f"`{name}` expects `{arg}` of {want}; received shape {shape}.")
    return shape


def _int_dtype(x, name, arg):
    dtype = rules.dtype_of(x)
    if not dtypes.is_int(dtype):
        raise TypeError(f"`{name}` expects integer `{arg}`; received dtype {dtype}.")


def _two_axes(shape, axis1, axis2, name):
    a1 = rules.canonical_axis(axis1, len(shape), "axis1")
    a2 = rules.canonical_axis(axis2, len(shape), "axis2")
    if a1 == a2:
        raise ValueError(f"`{name}` needs two different axes; received axis1={axis1}, axis2={axis2}.")
    return a1, a2


def _diag_len(n1, n2, k):
    """Length of the `k`-th diagonal of an ``n1 x n2`` matrix (None if unknown)."""
    if n1 is None or n2 is None:
        return None
    return max(0, min(n1, n2 - k) if k >= 0 else min(n1 + k, n2))


# Products ----------------------------------------------------------------------------

def _matmul_rule(x1, x2):
    s1, s2 = rules.shape_of(x1), rules.shape_of(x2)
    if not s1 or not s2:
        raise ValueError(f"`matmul` needs `x1` and `x2` of rank >= 1; received shapes {s1} and {s2}.")
    a = (1,) + s1 if len(s1) == 1 else s1
    b = s2 + (1,) if len(s2) == 1 else s2
    _same_dim(a[-1], b[-2], f"the contracted dims of `x1` {s1} and `x2` {s2}")
    rows = a[-2:-1] if len(s1) > 1 else ()
    cols = b[-1:] if len(s2) > 1 else ()
    return rules.tensor(rules.broadcast_shapes(a[:-2], b[:-2]) + rows + cols, _product_dtype(x1, x2))


@op(_matmul_rule, family="numpy")
def matmul(x1, x2):
    """Matrix product with NumPy semantics: batch dims broadcast, 1-D operands are vectors.

    int8 x int8 gives int32, as in Keras; other dtypes follow normal promotion.

    Example:
        >>> ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """


def _dot_rule(x1, x2):
    s1, s2 = rules.shape_of(x1), rules.shape_of(x2)
    if not s1 or not s2:
        shape = rules.broadcast_shapes(s1, s2)
    elif len(s2) == 1:
        _same_dim(s1[-1], s2[0], f"the last dims of `x1` {s1} and `x2` {s2}")
        shape = s1[:-1]
    else:
        _same_dim(s1[-1], s2[-2], f"the last dim of `x1` {s1} and second-to-last of `x2` {s2}")
        shape = s1[:-1] + s2[:-2] + s2[-1:]
    return rules.tensor(shape, dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))


@op(_dot_rule, family="numpy")
def dot(x1, x2):
    """Dot product (NumPy's `dot`): sums over the last axis of `x1` and second-to-last of `x2`.

    Example:
        >>> ops.dot([1.0, 2.0], [3.0, 4.0])
        array(11., dtype=float32)
    """


def _tensordot_axes(axes, n1, n2):
    """`axes` as two lists of non-negative axes of `x1` and `x2`."""
    if isinstance(axes, int):
        if not 0 <= axes <= min(n1, n2):
            raise ValueError(f"`axes` must be between 0 and {min(n1, n2)}; received {axes}.")
        return list(range(n1 - axes, n1)), list(range(axes))
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise ValueError(f"`axes` must be an int or a pair of axis lists; received {axes!r}.")
    a, b = ([v] if isinstance(v, int) else list(v) for v in axes)
    if len(a) != len(b):
        raise ValueError(f"`axes` must give as many axes of `x1` as of `x2`; received {axes!r}.")
    return [rules.canonical_axis(i, n1, "axes") for i in a], [rules.canonical_axis(i, n2, "axes") for i in b]


def _tensordot_rule(x1, x2, axes=2):
    s1, s2 = rules.shape_of(x1), rules.shape_of(x2)
    a, b = _tensordot_axes(axes, len(s1), len(s2))
    for i, j in zip(a, b):
        _same_dim(s1[i], s2[j], f"the contracted dims of `x1` {s1} and `x2` {s2}")
    shape = tuple(d for i, d in enumerate(s1) if i not in a) + tuple(d for i, d in enumerate(s2) if i not in b)
    return rules.tensor(shape, dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))


def _check_tensordot(x1, x2, axes=2):
    _tensordot_axes(axes, len(rules.shape_of(x1)), len(rules.shape_of(x2)))


@op(_tensordot_rule, family="numpy", check=_check_tensordot)
def tensordot(x1, x2, axes=2):
    """Sum of products over `axes`: an int N (last N of `x1` with first N of `x2`) or two lists.

    Example:
        >>> ops.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
        (2, 4)
    """


def _einsum_terms(subscripts, count):
    """Input terms and output term of `subscripts`, with "..." written as "."."""
    if not isinstance(subscripts, str):
        raise TypeError(f"`subscripts` must be a string; received {subscripts!r}.")
    spec = subscripts.replace(" ", "").replace("...", ".")
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if len(terms) != count:
        raise ValueError(f"`subscripts` {subscripts!r} names {len(terms)} operands; received {count}.")
    if any(t.count(".") > 1 for t in terms + [output]):
        raise ValueError(f"`subscripts` may use one ellipsis per term; received {subscripts!r}.")
    if not arrow:
        letters = "".join(terms).replace(".", "")
        output = ("." if "." in inputs else "") + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return terms, output


def _einsum_rule(subscripts, *operands, **kwargs):
    terms, output = _einsum_terms(subscripts, len(operands))
    sizes, ellipses = {}, []
    for term, x in zip(terms, operands):
        shape = rules.shape_of(x)
        n_ell = len(shape) - len(term.replace(".", ""))
        if n_ell < 0 or (n_ell and "." not in term):
            raise ValueError(f"`einsum` term {term!r} does not match an operand of shape {shape}.")
        head, _, tail = term.partition(".")
        ellipses.append(shape[len(head):len(head) + n_ell] if "." in term else ())
        for c, d in zip(head + tail, shape[:len(head)] + shape[len(head) + n_ell:]):
            sizes[c] = _merge_dim(sizes[c], d, f"`einsum` sizes of label {c!r}") if c in sizes else d
    ell = rules.broadcast_shapes(*ellipses)
    shape = []
    for c in output:
        if c != "." and c not in sizes:
            raise ValueError(f"`einsum` output label {c!r} is not among the inputs of {subscripts!r}.")
        shape.extend(ell if c == "." else (sizes[c],))
    return rules.tensor(tuple(shape), _product_dtype(*operands))


def _check_einsum(subscripts, *operands, **kwargs):
    _einsum_terms(subscripts, len(operands))


@op(_einsum_rule, family="numpy", check=_check_einsum)
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over `operands` as described by `subscripts` (ellipsis allowed).

    Example:
        >>> ops.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """


def _inner_rule(x1, x2):
    s1, s2 = rules.shape_of(x1), rules.shape_of(x2)
    if s1 and s2:
        _same_dim(s1[-1], s2[-1], f"the last dims of `x1` {s1} and `x2` {s2}")
        shape = s1[:-1] + s2[:-1]
    else:
        shape = rules.broadcast_shapes(s1, s2)
    return rules.tensor(shape, dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))


@op(_inner_rule, family="numpy")
def inner(x1, x2):
    """Inner product over the last axes of `x1` and `x2`.

    Example:
        >>> ops.inner([1.0, 2.0], [3.0, 4.0])
        array(11., dtype=float32)
    """


def _outer_rule(x1, x2):
    shape = (_product(rules.shape_of(x1)), _product(rules.shape_of(x2)))
    return rules.tensor(shape, dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))


@op(_outer_rule, family="numpy")
def outer(x1, x2):
    """Outer product of `x1` and `x2` (both flattened).

    Example:
        >>> ops.outer([1, 2], [1, 10, 100])
        array([[  1,  10, 100],
               [  2,  20, 200]], dtype=int32)
    """


def _kron_rule(x1, x2):
    s1, s2 = rules.shape_of(x1), rules.shape_of(x2)
    n = max(len(s1), len(s2))
    s1, s2 = (1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2
    shape = tuple(_product((a, b)) for a, b in zip(s1, s2))
    return rules.tensor(shape, dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))


@op(_kron_rule, family="numpy")
def kron(x1, x2):
    """Kronecker product: blocks of `x2` scaled by each element of `x1`.

    Example:
        >>> ops.kron([1, 2], [1, 10])
        array([ 1, 10,  2, 20], dtype=int32)
    """


def _cross_shapes(x1, x2, axisa, axisb, axis):
    """Vector sizes and batch shapes of `cross`'s operands, checked."""
    if axis is not None:
        axisa = axisb = axis
    out = []
    for x, ax, arg in ((x1, axisa, "x1"), (x2, axisb, "x2")):
        shape = _rank(x, "cross", arg, 1)
        if rules.dtype_of(x) == "bool":
            raise TypeError(f"`cross` expects numeric `{arg}`; received dtype bool.")
        a = rules.canonical_axis(ax, len(shape), "axis")
        if shape[a] not in (None, 2, 3):
            raise ValueError(f"`cross` expects vectors of size 2 or 3 in `{arg}`; received shape {shape}.")
        out.append((shape[a], shape[:a] + shape[a + 1:]))
    return out


def _cross_rule(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    (n1, b1), (n2, b2) = _cross_shapes(x1, x2, axisa, axisb, axis)
    shape = rules.broadcast_shapes(b1, b2)
    if not n1 == n2 == 2:
        c = rules.canonical_axis(axisc if axis is None else axis, len(shape) + 1, "axisc")
        shape = shape[:c] + (3,) + shape[c:]
    return rules.tensor(shape, dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))


def _check_cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    _cross_shapes(x1, x2, axisa, axisb, axis)


@op(_cross_rule, family="numpy", check=_check_cross)
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along `axisa`/`axisb`, put on `axisc` (`axis` sets all).

    Two 2-vectors give the z component only, as in NumPy.

    Example:
        >>> ops.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
        array([0., 0., 1.], dtype=float32)
    """


def _vdot_rule(x1, x2):
    n1, n2 = _product(rules.shape_of(x1)), _product(rules.shape_of(x2))
    _same_dim(n1, n2, "the sizes of `x1` and `x2`")
    return rules.tensor((), dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))


@op(_vdot_rule, family="numpy")
def vdot(x1, x2):
    """Dot product of the flattened inputs, conjugating `x1` when complex.

    Example:
        >>> ops.vdot([[1.0, 2.0]], [[3.0], [4.0]])
        array(11., dtype=float32)
    """


def _cdist_rule(x, y):
    s1, s2 = _check_cdist(x, y)
    shape = rules.broadcast_shapes(s1[:-2], s2[:-2]) + (s1[-2], s2[-2])
    return rules.tensor(shape, dtypes.result_type(rules.dtype_of(x), rules.dtype_of(y), float))


def _check_cdist(x, y):
    s1, s2 = _rank(x, "cdist", "x", 2), _rank(y, "cdist", "y", 2)
    _same_dim(s1[-1], s2[-1], f"the vector sizes (last dims) of `x` {s1} and `y` {s2}")
    return s1, s2


@op(_cdist_rule, family="numpy", check=_check_cdist)
def cdist(x, y):
    """Euclidean distance between every vector of `x` (..., m, d) and of `y` (..., n, d).

    Returns:
        A floating tensor of shape (..., m, n); batch dims broadcast.

    Example:
        >>> ops.cdist([[0.0, 0.0]], [[3.0, 4.0], [0.0, 1.0]])
        array([[5., 1.]], dtype=float32)
    """


# Diagonals and triangles -------------------------------------------------------------

def _diagonal_shape(x, offset, axis1, axis2, name):
    shape = _rank(x, name, "x", 2)
    a1, a2 = _two_axes(shape, axis1, axis2, name)
    rest = tuple(d for i, d in enumerate(shape) if i not in (a1, a2))
    return rest + (_diag_len(shape[a1], shape[a2], offset),)


def _trace_rule(x, offset=0, axis1=0, axis2=1):
    shape = _diagonal_shape(x, offset, axis1, axis2, "trace")[:-1]
    return rules.tensor(shape, dtypes.sum_result(rules.dtype_of(x)))


def _diagonal_check(name):
    def check(x, offset=0, axis1=0, axis2=1):
        _diagonal_shape(x, offset, axis1, axis2, name)
    return check


@op(_trace_rule, family="numpy", check=_diagonal_check("trace"))
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along the `offset` diagonal of the planes (`axis1`, `axis2`); small ints widen.

    Example:
        >>> ops.trace(np.eye(3, dtype="int8"))
        array(3, dtype=int32)
    """


def _diagonal_rule(x, offset=0, axis1=0, axis2=1):
    return rules.tensor(_diagonal_shape(x, offset, axis1, axis2, "diagonal"), rules.dtype_of(x))


@op(_diagonal_rule, family="numpy", check=_diagonal_check("diagonal"))
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of the planes (`axis1`, `axis2`), as the last axis.

    Example:
        >>> ops.diagonal(np.arange(6).reshape(2, 3), offset=1)
        array([1, 5])
    """


def _diag_shape(shape, k):
    if len(shape) == 2:
        return (_diag_len(shape[0], shape[1], k),)
    n = None if shape[0] is None else shape[0] + abs(k)
    return (n, n)


def _diag_rule(x, k=0):
    return rules.tensor(_diag_shape(_rank(x, "diag", "x", 1, 2), k), rules.dtype_of(x))


def _check_diag(x, k=0):
    _rank(x, "diag", "x", 1, 2)


@op(_diag_rule, family="numpy", check=_check_diag)
def diag(x, k=0):
    """A 2-D tensor with 1-D `x` on its `k`-th diagonal, or the `k`-th diagonal of 2-D `x`.

    Example:
        >>> ops.diag([1, 2])
        array([[1, 0],
               [0, 2]], dtype=int32)
    """


def _diagflat_rule(x, k=0):
    return rules.tensor(_diag_shape((_product(rules.shape_of(x)),), k), rules.dtype_of(x))


@op(_diagflat_rule, family="numpy")
def diagflat(x, k=0):
    """A 2-D tensor with the flattened `x` on its `k`-th diagonal.

    Example:
        >>> ops.diagflat([[1, 2]]).shape
        (2, 2)
    """


def _triangle_check(name):
    def check(x, k=0):
        _rank(x, name, "x", 2)
    return check


def _triangle_rule(name):
    def rule(x, k=0):
        _rank(x, name, "x", 2)
        return rules.unary_same(x)
    return rule


@op(_triangle_rule("tril"), family="numpy", check=_triangle_check("tril"))
def tril(x, k=0):
    """Zeroes the elements above the `k`-th diagonal of the last two axes.

    Example:
        >>> ops.tril(np.ones((2, 2), "int32"))
        array([[1, 0],
               [1, 1]], dtype=int32)
    """


@op(_triangle_rule("triu"), family="numpy", check=_triangle_check("triu"))
def triu(x, k=0):
    """Zeroes the elements below the `k`-th diagonal of the last two axes.

    Example:
        >>> ops.triu(np.ones((2, 2), "int32"))
        array([[1, 1],
               [0, 1]], dtype=int32)
    """


def _check_vander(x, N=None, increasing=False):
    shape = _rank(x, "vander", "x", 1, 1)
    if rules.dtype_of(x) == "bool":
        raise TypeError("`vander` expects a numeric `x`; received dtype bool.")
    if N is not None and (not isinstance(N, (int, np.integer)) or N < 0):
        raise ValueError(f"`N` must be a non-negative int or None; received {N!r}.")
    return shape


def _vander_rule(x, N=None, increasing=False):
    shape = _check_vander(x, N)
    return rules.tensor((shape[0], shape[0] if N is None else int(N)), rules.dtype_of(x))


@op(_vander_rule, family="numpy", check=_check_vander)
def vander(x, N=None, increasing=False):
    """Vandermonde matrix: powers of 1-D `x`, decreasing (or `increasing`), `N` columns.

    Example:
        >>> ops.vander([1, 2, 3], N=3)
        array([[1, 1, 1],
               [4, 2, 1],
               [9, 3, 1]], dtype=int32)
    """


# Indexing and selection --------------------------------------------------------------

def _check_take(x, indices, axis=None):
    _int_dtype(indices, "take", "indices")
    if axis is not None:
        rules.canonical_axis(axis, len(rules.shape_of(x)))


def _take_rule(x, indices, axis=None):
    shape, where = rules.shape_of(x), rules.shape_of(indices)
    if axis is not None:
        a = rules.canonical_axis(axis, len(shape))
        where = shape[:a] + where + shape[a + 1:]
    return rules.tensor(where, rules.dtype_of(x))


@op(_take_rule, family="numpy", check=_check_take)
def take(x, indices, axis=None):
    """Elements of `x` at integer `indices` along `axis` (of the flattened `x` when None).

    Negative indices count from the end.

    Example:
        >>> ops.take([[1, 2], [3, 4]], [1, 0], axis=1)
        array([[2, 1],
               [4, 3]], dtype=int32)
    """


def _take_along_shape(x, indices, axis):
    shape, where = rules.shape_of(x), rules.shape_of(indices)
    if axis is None:
        if len(where) != 1:
            raise ValueError(f"`take_along_axis` with axis=None expects 1-D `indices`; received shape {where}.")
        return where
    if len(where) != len(shape):
        raise ValueError(
            f"`take_along_axis` expects `indices` of the rank of `x` ({len(shape)}); received shape {where}.")
    a = rules.canonical_axis(axis, len(shape))
    out = rules.broadcast_shapes(shape[:a] + (1,) + shape[a + 1:], where[:a] + (1,) + where[a + 1:])
    return out[:a] + (where[a],) + out[a + 1:]


def _check_take_along(x, indices, axis=None):
    _int_dtype(indices, "take_along_axis", "indices")
    _take_along_shape(x, indices, axis)


def _take_along_rule(x, indices, axis=None):
    return rules.tensor(_take_along_shape(x, indices, axis), rules.dtype_of(x))


@op(_take_along_rule, family="numpy", check=_check_take_along)
def take_along_axis(x, indices, axis=None):
    """Picks values of `x` at `indices` along `axis`; the other axes broadcast.

    Example:
        >>> ops.take_along_axis([[10, 30, 20]], [[1, 0]], axis=1)
        array([[30, 10]], dtype=int32)
    """


def _nonzero_rule(x):
    return tuple(rules.tensor((None,), "int32") for _ in rules.shape_of(x))


def _check_nonzero(x):
    _rank(x, "nonzero", "x", 1)


@op(_nonzero_rule, family="numpy", check=_check_nonzero)
def nonzero(x):
    """Indices of the non-zero elements of `x`: one int32 tensor per axis.

    Example:
        >>> ops.nonzero([[0, 1], [2, 0]])
        (array([0, 1], dtype=int32), array([1, 0], dtype=int32))
    """


def _where_rule(condition, x1=None, x2=None):
    if x1 is None:
        return _nonzero_rule(condition)
    shape = rules.broadcast_shapes(*(rules.shape_of(v) for v in (condition, x1, x2)))
    return rules.tensor(shape, dtypes.result_type(operand_dtype(x1), operand_dtype(x2)))


def _check_where(condition, x1=None, x2=None):
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "`where` needs both `x1` and `x2`, or neither (then it returns the indices of the "
            f"true elements); received x1={'None' if x1 is None else 'a value'}, "
            f"x2={'None' if x2 is None else 'a value'}.")
    if x1 is None:
        _check_nonzero(condition)


@op(_where_rule, family="numpy", check=_check_where)
def where(condition, x1=None, x2=None):
    """Elements of `x1` where `condition` holds, else of `x2` (broadcast, promoted).

    With `condition` alone, returns the indices of its true elements, like `nonzero`.

    Example:
        >>> ops.where([True, False], [1, 2], [10, 20])
        array([ 1, 20], dtype=int32)
    """


def _select_rule(condlist, choicelist, default=0):
    shapes = [rules.shape_of(v) for v in list(condlist) + list(choicelist) + [default]]
    dtype = dtypes.result_type(*(operand_dtype(v) for v in list(choicelist) + [default]))
    return rules.tensor(rules.broadcast_shapes(*shapes), dtype)


def _check_select(condlist, choicelist, default=0):
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise TypeError(
            f"`condlist` and `choicelist` must be lists or tuples; received {type(condlist).__name__} "
            f"and {type(choicelist).__name__}.")
    if not condlist or len(condlist) != len(choicelist):
        raise ValueError(
            "`condlist` and `choicelist` must be non-empty and of the same length; received "
            f"lengths {len(condlist)} and {len(choicelist)}.")


@op(_select_rule, family="numpy", check=_check_select)
def select(condlist, choicelist, default=0):
    """For each element, the choice of the first true condition, else `default`.

    Example:
        >>> x = np.arange(4)
        >>> ops.select([x < 1, x > 2], [x, x * 10], default=-1)
        array([ 0, -1, -1, 30])
    """


# get_item: the key is normalized here (lists to arrays, Ellipsis expanded, every axis
# covered) so that backends see a tuple of ints, slices, None and index arrays/tensors.

def _is_mask(entry):
    return hasattr(entry, "dtype") and hasattr(entry, "shape") and dtypes.standardize_dtype(entry.dtype) == "bool"


def _is_index_array(entry):
    return hasattr(entry, "shape") and hasattr(entry, "dtype")


def _axes_used(entry):
    if entry is None or entry is Ellipsis:
        return 0
    return len(rules.shape_of(entry)) if _is_mask(entry) else 1


def _full_key(shape, key):
    """`key` as a tuple with one entry per axis of `x` (plus None entries), no Ellipsis."""
    entries = [np.asarray(e) if isinstance(e, list) else e for e in (key if isinstance(key, tuple) else (key,))]
    ellipses = [i for i, e in enumerate(entries) if e is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError(f"`key` may hold at most one Ellipsis (...); received {key!r}.")
    used = sum(_axes_used(e) for e in entries)
    if used > len(shape):
        raise IndexError(f"`key` {key!r} indexes {used} axes, but `x` has rank {len(shape)}.")
    fill = [slice(None)] * (len(shape) - used)
    if ellipses:
        entries[ellipses[0]:ellipses[0] + 1] = fill
    else:
        entries += fill
    return tuple(entries)


def _slice_len(entry, n):
    return None if n is None else len(range(*entry.indices(n)))


def _advanced_shape(entry, dims):
    """Result shape of an int, index array or boolean mask indexing the axes of sizes `dims`."""
    if _is_mask(entry):
        for d, m in zip(dims, rules.shape_of(entry)):
            _same_dim(d, m, "a boolean `key` and the axes of `x` it indexes")
        return (None if isinstance(entry, KerasTensor) else int(np.count_nonzero(np.asarray(entry))),)
    if not _is_index_array(entry) and dims[0] is not None and not -dims[0] <= entry < dims[0]:
        raise IndexError(f"Index {entry} is out of range for an axis of size {dims[0]}.")
    return rules.shape_of(entry)


def _get_item_rule(x, key):
    """Slices keep their axes and None adds one; the advanced entries (ints, index arrays,
    masks) give their broadcast shape, in their place when adjacent in `key`, else first."""
    shape, out, advanced, places, axis = rules.shape_of(x), [], [], [], 0
    for i, entry in enumerate(key):
        dims = shape[axis:axis + _axes_used(entry)]
        axis += len(dims)
        if entry is None:
            out.append(1)
        elif isinstance(entry, slice):
            out.append(_slice_len(entry, dims[0]))
        else:
            advanced.append(_advanced_shape(entry, dims))
            places.append((i, len(out)))
    if not places:
        return rules.tensor(tuple(out), rules.dtype_of(x))
    first = places[0][0]
    at = places[0][1] if [i for i, _ in places] == list(range(first, first + len(places))) else 0
    return rules.tensor(tuple(out[:at]) + rules.broadcast_shapes(*advanced) + tuple(out[at:]), rules.dtype_of(x))


def _keyed(wrapper):
    """Normalizes `key` (see `_full_key`) before `get_item` dispatches."""

    @functools.wraps(wrapper)
    def keyed(x, key):
        return wrapper(x, _full_key(rules.shape_of(x), key))

    return keyed


@_keyed
@op(_get_item_rule, family="numpy")
def get_item(x, key):
    """Indexes `x` like NumPy's ``x[key]``.

    Args:
        x: the tensor.
        key: an int, slice (steps allowed), None, Ellipsis, integer array/tensor or
            boolean mask, or a tuple of these. Symbolic calls infer the shape, with None
            for sizes that depend on values (symbolic boolean masks).

    Example:
        >>> ops.get_item(np.arange(6).reshape(2, 3), (slice(None), [2, 0]))
        array([[2, 0],
               [5, 3]])
    """


# Linear algebra and windows ----------------------------------------------------------

def _check_slogdet(x):
    shape = _rank(x, "slogdet", "x", 2)
    _same_dim(shape[-2], shape[-1], f"the last two dims of `x` (square matrices; shape {shape})")
    return shape


def _slogdet_rule(x):
    shape, dtype = _check_slogdet(x)[:-2], dtypes.float_result(rules.dtype_of(x))
    return rules.tensor(shape, dtype), rules.tensor(shape, dtype)


@op(_slogdet_rule, family="numpy", check=_check_slogdet)
def slogdet(x):
    """Sign and natural log of the absolute determinant of the square matrices in `x`.

    Returns:
        A tuple `(sign, logabsdet)`; ``det = sign * exp(logabsdet)``.

    Example:
        >>> ops.slogdet([[2.0, 0.0], [0.0, -3.0]])
        (array(-1., dtype=float32), array(1.7917595, dtype=float32))
    """


def _window_check(name):
    """A check that the window length `x` is a non-negative integer scalar."""

    def check(x, *args, **kwargs):
        _int_dtype(x, name, "x")
        _rank(x, name, "x", 0, 0)
        if not isinstance(x, KerasTensor) and int(np.asarray(x)) < 0:
            raise ValueError(f"`{name}` expects a non-negative window length `x`; received {x!r}.")

    return check


def _window_rule(x, *args, **kwargs):
    n = None if isinstance(x, KerasTensor) else int(np.asarray(x))
    return rules.tensor((n,), config.floatx())


@op(_window_rule, family="numpy", check=_window_check("bartlett"))
def bartlett(x):
    """Bartlett (triangular) window of `x` points, in floatx.

    Example:
        >>> ops.bartlett(5)
        array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """


@op(_window_rule, family="numpy", check=_window_check("blackman"))
def blackman(x):
    """Blackman window of `x` points, in floatx.

    Example:
        >>> ops.blackman(8).shape
        (8,)
    """


@op(_window_rule, family="numpy", check=_window_check("hamming"))
def hamming(x):
    """Hamming window of `x` points, in floatx.

    Example:
        >>> ops.hamming(3)
        array([0.08, 1.  , 0.08], dtype=float32)
    """


@op(_window_rule, family="numpy", check=_window_check("hanning"))
def hanning(x):
    """Hann window of `x` points, in floatx.

    Example:
        >>> ops.hanning(3)
        array([0., 1., 0.], dtype=float32)
    """


@op(_window_rule, family="numpy", check=_window_check("kaiser"))
def kaiser(x, beta):
    """Kaiser window of `x` points with shape parameter `beta`, in floatx.

    Example:
        >>> ops.kaiser(3, beta=0.0)
        array([1., 1., 1.], dtype=float32)
    """
