"""`FeatureSpace` (`keras.utils.FeatureSpace`): structured data (a dict of columns) encoded by
the preprocessing layers, as one vector or as a dict of encoded features.

Each feature names a kind (``"float_normalized"``, ``"string_categorical"``, ...) or a
`Feature` spec; `adapt` learns the statistics and vocabularies; calling the space encodes a
dict of arrays or tensors, batched or not, on any backend and inside ``tf.data`` pipelines
(where its layers run on TensorFlow, whatever the session's backend). Crosses hash pairs (or
more) of preprocessed features together. `get_inputs` and `get_encoded_features` give the
symbolic graph, so a functional model can be built on top.

`.keras` files are Keras 3's: the same config (``Feature``, ``Cross``, ``TFDIdentity`` under
Keras's module name), weights paths and vocabulary assets, so files move both ways.

Example:
    >>> space = FeatureSpace({"age": "float_normalized", "city": "string_categorical"})
    >>> space.adapt({"age": np.array([20.0, 40.0]), "city": np.array(["Oslo", "Rome"])})
    >>> space({"age": np.array([30.0]), "city": np.array(["Rome"])}).shape
    (1, 4)
"""

import contextlib

import numpy as np

from kerasnb.engine import backend, dtypes, naming
from kerasnb.engine.layers.input_layer import Input
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.category_encoding import CategoryEncoding
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.layers.preprocessing.discretization import Discretization
from kerasnb.engine.layers.preprocessing.hashing import HashedCrossing, Hashing
from kerasnb.engine.layers.preprocessing.host import host_array, is_string_array, text_array
from kerasnb.engine.layers.preprocessing.lookup import IndexLookup, IntegerLookup, StringLookup
from kerasnb.engine.layers.preprocessing.normalization import Normalization
from kerasnb.engine.layers.preprocessing.rescaling import Rescaling
from kerasnb.engine.saving import model_file
from kerasnb.engine.saving.serialization import (
    builtin, deserialize_keras_object, serialize_keras_object)
from kerasnb.engine.tensors import KerasTensor

_KERAS_MODULE = "keras.src.layers.preprocessing.feature_space"  # where Keras's files name them
FEATURE_TYPES = ("float", "float_normalized", "float_rescaled", "float_discretized",
                 "integer_categorical", "string_categorical", "integer_hashed", "string_hashed")


def _check_choice(owner, argument, value, allowed):
    if value not in allowed:
        raise ValueError(f"{owner}: `{argument}` must be one of {', '.join(map(repr, allowed))}; "
                         f"received {value!r}.")
    return value


def _check_positive(owner, argument, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{owner}: `{argument}` must be a positive int; received {value!r}.")
    return value


@builtin("utils", module=_KERAS_MODULE)
class Feature:
    """How one feature is read and encoded: its input dtype, its preprocessing layer, and
    whether its output is used as is (``"float"``, ``"int"``) or one-hot encoded.

    Made by the `FeatureSpace` constructors (`FeatureSpace.feature` for any layer).

    Args:
        dtype: the input's dtype (``"float32"``, ``"int32"``, ``"string"``, ...).
        preprocessor: the layer applied to the ``(batch, 1)`` input (or its config).
        output_mode: ``"float"``, ``"int"`` or ``"one_hot"`` (the layer's integer output
            then becomes a multi-hot vector of its vocabulary or bin count).

    Example:
        >>> Feature("string", StringLookup(), "one_hot").output_mode
        'one_hot'
    """

    def __init__(self, dtype, preprocessor, output_mode):
        _check_choice("Feature", "output_mode", output_mode, ("int", "one_hot", "float"))
        if dtype != "string":
            dtypes.standardize_dtype(dtype)
        if isinstance(preprocessor, dict):
            preprocessor = deserialize_keras_object(preprocessor)
        if not isinstance(preprocessor, Layer):
            raise TypeError(f"Feature: `preprocessor` must be a layer (or a layer's config); "
                            f"received {type(preprocessor).__name__}.")
        self.dtype, self.preprocessor, self.output_mode = dtype, preprocessor, output_mode

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": serialize_keras_object(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return (f"<Feature dtype={self.dtype} preprocessor={type(self.preprocessor).__name__} "
                f"output_mode={self.output_mode}>")


