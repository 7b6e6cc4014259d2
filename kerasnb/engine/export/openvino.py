"""OpenVINO IR export: the model's ONNX translation converted by OpenVINO to ``.xml``/``.bin``.

Weights stay float32 (no fp16 compression), so the IR computes what `predict` does.

Example:
    >>> model.export("model.xml", format="openvino")
    >>> openvino.Core().read_model("model.xml")
"""

import io
import os
import shutil
import tempfile

from kerasnb.engine.export.onnx import to_onnx


def export(model, filepath, verbose=None, input_signature=None, opset_version=None, **kwargs):
    """Writes `model` as OpenVINO IR: `filepath` (``.xml``) and the ``.bin`` beside it.

    Args:
        model: a built kerasnb model.
        filepath: the ``.xml`` path; the weights go to the same name with ``.bin``.
        input_signature, opset_version: as in `kerasnb.engine.export.onnx.to_onnx`.

    Raises:
        ValueError: `filepath` does not end in ``.xml``.
        NotImplementedError: the model has layers or ops with no translation (all named).
    """
    if kwargs:
        raise TypeError(f"OpenVINO export got unexpected keyword arguments {sorted(kwargs)}.")
    filepath = os.fspath(filepath)
    if not filepath.endswith(".xml"):
        raise ValueError(f"`filepath` for OpenVINO export must end in '.xml'; received {filepath!r}.")
    import openvino

    proto = to_onnx(model, input_signature=input_signature, opset_version=opset_version)
    converted = openvino.convert_model(io.BytesIO(proto.SerializeToString()))
    folder = os.path.dirname(os.path.abspath(filepath))
    weights_path = filepath[:-len(".xml")] + ".bin"
    staging = tempfile.mkdtemp(dir=folder, prefix=".tmp-openvino-")
    try:
        staged_xml = os.path.join(staging, "model.xml")
        openvino.save_model(converted, staged_xml, compress_to_fp16=False)
        os.replace(os.path.join(staging, "model.bin"), weights_path)
        os.replace(staged_xml, filepath)  # last, so an .xml is never without its weights
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if verbose or verbose is None:
        print(f"Saved artifact at '{filepath}'.")
    return filepath
