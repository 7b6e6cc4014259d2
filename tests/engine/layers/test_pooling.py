"""Pooling layers: sliding-window, global (with masks) and adaptive max/average pooling."""

import itertools

import numpy as np
import pytest

from kerasnb.engine import config
from kerasnb.engine import layers
from kerasnb.engine.layers.input_layer import Input
from kerasnb.engine.saving import serialization
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(11)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def as_tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def to_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def from_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


# NumPy references ------------------------------------------------------------------------

def np_pool(x, pool_size, strides=None, padding="valid", data_format="channels_last", mode="max"):
    """Window pooling; padded positions are NaN and ignored by both max and mean."""
    x = to_last(np.asarray(x, np.float64), data_format)
    nd = x.ndim - 2
    k = as_tuple(pool_size, nd)
    s = k if strides is None else as_tuple(strides, nd)
    pads, outs = [], []
    for n, ki, si in zip(x.shape[1:-1], k, s):
        if padding == "same":
            out = -(-n // si)
            total = max((out - 1) * si + ki - n, 0)
            pads.append((total // 2, total - total // 2))
        else:
            out = (n - ki) // si + 1
            pads.append((0, 0))
        outs.append(out)
    x = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=np.nan)
    result = np.zeros((x.shape[0], *outs, x.shape[-1]))
    reduce = np.nanmax if mode == "max" else np.nanmean
    for index in itertools.product(*[range(o) for o in outs]):
        window = x[(slice(None),) + tuple(slice(i * si, i * si + ki) for i, si, ki in zip(index, s, k))]
        result[(slice(None),) + index] = reduce(window.reshape(x.shape[0], -1, x.shape[-1]), axis=1)
    return from_last(result, data_format)


def np_adaptive(x, output_size, data_format="channels_last", mode="max"):
    x = to_last(np.asarray(x, np.float64), data_format)
    nd = x.ndim - 2
    outs = as_tuple(output_size, nd)
    reduce = np.max if mode == "max" else np.mean
    result = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for index in itertools.product(*[range(o) for o in outs]):
        window = x[(slice(None),) + tuple(slice(i * n // o, -(-(i + 1) * n // o))
                                          for i, n, o in zip(index, x.shape[1:-1], outs))]
        result[(slice(None),) + index] = reduce(window.reshape(x.shape[0], -1, x.shape[-1]), axis=1)
    return from_last(result, data_format)


# Sliding-window pooling ------------------------------------------------------------------------

WINDOW_CASES = [
    (layers.MaxPooling1D, dict(), (2, 7, 3)),
    (layers.MaxPooling1D, dict(pool_size=3, strides=2, padding="same", data_format="channels_first"),
     (2, 3, 7)),
    (layers.MaxPooling2D, dict(pool_size=(3, 2), strides=(2, 1), padding="same"), (2, 5, 4, 2)),
    (layers.MaxPooling3D, dict(pool_size=2, strides=1, data_format="channels_first"), (1, 2, 3, 3, 3)),
    (layers.MaxPooling3D, dict(padding="same"), (1, 3, 3, 3, 2)),
    (layers.AveragePooling1D, dict(pool_size=3, strides=2, padding="same"), (2, 8, 3)),
    (layers.AveragePooling2D, dict(pool_size=2), (2, 5, 4, 2)),
    (layers.AveragePooling2D, dict(pool_size=3, strides=2, padding="same",
                                   data_format="channels_first"), (2, 2, 5, 6)),
    (layers.AveragePooling3D, dict(pool_size=(2, 2, 1), padding="same"), (1, 3, 3, 2, 2)),
]


@pytest.mark.parametrize("cls,kwargs,shape", WINDOW_CASES)
def test_window_pooling(backend, cls, kwargs, shape):
    nd = len(shape) - 2
    mode = "max" if "Max" in cls.__name__ else "avg"

    def reference(x, w):
        return np_pool(x, kwargs.get("pool_size", 2), kwargs.get("strides"),
                       kwargs.get("padding", "valid"), kwargs.get("data_format", "channels_last"), mode)

    x = rand(*shape)
    layer = check_layer(cls, kwargs, x, expected_shape=reference(x, []).shape, trainable_weights=0,
                        non_trainable_weights=0, reference=reference)
    assert layer.pool_size == as_tuple(kwargs.get("pool_size", 2), nd)
    assert layer.strides == as_tuple(kwargs.get("strides") or kwargs.get("pool_size", 2), nd)


def test_pooling_integer_inputs(backend):
    x = np.arange(16, dtype="int32").reshape(1, 4, 4, 1)
    y = layers.MaxPooling2D()(x)
    assert "int" in str(to_numpy(y).dtype)
    np.testing.assert_array_equal(to_numpy(y)[0, :, :, 0], [[5, 7], [13, 15]])
    avg = to_numpy(layers.AveragePooling2D(2)(x))
    assert avg.dtype.kind == "f"
    np.testing.assert_allclose(avg[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_window_pooling_symbolic_and_config(backend):
    x = Input((None, 6, 3))
    assert tuple(layers.MaxPooling2D(3, 2, padding="same")(x).shape) == (None, None, 3, 3)
    assert layers.AveragePooling1D(2).compute_output_shape((None, 9, 4)) == (None, 4, 4)
    layer = layers.AveragePooling2D(3, strides=(1, 2), padding="SAME")
    c = layer.get_config()
    assert (c["pool_size"], c["strides"], c["padding"]) == ((3, 3), (1, 2), "same")
    assert c["data_format"] == "channels_last"
    revived = serialization.deserialize_keras_object({"class_name": "AvgPool2D", "config": c})
    assert type(revived) is layers.AveragePooling2D and revived.get_config() == c


def test_pooling_default_data_format_follows_config(backend):
    config.set_image_data_format("channels_first")
    layer = layers.MaxPooling2D()
    assert layer.data_format == "channels_first"
    assert to_numpy(layer(rand(1, 3, 4, 6))).shape == (1, 3, 2, 3)


def test_pooling_aliases():
    pairs = [("MaxPool1D", "MaxPooling1D"), ("MaxPool2D", "MaxPooling2D"), ("MaxPool3D", "MaxPooling3D"),
             ("AvgPool1D", "AveragePooling1D"), ("AvgPool2D", "AveragePooling2D"),
             ("AvgPool3D", "AveragePooling3D"), ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
             ("GlobalMaxPool2D", "GlobalMaxPooling2D"), ("GlobalMaxPool3D", "GlobalMaxPooling3D"),
             ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
             ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
             ("GlobalAvgPool3D", "GlobalAveragePooling3D")]
    for alias, name in pairs:
        assert getattr(layers, alias) is getattr(layers, name)


@pytest.mark.parametrize("cls,kwargs,message", [
    (layers.MaxPooling2D, dict(pool_size=0), "pool_size"),
    (layers.MaxPooling2D, dict(pool_size=(2, 2, 2)), "pool_size"),
    (layers.AveragePooling1D, dict(pool_size=2, strides=-1), "strides"),
    (layers.AveragePooling2D, dict(pool_size=2, padding="causal"), "padding"),
    (layers.MaxPooling3D, dict(data_format="NCDHW"), "data_format"),
    (layers.GlobalMaxPooling2D, dict(keepdims="yes"), "keepdims"),
    (layers.AdaptiveAveragePooling2D, dict(output_size=(2, 2, 2)), "output_size"),
    (layers.AdaptiveMaxPooling1D, dict(output_size=0), "output_size"),
])
def test_bad_arguments(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


def test_bad_inputs(backend):
    with pytest.raises(ValueError):
        layers.MaxPooling2D()(rand(2, 4, 3))  # rank 3 input for 2D pooling
    with pytest.raises(ValueError, match="too small"):
        layers.AveragePooling2D(3)(rand(1, 2, 2, 1))
    with pytest.raises(ValueError):
        layers.GlobalAveragePooling3D()(rand(1, 2, 2, 2))


# Global pooling ---------------------------------------------------------------------------

GLOBAL_CASES = [
    (layers.GlobalMaxPooling1D, dict(), (2, 5, 3)),
    (layers.GlobalMaxPooling2D, dict(keepdims=True, data_format="channels_first"), (2, 3, 4, 5)),
    (layers.GlobalMaxPooling3D, dict(), (2, 2, 3, 2, 3)),
    (layers.GlobalAveragePooling1D, dict(data_format="channels_first", keepdims=True), (2, 3, 5)),
    (layers.GlobalAveragePooling2D, dict(), (2, 4, 5, 3)),
    (layers.GlobalAveragePooling3D, dict(keepdims=True), (2, 2, 3, 2, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shape", GLOBAL_CASES)
def test_global_pooling(backend, cls, kwargs, shape):
    first = kwargs.get("data_format") == "channels_first"
    axes = tuple(range(2, len(shape))) if first else tuple(range(1, len(shape) - 1))
    reduce = np.max if "Max" in cls.__name__ else np.mean

    def reference(x, w):
        return reduce(x, axis=axes, keepdims=kwargs.get("keepdims", False))

    x = rand(*shape)
    check_layer(cls, kwargs, x, expected_shape=reference(x, []).shape, trainable_weights=0,
                reference=reference)
    layer = cls(**kwargs)
    keep = kwargs.get("keepdims", False)
    symbolic_shape = (None,) + shape[1:]
    expected = tuple(1 if keep and i in axes else d for i, d in enumerate(symbolic_shape)
                     if keep or i not in axes)
    assert tuple(layer.compute_output_shape(symbolic_shape)) == expected
    assert layer.get_config()["keepdims"] is keep


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_average_pooling_1d_mask(backend, data_format):
    x = rand(2, 5, 3)
    mask = np.array([[1, 1, 0, 1, 0], [1, 0, 0, 0, 0]], bool)
    expected = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    inputs = x if data_format == "channels_last" else np.moveaxis(x, -1, 1)

    check_layer(layers.GlobalAveragePooling1D, {"data_format": data_format}, inputs,
                expected_shape=(2, 3), call_kwargs={"mask": mask}, reference=lambda x, w: expected)
    layer = layers.GlobalAveragePooling1D(data_format=data_format, keepdims=True)
    out = layer(inputs, mask=mask)
    kept = expected[:, None, :] if data_format == "channels_last" else expected[:, :, None]
    np.testing.assert_allclose(to_numpy(out), kept, rtol=1e-5, atol=1e-6)
    assert layer.supports_masking and layer.compute_mask(inputs, mask) is None
    # An all-ones mask is the plain mean.
    np.testing.assert_allclose(to_numpy(layers.GlobalAveragePooling1D()(x, mask=np.ones((2, 5), bool))),
                               x.mean(1), rtol=1e-5, atol=1e-6)


def test_global_max_pooling_ignores_masks_and_drops_them(backend):
    assert not layers.GlobalMaxPooling1D().supports_masking
    sym = layers.GlobalAveragePooling1D()(Input((4, 3)))
    assert tuple(sym.shape) == (None, 3)


# Adaptive pooling -------------------------------------------------------------------------

ADAPTIVE_CASES = [
    (layers.AdaptiveAveragePooling1D, dict(output_size=3), (2, 7, 2)),
    (layers.AdaptiveAveragePooling2D, dict(output_size=(3, 2), data_format="channels_first"), (2, 2, 7, 5)),
    (layers.AdaptiveAveragePooling3D, dict(output_size=2), (1, 3, 5, 4, 2)),
    (layers.AdaptiveMaxPooling1D, dict(output_size=4, data_format="channels_first"), (2, 3, 6)),
    (layers.AdaptiveMaxPooling2D, dict(output_size=2), (2, 5, 5, 3)),
    (layers.AdaptiveMaxPooling3D, dict(output_size=(1, 2, 3), data_format="channels_first"),
     (1, 2, 3, 4, 5)),
]


@pytest.mark.parametrize("cls,kwargs,shape", ADAPTIVE_CASES)
def test_adaptive_pooling(backend, cls, kwargs, shape):
    mode = "max" if "Max" in cls.__name__ else "avg"
    data_format = kwargs.get("data_format", "channels_last")

    def reference(x, w):
        return np_adaptive(x, kwargs["output_size"], data_format, mode)

    x = rand(*shape)
    layer = check_layer(cls, kwargs, x, expected_shape=reference(x, []).shape, trainable_weights=0,
                        reference=reference)
    nd = len(shape) - 2
    assert layer.get_config()["output_size"] == as_tuple(kwargs["output_size"], nd)
    symbolic = (None,) + shape[1:]
    assert tuple(layer.compute_output_shape(symbolic)) == (None,) + reference(x, []).shape[1:]


def test_adaptive_pooling_any_input_size(backend):
    layer = layers.AdaptiveMaxPooling2D((2, 3))
    for size in [(4, 6), (7, 5), (2, 3)]:
        assert to_numpy(layer(rand(1, *size, 2))).shape == (1, 2, 3, 2)
    assert tuple(layer(Input((None, None, 2))).shape) == (None, 2, 3, 2)


def test_global_average_pooling_1d_uses_propagated_mask(backend):
    from kerasnb.engine.layers.core import Masking
    from kerasnb.engine.models import Model

    x = rand(2, 5, 3)
    x[0, 3:] = 0.0
    x[1, 1:] = 0.0
    expected = np.stack([x[0, :3].mean(0), x[1, :1].mean(0)])
    if backend != "numpy":  # NumPy arrays cannot carry a mask between eager calls
        eager = layers.GlobalAveragePooling1D()(Masking(0.0)(x))
        np.testing.assert_allclose(to_numpy(eager), expected, rtol=1e-5, atol=1e-6)
    inputs = Input((5, 3))
    model = Model(inputs, layers.GlobalAveragePooling1D()(Masking(0.0)(inputs)))
    np.testing.assert_allclose(to_numpy(model(x)), expected, rtol=1e-5, atol=1e-6)
