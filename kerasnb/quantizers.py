"""`kerasnb.quantizers` (`keras.quantizers`): quantizers, int4 packing, float8 scaling and the
configs that `model.quantize(...)` takes.

Example:
    >>> import kerasnb
    >>> codes, scale = kerasnb.quantizers.abs_max_quantize(np.array([[0.5, -1.0]]), axis=-1)
"""

from kerasnb.engine.quantization.configs import (  # noqa: F401
    AWQConfig, Float8QuantizationConfig, GPTQConfig, Int4QuantizationConfig, Int8QuantizationConfig,
    QuantizationConfig)
from kerasnb.engine.quantization.float8 import (  # noqa: F401
    compute_float8_amax_history, compute_float8_scale, quantize_and_dequantize)
from kerasnb.engine.quantization.packing import pack_int4, unpack_int4  # noqa: F401
from kerasnb.engine.quantization.quantizers import (  # noqa: F401
    AbsMaxQuantizer, Quantizer, abs_max_quantize, abs_max_quantize_grouped_with_zero_point,
    fake_quant_with_min_max_vars)
from kerasnb.engine.quantization.registry import deserialize, get, serialize  # noqa: F401
