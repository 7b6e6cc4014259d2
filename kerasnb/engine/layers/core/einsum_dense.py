"""`EinsumDense`: a dense layer whose contraction is any einsum equation."""

import re

import numpy as np

from kerasnb.engine import activations, constraints, initializers, regularizers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.quantization import configs, kernels, lora, matrices, quantizers
from kerasnb.engine.quantization.einsum_layout import EinsumLayout
from kerasnb.engine.quantization.kernels import FLOAT8_NAMES, add_float8_weights
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin

# The variables a .keras file holds for each quantization mode, in order (Keras's layout).
_FILE_LAYOUT = {
    None: ("kernel", "bias"),
    "int8": ("kernel", "bias", "kernel_scale"),
    "int4": ("kernel", "bias", "kernel_scale", "kernel_zero", "g_idx"),
    "float8": ("kernel", "bias") + FLOAT8_NAMES,
}


def _parse_equation(equation):
    """Splits ``"ab,bc->ac"`` (optionally with one leading or trailing ``...``) into
    ``(input_spec, kernel_spec, output_spec, ellipsis_side)``."""
    if not isinstance(equation, str):
        raise ValueError(f"`equation` must be a string like 'ab,bc->ac'; received {equation!r}.")
    patterns = ((r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", None),
                (r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)", "left"),
                (r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.", "right"))
    compact = equation.replace(" ", "")
    for pattern, side in patterns:
        found = re.fullmatch(pattern, compact)
        if found:
            return found.group(1), found.group(2), found.group(3), side
    raise ValueError(
        "`equation` must have the form 'ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...'; "
        f"received equation={equation!r}.")


def _einsum_shapes(equation, bias_axes, input_shape, partial_output_shape):
    """Kernel shape, bias shape (or None) and full output shape for `input_shape`."""
    in_spec, w_spec, out_spec, side = _parse_equation(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    if elided < 0 or (elided > 0 and side is None):
        raise ValueError(f"EinsumDense equation {equation!r} expects inputs of rank {len(in_spec)}; "
                         f"received input shape {input_shape}.")
    partial = [partial_output_shape] if isinstance(partial_output_shape, int) else list(partial_output_shape)
    # the full output: batch dim, then elided dims on their side, then `partial`
    full = [input_shape[0]] + partial
    if side == "left":
        full[1:1] = list(input_shape[1:elided])
        in_pos = {c: i + elided for i, c in enumerate(in_spec)}
        out_pos = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        if side == "right":
            full += list(input_shape[len(in_spec):])
        in_pos = {c: i for i, c in enumerate(in_spec)}
        out_pos = {c: i for i, c in enumerate(out_spec)}
    if side != "left" and len(full) != len(out_spec) + max(elided, 0):
        raise ValueError(f"`output_shape` {tuple(partial)} does not match equation {equation!r}: the "
                         f"output has rank {len(out_spec) + elided}.")
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(f"Output dimension {c!r} of equation {equation!r} appears in neither the "
                             "input nor the kernel.")
        if c in in_pos:
            known, wanted = input_shape[in_pos[c]], full[out_pos[c]]
            if wanted is not None and known is not None and wanted != known:
                raise ValueError(f"`output_shape` gives dimension {c!r} size {wanted}, but the input has "
                                 f"{known} there (input shape {input_shape}).")
            if wanted is None:
                full[out_pos[c]] = known
    kernel_shape = []
    for c in w_spec:
        if c in in_pos:
            kernel_shape.append(input_shape[in_pos[c]])
        elif c in out_pos:
            kernel_shape.append(full[out_pos[c]])
        else:
            raise ValueError(f"Kernel dimension {c!r} of equation {equation!r} appears in neither the "
                             "input nor the output.")
    bias_shape = None
    if bias_axes:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(f"`bias_axes` entry {c!r} is not an output dimension of {equation!r}; "
                                 f"received bias_axes={bias_axes!r}.")
        first = min(out_spec.find(c) for c in bias_axes)
        bias_shape = [full[out_pos[c]] if c in bias_axes else 1 for c in out_spec[first:]]
        if side == "right":
            bias_shape += [1] * elided
    return kernel_shape, bias_shape, tuple(full)


@builtin("layers")
class EinsumDense(Layer):
    """A dense layer computing ``einsum(equation, inputs, kernel) + bias``.

    Args:
        equation: ``"<input>,<kernel>-><output>"`` (e.g. ``"abc,cd->abd"``); a ``...`` may
            stand for leading (``"...b,bc->...c"``) or trailing dims.
        output_shape: the output shape without the batch dim (an int for rank 2); None
            entries are taken from the input.
        activation: an activation function or its name; None means linear.
        bias_axes: output letters that get a bias (e.g. ``"d"``); None means no bias.
        kernel_initializer, bias_initializer: initializers or their names.
        kernel_regularizer, bias_regularizer: penalties added to `losses`.
        kernel_constraint, bias_constraint: projections applied after optimizer updates.
        lora_rank, lora_alpha: LoRA of this rank (and scale numerator) once built, see
            `enable_lora`.
        gptq_unpacked_column_size: GPTQ bookkeeping; kerasnb has no GPTQ, so it must be None.
        quantization_config: the `QuantizationConfig` a quantized layer was made with.

    Example:
        >>> EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")(np.ones((2, 5, 3))).shape
        (2, 5, 8)
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if gptq_unpacked_column_size is not None:
            raise NotImplementedError("EinsumDense: GPTQ-quantized layers are not supported in kerasnb "
                                      "(`gptq_unpacked_column_size` must be None).")
        if lora_rank is not None:
            lora.check_rank(lora_rank)
        _parse_equation(equation)
        if isinstance(output_shape, int) and not isinstance(output_shape, bool):
            output_shape = (output_shape,)
        if not isinstance(output_shape, (list, tuple)) or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in output_shape):
            raise ValueError("`output_shape` must be an int or a tuple of positive ints and None; "
                             f"received output_shape={output_shape!r}.")
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise ValueError(f"`bias_axes` must be a string of output letters or None; received {bias_axes!r}.")
        self.equation = equation
        self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantization_config

    def build(self, input_shape):
        kernel_shape, bias_shape, full = _einsum_shapes(self.equation, self.bias_axes, input_shape,
                                                        self.partial_output_shape)
        if any(d is None for d in kernel_shape) or (bias_shape and any(d is None for d in bias_shape)):
            raise ValueError(f"EinsumDense {self.name!r}: the kernel shape {tuple(kernel_shape)} needs known "
                             f"input dimensions; received input shape {tuple(input_shape)}.")
        self.full_output_shape = full
        self._layout = EinsumLayout(_parse_equation(self.equation), len(input_shape))
        self._kernel_shape, self._bias_shape = tuple(kernel_shape), bias_shape
        mode = self.quantization_mode
        if mode is not None:
            self.quantized_build(self._kernel_shape, mode, self.quantization_config)
        if mode not in ("int8", "int4"):
            self._kernel = self.add_weight(shape=kernel_shape, initializer=self.kernel_initializer,
                                           regularizer=self.kernel_regularizer,
                                           constraint=self.kernel_constraint, name="kernel")
        self.bias = None if bias_shape is None else self.add_weight(
            shape=bias_shape, initializer=self.bias_initializer, regularizer=self.bias_regularizer,
            constraint=self.bias_constraint, name="bias")
        self.built = True
        if self.lora_rank and not self.lora_enabled:
            self.enable_lora(self.lora_rank, self.lora_alpha)

    @property
    def kernel(self):
        """The kernel as the call uses it: the float kernel (plus the LoRA update when
        enabled), the int8 codes, or the int4 codes in the kernel's shape."""
        if not self.built:
            raise AttributeError(f"EinsumDense {self.name!r} has no kernel before it is built.")
        mode = self.quantization_mode
        if mode == "int4":
            codes = matrices.unpacked_codes(self._kernel, mode, self._layout.flat_shape(self._kernel_shape)[1])
            return self._layout.unflatten(codes, self._kernel_shape)
        if self.lora_enabled and mode is None:
            return core.cast(ops.add(self._kernel, self._lora_update()), self.compute_dtype)
        return self._kernel

    def _lora_update(self):
        return ops.multiply(ops.matmul(self.lora_kernel_a, self.lora_kernel_b), self.lora_alpha / self.lora_rank)

    def call(self, inputs, training=None):
        return self._finish(inputs, ops.einsum(self.equation, inputs, self.kernel), lora_branch=False)

    def _finish(self, inputs, x, lora_branch=True, float8_bias=False):
        """Adds the LoRA branch (quantized calls), the bias and the activation. Float8 calls
        with float32 compute round the bias through bfloat16 first, as Keras does."""
        if lora_branch and self.lora_enabled:
            branch = ops.matmul(ops.einsum(self.equation, inputs, self.lora_kernel_a), self.lora_kernel_b)
            x = core.cast(ops.add(x, ops.multiply(branch, self.lora_alpha / self.lora_rank)), self.compute_dtype)
        if self.bias is not None:
            bias = self.bias
            if float8_bias and self.compute_dtype == "float32":
                bias = core.cast(core.cast(bias, "bfloat16"), "float32")
            x = ops.add(x, bias)
        return self.activation(x)

    # LoRA ---------------------------------------------------------------------------

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes the kernel and adds a trainable low-rank update ``alpha / rank * A @ B``
        with A of the kernel's shape but a last axis of `rank`, and B ``(rank, last axis)``.

        Example:
            >>> layer.enable_lora(2)
        """
        lora.check_rank(rank)
        lora.check_can_enable(self, self.kernel_constraint)
        if self.quantization_mode == "float8":
            raise NotImplementedError(f"EinsumDense {self.name!r}: LoRA is not supported with float8 "
                                      "quantization.")
        shape = self._kernel_shape
        self.lora_kernel_a, self.lora_kernel_b = lora.add_adapters(
            self, "lora_kernel", shape[:-1] + (rank,), (rank, shape[-1]), self.kernel_regularizer,
            a_initializer, b_initializer)
        self._kernel.trainable = False
        self.lora_enabled, self.lora_rank = True, rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _zero_lora(self):
        self.lora_kernel_a.assign(ops.zeros(self.lora_kernel_a.shape))
        self.lora_kernel_b.assign(ops.zeros(self.lora_kernel_b.shape))

    def _merged_weights(self):
        """The kernel (and its scales) with the LoRA update merged in, as saved (host arrays)."""
        delta = core.convert_to_numpy(self._lora_update())
        mode = self.quantization_mode
        if mode is None:
            return {"kernel": (np.asarray(self._kernel.numpy(), "float32") + delta).astype(self._kernel.dtype)}
        return self._quantized_parts(self._float_kernel_numpy() + delta, mode)

    # Quantization -------------------------------------------------------------------

    def _float_weight_shapes(self):
        return [self._kernel_shape] + ([tuple(self._bias_shape)] if self._bias_shape else [])

    def _float_kernel_numpy(self):
        """The de-quantized kernel (float32 host array, kernel layout)."""
        layout, mode = self._layout, self.quantization_mode
        if mode == "int8":
            scale = layout.to_spec(self.kernel_scale.numpy(), layout.kernel_spec, np)
            return self._kernel.numpy().astype("float32") / scale
        zero = getattr(self, "kernel_zero", None)
        columns = layout.flat_shape(self._kernel_shape)[1]
        matrix = matrices.dequantize_matrix_numpy(self._kernel.value, self.kernel_scale.value,
                                                  None if zero is None else zero.value, mode, columns,
                                                  getattr(self, "_int4_block_size", None))
        return layout.unflatten(matrix, self._kernel_shape, np)

    def _quantized_parts(self, kernel, mode, config=None):
        """``{variable name: host array}`` of a float kernel quantized in `mode`."""
        layout = self._layout
        if mode == "int8":
            quantizer = configs.QuantizationConfig.weight_quantizer_or_default(
                config, quantizers.AbsMaxQuantizer(axis=layout.kernel_reduced))
            codes, scale = quantizer(kernel, to_numpy=True)
            scale = layout.to_output(core.convert_to_numpy(scale), layout.kernel_spec, np)
            return {"kernel": core.convert_to_numpy(codes), "kernel_scale": scale}
        block = getattr(self, "_int4_block_size", None)
        quantizer = config.weight_quantizer if config is not None and block is None else None
        return matrices.quantize_matrix(layout.flatten(np.asarray(kernel), np), mode, block, quantizer)

    def quantized_build(self, kernel_shape, mode, config=None):
        """Creates the variables of quantization `mode` for a float kernel of `kernel_shape`."""
        layout = self._layout
        if mode == "int8":
            self.inputs_quantizer = configs.QuantizationConfig.activation_quantizer_or_default(
                config, configs.Int8QuantizationConfig().activation_quantizer)
            self._kernel = self.add_weight(shape=kernel_shape, initializer="zeros", dtype="int8",
                                           trainable=False, name="kernel")
            self.kernel_scale = self.add_weight(shape=layout.scale_shape(layout.kernel_spec, kernel_shape),
                                                initializer="ones", trainable=False, name="kernel_scale")
        elif mode == "int4":
            self.inputs_quantizer = configs.QuantizationConfig.activation_quantizer_or_default(config, None)
            block = self._int4_block_size = configs.int4_block_size(self, config)
            rows, columns = layout.flat_shape(kernel_shape)
            self._kernel = self.add_weight(shape=(rows, (columns + 1) // 2), initializer="zeros", dtype="int8",
                                           trainable=False, name="kernel")
            scale_shape = (columns,) if block is None else (matrices.group_count(rows, block), columns)
            self.kernel_scale = self.add_weight(shape=scale_shape, initializer="ones", trainable=False,
                                                name="kernel_scale")
            if block is not None:
                self.kernel_zero = self.add_weight(shape=scale_shape, initializer="zeros", dtype="int8",
                                                   trainable=False, name="kernel_zero")
                self.g_idx = self.add_weight(shape=(rows,), initializer="zeros", trainable=False,
                                             dtype="float32", name="g_idx")
                self.g_idx.assign(matrices.group_index(rows, block))
        elif mode == "float8":
            add_float8_weights(self)
        else:
            raise NotImplementedError(f"EinsumDense {self.name!r}: quantization mode {mode!r} is not supported "
                                      "in kerasnb (int8, int4 and float8 are).")
        self._is_quantized = True

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the kernel in place: ``"int8"`` (scales per kept kernel slice, int8
        inputs by default), ``"int4"`` (packed, per column or in blocks) or ``"float8"``.

        Example:
            >>> layer.quantize("int4", config=Int4QuantizationConfig(block_size=-1))
        """
        config = self._resolve_quantize(mode, config, type_check, EinsumDense)
        self.quantization_config, mode = config, config.mode
        if mode == "float8" and self.lora_enabled:
            raise NotImplementedError(f"EinsumDense {self.name!r}: float8 quantization does not support LoRA.")
        block = configs.int4_block_size(self, config) if mode == "int4" else None
        if mode in ("int8", "int4"):
            self._int4_block_size = block
            parts = self._quantized_parts(self._kernel.numpy(), mode, config)
            self._drop_weight(self._kernel)
            del self._kernel
            self.quantized_build(self._kernel_shape, mode, config)
            for name, value in parts.items():
                getattr(self, "_kernel" if name == "kernel" else name).assign(value)
        else:
            self.quantized_build(self._kernel_shape, mode, config)
        self._set_quantized_policy(mode, block)

    def _integer_product(self, inputs, codes, kernel_scale):
        """``einsum(inputs, codes / scale)`` (output-aligned `kernel_scale`), on int8 inputs
        when there is an inputs quantizer."""
        layout, compute = self._layout, self.compute_dtype

        def float_kernel(codes, scale):
            return kernels.dequantize(codes, layout.to_spec(scale, layout.kernel_spec), compute)

        if self.inputs_quantizer is None:
            return ops.einsum(self.equation, inputs, float_kernel(codes, kernel_scale))
        return kernels.quantized_inputs_product(
            inputs, codes, kernel_scale, self.inputs_quantizer, tuple(layout.input_reduced),
            lambda a, b: ops.einsum(self.equation, a, b),
            lambda upstream, w: ops.einsum(layout.grad_equation, upstream, w),
            lambda scale: layout.to_output(scale, layout.input_spec), float_kernel, compute)

    def _int8_call(self, inputs, training=None):
        return self._finish(inputs, self._integer_product(inputs, self._kernel, self.kernel_scale))

    def _int4_call(self, inputs, training=None):
        layout = self._layout
        columns = layout.flat_shape(self._kernel_shape)[1]
        if getattr(self, "kernel_zero", None) is not None:
            matrix = matrices.dequantize_matrix(self._kernel, self.kernel_scale, self.kernel_zero, self.g_idx,
                                                "int4", columns, self.compute_dtype)
            weight = layout.unflatten(matrix, self._kernel_shape)
            return self._finish(inputs, ops.einsum(self.equation, inputs, weight))
        codes = layout.unflatten(matrices.unpacked_codes(self._kernel, "int4", columns), self._kernel_shape)
        scale = layout.column_scale_to_output(self.kernel_scale, self._kernel_shape)
        return self._finish(inputs, self._integer_product(inputs, codes, scale))

    def _float8_call(self, inputs, training=None):
        compute = self.compute_dtype
        x = ops.einsum(
            self.equation,
            kernels.float8_inputs(inputs, self.inputs_scale, self.inputs_amax_history, training, compute),
            kernels.float8_inputs(self._kernel, self.kernel_scale, self.kernel_amax_history, training, compute))
        x = kernels.float8_output_grads(x, self.outputs_grad_scale, self.outputs_grad_amax_history, compute)
        return self._finish(inputs, x, float8_bias=True)

    # Saving -------------------------------------------------------------------------

    def _saved_variables(self):
        """The variables a weights file holds, in Keras's order for the quantization mode;
        with LoRA on, the kernel (and its scales) merged with the update."""
        mode = self.quantization_mode
        if mode not in _FILE_LAYOUT:
            raise self._quantization_mode_error(mode)
        entries = [(n, getattr(self, "_kernel" if n == "kernel" else n, None)) for n in _FILE_LAYOUT[mode]]
        merged = None
        if self.lora_enabled:
            merged = {name: (lambda name=name: self._merged_weights()[name])
                      for name in ("kernel", "kernel_scale", "kernel_zero")}
        adapters = (self.lora_kernel_a, self.lora_kernel_b) if self.lora_enabled else ()
        return lora.saved_entries(self, entries, merged, self._zero_lora if self.lora_enabled else None, adapters)

    def compute_output_shape(self, input_shape):
        return _einsum_shapes(self.equation, self.bias_axes, input_shape, self.partial_output_shape)[2]

    def get_config(self):
        s = serialization.serialize_keras_object
        return {
            **super().get_config(), "output_shape": self.partial_output_shape,
            "equation": self.equation, "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": s(self.kernel_initializer), "bias_initializer": s(self.bias_initializer),
            "kernel_regularizer": s(self.kernel_regularizer), "bias_regularizer": s(self.bias_regularizer),
            "activity_regularizer": s(self.activity_regularizer),
            "kernel_constraint": s(self.kernel_constraint), "bias_constraint": s(self.bias_constraint),
            "quantization_config": s(self.quantization_config),
            **({"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha} if self.lora_rank else {}),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["quantization_config"] = serialization.deserialize_keras_object(config.get("quantization_config"))
        return super().from_config(config)
