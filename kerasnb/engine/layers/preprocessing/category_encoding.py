"""`CategoryEncoding` and the shared encoding of integer indices: one-hot, multi-hot, counts.

Discretization, Hashing, HashedCrossing and the lookup layers encode their indices here.
"""

from kerasnb.engine import backend
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

ENCODINGS = ("one_hot", "multi_hot", "count")
SPARSE_BACKENDS = ("jax", "torch", "tensorflow")


def check_output_mode(owner, output_mode, allowed):
    if output_mode not in allowed:
        raise ValueError(f"{owner}: `output_mode` must be one of {allowed}; received {output_mode!r}.")
    return output_mode


def check_sparse(owner, sparse, output_mode):
    """Validates `sparse` against `output_mode` ("int" outputs are never sparse)."""
    if not isinstance(sparse, bool):
        raise ValueError(f"{owner}: `sparse` must be a bool; received {sparse!r}.")
    if sparse and output_mode == "int":
        raise ValueError(f"{owner}: `sparse=True` needs an encoded `output_mode` ({ENCODINGS}); "
                         f"received output_mode='int'.")
    return sparse


def _reduced_axis(ndim):
    return 1 if ndim > 1 else 0


def encoded_shape(shape, output_mode, depth):
    """The output shape of `encode` for indices of shape `shape`.

    Example:
        >>> encoded_shape((None, 3), "multi_hot", 5)
        (None, 5)
    """
    shape = tuple(shape) or (1,)
    if output_mode == "int":
        return shape
    if output_mode == "one_hot":
        return (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (depth,)
    return tuple(d for i, d in enumerate(shape) if i != _reduced_axis(len(shape))) + (depth,)


def encode(owner, indices, output_mode, depth, dtype, sparse=False, count_weights=None):
    """Integer `indices` as ``output_mode``: "int" (cast), "one_hot" (a trailing size-1 axis is
    replaced), "multi_hot" or "count" (axis 1 of batched indices is reduced, like Keras).

    Args:
        owner: the layer name for errors.
        depth: the number of categories (values outside ``[0, depth)`` encode as zeros).
        count_weights: for "count", weights summed instead of ones (their dtype wins).
    """
    if output_mode == "int":
        return ops.cast(indices, dtype)
    if sparse and backend.current() not in SPARSE_BACKENDS:
        raise NotImplementedError(f"{owner}(sparse=True) is not supported on the {backend.current()} "
                                  f"backend: it has no sparse tensors (use one of {SPARSE_BACKENDS}).")
    if ops.ndim(indices) == 0:
        indices = ops.expand_dims(indices, -1)
    shape = ops.shape(indices)
    if output_mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            indices = ops.squeeze(indices, -1)
        return ops.one_hot(indices, depth, dtype=dtype, sparse=sparse)
    if output_mode == "multi_hot":
        return ops.multi_hot(indices, depth, dtype=dtype, sparse=sparse)
    if sparse:
        raise NotImplementedError(f"{owner}: output_mode='count' with sparse=True is not supported "
                                  "by kerasnb; use sparse=False.")
    hot = ops.one_hot(indices, depth, dtype=dtype if count_weights is None else count_weights.dtype)
    if count_weights is not None:
        hot = ops.multiply(hot, ops.expand_dims(count_weights, -1))
    return ops.sum(hot, axis=_reduced_axis(len(shape)))


@builtin("layers")
class CategoryEncoding(DataLayer):
    """Encodes integer categories in ``[0, num_tokens)`` as one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of categories.
        output_mode: "multi_hot" (a 1 for each category in a sample; "binary" is an alias),
            "one_hot" (one vector per value) or "count" (occurrences per sample).
        sparse: return the backend's sparse tensors (jax, torch, tensorflow).
        **kwargs: base `Layer` arguments; outputs have the layer's dtype.

    Call arguments:
        inputs: integer categories; a batch of samples is ``(batch, values)``.
        count_weights: with "count", weights summed instead of ones.

    Example:
        >>> CategoryEncoding(4, output_mode="count")(np.array([[0, 1, 1], [3, 3, 2]]))
        array([[1., 2., 0., 0.],
               [0., 0., 1., 2.]], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        self.output_mode = check_output_mode("CategoryEncoding", output_mode, ENCODINGS)
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError("CategoryEncoding: `num_tokens` must be an int >= 1 (use IntegerLookup "
                             f"when the categories are not known); received {num_tokens!r}.")
        self.num_tokens = num_tokens
        self.sparse = check_sparse("CategoryEncoding", sparse, output_mode)

    def _convert_inputs(self, args):
        return args  # integer categories are not autocast

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("CategoryEncoding: `count_weights` is only used with "
                                 f"output_mode='count'; this layer has {self.output_mode!r}.")
            count_weights = ops.convert_to_tensor(count_weights, self.compute_dtype)
        return encode("CategoryEncoding", ops.convert_to_tensor(inputs), self.output_mode,
                      self.num_tokens, self.dtype, self.sparse, count_weights)

    def compute_output_spec(self, inputs, count_weights=None):
        shape = encoded_shape(inputs.shape, self.output_mode, self.num_tokens)
        return KerasTensor(shape, self.dtype, sparse=self.sparse)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config
