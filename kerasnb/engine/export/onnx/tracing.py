"""Tracing a model into an op graph: the model runs on fresh KerasTensors under `OpTracing`.

Every layer runs its own `call` (inference mode), so each op records a node whose leaves
are the traced inputs, Variables and constants. Layers with a whole-layer translator
(recurrent layers) record one layer node instead. Ops on constants only run eagerly on the
NumPy backend, so the traced graph (and the file) is the same whatever backend is active.
"""

from kerasnb.engine import backend, dtypes
from kerasnb.engine.export.onnx import registry
from kerasnb.engine.layers.layer import Layer, OpTracing
from kerasnb.engine.models.functional import Functional, graph_nodes
from kerasnb.engine.ops.op import flatten, pack
from kerasnb.engine.tensors import KerasTensor


class Trace:
    """The traced model: flat inputs and outputs, their names, and the nodes in order.

    Attributes:
        inputs, outputs: flat lists of KerasTensors. input_names, output_names: their names.
        nodes: the op (or layer) nodes from inputs to outputs, in execution order.
        owner: ``id(node) -> layer`` for op nodes, the innermost layer whose call made it.
    """

    def __init__(self, inputs, input_names, outputs, output_names, nodes, owner):
        self.inputs, self.input_names = inputs, input_names
        self.outputs, self.output_names = outputs, output_names
        self.nodes, self.owner = nodes, owner


class _Recorder(OpTracing):
    """`OpTracing` that keeps translatable whole layers and remembers which layer made each op."""

    def __init__(self):
        super().__init__(keep=lambda layer: registry.layer_translator(layer) is not None)
        self.owner = {}

    def called(self, layer, args, kwargs, outputs):
        stop = {id(t) for t in flatten((args, kwargs)) if isinstance(t, KerasTensor)}
        stack = [t for t in flatten(outputs) if isinstance(t, KerasTensor)]
        seen = set()
        while stack:
            tensor = stack.pop()
            if id(tensor) in stop or tensor.history is None or id(tensor.history) in seen:
                continue
            node = tensor.history
            seen.add(id(node))
            self.owner.setdefault(id(node), layer)
            stack.extend(t for t in flatten((node.args, node.kwargs)) if isinstance(t, KerasTensor))


def _spec_tensor(spec, where):
    shape = getattr(spec, "shape", None)
    if shape is None:
        raise ValueError(
            f"`input_signature` entries must have a `shape` and a `dtype` (InputSpec, KerasTensor, "
            f"tf.TensorSpec, array); received {spec!r} at {where}.")
    shape = tuple(None if d is None else int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape))
    dtype = getattr(spec, "dtype", None)
    dtype = dtypes.standardize_dtype(getattr(dtype, "name", dtype))
    return KerasTensor(shape, dtype, name=getattr(spec, "name", None))


def _map_specs(structure, where="input_signature"):
    if isinstance(structure, dict):
        return {k: _map_specs(v, f"{where}[{k!r}]") for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_map_specs(v, f"{where}[{i}]") for i, v in enumerate(structure))
    return _spec_tensor(structure, where)


def _fresh_batch(tensor):
    """A new KerasTensor like `tensor` with an unknown batch dim."""
    shape = (None,) + tuple(tensor.shape[1:]) if tensor.shape else ()
    return KerasTensor(shape, tensor.dtype, name=tensor.name)


def _call_arguments(model, input_signature):
    """The positional arguments for tracing `model`: fresh KerasTensors in the right structure."""
    if input_signature is not None:
        if isinstance(input_signature, dict):
            return (_map_specs(input_signature),)
        if not isinstance(input_signature, (list, tuple)):
            return (_map_specs(input_signature),)
        specs = _map_specs(list(input_signature))
        if len(specs) == 1:
            return (specs[0],)
        if isinstance(model, Functional) and len(flatten(specs)) == len(model.inputs):
            return (pack(model._inputs_struct, flatten(specs)),)
        return tuple(specs)
    if isinstance(model, Functional):
        fresh = [_fresh_batch(t) for t in model.inputs]
        return (pack(model._inputs_struct, fresh),)
    inputs = getattr(model, "inputs", None)
    if inputs:
        fresh = [_fresh_batch(t) for t in inputs]
        return (fresh[0] if len(fresh) == 1 else fresh,)
    shapes = getattr(model, "_build_shapes_dict", None)
    if shapes:  # a subclassed model, traced with the shapes it was built with
        return tuple(_from_shapes(s, model.compute_dtype) for s in shapes.values())
    raise ValueError(
        f"Cannot tell the input shapes of model {model.name!r}: it has no `inputs` and was never "
        "called. Pass `input_signature`, e.g. [keras.InputSpec(shape=(None, 8), dtype='float32')].")


def _from_shapes(shapes, dtype):
    """Fresh KerasTensors (dynamic batch, `dtype`) for a build-shape structure."""
    if isinstance(shapes, dict):
        return {k: _from_shapes(v, dtype) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)) and shapes and not all(d is None or isinstance(d, int) for d in shapes):
        return type(shapes)(_from_shapes(s, dtype) for s in shapes)
    return _fresh_batch(KerasTensor(tuple(shapes), dtype))


def _unique(names):
    out, used = [], set()
    for name in names:
        candidate, index = name, 1
        while candidate in used:
            candidate, index = f"{name}_{index}", index + 1
        used.add(candidate)
        out.append(candidate)
    return out


def _input_names(model, args, flat):
    if len(args) == 1 and isinstance(args[0], dict):
        return sorted(args[0])
    names = [t.name for t in flat]
    if not all(names) and isinstance(model, Functional) and len(model.inputs) == len(flat):
        names = [t.name for t in model.inputs]
    return _unique([n or f"input_{i}" for i, n in enumerate(names)])


def _output_names(model, structure, flat):
    if isinstance(structure, dict):
        return sorted(structure)
    names = [None] * len(flat)
    known = getattr(model, "outputs", None) or []
    if len(known) == len(flat):
        names = [getattr(t, "_keras_history", (None,))[0] for t in known]
        names = [n.name if isinstance(n, Layer) else None for n in names]
    return _unique([n or f"output_{i}" for i, n in enumerate(names)])


def trace(model, input_signature=None):
    """Runs `model` on fresh KerasTensors under op tracing; returns a `Trace`.

    Raises:
        ValueError: the model is not built, or its input shapes are unknown.
    """
    if not isinstance(model, Layer):
        raise ValueError(f"`model` must be a kerasnb Model or Layer; received {type(model).__name__}.")
    if not model.built:
        raise ValueError(f"Model {model.name!r} is not built yet: call it on data or `build` it before exporting.")
    args = _call_arguments(model, input_signature)
    recorder = _Recorder()
    with backend.evaluating("numpy"), recorder:
        outputs = model(*args)
    flat_inputs = flatten(args)
    flat_outputs = flatten(outputs)
    for out in flat_outputs:
        if not isinstance(out, KerasTensor):
            raise ValueError(f"Model {model.name!r} returns a constant ({type(out).__name__}), not a "
                             "function of its inputs; there is nothing to export.")
    nodes = graph_nodes(flat_inputs, flat_outputs)
    return Trace(flat_inputs, _input_names(model, args, flat_inputs), flat_outputs,
                 _output_names(model, outputs, flat_outputs), nodes, recorder.owner)
