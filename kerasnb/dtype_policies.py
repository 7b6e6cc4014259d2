"""`kerasnb.dtype_policies` (`keras.dtype_policies`): the dtypes a layer stores its weights
in and computes in, mixed precision, and the policies of quantized layers.

Example:
    >>> import kerasnb
    >>> kerasnb.dtype_policies.get("mixed_bfloat16").compute_dtype
    'bfloat16'
"""

from kerasnb.engine.dtype_policies import (  # noqa: F401
    AWQDTypePolicy, DTypePolicy, DTypePolicyMap, FloatDTypePolicy, GPTQDTypePolicy, Int4DTypePolicy,
    QuantizedDTypePolicy, QuantizedFloat8DTypePolicy, deserialize, get, serialize)
