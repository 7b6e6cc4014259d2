"""How the OpenVINO backend runs steps: the forward pass as a compiled OpenVINO model.

`compiled_forward(model)` gives the function that the trainer uses in place of
``model(x, training=False)`` in the built-in `test_step` and `predict_step`. It translates
the model's own graph to ONNX (`kerasnb.engine.export.onnx.to_onnx`, weights as constants,
dynamic batch), reads that into OpenVINO and compiles it for the CPU at float32 precision,
once per input signature (the shapes after the batch dim and dtypes of the inputs). Any
write to a weight (`assign`, `set_weights`, `load_weights`, a backend switch) drops the
compiled models, so the next batch recompiles with the new values. Everything around the
forward pass (losses, metrics, custom steps) runs eagerly on host NumPy.

Example:
    >>> forward = compiled_forward(model)
    >>> y = forward(np.ones((2, 4), "float32"))   # a NumPy array, computed by OpenVINO
"""

import weakref

import numpy as np
import openvino

from kerasnb.engine.utils import tree

DEVICE = "CPU"
_core = []  # one openvino.Core, created on first use
_forwards = weakref.WeakKeyDictionary()  # model -> _CompiledForward


def core():
    """The process's `openvino.Core` (created once)."""
    if not _core:
        _core.append(openvino.Core())
    return _core[0]


def compile_step(fn, jit_compile=False, donate_state=True):
    """`fn` unchanged: steps run eagerly on host NumPy around the compiled forward pass."""
    return fn


def compiled_forward(model, kind="predict"):
    """``forward(x) -> outputs``: `model`'s inference pass run by compiled OpenVINO models.

    Args:
        model: a kerasnb model.
        kind: ``"predict"``, or ``"test"`` for `test_step`, which also reads the losses that
            layers add during a call (``add_loss``, ``activity_regularizer``): a compiled
            model computes none, so for a model with such layers it raises
            `NotImplementedError` naming them.

    Outputs are NumPy arrays in the structure that ``model(x)`` returns. One forward
    object per model, kept while the model lives. Calling it raises `NotImplementedError`
    (naming the ops and layers) when the model has parts that ONNX translation lacks.

    Example:
        >>> compiled_forward(model)(x).shape
        (32, 10)
    """
    forward = _forwards.get(model)
    if forward is None:
        forward = _forwards[model] = _CompiledForward(model)
    return forward.for_test_step if kind == "test" else forward


class _Compiled:
    """One compiled OpenVINO model: its input ports (in the order of the flat model inputs)
    and their NumPy dtypes, its output ports, and the structure the outputs are packed in."""

    def __init__(self, compiled, inputs, outputs, structure, loss_layers):
        self.compiled, self.inputs, self.outputs, self.structure = compiled, inputs, outputs, structure
        self.dtypes = [port.get_element_type().to_dtype() for port in inputs]
        self.loss_layers = loss_layers  # names of layers that add losses during a call


class _CompiledForward:
    """Compiled models of one kerasnb model, per input signature, valid for one set of
    weight values: checked before every batch (the same layers and Variables, none written
    since; every write counts, also of an array object the Variable already held)."""

    def __init__(self, model):
        self._model = weakref.ref(model)
        self._compiled = {}
        self._layers, self._variables, self._versions = (), [], ()

    def __call__(self, x):
        return self._run(self._entry(x), x)

    def for_test_step(self, x):
        entry = self._entry(x)
        if entry.loss_layers:
            raise NotImplementedError(
                f"evaluate() on the openvino backend runs a compiled OpenVINO model, which does "
                f"not compute the losses that layers {entry.loss_layers} add during a call "
                "(add_loss, activity_regularizer); evaluate this model on the numpy backend.")
        return self._run(entry, x)

    def _entry(self, x):
        model = self._model()
        self._drop_if_changed(model)
        signature = tuple((tuple(np.shape(a))[1:], np.asarray(a).dtype.str) for a in tree.flatten(x))
        entry = self._compiled.get(signature)
        if entry is None:
            entry = self._compiled[signature] = _compile(model, x)
        return entry

    @staticmethod
    def _run(entry, x):
        leaves = tree.flatten(x)
        inputs = {port: np.ascontiguousarray(a, dtype)
                  for port, a, dtype in zip(entry.inputs, leaves, entry.dtypes)}
        results = entry.compiled(inputs, share_inputs=True)
        return tree.pack_sequence_as(entry.structure, [results[o] for o in entry.outputs])

    def _drop_if_changed(self, model):
        layers = tuple(id(layer) for layer in model.layers)
        variables = _variables(model)
        versions = tuple(v._version for v in variables)
        same = (layers == self._layers and versions == self._versions
                and len(variables) == len(self._variables)
                and all(a is b for a, b in zip(variables, self._variables)))
        if not same:
            self._compiled.clear()
            self._layers, self._variables, self._versions = layers, variables, versions


def _variables(model):
    """`model.variables`, remembered in the trainer's `FrozenStructure` while one is active
    (the layer tree cannot change then; walking it per batch costs more than inference)."""
    from kerasnb.engine.layers.layer import structure_memo

    memo = structure_memo()
    if memo is None:
        return model.variables
    key = ("openvino variables", id(model))
    found = memo.get(key)
    if found is None:
        found = memo[key] = model.variables
    return found


def _compile(model, x):
    from kerasnb.engine.export.onnx import to_onnx
    from kerasnb.engine.tensors import KerasTensor

    signature = tree.map_structure(
        lambda a: KerasTensor((None,) + tuple(np.shape(a))[1:], np.asarray(a).dtype.name), x)
    try:
        proto = to_onnx(model, input_signature=[signature])
    except NotImplementedError as exc:
        raise NotImplementedError(
            f"The openvino backend runs predict/evaluate as an OpenVINO model translated via "
            f"ONNX, and that translation failed: {exc} Use the numpy backend for this "
            "model.") from exc
    constants = {t.name for t in proto.graph.initializer}
    names = [i.name for i in proto.graph.input if i.name not in constants]
    ov_model = core().read_model(model=proto.SerializeToString(), weights=b"")
    compiled = core().compile_model(
        ov_model, DEVICE, {openvino.properties.hint.inference_precision: openvino.Type.f32})
    inputs = [compiled.input(name) for name in names]
    outputs = [compiled.output(o.name) for o in proto.graph.output]
    structure, loss_layers = _traced_call(model, signature)
    return _Compiled(compiled, inputs, outputs, structure, loss_layers)


def _traced_call(model, signature):
    """`model`'s outputs on KerasTensors `signature`, traced as `to_onnx` traces it (no layer
    records a node), and the names of the layers that add losses during a call. Clears the
    losses of the last call."""
    from kerasnb.engine import backend
    from kerasnb.engine.export.onnx import registry
    from kerasnb.engine.layers.layer import OpTracing

    model._clear_losses()
    whole = OpTracing(keep=lambda layer: registry.layer_translator(layer) is not None)
    with backend.evaluating("numpy"), whole:
        outputs = model(signature)
    loss_layers = [layer.name for layer in model._flatten_layers()
                   if layer._losses or layer.activity_regularizer is not None]
    model._clear_losses()
    return outputs, loss_layers
