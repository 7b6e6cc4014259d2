"""Functional models: a graph of layer (and op) calls recorded on KerasTensors.

Calling a layer or op on KerasTensors records a `Node`; ``Model(inputs, outputs)`` walks
the nodes back from the outputs and replays them in order on real tensors. Masks are
ordinary tensors in the graph, so they flow for free.

Example:
    >>> a, b = Input((3,), name="a"), Input((3,), name="b")
    >>> model = Model({"a": a, "b": b}, Dense(1)(ops.add(a, b)))
"""

import numpy as np

from kerasnb.engine.layers.input_layer import InputLayer
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.models.model import Model
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.ops.op import flatten, pack
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor
from kerasnb.engine.trainers.data_adapters.utils import is_text_data

_TENSOR = "__keras_tensor__"


def graph_nodes(inputs, outputs):
    """The nodes between flat `inputs` and flat `outputs`, in execution order.

    Raises:
        ValueError: an output depends on a tensor that is not one of `inputs`.
    """
    input_ids = {id(t) for t in inputs}
    order, done = [], set()
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        item, expanded = stack.pop()
        if isinstance(item, KerasTensor):
            if id(item) in input_ids:
                continue
            node = item.history
            if node is None or isinstance(node.operation, InputLayer):
                raise ValueError(
                    f"The graph is disconnected: {item} is needed to compute the outputs but is not "
                    f"one of the model's `inputs`.")
            item = node
        if id(item) in done:
            continue
        if expanded:
            done.add(id(item))
            order.append(item)
            continue
        stack.append((item, True))
        for t in reversed(flatten((item.args, item.kwargs))):
            if isinstance(t, KerasTensor) and id(t) not in input_ids and id(t.history) not in done:
                stack.append((t, False))
    return order


def keras_layer_order(inputs, outputs):
    """The layers between flat `inputs` and flat `outputs` in Keras 3's order for
    `Functional.layers`: deepest first (most calls between the layer and an output), ties
    broken by when a depth-first walk from the outputs first reaches the layer. Weight files
    name layers by this order, so it must match Keras's exactly.

    Example:
        >>> [layer.name for layer in keras_layer_order(model.inputs, model.outputs)]
        ['input_layer', 'dense', 'dense_1']
    """
    input_ids = {id(t) for t in inputs}
    first_visit, post_order, finished = {}, [], set()

    def key(node):  # a layer called twice is one entry; each op call is its own
        return id(node.operation) if isinstance(node.operation, Layer) else id(node)

    stack = [(t, None) for t in reversed(outputs)]
    while stack:
        tensor, done_node = stack.pop()
        if done_node is not None:
            finished.add(id(done_node))
            post_order.append(done_node)
            continue
        node = tensor.history
        if node is None or id(node) in finished:
            continue
        is_input = isinstance(node.operation, InputLayer)
        if id(tensor) in input_ids and not is_input:
            finished.add(id(node))
            continue
        first_visit.setdefault(key(node), len(first_visit))
        stack.append((None, node))
        if not is_input:
            stack.extend((t, None) for t in reversed(flatten((node.args, node.kwargs)))
                         if isinstance(t, KerasTensor))
    in_graph = {id(node) for node in post_order}
    node_depth, depth_of, operation_of = {}, {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.get(id(node), 0), depth_of.get(key(node), 0))
        depth_of[key(node)], operation_of[key(node)] = depth, node.operation
        if not isinstance(node.operation, InputLayer):
            for t in flatten((node.args, node.kwargs)):
                parent = t.history if isinstance(t, KerasTensor) else None
                if parent is not None and id(parent) in in_graph:
                    node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:  # inputs no output depends on still belong to the model
        node = t.history
        if node is not None and isinstance(node.operation, InputLayer) and key(node) not in depth_of:
            depth_of[key(node)], operation_of[key(node)], first_visit[key(node)] = 0, node.operation, -1
    ordered = sorted(depth_of, key=lambda k: (-depth_of[k], first_visit[k]))
    return [operation_of[k] for k in ordered if isinstance(operation_of[k], Layer)]


