"""ONNX export, translated from kerasnb's own op graph with the `onnx` package.

The model is traced into ops (`tracing`); each op (or recurrent layer) is translated to
ONNX nodes by its registered translator (`math_ops`, `nn_ops`, `shape_ops`, `recurrent`,
`training_only`), and a composite op with no translator is replaced by the op graph of its
own body. Weights become initializers (named by their variable paths where they are used
as is), and the batch dim stays dynamic. The same model gives the same file from every
backend.

Example:
    >>> proto = to_onnx(model)            # an onnx.ModelProto
    >>> model.export("model.onnx", format="onnx")
"""

import inspect
import os

import onnx
from onnx import helper

from kerasnb.engine import backend
from kerasnb.engine.export.onnx import (  # noqa: F401  (translators register on import)
    math_ops, nn_ops, recurrent, registry, shape_ops, training_only)
from kerasnb.engine.export.onnx.graph import GraphBuilder
from kerasnb.engine.export.onnx.tracing import trace
from kerasnb.engine.layers.layer import Layer, OpTracing
from kerasnb.engine.models.functional import graph_nodes
from kerasnb.engine.ops.op import _EMPTY_BODIES, flatten
from kerasnb.engine.saving.weights_file import atomic_output
from kerasnb.engine.tensors import KerasTensor

DEFAULT_OPSET = 18
MIN_OPSET = 17


def _ir_version(opset):
    """The lowest ONNX IR version that holds `opset` (what older runtimes accept best)."""
    for _, ir, default_opset, *_ in helper.VERSION_TABLE:
        if default_opset >= opset:
            return ir
    return onnx.IR_VERSION


def _translate(g, nodes, owner, problems):
    """Translates `nodes` in order into `g`; untranslatable ones are listed in `problems`
    (after the first problem, nodes are only checked, not translated)."""
    for node in nodes:
        translator, arguments = _translator(node)
        if translator is None:
            expanded = _decompose(node)
            if expanded is None:
                problems["missing"].append(_op_name(node) + _where(node, owner))
                continue
            inner_nodes, outputs = expanded
            for inner in inner_nodes:
                owner.setdefault(id(inner), owner.get(id(node)))
            _translate(g, inner_nodes, owner, problems)
            if not (problems["missing"] or problems["failed"]):
                for tensor, value in zip(flatten(node.outputs), flatten(outputs)):
                    g.bind(tensor, g.value(value, tensor.dtype))
            continue
        if problems["missing"] or problems["failed"]:
            continue
        g.scope = _scope(node, owner)
        try:
            result = translator(g, node.outputs, **arguments)
        except NotImplementedError as exc:
            problems["failed"].append(f"{_op_name(node)}{_where(node, owner)}: {exc}")
            continue
        results = result if isinstance(result, (list, tuple)) else [result]
        for tensor, value in zip(flatten(node.outputs), results):
            g.bind(tensor, value)


def _decompose(node):
    """The op graph of a composite op's own body (written with other ops) run on the node's
    arguments: ``(nodes, outputs)``; None for native-only ops and layers."""
    operation = node.operation
    body = getattr(operation, "__wrapped__", None)
    if isinstance(operation, Layer) or body is None or body.__code__.co_code in _EMPTY_BODIES:
        return None
    try:
        with backend.evaluating("numpy"), OpTracing():
            outputs = body(*node.args, **node.kwargs)
        inputs = [t for t in flatten((node.args, node.kwargs)) if isinstance(t, KerasTensor)]
        nodes = graph_nodes(inputs, [t for t in flatten(outputs) if isinstance(t, KerasTensor)])
    except (NotImplementedError, ValueError, TypeError):
        return None
    if len(flatten(outputs)) != len(flatten(node.outputs)):
        return None
    return nodes, outputs


def _op_name(node):
    operation = node.operation
    if isinstance(operation, Layer):
        return f"layer {type(operation).__name__}"
    return f"op `{getattr(operation, '__name__', type(operation).__name__)}`"


