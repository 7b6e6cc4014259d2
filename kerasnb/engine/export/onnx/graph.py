"""`GraphBuilder`: collects ONNX nodes, initializers and typed values while translating.

Every value has a name and a Keras dtype. Translators ask for the value of an op argument
with `value` (a traced tensor, a `Variable` that becomes a named initializer, or a Python /
NumPy constant), add nodes with `node`, and use the shape helpers for dynamic dims.

Example:
    >>> g = GraphBuilder(opset=18)
    >>> x = g.add_input("x", KerasTensor((None, 3)))
    >>> y = g.node("Relu", [x], "float32")
"""

import re

import numpy as np
import onnx
from onnx import helper, numpy_helper

from kerasnb.engine import dtypes
from kerasnb.engine.backend.common import numpy_dtype, to_numpy_any
from kerasnb.engine.tensors import KerasTensor, Variable

INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


def onnx_type(dtype):
    """The ONNX element type of a Keras dtype name."""
    dtype = dtypes.standardize_dtype(dtype)
    if dtype == "bfloat16":
        return onnx.TensorProto.BFLOAT16
    return helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


def value_info(name, shape, dtype):
    """A graph input/output declaration; ``None`` dims become named symbolic dims."""
    dims = [f"{name}_dim{i}" if d is None else int(d) for i, d in enumerate(shape)]
    if dims and shape[0] is None:
        dims[0] = "batch"
    return helper.make_tensor_value_info(name, onnx_type(dtype), dims)


def _sanitize(name):
    return re.sub(r"[^A-Za-z0-9_./:-]", "_", str(name)) or "value"


