"""Dtype policies: which dtype a layer keeps its weights in, computes in, and how it is quantized.

A float policy is a dtype name (both dtypes) or ``mixed_float16`` / ``mixed_bfloat16``
(float32 variables, 16-bit compute). A quantized policy is named ``<mode>_from_<source>``,
e.g. ``int8_from_float32`` or ``int4/128_from_mixed_bfloat16``: the layer's main weight is
stored quantized while the rest follows the source policy. `DTypePolicyMap` gives policies
per layer path (exact paths or regular expressions).

Example:
    >>> DTypePolicy("mixed_float16").compute_dtype
    'float16'
    >>> get("int8_from_float32").quantization_mode
    'int8'
"""

import re

from kerasnb.engine import config, dtypes
from kerasnb.engine.saving.serialization import builtin

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")

_global_policy = None


def _parse_float_policy(name):
    """``(compute_dtype, variable_dtype)`` of a float policy name."""
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a string such as 'mixed_float16'; received {name!r} "
                        f"(of type {type(name).__name__}).")
    if name == "mixed_float16":
        return "float16", "float32"
    if name == "mixed_bfloat16":
        return "bfloat16", "float32"
    try:
        dtype = dtypes.standardize_dtype(name)
    except (TypeError, ValueError):
        dtype = None
    if dtype is None:
        raise ValueError(f"`name` must be 'mixed_float16', 'mixed_bfloat16' or a dtype name such as "
                         f"'float32'; received name={name!r}.")
    return dtype, dtype


@builtin("dtype_policies", module="keras")
class DTypePolicy:
    """A layer's dtypes: `variable_dtype` for its weights, `compute_dtype` for its math.

    Args:
        name: a dtype name (``"float32"``, ``"bfloat16"``...) for both, or
            ``"mixed_float16"`` / ``"mixed_bfloat16"`` for float32 weights with 16-bit
            compute. None means the global policy's name.

    Example:
        >>> policy = DTypePolicy("mixed_bfloat16")
        >>> policy.variable_dtype, policy.compute_dtype
        ('float32', 'bfloat16')
    """

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        self._name = name
        self._compute_dtype, self._variable_dtype = _parse_float_policy(name)
        self._quantization_mode = None

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        """The dtype of the layer's inputs, computations and outputs."""
        return self._compute_dtype

    @property
    def variable_dtype(self):
        """The dtype the layer creates its weights in."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """``"int8"``, ``"int4"``, ``"float8"``, ... for a quantized policy, else None."""
        return self._quantization_mode

    def convert_input(self, x, autocast, dtype):
        """`x` as a tensor, cast to `dtype` when `autocast` is on and `x` is floating."""
        from kerasnb.engine.ops import core
        x = core.convert_to_tensor(x)
        if autocast and dtypes.is_float(core.dtype(x)) and core.dtype(x) != dtypes.standardize_dtype(dtype):
            x = core.cast(x, dtype)
        return x

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        if type(self) in (DTypePolicy, FloatDTypePolicy):
            return type(other) in (DTypePolicy, FloatDTypePolicy) and other._name == self._name
        return type(other) is type(self) and other._name == self._name

    __hash__ = object.__hash__

    def __repr__(self):
        kind = "DTypePolicy" if type(self) is FloatDTypePolicy else type(self).__name__
        return f'<{kind} "{self._name}">'


@builtin("dtype_policies", module="keras")
class FloatDTypePolicy(DTypePolicy):
    """Another name of `DTypePolicy` (float and mixed policies)."""


@builtin("dtype_policies")
class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: its main weight stored in `mode`, the rest following
    the float policy `source_name`.

    Args:
        mode: one of ``"int8"``, ``"int4"``, ``"float8"``, ``"gptq"``, ``"awq"``.
        source_name: the float policy the layer had before quantization (None: the
            global policy's name).

    Example:
        >>> QuantizedDTypePolicy("int8", "float32").name
        'int8_from_float32'
    """

    def __init__(self, mode, source_name=None):
        if source_name is None:
            source_name = dtype_policy().name
        self._compute_dtype, self._variable_dtype = _parse_float_policy(source_name)
        _check_mode(mode, self._compute_dtype)
        self._name = f"{mode}_from_{source_name}"
        self._source_name = source_name
        self._quantization_mode = mode

    @property
    def source_name(self):
        return self._source_name

    def __eq__(self, other):
        return (DTypePolicy.__eq__(self, other) and other._quantization_mode == self._quantization_mode
                and other._source_name == self._source_name)

    __hash__ = object.__hash__

    def get_config(self):
        return {"mode": self._quantization_mode, "source_name": self._source_name}


