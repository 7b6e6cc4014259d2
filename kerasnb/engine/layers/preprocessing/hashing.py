"""`Hashing` and `HashedCrossing`: values (or crosses of values) to hash bins, with Keras's
(TensorFlow's) exact hash functions computed in NumPy, so no TensorFlow is needed."""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.layers.preprocessing.category_encoding import (
    ENCODINGS, check_output_mode, check_sparse, encode, encoded_shape)
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.layers.preprocessing.hash_functions import (
    fingerprint64, fingerprint_cat64, siphash)
from kerasnb.engine.layers.preprocessing.host import host_array, host_call, is_string_array
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

CROSS_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default key


def as_hash_strings(values):
    """The strings TensorFlow hashes for `values`: text as is, numbers in decimal (floats
    truncated to integers first)."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        values = values.astype("int64")
    if values.dtype.kind in "iub":
        return [str(int(v)) for v in values.reshape(-1)]
    return list(values.reshape(-1))


def _check_positive(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: `{name}` must be a positive int; received {value!r}.")
    return value


def _keep_raw(args):
    """The first argument unconverted (strings stay NumPy), lists made arrays."""
    if not args:
        return args
    first = args[0]
    if isinstance(first, (list, tuple)) and not any(hasattr(v, "shape") for v in first):
        first = np.asarray(first)
    return (first,) + tuple(args[1:])


@builtin("layers")
class Hashing(DataLayer):
    """Hashes strings or integers into `num_bins` bins, exactly as Keras does.

    Without `salt` a value goes to ``Fingerprint64(value) % num_bins`` (FarmHash, as
    ``tf.strings.to_hash_bucket_fast``); with `salt`, SipHash-2-4 keyed by the salt (as
    ``tf.strings.to_hash_bucket_strong``). Numbers are hashed as their decimal strings.

    Args:
        num_bins: the number of bins, including the mask bin if `mask_value` is set.
        mask_value: values equal to it go to bin 0 (others to bins 1 .. num_bins - 1).
        salt: an int or a pair of ints: use the keyed (strong) hash.
        output_mode: "int" (bin indices, int64 by default), "one_hot", "multi_hot" or "count".
        sparse: sparse encoded outputs (jax, torch, tensorflow).
        **kwargs: base `Layer` arguments.

    Example:
        >>> Hashing(num_bins=3)(np.array([["A"], ["B"]])).shape
        (2, 1)
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else None
        super().__init__(**kwargs)
        self.num_bins = _check_positive("Hashing", "num_bins", num_bins)
        self.output_mode = check_output_mode("Hashing", output_mode, ("int",) + ENCODINGS)
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(f"Hashing: output_mode='int' needs dtype 'int32' or 'int64'; received "
                             f"{self.dtype!r}.")
        self.sparse = check_sparse("Hashing", sparse, output_mode)
        if salt is not None:
            if isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            elif not (isinstance(salt, (list, tuple)) and len(salt) == 2 and all(
                    isinstance(s, int) and not isinstance(s, bool) for s in salt)):
                raise ValueError(f"Hashing: `salt` must be an int or a pair of ints; received {salt!r}.")
            salt = list(salt)
        self.salt, self.mask_value = salt, mask_value

    def _convert_inputs(self, args):
        return _keep_raw(args)

    def hash_values(self, values):
        """Bin indices (int64 NumPy) of `values` (a NumPy array of strings or numbers)."""
        values = np.asarray(values)
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == np.asarray(self.mask_value, dtype=values.dtype)
        strings = as_hash_strings(values)
        hashes = siphash(strings, self.salt) if self.salt is not None else fingerprint64(strings)
        indices = (hashes % np.uint64(bins)).astype("int64").reshape(values.shape)
        if mask is not None:
            indices = np.where(mask, 0, indices + 1)
        return indices

    def call(self, inputs):
        shape = shape_of(inputs)
        indices = host_call(self.hash_values, [inputs], "int64", shape)
        return encode("Hashing", indices, self.output_mode, self.num_bins, self.dtype, self.sparse)

    def compute_output_spec(self, inputs):
        shape = encoded_shape(inputs.shape, self.output_mode, self.num_bins)
        return KerasTensor(shape, self.dtype, sparse=self.sparse)

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        return config


@builtin("layers")
class HashedCrossing(DataLayer):
    """Crosses two or more categorical features and hashes each cross into `num_bins` bins,
    with the numbers of ``tf.sparse.cross_hashed`` (FarmHash fingerprints combined in order;
    integers enter as themselves, strings by their Fingerprint64).

    Args:
        num_bins: the number of bins.
        output_mode: "int" (bin indices, int64 by default) or "one_hot".
        sparse: sparse one-hot outputs (jax, torch, tensorflow).
        name: the layer name.
        dtype: the output dtype.
        **kwargs: base `Layer` arguments.

    Call arguments:
        inputs: a list of at least two features of equal shape: scalars, ``(batch,)`` or
            ``(batch, 1)``, each of integers or strings.

    Example:
        >>> HashedCrossing(5)([np.array([1, 2]), np.array(["a", "b"])]).shape
        (2,)
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.num_bins = _check_positive("HashedCrossing", "num_bins", num_bins)
        self.output_mode = check_output_mode("HashedCrossing", output_mode, ("int", "one_hot"))
        self.sparse = check_sparse("HashedCrossing", sparse, output_mode)

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("HashedCrossing must be called on a list or tuple of at least two "
                             f"features; received {type(inputs).__name__}.")
        shapes = [tuple(shape_of(x)) for x in inputs]
        first = shapes[0]
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1) or any(s != first for s in shapes):
            raise ValueError("HashedCrossing features must all have the same shape, (), (batch,) or "
                             f"(batch, 1); received shapes {shapes}.")
        for x in inputs:
            kind = "string" if is_string_array(x) else dtypes.standardize_dtype(x.dtype)
            if kind != "string" and not dtypes.is_int(kind):
                raise ValueError(f"HashedCrossing features must be integers or strings; received "
                                 f"dtype {kind}.")
        return first

    def _convert_inputs(self, args):
        if args and isinstance(args[0], (list, tuple)):
            first = [np.asarray(x) if isinstance(x, (list, tuple, int, str)) else x for x in args[0]]
            return (first,) + tuple(args[1:])
        return args

    def cross(self, *features):
        """Bin indices (int64 NumPy) of the crosses of NumPy `features` (equal shapes)."""
        shape = np.shape(features[0])
        crossed = np.full(int(np.prod(shape)), np.uint64(CROSS_HASH_KEY))
        for feature in features:
            feature = np.asarray(feature)
            if feature.dtype.kind in "iub":
                hashes = feature.reshape(-1).astype("int64").view("uint64")
            else:
                hashes = fingerprint64(host_array(feature).reshape(-1))
            crossed = fingerprint_cat64(crossed, hashes)
        return (crossed % np.uint64(self.num_bins)).astype("int64").reshape(shape)

    def call(self, inputs):
        shape = self._check(inputs)
        indices = host_call(self.cross, list(inputs), "int64", shape)
        return encode("HashedCrossing", indices, self.output_mode, self.num_bins, self.dtype,
                      self.sparse)

    def compute_output_spec(self, inputs):
        shape = self._check(inputs)
        return KerasTensor(encoded_shape(shape, self.output_mode, self.num_bins) if shape else
                           (() if self.output_mode == "int" else (self.num_bins,)), self.dtype,
                           sparse=self.sparse)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": serialization.serialize_keras_object(self.dtype_policy)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = serialization.deserialize_keras_object(config["dtype"])
        return cls(**config)
