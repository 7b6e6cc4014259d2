"""LiteRT (TensorFlow Lite) export from any backend: a ``.tflite`` flatbuffer.

The inference function is traced on tensorflow exactly as for the SavedModel export (see
`saved_model.ExportArchive`: the user's backend and Variables are untouched), then
converted by ``tf.lite.TFLiteConverter``. The file has one ``serving_default`` signature
with one input per model input, named after it, and a dynamic batch dimension by default.
It runs in the LiteRT interpreter (``ai_edge_litert``) or TensorFlow's.

Recurrent layers with a known number of time steps are traced unrolled: TFLite cannot lower
a loop's tensor lists when the batch size is dynamic, and would keep TensorFlow ops that
the LiteRT interpreter lacks.

Example:
    >>> model.export("model.tflite", format="litert")
"""

import contextlib
import os

from kerasnb.engine.export.input_signature import model_input_specs
from kerasnb.engine.export.saved_model import ExportArchive
from kerasnb.engine.saving.weights_file import atomic_output
from kerasnb.engine.utils.tree import flatten


def export(model, filepath, verbose=None, input_signature=None, **kwargs):
    """Writes `model`'s inference function to the LiteRT file `filepath`.

    Args:
        model: a built model (or any layer with known inputs).
        filepath: a path ending in ``.tflite``; written atomically.
        verbose: print where the file was written (default True).
        input_signature: input specs (see `input_signature.model_input_specs`).
        **kwargs: `tf.lite.TFLiteConverter` settings, e.g.
            ``optimizations=[tf.lite.Optimize.DEFAULT]``; ``target_spec`` may be a dict of
            target-spec settings (by default TFLite builtins, and TensorFlow ops where a
            builtin is missing).

    Raises:
        ValueError: `filepath` does not end in ``.tflite``, or an unknown converter setting.

    Example:
        >>> export(model, "model.tflite", optimizations=[tf.lite.Optimize.DEFAULT])
    """
    from kerasnb.engine.backend.tensorflow.core import quiet, tf

    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(f"`filepath` must be a str or os.PathLike; received {type(filepath).__name__}.")
    filepath = os.fspath(filepath)
    if not filepath.endswith(".tflite"):
        raise ValueError(f"The LiteRT export writes a '.tflite' file; received filepath={filepath!r}.")
    specs, arrange = model_input_specs(model, input_signature)
    archive = ExportArchive()
    archive.track(model)
    with _unrolled_recurrences(model):
        serve = archive.add_endpoint(
            "serve", lambda *tensors: model(*arrange(tensors), training=False), specs)
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [serve.get_concrete_function()], archive._root)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    _configure(converter, kwargs)
    with quiet():
        flatbuffer = converter.convert()
    with atomic_output(filepath, overwrite=True) as temp_path:
        with open(temp_path, "wb") as handle:
            handle.write(flatbuffer)
    if verbose is None or verbose:
        print(f"Saved artifact at '{filepath}'.")


def _configure(converter, settings):
    for key, value in settings.items():
        if key == "target_spec" and isinstance(value, dict):
            for spec_key, spec_value in value.items():
                if not hasattr(converter.target_spec, spec_key):
                    raise ValueError(f"`target_spec` has no setting {spec_key!r}.")
                setattr(converter.target_spec, spec_key, spec_value)
        elif hasattr(converter, key):
            setattr(converter, key, value)
        else:
            raise ValueError(f"{key!r} is not a TFLiteConverter setting (an argument of the LiteRT export).")


@contextlib.contextmanager
def _unrolled_recurrences(model):
    """Sets ``unroll=True`` on the model's recurrent layers whose inputs have a known number
    of time steps (in the model graph), for the duration of the block."""
    from kerasnb.engine.layers.rnn.rnn import RNN
    from kerasnb.engine.layers.rnn.wrappers import Bidirectional

    switched = []
    for layer in model._flatten_layers():
        if not isinstance(layer, (RNN, Bidirectional)) or not _known_steps(layer):
            continue
        for rnn in (layer.forward_layer, layer.backward_layer) if isinstance(layer, Bidirectional) else (layer,):
            if not rnn.unroll:
                rnn.unroll = True
                switched.append(rnn)
    try:
        yield
    finally:
        for rnn in switched:
            rnn.unroll = False


def _known_steps(layer):
    """Whether every symbolic call of `layer` got sequences with a known number of steps."""
    sequences = [flatten(node.args)[0] for node in layer._inbound_nodes if node.args]
    return bool(sequences) and all(len(s.shape) > 2 and s.shape[1] is not None for s in sequences)
