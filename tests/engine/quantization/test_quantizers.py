"""`kerasnb.quantizers` functions and classes against NumPy reference math written here (and
ml_dtypes for float8 rounding), on every backend; configs and the registry."""

import ml_dtypes
import numpy as np
import pytest

from kerasnb import quantizers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.saving.serialization import deserialize_keras_object, serialize_keras_object
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(5)
X = RNG.standard_normal((6, 10)).astype("float32")


def reference_abs_max(x, axis, low, high, epsilon=1e-7):
    scale = high / (np.max(np.abs(x), axis=axis, keepdims=True) + epsilon)
    return np.clip(np.round(x * scale), low, high).astype("int8"), scale.astype(x.dtype)


def reference_grouped(x, block, qmin=-8, qmax=7, epsilon=1e-7):
    rows, columns = x.shape
    groups = -(-rows // block)
    padded = np.zeros((groups * block, columns), x.dtype)
    padded[:rows] = x
    codes, scales, zeros = np.zeros_like(x, dtype="int8"), [], []
    for g in range(groups):
        part = padded[g * block:(g + 1) * block]
        scale = (part.max(0) - part.min(0) + epsilon) / (qmax - qmin)
        zero = np.clip(np.round(-part.min(0) / scale) + qmin, qmin, qmax)
        rows_of_g = slice(g * block, min((g + 1) * block, rows))
        codes[rows_of_g] = np.clip(np.round(x[rows_of_g] / scale) + zero, qmin, qmax)
        scales.append(scale)
        zeros.append(zero)
    return codes, np.array(scales, x.dtype), np.array(zeros).astype("int8")


@pytest.mark.parametrize("axis", [0, -1, (0, 1)])
@pytest.mark.parametrize("to_numpy_flag", [False, True])
def test_abs_max_quantize(backend, axis, to_numpy_flag):
    codes, scale = quantizers.abs_max_quantize(X, axis, to_numpy=to_numpy_flag)
    want_codes, want_scale = reference_abs_max(X, axis, -127, 127)
    np.testing.assert_array_equal(to_numpy(codes), want_codes)
    np.testing.assert_allclose(to_numpy(scale), want_scale, rtol=1e-6)
    assert to_numpy(codes).dtype == np.int8 and to_numpy(scale).dtype == np.float32
    # de-quantizing lands within half a step of every value
    assert np.all(np.abs(to_numpy(codes) / to_numpy(scale) - X) <= 0.5 / to_numpy(scale) + 1e-6)


def test_abs_max_quantizer_object(backend):
    quantizer = quantizers.AbsMaxQuantizer(axis=0, value_range=(-8, 7))
    codes, scale = quantizer(X)
    want_codes, want_scale = reference_abs_max(X, 0, -8, 7)
    np.testing.assert_array_equal(to_numpy(codes), want_codes)
    np.testing.assert_allclose(to_numpy(scale), want_scale, rtol=1e-6)
    assert to_numpy(quantizer(X, axis=-1)[1]).shape == (6, 1)  # the call's axis wins
    assert to_numpy(quantizers.AbsMaxQuantizer()(X)[1]).shape == (6, 1)  # default axis -1
    config = quantizer.get_config()
    assert config == {"value_range": (-8, 7), "epsilon": 1e-07, "output_dtype": "int8", "axis": (0,)}
    assert quantizers.AbsMaxQuantizer.from_config(config).get_config() == config
    with pytest.raises(ValueError, match=r"within \[-128, 127\]; received value_range=\(-200, 200\)"):
        quantizers.AbsMaxQuantizer(value_range=(-200, 200))
    with pytest.raises(NotImplementedError, match="does not implement `get_config"):
        quantizers.Quantizer().get_config()


@pytest.mark.parametrize("block", [2, 4, 6])
def test_grouped_quantize_with_zero_point(backend, block):
    for flag in (False, True):
        codes, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(X, block, to_numpy=flag)
        want = reference_grouped(X, block)
        np.testing.assert_array_equal(to_numpy(codes), want[0])
        np.testing.assert_allclose(to_numpy(scale), want[1], rtol=1e-6)
        np.testing.assert_array_equal(to_numpy(zero), want[2])
    with pytest.raises(ValueError, match="`block_size` must be a positive int; received 0"):
        quantizers.abs_max_quantize_grouped_with_zero_point(X, 0)


def reference_fake_quant(x, low, high, bits, narrow):
    qmin, qmax = (1 if narrow else 0), 2 ** bits - 1
    step = (high - low) / (qmax - qmin)
    zero = np.round(np.clip(qmin - low / step, qmin, qmax))
    nudged_low, nudged_high = (qmin - zero) * step, (qmax - zero) * step
    clamped = np.clip(x, nudged_low, nudged_high)
    return np.floor((clamped - nudged_low) / step + 0.5) * step + nudged_low, nudged_low, nudged_high


@pytest.mark.parametrize("bits, narrow", [(8, False), (4, True), (2, False)])
def test_fake_quant_per_tensor(backend, bits, narrow):
    x = np.concatenate([RNG.uniform(-1.5, 2.5, 40), [-1.5, 2.5]]).astype("float32")
    got = quantizers.fake_quant_with_min_max_vars(x, -1.0, 2.0, num_bits=bits, narrow_range=narrow)
    want = reference_fake_quant(x, -1.0, 2.0, bits, narrow)[0]
    np.testing.assert_allclose(to_numpy(got), want, atol=1e-6)


def test_fake_quant_per_channel(backend):
    low, high = np.array([-1.0, 0.0, -0.5], "float32"), np.array([1.0, 3.0, 0.5], "float32")
    got = to_numpy(quantizers.fake_quant_with_min_max_vars(X[:, :3].T, low, high, axis=0))
    want = np.stack([reference_fake_quant(X[:, c], low[c], high[c], 8, False)[0] for c in range(3)])
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_fake_quant_gradient_is_straight_through(trainable_backend):
    """Inside the range the gradient passes; clipped values send theirs to min or max."""
    x = np.array([-2.0, -0.5, 0.2, 0.9, 3.0], "float32")

    def loss(values):
        out = quantizers.fake_quant_with_min_max_vars(values[0], values[1], values[2], num_bits=8)
        return knp.sum(knp.multiply(out, np.arange(1, 6, dtype="float32")))

    grad = engine_backend.get().value_and_grad(loss)
    _, (gx, glow, ghigh) = grad([core.convert_to_tensor(x), core.convert_to_tensor(-1.0),
                                 core.convert_to_tensor(1.0)])
    np.testing.assert_allclose(to_numpy(gx), [0, 2, 3, 4, 0])
    assert float(to_numpy(glow)) == 1.0 and float(to_numpy(ghigh)) == 5.0


def test_pack_and_unpack_int4_bit_layout(backend):
    values = np.array([[-3, 7], [2, -8], [1, 0]], "int8")
    packed, shape, length = quantizers.pack_int4(values)
    # low nibble: even row, high nibble: odd row; the odd length gets a zero row
    expected = ((values[0::2].astype(np.uint8) & 15) | ((np.vstack([values[1::2], [[0, 0]]]).astype(np.uint8) & 15)
                                                       << 4)).view(np.int8)
    np.testing.assert_array_equal(to_numpy(packed), expected)
    assert shape == (2, 2) and length == 3
    np.testing.assert_array_equal(to_numpy(quantizers.unpack_int4(packed, length)), values)


@pytest.mark.parametrize("shape, axis", [((7, 4), 0), ((3, 5), 1), ((2, 5, 3), 1), ((4, 2, 6), -1)])
def test_pack_unpack_round_trip(backend, shape, axis):
    values = RNG.integers(-8, 8, shape).astype("int8")
    packed, packed_shape, length = quantizers.pack_int4(values, axis=axis)
    assert to_numpy(packed).shape == packed_shape and packed_shape[axis] == -(-shape[axis] // 2)
    np.testing.assert_array_equal(to_numpy(quantizers.unpack_int4(packed, length, axis=axis)), values)
    unsigned = RNG.integers(0, 16, shape).astype("uint8")
    packed, _, length = quantizers.pack_int4(unsigned, axis=axis, dtype="uint8")
    np.testing.assert_array_equal(to_numpy(quantizers.unpack_int4(packed, length, axis=axis, dtype="uint8")),
                                  unsigned)


def test_pack_errors():
    with pytest.raises(TypeError, match="must be a int8 tensor to pack; received dtype int32"):
        quantizers.pack_int4(np.zeros((2, 2), "int32"))
    with pytest.raises(ValueError, match="`dtype` must be 'int8' or 'uint8'"):
        quantizers.unpack_int4(np.zeros((2, 2), "int8"), 4, dtype="int16")
    with pytest.raises(TypeError, match="`packed` must be an int8 or uint8 tensor"):
        quantizers.unpack_int4(np.zeros((2, 2), "float32"), 4)


@pytest.mark.parametrize("fmt", ["float8_e4m3fn", "float8_e5m2"])
def test_quantize_and_dequantize_matches_a_real_float8_cast(backend, fmt):
    limit = float(ml_dtypes.finfo(getattr(ml_dtypes, fmt)).max)
    x = np.concatenate([RNG.standard_normal(2000) * 50, RNG.standard_normal(200) * 1e-3,
                        [0.0, limit, 1.5 * limit, -2 * limit, 2.0 ** -9, 2.0 ** -17]]).astype("float32")
    for scale in (1.0, 0.25):
        got = to_numpy(quantizers.quantize_and_dequantize(x, scale, fmt, "float32"))
        want = (np.clip(x / scale, -limit, limit).astype(getattr(ml_dtypes, fmt)).astype("float32") * scale)
        np.testing.assert_array_equal(got, want)
    half = to_numpy(quantizers.quantize_and_dequantize(x[:10], 1.0, fmt, "float16"))
    assert half.dtype == np.float16


def test_float8_scale_and_amax_history(backend):
    scale = quantizers.compute_float8_scale(np.float32(896.0), np.float32(1.0), 448.0)
    assert float(to_numpy(scale)) == 2.0
    assert float(to_numpy(quantizers.compute_float8_scale(np.float32(896.0), np.float32(1.0), 448.0, margin=1))) == 4.0
    for amax in (0.0, np.inf, np.nan):  # not usable: the previous scale stays
        assert float(to_numpy(quantizers.compute_float8_scale(np.float32(amax), np.float32(0.5), 448.0))) == 0.5
    history = quantizers.compute_float8_amax_history(np.array([-3.0, 1.0], "float32"),
                                                     np.array([1.0, 2.0, 5.0], "float32"))
    np.testing.assert_array_equal(to_numpy(history), [3.0, 5.0, 1.0])


def test_configs_validate_and_round_trip():
    int8 = quantizers.Int8QuantizationConfig()
    assert int8.mode == "int8" and isinstance(int8.activation_quantizer, quantizers.AbsMaxQuantizer)
    assert quantizers.Int8QuantizationConfig(activation_quantizer=None).activation_quantizer is None
    int4 = quantizers.Int4QuantizationConfig()
    assert (int4.mode, int4.block_size, int4.activation_quantizer) == ("int4", 128, None)
    with pytest.raises(ValueError, match="output_dtype='int8'"):
        quantizers.Int8QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(output_dtype="int16"))
    with pytest.raises(ValueError, match=r"value_range=\(-8, 7\)"):
        quantizers.Int4QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(), block_size=None)
    with pytest.raises(ValueError, match="takes no custom quantizers"):
        quantizers.Int4QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(value_range=(-8, 7)))
    with pytest.raises(ValueError, match="`block_size` must be None, -1 or a positive int; received block_size=0"):
        quantizers.Int4QuantizationConfig(block_size=0)
    with pytest.raises(NotImplementedError, match="defines no `mode`"):
        quantizers.QuantizationConfig().mode
    for config in (int8, int4, quantizers.Int4QuantizationConfig(block_size=None),
                   quantizers.Float8QuantizationConfig(), quantizers.AWQConfig(None, None),
                   quantizers.GPTQConfig(None, None, weight_bits=8, group_size=-1)):
        revived = deserialize_keras_object(serialize_keras_object(config))
        assert type(revived) is type(config) and revived.get_config() == config.get_config()
        assert quantizers.deserialize(quantizers.serialize(config)).get_config() == config.get_config()