def adjust_input_rank(value, spec, model_name):
    """`value`, fed to the model input `spec`, with its rank matched to the input's, as
    Keras does: data with one axis fewer gets a trailing axis when the input's last dim is
    1 (``(batch,)`` fed to ``Input((1,))``), data with one axis more loses its trailing
    axis of size 1 (``(batch, 1)`` fed to ``Input(())``).

    Raises:
        ValueError: any other rank mismatch.

    Example:
        >>> adjust_input_rank(np.array(["a", "b"]), Input((1,), dtype="string"), "m").shape
        (2, 1)
    """
    shape = getattr(value, "shape", None)
    try:
        rank = len(shape)
    except (TypeError, ValueError):  # no shape, or a graph tensor of unknown rank
        return value
    expected = spec.shape
    if rank == len(expected):
        return value
    if rank == len(expected) - 1 and expected[-1] == 1:
        return value[..., None] if isinstance(value, np.ndarray) else ops.expand_dims(value, -1)
    if rank == len(expected) + 1 and shape[-1] == 1:
        return value[..., 0] if isinstance(value, np.ndarray) else ops.squeeze(value, -1)
    raise ValueError(
        f"Input {_input_name(spec)!r} of model {model_name!r} expects shape {expected}; "
        f"received data of shape {tuple(shape)}. Only a trailing axis of size 1 is added or "
        "removed to match; reshape the data.")


def _check_not_text(value, spec, model_name):
    """Text (NumPy strings, tf.string) reaches only ``dtype="string"`` inputs."""
    if spec.dtype != "string" and is_text_data(value):
        dtype = value.dtype if isinstance(value, np.ndarray) else "string"
        raise ValueError(
            f"Input {_input_name(spec)!r} of model {model_name!r} expects {spec.dtype} data; "
            f"received text (dtype {dtype}). Declare it with `keras.Input(..., dtype=\"string\")` "
            "when a string layer (StringLookup, Hashing, TextVectorization) reads it, or pass "
            "numbers.")
    return value


def _input_name(spec):
    history = getattr(spec, "_keras_history", None)
    return history[0].name if history else spec.name


def _substitute(structure, values):
    flat = flatten(structure)
    return pack(structure, [values[id(v)] if isinstance(v, KerasTensor) else v for v in flat])


