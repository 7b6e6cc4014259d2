"""ONNX translators of elementwise math, activations, reductions, products and dtype ops.

Inputs are cast to the dtype the op's symbolic rule gave its output (Keras promotion), so
every ONNX node sees operands of one type.
"""

import math
import string

import numpy as np
from onnx import numpy_helper

from kerasnb.engine import dtypes
from kerasnb.engine.backend.common import operand_dtype
from kerasnb.engine.export.onnx.registry import translates
from kerasnb.engine.ops.rules import canonical_axes, shape_of

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# Elementwise ops with one ONNX operator of the same meaning.
UNARY = {
    "relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "exp": "Exp", "log": "Log",
    "sqrt": "Sqrt", "abs": "Abs", "absolute": "Abs", "fabs": "Abs", "negative": "Neg",
    "floor": "Floor", "ceil": "Ceil", "sign": "Sign", "sin": "Sin", "cos": "Cos", "tan": "Tan",
    "arcsin": "Asin", "arccos": "Acos", "arctan": "Atan", "sinh": "Sinh", "cosh": "Cosh",
    "arcsinh": "Asinh", "arccosh": "Acosh", "arctanh": "Atanh", "erf": "Erf",
    "reciprocal": "Reciprocal", "softplus": "Softplus", "softsign": "Softsign",
    "logical_not": "Not", "isnan": "IsNaN", "copy": "Identity", "bitwise_not": "BitwiseNot",
    "bitwise_invert": "BitwiseNot",
}
BINARY = {
    "add": "Add", "subtract": "Sub", "multiply": "Mul", "divide": "Div", "true_divide": "Div",
    "maximum": "Max", "minimum": "Min", "fmax": "Max", "fmin": "Min", "power": "Pow",
}
BITWISE = {"bitwise_and": "BitwiseAnd", "bitwise_or": "BitwiseOr", "bitwise_xor": "BitwiseXor"}
COMPARE = {
    "greater": "Greater", "greater_equal": "GreaterOrEqual", "less": "Less",
    "less_equal": "LessOrEqual", "equal": "Equal", "logical_and": "And", "logical_or": "Or",
    "logical_xor": "Xor",
}
LOGICAL = ("logical_and", "logical_or", "logical_xor", "logical_not")


def _unary(op_type):
    def translate(g, out, x):
        return g.node(op_type, [g.value(x, out.dtype)], out.dtype)
    return translate


def _binary(op_type):
    def translate(g, out, x1, x2):
        return g.node(op_type, [g.value(x1, out.dtype), g.value(x2, out.dtype)], out.dtype)
    return translate


def _compare(op_type, logical):
    def translate(g, out, x1, x2):
        common = "bool" if logical else dtypes.result_type(operand_dtype(x1), operand_dtype(x2))
        return g.node(op_type, [g.value(x1, common), g.value(x2, common)], "bool")
    return translate


for _name, _op_type in UNARY.items():
    translates(_name)(_unary(_op_type))
for _name, _op_type in BINARY.items():
    translates(_name)(_binary(_op_type))
for _name, _op_type in COMPARE.items():
    translates(_name)(_compare(_op_type, _name in LOGICAL))


def _bitwise(op_type):
    def translate(g, out, x, y):
        return g.node(op_type, [g.value(x, out.dtype), g.value(y, out.dtype)], out.dtype)
    return translate


for _name, _op_type in BITWISE.items():
    translates(_name)(_bitwise(_op_type))


@translates("stop_gradient")
def stop_gradient(g, out, variable):
    return g.value(variable, out.dtype)


@translates("round")
def round_(g, out, x, decimals=0):
    v = g.value(x, out.dtype)
    if decimals == 0:
        return g.node("Round", [v], out.dtype)
    if not dtypes.is_float(out.dtype):
        raise NotImplementedError("`round` of integers with `decimals`")
    factor = scalar(g, 10.0 ** decimals, out.dtype)
    return g.node("Div", [g.node("Round", [g.node("Mul", [v, factor], out.dtype)], out.dtype), factor], out.dtype)


def scalar(g, value, dtype):
    """A constant scalar of `dtype`."""
    return g.const(np.asarray(value, dtype=dtypes.standardize_dtype(dtype)))


def _float_in(g, out, x):
    return g.value(x, out.dtype)


@translates("not_equal")
def not_equal(g, out, x1, x2):
    return g.node("Not", [_compare("Equal", False)(g, out, x1, x2)], "bool")


@translates("square")
def square(g, out, x):
    v = g.value(x, out.dtype)
    return g.node("Mul", [v, v], out.dtype)


