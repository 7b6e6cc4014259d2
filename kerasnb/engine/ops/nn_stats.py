"""Neural-network ops beyond activations: crossentropies, encodings, statistics, normalization.

Re-exported by `kerasnb.engine.ops.nn`. Also holds the argument-check helpers the
`nn` family shares (`check_axis`, `check_axes`, `operand`).
"""

import numbers
import warnings

from kerasnb.engine import config, dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import op
from kerasnb.engine.tensors import KerasTensor

__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "one_hot", "multi_hot", "moments", "batch_normalization", "layer_normalization",
    "rms_normalization", "normalize", "psnr", "polar",
]


# Shared argument checks ------------------------------------------------------------

def operand(x):
    """What dtype promotion sees of `x`: Python scalars stay weak, the rest is a dtype name."""
    if type(x) in (bool, int, float, complex):
        return x
    return rules.dtype_of(x)


def check_axis(axis, ndim, arg="axis"):
    """`axis` as a non-negative int, or an error naming `arg`, the valid range and the value."""
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"`{arg}` must be an integer; received {axis!r}.")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"`{arg}` must be in [{-ndim}, {ndim}) for a tensor of rank {ndim}; received {axis}.")
    return int(axis) % ndim


def check_axes(axis, ndim, arg="axis"):
    """`axis` (None, an int or a sequence of ints) as a sorted tuple of distinct axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = [check_axis(a, ndim, arg) for a in axis]
        if len(set(axes)) != len(axes):
            raise ValueError(f"`{arg}` must not repeat an axis; received {axis!r}.")
        return tuple(sorted(axes))
    return (check_axis(axis, ndim, arg),)


def _same_shape(a, b):
    """Whether two shapes agree, unknown (None) dims matching anything."""
    return len(a) == len(b) and all(d is None or e is None or d == e for d, e in zip(a, b))


def _merged(a, b):
    return tuple(e if d is None else d for d, e in zip(a, b))


def _float_of(*items):
    return dtypes.float_result(dtypes.result_type(*[operand(v) for v in items if v is not None]))


# Crossentropies --------------------------------------------------------------------

def _check_pair(target, output, from_logits=False, axis=None):
    t, o = rules.shape_of(target), rules.shape_of(output)
    if not _same_shape(t, o):
        raise ValueError(
            f"`target` and `output` must have the same shape; received target.shape={t}, "
            f"output.shape={o}.")
    if axis is not None:
        if not o:
            raise ValueError("`target` and `output` must have rank >= 1; received rank 0.")
        check_axis(axis, len(o))


def _check_categorical(target, output, from_logits=False, axis=-1):
    _check_pair(target, output, axis=axis)


def _sparse_target_shape(target_shape, output_shape):
    """Keras drops a trailing size-1 dim of sparse targets that have the output's rank."""
    if len(target_shape) == len(output_shape) and target_shape and target_shape[-1] == 1:
        return target_shape[:-1]
    return target_shape


def _check_sparse(target, output, from_logits=False, axis=-1):
    o = rules.shape_of(output)
    if not o:
        raise ValueError("`output` must have rank >= 1; received rank 0.")
    axis = check_axis(axis, len(o))
    t = _sparse_target_shape(rules.shape_of(target), o)
    expected = o[:axis] + o[axis + 1:]
    if not _same_shape(t, expected):
        raise ValueError(
            f"`target` must have the shape of `output` without the class axis {axis}, "
            f"{expected}; received target.shape={rules.shape_of(target)}, output.shape={o}.")


def _binary_rule(target, output, from_logits=False):
    shape = _merged(rules.shape_of(output), rules.shape_of(target))
    return rules.tensor(shape, _float_of(target, output))


def _categorical_rule(target, output, from_logits=False, axis=-1):
    shape = _merged(rules.shape_of(output), rules.shape_of(target))
    axis = check_axis(axis, len(shape))
    return rules.tensor(shape[:axis] + shape[axis + 1:], _float_of(target, output))


def _sparse_rule(target, output, from_logits=False, axis=-1):
    shape = rules.shape_of(output)
    axis = check_axis(axis, len(shape))
    return rules.tensor(shape[:axis] + shape[axis + 1:], _float_of(output))


