"""`Dense`: ``activation(inputs @ kernel + bias)`` over the last axis."""

from kerasnb.engine import activations, constraints, initializers, regularizers
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import nn
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


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
        lora_rank, lora_alpha: low-rank adaptation (not supported yet; must be None).

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
        if lora_rank is not None or quantization_config is not None:
            raise NotImplementedError("Dense: LoRA and quantization arrive with the quantization issue.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"Dense {self.name!r} needs a known last input dimension; received {input_shape}.")
        self.kernel = self.add_weight(shape=(features, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: features})

    def call(self, inputs, training=None):
        return self.activation(nn.dense(inputs, self.kernel, self.bias))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {
            **super().get_config(), "units": self.units,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": s(self.kernel_initializer), "bias_initializer": s(self.bias_initializer),
            "kernel_regularizer": s(self.kernel_regularizer), "bias_regularizer": s(self.bias_regularizer),
            "activity_regularizer": s(self.activity_regularizer),
            "kernel_constraint": s(self.kernel_constraint), "bias_constraint": s(self.bias_constraint),
        }
