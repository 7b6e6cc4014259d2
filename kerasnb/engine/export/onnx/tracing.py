"""Tracing a model into an op graph: the model runs on fresh KerasTensors under `OpTracing`.

Every layer runs its own `call` (inference mode), so each op records a node whose leaves
are the traced inputs, Variables and constants. Layers with a whole-layer translator
(recurrent layers) record one layer node instead. Ops on constants only run eagerly on the
NumPy backend, so the traced graph (and the file) is the same whatever backend is active.
"""

from kerasnb.engine import backend
from kerasnb.engine.export.input_signature import model_input_specs
from kerasnb.engine.export.onnx import registry
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer, OpTracing
from kerasnb.engine.models.functional import graph_nodes
from kerasnb.engine.ops.op import flatten
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


def _build_signature(model):
    """Specs (dynamic batch, the compute dtype) from the shapes a subclassed model was built
    with, one structure per positional argument of `call`; None if it was never called."""
    shapes = getattr(model, "_build_shapes_dict", None)
    if not shapes:
        return None

    def specs(shape):
        if isinstance(shape, dict):
            return {k: specs(v) for k, v in shape.items()}
        if isinstance(shape, (list, tuple)) and shape and not all(d is None or isinstance(d, int) for d in shape):
            return type(shape)(specs(v) for v in shape)
        return InputSpec(shape=(None,) + tuple(shape)[1:], dtype=model.compute_dtype)

    return [specs(s) for s in shapes.values()]


def _unique(names):
    out, used = [], set()
    for name in names:
        candidate, index = name, 1
        while candidate in used:
            candidate, index = f"{name}_{index}", index + 1
        used.add(candidate)
        out.append(candidate)
    return out


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
    if input_signature is None and not getattr(model, "inputs", None):
        input_signature = _build_signature(model)
    specs, arrange = model_input_specs(model, input_signature)
    flat_inputs = [KerasTensor(spec.shape, spec.dtype, name=spec.name) for spec in specs]
    recorder = _Recorder()
    with backend.evaluating("numpy"), recorder:
        outputs = model(*arrange(flat_inputs))
    flat_outputs = flatten(outputs)
    for out in flat_outputs:
        if not isinstance(out, KerasTensor):
            raise ValueError(f"Model {model.name!r} returns a constant ({type(out).__name__}), not a "
                             "function of its inputs; there is nothing to export.")
    nodes = graph_nodes(flat_inputs, flat_outputs)
    return Trace(flat_inputs, [spec.name for spec in specs], flat_outputs,
                 _output_names(model, outputs, flat_outputs), nodes, recorder.owner)