@builtin("", module="keras.src.models.functional")
class Functional(Model):
    """A model defined by its symbolic inputs and outputs (see `Model`).

    Args:
        inputs: a KerasTensor from `Input`, or a list/dict/nest of them.
        outputs: KerasTensor(s) computed from `inputs`.
        name: the model's name.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self._inputs = flatten(inputs)
        outputs_flat = flatten(outputs)
        for t in self._inputs + outputs_flat:
            if not isinstance(t, KerasTensor):
                raise ValueError(f"`inputs` and `outputs` must be KerasTensors; received {type(t).__name__}.")
        self._nodes = graph_nodes(self._inputs, outputs_flat)
        self._graph_layers = keras_layer_order(self._inputs, outputs_flat)
        self.built = True

    @property
    def layers(self):
        return list(self._graph_layers)

    @property
    def inputs(self):
        return self._inputs

    @property
    def outputs(self):
        return flatten(self._outputs_struct)

    @property
    def output_names(self):
        """The name of each output: the dict key, else the layer that computes it."""
        if isinstance(self._outputs_struct, dict):
            return sorted(self._outputs_struct)
        return [t._keras_history[0].name for t in self.outputs]

    @property
    def input_shape(self):
        shapes = [t.shape for t in self._inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _input_values(self, inputs):
        if isinstance(self._inputs_struct, dict) and isinstance(inputs, dict):
            missing = set(self._inputs_struct) - set(inputs)
            if missing:
                raise ValueError(f"Model {self.name!r} needs inputs {sorted(self._inputs_struct)}; missing {sorted(missing)}.")
            values = [inputs[k] for k in sorted(self._inputs_struct)]
        else:
            values = flatten(inputs)
            if len(values) != len(self._inputs):
                raise ValueError(f"Model {self.name!r} expects {len(self._inputs)} input(s); received {len(values)}.")
        return [adjust_input_rank(_check_not_text(v, spec, self.name), spec, self.name)
                for v, spec in zip(values, self._inputs)]

    def call(self, inputs, training=None, mask=None):
        values = {id(t): v for t, v in zip(self._inputs, self._input_values(inputs))}
        for node in self._nodes:
            args = _substitute(node.args, values)
            kwargs = _substitute(node.kwargs, values)
            if "training" in kwargs and node.kwargs.get("training") is None:
                kwargs["training"] = training
            outputs = node.operation(*args, **kwargs)
            for symbolic, value in zip(flatten(node.outputs), flatten(outputs)):
                values[id(symbolic)] = value
        return _substitute(self._outputs_struct, values)

    def _convert_inputs(self, args):
        if args and isinstance(self._inputs_struct, dict) and isinstance(args[0], dict):
            return ({k: super(Functional, self)._convert_inputs((v,))[0] for k, v in args[0].items()},) + args[1:]
        return super()._convert_inputs(args)

    # Configuration (Keras 3's functional config format) -------------------------------

    def _history(self, tensor):
        layer, node_index, tensor_index = tensor._keras_history
        return [layer.name, node_index, tensor_index]

    def _serialize_arg(self, value):
        if isinstance(value, KerasTensor):
            if not isinstance(getattr(value, "_keras_history", (None,))[0], Layer):
                raise NotImplementedError(
                    "This functional model calls an op directly on symbolic tensors; serializing such "
                    "graphs is not supported yet. Wrap the op in a layer (e.g. `Lambda`).")
            return {"class_name": _TENSOR, "config": {"shape": value.shape, "dtype": value.dtype,
                                                      "keras_history": self._history(value)}}
        if isinstance(value, (list, tuple)):
            return type(value)(self._serialize_arg(v) for v in value)
        if isinstance(value, dict):
            return {k: self._serialize_arg(v) for k, v in value.items()}
        return serialization.serialize_keras_object(value)

    def get_config(self):
        nodes = {id(n) for n in self._nodes}
        layer_configs = []
        for node in self._nodes:
            if not isinstance(node.operation, Layer):
                raise NotImplementedError(
                    f"Cannot serialize model {self.name!r}: it calls `{node.operation.__name__}` directly "
                    "on symbolic tensors; wrap it in a layer (e.g. `Lambda`).")
        for layer in self._graph_layers:
            config = serialization.serialize_keras_object(layer)
            config["name"] = layer.name
            config["inbound_nodes"] = [
                {"args": self._serialize_arg(n.args), "kwargs": self._serialize_arg(
                    {k: v for k, v in n.kwargs.items() if not (k == "training" and v is None)})}
                for n in layer._inbound_nodes if id(n) in nodes]
            layer_configs.append(config)
        return {
            "name": self.name, "trainable": self.trainable, "layers": layer_configs,
            "input_layers": pack(self._inputs_struct, [self._history(t) for t in self._inputs]),
            "output_layers": pack(self._outputs_struct, [self._history(t) for t in self.outputs]),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None, layer_factory=None):
        """Rebuilds the graph: creates every layer, then replays its calls in dependency order.

        Args:
            layer_factory: optional ``factory(layer_config) -> Layer`` (used by `clone_model`).
        """
        create = layer_factory or (lambda c: serialization.deserialize_keras_object(c, custom_objects))
        layers = {c["name"]: create(c) for c in config["layers"]}
        created = {}  # (layer name, node index, tensor index) -> KerasTensor
        for name, layer in layers.items():
            if isinstance(layer, InputLayer):
                created[(name, 0, 0)] = layer.output_tensor
        pending = [(c["name"], i, n) for c in config["layers"] for i, n in enumerate(c.get("inbound_nodes", []))]
        calls = {name: 0 for name in layers}
        while pending:
            progress = False
            for item in list(pending):
                name, index, node = item
                if index != calls[name]:
                    continue
                try:
                    args = _deserialize_arg(node.get("args", []), created, custom_objects)
                    kwargs = _deserialize_arg(node.get("kwargs", {}), created, custom_objects)
                except KeyError:
                    continue
                outputs = layers[name](*args, **kwargs)
                for t_index, t in enumerate(flatten(outputs)):
                    created[(name, index, t_index)] = t
                calls[name] += 1
                pending.remove(item)
                progress = True
            if not progress:
                raise ValueError(f"Invalid functional config: cannot resolve the calls of {sorted({p[0] for p in pending})}.")

        def tensor(history):
            return created[tuple(history[:3])]

        inputs = _map_histories(config["input_layers"], tensor)
        outputs = _map_histories(config["output_layers"], tensor)
        return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _is_history(value):
    return isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str)


def _map_histories(structure, fn):
    if _is_history(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_histories(v, fn) for k, v in structure.items()}
    return [_map_histories(v, fn) for v in structure]


def _deserialize_arg(value, created, custom_objects):
    if isinstance(value, dict) and value.get("class_name") == _TENSOR:
        return created[tuple(value["config"]["keras_history"])]
    if isinstance(value, (list, tuple)):
        return type(value)(_deserialize_arg(v, created, custom_objects) for v in value)
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _deserialize_arg(v, created, custom_objects) for k, v in value.items()}
    return serialization.deserialize_keras_object(value, custom_objects)
