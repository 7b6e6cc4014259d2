"""Vocabulary lookups: `StringLookup` and `IntegerLookup` on a shared `IndexLookup` base.

Indices are laid out as in Keras: ``[mask] [oov x num_oov_indices] [tokens...]``, the mask
index only in "int" output mode. The vocabulary lives on the host (a sorted NumPy key
array searched with `np.searchsorted`), so lookups run in NumPy on every backend and
inside ``tf.data`` (through `host_call`); encoded outputs are backend tensors.

A vocabulary given to the constructor is part of the config; a learned one (`adapt`, or
a vocabulary file) is saved as the asset ``vocabulary.txt`` of the layer in ``.keras``
files, as Keras does, and TF-IDF weights are a non-trainable weight, stored in weights files
under Keras's dataset name ``idf_weights``.
"""

import collections
import os

import numpy as np

from kerasnb.engine import config as settings
from kerasnb.engine.backend import common
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.adapt_data import batches
from kerasnb.engine.layers.preprocessing.category_encoding import (
    ENCODINGS, check_output_mode, check_sparse, encode, encoded_shape)
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.layers.preprocessing.hash_functions import fingerprint64, siphash
from kerasnb.engine.layers.preprocessing.hashing import as_hash_strings
from kerasnb.engine.layers.preprocessing.host import host_call, text_array
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

VOCABULARY_FILE = "vocabulary.txt"
_INT64_MAX = np.iinfo("int64").max


def _plain_list(values):
    """A JSON-able list of a vocabulary or of weights (None stays None)."""
    if values is None:
        return None
    array = np.asarray(common.to_numpy_any(values) if common.is_foreign_tensor(values) else values)
    return [v.decode("utf-8") if isinstance(v, bytes) else v for v in array.tolist()]


