"""Quantization configs: what `quantize(mode, config=...)` does with weights and activations.

`Int8QuantizationConfig` quantizes weights per output channel and, by default, the inputs of
each call per row (both abs-max), so the matmul runs on int8 codes. `Int4QuantizationConfig`
quantizes weights to packed int4 (per channel, or in blocks of `block_size` inputs with a zero
point) and leaves the inputs in float. `Float8QuantizationConfig` marks float8 training.
`GPTQConfig` and `AWQConfig` describe calibration-based methods that kerasnb does not run
(their `quantize` raises NotImplementedError), kept so that configs and policies round-trip.

Example:
    >>> config = resolve("int4", None)
    >>> config.mode, config.block_size
    ('int4', 128)
"""

from kerasnb.engine.saving.serialization import builtin, deserialize_keras_object, serialize_keras_object

MODES = ("int8", "float8", "int4", "gptq", "awq")


@builtin("quantizers")
class QuantizationConfig:
    """Base class of quantization configs: a weight quantizer, an activation quantizer and
    the `mode` they implement (subclasses define it).

    Args:
        weight_quantizer: the quantizer of the layer's main weight, or None for the mode's
            default.
        activation_quantizer: the quantizer of the layer's inputs, or None for float inputs.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self).__name__} defines no `mode`: use Int8QuantizationConfig, "
                                  "Int4QuantizationConfig or Float8QuantizationConfig.")

    def get_config(self):
        return {"weight_quantizer": serialize_keras_object(self.weight_quantizer),
                "activation_quantizer": serialize_keras_object(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=deserialize_keras_object(config.get("weight_quantizer")),
                   activation_quantizer=deserialize_keras_object(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        """`config`'s weight quantizer, or `default` when there is none."""
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        """`config`'s activation quantizer (None means float inputs), or `default` without a config."""
        return config.activation_quantizer if config is not None else default


def _check_weight_quantizer(quantizer, value_range=None):
    if quantizer is None:
        return
    if getattr(quantizer, "output_dtype", None) != "int8":
        raise ValueError("The weight quantizer must produce int8 codes (output_dtype='int8'); received "
                         f"output_dtype={getattr(quantizer, 'output_dtype', None)!r}.")
    if value_range is not None and tuple(getattr(quantizer, "value_range", ())) != value_range:
        raise ValueError(f"The int4 weight quantizer must have value_range={value_range}; received "
                         f"value_range={getattr(quantizer, 'value_range', None)!r}.")


@builtin("quantizers")
class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights (per output channel) and, by default, int8 inputs (per row).

    Args:
        weight_quantizer: an int8 quantizer, or None for abs-max over the input axis.
        activation_quantizer: ``"default"`` (abs-max over the last axis), a quantizer, or None
            for weight-only quantization.

    Example:
        >>> Int8QuantizationConfig(activation_quantizer=None).mode
        'int8'
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        from kerasnb.engine.quantization.quantizers import AbsMaxQuantizer
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        _check_weight_quantizer(weight_quantizer)

    @property
    def mode(self):
        return "int8"


