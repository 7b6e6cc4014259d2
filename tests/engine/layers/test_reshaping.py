"""Reshaping layers: flatten, reshape, permute, repeat, crop, zero-pad, upsample."""

import numpy as np
import pytest

from kerasnb import layers
from kerasnb.engine import config
from kerasnb.engine.layers import reshaping
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def bilinear_reference(x, out_h, out_w):
    """Half-pixel-centre bilinear resize of a channels_last batch (edges clamped)."""
    def weights(n_in, n_out):
        src = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = src - lo
        m = np.zeros((n_out, n_in))
        m[np.arange(n_out), lo] += 1 - frac
        m[np.arange(n_out), hi] += frac
        return m
    return np.einsum("ph,qw,bhwc->bpqc", weights(x.shape[1], out_h), weights(x.shape[2], out_w), x)


CASES = [
    ("flatten", layers.Flatten, {}, rand(2, 3, 4), (2, 12), lambda x: x.reshape(2, -1)),
    ("flatten_cf", layers.Flatten, {"data_format": "channels_first"}, rand(2, 3, 4, 5), (2, 60),
     lambda x: np.moveaxis(x, 1, -1).reshape(2, -1)),
    ("flatten_rank1", layers.Flatten, {}, rand(3), (3, 1), lambda x: x.reshape(3, 1)),
    ("reshape", layers.Reshape, {"target_shape": (4, 3)}, rand(2, 3, 4), (2, 4, 3), lambda x: x.reshape(2, 4, 3)),
    ("reshape_infer", layers.Reshape, {"target_shape": (-1, 2)}, rand(2, 3, 4), (2, 6, 2),
     lambda x: x.reshape(2, 6, 2)),
    ("permute", layers.Permute, {"dims": (3, 1, 2)}, rand(2, 3, 4, 5), (2, 5, 3, 4),
     lambda x: np.transpose(x, (0, 3, 1, 2))),
    ("repeat_vector", layers.RepeatVector, {"n": 3}, rand(2, 4), (2, 3, 4),
     lambda x: np.repeat(x[:, None, :], 3, axis=1)),
    ("cropping1d", layers.Cropping1D, {"cropping": (1, 2)}, rand(2, 6, 3), (2, 3, 3), lambda x: x[:, 1:-2]),
    ("cropping1d_int", layers.Cropping1D, {"cropping": 2}, rand(2, 6, 3), (2, 2, 3), lambda x: x[:, 2:-2]),
    ("cropping2d", layers.Cropping2D, {"cropping": ((1, 0), (2, 1))}, rand(2, 5, 6, 3), (2, 4, 3, 3),
     lambda x: x[:, 1:, 2:-1]),
    ("cropping2d_cf", layers.Cropping2D, {"cropping": (1, 2), "data_format": "channels_first"}, rand(2, 3, 5, 6),
     (2, 3, 3, 2), lambda x: x[:, :, 1:-1, 2:-2]),
    ("cropping3d", layers.Cropping3D, {}, rand(1, 4, 5, 6, 2), (1, 2, 3, 4, 2), lambda x: x[:, 1:-1, 1:-1, 1:-1]),
    ("cropping3d_cf", layers.Cropping3D, {"cropping": ((0, 1), (2, 0), (1, 1)), "data_format": "channels_first"},
     rand(1, 2, 4, 5, 6), (1, 2, 3, 3, 4), lambda x: x[:, :, :-1, 2:, 1:-1]),
    ("zero_padding1d", layers.ZeroPadding1D, {"padding": (1, 2)}, rand(2, 3, 4), (2, 6, 4),
     lambda x: np.pad(x, ((0, 0), (1, 2), (0, 0)))),
    ("zero_padding1d_cf", layers.ZeroPadding1D, {"padding": 2, "data_format": "channels_first"}, rand(2, 3, 4),
     (2, 3, 8), lambda x: np.pad(x, ((0, 0), (0, 0), (2, 2)))),
    ("zero_padding2d", layers.ZeroPadding2D, {"padding": ((1, 0), (2, 1))}, rand(2, 3, 4, 2), (2, 4, 7, 2),
     lambda x: np.pad(x, ((0, 0), (1, 0), (2, 1), (0, 0)))),
    ("zero_padding2d_cf", layers.ZeroPadding2D, {"padding": (1, 2), "data_format": "channels_first"},
     rand(2, 3, 4, 2), (2, 3, 6, 6), lambda x: np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2)))),
    ("zero_padding3d", layers.ZeroPadding3D, {"padding": ((1, 0), (0, 2), (1, 1))}, rand(1, 2, 3, 4, 2),
     (1, 3, 5, 6, 2), lambda x: np.pad(x, ((0, 0), (1, 0), (0, 2), (1, 1), (0, 0)))),
    ("zero_padding3d_cf", layers.ZeroPadding3D, {"padding": 1, "data_format": "channels_first"},
     rand(1, 2, 3, 4, 2), (1, 2, 5, 6, 4), lambda x: np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1), (1, 1)))),
    ("upsampling1d", layers.UpSampling1D, {"size": 3}, rand(2, 3, 4), (2, 9, 4), lambda x: np.repeat(x, 3, axis=1)),
    ("upsampling2d", layers.UpSampling2D, {"size": (2, 3)}, rand(2, 3, 4, 2), (2, 6, 12, 2),
     lambda x: np.repeat(np.repeat(x, 2, axis=1), 3, axis=2)),
    ("upsampling2d_cf", layers.UpSampling2D, {"size": 2, "data_format": "channels_first"}, rand(2, 3, 4, 2),
     (2, 3, 8, 4), lambda x: np.repeat(np.repeat(x, 2, axis=2), 2, axis=3)),
    ("upsampling2d_bilinear", layers.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"},
     rand(2, 3, 4, 2), (2, 6, 12, 2), lambda x: bilinear_reference(x, 6, 12)),
    ("upsampling2d_bilinear_cf", layers.UpSampling2D,
     {"size": (3, 2), "interpolation": "bilinear", "data_format": "channels_first"}, rand(2, 3, 4, 5),
     (2, 3, 12, 10), lambda x: np.moveaxis(bilinear_reference(np.moveaxis(x, 1, -1), 12, 10), -1, 1)),
    ("upsampling3d", layers.UpSampling3D, {"size": (1, 2, 3)}, rand(1, 2, 3, 4, 2), (1, 2, 6, 12, 2),
     lambda x: np.repeat(np.repeat(x, 2, axis=2), 3, axis=3)),
    ("upsampling3d_cf", layers.UpSampling3D, {"size": 2, "data_format": "channels_first"}, rand(1, 2, 3, 4, 2),
     (1, 2, 6, 8, 4), lambda x: np.repeat(np.repeat(np.repeat(x, 2, axis=2), 2, axis=3), 2, axis=4)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_harness(backend, case):
    _, cls, kwargs, x, shape, ref = case
    layer = check_layer(cls, kwargs, x, expected_shape=shape, trainable_weights=0, non_trainable_weights=0,
                        reference=lambda inputs, w: ref(inputs))
    assert layer.weights == []


def test_public_names_and_registration():
    assert sorted(reshaping.__all__) == sorted([
        "Cropping1D", "Cropping2D", "Cropping3D", "Flatten", "Permute", "RepeatVector", "Reshape",
        "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"])
    for name in reshaping.__all__:
        assert getattr(layers, name) is getattr(reshaping, name)
        assert serialization.builtins_of("layers")[name] is getattr(reshaping, name)


def test_integer_inputs_keep_their_dtype(backend):
    x = np.arange(24, dtype="int32").reshape(2, 3, 4)
    for layer in (layers.Flatten(), layers.Reshape((12,)), layers.Permute((2, 1)), layers.Cropping1D(1),
                  layers.ZeroPadding1D(1), layers.UpSampling1D(2)):
        out = layer(x)
        assert str(to_numpy(out).dtype) == "int32"
        assert layer(KerasTensor((None, 3, 4), "int32")).dtype == "int32"
    np.testing.assert_array_equal(to_numpy(layers.Flatten()(x)), x.reshape(2, 12))


def test_default_data_format_follows_config(backend):
    config.set_image_data_format("channels_first")
    layer = layers.ZeroPadding2D((1, 0))
    assert layer.data_format == "channels_first"
    assert to_numpy(layer(np.ones((1, 2, 3, 4), "float32"))).shape == (1, 2, 5, 4)
    assert layers.Flatten().get_config()["data_format"] == "channels_first"
    config.set_image_data_format("channels_last")
    assert layers.UpSampling2D().data_format == "channels_last"


def test_symbolic_unknown_dims():
    assert layers.Flatten().compute_output_shape((None, None, 4)) == (None, None)
    assert layers.Reshape((-1, 2)).compute_output_shape((None, None, 4)) == (None, None, 2)
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert layers.Cropping1D((1, 1)).compute_output_shape((None, None, 4)) == (None, None, 4)
    assert layers.ZeroPadding2D(1).compute_output_shape((None, None, 5, 3)) == (None, None, 7, 3)
    assert layers.UpSampling2D(2).compute_output_shape((None, None, 5, 3)) == (None, None, 10, 3)
    assert layers.Permute((2, 1))(KerasTensor((None, 3, None))).shape == (None, None, 3)


def test_normalized_config_values():
    assert layers.Cropping2D(2).cropping == ((2, 2), (2, 2))
    assert layers.Cropping2D((1, 2)).cropping == ((1, 1), (2, 2))
    assert layers.Cropping3D(((0, 1), 2, (3, 0))).cropping == ((0, 1), (2, 2), (3, 0))
    assert layers.ZeroPadding1D(3).padding == (3, 3)
    assert layers.ZeroPadding3D(2).padding == ((2, 2), (2, 2), (2, 2))
    assert layers.UpSampling2D(3).size == (3, 3)
    assert layers.UpSampling2D(interpolation="Bilinear").interpolation == "bilinear"
    assert layers.Permute([2, 1]).get_config()["dims"] == (2, 1)
    assert layers.Reshape([3, -1]).get_config()["target_shape"] == (3, -1)
    assert layers.RepeatVector(4).get_config()["n"] == 4


def test_no_masking_support():
    for layer in (layers.Flatten(), layers.Reshape((2,)), layers.Permute((1,)), layers.Cropping1D(),
                  layers.UpSampling1D()):
        assert layer.supports_masking is False


def test_sequential_model(backend):
    from kerasnb.engine.models import Sequential
    model = Sequential([layers.Input((4, 4, 1)), layers.ZeroPadding2D(1), layers.Cropping2D(1),
                        layers.UpSampling2D(2), layers.Flatten(), layers.Reshape((8, 8)),
                        layers.Permute((2, 1))])
    x = rand(2, 4, 4, 1)
    expected = np.repeat(np.repeat(x, 2, axis=1), 2, axis=2).reshape(2, 8, 8).transpose(0, 2, 1)
    assert model.output_shape == (None, 8, 8)
    np.testing.assert_allclose(to_numpy(model(x)), expected, rtol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Reshape((-1, -1)), "target_shape"),
    (lambda: layers.Reshape((2, -3)), "target_shape"),
    (lambda: layers.Reshape(("a", 2)), "target_shape"),
    (lambda: layers.Reshape(3), "target_shape"),
    (lambda: layers.Permute((1, 3)), "dims"),
    (lambda: layers.Permute((0, 1)), "dims"),
    (lambda: layers.RepeatVector(0), "`n`"),
    (lambda: layers.RepeatVector(2.5), "`n`"),
    (lambda: layers.Cropping1D((1, 2, 3)), "cropping"),
    (lambda: layers.Cropping1D(-1), "cropping"),
    (lambda: layers.Cropping2D(((1, 2), (1, 2), (1, 2))), "cropping"),
    (lambda: layers.Cropping3D("a"), "cropping"),
    (lambda: layers.ZeroPadding1D((1, -1)), "padding"),
    (lambda: layers.ZeroPadding2D((1, 2, 3)), "padding"),
    (lambda: layers.ZeroPadding3D(((1, 2), (1, 2))), "padding"),
    (lambda: layers.UpSampling1D(0), "size"),
    (lambda: layers.UpSampling2D((2, 0)), "size"),
    (lambda: layers.UpSampling3D((2, 2)), "size"),
    (lambda: layers.UpSampling2D(interpolation="cubic"), "interpolation"),
    (lambda: layers.Flatten(data_format="channels_middle"), "data_format"),
    (lambda: layers.Cropping2D(data_format="NHWC"), "data_format"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs(backend):
    with pytest.raises(ValueError, match="total size"):
        layers.Reshape((5,))(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping1D((2, 2))(np.ones((2, 4, 3), "float32"))
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping2D(((1, 1), (3, 0)))(KerasTensor((None, 5, 3, 2)))
    with pytest.raises(ValueError):
        layers.RepeatVector(2)(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError):
        layers.Permute((2, 1))(np.ones((2, 3), "float32"))


@pytest.mark.parametrize("make, grad", [
    (lambda: layers.Flatten(data_format="channels_first"), lambda x: 2 * x),
    (lambda: layers.Permute((2, 3, 1)), lambda x: 2 * x),
    (lambda: layers.Cropping2D(((1, 0), (0, 1))),
     lambda x: np.pad(2 * x[:, 1:, :-1], ((0, 0), (1, 0), (0, 1), (0, 0)))),
    (lambda: layers.ZeroPadding2D(2), lambda x: 2 * x),
    (lambda: layers.UpSampling2D((2, 3)), lambda x: 12 * x),
    (lambda: layers.UpSampling3D(((1, 2, 1))), None),
    (lambda: layers.UpSampling2D(2, interpolation="bilinear"), None),
])
def test_gradients_reach_the_inputs(trainable_backend, make, grad):
    from kerasnb.engine import backend as engine_backend
    from kerasnb.engine.ops import numpy as ops
    from tests.engine.layers.harness import compiled
    module = engine_backend.get()
    layer = make()
    x = rand(2, 3, 3, 2) if not isinstance(layer, layers.UpSampling3D) else rand(1, 2, 2, 2, 1)

    def loss(values):
        return ops.sum(ops.square(layer(values[0])))

    value, grads = module.value_and_grad(loss)([module.convert_to_tensor(x)])
    g = to_numpy(grads[0])
    assert g.shape == x.shape and np.all(np.isfinite(g)) and np.any(g != 0)
    if grad is not None:
        np.testing.assert_allclose(g, grad(x), rtol=1e-5, atol=1e-6)
    if trainable_backend != "torch":
        compiled_value, _ = compiled(module.value_and_grad(loss))([module.convert_to_tensor(x)])
        np.testing.assert_allclose(to_numpy(compiled_value), to_numpy(value), rtol=1e-5)


def test_json_config_round_trip():
    import json
    for layer in (layers.Reshape((-1, 2)), layers.Permute((2, 1)), layers.Cropping1D((1, 2)),
                  layers.Cropping3D(((0, 1), 2, (3, 0)), data_format="channels_first"),
                  layers.ZeroPadding2D(((1, 0), (2, 1))), layers.UpSampling2D((2, 3), interpolation="bilinear"),
                  layers.UpSampling3D(2)):
        config = layer.get_config()
        revived = type(layer).from_config(json.loads(json.dumps(config)))
        assert revived.get_config() == config
