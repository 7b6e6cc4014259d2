"""`EinsumDense`: a dense layer whose contraction is any einsum equation."""

import re

from kerasnb.engine import activations, constraints, initializers, regularizers
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


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
        lora_rank, lora_alpha, gptq_unpacked_column_size, quantization_config: not
            supported yet; must be None.

    Example:
        >>> EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")(np.ones((2, 5, 3))).shape
        (2, 5, 8)
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if (lora_rank is not None or lora_alpha is not None or gptq_unpacked_column_size is not None
                or quantization_config is not None):
            raise NotImplementedError("EinsumDense: LoRA and quantization arrive with the quantization issue.")
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

    def build(self, input_shape):
        kernel_shape, bias_shape, full = _einsum_shapes(self.equation, self.bias_axes, input_shape,
                                                        self.partial_output_shape)
        if any(d is None for d in kernel_shape) or (bias_shape and any(d is None for d in bias_shape)):
            raise ValueError(f"EinsumDense {self.name!r}: the kernel shape {tuple(kernel_shape)} needs known "
                             f"input dimensions; received input shape {tuple(input_shape)}.")
        self.full_output_shape = full
        self.kernel = self.add_weight(shape=kernel_shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None if bias_shape is None else self.add_weight(
            shape=bias_shape, initializer=self.bias_initializer, regularizer=self.bias_regularizer,
            constraint=self.bias_constraint, name="bias")

    def call(self, inputs, training=None):
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x)

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
            "quantization_config": None,
        }
