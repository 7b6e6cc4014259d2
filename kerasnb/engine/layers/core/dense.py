"""`Dense`: ``activation(inputs @ kernel + bias)`` over the last axis, with LoRA and
int8 / int4 / float8 quantization."""

import numpy as np

from kerasnb.engine import activations, constraints, initializers, regularizers
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import core, nn
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.quantization import configs, kernels, lora, matrices
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


def _transposed_product(upstream, kernel):
    return knp.matmul(upstream, knp.transpose(kernel))


@builtin("layers")
class Dense(Layer):
    """A fully connected layer on the last axis.

    Args:
        units: output size.
        activation: an activation function or its name; None means linear.
        use_bias: add a bias vector.
        kernel_initializer, bias_initializer: initializers or their names.
        kernel_regularizer, bias_regularizer: penalties added to `losses`.
        kernel_constraint, bias_constraint: projections applied after optimizer updates.
        lora_rank: enable LoRA of this rank when the layer is built (see `enable_lora`).
        lora_alpha: LoRA's scale numerator (the update is ``lora_alpha / lora_rank * A @ B``);
            defaults to `lora_rank`.
        quantization_config: the `QuantizationConfig` a quantized layer was made with.

    Example:
        >>> Dense(4, activation="relu")(np.ones((2, 3))).shape
        (2, 4)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"`units` must be a positive int; received {units!r}.")
        if lora_rank is not None:
            lora.check_rank(lora_rank)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantization_config
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"Dense {self.name!r} needs a known last input dimension; received {input_shape}.")
        self._features = features
        mode = self.quantization_mode
        if mode is not None:
            self.quantized_build((features, self.units), mode, self.quantization_config)
        if mode not in ("int8", "int4"):
            self._kernel = self.add_weight(shape=(features, self.units), initializer=self.kernel_initializer,
                                           regularizer=self.kernel_regularizer,
                                           constraint=self.kernel_constraint, name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: features})
        self.built = True
        if self.lora_rank and not self.lora_enabled:
            self.enable_lora(self.lora_rank, self.lora_alpha)

    @property
    def kernel(self):
        """The kernel as the call uses it: the float kernel (plus the LoRA update when
        enabled), the int8 codes, or the unpacked int4 codes."""
        if not self.built:
            raise AttributeError(f"Dense {self.name!r} has no kernel before it is built.")
        mode = self.quantization_mode
        if mode == "int4":
            return matrices.unpacked_codes(self._kernel, mode, self.units)
        if self.lora_enabled and mode is None:
            return core.cast(knp.add(self._kernel, self._lora_update()), self.compute_dtype)
        return self._kernel

    def _lora_update(self):
        return knp.multiply(knp.matmul(self.lora_kernel_a, self.lora_kernel_b), self.lora_alpha / self.lora_rank)

    def call(self, inputs, training=None):
        return self.activation(nn.dense(inputs, self.kernel, self.bias))

    def _finish(self, inputs, x, float8_bias=False):
        """Adds the LoRA branch (quantized calls), the bias and the activation. Float8 calls
        with float32 compute round the bias through bfloat16 first, as Keras does."""
        if self.lora_enabled:
            branch = knp.matmul(knp.matmul(inputs, self.lora_kernel_a), self.lora_kernel_b)
            x = core.cast(knp.add(x, knp.multiply(branch, self.lora_alpha / self.lora_rank)), self.compute_dtype)
        if self.bias is not None:
            bias = self.bias
            if float8_bias and self.compute_dtype == "float32":
                bias = core.cast(core.cast(bias, "bfloat16"), "float32")
            x = knp.add(x, bias)
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    # LoRA ---------------------------------------------------------------------------

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes the kernel and adds a trainable low-rank update ``alpha / rank * A @ B``
        (A: ``(inputs, rank)``, B: ``(rank, units)``, B starting at zero).

        Example:
            >>> layer.enable_lora(4)
        """
        lora.check_rank(rank)
        lora.check_can_enable(self, self.kernel_constraint)
        if self.quantization_mode == "float8":
            raise NotImplementedError(f"Dense {self.name!r}: LoRA is not supported with float8 quantization.")
        features = self._float_weight_shapes()[0][0]
        self.lora_kernel_a, self.lora_kernel_b = lora.add_adapters(
            self, "lora_kernel", (features, rank), (rank, self.units), self.kernel_regularizer,
            a_initializer, b_initializer)
        self._kernel.trainable = False
        self.lora_enabled, self.lora_rank = True, rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _zero_lora(self):
        self.lora_kernel_a.assign(knp.zeros(self.lora_kernel_a.shape))
        self.lora_kernel_b.assign(knp.zeros(self.lora_kernel_b.shape))

    def _merged_weights(self):
        """The kernel (and its scales) with the LoRA update merged in, as saved (host arrays)."""
        delta = core.convert_to_numpy(self._lora_update())
        mode = self.quantization_mode
        if mode is None:
            return {"kernel": (np.asarray(self._kernel.numpy(), "float32") + delta).astype(self._kernel.dtype)}
        block = getattr(self, "_int4_block_size", None)
        zero = getattr(self, "kernel_zero", None)
        weight = matrices.dequantize_matrix_numpy(self._kernel.value, self.kernel_scale.value,
                                                  None if zero is None else zero.value, mode, self.units, block)
        return matrices.quantize_matrix(weight + delta, mode, block)

    # Quantization -------------------------------------------------------------------

    def _float_weight_shapes(self):
        features = self._features
        return [(features, self.units)] + ([(self.units,)] if self.use_bias else [])

    def quantized_build(self, kernel_shape, mode, config=None):
        """Creates the variables of quantization `mode` for a float kernel of `kernel_shape`."""
        features, units = kernel_shape
        if mode == "int8":
            self.inputs_quantizer = configs.QuantizationConfig.activation_quantizer_or_default(
                config, configs.Int8QuantizationConfig().activation_quantizer)
            self._kernel = self.add_weight(shape=kernel_shape, initializer="zeros", dtype="int8",
                                           trainable=False, name="kernel")
            self.kernel_scale = self.add_weight(shape=(units,), initializer="ones", trainable=False,
                                                name="kernel_scale")
        elif mode == "int4":
            self.inputs_quantizer = configs.QuantizationConfig.activation_quantizer_or_default(config, None)
            block = self._int4_block_size = configs.int4_block_size(self, config)
            self._kernel = self.add_weight(shape=(features, (units + 1) // 2), initializer="zeros",
                                           dtype="int8", trainable=False, name="kernel")
            scale_shape = (units,) if block is None else (matrices.group_count(features, block), units)
            self.kernel_scale = self.add_weight(shape=scale_shape, initializer="ones", trainable=False,
                                                name="kernel_scale")
            if block is not None:
                self.kernel_zero = self.add_weight(shape=scale_shape, initializer="zeros", dtype="int8",
                                                   trainable=False, name="kernel_zero")
                self.g_idx = self.add_weight(shape=(features,), initializer="zeros", trainable=False,
                                             dtype="float32", name="g_idx")
                self.g_idx.assign(matrices.group_index(features, block))
        elif mode == "float8":
            add_float8_weights(self)
        else:
            raise NotImplementedError(f"Dense {self.name!r}: quantization mode {mode!r} is not supported "
                                      "in kerasnb (int8, int4 and float8 are).")
        self._is_quantized = True

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the kernel in place: ``"int8"`` (per-output-channel scales, int8 inputs
        by default), ``"int4"`` (packed, per channel or in blocks) or ``"float8"`` (float8
        training with delayed scaling).

        Example:
            >>> layer.quantize("int8")
        """
        config = self._resolve_quantize(mode, config, type_check, Dense)
        self.quantization_config, mode = config, config.mode
        if mode == "float8" and self.lora_enabled:
            raise NotImplementedError(f"Dense {self.name!r}: float8 quantization does not support LoRA.")
        shape = tuple(self._kernel.shape)
        block = configs.int4_block_size(self, config) if mode == "int4" else None
        if mode in ("int8", "int4"):
            quantizer = config.weight_quantizer if block is None else None
            parts = matrices.quantize_matrix(self._kernel.numpy(), mode, block, quantizer)
            self._drop_weight(self._kernel)
            del self._kernel
            self.quantized_build(shape, mode, config)
            for name, value in parts.items():
                getattr(self, "_kernel" if name == "kernel" else name).assign(value)
        else:
            self.quantized_build(shape, mode, config)
        self._set_quantized_policy(mode, block)

    def _int8_call(self, inputs, training=None):
        return self._finish(inputs, self._integer_product(inputs, self._kernel))

    def _int4_call(self, inputs, training=None):
        if getattr(self, "kernel_zero", None) is not None:
            weight = matrices.dequantize_matrix(self._kernel, self.kernel_scale, self.kernel_zero, self.g_idx,
                                                "int4", self.units, self.compute_dtype)
            return self._finish(inputs, knp.matmul(inputs, weight))
        codes = matrices.unpacked_codes(self._kernel, "int4", self.units)
        return self._finish(inputs, self._integer_product(inputs, codes))

    def _integer_product(self, inputs, codes):
        """``inputs @ (codes / kernel_scale)``: on int8 inputs when there is an inputs quantizer."""
        compute = self.compute_dtype
        if self.inputs_quantizer is None:
            return knp.matmul(inputs, kernels.dequantize(codes, self.kernel_scale, compute))
        return kernels.quantized_inputs_product(
            inputs, codes, self.kernel_scale, self.inputs_quantizer, -1, knp.matmul, _transposed_product,
            lambda scale: scale, lambda c, s: kernels.dequantize(c, s, compute), compute)

    def _float8_call(self, inputs, training=None):
        compute = self.compute_dtype
        x = knp.matmul(kernels.float8_inputs(inputs, self.inputs_scale, self.inputs_amax_history, training, compute),
                       kernels.float8_inputs(self._kernel, self.kernel_scale, self.kernel_amax_history, training,
                                             compute))
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

    def get_config(self):
        s = serialization.serialize_keras_object
        config = {
            **super().get_config(), "units": self.units,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": s(self.kernel_initializer), "bias_initializer": s(self.bias_initializer),
            "kernel_regularizer": s(self.kernel_regularizer), "bias_regularizer": s(self.bias_regularizer),
            "activity_regularizer": s(self.activity_regularizer),
            "kernel_constraint": s(self.kernel_constraint), "bias_constraint": s(self.bias_constraint),
            "quantization_config": s(self.quantization_config),
        }
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["quantization_config"] = serialization.deserialize_keras_object(config.get("quantization_config"))
        return super().from_config(config)