@builtin("utils", module=_KERAS_MODULE)
class Cross:
    """A hashed cross of two or more features (of their preprocessed integer or string values).

    Args:
        feature_names: the names of the crossed features, in order.
        crossing_dim: the number of hash bins.
        output_mode: ``"one_hot"`` (a multi-hot vector of `crossing_dim`) or ``"int"``.

    Example:
        >>> Cross(("city", "job"), crossing_dim=16).name
        'city_X_job'
    """

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        _check_choice("Cross", "output_mode", output_mode, ("int", "one_hot"))
        if isinstance(feature_names, str) or not isinstance(feature_names, (list, tuple)) or len(
                feature_names) < 2 or not all(isinstance(n, str) for n in feature_names):
            raise ValueError("Cross: `feature_names` must be a tuple of at least two feature names; "
                             f"received {feature_names!r}.")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = _check_positive("Cross", "crossing_dim", crossing_dim)
        self.output_mode = output_mode

    @property
    def name(self):
        """The key of the crossed feature in the outputs: the names joined by ``_X_``."""
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<Cross {self.name} crossing_dim={self.crossing_dim} output_mode={self.output_mode}>"


@builtin("utils", module=_KERAS_MODULE)
class TFDIdentity(DataLayer):
    """The preprocessor of ``"float"`` features: passes its input through (Keras's name).

    Example:
        >>> TFDIdentity()(np.array([[1.5]], "float32")).shape
        (1, 1)
    """

    def call(self, inputs):
        return inputs

    def compute_output_spec(self, inputs):
        return KerasTensor(inputs.shape, inputs.dtype)


@builtin("utils", module=_KERAS_MODULE)
class TFDConcat(DataLayer):
    """Concatenates the encoded features of a ``"concat"`` `FeatureSpace` (Keras's name).

    Args:
        axis: the axis to join along.
        **kwargs: base `Layer` arguments.

    Example:
        >>> TFDConcat(axis=-1)([np.ones((2, 1)), np.zeros((2, 3))]).shape
        (2, 4)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _is_adaptable(layer):
    """Whether `adapt` should teach `layer`: it has `adapt` and was not given fixed statistics,
    a fixed vocabulary or fixed bin boundaries."""
    if not hasattr(layer, "adapt"):
        return False
    if isinstance(layer, Normalization):
        return layer.input_mean is None
    if isinstance(layer, Discretization):
        return layer.num_bins is not None
    lookup = getattr(layer, "_lookup_layer", layer)  # TextVectorization holds a lookup layer
    return not getattr(lookup, "_has_input_vocabulary", False)


def _cardinality(name, layer):
    """The number of categories a one-hot feature's preprocessor outputs."""
    if isinstance(layer, IndexLookup):
        return layer.vocabulary_size()
    if isinstance(layer, CategoryEncoding):
        return layer.num_tokens
    if isinstance(layer, Discretization):
        return layer.num_bins if layer.num_bins is not None else len(layer.bin_boundaries) + 1
    if isinstance(layer, (Hashing, HashedCrossing)):
        return layer.num_bins
    raise ValueError(f"FeatureSpace: feature {name!r} has output_mode='one_hot', but the number of "
                     f"categories of its {type(layer).__name__} preprocessor is not known; use "
                     "output_mode='int' (or 'float').")


def _is_text(value):
    if isinstance(value, (str, bytes)) or is_string_array(value):
        return True
    return isinstance(value, (list, tuple)) and np.asarray(value).dtype.kind in "USO"


def _column(value):
    """One feature's adapt batch as a NumPy array of shape ``(n, 1)`` (or as given if rank > 1)."""
    array = host_array(value)
    return array.reshape(-1, 1) if array.ndim <= 1 else array


