"""`Model.quantize`: quantize every quantizable leaf layer of a model.

Example:
    >>> model.quantize("int8")                      # every Dense / EinsumDense / Embedding
    >>> model.quantize("int4", filters="dense_1$")  # only layers whose name matches
"""

import re
import warnings

from kerasnb.engine.quantization import configs


def _selected(layer, filters):
    if filters is None:
        return True
    if isinstance(filters, str):
        return re.search(filters, layer.name) is not None
    if isinstance(filters, (list, tuple)):
        return any(re.search(pattern, layer.name) for pattern in filters)
    return bool(filters(layer))


def quantize_model(model, mode=None, config=None, filters=None, **kwargs):
    """Quantizes the leaf layers of `model` (those holding no other layers) that `filters`
    selects and that support `mode`; returns the layers it quantized.

    Args:
        model: a built model.
        mode: ``"int8"``, ``"int4"`` or ``"float8"`` (optional with `config`).
        config: a `QuantizationConfig` shared by the layers.
        filters: a regex (searched in layer names), a list of them, or a callable
            ``layer -> bool``.
        **kwargs: ``type_check`` (default True): skip subclasses of quantizable layers.

    Raises:
        ValueError: invalid arguments, an unbuilt model, or an already quantized layer.
        NotImplementedError: ``"gptq"`` or ``"awq"`` (calibration is not implemented).
    """
    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments passed to {type(model).__name__}.quantize: {kwargs}.")
    if filters is not None and not (isinstance(filters, (str, list, tuple)) or callable(filters)):
        raise ValueError("`filters` must be a regex string, a list of regex strings or a callable; received "
                         f"{type(filters).__name__}.")
    resolved = configs.resolve(mode, config)
    if resolved.mode in ("gptq", "awq"):
        raise NotImplementedError(f"{resolved.mode.upper()} quantization is not implemented in kerasnb (it needs a "
                                  "calibration pass); use model.quantize('int8') or 'int4'.")
    if not model.built:
        raise ValueError(f"Cannot quantize model {model.name!r}: it is not built yet. Call it on data or "
                         "`build(input_shape)` first.")
    quantized, skipped = [], []
    for layer in model._flatten_layers(include_self=False):
        if layer._flatten_layers(include_self=False) or not _selected(layer, filters):
            continue
        try:
            layer.quantize(mode, type_check=type_check, config=config)
            quantized.append(layer)
        except NotImplementedError as error:
            if layer.weights:
                skipped.append(f"{layer.name} ({type(layer).__name__}): {error}")
    if skipped:
        warnings.warn(f"{len(skipped)} layer(s) with weights keep their float weights:\n  " + "\n  ".join(skipped),
                      stacklevel=3)
    if quantized:
        model.__dict__.pop("_step_cache", None)  # compiled steps hold the old variables
    return quantized
