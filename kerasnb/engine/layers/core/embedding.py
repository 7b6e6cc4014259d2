"""`Embedding`: a trainable lookup table from integer ids to dense vectors, with LoRA and
int8 / int4 quantization (one scale per row, i.e. per id)."""

import numpy as np

from kerasnb.engine import constraints, initializers, regularizers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core as core_ops
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.quantization import configs, lora, matrices, quantizers
from kerasnb.engine.quantization.packing import pack_int4
from kerasnb.engine.quantization.quantizers import dequantize_grouped
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin

# The variables a .keras file holds for each quantization mode, in order (Keras's layout).
_FILE_LAYOUT = {
    None: ("embeddings",),
    "int8": ("embeddings", "embeddings_scale"),
    "int4": ("embeddings", "embeddings_scale", "embeddings_zero", "g_idx"),
}


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {name}={value!r}.")
    return value


@builtin("layers")
class Embedding(Layer):
    """Maps integer ids in ``[0, input_dim)`` to rows of an ``(input_dim, output_dim)`` table.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each embedding vector.
        embeddings_initializer: initializer of the table (default ``"uniform"``).
        embeddings_regularizer: penalty on the table, added to `losses`.
        embeddings_constraint: projection applied to the table after optimizer updates.
        mask_zero: id 0 is padding; the layer then produces a mask ``ids != 0``.
        weights: an initial table (an array, or a one-element list of it).
        lora_rank, lora_alpha: LoRA of this rank (and scale numerator) once built, see
            `enable_lora`.
        quantization_config: the `QuantizationConfig` a quantized layer was made with.

    Example:
        >>> Embedding(10, 4)(np.array([[1, 2, 3]])).shape
        (1, 3, 4)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        kwargs.pop("input_length", None)  # Keras 2 argument, ignored
        super().__init__(**kwargs)
        if lora_rank is not None:
            lora.check_rank(lora_rank)
        self.input_dim = _positive_int(input_dim, "input_dim")
        self.output_dim = _positive_int(output_dim, "output_dim")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantization_config
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        mode = self.quantization_mode
        if mode is not None:
            self.quantized_build((self.input_dim, self.output_dim), mode, self.quantization_config)
        else:
            self._embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
                regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
                name="embeddings")
        self.built = True
        if self.lora_rank and not self.lora_enabled:
            self.enable_lora(self.lora_rank, self.lora_alpha)

    @property
    def embeddings(self):
        """The table as lookups use it: the float table (plus the LoRA update when enabled),
        the int8 codes, or the unpacked int4 codes."""
        if not self.built:
            raise AttributeError(f"Embedding {self.name!r} has no table before it is built.")
        mode = self.quantization_mode
        if mode == "int4":
            return matrices.unpacked_codes(self._embeddings, mode, self.output_dim)
        if self.lora_enabled and mode is None:
            return core_ops.cast(ops.add(self._embeddings, self._lora_update()), self.compute_dtype)
        return self._embeddings

    def _lora_update(self):
        return ops.multiply(ops.matmul(self.lora_embeddings_a, self.lora_embeddings_b),
                            self.lora_alpha / self.lora_rank)

    @staticmethod
    def _ids(inputs):
        return inputs if core_ops.dtype(inputs) in ("int32", "int64") else core_ops.cast(inputs, "int32")

    def call(self, inputs):
        return core_ops.cast(ops.take(self.embeddings, self._ids(inputs), axis=0), self.compute_dtype)

    def _finish(self, ids, outputs):
        """Adds the LoRA branch of quantized lookups."""
        if self.lora_enabled:
            branch = ops.matmul(ops.take(self.lora_embeddings_a, ids, axis=0), self.lora_embeddings_b)
            outputs = ops.add(outputs, ops.multiply(branch, self.lora_alpha / self.lora_rank))
        return core_ops.cast(outputs, self.compute_dtype)

    # LoRA ---------------------------------------------------------------------------

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes the table and adds a trainable low-rank update ``alpha / rank * A @ B``
        (A: ``(input_dim, rank)``, B: ``(rank, output_dim)``, B starting at zero).

        Example:
            >>> layer.enable_lora(4)
        """
        lora.check_rank(rank)
        lora.check_can_enable(self, self.embeddings_constraint)
        self.lora_embeddings_a, self.lora_embeddings_b = lora.add_adapters(
            self, "lora_embeddings", (self.input_dim, rank), (rank, self.output_dim),
            self.embeddings_regularizer, a_initializer, b_initializer)
        self._embeddings.trainable = False
        self.lora_enabled, self.lora_rank = True, rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _zero_lora(self):
        self.lora_embeddings_a.assign(ops.zeros(self.lora_embeddings_a.shape))
        self.lora_embeddings_b.assign(ops.zeros(self.lora_embeddings_b.shape))

    def _merged_weights(self):
        """The table (and its scales) with the LoRA update merged in, as saved (host arrays)."""
        delta = core_ops.convert_to_numpy(self._lora_update())
        mode = self.quantization_mode
        if mode is None:
            return {"embeddings": (np.asarray(self._embeddings.numpy(), "float32") + delta).astype(
                self._embeddings.dtype)}
        return self._quantized_parts(self._float_table_numpy() + delta, mode,
                                     getattr(self, "_int4_block_size", None))

    # Quantization -------------------------------------------------------------------

    def _float_weight_shapes(self):
        return [(self.input_dim, self.output_dim)]

    def _float_table_numpy(self):
        """The de-quantized table (float32 host array)."""
        codes = np.asarray(core_ops.convert_to_numpy(
            matrices.unpacked_codes(self._embeddings, self.quantization_mode, self.output_dim)), "float32")
        scale = self.embeddings_scale.numpy()
        zero = getattr(self, "embeddings_zero", None)
        if zero is None:
            return codes / scale[:, None]
        group = (np.arange(self.output_dim) // self._int4_block_size)
        return (codes - zero.numpy()[:, group]) * scale[:, group]

    def _quantized_parts(self, table, mode, block, quantizer=None):
        """``{variable name: host array}`` of a float table quantized in `mode`, one scale per
        row (id); grouped int4 works on the transposed table (blocks of output dims)."""
        table = np.asarray(table, "float32")
        if mode == "int4" and block is not None:
            codes, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(table.T, block, to_numpy=True)
            codes = core_ops.convert_to_numpy(codes).T
            parts = {"embeddings_scale": core_ops.convert_to_numpy(scale).T,
                     "embeddings_zero": core_ops.convert_to_numpy(zero).T}
        else:
            quantizer = quantizer or quantizers.AbsMaxQuantizer(
                axis=-1, value_range=(-127, 127) if mode == "int8" else (-8, 7))
            codes, scale = quantizer(table, to_numpy=True)
            codes = core_ops.convert_to_numpy(codes)
            parts = {"embeddings_scale": np.asarray(core_ops.convert_to_numpy(scale)).reshape(self.input_dim)}
        if mode == "int4":
            codes = core_ops.convert_to_numpy(pack_int4(np.ascontiguousarray(codes).astype("int8"), axis=-1)[0])
        parts["embeddings"] = codes
        return parts

    def quantized_build(self, embeddings_shape, mode, config=None):
        """Creates the variables of quantization `mode` for a float table of `embeddings_shape`."""
        rows, columns = embeddings_shape
        if mode == "int8":
            self._embeddings = self.add_weight(shape=embeddings_shape, initializer="zeros", dtype="int8",
                                               trainable=False, name="embeddings")
            self.embeddings_scale = self.add_weight(shape=(rows,), initializer="ones", trainable=False,
                                                    name="embeddings_scale")
        elif mode == "int4":
            block = self._int4_block_size = configs.int4_block_size(self, config)
            self._embeddings = self.add_weight(shape=(rows, (columns + 1) // 2), initializer="zeros",
                                               dtype="int8", trainable=False, name="embeddings")
            scale_shape = (rows,) if block is None else (rows, matrices.group_count(columns, block))
            self.embeddings_scale = self.add_weight(shape=scale_shape, initializer="ones", trainable=False,
                                                    name="embeddings_scale")
            if block is not None:
                self.embeddings_zero = self.add_weight(shape=scale_shape, initializer="zeros", dtype="int8",
                                                       trainable=False, name="embeddings_zero")
                self.g_idx = self.add_weight(shape=(columns,), initializer="zeros", trainable=False,
                                             dtype="float32", name="g_idx")
                self.g_idx.assign(matrices.group_index(columns, block))
        else:
            raise NotImplementedError(f"Embedding {self.name!r}: quantization mode {mode!r} is not supported "
                                      "(Embedding supports int8 and int4).")
        self._is_quantized = True

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the table in place, one scale per id: ``"int8"`` or ``"int4"`` (packed,
        per id or in blocks of output dims).

        Example:
            >>> layer.quantize("int8")
        """
        config = self._resolve_quantize(mode, config, type_check, Embedding)
        self.quantization_config, mode = config, config.mode
        if mode not in ("int8", "int4"):
            raise NotImplementedError(f"Embedding {self.name!r}: quantization mode {mode!r} is not supported "
                                      "(Embedding supports int8 and int4).")
        block = configs.int4_block_size(self, config) if mode == "int4" else None
        quantizer = config.weight_quantizer if block is None else None
        parts = self._quantized_parts(self._embeddings.numpy(), mode, block, quantizer)
        self._drop_weight(self._embeddings)
        del self._embeddings
        self.quantized_build((self.input_dim, self.output_dim), mode, config)
        for name, value in parts.items():
            getattr(self, "_embeddings" if name == "embeddings" else name).assign(value)
        self._set_quantized_policy(mode, block)

    def _int8_call(self, inputs):
        ids = self._ids(inputs)
        scale = ops.take(self.embeddings_scale, ids, axis=0)
        rows = core_ops.cast(ops.take(self._embeddings, ids, axis=0), self.compute_dtype)
        return self._finish(ids, ops.divide(rows, ops.expand_dims(core_ops.cast(scale, self.compute_dtype), -1)))

    def _int4_call(self, inputs):
        ids = self._ids(inputs)
        rows = ops.take(matrices.unpacked_codes(self._embeddings, "int4", self.output_dim), ids, axis=0)
        scale = ops.take(self.embeddings_scale, ids, axis=0)
        if getattr(self, "embeddings_zero", None) is None:
            out = ops.divide(core_ops.cast(rows, self.compute_dtype),
                             ops.expand_dims(core_ops.cast(scale, self.compute_dtype), -1))
        else:
            zero = ops.take(self.embeddings_zero, ids, axis=0)
            out = dequantize_grouped(rows, scale, zero, self.g_idx, axis=-1)
        return self._finish(ids, out)

    # Saving -------------------------------------------------------------------------

    def _saved_variables(self):
        """The variables a weights file holds, in Keras's order for the quantization mode;
        with LoRA on, the table (and its scales) merged with the update."""
        mode = self.quantization_mode
        if mode not in _FILE_LAYOUT:
            raise self._quantization_mode_error(mode)
        entries = [(n, getattr(self, "_embeddings" if n == "embeddings" else n, None)) for n in _FILE_LAYOUT[mode]]
        merged = None
        if self.lora_enabled:
            merged = {name: (lambda name=name: self._merged_weights()[name])
                      for name in ("embeddings", "embeddings_scale", "embeddings_zero")}
        adapters = (self.lora_embeddings_a, self.lora_embeddings_b) if self.lora_enabled else ()
        return lora.saved_entries(self, entries, merged, self._zero_lora if self.lora_enabled else None, adapters)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {
            **super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": s(self.embeddings_initializer),
            "embeddings_regularizer": s(self.embeddings_regularizer),
            "activity_regularizer": s(self.activity_regularizer),
            "embeddings_constraint": s(self.embeddings_constraint), "mask_zero": self.mask_zero,
            "quantization_config": s(self.quantization_config),
            **({"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha} if self.lora_rank else {}),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["quantization_config"] = serialization.deserialize_keras_object(config.get("quantization_config"))
        return super().from_config(config)