@op(_binary_rule, family="nn", check=_check_pair)
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy between labels `target` and predictions `output`.

    Probabilities are clipped to ``[epsilon, 1 - epsilon]`` (``config.epsilon()``)
    before the logarithm; with ``from_logits=True`` a stable log-sigmoid is used.

    Args:
        target: labels in ``[0, 1]``, same shape as `output`.
        output: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.

    Returns:
        The loss per element, shape of `output`.

    Example:
        >>> ops.binary_crossentropy([1.0, 0.0], [0.5, 0.5])
        array([0.6931472, 0.6931472], dtype=float32)
    """


@op(_categorical_rule, family="nn", check=_check_categorical)
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot (or soft) labels and predictions along `axis`.

    Without `from_logits`, `output` is rescaled to sum to 1 along `axis` and clipped to
    ``[epsilon, 1 - epsilon]``; with it, a log-softmax of `output` is used.

    Args:
        target: label distribution, same shape as `output`.
        output: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis.

    Returns:
        The loss, shape of `output` without `axis`.

    Example:
        >>> ops.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """


@op(_sparse_rule, family="nn", check=_check_sparse)
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer class labels and predictions along `axis`.

    Args:
        target: integer labels in ``[0, num_classes)``, shape of `output` without
            `axis` (a trailing dim of size 1 is also accepted).
        output: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis of `output`.

    Returns:
        The loss, shape of `output` without `axis`.

    Example:
        >>> ops.sparse_categorical_crossentropy([1], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """


# Encodings -------------------------------------------------------------------------

def _check_encoding(x, num_classes, axis):
    if not isinstance(num_classes, numbers.Integral) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(f"`num_classes` must be a positive integer; received {num_classes!r}.")
    check_axis(axis, len(rules.shape_of(x)) + 1)


def _check_one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    _check_encoding(x, num_classes, axis)


def _multi_hot_classes(num_classes, kwargs):
    """`num_classes`, or its old name `num_tokens`; unknown keywords are refused."""
    unknown = set(kwargs) - {"num_tokens"}
    if unknown:
        raise TypeError(f"multi_hot() got unexpected keyword arguments {sorted(unknown)}.")
    return kwargs.get("num_tokens") if num_classes is None else num_classes


def _check_multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = _multi_hot_classes(num_classes, kwargs)
    if num_classes is None:
        raise ValueError("`num_classes` must be given; received None.")
    if not rules.shape_of(inputs):
        raise ValueError("`inputs` must have rank >= 1; received a scalar.")
    _check_encoding(inputs, num_classes, axis)


def _encoded_shape(x, num_classes, axis):
    shape = list(rules.shape_of(x))
    shape.insert(check_axis(axis, len(shape) + 1), num_classes)
    return shape


def _one_hot_rule(x, num_classes, axis=-1, dtype=None, sparse=False):
    dtype = dtypes.standardize_dtype(dtype) if dtype is not None else config.floatx()
    return KerasTensor(tuple(_encoded_shape(x, num_classes, axis)), dtype, sparse=sparse)


def _multi_hot_rule(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    shape = _encoded_shape(inputs, _multi_hot_classes(num_classes, kwargs), axis)
    del shape[1 if len(rules.shape_of(inputs)) > 1 else 0]
    dtype = dtypes.standardize_dtype(dtype) if dtype is not None else config.floatx()
    return KerasTensor(tuple(shape), dtype, sparse=sparse)


@op(_one_hot_rule, family="nn", check=_check_one_hot)
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes the integers in `x` along a new axis of size `num_classes`.

    Values outside ``[0, num_classes)`` encode as all zeros.

    Args:
        x: integer tensor.
        num_classes: size of the new axis.
        axis: where the new axis goes (-1: last).
        dtype: result dtype, ``config.floatx()`` by default.
        sparse: return the backend's sparse tensor type (jax, torch, tensorflow).

    Example:
        >>> ops.one_hot([1, 0], 3)
        array([[0., 1., 0.],
               [1., 0., 0.]], dtype=float32)
    """


@op(_multi_hot_rule, family="nn", check=_check_multi_hot)
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encodes integer labels: a 1 for every class present in a sample.

    `inputs` is one-hot encoded along `axis`, then the label axis is reduced by max:
    axis 1 for batched inputs, axis 0 for a single 1-D sample.

    Args:
        inputs: integer labels, rank >= 1.
        num_classes: number of classes (also accepted as ``num_tokens``).
        axis: where the class axis goes (-1: last).
        dtype: result dtype, ``config.floatx()`` by default.
        sparse: return the backend's sparse tensor type (jax, torch, tensorflow).

    Example:
        >>> ops.multi_hot([[0, 2], [1, 1]], num_classes=3)
        array([[1., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """


# Statistics and normalization ------------------------------------------------------

def _check_moments(x, axes, keepdims=False, synchronized=False):
    check_axes(axes, len(rules.shape_of(x)), "axes")


def _moments_rule(x, axes, keepdims=False, synchronized=False):
    shape = rules.shape_of(x)
    out = rules.reduce_shape(shape, check_axes(axes, len(shape), "axes"), keepdims)
    dtype = dtypes.float_result(rules.dtype_of(x))
    return rules.tensor(out, dtype), rules.tensor(out, dtype)


@op(_moments_rule, family="nn", check=_check_moments)
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (biased) variance of `x` over `axes`.

    float16 and bfloat16 inputs are reduced in float32, clipped to their own range and
    cast back, to avoid overflow.

    Args:
        x: input tensor.
        axes: int, sequence of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.
        synchronized: on tensorflow, all-reduce the statistics across the replicas of
            the current distribution strategy; other backends refuse it.

    Returns:
        A tuple ``(mean, variance)``.

    Example:
        >>> ops.moments([0.0, 2.0], axes=0)
        (array(1., dtype=float32), array(1., dtype=float32))
    """


def _check_batch_norm(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    shape = rules.shape_of(x)
    size = shape[check_axis(axis, len(shape))]
    for name, value in (("mean", mean), ("variance", variance), ("offset", offset), ("scale", scale)):
        if value is not None and not _same_shape(rules.shape_of(value), (size,)):
            raise ValueError(
                f"`{name}` must be a vector of length x.shape[axis] = {size}; "
                f"received shape {rules.shape_of(value)}.")


def _batch_norm_rule(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    return rules.tensor(rules.shape_of(x), _float_of(x, mean, variance, offset, scale))


@op(_batch_norm_rule, family="nn", check=_check_batch_norm)
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """Normalizes `x` with given statistics: ``(x - mean) / sqrt(variance + epsilon) * scale + offset``.

    Args:
        x: input tensor.
        mean, variance: vectors of length ``x.shape[axis]``.
        axis: the feature axis the vectors run along.
        offset, scale: optional vectors of length ``x.shape[axis]``.
        epsilon: added to the variance.

    Example:
        >>> ops.batch_normalization([[1.0, 2.0]], [1.0, 0.0], [1.0, 4.0], axis=-1, epsilon=0.0)
        array([[0., 1.]], dtype=float32)
    """


def _check_layer_norm(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    unknown = set(kwargs) - {"rms_scaling"}
    if unknown:
        raise TypeError(f"layer_normalization() got unexpected keyword arguments {sorted(unknown)}.")
    check_axes(axis, len(rules.shape_of(x)))
    if kwargs.get("rms_scaling"):
        warnings.warn(
            "`rms_scaling=True` is deprecated: it divides by the standard deviation, not the "
            "root mean square; use `rms_normalization` instead.", DeprecationWarning, stacklevel=3)


def _check_rms(x, scale=None, axis=-1, epsilon=None):
    check_axes(axis, max(len(rules.shape_of(x)), 1))


def _check_normalize(x, axis=-1, order=2, epsilon=None):
    if not isinstance(order, numbers.Integral) or isinstance(order, bool) or order < 1:
        raise ValueError(f"`order` must be an integer >= 1; received {order!r}.")
    axes = check_axes(axis, max(len(rules.shape_of(x)), 1))
    if order != 2 and len(axes) > 1:
        raise ValueError(
            f"`order` {order} needs a single `axis` (a vector norm); received axis={axis!r} "
            f"for a tensor of rank {len(rules.shape_of(x))}.")


def _same_dtype_rule(x, *args, **kwargs):
    return rules.tensor(rules.shape_of(x), rules.dtype_of(x))


def _rms_rule(x, *args, **kwargs):
    return rules.tensor(rules.shape_of(x) or (1,), rules.dtype_of(x))


def _normalize_rule(x, *args, **kwargs):
    return rules.tensor(rules.shape_of(x) or (1,), dtypes.float_result(rules.dtype_of(x)))


@op(_same_dtype_rule, family="nn", check=_check_layer_norm)
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Layer normalization: standardizes `x` over `axis`, then scales by `gamma`, shifts by `beta`.

    Computes in at least float32 and returns the dtype of `x`.

    Args:
        x: input tensor.
        gamma: optional scale, shaped like the normalized axes (or broadcastable to `x`).
        beta: optional offset, shaped like `gamma`.
        axis: int or sequence of ints to normalize over.
        epsilon: added to the variance; ``config.epsilon()`` by default.
        **kwargs: ``rms_scaling=True`` (deprecated) divides `x` by ``sqrt(variance + epsilon)``
            without centering and ignores `beta`; prefer `rms_normalization`.

    Example:
        >>> ops.layer_normalization([1.0, 3.0])
        array([-1.,  1.], dtype=float32)
    """


@op(_rms_rule, family="nn", check=_check_rms)
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """RMS normalization: ``x / sqrt(mean(x ** 2) + epsilon) * scale`` over `axis`.

    Computes in at least float32 and returns the dtype of `x`; a scalar `x` becomes shape (1,).

    Args:
        x: input tensor.
        scale: optional scale, shaped like the normalized axes (or broadcastable to `x`).
        axis: int or sequence of ints to normalize over.
        epsilon: added to the mean square; ``config.epsilon()`` by default.

    Example:
        >>> ops.rms_normalization([3.0, 4.0], epsilon=0.0)
        array([0.84852815, 1.1313709 ], dtype=float32)
    """


@op(_normalize_rule, family="nn", check=_check_normalize)
def normalize(x, axis=-1, order=2, epsilon=None):
    """Divides `x` by its `order`-norm over `axis`: ``x / max(norm(x), epsilon)``.

    Args:
        x: input tensor; a scalar becomes shape (1,).
        axis: int, sequence of ints or None (all); orders other than 2 need one axis.
        order: the norm's exponent, an integer >= 1.
        epsilon: lower bound of the norm; ``config.epsilon()`` by default.

    Example:
        >>> ops.normalize([3.0, 4.0])
        array([0.6, 0.8], dtype=float32)
    """


def _check_psnr(x1, x2, max_val):
    a, b = rules.shape_of(x1), rules.shape_of(x2)
    if not _same_shape(a, b):
        raise ValueError(f"`x1` and `x2` must have the same shape; received {a} and {b}.")


def _psnr_rule(x1, x2, max_val):
    return rules.tensor((), _float_of(x1, x2))


@op(_psnr_rule, family="nn", check=_check_psnr)
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: ``20 * log10(max_val) - 10 * log10(mean((x1 - x2) ** 2))``.

    Args:
        x1, x2: signals of the same shape.
        max_val: the largest possible signal value (e.g. 1.0 or 255).

    Returns:
        A scalar tensor.

    Example:
        >>> ops.psnr([0.0, 0.0], [1.0, 1.0], 10.0)
        array(20., dtype=float32)
    """


def _polar_rule(abs_, angle):
    shape = rules.broadcast_shapes(rules.shape_of(abs_), rules.shape_of(angle))
    return rules.tensor(shape, "complex128" if _float_of(abs_, angle) == "float64" else "complex64")


@op(_polar_rule, family="nn")
def polar(abs_, angle):
    """The complex number with magnitude `abs_` and phase `angle`: ``abs_ * (cos(angle) + 1j * sin(angle))``.

    Inputs broadcast; float64 gives complex128, other inputs complex64.

    Example:
        >>> ops.polar([2.0], [0.0])
        array([2.+0.j], dtype=complex64)
    """
