"""Quantized Dense, EinsumDense and Embedding against NumPy reference math written here, on
every backend; LoRA; `model.quantize`; the quantized summary; errors."""

import ml_dtypes
import numpy as np
import pytest

import kerasnb
from kerasnb import layers, quantizers
from kerasnb.engine.models.summary import quantization_report
from kerasnb.engine.models.summary_html import model_html
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(11)
X = RNG.standard_normal((5, 12)).astype("float32")
EPS = 1e-7


def abs_max(w, axis, high=127):
    scale = high / (np.abs(w).max(axis=axis, keepdims=True) + EPS)
    return np.clip(np.round(w * scale), -high, high), scale


def grouped_dequantized(w, block):
    """Grouped int4 with zero points over row blocks, de-quantized (reference math)."""
    out = np.empty_like(w)
    for start in range(0, w.shape[0], block):
        part = w[start:start + block]
        padded = np.vstack([part, np.zeros((block - part.shape[0], w.shape[1]), w.dtype)])
        low, high = padded.min(0), padded.max(0)
        scale = (high - low + EPS) / 15
        zero = np.clip(np.round(-low / scale) - 8, -8, 7)
        codes = np.clip(np.round(part / scale) + zero, -8, 7)
        out[start:start + block] = (codes - zero) * scale
    return out


def float8(x):
    return np.clip(x, -448, 448).astype(ml_dtypes.float8_e4m3fn).astype("float32")


def dense(units=7, **kwargs):
    layer = layers.Dense(units, **kwargs)
    layer.build((None, 12))
    layer.set_weights([RNG.uniform(-1, 1, w.shape).astype("float32") for w in layer.get_weights()])
    return layer


def test_dense_int8_matches_reference(backend):
    layer = dense()
    w, b = layer.get_weights()
    layer.quantize("int8")
    w_codes, w_scale = abs_max(w, 0)
    x_codes, x_scale = abs_max(X, -1)
    np.testing.assert_array_equal(layer._kernel.numpy(), w_codes)
    np.testing.assert_allclose(layer.kernel_scale.numpy(), w_scale[0], rtol=1e-6)
    want = (x_codes @ w_codes) / (x_scale * w_scale) + b
    np.testing.assert_allclose(to_numpy(layer(X)), want, rtol=1e-5, atol=1e-5)
    assert layer.quantization_mode == "int8" and layer.dtype_policy.name == "int8_from_float32"
    assert [v.name for v in layer.trainable_weights] == ["bias"]


def test_dense_int8_weight_only_and_custom_weight_quantizer(backend):
    layer = dense()
    w, b = layer.get_weights()
    config = quantizers.Int8QuantizationConfig(
        weight_quantizer=quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100)), activation_quantizer=None)
    layer.quantize(config=config)
    codes, scale = abs_max(w, 0, high=100)
    np.testing.assert_allclose(to_numpy(layer(X)), X @ (codes / scale) + b, rtol=1e-5, atol=1e-5)
    assert layer.quantization_config is config


