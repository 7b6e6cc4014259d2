"""SpectralNormalization: a wrapper that divides a layer's kernel by its largest singular value."""

from kerasnb.engine import initializers
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.normalization import _ops as ops
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def _l2_normalize(x):
    return ops.multiply(x, ops.rsqrt(ops.maximum(ops.sum(ops.square(x)), 1e-12)))


@builtin("layers")
class SpectralNormalization(Layer):
    """Wraps a layer with a `kernel` (or `embeddings`) and keeps that weight spectrally normalized.

    In training, each call runs `power_iterations` steps of power iteration (its vector `u`
    is a non-trainable weight), then assigns ``kernel / sigma`` to the wrapped kernel, where
    `sigma` estimates the kernel's largest singular value. Inference calls the wrapped layer
    unchanged.

    Args:
        layer: the layer to wrap, e.g. a `Dense` or a convolution.
        power_iterations: number of power-iteration steps per training call (>= 1).

    Example:
        >>> sn = SpectralNormalization(Dense(4))
        >>> sn(np.ones((2, 3)), training=True).shape
        (2, 4)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ValueError(f"`layer` must be a Layer instance; received {layer!r}.")
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations <= 0:
            raise ValueError(f"`power_iterations` must be a positive int; received {power_iterations!r}.")
        self.layer = layer
        self.power_iterations = power_iterations

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(f"SpectralNormalization: the wrapped {type(self.layer).__name__} has no `kernel` "
                             "nor `embeddings` weight to normalize.")
        self.kernel = kernel
        self.vector_u = self.add_weight(shape=(1, kernel.shape[-1]), trainable=False, name="vector_u",
                                        dtype=kernel.dtype,
                                        initializer=initializers.TruncatedNormal(stddev=0.02))

    def call(self, inputs, training=False):
        if training:
            kernel = self.kernel.value
            u, normalized = self._normalized(kernel)
            all_zero = ops.all(ops.equal(kernel, 0))
            self.vector_u.assign(ops.where(all_zero, self.vector_u.value, u))
            self.kernel.assign(ops.where(all_zero, kernel, normalized))
        return ops.cast(self.layer(inputs), ops.dtype(inputs))

    def _normalized(self, kernel):
        shape = tuple(kernel.shape)
        w = ops.reshape(kernel, (-1, shape[-1]))
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = _l2_normalize(ops.matmul(u, ops.transpose(w)))
            u = _l2_normalize(ops.matmul(v, w))
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, w), ops.transpose(u))
        return ops.cast(u, self.vector_u.dtype), ops.cast(ops.reshape(ops.divide(w, sigma), shape), kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs, training=False):
        return self.layer.compute_output_spec(inputs)

    def get_config(self):
        return {**super().get_config(), "layer": serialization.serialize_keras_object(self.layer),
                "power_iterations": self.power_iterations}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layer"] = serialization.deserialize_keras_object(config["layer"])
        return super().from_config(config)