class IndexLookup(DataLayer):
    """Maps tokens to indices (or back, with `invert`) through a vocabulary.

    See `StringLookup` and `IntegerLookup` for the arguments.
    """

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", name=None, salt=None, **kwargs):
        owner = type(self).__name__
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int)
                                       or max_tokens <= 1):
            raise ValueError(f"{owner}: `max_tokens` must be None or an int > 1; received {max_tokens!r}.")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{owner}: `pad_to_max_tokens=True` needs `max_tokens`.")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(f"{owner}: `num_oov_indices` must be an int >= 0; received {num_oov_indices!r}.")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{owner}: `oov_method` must be 'floormod' or 'farmhash'; received "
                             f"{oov_method!r}.")
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError(f"{owner}: `salt` is only used with oov_method='farmhash'; received "
                                 f"oov_method={oov_method!r}.")
            if isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            elif isinstance(salt, (list, tuple)) and len(salt) == 2:
                salt = list(salt)
            else:
                raise ValueError(f"{owner}: `salt` must be an int or a pair of ints; received {salt!r}.")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        check_output_mode(owner, output_mode, ("int",) + ENCODINGS + ("tf_idf",))
        if invert and output_mode != "int":
            raise ValueError(f"{owner}: `invert=True` needs output_mode='int'; received {output_mode!r}.")
        check_sparse(owner, sparse, output_mode)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{owner}: `idf_weights` are only used with output_mode='tf_idf'; "
                             f"received output_mode={output_mode!r}.")
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(f"{owner} got unexpected keyword arguments {sorted(kwargs)}.")
        super().__init__(name=name)
        self.invert, self.max_tokens, self.num_oov_indices = invert, max_tokens, num_oov_indices
        self.mask_token, self.oov_token = mask_token, oov_token
        self.output_mode, self.sparse, self.pad_to_max_tokens = output_mode, sparse, pad_to_max_tokens
        self.vocabulary_dtype, self.oov_method, self.salt = vocabulary_dtype, oov_method, salt
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_vocabulary
        self._frozen_vocab_size = frozen_size
        self._tokens = self._keys = self._order = None
        self.idf_weights = None
        if output_mode == "tf_idf":
            if has_vocabulary and idf_weights is None:
                raise ValueError(f"{owner}: with a `vocabulary` in output_mode='tf_idf', give "
                                 "`idf_weights` too.")
            size = max_tokens if pad_to_max_tokens else frozen_size
            if size is not None and vocabulary is None:  # restored from a file: weights follow
                self._set_idf(np.zeros(size, settings.floatx()))
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # Index layout -----------------------------------------------------------------------

    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _as_tokens(self, values):
        """Host values as vocabulary keys: `str` for strings, int64 for integers."""
        if self.vocabulary_dtype == "string":
            return text_array(values).astype(str) if np.size(values) else np.asarray(values, str)
        return np.asarray(values).astype("int64")

    def vocabulary_size(self):
        """The number of indices the layer outputs, special ones included.

        Example:
            >>> StringLookup(vocabulary=["a", "b"]).vocabulary_size()
            3
        """
        return (0 if self._tokens is None else len(self._tokens)) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary as a list, position = index (mask and OOV tokens first).

        Args:
            include_special_tokens: with False, only the learned or given tokens.

        Example:
            >>> StringLookup(vocabulary=["a", "b"]).get_vocabulary()
            ['[UNK]', 'a', 'b']
        """
        start = self._token_start_index()
        tokens = [] if self._tokens is None else [t.item() if isinstance(t, np.generic) else t
                                                  for t in self._tokens]
        vocabulary = [self.oov_token] * start + tokens
        if self.mask_token is not None and self.output_mode == "int":
            vocabulary[0] = self.mask_token
        return vocabulary if include_special_tokens else vocabulary[start:]

    # Setting the vocabulary ---------------------------------------------------------------

    def _set_idf(self, weights):
        """Stores TF-IDF weights as a non-trainable weight (replaced when the size changes)."""
        weights = np.asarray(weights, settings.floatx())
        if self.idf_weights is not None and self.idf_weights.shape == weights.shape:
            self.idf_weights.assign(weights)
            return
        if self.idf_weights is not None:
            self._own_variables.remove(self.idf_weights)
        self.idf_weights = self.add_weight(name="idf_weights", shape=weights.shape,
                                           initializer=lambda shape, dtype: weights, trainable=False)

    def _set_tokens(self, tokens):
        tokens = self._as_tokens(np.asarray(tokens).reshape(-1))
        self._tokens = tokens
        self._order = np.argsort(tokens, kind="stable")
        self._keys = tokens[self._order]
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        size = self.vocabulary_size()
        if (self.output_mode != "int" and not self.pad_to_max_tokens
                and self._frozen_vocab_size is not None and size != self._frozen_vocab_size):
            raise RuntimeError(
                f"{type(self).__name__}: with output_mode={self.output_mode!r} and "
                f"pad_to_max_tokens=False the vocabulary size cannot change once set (it is "
                f"{self._frozen_vocab_size}; the new vocabulary gives {size}).")
        self._frozen_vocab_size = size

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and TF-IDF weights), replacing any previous one.

        Args:
            vocabulary: a list, array or 1-D tensor of tokens (optionally starting with the
                special tokens, in index order), or the path of a text file with one token
                per line.
            idf_weights: one weight per vocabulary entry, for output_mode='tf_idf' only.

        Example:
            >>> layer.set_vocabulary(["cat", "dog"])
        """
        owner = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{owner}: output_mode='tf_idf' needs `idf_weights` with the vocabulary.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{owner}: `idf_weights` are only used with output_mode='tf_idf'; this "
                             f"layer has {self.output_mode!r}.")
        if isinstance(vocabulary, str):
            self._set_vocabulary_file(vocabulary)
            return
        vocabulary = np.asarray(common.to_numpy_any(vocabulary) if common.is_foreign_tensor(vocabulary)
                                else vocabulary)
        if vocabulary.ndim != 1 or vocabulary.size == 0:
            raise ValueError(f"{owner}: `vocabulary` must be a non-empty 1-D list of tokens; received "
                             f"shape {vocabulary.shape}.")
        vocabulary = self._as_tokens(vocabulary)
        start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_special = len(vocabulary) >= start and [v.item() for v in vocabulary[:start]] == special
        tokens = vocabulary[start:] if found_special else vocabulary
        repeated = sorted(t for t, n in collections.Counter(tokens.tolist()).items() if n > 1)
        if repeated:
            raise ValueError(f"{owner}: the vocabulary repeats tokens {repeated[:10]}; make it unique.")
        for token, what in ((self.mask_token, "mask"), (self.oov_token if self.invert else None, "OOV")):
            if token is not None and token in tokens.tolist():
                raise ValueError(
                    f"{owner}: the {what} token {token!r} is in the vocabulary; give the special "
                    f"tokens only at its start, in this order: {special}, or not at all.")
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(f"{owner}: the vocabulary has {start + len(tokens)} entries with the "
                             f"special tokens, more than max_tokens={self.max_tokens}.")
        self._set_tokens(tokens)
        if idf_weights is not None:
            idf_weights = np.asarray(common.to_numpy_any(idf_weights) if common.is_foreign_tensor(
                idf_weights) else idf_weights, dtype="float64")
            if idf_weights.ndim != 1 or len(idf_weights) != len(vocabulary):
                raise ValueError(f"{owner}: `idf_weights` must be 1-D with one weight per vocabulary "
                                 f"entry ({len(vocabulary)}); received shape {idf_weights.shape}.")
            front = 0 if found_special else start
            back = self.max_tokens - front - len(idf_weights) if self.pad_to_max_tokens else 0
            idf_weights = np.concatenate([np.full(front, idf_weights.mean()), idf_weights, np.zeros(back)])
            self._set_idf(idf_weights)

    def _set_vocabulary_file(self, path):
        owner = type(self).__name__
        loading = bool(getattr(serialization._scopes, "safe_mode", None))  # inside load_model
        if loading and serialization.in_safe_mode():
            raise ValueError(f"{owner}: a saved config names the vocabulary file {path!r}, outside "
                             "the model file; loading it is refused in safe mode (pass "
                             "`safe_mode=False` if you trust its source).")
        if not os.path.isfile(path):
            raise ValueError(f"{owner}: the vocabulary file {path!r} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError(f"{owner}: output_mode='tf_idf' cannot read its vocabulary from a file.")
        self._set_tokens(self._read_lines(path))

    def _read_lines(self, path):
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return lines if self.vocabulary_dtype == "string" else [int(line) for line in lines]

    # Learning the vocabulary -----------------------------------------------------------------

    def adapt(self, data, steps=None):
        """Builds the vocabulary from the tokens of `data`, most frequent first (ties: the
        larger token first), keeping at most `max_tokens` entries; with output_mode='tf_idf',
        also the inverse document frequencies (a row of a batch is one document; an array of
        rank 1 is one token per document).

        Args:
            data: an array, tensor or list of tokens, a ``tf.data.Dataset`` or an iterable
                of batches.
            steps: read at most this many batches.

        Example:
            >>> layer = StringLookup()
            >>> layer.adapt(["a", "b", "a"])
            >>> layer.get_vocabulary()
            ['[UNK]', 'a', 'b']
        """
        owner = type(self).__name__
        single = isinstance(data, (np.ndarray, list, tuple)) or common.is_foreign_tensor(data)

        def documents():
            for index, batch in enumerate(batches(data, owner=f"{owner}.adapt",
                                                  lists_are_batches=False, batch_rank=0)):
                if steps is not None and index >= steps:
                    break
                batch = self._as_tokens(batch)
                yield batch.reshape((-1, 1) if single else (1, -1)) if batch.ndim <= 1 else batch

        self.adapt_documents(documents())

    def adapt_documents(self, batches_of_documents):
        """`adapt` on batches of tokens whose rows are documents (already keys)."""
        if self._has_input_vocabulary:
            raise ValueError(f"{type(self).__name__}: cannot adapt a layer given a fixed vocabulary "
                             "(`vocabulary` or `set_vocabulary`).")
        counts, document_counts, documents = collections.Counter(), collections.Counter(), 0
        for batch in batches_of_documents:
            counts.update(batch.reshape(-1).tolist())
            if self.output_mode == "tf_idf":
                for row in batch.reshape(batch.shape[0], -1):
                    document_counts.update(np.unique(row).tolist())
                documents += batch.shape[0]
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        if not counts:
            return
        ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - self._token_start_index()]
        tokens = [token for token, _ in ranked]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            frequencies = np.array([document_counts[t] for t in tokens], "float64")
            idf = np.log(1 + documents / (1 + frequencies)).astype(settings.floatx())
            padding = np.full(self._token_start_index(), idf.mean(), idf.dtype)
            weights = np.concatenate([padding, idf])
            if self.pad_to_max_tokens:
                weights = np.concatenate([weights, np.zeros(self.max_tokens - len(weights), idf.dtype)])
            self._set_idf(weights)

    # Looking up ---------------------------------------------------------------------------

    def _oov_indices(self, tokens):
        """Indices of out-of-vocabulary `tokens` when there are several OOV buckets."""
        if self.vocabulary_dtype != "string" and self.oov_method == "floormod":
            return np.mod(tokens, self.num_oov_indices)
        strings = as_hash_strings(tokens)
        hashes = siphash(strings, self.salt) if self.salt is not None else fingerprint64(strings)
        return (hashes % np.uint64(self.num_oov_indices)).astype("int64").reshape(tokens.shape)

    def lookup(self, values):
        """Indices (int64 NumPy) of host `values`: the forward lookup behind `call`."""
        tokens = self._as_tokens(values)
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        out = np.full(tokens.shape, default, "int64")
        if self._keys is not None and len(self._keys):
            position = np.minimum(np.searchsorted(self._keys, tokens), len(self._keys) - 1)
            found = self._keys[position] == tokens
            out = np.where(found, self._order[position] + self._token_start_index(), out)
        if self.mask_token is not None:
            masked = tokens == self._as_tokens(np.asarray([self.mask_token]))[0]
            out = np.where(masked, 0 if self.output_mode == "int" else _INT64_MAX, out)
        if self.num_oov_indices == 0 and np.any(out == -1):
            missing = sorted(set(np.asarray(tokens)[out == -1].tolist()))[:10]
            raise ValueError(f"{type(self).__name__}: with num_oov_indices=0 every input must be in the "
                             f"vocabulary; found out-of-vocabulary values {missing}.")
        if self.num_oov_indices > 1:
            out = np.where(out == -1, self._oov_indices(tokens) + self._oov_start_index(), out)
        return out

    def lookup_inverse(self, indices):
        """Tokens of host `indices`: the inverse lookup behind ``call`` with `invert`."""
        indices = np.asarray(indices).astype("int64")
        relative = indices - self._token_start_index()
        size = 0 if self._tokens is None else len(self._tokens)
        valid = (relative >= 0) & (relative < size)
        dtype = object if self.vocabulary_dtype == "string" else "int64"
        out = np.full(indices.shape, self.oov_token, dtype)
        if size:
            out[valid] = self._tokens[relative[valid]]
        if self.mask_token is not None:
            out[indices == 0] = self.mask_token
        return out

    def _convert_inputs(self, args):
        if args and isinstance(args[0], (list, tuple)):
            return (np.asarray(args[0]),) + tuple(args[1:])
        return args

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def call(self, inputs):
        owner = type(self).__name__
        if self.output_mode != "int" and self._depth() is None:
            raise RuntimeError(f"{owner}: with output_mode={self.output_mode!r} (and "
                               "pad_to_max_tokens=False) set the vocabulary (`vocabulary` or "
                               "`adapt`) before calling the layer.")
        shape = shape_of(inputs)
        if self.invert:
            return host_call(self.lookup_inverse, [inputs], self.vocabulary_dtype, shape)
        return self.encode_indices(host_call(self.lookup, [inputs], "int64", shape), owner)

    def encode_indices(self, indices, owner=None):
        """Looked-up `indices` (a tensor) in the layer's `output_mode`."""
        owner = owner or type(self).__name__
        if self.output_mode == "int":
            return indices
        if self.output_mode != "tf_idf":
            return encode(owner, indices, self.output_mode, self._depth(), "int64", self.sparse)
        counts = encode(owner, indices, "count", self._depth(), settings.floatx(), self.sparse)
        return ops.multiply(counts, self.idf_weights.value)

    def compute_output_spec(self, inputs):
        if self.output_mode == "int":
            return KerasTensor(inputs.shape, self.vocabulary_dtype if self.invert else "int64")
        shape = encoded_shape(inputs.shape, "count" if self.output_mode == "tf_idf" else self.output_mode,
                              self._depth())
        dtype = settings.floatx() if self.output_mode == "tf_idf" else "int64"
        return KerasTensor(shape, dtype, sparse=self.sparse)

    # Saving -----------------------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update({
            "invert": self.invert, "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
            "mask_token": self.mask_token, "output_mode": self.output_mode, "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens, "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _plain_list(self.input_idf_weights),
            "vocabulary": _plain_list(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method,
            "salt": self.salt})
        return config

    def _saved_variable_keys(self):
        """The weights file's dataset names for this layer's variables (Keras's layout)."""
        return [] if self.idf_weights is None else ["idf_weights"]

    def save_assets(self, dir_path):
        """Writes a learned vocabulary to ``vocabulary.txt`` in `dir_path` (one token a line)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, VOCABULARY_FILE), "w", encoding="utf-8") as handle:
            handle.write("\n".join(str(token) for token in self.get_vocabulary()))

    def load_assets(self, dir_path):
        """Reads the vocabulary written by `save_assets` (and keeps the loaded TF-IDF weights)."""
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, VOCABULARY_FILE)
        if not os.path.isfile(path):
            return
        values = self._read_lines(path)
        if len(values) <= self._token_start_index():
            return
        idf = self.idf_weights.numpy()[:len(values)] if self.output_mode == "tf_idf" else None
        self.set_vocabulary(values, idf)  # same-sized weights: the restored variable is kept


@builtin("layers")
class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary (or indices back to strings).

    Args:
        max_tokens: the largest vocabulary size, special tokens included (None: no limit).
        num_oov_indices: buckets for out-of-vocabulary tokens (hashed when several; 0
            makes unknown tokens an error).
        mask_token: a token that maps to index 0 (and zeros in encoded outputs).
        oov_token: what `invert` returns for unknown indices.
        vocabulary: the tokens (a list, array or file path), or None to `adapt`.
        idf_weights: TF-IDF weights, with output_mode='tf_idf' and a `vocabulary`.
        invert: map indices back to tokens.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: encoded outputs have `max_tokens` columns.
        sparse: sparse encoded outputs (jax, torch, tensorflow).
        encoding: the text encoding of byte strings.
        name: the layer name.
        salt: a key for the OOV hash (an int or two).
        **kwargs: `vocabulary_size` and `oov_method` from saved configs.

    Example:
        >>> StringLookup(vocabulary=["a", "b"])(np.array([["a", "c", "b"]]))
        array([[1, 0, 2]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                 **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name, salt=salt,
                         vocabulary_dtype="string", **kwargs)

    def _as_tokens(self, values):
        values = np.asarray(values)
        if values.dtype.kind == "S" or values.dtype.kind == "O" and any(
                isinstance(v, bytes) for v in values.reshape(-1)):
            values = np.vectorize(lambda v: v.decode(self.encoding) if isinstance(v, bytes) else v,
                                  otypes=[object])(values) if values.size else values.astype(str)
        return super()._as_tokens(values)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config


@builtin("layers")
class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices through a vocabulary (or indices back).

    Args:
        max_tokens: the largest vocabulary size, special tokens included (None: no limit).
        num_oov_indices: buckets for out-of-vocabulary values (``value % n`` with
            oov_method "floormod", a hash with "farmhash"; 0 makes unknown values an error).
        mask_token: a value that maps to index 0 (and zeros in encoded outputs).
        oov_token: what `invert` returns for unknown indices.
        vocabulary: the values (a list, array or file path), or None to `adapt`.
        vocabulary_dtype: only "int64".
        idf_weights: TF-IDF weights, with output_mode='tf_idf' and a `vocabulary`.
        invert: map indices back to values.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
        sparse: sparse encoded outputs (jax, torch, tensorflow).
        pad_to_max_tokens: encoded outputs have `max_tokens` columns.
        oov_method: "floormod" or "farmhash".
        salt: a key for the "farmhash" OOV hash (an int or two).
        name: the layer name.
        **kwargs: `vocabulary_size` from saved configs.

    Example:
        >>> IntegerLookup(vocabulary=[12, 36])(np.array([[12, 7, 36]]))
        array([[1, 0, 2]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, oov_method="floormod",
                 salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported; received "
                             f"{vocabulary_dtype!r}.")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse, pad_to_max_tokens=pad_to_max_tokens,
                         oov_method=oov_method, salt=salt, name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