class GraphBuilder:
    """The ONNX graph under construction.

    Args:
        opset: the ONNX opset the nodes are written for.
    """

    def __init__(self, opset):
        self.opset = opset
        self.nodes, self.initializers, self.inputs, self.outputs = [], [], [], []
        self.dtypes = {}            # value name -> Keras dtype
        self._used = set()
        self._tensors = {}          # id(KerasTensor) -> value name
        self._variables = {}        # (id(Variable), dtype) -> initializer name
        self._shape_values = {}     # value name -> its Shape value name
        self.scope = "node"         # name prefix for new nodes (the op being translated)

    # Names ---------------------------------------------------------------------------

    def fresh(self, hint):
        """A new unique value name starting with `hint`."""
        base = _sanitize(hint)
        name, index = base, 1
        while name in self._used:
            name, index = f"{base}_{index}", index + 1
        self._used.add(name)
        return name

    def bind(self, tensor, name):
        """Records that KerasTensor `tensor` is the ONNX value `name`."""
        self._tensors[id(tensor)] = name
        self.dtypes.setdefault(name, tensor.dtype)

    def add_input(self, name, tensor):
        """Declares graph input `name` for the traced input `tensor`."""
        name = self.fresh(name)
        self.inputs.append(value_info(name, tensor.shape, tensor.dtype))
        self.bind(tensor, name)
        return name

    def add_output(self, name, tensor):
        """Declares graph output `name`, the value of `tensor`."""
        source = self.value(tensor)
        name = self.fresh(name)
        self.node("Identity", [source], tensor.dtype, name=name)
        self.outputs.append(value_info(name, tensor.shape, tensor.dtype))
        return name

    # Values --------------------------------------------------------------------------

    def value(self, x, dtype=None):
        """The ONNX value name of `x`, cast to `dtype` when given.

        `x` is a traced KerasTensor, a Variable (a named initializer) or constant data.
        """
        if isinstance(x, KerasTensor):
            name = self._tensors.get(id(x))
            if name is None:
                raise ValueError(f"Internal error: {x} was used before it was computed.")
            return self.cast(name, dtype) if dtype is not None else name
        if isinstance(x, Variable):
            dtype = dtypes.standardize_dtype(dtype or x.dtype)
            key = (id(x), dtype)
            if key not in self._variables:
                self._variables[key] = self.const(x.numpy().astype(numpy_dtype(dtype)), hint=x.path)
            return self._variables[key]
        return self.const(self.constant(x, dtype))

    def constant(self, x, dtype=None):
        """`x` (a non-traced argument) as a NumPy array, of `dtype` when given."""
        if isinstance(x, KerasTensor):
            raise NotImplementedError("A traced tensor is used where a constant is needed.")
        if dtype is None:
            dtype = dtypes.infer_dtype(x) if not hasattr(x, "dtype") else dtypes.standardize_dtype(x.dtype)
        return np.asarray(to_numpy_any(x)).astype(numpy_dtype(dtype))

    def is_constant(self, x):
        return not isinstance(x, KerasTensor)

    def const(self, array, hint="const"):
        """A new initializer holding `array`; returns its name."""
        array = np.asarray(array)
        name = self.fresh(hint)
        tensor = numpy_helper.from_array(array, name)
        self.initializers.append(tensor)
        self.dtypes[name] = dtypes.standardize_dtype(array.dtype)
        return name

    def ints(self, values):
        """A constant 1-D int64 tensor."""
        return self.const(np.asarray(values, dtype=np.int64).reshape(-1), hint="ints")

    # Nodes ---------------------------------------------------------------------------

    def node(self, op_type, inputs, dtype, outputs=1, name=None, **attrs):
        """Adds an ONNX node; returns its output name (or a list of `outputs` names).

        Args:
            op_type: the ONNX operator. inputs: value names ("" for an omitted input).
            dtype: the Keras dtype of the output(s) (a list for mixed outputs).
            outputs: how many outputs. name: the output name when there is one.
            **attrs: the node's attributes (None values are left out).
        """
        if outputs == 1 and name is not None:
            names = [name]
        else:
            names = [self.fresh(f"{self.scope}/{op_type}") for _ in range(outputs)]
        kinds = dtype if isinstance(dtype, (list, tuple)) else [dtype] * outputs
        for out, kind in zip(names, kinds):
            if kind is not None:
                self.dtypes[out] = dtypes.standardize_dtype(kind)
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, list(inputs), names,
                                           name=self.fresh(f"{self.scope}/{op_type}_node"), **attrs))
        return names[0] if outputs == 1 else names

    def cast(self, name, dtype):
        """`name` cast to `dtype` (no node when it already has it)."""
        dtype = dtypes.standardize_dtype(dtype)
        if self.dtypes.get(name) == dtype:
            return name
        return self.node("Cast", [name], dtype, to=onnx_type(dtype))

    # Shapes --------------------------------------------------------------------------

    def shape(self, name):
        """The `Shape` of value `name` (one node per value)."""
        if name not in self._shape_values:
            self._shape_values[name] = self.node("Shape", [name], "int64")
        return self._shape_values[name]

    def dim(self, name, axis):
        """Dim `axis` of value `name` as a 1-element int64 tensor."""
        return self.node("Gather", [self.shape(name), self.ints([axis])], "int64", axis=0)

    def shape_vector(self, parts):
        """A 1-D int64 shape from `parts`: ints and 1-element int64 value names."""
        if all(isinstance(p, (int, np.integer)) for p in parts):
            return self.ints(parts)
        pieces, run = [], []
        for part in parts:
            if isinstance(part, (int, np.integer)):
                run.append(int(part))
                continue
            if run:
                pieces.append(self.ints(run))
                run = []
            pieces.append(part)
        if run:
            pieces.append(self.ints(run))
        return pieces[0] if len(pieces) == 1 else self.node("Concat", pieces, "int64", axis=0)

    # Common node patterns ------------------------------------------------------------

    def reduce(self, op_type, name, axes, dtype, keepdims=False):
        """A Reduce* node over `axes` (attribute before opset 18, input since)."""
        axes = [int(a) for a in axes]
        if op_type == "ReduceSum" or self.opset >= 18:
            return self.node(op_type, [name, self.ints(axes)], dtype, keepdims=int(keepdims))
        return self.node(op_type, [name], dtype, axes=axes, keepdims=int(keepdims))

    def unsqueeze(self, name, axes):
        return self.node("Unsqueeze", [name, self.ints(axes)], self.dtypes[name])

    def squeeze(self, name, axes):
        return self.node("Squeeze", [name, self.ints(axes)], self.dtypes[name])

    def transpose(self, name, perm):
        if list(perm) == sorted(perm):
            return name
        return self.node("Transpose", [name], self.dtypes[name], perm=[int(p) for p in perm])

    def reshape(self, name, shape):
        """Reshape to `shape` (a tuple of ints, -1 allowed, or a shape-vector name)."""
        target = shape if isinstance(shape, str) else self.ints(shape)
        return self.node("Reshape", [name, target], self.dtypes[name])

    def build_graph(self, name):
        """The finished `onnx.GraphProto`."""
        return helper.make_graph(self.nodes, _sanitize(name), self.inputs, self.outputs,
                                 initializer=self.initializers)