@translates("rsqrt")
def rsqrt(g, out, x):
    return g.node("Reciprocal", [g.node("Sqrt", [_float_in(g, out, x)], out.dtype)], out.dtype)


@translates("log1p")
def log1p(g, out, x):
    v = _float_in(g, out, x)
    return g.node("Log", [g.node("Add", [v, scalar(g, 1, out.dtype)], out.dtype)], out.dtype)


@translates("expm1")
def expm1(g, out, x):
    v = g.node("Exp", [_float_in(g, out, x)], out.dtype)
    return g.node("Sub", [v, scalar(g, 1, out.dtype)], out.dtype)


def _log_base(base):
    def translate(g, out, x):
        v = g.node("Log", [_float_in(g, out, x)], out.dtype)
        return g.node("Div", [v, scalar(g, math.log(base), out.dtype)], out.dtype)
    return translate


translates("log2")(_log_base(2.0))
translates("log10")(_log_base(10.0))


@translates("relu6")
def relu6(g, out, x):
    return g.node("Clip", [_float_in(g, out, x), scalar(g, 0, out.dtype), scalar(g, 6, out.dtype)], out.dtype)


@translates("hard_tanh")
def hard_tanh(g, out, x):
    return g.node("Clip", [g.value(x, out.dtype), scalar(g, -1, out.dtype), scalar(g, 1, out.dtype)], out.dtype)


@translates("hard_sigmoid")
def hard_sigmoid(g, out, x):
    return g.node("HardSigmoid", [_float_in(g, out, x)], out.dtype, alpha=1 / 6, beta=0.5)


@translates("hard_silu", "hard_swish")
def hard_silu(g, out, x):
    return g.node("HardSwish", [_float_in(g, out, x)], out.dtype)


@translates("silu", "swish")
def silu(g, out, x):
    v = _float_in(g, out, x)
    return g.node("Mul", [v, g.node("Sigmoid", [v], out.dtype)], out.dtype)


@translates("log_sigmoid")
def log_sigmoid(g, out, x):
    negated = g.node("Neg", [_float_in(g, out, x)], out.dtype)
    return g.node("Neg", [g.node("Softplus", [negated], out.dtype)], out.dtype)


@translates("gelu")
def gelu(g, out, x, approximate=True):
    v = _float_in(g, out, x)
    half = g.node("Mul", [v, scalar(g, 0.5, out.dtype)], out.dtype)
    if approximate:
        cube = g.node("Mul", [g.node("Mul", [v, v], out.dtype), v], out.dtype)
        inner = g.node("Add", [v, g.node("Mul", [cube, scalar(g, 0.044715, out.dtype)], out.dtype)], out.dtype)
        inner = g.node("Mul", [inner, scalar(g, math.sqrt(2 / math.pi), out.dtype)], out.dtype)
        core = g.node("Tanh", [inner], out.dtype)
    else:
        core = g.node("Erf", [g.node("Div", [v, scalar(g, math.sqrt(2), out.dtype)], out.dtype)], out.dtype)
    return g.node("Mul", [half, g.node("Add", [core, scalar(g, 1, out.dtype)], out.dtype)], out.dtype)


@translates("elu")
def elu(g, out, x, alpha=1.0):
    return g.node("Elu", [_float_in(g, out, x)], out.dtype, alpha=float(alpha))


@translates("celu")
def celu(g, out, x, alpha=1.0):
    v = _float_in(g, out, x)
    zero = scalar(g, 0, out.dtype)
    scaled = g.node("Div", [g.node("Min", [v, zero], out.dtype), scalar(g, alpha, out.dtype)], out.dtype)
    expm1_scaled = g.node("Sub", [g.node("Exp", [scaled], out.dtype), scalar(g, 1, out.dtype)], out.dtype)
    negative = g.node("Mul", [expm1_scaled, scalar(g, alpha, out.dtype)], out.dtype)
    return g.node("Add", [g.node("Max", [v, zero], out.dtype), negative], out.dtype)


@translates("selu")
def selu(g, out, x):
    return g.node("Selu", [_float_in(g, out, x)], out.dtype, alpha=SELU_ALPHA, gamma=SELU_SCALE)


@translates("leaky_relu")
def leaky_relu(g, out, x, negative_slope=0.2):
    return g.node("LeakyRelu", [_float_in(g, out, x)], out.dtype, alpha=float(negative_slope))


