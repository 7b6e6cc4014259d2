"""`Model`: a layer with introspection (layers, summary, weights I/O, config, JSON).

``Model(inputs, outputs)`` builds a functional model; subclass `Model` and write `call`
for anything else.

Example:
    >>> inputs = Input(shape=(4,))
    >>> model = Model(inputs, Dense(2)(inputs))
    >>> model.count_params()
    10
"""

import json

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from kerasnb.engine.trainers.trainer import Trainer
from kerasnb.engine.tracebacks import filter_traceback


class Model(Trainer, Layer):
    """A trainable graph of layers: functional (``Model(inputs, outputs)``) or subclassed."""

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            from kerasnb.engine.models.functional import Functional
            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    @property
    def layers(self):
        """The model's direct sublayers, in the order they were added or called."""
        return self._layers

    def get_layer(self, name=None, index=None):
        """A sublayer by `name` or by position `index`.

        Raises:
            ValueError: neither or both given, or no such layer.
        """
        if (name is None) == (index is None):
            raise ValueError("`get_layer` needs exactly one of `name` or `index`.")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"`index` {index} is out of range: the model has {len(layers)} layers.")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No layer named {name!r}; the layers are {[l.name for l in layers]}.")

    @filter_traceback
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model (architecture, weights, compile state) as a `.keras` file."""
        from kerasnb.engine.saving.model_file import save_model
        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Saves every variable to a `.weights.h5` file."""
        from kerasnb.engine.saving.weights_file import save_weights
        save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights from a `.weights.h5` or `.keras` file."""
        from kerasnb.engine.saving.weights_file import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    @filter_traceback
    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None,
               **kwargs):
        """Writes the inference function for another runtime.

        Args:
            filepath: where to write it (a directory for ``"tf_saved_model"``).
            format: ``"tf_saved_model"``, ``"onnx"``, ``"openvino"`` or ``"litert"``.
            input_signature: input specs (shape with ``None`` for dynamic dims, dtype);
                by default the model's own inputs with a dynamic batch dimension.

        Example:
            >>> model.export("model.onnx", format="onnx")
        """
        from kerasnb.engine.export import export_model
        return export_model(self, filepath, format=format, verbose=verbose,
                            input_signature=input_signature, **kwargs)

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantizes the weights of every quantizable layer (Dense, EinsumDense, Embedding).

        Args:
            mode: ``"int8"``, ``"int4"`` or ``"float8"`` (optional when `config` is given).
            config: a `kerasnb.quantizers.QuantizationConfig`.
            filters: a regex on layer names, a list of them, or a callable ``layer -> bool``.

        Example:
            >>> model.quantize("int8")
        """
        from kerasnb.engine.quantization.model_quantize import quantize_model
        quantize_model(self, mode, config, filters, **kwargs)

    def build(self, input_shape=None):
        """Builds the weights by running `call` on a symbolic input of `input_shape`."""
        if type(self).build is Model.build and input_shape is not None:
            self.compute_output_spec(_symbolic_inputs(input_shape))
        self.built = True

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints a table of the layers: output shapes, parameter counts, connections, and totals.

        Args:
            line_length: total width of the table.
            print_fn: called with the text instead of `print`.
            show_trainable: add a column telling whether each layer is trainable.
        """
        from kerasnb.engine.models.summary import summary_text
        text = summary_text(self, line_length=line_length, show_trainable=show_trainable,
                            expand_nested=expand_nested, layer_range=layer_range)
        (print_fn or print)(text)

    def _repr_html_(self):
        """The summary table, for notebooks."""
        from kerasnb.engine.models.summary_html import model_html
        return model_html(self)

    def to_json(self, **kwargs):
        """The model's architecture (no weights) as a JSON string."""
        return json.dumps(serialization.serialize_keras_object(self), **kwargs)


def _symbolic_inputs(shape):
    if isinstance(shape, dict):
        return {k: _symbolic_inputs(v) for k, v in shape.items()}
    if isinstance(shape, list) or (isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))):
        return type(shape)(_symbolic_inputs(s) for s in shape)
    return KerasTensor(shape)


def model_from_json(json_string, custom_objects=None):
    """A model (new weights) from `Model.to_json` output.

    Example:
        >>> clone = model_from_json(model.to_json())
    """
    return serialization.deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)
