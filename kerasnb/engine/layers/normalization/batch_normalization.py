"""BatchNormalization and GroupNormalization: statistics across the batch or channel groups."""

from kerasnb.engine import backend, config, constraints, initializers, regularizers
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.layers.normalization import _ops as ops
from kerasnb.engine.layers.normalization.common import check_axis, check_bool, check_number, float_compute
from kerasnb.engine.saving import serialization
from kerasnb.engine.saving.serialization import builtin


def _clone(initializer):
    try:
        return type(initializer).from_config(initializer.get_config())
    except (AttributeError, TypeError, NotImplementedError):
        return initializer


def _check_feature_axis(layer, input_shape, axis):
    ndim = len(input_shape)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{layer}: `axis` {axis} is out of bounds for input shape {tuple(input_shape)}.")
    dim = input_shape[axis]
    if dim is None:
        raise ValueError(f"{layer} needs a known size on axis {axis}; received input shape {tuple(input_shape)}.")
    return axis % ndim, dim


@builtin("layers")
class BatchNormalization(Layer):
    """Normalizes over the batch (and all axes but `axis`) with batch statistics in training
    and moving statistics in inference.

    In training (``training=True`` on a trainable layer) the moving mean and variance are
    updated as ``moving * momentum + batch * (1 - momentum)``; under `stateless_call` the
    updated values come back as the new non-trainable state.

    Args:
        axis: int, the feature axis (-1 for channels_last, 1 for channels_first).
        momentum: momentum of the moving statistics.
        epsilon: small float added to the variance.
        center, scale: learn an offset `beta` / a factor `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
            moving_variance_initializer: initializers of the four vectors.
        beta_regularizer, gamma_regularizer: optional penalties.
        beta_constraint, gamma_constraint: optional projections applied after updates.
        renorm: batch renormalization: in training, the batch-normalized values are corrected
            by ``r = batch_std / renorm_std`` and ``d = (batch_mean - renorm_mean) / renorm_std``
            (no gradient through them), and the moving variance follows a moving stddev.
        renorm_clipping: dict with optional ``rmin``, ``rmax`` (bounds of r) and ``dmax``
            (bound of |d|).
        renorm_momentum: momentum of the renorm mean and stddev.
        synchronized: all-reduce the batch statistics across replicas (tensorflow
            distribution strategies; a no-op on a single device).

    Example:
        >>> layer = BatchNormalization()
        >>> layer(np.ones((4, 3)), training=True).shape
        (4, 3)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axis(axis, allow_list=False)
        self.momentum = check_number("momentum", momentum, high=1.0)
        self.epsilon = check_number("epsilon", epsilon)
        self.center = check_bool("center", center)
        self.scale = check_bool("scale", scale)
        self.synchronized = check_bool("synchronized", synchronized)
        self.renorm = check_bool("renorm", renorm)
        if renorm_clipping is not None and not isinstance(renorm_clipping, dict):
            raise ValueError(f"`renorm_clipping` must be None or a dict; received {renorm_clipping!r}.")
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = sorted(set(renorm_clipping) - {"rmax", "rmin", "dmax"})
            if unknown:
                raise ValueError(f"`renorm_clipping` keys must be among 'rmax', 'rmin', 'dmax'; received {unknown}.")
            rmin, rmax, dmax = (renorm_clipping.get(k) for k in ("rmin", "rmax", "dmax"))
            if rmin is not None and rmax is not None and rmax < rmin:
                raise ValueError(f"`renorm_clipping` needs rmax >= rmin; received rmin={rmin}, rmax={rmax}.")
            if dmax is not None and dmax < 0:
                raise ValueError(f"`renorm_clipping` needs dmax >= 0; received dmax={dmax}.")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = check_number("renorm_momentum", renorm_momentum, high=1.0)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        axis, dim = _check_feature_axis("BatchNormalization", input_shape, self.axis)
        shape = (dim,)
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer, name="gamma",
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     autocast=False) if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer, name="beta",
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    autocast=False) if self.center else None
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer=self.moving_variance_initializer,
                                               trainable=False, autocast=False, name="moving_variance")
        if self.renorm:
            def stddev_initializer(shape, dtype=None):
                return ops.sqrt(_clone(self.moving_variance_initializer)(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(shape=shape, initializer=stddev_initializer, trainable=False,
                                                 autocast=False, name="moving_stddev")
            self.renorm_mean = self.add_weight(shape=shape, initializer=_clone(self.moving_mean_initializer),
                                               trainable=False, autocast=False, name="renorm_mean")
            self.renorm_stddev = self.add_weight(shape=shape, initializer=stddev_initializer, trainable=False,
                                                 autocast=False, name="renorm_stddev")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self._reduction_axes = [a for a in range(len(input_shape)) if a != axis]

    def call(self, inputs, training=None, mask=None):
        if mask is not None and ops.ndim(mask) != ops.ndim(inputs) - 1:
            raise ValueError(f"BatchNormalization: the mask must have rank {ops.ndim(inputs) - 1} (one less "
                             f"than the inputs); received mask shape {tuple(mask.shape)}.")
        x = float_compute(inputs)
        dtype = ops.dtype(x)
        moving_mean = ops.cast(self.moving_mean, dtype)
        moving_variance = ops.cast(self.moving_variance, dtype)
        gamma = None if self.gamma is None else ops.cast(self.gamma, dtype)
        beta = None if self.beta is None else ops.cast(self.beta, dtype)
        if training and self.trainable and self.renorm:
            mean, variance = self._moments(x, mask)
            gamma, beta = self._renormalize(mean, variance, gamma, beta, dtype)
        elif training and self.trainable:
            mean, variance = self._moments(x, mask)
            self.moving_mean.assign(ops.cast(
                ops.add(ops.multiply(moving_mean, self.momentum), ops.multiply(mean, 1.0 - self.momentum)),
                self.moving_mean.dtype))
            self.moving_variance.assign(ops.cast(
                ops.add(ops.multiply(moving_variance, self.momentum),
                        ops.multiply(variance, 1.0 - self.momentum)), self.moving_variance.dtype))
        else:
            mean, variance = moving_mean, moving_variance
        out = ops.batch_normalization(x, mean, variance, axis=self.axis, offset=beta, scale=gamma,
                                      epsilon=self.epsilon)
        return ops.cast(out, self.compute_dtype)

    def _renormalize(self, mean, variance, gamma, beta, dtype):
        """Batch renormalization: returns the corrected (gamma, beta) and updates the statistics."""
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_mean = ops.cast(self.renorm_mean, dtype)
        renorm_stddev = ops.cast(self.renorm_stddev, dtype)
        floor = ops.maximum(renorm_stddev, ops.sqrt(ops.cast(self.epsilon, dtype)))
        r = ops.divide(stddev, floor)
        d = ops.divide(ops.subtract(mean, renorm_mean), floor)
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = ops.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = ops.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = ops.clip(d, -clip["dmax"], clip["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        new_gamma = r if gamma is None else ops.multiply(r, gamma)
        new_beta = d if gamma is None else ops.multiply(d, gamma)
        if beta is not None:
            new_beta = ops.add(new_beta, beta)

        def blend(old, new, momentum):
            return ops.add(ops.multiply(old, momentum), ops.multiply(new, 1.0 - momentum))

        self.renorm_mean.assign(ops.cast(blend(renorm_mean, mean, self.renorm_momentum), self.renorm_mean.dtype))
        self.renorm_stddev.assign(ops.cast(blend(renorm_stddev, stddev, self.renorm_momentum),
                                           self.renorm_stddev.dtype))
        self.moving_mean.assign(ops.cast(blend(ops.cast(self.moving_mean, dtype), mean, self.momentum),
                                         self.moving_mean.dtype))
        moving_stddev = blend(ops.cast(self.moving_stddev, dtype), stddev, self.momentum)
        self.moving_stddev.assign(ops.cast(moving_stddev, self.moving_stddev.dtype))
        self.moving_variance.assign(ops.cast(ops.relu(ops.subtract(ops.square(moving_stddev), self.epsilon)),
                                             self.moving_variance.dtype))
        return new_gamma, new_beta

    def _moments(self, x, mask):
        if mask is None:
            sync = self.synchronized and backend.current() == "tensorflow"
            return ops.moments(x, axes=self._reduction_axes, synchronized=sync) if sync else \
                ops.moments(x, axes=self._reduction_axes)
        weights = ops.cast(ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), ops.shape(x)),
                           ops.dtype(x))
        count = ops.add(ops.sum(weights, axis=self._reduction_axes, keepdims=True), config.epsilon())
        mean = ops.divide(ops.sum(ops.multiply(x, weights), axis=self._reduction_axes, keepdims=True), count)
        deviation = ops.multiply(ops.subtract(x, mean), weights)
        variance = ops.divide(ops.sum(ops.square(deviation), axis=self._reduction_axes, keepdims=True), count)
        return ops.reshape(mean, (-1,)), ops.reshape(variance, (-1,))

    def compute_output_shape(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization: `axis` {self.axis} is out of bounds for input shape "
                             f"{tuple(input_shape)}.")
        return tuple(input_shape)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": s(self.beta_initializer), "gamma_initializer": s(self.gamma_initializer),
                "moving_mean_initializer": s(self.moving_mean_initializer),
                "moving_variance_initializer": s(self.moving_variance_initializer),
                "beta_regularizer": s(self.beta_regularizer), "gamma_regularizer": s(self.gamma_regularizer),
                "beta_constraint": s(self.beta_constraint), "gamma_constraint": s(self.gamma_constraint),
                "synchronized": self.synchronized, "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum}


@builtin("layers")
class GroupNormalization(Layer):
    """Splits the channels on `axis` into `groups` and normalizes each group of each sample.

    ``groups=1`` is layer normalization over all non-batch axes; ``groups=-1`` (one channel
    per group) is instance normalization.

    Args:
        groups: number of groups; must divide the channel count; -1 means one per channel.
        axis: int, the channel axis.
        epsilon: small float added to the variance.
        center, scale: learn a per-channel offset `beta` / factor `gamma`.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
            beta_constraint, gamma_constraint: as in `LayerNormalization`.

    Example:
        >>> GroupNormalization(groups=2)(np.ones((1, 5, 4))).shape
        (1, 5, 4)
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"`groups` must be a positive int or -1; received {groups!r}.")
        self.groups = groups
        self.axis = check_axis(axis, allow_list=False)
        self.epsilon = check_number("epsilon", epsilon)
        self.center = check_bool("center", center)
        self.scale = check_bool("scale", scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        axis, dim = _check_feature_axis("GroupNormalization", input_shape, self.axis)
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups or dim % self.groups:
            raise ValueError(f"GroupNormalization: `groups` must divide the {dim} channels on axis {self.axis}; "
                             f"received groups={self.groups}.")
        self._axis = axis
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self.gamma = self.add_weight(shape=(dim,), initializer=self.gamma_initializer, name="gamma",
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     autocast=False) if self.scale else None
        self.beta = self.add_weight(shape=(dim,), initializer=self.beta_initializer, name="beta",
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    autocast=False) if self.center else None

    def call(self, inputs):
        x = float_compute(inputs)
        shape = ops.shape(x)
        ndim, axis = len(shape), self._axis
        dim = shape[axis]
        grouped = list(shape[:axis]) + [self.groups, dim // self.groups] + list(shape[axis + 1:])
        grouped[0] = -1
        g = ops.reshape(x, grouped)
        reduce = [a for a in range(1, ndim + 1) if a != axis]
        mean, variance = ops.moments(g, axes=reduce, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        channel_shape = [1] * (ndim + 1)
        channel_shape[axis], channel_shape[axis + 1] = self.groups, dim // self.groups
        if self.gamma is not None:
            inv = ops.multiply(inv, ops.reshape(ops.cast(self.gamma, ops.dtype(g)), channel_shape))
        shift = ops.negative(ops.multiply(mean, inv))
        if self.beta is not None:
            shift = ops.add(shift, ops.reshape(ops.cast(self.beta, ops.dtype(g)), channel_shape))
        out = ops.reshape(ops.add(ops.multiply(g, inv), shift), [-1] + list(shape[1:]))
        return ops.cast(out, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        _check_feature_axis("GroupNormalization", input_shape, self.axis)
        return tuple(input_shape)

    def get_config(self):
        s = serialization.serialize_keras_object
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": s(self.beta_initializer), "gamma_initializer": s(self.gamma_initializer),
                "beta_regularizer": s(self.beta_regularizer), "gamma_regularizer": s(self.gamma_regularizer),
                "beta_constraint": s(self.beta_constraint), "gamma_constraint": s(self.gamma_constraint)}