@translates("sparse_plus")
def sparse_plus(g, out, x):
    v = _float_in(g, out, x)
    one = scalar(g, 1, out.dtype)
    shifted = g.node("Add", [g.node("Clip", [v, scalar(g, -1, out.dtype), one], out.dtype), one], out.dtype)
    smooth = g.node("Div", [g.node("Mul", [shifted, shifted], out.dtype), scalar(g, 4, out.dtype)], out.dtype)
    return g.node("Where", [g.node("GreaterOrEqual", [v, one], "bool"), v, smooth], out.dtype)


@translates("sparse_sigmoid")
def sparse_sigmoid(g, out, x):
    v = _float_in(g, out, x)
    half = g.node("Mul", [g.node("Add", [v, scalar(g, 1, out.dtype)], out.dtype), scalar(g, 0.5, out.dtype)],
                  out.dtype)
    return g.node("Clip", [half, scalar(g, 0, out.dtype), scalar(g, 1, out.dtype)], out.dtype)


@translates("squareplus")
def squareplus(g, out, x, b=4):
    v = _float_in(g, out, x)
    root = g.node("Sqrt", [g.node("Add", [g.node("Mul", [v, v], out.dtype), scalar(g, b, out.dtype)], out.dtype)],
                  out.dtype)
    return g.node("Mul", [g.node("Add", [v, root], out.dtype), scalar(g, 0.5, out.dtype)], out.dtype)


@translates("threshold")
def threshold(g, out, x, threshold, default_value):
    v = g.value(x, out.dtype)
    keep = g.node("Greater", [v, g.value(threshold, out.dtype)], "bool")
    return g.node("Where", [keep, v, g.value(default_value, out.dtype)], out.dtype)


@translates("glu")
def glu(g, out, x, axis=-1):
    v = _float_in(g, out, x)
    half = shape_of(out)[axis]
    if half is None:
        raise NotImplementedError("`glu` along an axis of unknown size")
    a, b = g.node("Split", [v, g.ints([half, half])], out.dtype, outputs=2, axis=int(axis))
    return g.node("Mul", [a, g.node("Sigmoid", [b], out.dtype)], out.dtype)


@translates("tanh_shrink")
def tanh_shrink(g, out, x):
    v = _float_in(g, out, x)
    return g.node("Sub", [v, g.node("Tanh", [v], out.dtype)], out.dtype)


@translates("soft_shrink")
def soft_shrink(g, out, x, threshold=0.5):
    return g.node("Shrink", [_float_in(g, out, x)], out.dtype, lambd=float(threshold), bias=float(threshold))


@translates("hard_shrink")
def hard_shrink(g, out, x, threshold=0.5):
    return g.node("Shrink", [_float_in(g, out, x)], out.dtype, lambd=float(threshold), bias=0.0)


def _axes(axis, ndim):
    return list(canonical_axes(axis, ndim))


def _softmax(log):
    def translate(g, out, x, axis=-1):
        return softmax(g, out, x, axis, log)
    return translate


def softmax(g, out, x, axis=-1, log=False):
    """Softmax (or log-softmax) of `x` over `axis` (an int or several axes)."""
    v = _float_in(g, out, x)
    ndim = len(shape_of(x))
    if isinstance(axis, int):
        return g.node("LogSoftmax" if log else "Softmax", [v], out.dtype, axis=axis)
    axes = _axes(axis, ndim)
    shifted = g.node("Sub", [v, g.reduce("ReduceMax", v, axes, out.dtype, keepdims=True)], out.dtype)
    exp = g.node("Exp", [shifted], out.dtype)
    total = g.reduce("ReduceSum", exp, axes, out.dtype, keepdims=True)
    if log:
        return g.node("Sub", [shifted, g.node("Log", [total], out.dtype)], out.dtype)
    return g.node("Div", [exp, total], out.dtype)


translates("softmax")(_softmax(False))
translates("log_softmax")(_softmax(True))


@translates("clip")
def clip(g, out, x, x_min, x_max):
    v = g.value(x, out.dtype)
    if g.is_constant(x_min) and g.is_constant(x_max):
        return g.node("Clip", [v, g.value(x_min, out.dtype), g.value(x_max, out.dtype)], out.dtype)
    low = g.node("Max", [v, g.value(x_min, out.dtype)], out.dtype)
    return g.node("Min", [low, g.value(x_max, out.dtype)], out.dtype)


@translates("where")
def where(g, out, condition, x1=None, x2=None):
    if x1 is None or x2 is None:
        raise NotImplementedError("`where` with one argument (nonzero indices) has a data-dependent shape")
    return g.node("Where", [g.value(condition, "bool"), g.value(x1, out.dtype), g.value(x2, out.dtype)],
                  out.dtype)


