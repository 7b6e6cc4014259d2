"""LoRA (low-rank adaptation) for Dense, EinsumDense and Embedding, and the saved form of
adapted or quantized weights.

With LoRA on, a layer's main weight is frozen and ``alpha / rank * (A @ B)`` is added to it,
where ``A`` (``(..., rank)``) and ``B`` (``(rank, units)``) are small trainable float32
matrices (B starts at zero, so the layer starts unchanged). Saving merges the adapters into
the main weight (re-quantizing a quantized one), as Keras does, and loading zeroes them:
the file layout stays that of the plain (or quantized) layer.

Example:
    >>> layer.enable_lora(4)
    >>> [w.name for w in layer.trainable_weights]
    ['bias', 'lora_kernel_a', 'lora_kernel_b']
"""

import numpy as np

from kerasnb.engine import initializers


class StoredValue:
    """Stands for variable `like` in a weights file: `read()` gives what is saved and
    `write(array)` applies what is loaded (same name, shape and dtype as `like`)."""

    def __init__(self, like, read, write):
        self.name, self.path, self.shape = like.name, like.path, like.shape
        self.dtype, self.trainable = like.dtype, like.trainable
        self._read, self._write = read, write

    def numpy(self):
        return np.asarray(self._read())

    def assign(self, value):
        self._write(value)
        return self


def check_can_enable(layer, constraint):
    if constraint is not None:
        raise ValueError(f"LoRA cannot be enabled on {layer.name!r}: it has a weight constraint. Remove the "
                         "constraint argument to use LoRA.")
    if not layer.built:
        raise ValueError(f"Cannot enable LoRA on {layer.name!r}: the layer is not built yet.")
    if getattr(layer, "lora_enabled", False):
        raise ValueError(f"LoRA is already enabled on {layer.name!r}; it can be enabled once per layer.")


def add_adapters(layer, prefix, a_shape, b_shape, regularizer, a_initializer, b_initializer):
    """Creates ``<prefix>_a`` and ``<prefix>_b`` (float32, trainable) on `layer`."""
    a = layer.add_weight(name=f"{prefix}_a", shape=a_shape, initializer=initializers.get(a_initializer),
                         dtype="float32", regularizer=regularizer)
    b = layer.add_weight(name=f"{prefix}_b", shape=b_shape, initializer=initializers.get(b_initializer),
                         dtype="float32", regularizer=regularizer)
    return a, b


def check_rank(rank):
    if not isinstance(rank, int) or isinstance(rank, bool) or rank <= 0:
        raise ValueError(f"`rank` must be a positive int; received rank={rank!r}.")


def saved_entries(layer, variables, merged=None, on_load=None, adapters=()):
    """The file entries of `layer`: `variables` (``[(name, variable or None)]``, Nones
    skipped), then any other variable of the layer (e.g. one a user attached) except the LoRA
    `adapters`. Names in `merged` (``{name: () -> array}``) save the computed array instead,
    and loading any of them also runs `on_load` (which zeroes the adapters)."""
    from kerasnb.engine.tensors import Variable
    listed = {id(v) for _, v in variables if v is not None} | {id(v) for v in adapters}
    others = []
    for variable in layer._own_variables + layer._tracked(Variable):
        if id(variable) not in listed:
            listed.add(id(variable))
            others.append(variable)
    others = [v for v in others if v.trainable] + [v for v in others if not v.trainable]
    out = []
    for name, variable in variables:
        if variable is None:
            continue
        if merged and name in merged:
            def write(value, variable=variable):
                variable.assign(value)
                if on_load is not None:
                    on_load()
            out.append(StoredValue(variable, merged[name], write))
        else:
            out.append(variable)
    return out + others