def _translator(node):
    operation = node.operation
    if isinstance(operation, Layer):
        translator = registry.layer_translator(operation)
        arguments = {"layer": operation}
        if translator is not None:
            call = inspect.signature(operation.call).bind(*node.args, **node.kwargs)
            arguments.update(call.arguments)
        return translator, arguments
    translator = registry.OPS.get(getattr(operation, "__name__", None))
    if translator is None or not hasattr(operation, "rule"):
        return None, None
    bound = inspect.signature(operation).bind(*node.args, **node.kwargs)
    bound.apply_defaults()
    return translator, dict(bound.arguments)


def _scope(node, owner):
    """Node-name prefix: the layer, then the op (``dense/dense``)."""
    if isinstance(node.operation, Layer):
        return node.operation.name
    layer = owner.get(id(node))
    return f"{layer.name}/{node.operation.__name__}" if layer is not None else node.operation.__name__


def _where(node, owner):
    layer = node.operation if isinstance(node.operation, Layer) else owner.get(id(node))
    return f" in layer {layer.name!r} ({type(layer).__name__})" if layer is not None else ""


def to_onnx(model, input_signature=None, opset_version=None):
    """Translates `model`'s inference function to an `onnx.ModelProto`.

    Args:
        model: a built kerasnb model (Sequential, Functional or subclassed) or layer.
        input_signature: input specs (`InputSpec`, KerasTensor, ``tf.TensorSpec``: a shape
            with None for dynamic dims, and a dtype); by default the model's own inputs
            with a dynamic batch dim. Needed for subclassed models without `inputs`.
        opset_version: the ONNX opset (>= 17); defaults to `DEFAULT_OPSET`.

    Returns:
        An `onnx.ModelProto` that passes `onnx.checker.check_model`; weights are
        initializers, inputs and outputs are named after the model's.

    Raises:
        NotImplementedError: some ops or layers have no ONNX translation (all are named).
        ValueError: bad arguments, or a model that is not built.

    Example:
        >>> proto = to_onnx(model)
        >>> [i.name for i in proto.graph.input]
        ['input_layer']
    """
    opset = DEFAULT_OPSET if opset_version is None else opset_version
    if not isinstance(opset, int) or not MIN_OPSET <= opset <= onnx.defs.onnx_opset_version():
        raise ValueError(f"`opset_version` must be an int from {MIN_OPSET} to "
                         f"{onnx.defs.onnx_opset_version()}; received {opset_version!r}.")
    traced = trace(model, input_signature)
    g = GraphBuilder(opset)
    for name, tensor in zip(traced.input_names, traced.inputs):
        g.add_input(name, tensor)
    problems = {"missing": [], "failed": []}
    _translate(g, traced.nodes, traced.owner, problems)
    if problems["missing"] or problems["failed"]:
        missing = list(dict.fromkeys(problems["missing"]))
        details = ([f"no ONNX translation for {', '.join(missing)}"] if missing else []) + problems["failed"]
        raise NotImplementedError(f"Cannot export model {model.name!r} to ONNX: " + "; ".join(details) + ".")
    for name, tensor in zip(traced.output_names, traced.outputs):
        g.add_output(name, tensor)
    graph = g.build_graph(model.name)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="kerasnb", ir_version=_ir_version(opset))
    onnx.checker.check_model(proto)
    return proto


def export(model, filepath, verbose=None, input_signature=None, opset_version=None, **kwargs):
    """Writes `model` as an ONNX file (see `to_onnx`); nothing is written if translation fails.

    Example:
        >>> export(model, "model.onnx")
    """
    if kwargs:
        raise TypeError(f"ONNX export got unexpected keyword arguments {sorted(kwargs)}.")
    filepath = os.fspath(filepath)
    proto = to_onnx(model, input_signature=input_signature, opset_version=opset_version)
    with atomic_output(filepath, overwrite=True) as temp_path, open(temp_path, "wb") as file:
        file.write(proto.SerializeToString())
    if verbose or verbose is None:
        print(f"Saved artifact at '{filepath}'.")
    return filepath