@translates("isinf")
def isinf(g, out, x):
    return g.node("IsInf", [g.value(x)], "bool")


@translates("isfinite")
def isfinite(g, out, x):
    v = g.value(x)
    bad = g.node("Or", [g.node("IsInf", [v], "bool"), g.node("IsNaN", [v], "bool")], "bool")
    return g.node("Not", [bad], "bool")


@translates("floor_divide")
def floor_divide(g, out, x1, x2):
    a, b = g.value(x1, out.dtype), g.value(x2, out.dtype)
    if dtypes.is_float(out.dtype):
        return g.node("Floor", [g.node("Div", [a, b], out.dtype)], out.dtype)
    quotient = g.node("Div", [g.cast(a, "float64"), g.cast(b, "float64")], "float64")
    return g.cast(g.node("Floor", [quotient], "float64"), out.dtype)


@translates("mod")
def mod(g, out, x1, x2):
    a, b = g.value(x1, out.dtype), g.value(x2, out.dtype)
    if dtypes.is_float(out.dtype):
        floor = g.node("Floor", [g.node("Div", [a, b], out.dtype)], out.dtype)
        return g.node("Sub", [a, g.node("Mul", [floor, b], out.dtype)], out.dtype)
    return g.node("Mod", [a, b], out.dtype, fmod=0)


# Casts and constants ------------------------------------------------------------------

@translates("cast", "convert_to_tensor")
def cast(g, out, x, dtype=None, **ignored):
    return g.value(x, out.dtype)


def filled(g, out, like, fill_value):
    """A tensor shaped like value `like` (a name), filled with the constant `fill_value`."""
    if not g.is_constant(fill_value):
        raise NotImplementedError("a traced `fill_value`")
    value = np.full((1,), np.asarray(fill_value), dtype=dtypes.standardize_dtype(out.dtype))
    return g.node("ConstantOfShape", [g.shape(like)], out.dtype, value=numpy_helper.from_array(value))


@translates("zeros_like", "empty_like")
def zeros_like(g, out, x, dtype=None):
    return filled(g, out, g.value(x), 0)


@translates("ones_like")
def ones_like(g, out, x, dtype=None):
    return filled(g, out, g.value(x), 1)


@translates("full_like")
def full_like(g, out, x, fill_value, dtype=None):
    return filled(g, out, g.value(x), fill_value)


# Reductions ---------------------------------------------------------------------------

def _reduce(op_type, dtype_of_input=None):
    def translate(g, out, x, axis=None, keepdims=False, **ignored):
        ndim = len(shape_of(x))
        source = dtype_of_input(out) if dtype_of_input else out.dtype
        v = g.value(x, source)
        if ndim == 0:
            return g.cast(v, out.dtype)
        result = g.reduce(op_type, v, _axes(axis, ndim), source, keepdims=keepdims)
        return g.cast(result, out.dtype)
    return translate


translates("sum")(_reduce("ReduceSum"))
translates("mean")(_reduce("ReduceMean"))
translates("prod")(_reduce("ReduceProd"))
translates("logsumexp")(_reduce("ReduceLogSumExp"))
translates("any")(_reduce("ReduceMax", lambda out: "int32"))
translates("all")(_reduce("ReduceMin", lambda out: "int32"))


def _extreme(op_type, combine):
    def translate(g, out, x, axis=None, keepdims=False, initial=None):
        result = _reduce(op_type)(g, out, x, axis=axis, keepdims=keepdims)
        if initial is not None:
            result = g.node(combine, [result, g.value(initial, out.dtype)], out.dtype)
        return result
    return translate


translates("max", "amax")(_extreme("ReduceMax", "Max"))
translates("min", "amin")(_extreme("ReduceMin", "Min"))


def _mean_and_variance(g, v, axes, dtype, keepdims):
    mean = g.reduce("ReduceMean", v, axes, dtype, keepdims=True)
    centered = g.node("Sub", [v, mean], dtype)
    variance = g.reduce("ReduceMean", g.node("Mul", [centered, centered], dtype), axes, dtype,
                        keepdims=keepdims)
    return (mean if keepdims else g.squeeze(mean, axes)), variance


@translates("var")
def var(g, out, x, axis=None, keepdims=False):
    v = g.value(x, out.dtype)
    return _mean_and_variance(g, v, _axes(axis, len(shape_of(x))), out.dtype, keepdims)[1]