@pytest.mark.parametrize("block", [None, 5])
def test_dense_int4_matches_reference(backend, block):
    layer = dense()
    w, b = layer.get_weights()
    layer.quantize(config=quantizers.Int4QuantizationConfig(block_size=block))
    assert layer._kernel.shape == (12, 4) and layer._kernel.dtype == "int8"  # 7 columns packed in 4 bytes
    if block is None:
        codes, scale = abs_max(w, 0, high=7)
        kernel = codes / scale
        assert layer.dtype_policy.name == "int4/-1_from_float32"
    else:
        kernel = grouped_dequantized(w, block)
        assert layer.kernel_scale.shape == layer.kernel_zero.shape == (3, 7)
        np.testing.assert_array_equal(layer.g_idx.numpy(), np.arange(12) // 5)
        assert layer.dtype_policy.name == "int4/5_from_float32"
    np.testing.assert_allclose(to_numpy(layer(X)), X @ kernel + b, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(to_numpy(layer.kernel), quantizers.unpack_int4(layer._kernel.numpy(), 7, axis=-1))


def test_dense_float8_matches_reference(backend):
    layer = dense(activation="relu")
    w, b = layer.get_weights()
    layer.quantize("float8")
    assert [v.name for v in layer.weights][:2] == ["kernel", "bias"]
    assert layer.inputs_amax_history.shape == (1024,) and layer.kernel_scale.shape == ()
    want = np.maximum(float8(X) @ float8(w) + b.astype(ml_dtypes.bfloat16).astype("float32"), 0)
    np.testing.assert_allclose(to_numpy(layer(X)), want, rtol=1e-5, atol=1e-5)


EQUATIONS = [("abc,cde->abde", (3, 4), (3, 2, 5), "de"), ("abcd,cde->abe", (3, 2, 5), (3, 4), "e"),
             ("...b,bc->...c", (2, 6), (5,), "c"), ("abc,dc->abd", (3, 6), (None, 4), None)]


@pytest.mark.parametrize("equation, in_shape, out_shape, bias_axes", EQUATIONS)
def test_einsum_dense_int8_and_int4_match_reference(equation, in_shape, out_shape, bias_axes):
    for backend in ("numpy", "jax", "torch", "tensorflow") if equation == EQUATIONS[0][0] else ("numpy",):
        kerasnb.config.set_backend(backend)
        _check_einsum(equation, in_shape, out_shape, bias_axes)


def _check_einsum(equation, in_shape, out_shape, bias_axes):
    x = RNG.standard_normal((4,) + in_shape).astype("float32")
    float_layer = layers.EinsumDense(equation, out_shape, bias_axes=bias_axes)
    float_layer.build(x.shape)
    float_layer.set_weights([RNG.uniform(-1, 1, w.shape).astype("float32") for w in float_layer.get_weights()])
    weights = float_layer.get_weights()
    w = weights[0]
    bias = weights[1] if bias_axes else 0.0
    layout = float_layer._layout
    spec_in, spec_w, spec_out = layout.input_spec, layout.kernel_spec, layout.output_spec
    reduced_w = tuple(i for i, c in enumerate(spec_w) if c not in spec_out)
    reduced_x = tuple(i for i, c in enumerate(spec_in) if c not in spec_out)
    for mode in ("int8", "int4"):
        layer = layers.EinsumDense(equation, out_shape, bias_axes=bias_axes)
        layer.build(x.shape)
        layer.set_weights(weights)
        if mode == "int8":
            layer.quantize("int8")
            w_codes, w_scale = abs_max(w, reduced_w)
            x_codes, x_scale = abs_max(x, reduced_x)
            want = np.einsum(f"{spec_in},{spec_w}->{spec_out}", x_codes / x_scale, w_codes / w_scale) + bias
            assert list(layer.kernel_scale.shape) == [dict(zip(spec_w, w.shape)).get(c, 1) for c in spec_out]
        else:
            layer.quantize(config=quantizers.Int4QuantizationConfig(block_size=-1))
            moved = np.moveaxis(w, reduced_w, range(len(reduced_w)))
            flat = moved.reshape(int(np.prod([w.shape[i] for i in reduced_w])), -1)
            codes, scale = abs_max(flat, 0, high=7)
            kernel = np.moveaxis((codes / scale).reshape(moved.shape), range(len(reduced_w)), reduced_w)
            want = np.einsum(f"{spec_in},{spec_w}->{spec_out}", x, kernel) + bias
        np.testing.assert_allclose(to_numpy(layer(x)), want, rtol=1e-4, atol=1e-4, err_msg=mode)


@pytest.mark.parametrize("mode, block", [("int8", None), ("int4", None), ("int4", 4)])
def test_embedding_quantized_matches_reference(backend, mode, block):
    layer = layers.Embedding(9, 6)
    layer.build()
    table = RNG.uniform(-1, 1, (9, 6)).astype("float32")
    layer.set_weights([table])
    config = quantizers.Int4QuantizationConfig(block_size=block) if mode == "int4" else None
    layer.quantize(mode, config=config)
    ids = RNG.integers(0, 9, (3, 5)).astype("int32")
    if block:
        want = grouped_dequantized(table.T, block).T[ids]
    else:
        codes, scale = abs_max(table, -1, high=127 if mode == "int8" else 7)
        want = (codes / scale)[ids]
    np.testing.assert_allclose(to_numpy(layer(ids)), want, rtol=1e-5, atol=1e-6)
    assert layer.embeddings_scale.shape == ((9,) if block is None else (9, 2))


def test_quantize_errors():
    layer = layers.Dense(3)
    with pytest.raises(ValueError, match="is not built yet"):
        layer.quantize("int8")
    layer.build((None, 4))
    with pytest.raises(ValueError, match=r"`mode` must be one of \('int8', 'float8', 'int4', 'gptq', 'awq'\)"):
        layer.quantize("int2")
    with pytest.raises(ValueError, match="needs a `mode`"):
        layer.quantize()
    with pytest.raises(ValueError, match="Contradictory arguments: mode='int4' but config.mode='int8'"):
        layer.quantize("int4", config=quantizers.Int8QuantizationConfig())
    with pytest.raises(ValueError, match="needs a GPTQConfig"):
        layer.quantize("gptq")
    with pytest.raises(NotImplementedError, match="GPTQ quantization is not implemented in kerasnb"):
        layer.quantize("gptq", config=quantizers.GPTQConfig(["x"], None))
    layer.quantize("int8")
    with pytest.raises(ValueError, match="already quantized with dtype policy 'int8_from_float32'"):
        layer.quantize("int4")
    half = layers.Dense(3, dtype="mixed_float16")
    half.build((None, 4))
    with pytest.raises(ValueError, match="int8 quantization does not work with compute dtype float16"):
        half.quantize("int8")

    class MyDense(layers.Dense):
        pass

    mine = MyDense(2)
    mine.build((None, 3))
    with pytest.raises(NotImplementedError, match="does not implement `quantize`"):
        mine.quantize("int8")
    mine.quantize("int8", type_check=False)
    with pytest.raises(NotImplementedError, match="Embedding supports int8 and int4"):
        emb = layers.Embedding(3, 2)
        emb.build()
        emb.quantize("float8")
    with pytest.raises(NotImplementedError, match="does not implement `quantize`"):
        conv = layers.Conv1D(2, 2)
        conv.build((None, 4, 1))
        conv.quantize("int8")


def mlp():
    return kerasnb.Sequential([kerasnb.Input((64,)), layers.Dense(128, activation="relu", name="hidden"),
                               layers.Dropout(0.1), layers.Dense(10, name="logits")])


def test_model_quantize_filters_and_warnings():
    model = mlp()
    model.quantize("int8", filters="hidden")
    assert [l.quantization_mode for l in model.layers] == ["int8", None, None]
    model.quantize("int4", filters=["^logits$"])
    assert model.get_layer("logits").quantization_mode == "int4"
    other = mlp()
    other.quantize("int8", filters=lambda layer: layer.name == "logits")
    assert [l.quantization_mode for l in other.layers] == [None, None, "int8"]
    cnn = kerasnb.Sequential([kerasnb.Input((8, 1)), layers.Conv1D(3, 2), layers.Flatten(), layers.Dense(2)])
    with pytest.warns(UserWarning, match=r"1 layer\(s\) with weights keep their float weights:\n  conv1d"):
        cnn.quantize("int8")
    with pytest.raises(ValueError, match="`filters` must be a regex string"):
        mlp().quantize("int8", filters=3)
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        mlp().quantize("int8", bogus=1)
    with pytest.raises(NotImplementedError, match="AWQ quantization is not implemented"):
        mlp().quantize(config=quantizers.AWQConfig(["x"], None))
    unbuilt = kerasnb.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="is not built yet"):
        unbuilt.quantize("int8")


def test_weight_bytes_before_and_after_in_the_summary():
    model = mlp()
    model.quantize("int8")
    rows, (before, after) = quantization_report(model)
    assert before == (64 * 128 + 128 + 128 * 10 + 10) * 4
    assert after == (64 * 128 + 128 * 10) + (128 + 10) * 4 * 2  # int8 codes, float32 scales and biases
    assert [(layer.name, mode) for layer, mode, _, _ in rows] == [("hidden", "int8"), ("logits", "int8")]
    assert before / after >= 3.5
    lines = []
    model.summary(print_fn=lines.append)
    assert "Quantized: 2 layers (int8); weights 37.54 KB -> 10.33 KB (3.63x smaller)" in lines[0]
    html = model_html(model)
    assert "int8_from_float32" in html and "Quantized layer" in html and "3.63x" in html
    assert quantization_report(mlp()) is None and "Quantized layer" not in model_html(mlp())


def test_lora_on_float_and_int8_dense(backend):
    layer = dense()
    layer.enable_lora(2, lora_alpha=4)
    assert layer.lora_enabled and [v.name for v in layer.trainable_weights] == [
        "bias", "lora_kernel_a", "lora_kernel_b"]
    w, b = layer._kernel.numpy(), layer.bias.numpy()
    np.testing.assert_allclose(to_numpy(layer(X)), X @ w + b, rtol=1e-5, atol=1e-5)  # B starts at zero
    a, bb = RNG.uniform(-1, 1, (12, 2)).astype("float32"), RNG.uniform(-1, 1, (2, 7)).astype("float32")
    layer.lora_kernel_a.assign(a)
    layer.lora_kernel_b.assign(bb)
    np.testing.assert_allclose(to_numpy(layer(X)), X @ (w + 2 * a @ bb) + b, rtol=1e-4, atol=1e-4)
    merged = layer._saved_variables()[0]
    np.testing.assert_allclose(merged.numpy(), w + 2 * a @ bb, rtol=1e-5)
    assert layer.get_config()["lora_rank"] == 2 and layer.get_config()["lora_alpha"] == 4

    quantized = dense()
    w, b = quantized.get_weights()
    quantized.quantize("int8", config=quantizers.Int8QuantizationConfig(activation_quantizer=None))
    quantized.enable_lora(2)
    quantized.lora_kernel_a.assign(a)
    quantized.lora_kernel_b.assign(bb)
    codes, scale = abs_max(w, 0)
    np.testing.assert_allclose(to_numpy(quantized(X)), X @ (codes / scale + a @ bb) + b, rtol=1e-4, atol=1e-4)
    saved = {v.name: v.numpy() for v in quantized._saved_variables()}
    new_codes, new_scale = abs_max((codes / scale + a @ bb).astype("float32"), 0)
    np.testing.assert_array_equal(saved["kernel"], new_codes)
    np.testing.assert_allclose(saved["kernel_scale"], new_scale[0], rtol=1e-5)
    with pytest.raises(ValueError, match="already enabled"):
        quantized.enable_lora(2)
    with pytest.raises(ValueError, match="has a weight constraint"):
        dense(kernel_constraint="non_neg").enable_lora(2)
    with pytest.raises(ValueError, match="not built yet"):
        layers.Dense(2).enable_lora(2)
    with pytest.raises(NotImplementedError, match="float8 quantization does not support LoRA"):
        layer.quantize("float8")


def test_lora_on_embedding_and_einsum_dense(backend):
    emb = layers.Embedding(6, 4, lora_rank=3)
    emb.build()
    a, b = RNG.uniform(-1, 1, (6, 3)).astype("float32"), RNG.uniform(-1, 1, (3, 4)).astype("float32")
    emb.lora_embeddings_a.assign(a)
    emb.lora_embeddings_b.assign(b)
    ids = np.array([[0, 5, 2]], "int32")
    np.testing.assert_allclose(to_numpy(emb(ids)), (emb._embeddings.numpy() + a @ b)[ids], rtol=1e-5, atol=1e-5)
    einsum = layers.EinsumDense("abc,cd->abd", (3, 5), lora_rank=2)
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    einsum.build(x.shape)
    assert einsum.lora_kernel_a.shape == (4, 2) and einsum.lora_kernel_b.shape == (2, 5)
    einsum.lora_kernel_b.assign(np.ones((2, 5), "float32"))
    want = np.einsum("abc,cd->abd", x, einsum._kernel.numpy() + einsum.lora_kernel_a.numpy() @ np.ones((2, 5)))
    np.testing.assert_allclose(to_numpy(einsum(x)), want, rtol=1e-4, atol=1e-4)
