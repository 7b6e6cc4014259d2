"""`TextVectorization`: text to token indices or bag-of-words vectors.

Each string is standardized (lowercased, punctuation stripped), split into tokens, optionally
turned into n-grams, and looked up in a vocabulary (a `StringLookup` with the mask token
``""`` at index 0). The text steps run in NumPy on the host, with Keras's (TensorFlow's)
rules: lowercasing is ASCII-only, as ``tf.strings.lower``; whitespace is ASCII whitespace;
n-grams of several widths are listed width by width, joined by spaces. With ``ragged=True``
(tensorflow backend, or inside ``tf.data``) "int" outputs are `tf.RaggedTensor` rows.
"""

import re

import numpy as np

from kerasnb.engine.layers.preprocessing.adapt_data import batches
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.layers.preprocessing.host import host_call, text_array
from kerasnb.engine.layers.preprocessing.lookup import StringLookup
from kerasnb.engine import backend
from kerasnb.engine.backend import common
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor

STANDARDIZERS = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLITTERS = ("whitespace", "character")
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _check_choice_or_callable(name, value, choices):
    if value is not None and not callable(value) and value not in choices:
        raise ValueError(f"TextVectorization: `{name}` must be None, a callable or one of {choices}; "
                         f"received {value!r}.")
    return value


def _check_ragged_backend():
    """The active backend module, if it makes ragged tensors; a ValueError naming it otherwise."""
    module = backend.get()
    if not hasattr(module.core, "host_call_ragged"):
        raise ValueError("TextVectorization: `ragged=True` can only be used with the tensorflow "
                         f"backend (its outputs are tf.RaggedTensor); the active backend is "
                         f"{module.NAME!r}. Pad instead (ragged=False, optionally "
                         "`output_sequence_length`).")
    return module


def _ngram_rows(rows, widths):
    """Each row's n-grams for every width in `widths`, width by width, joined by spaces."""
    return [[" ".join(row[i:i + n]) for n in widths for i in range(len(row) - n + 1)] for row in rows]


def _pad_rows(rows, length=None):
    """Token rows as a rectangular object array, padded with the mask token ``""``."""
    width = max((len(r) for r in rows), default=0) if length is None else length
    out = np.full((len(rows), width), "", dtype=object)
    for i, row in enumerate(rows):
        row = row[:width]
        out[i, :len(row)] = row
    return out


