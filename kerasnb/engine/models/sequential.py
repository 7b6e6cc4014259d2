"""`Sequential`: a plain stack of single-input, single-output layers.

Example:
    >>> model = Sequential([Input((4,)), Dense(8, activation="relu"), Dense(1)])
    >>> model.output_shape
    (None, 1)
"""

from kerasnb.engine.layers.input_layer import Input, InputLayer
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.models.functional import adjust_input_rank
from kerasnb.engine.models.model import Model
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor


@builtin("")
class Sequential(Model):
    """Layers applied one after the other.

    The input shape comes from a leading `Input`/`InputLayer`, an ``input_shape=`` argument
    of the first layer, `build(input_shape)`, or the first call (lazy).

    Args:
        layers: the layers, in order.
        trainable: whether the weights train. name: the model's name.
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._stack = []
        self._input_layer = None
        self._output = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._rebuild()

    @property
    def layers(self):
        """The layers, without the input layer."""
        return list(self._stack)

    def add(self, layer, rebuild=True):
        """Appends a layer (or an `Input` tensor, which sets the input shape)."""
        if isinstance(layer, KerasTensor) and isinstance(getattr(layer, "_keras_history", (None,))[0], InputLayer):
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise ValueError(f"`layer` must be a Layer or an Input; received {type(layer).__name__}.")
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError("An InputLayer can only be the first entry of a Sequential model.")
            self._input_layer = layer
        else:
            if any(l.name == layer.name for l in self._stack):
                raise ValueError(f"Sequential model {self.name!r} already has a layer named {layer.name!r}.")
            if not self._stack and self._input_layer is None and layer._batch_input_shape is not None:
                self._input_layer = InputLayer(batch_shape=layer._batch_input_shape)
            self._stack.append(layer)
        if rebuild:
            self._rebuild()

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self._stack:
            raise IndexError(f"Sequential model {self.name!r} has no layers to pop.")
        layer = self._stack.pop()
        if rebuild:
            self._rebuild()
        return layer

    def _rebuild(self):
        """With a known input shape, runs the stack symbolically so every layer is built."""
        self._output = None
        if self._input_layer is None:
            self.built = False
            return
        x = self._input_layer.output_tensor
        for layer in self._stack:
            x = layer(x)
        self._output = x
        self.built = True

    def build(self, input_shape=None):
        if input_shape is None:
            raise ValueError("`build` of a Sequential model needs `input_shape`.")
        self._input_layer = Input(batch_shape=tuple(input_shape)).history.operation
        self._rebuild()

    def _maybe_build(self, args, kwargs):
        if not self.built and args:
            shape = getattr(args[0], "shape", None)
            if shape is not None:
                self.build((None,) + tuple(shape)[1:])

    def call(self, inputs, training=None, mask=None):
        x = inputs
        if self._input_layer is not None:
            x = adjust_input_rank(x, self._input_layer.output_tensor, self.name)
        for layer in self._stack:
            kwargs = {}
            if layer._call_has_training:
                kwargs["training"] = training
            if layer._call_has_mask and mask is not None:
                kwargs["mask"] = mask
            outputs = layer(x, **kwargs)
            mask = layer.compute_mask(x, mask) if layer.supports_masking else None
            x = outputs
        return x

    @property
    def inputs(self):
        return [self._input_layer.output_tensor] if self._input_layer else None

    @property
    def outputs(self):
        return [self._output] if self._output is not None else None

    @property
    def input_shape(self):
        if self._input_layer is None:
            raise AttributeError(f"Sequential model {self.name!r} has no input shape yet.")
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        if self._output is None:
            raise AttributeError(f"Sequential model {self.name!r} is not built yet.")
        return self._output.shape

    def get_config(self):
        layers = [serialization.serialize_keras_object(l) for l in
                  ([self._input_layer] if self._input_layer else []) + self._stack]
        config = {"name": self.name, "trainable": self.trainable, "layers": layers}
        if self._input_layer is not None:
            config["build_input_shape"] = self._input_layer.batch_shape
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, layer_factory=None):
        create = layer_factory or (lambda c: serialization.deserialize_keras_object(c, custom_objects))
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(create(layer_config), rebuild=False)
        if model._input_layer is None and config.get("build_input_shape"):
            model._input_layer = InputLayer(batch_shape=tuple(config["build_input_shape"]))
        model._rebuild()
        return model
