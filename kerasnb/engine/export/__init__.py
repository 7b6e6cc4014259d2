"""Export: a model's inference function written in a format another runtime runs.

Every format is written from kerasnb's own model graph, on any backend, and checked by its
own runtime in the tests. One module per format, each with
``export(model, filepath, verbose=None, input_signature=None, **kwargs)``.

Example:
    >>> model.export("model.onnx", format="onnx")
"""

import importlib

FORMATS = {
    "onnx": "onnx",
    "openvino": "openvino",
    "tf_saved_model": "saved_model",
    "litert": "litert",
}


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None,
                 **kwargs):
    """Writes `model`'s inference function to `filepath` in `format` (see `FORMATS`).

    Raises:
        ValueError: `format` is not one of `FORMATS`.
    """
    if format not in FORMATS:
        raise ValueError(f"`format` must be one of {sorted(FORMATS)}; received format={format!r}.")
    module = importlib.import_module(f"kerasnb.engine.export.{FORMATS[format]}")
    return module.export(model, filepath, verbose=verbose, input_signature=input_signature, **kwargs)
