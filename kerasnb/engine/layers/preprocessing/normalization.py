"""`Normalization`: feature-wise ``(x - mean) / sqrt(variance)``, from given or adapted statistics."""

import numpy as np

from kerasnb.engine import config
from kerasnb.engine.layers.preprocessing import _ops as ops
from kerasnb.engine.layers.preprocessing.adapt_data import batches
from kerasnb.engine.layers.preprocessing.data_layer import DataLayer
from kerasnb.engine.saving.serialization import builtin


def _axes(axis):
    if axis is None:
        return ()
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    if isinstance(axis, (list, tuple)) and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
        return tuple(int(a) for a in axis)
    raise ValueError(f"Normalization: `axis` must be None, an int or a tuple of ints; received {axis!r}.")


class _Moments:
    """Running mean and variance over batches (Chan's parallel update), in float64."""

    def __init__(self, shape):
        self.count, self.mean, self.m2 = 0, np.zeros(shape), np.zeros(shape)

    def update(self, batch, reduce_axes):
        count = int(np.prod([batch.shape[a] for a in reduce_axes]))
        if count == 0:
            return
        mean = batch.mean(axis=reduce_axes)
        m2 = ((batch - np.expand_dims(mean, reduce_axes) if reduce_axes else batch - mean) ** 2
              ).sum(axis=reduce_axes)
        total = self.count + count
        delta = mean - self.mean
        self.mean = self.mean + delta * (count / total)
        self.m2 = self.m2 + m2 + delta ** 2 * (self.count * count / total)
        self.count = total

    @property
    def variance(self):
        return self.m2 / max(self.count, 1)


@builtin("layers")
class Normalization(DataLayer):
    """Shifts and scales inputs feature-wise to zero mean and unit variance.

    The statistics are given (`mean`, `variance`) or learned from data with `adapt`;
    adapted ones are weights (``mean``, ``variance``, ``count``), so they are saved with
    the model.

    Args:
        axis: the axis or axes that keep separate statistics (the features, -1 by
            default); None for one mean and variance over everything.
        mean: the mean to use (broadcast over the kept axes), or None to `adapt`.
        variance: the variance to use; given together with `mean`.
        invert: apply the inverse transform, ``x * sqrt(variance) + mean``.
        **kwargs: base `Layer` arguments.

    Example:
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0], [2.0]]))
        >>> layer(np.array([[4.0]]))  # (4 - 1) / 1
        array([[3.]], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axes(axis)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: `mean` and `variance` must be given together; received "
                             f"mean={mean!r} and variance={variance!r}.")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: `mean` and `variance` must have the same shape; "
                                 f"received {np.shape(mean)} and {np.shape(variance)}.")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization: `mean` has rank {np.ndim(mean)}, more than the "
                                 f"{len(self.axis)} kept axes of axis={axis!r}.")
        if not isinstance(invert, bool):
            raise ValueError(f"Normalization: `invert` must be a bool; received {invert!r}.")
        self.input_mean, self.input_variance, self.invert = mean, variance, invert
        self.supports_masking = True
        self._build_input_shape = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"Normalization: `axis` {self.axis} is out of range for inputs of rank "
                             f"{ndim} (shape {tuple(input_shape)}).")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[a] is None for a in self._keep):
            raise ValueError(f"Normalization: the kept axes {self._keep} need known sizes; received "
                             f"input shape {tuple(input_shape)}.")
        self._build_input_shape = tuple(input_shape)
        self._reduce = tuple(a for a in range(ndim) if a not in self._keep)
        self._broadcast = tuple(input_shape[a] if a in self._keep else 1 for a in range(ndim))
        shape = tuple(input_shape[a] for a in self._keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros",
                                         trainable=False)
        else:
            self._given = [self._expand(v) for v in (self.input_mean, self.input_variance)]

    def _expand(self, value):
        """A given statistic (scalar, or over the last kept axes) in the broadcast shape."""
        value = np.asarray(value, dtype="float64")
        shape = [1] * len(self._broadcast)
        for axis, size in zip(self._keep[len(self._keep) - value.ndim:], value.shape):
            shape[axis] = size
        return np.broadcast_to(value.reshape(shape), self._broadcast).astype(self.compute_dtype)

    def adapt(self, data):
        """Computes the mean and variance of `data` over the reduced axes.

        Args:
            data: a NumPy array or tensor, a batched ``tf.data.Dataset`` (an unbatched one of
                rank-1 elements is batched), a PyDataset, or an iterable of batches.

        Example:
            >>> layer.adapt(np.random.normal(size=(100, 3)))
        """
        if self.input_mean is not None:
            raise ValueError("Normalization: `adapt` learns the statistics, but this layer was given "
                             "`mean` and `variance`.")
        moments = None
        for batch in batches(data, owner="Normalization.adapt"):
            batch = np.asarray(batch, dtype="float64")
            if not self.built:
                self.build(batch.shape)
            elif batch.ndim != len(self._build_input_shape) or any(
                    batch.shape[a] != self._build_input_shape[a] for a in self._keep):
                raise ValueError(f"Normalization.adapt: the layer was built for inputs of shape "
                                 f"{self._build_input_shape}; received a batch of shape {batch.shape}.")
            if moments is None:
                moments = _Moments(tuple(batch.shape[a] for a in self._keep))
            moments.update(batch, self._reduce)
        self.adapt_mean.assign(moments.mean)
        self.adapt_variance.assign(moments.variance)
        self.count.assign(np.asarray(moments.count, "int64"))

    @property
    def mean(self):
        """The mean subtracted from the inputs, shaped to broadcast against them."""
        return self._statistic(0, "mean")

    @property
    def variance(self):
        """The variance the inputs are divided by (as a standard deviation), broadcastable."""
        return self._statistic(1, "variance")

    def _statistic(self, index, name):
        if not self.built:
            raise AttributeError(f"Normalization.{name} is known once the layer is built: call "
                                 "`adapt`, or call the layer on data.")
        return self._statistics()[index]

    def _statistics(self):
        if self.input_mean is not None:
            return self._given
        return [ops.cast(ops.reshape(v.value, self._broadcast), self.compute_dtype)
                for v in (self.adapt_mean, self.adapt_variance)]

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        std = ops.maximum(ops.sqrt(variance), config.epsilon())
        if self.invert:
            return ops.add(ops.multiply(inputs, std), mean)
        return ops.divide(ops.subtract(inputs, mean), std)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_build_config(self):
        """The input shape the layer was built for, so a loaded copy has its weights."""
        if self._build_input_shape is not None:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, build_config):
        if build_config:
            self.build(tuple(build_config["input_shape"]))

    def get_config(self):
        config_ = super().get_config()
        config_.update({"axis": self.axis, "invert": self.invert,
                        "mean": np.array(self.input_mean).tolist(),
                        "variance": np.array(self.input_variance).tolist()})
        return config_
