"""Dtype policies: names and dtypes, quantized policies, DTypePolicyMap, (de)serialization
against real Keras, the global policy, per-layer dtypes and variable autocasting."""


import numpy as np
import pytest

import kerasnb
from kerasnb import dtype_policies, layers
from kerasnb.engine import scope
from kerasnb.engine.saving.serialization import deserialize_keras_object, serialize_keras_object
from kerasnb.engine.tensors import Variable
from tests.engine.ops.checks import to_numpy
from tests.oracle import real_keras


@pytest.fixture(autouse=True)
def _global_policy():
    yield
    kerasnb.config.set_dtype_policy(None)


def keras_module():
    """Real Keras 3 (test oracle only), on its numpy backend."""
    return real_keras()


@pytest.mark.parametrize("name, compute, variable", [
    ("float32", "float32", "float32"), ("bfloat16", "bfloat16", "bfloat16"), ("float64", "float64", "float64"),
    ("mixed_float16", "float16", "float32"), ("mixed_bfloat16", "bfloat16", "float32")])
def test_float_policies(name, compute, variable):
    policy = dtype_policies.DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert policy.quantization_mode is None
    assert dtype_policies.FloatDTypePolicy(name) == policy == dtype_policies.get(name)
    assert repr(dtype_policies.FloatDTypePolicy(name)) == f'<DTypePolicy "{name}">'


def test_bad_float_policies():
    with pytest.raises(ValueError, match="received name='mixed_int8'"):
        dtype_policies.DTypePolicy("mixed_int8")
    with pytest.raises(TypeError, match="`name` must be a string"):
        dtype_policies.DTypePolicy(3)
    with pytest.raises(ValueError, match="received dtype=<object"):
        dtype_policies.get(object())
    with pytest.raises(ValueError, match="`policy` must be a policy name"):
        kerasnb.config.set_dtype_policy(16)


@pytest.mark.parametrize("name, cls, mode, extra", [
    ("int8_from_float32", "QuantizedDTypePolicy", "int8", {}),
    ("int8_from_mixed_bfloat16", "QuantizedDTypePolicy", "int8", {}),
    ("float8_from_float32", "QuantizedFloat8DTypePolicy", "float8", {"amax_history_length": 1024}),
    ("int4/128_from_float32", "Int4DTypePolicy", "int4", {"block_size": 128}),
    ("int4/-1_from_mixed_float16", "Int4DTypePolicy", "int4", {"block_size": -1}),
    ("gptq/4/64_from_float32", "GPTQDTypePolicy", "gptq", {"weight_bits": 4, "group_size": 64}),
    ("awq/4/-1_from_float32", "AWQDTypePolicy", "awq", {"weight_bits": 4, "group_size": -1})])
def test_quantized_policies_parse_and_round_trip(name, cls, mode, extra):
    policy = dtype_policies.get(name)
    assert type(policy).__name__ == cls and policy.name == name and policy.quantization_mode == mode
    source = name.split("_from_")[1]
    assert policy.compute_dtype == dtype_policies.DTypePolicy(source).compute_dtype
    assert policy.variable_dtype == "float32"
    for attribute, value in extra.items():
        assert getattr(policy, attribute) == value
    config = dtype_policies.serialize(policy)
    assert dtype_policies.deserialize(config) == policy == dtype_policies.get(config)
    assert config == serialize_keras_object(policy)


def test_quantized_policy_errors():
    with pytest.raises(ValueError, match="`mode` must be one of"):
        dtype_policies.QuantizedDTypePolicy("int3", "float32")
    with pytest.raises(ValueError, match="does not work well with compute dtype float16"):
        dtype_policies.QuantizedDTypePolicy("int8", "mixed_float16")
    with pytest.raises(ValueError, match=r"'int4/<block_size>'; received mode='int4'"):
        dtype_policies.Int4DTypePolicy("int4", "float32")
    with pytest.raises(ValueError, match="integer fields"):
        dtype_policies.Int4DTypePolicy("int4/big", "float32")
    with pytest.raises(ValueError, match="-1 .per channel. or a positive int"):
        dtype_policies.Int4DTypePolicy("int4/0", "float32")
    with pytest.raises(ValueError, match=r"one of \(2, 3, 4, 8\) for gptq"):
        dtype_policies.GPTQDTypePolicy("gptq/5/128", "float32")
    with pytest.raises(ValueError, match=r"one of \(4,\) for awq"):
        dtype_policies.AWQDTypePolicy("awq/8/128", "float32")
    with pytest.raises(TypeError, match="`amax_history_length` must be an int"):
        dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", amax_history_length=2.5)
    with pytest.raises(ValueError, match="'<mode>_from_<source policy>'"):
        dtype_policies.get("int8_float32")