@builtin("utils")
class FeatureSpace(Layer):
    """Preprocesses and encodes structured data: a dict of feature columns.

    Features are given by kind (a string, with the default arguments) or by a constructor
    of this class: ``float``, ``float_rescaled``, ``float_normalized``, ``float_discretized``,
    ``integer_categorical``, ``string_categorical``, ``integer_hashed``, ``string_hashed``,
    or ``feature`` for any preprocessing layer. Call `adapt` on the data first (when a
    feature learns something), then call the space on a dict of arrays or tensors (batched
    or single rows) or map it over a ``tf.data`` dataset. Outputs are ordered by feature
    name, then the crosses by name.

    Args:
        features: ``{name: kind or Feature}``.
        output_mode: ``"concat"`` (one float vector per row) or ``"dict"`` (``{name:
            encoded feature}``, crosses included).
        crosses: tuples of feature names to cross (hashed into `crossing_dim` bins, then
            one-hot encoded), or `cross` specs.
        crossing_dim: the default number of bins of crosses.
        hashing_dim: the number of bins of ``"integer_hashed"``/``"string_hashed"`` kinds.
        num_discretization_bins: the number of bins of the ``"float_discretized"`` kind.
        name: the layer name.

    Attributes:
        preprocessors: ``{name: layer}``, the preprocessing layer of each feature.
        crossers: ``{cross name: HashedCrossing}``.

    Example:
        >>> space = FeatureSpace({"x": "float_normalized", "kind": "string_categorical"})
        >>> space.adapt({"x": np.array([1.0, 3.0]), "kind": np.array(["a", "b"])})
        >>> space({"x": 2.0, "kind": "b"}).shape
        (4,)
    """

    autograph_info__ = None  # tf.data calls the space as plain Python (see `DataLayer`)

    # Feature constructors ---------------------------------------------------------------------

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        """A cross of `feature_names` hashed into `crossing_dim` bins (see `Cross`).

        Example:
            >>> FeatureSpace.cross(("a", "b"), crossing_dim=8).name
            'a_X_b'
        """
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        """A feature read as `dtype` and preprocessed by any layer (see `Feature`).

        Example:
            >>> FeatureSpace.feature("string", TextVectorization(output_mode="tf_idf"), "float")
        """
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        """Float values used as they are.

        Example:
            >>> FeatureSpace.float().output_mode
            'float'
        """
        name = name or naming.unique_name("float")
        return Feature("float32", TFDIdentity(dtype="float32", name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        """Float values mapped to ``x * scale + offset`` (a `Rescaling` layer).

        Example:
            >>> FeatureSpace.float_rescaled(scale=0.01).preprocessor.scale
            0.01
        """
        name = name or naming.unique_name("float_rescaled")
        return Feature("float32", Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"),
                       "float")

    @classmethod
    def float_normalized(cls, name=None):
        """Float values standardized with the mean and variance `adapt` learns (`Normalization`).

        Example:
            >>> FeatureSpace.float_normalized().dtype
            'float32'
        """
        name = name or naming.unique_name("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        """Float values replaced by their bin (`Discretization`): `num_bins` quantile bins
        learned by `adapt`, or fixed `bin_boundaries` (then `num_bins` may be None, else it
        must be ``len(bin_boundaries) + 1``).

        Example:
            >>> FeatureSpace.float_discretized(num_bins=3, bin_boundaries=[0.0, 1.0]).output_mode
            'one_hot'
        """
        name = name or naming.unique_name("float_discretized")
        if bin_boundaries is not None:
            if num_bins is not None and num_bins != len(bin_boundaries) + 1:
                raise ValueError(
                    f"FeatureSpace.float_discretized: {len(bin_boundaries)} `bin_boundaries` make "
                    f"{len(bin_boundaries) + 1} bins, but num_bins={num_bins!r}; pass num_bins=None "
                    "or the matching count.")
            num_bins = None
        layer = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                               name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                            name=None):
        """Integer categories indexed by a vocabulary that `adapt` learns (`IntegerLookup`).

        Example:
            >>> FeatureSpace.integer_categorical(max_tokens=10).dtype
            'int32'
        """
        name = name or naming.unique_name("integer_categorical")
        layer = IntegerLookup(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                              name=f"{name}_preprocessor")
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                           name=None):
        """String categories indexed by a vocabulary that `adapt` learns (`StringLookup`).

        Example:
            >>> FeatureSpace.string_categorical().dtype
            'string'
        """
        name = name or naming.unique_name("string_categorical")
        layer = StringLookup(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                             name=f"{name}_preprocessor")
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """Strings hashed into `num_bins` bins (`Hashing`; nothing to adapt).

        Example:
            >>> FeatureSpace.string_hashed(num_bins=16).preprocessor.num_bins
            16
        """
        name = name or naming.unique_name("string_hashed")
        return Feature("string", Hashing(num_bins=num_bins, name=f"{name}_preprocessor"), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """Integers hashed into `num_bins` bins (`Hashing`; nothing to adapt).

        Example:
            >>> FeatureSpace.integer_hashed(num_bins=16).dtype
            'int32'
        """
        name = name or naming.unique_name("integer_hashed")
        return Feature("int32", Hashing(num_bins=num_bins, name=f"{name}_preprocessor"), output_mode)

    # Construction -----------------------------------------------------------------------------

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32,
                 hashing_dim=32, num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not isinstance(features, dict) or not features:
            raise ValueError("FeatureSpace: `features` must be a non-empty dict {name: feature type "
                             f"or Feature}}; received {features!r}.")
        self.output_mode = _check_choice("FeatureSpace", "output_mode", output_mode,
                                         ("concat", "dict"))
        self.crossing_dim, self.hashing_dim = crossing_dim, hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, value) for key, value in features.items()}
        self.crosses = [self._standardize_cross(cross) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.inputs = {key: Input(shape=(1,), dtype=feature.dtype, name=key)
                       for key, feature in self.features.items()}
        self.preprocessors = {key: feature.preprocessor for key, feature in self.features.items()}
        self.crossers = {cross.name: HashedCrossing(cross.crossing_dim, name=cross.name)
                         for cross in self.crosses}
        self.one_hot_encoders = {}
        self.concat = None
        self.encoded_features = None
        self._is_adapted = False
        self._sublayers_built = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, dict):
            feature = deserialize_keras_object(feature)
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, str) and feature in FEATURE_TYPES:
            if feature == "float_discretized":
                return self.float_discretized(num_bins=self.num_discretization_bins, name=name)
            if feature.endswith("_hashed"):
                return getattr(self, feature)(num_bins=self.hashing_dim, name=name)
            return getattr(self, feature)(name=name)
        raise ValueError(f"FeatureSpace: feature {name!r} has an unknown type {feature!r}; expected "
                         f"one of {', '.join(map(repr, FEATURE_TYPES))} or a `FeatureSpace.feature(...)`.")

    def _standardize_cross(self, cross):
        if isinstance(cross, dict):
            cross = deserialize_keras_object(cross)
        if not isinstance(cross, Cross):
            if not self.crossing_dim:
                raise ValueError("FeatureSpace: `crosses` need a `crossing_dim` (the number of hash "
                                 f"bins); received crossing_dim={self.crossing_dim!r}.")
            cross = Cross(cross, crossing_dim=self.crossing_dim)
        unknown = [n for n in cross.feature_names if n not in self.features]
        if unknown:
            raise ValueError(f"FeatureSpace: the cross {cross.feature_names} names features that are "
                             f"not in `features`: {unknown}; known features: {list(self.features)}.")
        if cross.name in self.features:
            raise ValueError(f"FeatureSpace: the cross {cross.name!r} has the name of a feature; "
                             "rename that feature.")
        return cross

    # Adapting ---------------------------------------------------------------------------------

    def _adaptable_names(self):
        return [name for name, layer in self.preprocessors.items() if _is_adaptable(layer)]

    def adapt(self, dataset):
        """Teaches the features that learn (normalization statistics, vocabularies, quantile
        bins) from `dataset`, then builds the encoding.

        Args:
            dataset: a ``tf.data.Dataset`` of dicts (or of ``(dict, label)`` pairs), batched or
                not; a dict of arrays or lists; or an iterable of dict batches.

        Raises:
            TypeError: `dataset` is none of these. ValueError: it lacks a feature.

        Example:
            >>> space.adapt(tf.data.Dataset.from_tensor_slices(columns).batch(32))
        """
        column = self._column_reader(dataset)
        for name in self._adaptable_names():
            self.preprocessors[name].adapt(column(name))
        self._is_adapted = True
        self.encoded_features, self.one_hot_encoders, self.concat = None, {}, None
        self._sublayers_built = False
        self._check_if_built()

    def _column_reader(self, dataset):
        """A function: feature name -> an iterator over that feature's NumPy batches."""
        def require(keys):
            missing = [n for n in self._adaptable_names() if n not in keys]
            if missing:
                raise ValueError(f"FeatureSpace.adapt: the data has no {missing} (features to adapt); "
                                 f"it has {sorted(keys)}.")

        if isinstance(dataset, dict):
            require(dataset)
            return lambda name: iter([_column(dataset[name])])
        if hasattr(dataset, "element_spec") and hasattr(dataset, "as_numpy_iterator"):
            spec = dataset.element_spec
            spec = spec[0] if isinstance(spec, tuple) else spec
            if not isinstance(spec, dict):
                raise TypeError("FeatureSpace.adapt: the tf.data.Dataset must yield dicts of features "
                                f"(or (dict, label) pairs); its elements are {spec}.")
            require(spec)

            def read(name):
                single = dataset.map(lambda *element: element[0][name])
                if len(spec[name].shape) == 0:
                    single = single.batch(256)
                return (_column(batch) for batch in single.as_numpy_iterator())
            return read
        if isinstance(dataset, (str, bytes)) or hasattr(dataset, "shape") or not hasattr(
                dataset, "__iter__"):
            raise TypeError("FeatureSpace.adapt expects a tf.data.Dataset of dicts, a dict of arrays "
                            f"or an iterable of dict batches; received {type(dataset).__name__}.")
        elements = [e[0] if isinstance(e, tuple) else e for e in dataset]
        if not elements or not all(isinstance(e, dict) for e in elements):
            raise TypeError("FeatureSpace.adapt: an iterable must yield dicts of feature batches; "
                            f"received {[type(e).__name__ for e in elements[:3]]}.")
        require(set.intersection(*[set(e) for e in elements]))
        return lambda name: (_column(e[name]) for e in elements)

    def _check_if_adapted(self):
        if self._is_adapted:
            return
        waiting = self._adaptable_names()
        if waiting:
            raise ValueError(f"FeatureSpace: call `adapt(dataset)` before using it; the features "
                             f"{waiting} learn from the data.")
        self._is_adapted = True

    def _check_if_built(self):
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()

    # The symbolic graph -----------------------------------------------------------------------

    def get_inputs(self):
        """``{name: Input}``: one ``(None, 1)`` symbolic input per feature, of its dtype.

        Example:
            >>> space.get_inputs()["city"].dtype
            'string'
        """
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        """The symbolic encoding of `get_inputs` (a KerasTensor, or a dict in ``"dict"`` mode):
        put layers on it, and make a model from the inputs (or from it) to their outputs.

        Example:
            >>> outputs = Dense(1)(space.get_encoded_features())
            >>> model = Model(space.get_inputs(), outputs)
        """
        self._check_if_adapted()
        if self.encoded_features is None:
            with backend.outside_tf_graph():
                preprocessed, crossed = self._preprocess_and_cross(self.inputs)
                self._make_encoders(preprocessed, crossed)
                self.encoded_features = self._merge(preprocessed, crossed)
            self._sublayers_built = True
            self.built = True
        return self.encoded_features

    def _specs(self):
        return {**self.features, **self.crosses_by_name}

    def _make_encoders(self, preprocessed, crossed):
        """The one-hot encoders and the concatenation, from the symbolic preprocessed features
        (checking that each can be encoded as asked)."""
        layers = {**self.preprocessors, **self.crossers}
        specs = self._specs()
        for name, feature in {**preprocessed, **crossed}.items():
            if specs[name].output_mode == "one_hot":
                if not dtypes.is_int(feature.dtype):
                    raise ValueError(f"FeatureSpace: feature {name!r} has output_mode='one_hot', so its "
                                     f"preprocessor must output integers; it outputs {feature.dtype}.")
                self.one_hot_encoders[name] = CategoryEncoding(
                    num_tokens=_cardinality(name, layers[name]), output_mode="multi_hot")
            elif self.output_mode == "concat" and not dtypes.is_float(feature.dtype):
                raise ValueError(f"FeatureSpace: cannot concatenate feature {name!r}: it is not encoded "
                                 f"as floats (dtype {feature.dtype}, output_mode="
                                 f"{specs[name].output_mode!r}); use output_mode='dict' for the space "
                                 "or 'one_hot' for the feature.")
        if self.output_mode == "concat":
            self.concat = TFDConcat(axis=-1)

    def _preprocess_and_cross(self, values):
        preprocessed = {name: self.preprocessors[name](values[name]) for name in self.features}
        crossed = {cross.name: self.crossers[cross.name]([preprocessed[n] for n in cross.feature_names])
                   for cross in self.crosses}
        return preprocessed, crossed

    def _merge(self, preprocessed, crossed):
        names = sorted(preprocessed) + sorted(crossed)
        everything = {**preprocessed, **crossed}
        encoded = {}
        for name in names:
            encoder = self.one_hot_encoders.get(name)
            encoded[name] = everything[name] if encoder is None else encoder(everything[name])
        if self.output_mode == "dict":
            return encoded
        return self.concat([encoded[name] for name in names])

    # Calling ----------------------------------------------------------------------------------

    def _standardize_input(self, feature, value, in_graph):
        """`value` as a tensor (strings: a NumPy array outside TensorFlow graphs), float
        features cast to their dtype."""
        if isinstance(value, KerasTensor) or (in_graph and hasattr(value, "dtype")):
            x = value
        elif _is_text(value):
            return text_array(value)
        else:
            x = ops.convert_to_tensor(value)
        if dtypes.is_float(feature.dtype) and not is_string_array(x):
            x = ops.cast(x, feature.dtype)
        return x

    def __call__(self, data):
        """Encodes `data`, a dict ``{name: values}`` holding every feature (other keys are
        ignored): values of shape ``(batch,)`` or ``(batch, 1)``, or single values (then the
        outputs have no batch axis).

        Raises:
            ValueError: `data` is not a dict or lacks a feature; the space needs `adapt`.
        """
        if not isinstance(data, dict):
            raise ValueError("FeatureSpace must be called on a dict {feature name: values}; received "
                             f"{type(data).__name__}.")
        missing = [name for name in self.features if name not in data]
        if missing:
            raise ValueError(f"FeatureSpace: the data has no {missing}; expected every feature of "
                             f"{list(self.features)} and received {list(data)}.")
        self._check_if_built()
        in_graph = backend.in_tf_graph()
        on_tf = backend.evaluating("tensorflow") if in_graph and backend.current() != "tensorflow" \
            else contextlib.nullcontext()
        with on_tf:
            values, single = {}, False
            for name, feature in self.features.items():
                x = self._standardize_input(feature, data[name], in_graph)
                if len(x.shape) == 0:
                    single = True
                    x = x.reshape(1, 1) if isinstance(x, np.ndarray) else ops.reshape(x, (1, 1))
                elif len(x.shape) == 1:
                    x = x[:, None] if isinstance(x, np.ndarray) else ops.expand_dims(x, -1)
                values[name] = x
            outputs = self._merge(*self._preprocess_and_cross(values))
            if single:
                outputs = self._unbatch(outputs)
        return outputs

    def _unbatch(self, outputs):
        if self.output_mode == "concat":
            if outputs.shape[0] != 1:
                raise ValueError("FeatureSpace: single values (rank 0) cannot be mixed with batches; "
                                 f"the encoded batch has shape {tuple(outputs.shape)}.")
            return ops.squeeze(outputs, axis=0)
        return {name: ops.squeeze(x, axis=0) if len(x.shape) == 2 and x.shape[0] == 1 else x
                for name, x in outputs.items()}

    # Saving -----------------------------------------------------------------------------------

    def get_config(self):
        return {"features": serialize_keras_object(self.features), "output_mode": self.output_mode,
                "crosses": serialize_keras_object(self.crosses), "crossing_dim": self.crossing_dim,
                "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        """``{feature: build config}`` of the preprocessors, so a loaded space has its weights."""
        configs = {}
        for name, layer in self.preprocessors.items():
            own = layer.get_build_config() if hasattr(layer, "get_build_config") else None
            configs[name] = own or {"input_shape": [None, 1]}
        return configs

    def build_from_config(self, config):
        """Builds the preprocessors from `get_build_config`'s dict; the space counts as adapted
        (a loaded file brings the learned state)."""
        for name, layer_config in config.items():
            layer = self.preprocessors.get(name)
            if layer is None or layer.built or not (layer_config or {}).get("input_shape"):
                continue
            if hasattr(layer, "build_from_config"):
                layer.build_from_config(layer_config)
            else:
                layer.build(tuple(layer_config["input_shape"]))
        self._is_adapted = True
        self.built = True

    def save(self, filepath):
        """Saves the space (config, learned weights and vocabularies) as a ``.keras`` file,
        which `kerasnb.saving.load_model` (or Keras) reads back.

        Example:
            >>> space.save("space.keras")
            >>> space = kerasnb.saving.load_model("space.keras")
        """
        model_file.save_model(self, filepath)

    def __repr__(self):
        return (f"<FeatureSpace name={self.name}, features={list(self.features)}, "
                f"crosses={list(self.crosses_by_name)}, output_mode={self.output_mode}>")