@builtin("layers")
class TextVectorization(DataLayer):
    """Maps text to token indices ("int") or to one vector per text (multi-hot, counts, TF-IDF).

    Args:
        max_tokens: the largest vocabulary, with the mask ``""`` and OOV tokens.
        standardize: "lower_and_strip_punctuation", "lower", "strip_punctuation", None, or a
            callable taking a NumPy array of `str` and returning one (or a list) of the
            same shape.
        split: "whitespace", "character", None (the inputs are tokens already), or a
            callable taking a 1-D NumPy array of `str` and returning one list of tokens
            per string.
        ngrams: None, n (all widths 1..n), or a tuple of widths.
        output_mode: "int", "one_hot" (one vector per token), "multi_hot", "count" or
            "tf_idf".
        output_sequence_length: with "int", pad or cut every row to this length (else rows
            are padded to the longest in the batch).
        pad_to_max_tokens: encoded outputs have `max_tokens` columns.
        vocabulary: a list of tokens or a file path; None to `adapt`.
        idf_weights: TF-IDF weights with a given `vocabulary`.
        sparse: sparse encoded outputs (jax, torch, tensorflow).
        ragged: with "int", one `tf.RaggedTensor` row of indices per text, unpadded
            (`output_sequence_length` still cuts rows); tensorflow backend only, as in Keras.
        encoding: the text encoding of byte strings.
        name: the layer name.
        **kwargs: base `Layer` arguments (and `vocabulary_size` from saved configs).

    Example:
        >>> layer = TextVectorization(output_sequence_length=3)
        >>> layer.adapt(["the cat", "the dog"])
        >>> layer(np.array(["The cat!"]))
        array([[2, 3, 0]])
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace",
                 ngrams=None, output_mode="int", output_sequence_length=None, pad_to_max_tokens=False,
                 vocabulary=None, idf_weights=None, sparse=False, ragged=False, encoding="utf-8",
                 name=None, **kwargs):
        _check_choice_or_callable("standardize", standardize, STANDARDIZERS)
        _check_choice_or_callable("split", split, SPLITTERS)
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if not (ngrams is None or isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams > 0
                or isinstance(ngrams, tuple) and ngrams and all(
                    isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in ngrams)):
            raise ValueError(f"TextVectorization: `ngrams` must be None, a positive int or a tuple of "
                             f"them; received {ngrams!r}.")
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError("TextVectorization: `output_sequence_length` is only used with "
                                 f"output_mode='int'; received output_mode={output_mode!r}.")
            if isinstance(output_sequence_length, bool) or not isinstance(
                    output_sequence_length, int) or output_sequence_length < 0:
                raise ValueError("TextVectorization: `output_sequence_length` must be None or an int "
                                 f">= 0; received {output_sequence_length!r}.")
        if ragged and output_mode != "int":
            raise ValueError("TextVectorization: `ragged=True` needs output_mode='int'; received "
                             f"output_mode={output_mode!r}.")
        if ragged:
            _check_ragged_backend()
        has_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize, self._split, self._ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode, self._output_sequence_length = output_mode, output_sequence_length
        self._ragged, self._encoding = ragged, encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=has_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)
        self.built = True

    # Vocabulary -----------------------------------------------------------------------------

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, position = index (``""`` and ``"[UNK]"`` first).

        Example:
            >>> TextVectorization(vocabulary=["a"]).get_vocabulary()
            ['', '[UNK]', 'a']
        """
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The vocabulary size, special tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and TF-IDF weights); see `StringLookup.set_vocabulary`."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary (and document frequencies) from texts; each text is a document.

        Args:
            data: texts as an array, list or tensor, a ``tf.data.Dataset`` or an iterable
                of batches of texts.
            batch_size: accepted for compatibility; data is read batch by batch as given.
            steps: read at most this many batches.

        Example:
            >>> layer.adapt(["a b", "b c"])
        """
        def documents():
            for index, batch in enumerate(batches(data, owner="TextVectorization.adapt",
                                                  lists_are_batches=False, batch_rank=0)):
                if steps is not None and index >= steps:
                    break
                tokens = self.tokenize(batch)
                yield tokens.reshape(1, -1) if tokens.ndim <= 1 else tokens

        self._lookup_layer.adapt_documents(documents())

    # Text processing --------------------------------------------------------------------------

    def _texts(self, values):
        values = np.asarray(values)
        if values.dtype.kind == "S" or values.dtype.kind == "O":
            values = np.vectorize(lambda v: v.decode(self._encoding) if isinstance(v, bytes) else v,
                                  otypes=[object])(values) if values.size else values.astype(str)
        return text_array(values)

    def standardize(self, texts):
        """`texts` (a NumPy array of `str`) after the layer's standardization."""
        if callable(self._standardize):
            out = self._standardize(np.asarray(texts, dtype=str))
            return text_array(common.to_numpy_any(out) if common.is_foreign_tensor(out) else out)
        flat = [t for t in texts.reshape(-1)]
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            flat = [t.translate(_ASCII_LOWER) for t in flat]
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            flat = [_PUNCTUATION.sub("", t) for t in flat]
        return text_array(np.array(flat, dtype=object).reshape(texts.shape)) if flat else texts

    def _split_rows(self, texts):
        if self._split == "whitespace":
            return [[token for token in _WHITESPACE.split(t) if token] for t in texts]
        if self._split == "character":
            return [list(t) for t in texts]
        return [[str(token) for token in text_array(row).reshape(-1)] for row in self._split(
            np.asarray(texts, dtype=str))]

    def tokenize(self, values):
        """Tokens of host `values`: a padded object array (``""`` pads), one row per text."""
        texts = self.standardize(self._texts(values))
        if self._split is None:
            if self._ngrams is None:
                return texts
            rows = _ngram_rows(texts.reshape(-1, texts.shape[-1] if texts.ndim else 1).tolist(),
                               self._ngrams)
            return _pad_rows(rows).reshape(texts.shape[:-1] + (-1,) if texts.ndim else (-1,))
        padded = _pad_rows(self._token_rows(texts))
        return padded[0] if texts.ndim == 0 else padded

    def _token_rows(self, texts):
        """One list of tokens (with n-grams) per standardized text, for a splitting layer."""
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError("TextVectorization splits one text per row: inputs must have rank 1 "
                                 f"or a last dimension of 1; received shape {texts.shape}.")
            texts = texts[..., 0]
        rows = self._split_rows(texts.reshape(-1))
        return rows if self._ngrams is None else _ngram_rows(rows, self._ngrams)

    def vectorize(self, values):
        """Token indices (int64 NumPy) of host `values`, padded as the layer outputs them."""
        indices = self._lookup_layer.lookup(self.tokenize(values))
        length = self._output_sequence_length
        if self._output_mode == "int" and length is not None:
            indices = indices[..., :length]
            padding = [(0, 0)] * (indices.ndim - 1) + [(0, length - indices.shape[-1])]
            indices = np.pad(indices, padding)
        return indices

    def vectorize_rows(self, values):
        """Token indices of host `values` unpadded: (int64 indices of all rows end to end,
        int64 row lengths), rows cut to `output_sequence_length` if set."""
        rows = self._token_rows(self.standardize(self._texts(values)))
        if self._output_sequence_length is not None:
            rows = [row[:self._output_sequence_length] for row in rows]
        tokens = np.array([token for row in rows for token in row], dtype=object)
        return self._lookup_layer.lookup(tokens), np.array([len(row) for row in rows], "int64")

    # Calling ---------------------------------------------------------------------------

    def _returns_ragged(self, input_shape):
        return self._ragged and self._split is not None and len(input_shape) >= 1

    def _convert_inputs(self, args):
        if args and isinstance(args[0], (list, tuple, str, bytes)):
            return (np.asarray(args[0]),) + tuple(args[1:])
        return args

    def _index_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._split is None:
            if self._output_mode == "int":
                return input_shape[:-1] + (self._output_sequence_length,) if input_shape else ()
            return input_shape if self._ngrams is None else input_shape[:-1] + (None,)
        rows = input_shape[:1] if len(input_shape) >= 1 else ()
        return rows + (self._output_sequence_length if self._output_mode == "int" else None,)

    def call(self, inputs):
        if self._returns_ragged(shape_of(inputs)):
            return _check_ragged_backend().core.host_call_ragged(self.vectorize_rows, [inputs], "int64")
        indices = host_call(self.vectorize, [inputs], "int64", self._index_shape(shape_of(inputs)))
        return self._lookup_layer.encode_indices(indices, "TextVectorization")

    def compute_output_spec(self, inputs):
        shape = self._index_shape(inputs.shape)
        if self._returns_ragged(inputs.shape):  # rows of any length, at most output_sequence_length
            return KerasTensor(shape[:-1] + (None,), "int64", ragged=True)
        if self._output_mode != "int" and self._split is None and len(shape) <= 1:
            shape = shape + (1,)
        return self._lookup_layer.compute_output_spec(KerasTensor(shape, "string"))

    # Saving -----------------------------------------------------------------------------

    def get_config(self):
        def serialized(value):
            return value if value is None or isinstance(value, str) else \
                serialization.serialize_keras_object(value)

        config = super().get_config()
        lookup = self._lookup_layer
        config.update({
            "max_tokens": lookup.max_tokens, "standardize": serialized(self._standardize),
            "split": serialized(self._split), "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode, "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": lookup.sparse,
            "ragged": self._ragged, "vocabulary": lookup.get_config()["vocabulary"],
            "idf_weights": lookup.get_config()["idf_weights"], "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size()})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if isinstance(config.get(key), dict):
                config[key] = serialization.deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    def _saved_variables(self):
        """The TF-IDF weights, also stored at this layer's own path, as Keras stores them."""
        idf = self._lookup_layer.idf_weights
        return [] if idf is None else [idf]

    def _saved_variable_keys(self):
        """The weights file's dataset names (Keras's ``idf_weights``)."""
        return self._lookup_layer._saved_variable_keys()

    def save_assets(self, dir_path):
        """Writes the learned vocabulary (see `StringLookup.save_assets`)."""
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        """Reads the vocabulary written by `save_assets`."""
        self._lookup_layer.load_assets(dir_path)
