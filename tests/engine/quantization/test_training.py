"""Fine-tuning quantized models on every trainable backend: gradients pass the quantized
layers by straight-through estimates, frozen codes stay, LoRA adapters and float8 scales
train (the scales by ``overwrite_with_gradient``)."""

import numpy as np
import pytest

import kerasnb
from kerasnb import layers, quantizers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(2)
X = RNG.standard_normal((32, 8)).astype("float32")
Y = RNG.integers(0, 3, 32).astype("int32")


def mlp(mode=None, config=None):
    model = kerasnb.Sequential([kerasnb.Input((8,)), layers.Dense(16, activation="relu", name="hidden"),
                                layers.Dense(3, name="logits")])
    if mode:
        model.get_layer("logits").quantize(mode, config=config)
    return model


def fit(model, optimizer="sgd", epochs=1):
    model.compile(optimizer, kerasnb.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model.fit(X, Y, batch_size=32, epochs=epochs, shuffle=False, verbose=0).history["loss"]


@pytest.mark.parametrize("mode, config", [("int8", None), ("int4", quantizers.Int4QuantizationConfig(block_size=4)),
                                          ("int4", quantizers.Int4QuantizationConfig(block_size=-1))])
def test_gradients_flow_through_quantized_layers(trainable_backend, mode, config):
    model = mlp(mode, config)
    logits = model.get_layer("logits")
    hidden_before, codes_before = model.get_layer("hidden")._kernel.numpy(), logits._kernel.numpy()
    bias_before = logits.bias.numpy()
    losses = fit(model, kerasnb.optimizers.Adam(0.05), epochs=5)
    assert losses[-1] < losses[0]
    assert not np.allclose(model.get_layer("hidden")._kernel.numpy(), hidden_before)  # reached through logits
    assert not np.allclose(logits.bias.numpy(), bias_before)
    np.testing.assert_array_equal(logits._kernel.numpy(), codes_before)


def test_int8_input_gradient_is_the_straight_through_estimate(trainable_backend):
    """d/dx sum(u * layer(x)) = u @ (codes / scale).T, although the inputs are rounded."""
    layer = layers.Dense(5)
    layer.build((None, 8))
    layer.quantize("int8")
    upstream = RNG.standard_normal((4, 5)).astype("float32")

    def loss(values):
        return knp.sum(knp.multiply(layer(values[0]), upstream))

    _, (grad,) = engine_backend.get().value_and_grad(loss)([core.convert_to_tensor(X[:4])])
    kernel = layer._kernel.numpy() / layer.kernel_scale.numpy()
    np.testing.assert_allclose(to_numpy(grad), upstream @ kernel.T, rtol=1e-5, atol=1e-5)


def test_einsum_int8_input_gradient(trainable_backend):
    layer = layers.EinsumDense("abc,cde->abde", (3, 2, 4))
    x = RNG.standard_normal((2, 3, 8)).astype("float32")
    layer.build(x.shape)
    layer.quantize("int8")
    upstream = RNG.standard_normal((2, 3, 2, 4)).astype("float32")

    def loss(values):
        return knp.sum(knp.multiply(layer(values[0]), upstream))

    _, (grad,) = engine_backend.get().value_and_grad(loss)([core.convert_to_tensor(x)])
    kernel = layer._kernel.numpy() / layer.kernel_scale.numpy()[0]  # scale (1, 1, 2, 4) -> kernel (8, 2, 4)
    np.testing.assert_allclose(to_numpy(grad), np.einsum("abde,cde->abc", upstream, kernel), rtol=1e-5, atol=1e-5)


def test_lora_adapters_fine_tune_a_quantized_layer(trainable_backend):
    model = mlp("int8")
    logits = model.get_layer("logits")
    logits.enable_lora(2)
    before = to_numpy(model.predict(X, verbose=0))
    codes = logits._kernel.numpy()
    fit(model, kerasnb.optimizers.Adam(0.05), epochs=2)
    assert np.abs(logits.lora_kernel_b.numpy()).max() > 0  # B started at zero
    np.testing.assert_array_equal(logits._kernel.numpy(), codes)
    assert not np.allclose(to_numpy(model.predict(X, verbose=0)), before)


def test_float8_training_updates_scales_from_amax_histories(trainable_backend):
    model = mlp()
    model.quantize("float8")
    hidden = model.get_layer("hidden")
    kernel_before = hidden._kernel.numpy()
    fit(model, epochs=2)  # one full batch per epoch
    # step 1 records the amaxes (the scales stay 1); step 2 computes scales from them
    assert hidden.inputs_amax_history.numpy()[0] == pytest.approx(np.abs(X).max())
    np.testing.assert_allclose(hidden.inputs_scale.numpy(), np.abs(X).max() / 448, rtol=1e-6)
    np.testing.assert_allclose(hidden.kernel_scale.numpy(), np.abs(kernel_before).max() / 448, rtol=1e-6)
    assert hidden.outputs_grad_amax_history.numpy()[0] > 0
    assert 0 < hidden.outputs_grad_scale.numpy() < 1
    assert not np.allclose(hidden._kernel.numpy(), kernel_before)  # the float kernel itself trains