def test_gptq_and_awq_configs():
    gptq = quantizers.GPTQConfig(["text"], None, weight_bits=3, group_size=32)
    assert gptq.mode == "gptq" and gptq.dtype_policy_string() == "gptq/3/32"
    assert gptq.get_config()["dataset"] is None
    assert quantizers.AWQConfig(None, None, group_size=-1).dtype_policy_string() == "awq/4/-1"
    with pytest.raises(ValueError, match=r"`weight_bits` must be one of \(4,\) for awq"):
        quantizers.AWQConfig(None, None, weight_bits=8)
    with pytest.raises(ValueError, match="`hessian_damping` must be in"):
        quantizers.GPTQConfig(None, None, hessian_damping=2.0)
    with pytest.raises(ValueError, match="`group_size` must be -1"):
        quantizers.GPTQConfig(None, None, group_size=0)
    with pytest.raises(ValueError, match="`num_grid_points` must be a positive int"):
        quantizers.AWQConfig(None, None, num_grid_points=0)


def test_registry():
    assert isinstance(quantizers.get("AbsMaxQuantizer", axis=0), quantizers.AbsMaxQuantizer)
    assert isinstance(quantizers.get("int8_quantization_config"), quantizers.Int8QuantizationConfig)
    quantizer = quantizers.AbsMaxQuantizer(axis=1)
    assert quantizers.get(quantizer) is quantizer and quantizers.get(None) is None
    assert quantizers.get(quantizers.serialize(quantizer)).axis == (1,)
    with pytest.raises(ValueError, match="Could not interpret quantizer identifier: 'Nope'"):
        quantizers.get("Nope")
