"""Convolution layers: Conv1D-3D (grouped, causal), transposes, depthwise and separable."""

import itertools

import numpy as np
import pytest

from kerasnb.engine import backend as engine_backend
from kerasnb.engine import config
from kerasnb.engine import layers
from kerasnb.engine.layers.input_layer import Input
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.saving import serialization
from tests.engine.layers import harness
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def as_tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def check_layer(cls, kwargs, x, **options):
    """`harness.check_layer` plus a gradient-flow check done here.

    The harness's own gradient step calls ``ops.cast`` on `kerasnb.engine.ops.numpy`, which
    has no `cast` (it lives in `kerasnb.engine.ops.core`), so it is switched off and the same
    check (eager and compiled `value_and_grad` through `stateless_call`) runs here.
    """
    layer = harness.check_layer(cls, kwargs, x, gradients=False, **options)
    if engine_backend.current() in ("jax", "torch", "tensorflow"):
        assert_gradients_flow(layer, x)
    return layer


def assert_gradients_flow(layer, x):
    module = engine_backend.get()
    trainable = [v.value for v in layer.trainable_variables]
    others = [v.value for v in layer.non_trainable_variables]
    inputs = module.convert_to_tensor(x)

    def loss(values):
        outputs, _ = layer.stateless_call(values, others, inputs)
        return ops.sum(ops.square(outputs))

    value, grads = module.value_and_grad(loss)(trainable)
    grads = [to_numpy(g) for g in grads]
    assert len(grads) == len(trainable)
    assert all(np.all(np.isfinite(g)) for g in grads) and all(np.any(g != 0) for g in grads)
    if engine_backend.current() != "torch":
        compiled_value, _ = harness.compiled(module.value_and_grad(loss))(trainable)
        np.testing.assert_allclose(to_numpy(compiled_value), to_numpy(value), rtol=1e-4, atol=1e-5)


# NumPy references ----------------------------------------------------------------------

def to_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def from_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


