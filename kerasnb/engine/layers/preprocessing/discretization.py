"""`Discretization`: bucket indices of continuous values, from given or adapted boundaries.

`adapt` estimates quantile boundaries with Keras's streaming summary, so the learned
boundaries are Keras's: each batch is reduced to about ``1 / epsilon`` weighted sample
points, summaries are merged by re-interpolating their cumulative weights on a regular
grid of probabilities, and the boundaries are the grid points of ``num_bins`` quantiles.
"""

import numpy as np

from kerasnb.engine import config as settings
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.adapt_data import batches
from kerasnb.engine.layers.preprocessing.category_encoding import (
    ENCODINGS, check_output_mode, check_sparse, encode, encoded_shape)
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor


def _batch_summary(values, epsilon):
    """Every k-th sorted value (k = size * epsilon, at least 1), each weighing k."""
    values = np.sort(values.reshape(-1))
    step = max(values.size / (1.0 / epsilon), 1)
    points = values[int(step - 1)::int(step)]
    return np.stack([points, np.full(points.shape, step, points.dtype)])


def _compress(summary, epsilon):
    """The summary re-sampled at the probabilities epsilon, 2 * epsilon, ..., 1."""
    if summary.shape[1] * epsilon < 1:
        return summary
    grid = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    points = np.interp(grid, fractions, summary[0])
    weights = np.diff(np.interp(grid, fractions, cumulative), prepend=0.0)
    return np.stack([points, weights]).astype("float32")


def _merge(new, old, epsilon):
    merged = np.concatenate([new, old], axis=1)
    return _compress(merged[:, np.argsort(merged[0])], epsilon)


@builtin("layers")
class Discretization(DataLayer):
    """Replaces each value by the index of its bin (`bin_boundaries[i-1] <= x < bin_boundaries[i]`).

    Args:
        bin_boundaries: sorted boundaries; n boundaries make n + 1 bins, the outer ones
            open-ended. Not with `num_bins`.
        num_bins: the number of bins whose boundaries `adapt` learns (quantiles).
        epsilon: the accuracy of the quantile estimate (smaller is more exact).
        output_mode: "int" (bin indices, int32), "one_hot", "multi_hot" or "count".
        sparse: sparse encoded outputs (jax, torch, tensorflow).
        dtype: the dtype of encoded outputs (float32 by default).
        name: the layer name.

    Example:
        >>> Discretization(bin_boundaries=[0.0, 1.0])(np.array([[-0.5, 0.5, 2.0]]))
        array([[0, 1, 2]], dtype=int32)
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        self.output_mode = check_output_mode("Discretization", output_mode, ("int",) + ENCODINGS)
        self.sparse = check_sparse("Discretization", sparse, output_mode)
        if (num_bins is None) == (bin_boundaries is None):
            raise ValueError("Discretization: set exactly one of `bin_boundaries` and `num_bins`; "
                             f"received bin_boundaries={bin_boundaries!r}, num_bins={num_bins!r}.")
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, int)
                                     or num_bins < 0):
            raise ValueError(f"Discretization: `num_bins` must be an int >= 0; received {num_bins!r}.")
        if bin_boundaries is not None:
            bin_boundaries = list(np.asarray(bin_boundaries, dtype="float64").reshape(-1).tolist())
            if any(b > a for a, b in zip(bin_boundaries[1:], bin_boundaries)):
                raise ValueError(f"Discretization: `bin_boundaries` must be sorted; received "
                                 f"{bin_boundaries}.")
        if not 0 < epsilon < 1:
            raise ValueError(f"Discretization: `epsilon` must be in (0, 1); received {epsilon!r}.")
        self.bin_boundaries, self.num_bins, self.epsilon = bin_boundaries, num_bins, epsilon
        self.summary = None if bin_boundaries is not None else np.zeros((2, 0), "float32")

    @property
    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    @property
    def _output_dtype(self):
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def adapt(self, data, steps=None):
        """Learns `num_bins` quantile boundaries from `data`.

        Args:
            data: an array, a tensor, a ``tf.data.Dataset`` or an iterable of batches.
            steps: read at most this many batches.

        Example:
            >>> layer = Discretization(num_bins=4)
            >>> layer.adapt(np.random.uniform(size=(1000,)))
        """
        if self.num_bins is None:
            raise ValueError("Discretization: this layer was given `bin_boundaries`; only a layer "
                             "made with `num_bins` can `adapt`.")
        self.summary = np.zeros((2, 0), "float32")
        for index, batch in enumerate(batches(data, owner="Discretization.adapt", batch_rank=0)):
            if steps is not None and index >= steps:
                break
            batch = np.asarray(batch).astype("float32")
            self.summary = _merge(_batch_summary(batch, self.epsilon), self.summary, self.epsilon)
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def _convert_inputs(self, args):
        return args  # cast to floatx in `call`, like Keras

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("Discretization: call `adapt` (or give `bin_boundaries`) before using "
                             "the layer.")
        inputs = ops.cast(ops.convert_to_tensor(inputs), settings.floatx())
        indices = ops.digitize(inputs, np.asarray(self.bin_boundaries, settings.floatx()))
        return encode("Discretization", indices, self.output_mode, self._depth,
                      self._output_dtype, self.sparse)

    def compute_output_spec(self, inputs):
        shape = encoded_shape(inputs.shape, self.output_mode, self._depth)
        return KerasTensor(shape, self._output_dtype, sparse=self.sparse)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name,
                "dtype": serialization.serialize_keras_object(self.dtype_policy)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = serialization.deserialize_keras_object(config["dtype"])
        boundaries = config.pop("bin_boundaries", None)
        if boundaries is not None and config.get("num_bins") is not None:  # an adapted layer
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(bin_boundaries=boundaries, **config)