@builtin("quantizers")
class Int4QuantizationConfig(QuantizationConfig):
    """Packed int4 weights; inputs stay float unless an activation quantizer is given.

    Args:
        weight_quantizer: an int8-output quantizer with ``value_range=(-8, 7)`` (per-channel
            mode only), or None.
        activation_quantizer: ``"default"`` (none), a quantizer, or None.
        block_size: inputs per scale group (asymmetric, with a zero point); None or -1 for
            one symmetric scale per output channel.

    Example:
        >>> Int4QuantizationConfig(block_size=-1).block_size
        -1
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and (not isinstance(block_size, int) or isinstance(block_size, bool)
                                       or (block_size != -1 and block_size <= 0)):
            raise ValueError(f"`block_size` must be None, -1 or a positive int; received block_size={block_size!r}.")
        if block_size is not None and block_size > 0 and (weight_quantizer or activation_quantizer):
            raise ValueError("Grouped int4 quantization (block_size > 0) takes no custom quantizers; set "
                             f"block_size=None or -1 for per-channel int4. Received block_size={block_size}.")
        _check_weight_quantizer(weight_quantizer, (-8, 7))
        self.block_size = block_size

    @property
    def mode(self):
        return "int4"

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=deserialize_keras_object(config.get("weight_quantizer")),
                   activation_quantizer=deserialize_keras_object(config.get("activation_quantizer")),
                   block_size=config.get("block_size"))


@builtin("quantizers")
class Float8QuantizationConfig(QuantizationConfig):
    """float8 training (delayed scaling); it takes no custom quantizers.

    Example:
        >>> Float8QuantizationConfig().mode
        'float8'
    """

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self):
        return "float8"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls()


def _positive(value, name):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {name}={value!r}.")


def _group(value):
    if not isinstance(value, int) or isinstance(value, bool) or value < -1 or value == 0:
        raise ValueError(f"`group_size` must be -1 (per channel) or a positive int; received group_size={value!r}.")


class _CalibrationConfig(QuantizationConfig):
    """Common part of the GPTQ and AWQ configs: validation, policy string, config round trip
    (the dataset and tokenizer are not serialized)."""

    _allowed_bits = ()

    def _common(self, dataset, tokenizer, weight_bits, num_samples, sequence_length, group_size,
                quantization_layer_structure):
        if weight_bits not in self._allowed_bits:
            raise ValueError(f"`weight_bits` must be one of {self._allowed_bits} for {self.mode}; "
                             f"received weight_bits={weight_bits!r}.")
        _positive(num_samples, "num_samples")
        _positive(sequence_length, "sequence_length")
        _group(group_size)
        self.dataset, self.tokenizer = dataset, tokenizer
        self.weight_bits, self.num_samples = weight_bits, num_samples
        self.sequence_length, self.group_size = sequence_length, group_size
        self.quantization_layer_structure = quantization_layer_structure

    def dtype_policy_string(self):
        """The mode part of the policy name, e.g. ``"gptq/4/128"``."""
        return f"{self.mode}/{self.weight_bits}/{self.group_size}"

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@builtin("quantizers")
class GPTQConfig(_CalibrationConfig):
    """Settings of GPTQ (Hessian-guided post-training weight quantization from calibration
    data). kerasnb validates and serializes them, but ``quantize("gptq", ...)`` raises
    NotImplementedError: the calibration pass is not implemented.

    Args:
        dataset, tokenizer: the calibration data and its tokenizer (not serialized).
        weight_bits: 2, 3, 4 or 8.
        num_samples, sequence_length: how much calibration data to use.
        per_channel, symmetric, activation_order: quantization options.
        hessian_damping: the damping fraction, in [0, 1].
        group_size: inputs per scale group, or -1.
        quantization_layer_structure: ``{"pre_block_layers": [...], "sequential_blocks": [...]}``.

    Example:
        >>> GPTQConfig(None, None, weight_bits=8).dtype_policy_string()
        'gptq/8/128'
    """

    _allowed_bits = (2, 3, 4, 8)

    def __init__(self, dataset, tokenizer, *, weight_bits: int = 4, num_samples: int = 128,
                 per_channel: bool = True, sequence_length: int = 512, hessian_damping: float = 0.01,
                 group_size: int = 128, symmetric: bool = False, activation_order: bool = False,
                 quantization_layer_structure: dict = None):
        super().__init__()
        self._common(dataset, tokenizer, weight_bits, num_samples, sequence_length, group_size,
                     quantization_layer_structure)
        if not 0 <= hessian_damping <= 1:
            raise ValueError(f"`hessian_damping` must be in [0, 1]; received hessian_damping={hessian_damping!r}.")
        self.per_channel, self.hessian_damping = per_channel, hessian_damping
        self.symmetric, self.activation_order = symmetric, activation_order

    @property
    def mode(self):
        return "gptq"

    def get_config(self):
        return {"dataset": None, "tokenizer": None, "weight_bits": self.weight_bits,
                "num_samples": self.num_samples, "per_channel": self.per_channel,
                "sequence_length": self.sequence_length, "hessian_damping": self.hessian_damping,
                "group_size": self.group_size, "symmetric": self.symmetric,
                "activation_order": self.activation_order,
                "quantization_layer_structure": self.quantization_layer_structure}


@builtin("quantizers")
class AWQConfig(_CalibrationConfig):
    """Settings of AWQ (activation-aware 4-bit weight quantization from calibration data).
    kerasnb validates and serializes them, but ``quantize("awq", ...)`` raises
    NotImplementedError: the calibration pass is not implemented.

    Args:
        dataset, tokenizer: the calibration data and its tokenizer (not serialized).
        weight_bits: 4 (the only width AWQ supports).
        num_samples, sequence_length: how much calibration data to use.
        group_size: inputs per scale group, or -1.
        num_grid_points: points of the per-channel scale search.
        quantization_layer_structure: ``{"pre_block_layers": [...], "sequential_blocks": [...]}``.

    Example:
        >>> AWQConfig(None, None, group_size=-1).dtype_policy_string()
        'awq/4/-1'
    """

    _allowed_bits = (4,)

    def __init__(self, dataset, tokenizer, *, weight_bits: int = 4, num_samples: int = 128,
                 sequence_length: int = 512, group_size: int = 128, num_grid_points: int = 20,
                 quantization_layer_structure: dict = None):
        super().__init__()
        self._common(dataset, tokenizer, weight_bits, num_samples, sequence_length, group_size,
                     quantization_layer_structure)
        _positive(num_grid_points, "num_grid_points")
        self.num_grid_points = num_grid_points

    @property
    def mode(self):
        return "awq"

    def get_config(self):
        return {"dataset": None, "tokenizer": None, "weight_bits": self.weight_bits,
                "num_samples": self.num_samples, "sequence_length": self.sequence_length,
                "group_size": self.group_size, "num_grid_points": self.num_grid_points,
                "quantization_layer_structure": self.quantization_layer_structure}


_DEFAULTS = {"int8": Int8QuantizationConfig, "int4": Int4QuantizationConfig,
             "float8": Float8QuantizationConfig}


def resolve(mode, config):
    """The config that ``quantize(mode, config=config)`` uses: the mode's default config
    when `config` is None (a string `config` is taken as the mode), checked for agreement.

    Raises:
        ValueError: an unknown mode, neither argument, a config that is not a
            QuantizationConfig, or a mode that contradicts the config's.
    """
    if isinstance(config, str):
        mode, config = config, None
    if mode is not None and mode not in MODES:
        raise ValueError(f"`mode` must be one of {MODES}; received mode={mode!r}.")
    if config is None:
        if mode is None:
            raise ValueError("`quantize` needs a `mode` (e.g. 'int8') or a `config`.")
        if mode in ("gptq", "awq"):
            raise ValueError(f"Mode {mode!r} needs a {'GPTQConfig' if mode == 'gptq' else 'AWQConfig'} "
                             "passed as `config`.")
        return _DEFAULTS[mode]()
    if not isinstance(config, QuantizationConfig):
        raise ValueError(f"`config` must be a QuantizationConfig; received {config!r} "
                         f"(of type {type(config).__name__}).")
    if mode is not None and config.mode != mode:
        raise ValueError(f"Contradictory arguments: mode={mode!r} but config.mode={config.mode!r}.")
    return config


def int4_block_size(layer, config):
    """The int4 block size of `layer`: from an Int4QuantizationConfig, else from its
    Int4DTypePolicy (e.g. when loading), else None (per channel); -1 also means per channel."""
    from kerasnb.engine.dtype_policies import DTypePolicyMap, Int4DTypePolicy
    if isinstance(config, Int4QuantizationConfig):
        size = config.block_size
    else:
        policy = layer.dtype_policy
        if isinstance(policy, DTypePolicyMap):
            policy = policy[layer.path]
        size = policy.block_size if isinstance(policy, Int4DTypePolicy) else None
    return None if size in (None, -1) else size
