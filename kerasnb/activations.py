"""`kerasnb.activations` (`keras.activations`): activation functions, by function or by name.

Example:
    >>> import kerasnb
    >>> kerasnb.activations.get("relu") is kerasnb.activations.relu
    True
"""

from kerasnb.engine.activations import (  # noqa: F401
    celu, deserialize, elu, exponential, gelu, get, glu, hard_shrink, hard_sigmoid, hard_silu,
    hard_swish, hard_tanh, leaky_relu, linear, log_sigmoid, log_softmax, mish, relu, relu6, selu,
    serialize, sigmoid, silu, soft_shrink, softmax, softplus, softsign, sparse_plus,
    sparse_sigmoid, sparsemax, squareplus, swish, tanh, tanh_shrink, threshold)