def np_conv(x, w, strides=1, padding="valid", dilation=1, data_format="channels_last"):
    """Direct N-D (grouped) convolution; `w` is (k..., in/groups, out)."""
    x = to_last(np.asarray(x, np.float64), data_format)
    nd = x.ndim - 2
    k, s, d = w.shape[:nd], as_tuple(strides, nd), as_tuple(dilation, nd)
    spans = [(ki - 1) * di + 1 for ki, di in zip(k, d)]
    pads = []
    for n, span, si in zip(x.shape[1:-1], spans, s):
        if padding == "same":
            total = max((-(-n // si) - 1) * si + span - n, 0)
            pads.append((total // 2, total - total // 2))
        elif padding == "causal":
            pads.append((span - 1, 0))
        else:
            pads.append((0, 0))
    x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out_sizes = [(n - span) // si + 1 for n, span, si in zip(x.shape[1:-1], spans, s)]
    groups = x.shape[-1] // w.shape[-2]
    per_in, per_out = w.shape[-2], w.shape[-1] // groups
    out = np.zeros((x.shape[0], *out_sizes, w.shape[-1]))
    for offset in itertools.product(*[range(ki) for ki in k]):
        window = tuple(slice(o * di, o * di + (m - 1) * si + 1, si)
                       for o, di, si, m in zip(offset, d, s, out_sizes))
        patch = x[(slice(None),) + window]
        for g in range(groups):
            out[..., g * per_out:(g + 1) * per_out] += (
                patch[..., g * per_in:(g + 1) * per_in] @ w[offset][:, g * per_out:(g + 1) * per_out])
    return from_last(out, data_format)


def np_conv_transpose(x, w, strides=1, padding="valid", output_padding=None, dilation=1,
                      data_format="channels_last"):
    """Scatter form of the transposed convolution; `w` is (k..., out, in)."""
    x = to_last(np.asarray(x, np.float64), data_format)
    nd = x.ndim - 2
    k, s, d = w.shape[:nd], as_tuple(strides, nd), as_tuple(dilation, nd)
    spans = [(ki - 1) * di + 1 for ki, di in zip(k, d)]
    lengths, crops = [], []
    for i, (n, span, si) in enumerate(zip(x.shape[1:-1], spans, s)):
        # Keras: zero-pad the stride-dilated input by (left, total - left), then slide the kernel.
        extra = None if output_padding is None else as_tuple(output_padding, nd)[i]
        if padding == "valid":
            total = 2 * (span - 1) + (max(span, si) - span if extra is None else extra)
            left = span - 1
        else:
            total = si + span - 2 if extra is None else span + span % 2 - 2 + extra
            left = min(-(-total // 2), span - 1)
        lengths.append((n - 1) * si + total - span + 2)
        crops.append(span - 1 - left)
    full = np.zeros((x.shape[0], *[c + m + span for c, m, span in zip(crops, lengths, spans)],
                     w.shape[-2]))
    for offset in itertools.product(*[range(ki) for ki in k]):
        window = tuple(slice(o * di, o * di + (n - 1) * si + 1, si)
                       for o, di, si, n in zip(offset, d, s, x.shape[1:-1]))
        full[(slice(None),) + window] += x @ w[offset].T
    out = full[(slice(None),) + tuple(slice(c, c + m) for c, m in zip(crops, lengths))]
    return from_last(out, data_format)


def add_bias(y, b, data_format):
    return y + (b if data_format == "channels_last" else b.reshape((-1,) + (1,) * (y.ndim - 2)))


def depthwise_as_grouped(w):
    return w.reshape(w.shape[:-2] + (1, w.shape[-2] * w.shape[-1]))


# Conv1D-3D ------------------------------------------------------------------------------

CONV_CASES = [
    (layers.Conv1D, dict(filters=4, kernel_size=3), (2, 7, 3)),
    (layers.Conv1D, dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2), (2, 7, 3)),
    (layers.Conv1D, dict(filters=4, kernel_size=2, strides=2, padding="same", groups=2,
                         data_format="channels_first", activation="relu"), (2, 4, 7)),
    (layers.Conv2D, dict(filters=3, kernel_size=(3, 2), strides=(2, 1), padding="same"), (2, 5, 6, 2)),
    (layers.Conv2D, dict(filters=6, kernel_size=2, groups=3, dilation_rate=2, use_bias=False,
                         data_format="channels_first"), (2, 3, 5, 5)),
    (layers.Conv3D, dict(filters=2, kernel_size=2, strides=2, padding="same"), (1, 3, 4, 3, 2)),
    (layers.Conv3D, dict(filters=4, kernel_size=(2, 1, 2), groups=2,
                         data_format="channels_first"), (1, 2, 3, 3, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shape", CONV_CASES)
def test_conv(backend, cls, kwargs, shape):
    data_format = kwargs.get("data_format", "channels_last")
    use_bias = kwargs.get("use_bias", True)

    def reference(x, w):
        y = np_conv(x, w[0], kwargs.get("strides", 1), kwargs.get("padding", "valid"),
                    kwargs.get("dilation_rate", 1), data_format)
        y = add_bias(y, w[1], data_format) if use_bias else y
        return np.maximum(y, 0) if kwargs.get("activation") == "relu" else y

    x = rand(*shape)
    depth = shape[1 if data_format == "channels_first" else -1]
    kernel_shape = as_tuple(kwargs["kernel_size"], len(shape) - 2) + (
        depth // kwargs.get("groups", 1), kwargs["filters"])
    expected = np_conv(x, np.zeros(kernel_shape), kwargs.get("strides", 1),
                       kwargs.get("padding", "valid"), kwargs.get("dilation_rate", 1), data_format)
    layer = check_layer(cls, kwargs, x, expected_shape=expected.shape,
                        trainable_weights=2 if use_bias else 1, non_trainable_weights=0,
                        reference=reference, rtol=1e-4, atol=1e-4)
    assert [v.name for v in layer.weights] == (["kernel", "bias"] if use_bias else ["kernel"])
    assert layer.kernel.shape == kernel_shape


def test_conv_weights_shapes_and_set_weights(backend):
    layer = layers.Conv2D(6, (3, 2), groups=2)
    layer.build((None, 5, 5, 4))
    assert layer.built and layer.kernel.shape == (3, 2, 2, 6) and layer.bias.shape == (6,)
    w = [rand(3, 2, 2, 6), rand(6)]
    layer.set_weights(w)
    x = rand(1, 5, 5, 4)
    np.testing.assert_allclose(to_numpy(layer(x)), np_conv(x, w[0]) + w[1], rtol=1e-4, atol=1e-4)


def test_causal_padding_never_looks_ahead(backend):
    layer = layers.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    x = np.zeros((1, 6, 1), "float32")
    x[0, 3, 0] = 1.0
    y = to_numpy(layer(x))[0, :, 0]
    np.testing.assert_allclose(y, [0, 0, 0, 1, 1, 1])


def test_conv_symbolic_and_compute_output_shape(backend):
    x = Input((None, 6, 3))
    assert layers.Conv2D(4, 3, strides=2, padding="same")(x).shape == (None, None, 3, 4)
    assert layers.Conv1D(2, 3, padding="causal").compute_output_shape((None, 9, 3)) == (None, 9, 2)
    assert layers.Conv3D(2, 2, data_format="channels_first").compute_output_shape(
        (1, 3, 4, 4, 4)) == (1, 2, 3, 3, 3)


def test_conv_default_data_format_follows_config(backend):
    config.set_image_data_format("channels_first")
    layer = layers.Conv2D(5, 3)
    assert layer.data_format == "channels_first"
    assert to_numpy(layer(rand(1, 2, 6, 6))).shape == (1, 5, 4, 4)


def test_conv_aliases_and_serialization():
    assert layers.Convolution1D is layers.Conv1D and layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3D is layers.Conv3D
    assert layers.Convolution1DTranspose is layers.Conv1DTranspose
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    layer = layers.Conv2D(3, 2, strides=(1, 2), padding="SAME", kernel_regularizer="l2")
    config_ = layer.get_config()
    assert config_["kernel_size"] == (2, 2) and config_["strides"] == (1, 2)
    assert config_["padding"] == "same" and config_["groups"] == 1
    revived = serialization.deserialize_keras_object(
        {"class_name": "Convolution2D", "config": config_})
    assert type(revived) is layers.Conv2D and revived.get_config() == config_


@pytest.mark.parametrize("cls,kwargs,message", [
    (layers.Conv2D, dict(filters=0, kernel_size=3), "filters"),
    (layers.Conv2D, dict(filters=4, kernel_size=(3, 3, 3)), "kernel_size"),
    (layers.Conv2D, dict(filters=4, kernel_size=0), "kernel_size"),
    (layers.Conv2D, dict(filters=4, kernel_size=3, strides=0), "strides"),
    (layers.Conv2D, dict(filters=4, kernel_size=3, padding="causal"), "padding"),
    (layers.Conv1D, dict(filters=4, kernel_size=3, padding="full"), "padding"),
    (layers.Conv2D, dict(filters=4, kernel_size=3, strides=2, dilation_rate=2), "dilation_rate"),
    (layers.Conv2D, dict(filters=5, kernel_size=3, groups=2), "groups"),
    (layers.Conv2D, dict(filters=4, kernel_size=3, groups=0), "groups"),
    (layers.Conv2D, dict(filters=4, kernel_size=3, data_format="NHWC"), "data_format"),
    (layers.Conv2DTranspose, dict(filters=4, kernel_size=3, strides=2, output_padding=2),
     "output_padding"),
    (layers.Conv1DTranspose, dict(filters=4, kernel_size=3, output_padding=-1), "output_padding"),
    (layers.DepthwiseConv2D, dict(kernel_size=3, depth_multiplier=0), "depth_multiplier"),
    (layers.SeparableConv1D, dict(filters=-2, kernel_size=3), "filters"),
])
def test_bad_arguments(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


def test_bad_inputs(backend):
    with pytest.raises(ValueError, match="groups"):
        layers.Conv2D(4, 3, groups=2)(rand(1, 5, 5, 3))
    with pytest.raises(ValueError, match="too small"):
        layers.Conv2D(4, 3)(rand(1, 2, 2, 3))
    with pytest.raises(ValueError):
        layers.Conv2D(4, 3)(rand(1, 5, 3))  # rank 3 input for a 2D convolution
    layer = layers.Conv1D(2, 2)
    layer(rand(1, 4, 3))
    with pytest.raises(ValueError):
        layer(rand(1, 4, 5))  # channels differ from the built kernel


# Transposed convolutions ----------------------------------------------------------------

TRANSPOSE_CASES = [
    (layers.Conv1DTranspose, dict(filters=3, kernel_size=3, strides=2), (2, 4, 2)),
    (layers.Conv1DTranspose, dict(filters=3, kernel_size=2, strides=3), (2, 4, 2)),
    (layers.Conv1DTranspose, dict(filters=3, kernel_size=4, strides=3, padding="same",
                                  output_padding=1, data_format="channels_first"), (2, 2, 4)),
    (layers.Conv2DTranspose, dict(filters=3, kernel_size=3, strides=2, padding="same"), (2, 3, 4, 2)),
    (layers.Conv2DTranspose, dict(filters=2, kernel_size=(3, 2), strides=(2, 3),
                                  output_padding=(1, 2), use_bias=False), (1, 3, 2, 2)),
    (layers.Conv2DTranspose, dict(filters=2, kernel_size=3, dilation_rate=2, padding="same",
                                  data_format="channels_first"), (1, 2, 4, 4)),
    (layers.Conv3DTranspose, dict(filters=2, kernel_size=2, strides=2), (1, 2, 2, 3, 2)),
    (layers.Conv3DTranspose, dict(filters=2, kernel_size=3, strides=(1, 2, 2), padding="same",
                                  output_padding=(0, 1, 0)), (1, 2, 2, 2, 1)),
]


@pytest.mark.parametrize("cls,kwargs,shape", TRANSPOSE_CASES)
def test_conv_transpose(backend, cls, kwargs, shape):
    data_format = kwargs.get("data_format", "channels_last")
    use_bias = kwargs.get("use_bias", True)

    def reference(x, w):
        y = np_conv_transpose(x, w[0], kwargs.get("strides", 1), kwargs.get("padding", "valid"),
                              kwargs.get("output_padding"), kwargs.get("dilation_rate", 1),
                              data_format)
        return add_bias(y, w[1], data_format) if use_bias else y

    layer = check_layer(cls, kwargs, rand(*shape), trainable_weights=2 if use_bias else 1,
                        reference=reference, rtol=1e-4, atol=1e-4)
    depth = shape[1 if data_format == "channels_first" else -1]
    nd = len(shape) - 2
    assert layer.kernel.shape == as_tuple(kwargs["kernel_size"], nd) + (kwargs["filters"], depth)


def test_conv_transpose_output_shapes(backend):
    assert layers.Conv2DTranspose(4, 3, strides=2, padding="same").compute_output_shape(
        (None, 5, 6, 3)) == (None, 10, 12, 4)
    assert layers.Conv1DTranspose(4, 5, strides=2).compute_output_shape((None, 5, 3)) == (None, 13, 4)
    assert layers.Conv1DTranspose(4, 3, strides=2, output_padding=1).compute_output_shape(
        (None, 5, 3)) == (None, 12, 4)
    assert tuple(layers.Conv3DTranspose(2, 2, strides=2)(Input((None, 2, 3, 1))).shape) == (
        None, None, 4, 6, 2)


# Depthwise and separable -------------------------------------------------------------------

DEPTHWISE_CASES = [
    (layers.DepthwiseConv1D, dict(kernel_size=3, depth_multiplier=2, padding="same"), (2, 6, 3)),
    (layers.DepthwiseConv1D, dict(kernel_size=2, dilation_rate=2, data_format="channels_first",
                                  use_bias=False), (2, 3, 6)),
    (layers.DepthwiseConv2D, dict(kernel_size=3, strides=2), (2, 5, 6, 2)),
    (layers.DepthwiseConv2D, dict(kernel_size=(2, 3), depth_multiplier=3, padding="same",
                                  data_format="channels_first", activation="relu"), (1, 2, 4, 5)),
]


@pytest.mark.parametrize("cls,kwargs,shape", DEPTHWISE_CASES)
def test_depthwise_conv(backend, cls, kwargs, shape):
    data_format = kwargs.get("data_format", "channels_last")
    use_bias = kwargs.get("use_bias", True)

    def reference(x, w):
        y = np_conv(x, depthwise_as_grouped(w[0]), kwargs.get("strides", 1),
                    kwargs.get("padding", "valid"), kwargs.get("dilation_rate", 1), data_format)
        y = add_bias(y, w[1], data_format) if use_bias else y
        return np.maximum(y, 0) if kwargs.get("activation") == "relu" else y

    layer = check_layer(cls, kwargs, rand(*shape), trainable_weights=2 if use_bias else 1,
                        reference=reference, rtol=1e-4, atol=1e-4)
    depth, mult = shape[1 if data_format == "channels_first" else -1], kwargs.get("depth_multiplier", 1)
    assert layer.kernel.shape == as_tuple(kwargs["kernel_size"], len(shape) - 2) + (depth, mult)
    assert [v.name for v in layer.weights] == (["kernel", "bias"] if use_bias else ["kernel"])
    if use_bias:
        assert layer.bias.shape == (depth * mult,)


SEPARABLE_CASES = [
    (layers.SeparableConv1D, dict(filters=4, kernel_size=3, depth_multiplier=2, dilation_rate=2),
     (2, 8, 3)),
    (layers.SeparableConv1D, dict(filters=2, kernel_size=3, strides=2, padding="same",
                                  data_format="channels_first"), (2, 3, 7)),
    (layers.SeparableConv2D, dict(filters=4, kernel_size=3, padding="same", strides=2), (2, 5, 6, 3)),
    (layers.SeparableConv2D, dict(filters=3, kernel_size=2, depth_multiplier=2, use_bias=False,
                                  data_format="channels_first"), (1, 2, 4, 4)),
]


@pytest.mark.parametrize("cls,kwargs,shape", SEPARABLE_CASES)
def test_separable_conv(backend, cls, kwargs, shape):
    data_format = kwargs.get("data_format", "channels_last")
    use_bias = kwargs.get("use_bias", True)

    def reference(x, w):
        y = np_conv(x, depthwise_as_grouped(w[0]), kwargs.get("strides", 1),
                    kwargs.get("padding", "valid"), kwargs.get("dilation_rate", 1), data_format)
        y = np_conv(y, w[1], data_format=data_format)
        return add_bias(y, w[2], data_format) if use_bias else y

    layer = check_layer(cls, kwargs, rand(*shape), trainable_weights=3 if use_bias else 2,
                        reference=reference, rtol=1e-4, atol=1e-4)
    nd, depth = len(shape) - 2, shape[1 if data_format == "channels_first" else -1]
    mult = kwargs.get("depth_multiplier", 1)
    assert [v.name for v in layer.weights][:2] == ["depthwise_kernel", "pointwise_kernel"]
    assert layer.depthwise_kernel.shape == as_tuple(kwargs["kernel_size"], nd) + (depth, mult)
    assert layer.pointwise_kernel.shape == (1,) * nd + (depth * mult, kwargs["filters"])


def test_depthwise_and_separable_configs():
    layer = layers.SeparableConv2D(4, 3, depth_multiplier=2, pointwise_initializer="zeros")
    c = layer.get_config()
    assert c["depth_multiplier"] == 2 and c["filters"] == 4 and c["kernel_size"] == (3, 3)
    assert {"depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
            "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint"} <= set(c)
    c = layers.DepthwiseConv1D(3).get_config()
    assert c["depth_multiplier"] == 1 and "filters" not in c and "depthwise_initializer" in c


def test_conv_stack_in_functional_and_sequential_models(backend):
    from kerasnb.engine.models import Model, Sequential
    from kerasnb.engine.layers.pooling import GlobalAveragePooling2D, MaxPooling2D

    inputs = Input((6, 6, 3))
    conv, sep = layers.Conv2D(4, 3, padding="same", activation="relu"), layers.SeparableConv2D(5, 2)
    outputs = GlobalAveragePooling2D()(sep(MaxPooling2D()(conv(inputs))))
    model = Model(inputs, outputs)
    assert tuple(model.outputs[0].shape) == (None, 5) and len(model.weights) == 5
    x = rand(2, 6, 6, 3)
    w = [v.numpy() for v in model.weights]
    h = np.maximum(np_conv(x, w[0], padding="same") + w[1], 0)
    h = h.reshape(2, 3, 2, 3, 2, 4).max(axis=(2, 4))
    h = np_conv(np_conv(h, depthwise_as_grouped(w[2])), w[3]) + w[4]
    np.testing.assert_allclose(to_numpy(model(x)), h.mean(axis=(1, 2)), rtol=1e-4, atol=1e-4)

    seq = Sequential([Input((6, 2)), layers.Conv1D(3, 2, padding="causal"),
                      layers.Conv1DTranspose(2, 3, strides=2)])
    assert to_numpy(seq(rand(1, 6, 2))).shape == (1, 13, 2)
