"""The math of quantized layer calls, shared by Dense, EinsumDense and Embedding.

* `quantized_inputs_product`: inputs quantized on the fly (int8 abs-max) times int codes,
  de-scaled; the gradient w.r.t. the inputs is a straight-through estimate (the product
  with the de-quantized kernel), the codes and scales get none (they are frozen).
* `float8_inputs` / `float8_output_grads`: delayed-scaling float8 fake quantization of a
  matmul's operands (forward) and of its output gradient (backward). Their "gradients"
  w.r.t. the scale and amax-history variables are the *new values* of those variables,
  which the optimizer writes as is (``overwrite_with_gradient``).

Example:
    >>> y = quantized_inputs_product(x, codes, scale, AbsMaxQuantizer(), -1, ops.matmul,
    ...                              input_grad, output_scale, float_kernel, "float32")  # doctest: +SKIP
"""

from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.quantization import float8

_E4M3, _E5M2 = "float8_e4m3fn", "float8_e5m2"

# The float8 state of a layer, in the order Keras saves it.
FLOAT8_NAMES = ("inputs_scale", "inputs_amax_history", "kernel_scale", "kernel_amax_history",
                "outputs_grad_scale", "outputs_grad_amax_history")


def add_float8_weights(layer):
    """Creates `FLOAT8_NAMES` on `layer`: scalar scales (1.0) and amax histories (zeros) of
    the policy's `amax_history_length`, float32, never autocast, and trainable with
    ``overwrite_with_gradient`` (their "gradients" are their next values)."""
    from kerasnb.engine.dtype_policies import QuantizedFloat8DTypePolicy
    length = getattr(layer._own_policy(), "amax_history_length",
                     QuantizedFloat8DTypePolicy.default_amax_history_length)
    for name in FLOAT8_NAMES:
        history = name.endswith("history")
        setattr(layer, name, layer.add_weight(
            shape=(length,) if history else (), initializer="zeros" if history else "ones", dtype="float32",
            trainable=True, autocast=False, overwrite_with_gradient=True, name=name))


def _upstream(args, upstream):
    """The incoming gradient, however the backend passes it to a custom gradient function."""
    return args[-1] if upstream is None else upstream


def quantized_inputs_product(inputs, codes, kernel_scale, quantizer, axis, product, input_grad,
                             output_scale, float_kernel, compute_dtype):
    """``product(q, codes) / (s_in * kernel_scale)`` where ``q, s_in = quantizer(inputs, axis)``.

    Args:
        inputs: the float inputs.
        codes, kernel_scale: the int codes of the kernel and their scale (output layout).
        quantizer: an activation quantizer, e.g. `AbsMaxQuantizer`.
        axis: the input axes each input scale covers (the contracted ones).
        product: ``(inputs, kernel) -> outputs`` (a matmul or an einsum).
        input_grad: ``(upstream, float kernel) -> gradient w.r.t. inputs``.
        output_scale: maps the input scale (input layout) to the output layout.
        float_kernel: ``(codes, kernel_scale) -> de-quantized kernel`` (for the gradient).
        compute_dtype: the dtype of the result.
    """

    @core.custom_gradient
    def run(inputs, codes, kernel_scale):
        quantized, input_scale = quantizer(inputs, axis=axis)
        x = core.cast(product(quantized, codes), compute_dtype)
        x = knp.divide(x, knp.multiply(output_scale(input_scale), core.cast(kernel_scale, compute_dtype)))

        def grad_fn(*args, upstream=None):
            upstream = _upstream(args, upstream)
            return input_grad(upstream, float_kernel(codes, kernel_scale)), None, None

        return x, grad_fn

    return run(inputs, codes, kernel_scale)


def dequantize(codes, scale, compute_dtype):
    """``codes / scale`` in `compute_dtype` (`scale` broadcasts against `codes`)."""
    return knp.divide(core.cast(codes, compute_dtype), core.cast(scale, compute_dtype))


def _next_scale(history, scale, dtype):
    return float8.compute_float8_scale(knp.max(history, axis=0), scale, float8.float8_max(dtype))


def float8_inputs(x, scale, history, training, compute_dtype):
    """`x` quantized to E4M3 with `scale` and back. While training, the gradients w.r.t.
    `scale` and `history` are their next values (scale from the history's max, history with
    ``max|x|`` pushed); the gradient w.r.t. `x` passes straight through."""

    @core.custom_gradient
    def run(x, scale, history):
        if training:
            new_scale = _next_scale(history, scale, _E4M3)
            new_history = float8.compute_float8_amax_history(x, history)
        else:
            new_scale = new_history = None
        out = float8.quantize_and_dequantize(x, scale, _E4M3, compute_dtype)

        def grad_fn(*args, upstream=None):
            return _upstream(args, upstream), new_scale, new_history

        return out, grad_fn

    return run(x, scale, history)


def float8_output_grads(x, scale, history, compute_dtype):
    """`x` unchanged; its incoming gradient is quantized to E5M2 with `scale` and back, and
    the gradients w.r.t. `scale` and `history` are their next values."""

    @core.custom_gradient
    def run(x, scale, history):
        def grad_fn(*args, upstream=None):
            upstream = _upstream(args, upstream)
            new_scale = _next_scale(history, scale, _E5M2)
            new_history = float8.compute_float8_amax_history(upstream, history)
            return (float8.quantize_and_dequantize(upstream, scale, _E5M2, compute_dtype),
                    new_scale, new_history)

        return x, grad_fn

    return run(x, scale, history)