def test_policy_equality_distinguishes_everything():
    get = dtype_policies.get
    assert get("int8_from_float32") != get("int8_from_bfloat16")
    assert get("int4/64_from_float32") != get("int4/128_from_float32")
    assert get("float32") != get("int8_from_float32")
    assert (dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", 16)
            != dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", 32))


def test_serialization_matches_keras():
    """The configs are Keras's, both ways (module, class name, config)."""
    keras = keras_module()
    names = ["float32", "mixed_bfloat16", "int8_from_float32", "float8_from_mixed_bfloat16",
             "int4/32_from_float32", "gptq/8/-1_from_float32", "awq/4/128_from_float32"]
    for name in names:
        theirs = keras.dtype_policies.serialize(keras.dtype_policies.get(name))
        ours = dtype_policies.serialize(dtype_policies.get(name))
        assert ours == {k: (list(v) if isinstance(v, tuple) else v) for k, v in theirs.items()}, name
        assert dtype_policies.deserialize(theirs).name == name
    policy_map = keras.dtype_policies.DTypePolicyMap(
        "bfloat16", {"block/dense": keras.dtype_policies.get("int8_from_bfloat16")})
    revived = dtype_policies.deserialize(keras.dtype_policies.serialize(policy_map))
    assert revived["block/dense"].name == "int8_from_bfloat16" and revived["other"].name == "bfloat16"


def test_policy_map_lookups():
    policies = dtype_policies.DTypePolicyMap("float32", {"encoder/dense": "bfloat16", "encoder/.*": "float16"})
    policies["decoder"] = "int8_from_float32"
    assert policies["encoder/dense"].name == "bfloat16"           # exact match first
    assert policies["encoder/attention/query"].name == "float16"  # then a full regex match
    assert policies["decoder"].quantization_mode == "int8"
    assert policies["decoder/attention"].name == "float32"        # no prefix matching
    assert (policies.name, policies.compute_dtype, policies.quantization_mode) == ("map_float32", "float32", None)
    assert len(policies) == 3 and "decoder" in policies and list(policies)[0] == "encoder/dense"
    with pytest.raises(ValueError, match="already in the DTypePolicyMap"):
        policies["decoder"] = "float32"
    policies["encoder/attention/.*"] = "bfloat16"
    with pytest.raises(ValueError, match="matches several DTypePolicyMap keys"):
        policies["encoder/attention/key"]
    del policies["encoder/attention/.*"]
    with pytest.raises(ValueError, match="not a dtype policy"):
        policies["x"] = 12
    with pytest.raises(ValueError, match="cannot be a DTypePolicyMap"):
        dtype_policies.DTypePolicyMap(policies)
    with pytest.raises(TypeError, match="`policy_map` must be a dict"):
        dtype_policies.DTypePolicyMap(None, [("a", "float32")])
    revived = deserialize_keras_object(serialize_keras_object(policies))
    assert revived == policies and revived["decoder"] == policies["decoder"]


def test_policy_map_default_follows_the_global_policy():
    policies = dtype_policies.DTypePolicyMap(policy_map={"a": "float16"})
    kerasnb.config.set_dtype_policy("mixed_bfloat16")
    assert policies["b"].name == "mixed_bfloat16" and policies.compute_dtype == "bfloat16"


def test_layer_in_a_policy_map_uses_its_path():
    policies = dtype_policies.DTypePolicyMap("float32", {"half": "float16"})
    half, full = layers.Dense(2, dtype=policies, name="half"), layers.Dense(2, dtype=policies, name="full")
    x = np.ones((1, 3), "float32")
    assert to_numpy(half(x)).dtype == np.float16 and half.kernel.dtype == "float16"
    assert to_numpy(full(x)).dtype == np.float32


def test_global_policy_and_config_namespace(backend):
    assert kerasnb.config.dtype_policy().name == "float32"
    kerasnb.config.set_dtype_policy("mixed_float16")
    assert kerasnb.config.dtype_policy() == dtype_policies.DTypePolicy("mixed_float16")
    dense, pinned = layers.Dense(3), layers.Dense(3, dtype="float32")
    assert dense.dtype_policy.name == "mixed_float16" and dtype_policies.DTypePolicy().name == "mixed_float16"
    x = np.ones((2, 4), "float32")
    assert to_numpy(dense(x)).dtype == np.float16 and to_numpy(pinned(x)).dtype == np.float32
    assert dense.kernel.dtype == "float32" and dense.dtype == "float32" and dense.compute_dtype == "float16"
    kerasnb.config.set_dtype_policy(dtype_policies.DTypePolicy("bfloat16"))
    assert layers.Dense(1).variable_dtype == "bfloat16"


def test_variables_read_as_the_compute_dtype_inside_mixed_layers(backend):
    """float32 weights, 16-bit math: inside a mixed layer's call, float Variables (with
    autocast on) read as the compute dtype; integer and autocast=False ones do not."""
    seen = {}

    class Probe(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")
            self.keep = self.add_weight(shape=(2,), initializer="ones", autocast=False)
            self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False)

        def call(self, x):
            seen[self.name] = (self.w.dtype, to_numpy(self.w.value).dtype, to_numpy(self.keep.value).dtype,
                               self.count.dtype)
            return kerasnb.ops.matmul(x, self.w)

    inner = Probe(name="inner", dtype="float32")
    model = kerasnb.Sequential([Probe(name="mixed", dtype="mixed_bfloat16"), inner], name="outer")
    model.dtype_policy = "mixed_bfloat16"
    out = model(np.ones((1, 3), "float32"))
    assert seen["mixed"] == ("bfloat16", np.dtype("bfloat16"), np.float32, "int32")
    assert seen["inner"][:3] == ("float32", np.float32, np.float32)  # a float32 layer inside a mixed one
    assert to_numpy(out).dtype == np.float32
    assert all(v.dtype in ("float32", "int32") for v in model.weights)


def test_autocast_scope_only_affects_float_autocast_variables():
    v, i = Variable(np.ones(2, "float32")), Variable(np.ones(2, "int32"), dtype="int32")
    with scope.AutocastScope("float16"):
        assert (v.dtype, to_numpy(v.value).dtype, i.dtype) == ("float16", np.float16, "int32")
        v.assign([2.5, 3.5])
    assert v.dtype == "float32" and to_numpy(v.value).dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), [2.5, 3.5])


def test_setting_a_quantized_policy_quantizes_a_built_layer():
    dense = layers.Dense(4)
    dense.build((None, 8))
    dense.dtype_policy = "int4/4_from_float32"
    assert dense.quantization_mode == "int4" and dense._int4_block_size == 4
    assert dense._kernel.dtype == "int8" and dense.kernel_scale.shape == (2, 4)
    with pytest.raises(ValueError, match="gptq needs calibration data"):
        other = layers.Dense(2)
        other.build((None, 3))
        other.dtype_policy = "gptq/4/-1_from_float32"


def test_unbuilt_layer_with_a_quantized_policy_builds_quantized():
    dense = layers.Dense(3, dtype="int8_from_float32")
    dense.build((None, 5))
    assert [(v.name, v.dtype, v.shape) for v in dense.weights] == [
        ("bias", "float32", (3,)), ("kernel", "int8", (5, 3)), ("kernel_scale", "float32", (3,))]
    with pytest.raises(NotImplementedError, match="'gptq' is not supported"):
        layers.Dense(3, dtype="gptq/4/-1_from_float32").build((None, 5))