def _check_mode(mode, compute_dtype):
    if mode not in QUANTIZATION_MODES:
        raise ValueError(f"`mode` must be one of {QUANTIZATION_MODES}; received mode={mode!r}.")
    if mode == "int8" and compute_dtype == "float16":
        raise ValueError("Quantization mode 'int8' does not work well with compute dtype float16 "
                         "(the de-scaled products overflow); use 'mixed_bfloat16' or float32.")


@builtin("dtype_policies")
class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The policy of a float8-trained layer; keeps the length of the amax history windows.

    Args:
        mode: ``"float8"``.
        source_name: the float policy the layer had before quantization.
        amax_history_length: how many past absolute maxima the scales are computed from.

    Example:
        >>> QuantizedFloat8DTypePolicy("float8", "float32", amax_history_length=16).amax_history_length
        16
    """

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode, source_name)
        if not isinstance(amax_history_length, int) or isinstance(amax_history_length, bool):
            raise TypeError(f"`amax_history_length` must be an int; received {amax_history_length!r}.")
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self):
        return self._amax_history_length

    def __eq__(self, other):
        return super().__eq__(other) and other._amax_history_length == self._amax_history_length

    __hash__ = object.__hash__

    def get_config(self):
        return {**super().get_config(), "amax_history_length": self._amax_history_length}


def _mode_parts(mode, kind, count, expected):
    """Splits ``"int4/128"``-style modes into their integer parts, with clear errors."""
    parts = mode.split("/") if isinstance(mode, str) else []
    if len(parts) != count + 1 or parts[0] != kind:
        raise ValueError(f"`mode` must have the form {expected}; received mode={mode!r}.")
    try:
        return [int(p) for p in parts[1:]]
    except ValueError:
        raise ValueError(f"`mode` must have the form {expected} with integer fields; "
                         f"received mode={mode!r}.") from None


def _check_group(value, what, mode):
    if value < -1 or value == 0:
        raise ValueError(f"{what} in `mode` must be -1 (per channel) or a positive int; "
                         f"received mode={mode!r}.")


@builtin("dtype_policies")
class Int4DTypePolicy(QuantizedDTypePolicy):
    """The policy of an int4 layer, carrying its block size: ``mode="int4/<block_size>"``
    (-1: one scale per output channel; n > 0: one scale and zero point per n inputs).

    Example:
        >>> Int4DTypePolicy("int4/128", "float32").block_size
        128
    """

    def __init__(self, mode, source_name=None):
        (block_size,) = _mode_parts(mode, "int4", 1, "'int4/<block_size>'")
        _check_group(block_size, "<block_size>", mode)
        super().__init__("int4", source_name)
        self._name = f"{mode}_from_{self._source_name}"
        self.mode, self.block_size = "int4", block_size

    def __eq__(self, other):
        return super().__eq__(other) and other.block_size == self.block_size

    __hash__ = object.__hash__

    def get_config(self):
        return {**super().get_config(), "mode": f"int4/{self.block_size}"}


class _CalibratedPolicy(QuantizedDTypePolicy):
    """Shared parsing of ``"<kind>/<weight_bits>/<group_size>"`` policies (GPTQ, AWQ)."""

    _kind, _bits = None, ()

    def __init__(self, mode, source_name=None):
        bits, group = _mode_parts(mode, self._kind, 2, f"'{self._kind}/<weight_bits>/<group_size>'")
        if bits not in self._bits:
            raise ValueError(f"<weight_bits> in `mode` must be one of {self._bits} for {self._kind}; "
                             f"received mode={mode!r}.")
        _check_group(group, "<group_size>", mode)
        super().__init__(self._kind, source_name)
        self._name = f"{mode}_from_{self._source_name}"
        self.mode, self.weight_bits, self.group_size = self._kind, bits, group

    def __eq__(self, other):
        return (super().__eq__(other) and other.weight_bits == self.weight_bits
                and other.group_size == self.group_size)

    __hash__ = object.__hash__

    def get_config(self):
        return {**super().get_config(), "mode": f"{self._kind}/{self.weight_bits}/{self.group_size}"}


@builtin("dtype_policies")
class GPTQDTypePolicy(_CalibratedPolicy):
    """The policy of a GPTQ-quantized layer, ``mode="gptq/<weight_bits>/<group_size>"``.

    kerasnb parses, compares and serializes it; building or running GPTQ layers raises
    NotImplementedError (see `kerasnb.quantizers.GPTQConfig`).

    Example:
        >>> GPTQDTypePolicy("gptq/4/128", "float32").weight_bits
        4
    """

    _kind, _bits = "gptq", (2, 3, 4, 8)


@builtin("dtype_policies")
class AWQDTypePolicy(_CalibratedPolicy):
    """The policy of an AWQ-quantized layer, ``mode="awq/4/<group_size>"``.

    kerasnb parses, compares and serializes it; building or running AWQ layers raises
    NotImplementedError (see `kerasnb.quantizers.AWQConfig`).

    Example:
        >>> AWQDTypePolicy("awq/4/-1", "float32").group_size
        -1
    """

    _kind, _bits = "awq", (4,)


@builtin("dtype_policies")
class DTypePolicyMap(DTypePolicy):
    """Policies by layer path: exact paths first, then keys read as regular expressions
    (``re.fullmatch``), else `default_policy`. A layer given a map looks itself up by path.

    Args:
        default_policy: the policy of unmatched paths (None: the global policy, read when used).
        policy_map: ``{path or pattern: policy}``.

    Example:
        >>> policies = DTypePolicyMap("float32", {"encoder/.*": "bfloat16"})
        >>> policies["encoder/dense"].name, policies["decoder"].name
        ('bfloat16', 'float32')
    """

    def __init__(self, default_policy=None, policy_map=None):
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("`default_policy` cannot be a DTypePolicyMap.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(f"`policy_map` must be a dict or None; received {type(policy_map).__name__}.")
        self._default_policy_arg = default_policy
        self._default_policy = get(default_policy) if default_policy is not None else None
        self._policy_map = {}
        for key, policy in (policy_map or {}).items():
            self[key] = policy

    @property
    def name(self):
        return f"map_{self.default_policy.name}"

    @property
    def _name(self):
        return self.name

    @property
    def default_policy(self):
        return self._default_policy if self._default_policy is not None else dtype_policy()

    @property
    def compute_dtype(self):
        return self.default_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self.default_policy.variable_dtype

    @property
    def quantization_mode(self):
        return self.default_policy.quantization_mode

    def __getitem__(self, key):
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [pattern for pattern in self._policy_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"Path {key!r} matches several DTypePolicyMap keys {matches}; each path may "
                             "match at most one.")
        return self._policy_map[matches[0]] if matches else self.default_policy

    def __setitem__(self, key, policy):
        if key in self._policy_map:
            raise ValueError(f"Key {key!r} is already in the DTypePolicyMap (policy "
                             f"{self._policy_map[key]}); keys must be unique.")
        try:
            policy = get(policy)
        except (TypeError, ValueError) as error:
            raise ValueError(f"The value for key {key!r} is not a dtype policy: {error}") from None
        self._policy_map[key] = policy

    def __delitem__(self, key):
        return self._policy_map.pop(key)

    def __contains__(self, key):
        return key in self._policy_map

    def __len__(self):
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def keys(self):
        return self._policy_map.keys()

    def values(self):
        return self._policy_map.values()

    def items(self):
        return self._policy_map.items()

    def get_config(self):
        from kerasnb.engine.saving.serialization import serialize_keras_object
        return {"default_policy": serialize_keras_object(self._default_policy_arg),
                "policy_map": serialize_keras_object(self._policy_map)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasnb.engine.saving.serialization import deserialize_keras_object
        config = dict(config)
        config["policy_map"] = deserialize_keras_object(config.get("policy_map"), custom_objects)
        if isinstance(config.get("default_policy"), dict):
            config["default_policy"] = deserialize_keras_object(config["default_policy"], custom_objects)
        return cls(**config)

    def __eq__(self, other):
        return (isinstance(other, DTypePolicyMap) and other.default_policy == self.default_policy
                and other._policy_map == self._policy_map)

    __hash__ = object.__hash__

    def __repr__(self):
        mapping = [(k, v.name) for k, v in self._policy_map.items()]
        return f"<DTypePolicyMap default_policy={self.default_policy.name} mapping={mapping}>"


def _quantized_from_name(name):
    """The quantized policy named ``"<mode>_from_<source>"``."""
    mode, separator, source = name.partition("_from_")
    if not separator or not source:
        raise ValueError(f"A quantized policy name has the form '<mode>_from_<source policy>' "
                         f"(e.g. 'int8_from_float32'); received {name!r}.")
    if mode.startswith("int4/"):
        return Int4DTypePolicy(mode, source)
    if mode.startswith("gptq"):
        return GPTQDTypePolicy(mode, source)
    if mode.startswith("awq"):
        return AWQDTypePolicy(mode, source)
    if mode == "float8":
        return QuantizedFloat8DTypePolicy(mode, source)
    return QuantizedDTypePolicy(mode, source)


def serialize(dtype_policy):
    """The config dict of a policy (``{"module", "class_name", "config", ...}``).

    Example:
        >>> serialize(DTypePolicy("float16"))["config"]
        {'name': 'float16'}
    """
    from kerasnb.engine.saving.serialization import serialize_keras_object
    return serialize_keras_object(dtype_policy)


def deserialize(config, custom_objects=None):
    """The policy of a config written by `serialize`.

    Example:
        >>> deserialize(serialize(DTypePolicy("bfloat16"))).name
        'bfloat16'
    """
    from kerasnb.engine.saving.serialization import builtins_of, deserialize_keras_object
    return deserialize_keras_object(config, custom_objects, module_objects=builtins_of("dtype_policies"))


def get(identifier):
    """A policy from None (the global one), a name (float, mixed or ``"<mode>_from_<source>"``),
    a config dict, a dtype, or a policy (returned as is).

    Example:
        >>> get("int4/-1_from_float32").block_size
        -1
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        if "class_name" not in identifier:  # a bare ``{"name": ...}`` config
            return DTypePolicy(**identifier)
        policy = deserialize(identifier)
        if not isinstance(policy, DTypePolicy):
            raise ValueError(f"The config does not describe a dtype policy; received {identifier!r}.")
        return policy
    if isinstance(identifier, str):
        if identifier.startswith(QUANTIZATION_MODES):
            return _quantized_from_name(identifier)
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(dtypes.standardize_dtype(identifier))
    except (TypeError, ValueError):
        raise ValueError(f"`dtype` must be a policy name, a DTypePolicy, a config dict or a dtype; "
                         f"received dtype={identifier!r}.") from None


def dtype_policy():
    """The global policy: the one set with `set_dtype_policy`, else floatx's.

    Example:
        >>> dtype_policy().name
        'float32'
    """
    if _global_policy is not None:
        return _global_policy
    return DTypePolicy(config.floatx())


def set_dtype_policy(policy):
    """Sets the global policy that new layers take (``None`` restores floatx's).

    Example:
        >>> set_dtype_policy("mixed_bfloat16")
        >>> set_dtype_policy(None)
    """
    global _global_policy
    if policy is not None and not isinstance(policy, (str, DTypePolicy)):
        raise ValueError(f"`policy` must be a policy name (e.g. 'mixed_float16') or a DTypePolicy; "
                         f"received {policy!r} (of type {type(policy).__name__}).")
    _global_policy = None if policy is None else get(policy)