@translates("std")
def std(g, out, x, axis=None, keepdims=False):
    return g.node("Sqrt", [var(g, out, x, axis, keepdims)], out.dtype)


@translates("moments")
def moments(g, out, x, axes, keepdims=False, synchronized=False):
    dtype = out[0].dtype
    v = g.value(x, dtype)
    return list(_mean_and_variance(g, v, _axes(axes, len(shape_of(x))), dtype, keepdims))


@translates("normalize")
def normalize(g, out, x, axis=-1, order=2, epsilon=None):
    if order != 2:
        raise NotImplementedError(f"`normalize` with order={order!r} (only 2)")
    v = g.value(x, out.dtype)
    eps = 1e-12 if epsilon is None else float(epsilon)
    squares = g.reduce("ReduceSum", g.node("Mul", [v, v], out.dtype), _axes(axis, len(shape_of(x))),
                       out.dtype, keepdims=True)
    squares = g.node("Max", [squares, scalar(g, eps * eps if epsilon is None else eps, out.dtype)], out.dtype)
    return g.node("Div", [v, g.node("Sqrt", [squares], out.dtype)], out.dtype)


def _arg_extreme(op_type):
    def translate(g, out, x, axis=None, keepdims=False):
        v = g.value(x)
        if axis is None:
            v, axis = g.reshape(v, (-1,)), 0
        return g.cast(g.node(op_type, [v], "int64", axis=int(axis), keepdims=int(keepdims)), out.dtype)
    return translate


translates("argmax")(_arg_extreme("ArgMax"))
translates("argmin")(_arg_extreme("ArgMin"))


@translates("cumsum")
def cumsum(g, out, x, axis=None, dtype=None):
    v = g.value(x, out.dtype)
    if axis is None:
        v, axis = g.reshape(v, (-1,)), 0
    return g.node("CumSum", [v, g.const(np.asarray(axis, np.int64))], out.dtype)


# Products -----------------------------------------------------------------------------

@translates("matmul")
def matmul(g, out, x1, x2):
    return g.node("MatMul", [g.value(x1, out.dtype), g.value(x2, out.dtype)], out.dtype)


@translates("dense")
def dense(g, out, x, kernel, bias=None):
    y = g.node("MatMul", [g.value(x, out.dtype), g.value(kernel, out.dtype)], out.dtype)
    if bias is not None:
        y = g.node("Add", [y, g.value(bias, out.dtype)], out.dtype)
    return y


@translates("einsum")
def einsum(g, out, subscripts, operands, kwargs=None):
    equation = subscripts.replace(" ", "")
    if "..." in equation and "->" not in equation:
        raise NotImplementedError("`einsum` with an ellipsis and no explicit output")
    return g.node("Einsum", [g.value(x, out.dtype) for x in operands], out.dtype, equation=equation)


@translates("tensordot")
def tensordot(g, out, x1, x2, axes=2):
    n1, n2 = len(shape_of(x1)), len(shape_of(x2))
    if isinstance(axes, int):
        left, right = list(range(n1 - axes, n1)), list(range(axes))
    else:
        left, right = ([axes[0]] if isinstance(axes[0], int) else list(axes[0]),
                       [axes[1]] if isinstance(axes[1], int) else list(axes[1]))
        left, right = [a % n1 for a in left], [a % n2 for a in right]
    letters = iter(string.ascii_letters)
    a = [next(letters) for _ in range(n1)]
    b = [next(letters) for _ in range(n2)]
    for i, j in zip(left, right):
        b[j] = a[i]
    kept = [c for i, c in enumerate(a) if i not in left] + [c for j, c in enumerate(b) if j not in right]
    equation = f"{''.join(a)},{''.join(b)}->{''.join(kept)}"
    return g.node("Einsum", [g.value(x1, out.dtype), g.value(x2, out.dtype)], out.dtype, equation=equation)


@translates("dot")
def dot(g, out, x1, x2):
    if len(shape_of(x1)) == 0 or len(shape_of(x2)) == 0:
        return g.node("Mul", [g.value(x1, out.dtype), g.value(x2, out.dtype)], out.dtype)
    if len(shape_of(x2)) <= 2:
        return matmul(g, out, x1, x2)
    return tensordot(g, out, x1, x2, axes=([-1], [-2]))


@translates("outer")
def outer(g, out, x1, x2):
    a = g.reshape(g.value(x1, out.dtype), (-1, 1))
    b = g.reshape(g.value(x2, out.dtype), (1, -1))
    return g.node("Mul", [a, b], out.dtype)

