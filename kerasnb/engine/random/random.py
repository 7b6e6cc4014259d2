"""Random ops (`keras.random`): samplers, dropout and shuffle, on every backend.

Every op takes a `seed`: None (the global generator), an int (the same numbers each
call) or a `SeedGenerator` (new numbers each call). The op layer validates arguments and
turns the seed into a ``(2,)`` int64 tensor; backends sample with their own RNG from it.
"""

import functools
import inspect

from kerasnb.engine import config, dtypes
from kerasnb.engine.ops import rules
from kerasnb.engine.ops.op import has_symbolic, op
from kerasnb.engine.random.seed_generator import draw_seed

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]


def _seeded(check):
    """Validates the arguments with `check`, then hands the backend a drawn seed tensor.

    The op then receives every argument by keyword (rules and backends use the op's
    parameter names). Symbolic calls keep `seed` as given: they draw nothing.
    """

    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            check(**arguments)
            if not has_symbolic((), arguments):
                arguments["seed"] = draw_seed(arguments["seed"])
            return fn(**arguments)

        return wrapper

    return decorate


def _is_dim(d):
    """An int >= 0, or a scalar integer tensor: a size known only when a TensorFlow graph
    (a ``tf.data`` map over batches) runs."""
    if isinstance(d, int) and not isinstance(d, bool):
        return d >= 0
    return getattr(d, "shape", None) is not None and tuple(d.shape) == () and "int" in str(d.dtype)


def _check_shape(shape):
    if not isinstance(shape, (list, tuple)) or not all(_is_dim(d) for d in shape):
        raise ValueError(f"`shape` must be a tuple of ints >= 0; received {shape!r}.")


def _check_dtype(dtype, kind, op_name):
    test = dtypes.is_float if kind == "a floating-point" else dtypes.is_int
    if dtype is not None and not test(dtype):
        raise ValueError(f"`{op_name}` needs {kind} `dtype`; received {dtype!r}.")


def _float_sampler_check(op_name):
    def check(shape, dtype=None, **parameters):
        _check_shape(shape)
        _check_dtype(dtype, "a floating-point", op_name)

    return check


def _sample_rule(shape, dtype=None, **parameters):
    return rules.tensor(tuple(shape), dtypes.standardize_dtype(dtype or config.floatx()))


@_seeded(_float_sampler_check("normal"))
@op(_sample_rule, family="random")
def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of a normal distribution.

    Args:
        shape: the output shape.
        mean: the mean (a number or a tensor broadcastable to `shape`).
        stddev: the standard deviation.
        dtype: a floating-point dtype; defaults to floatx.
        seed: None, an int or a `SeedGenerator` (see the module docstring).

    Example:
        >>> kerasnb.random.normal((2, 3), stddev=0.1, seed=1).shape
        (2, 3)
    """


@_seeded(_float_sampler_check("uniform"))
@op(_sample_rule, family="random")
def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples of the uniform distribution on ``[minval, maxval)``.

    Example:
        >>> kerasnb.random.uniform((4,), minval=-1.0, maxval=1.0, seed=3).shape
        (4,)
    """


@_seeded(_float_sampler_check("truncated_normal"))
@op(_sample_rule, family="random")
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of a normal distribution, redrawn until within two `stddev` of `mean`.

    Example:
        >>> kerasnb.random.truncated_normal((3,), seed=0).shape
        (3,)
    """


def _check_randint(shape, minval, maxval, dtype="int32", seed=None):
    _check_shape(shape)
    _check_dtype(dtype, "an integer", "randint")


@_seeded(_check_randint)
@op(_sample_rule, family="random")
def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Uniformly drawn integers in ``[minval, maxval)``.

    Example:
        >>> kerasnb.random.randint((5,), 0, 10, seed=2).shape
        (5,)
    """


@_seeded(_float_sampler_check("gamma"))
@op(_sample_rule, family="random")
def gamma(shape, alpha, dtype=None, seed=None):
    """Samples of the Gamma distribution with concentration `alpha` and scale 1.

    Example:
        >>> kerasnb.random.gamma((3,), alpha=2.0, seed=0).shape
        (3,)
    """


@_seeded(_float_sampler_check("beta"))
@op(_sample_rule, family="random")
def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of the Beta distribution with parameters `alpha` and `beta`.

    Example:
        >>> kerasnb.random.beta((3,), alpha=2.0, beta=5.0, seed=0).shape
        (3,)
    """


@_seeded(_float_sampler_check("binomial"))
@op(_sample_rule, family="random")
def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Numbers of successes in `counts` trials of success probability `probabilities`.

    `counts` and `probabilities` broadcast against `shape`; the result is floating point.

    Example:
        >>> kerasnb.random.binomial((4,), counts=10, probabilities=0.3, seed=0).shape
        (4,)
    """


def _check_categorical(logits, num_samples, dtype="int32", seed=None):
    if len(rules.shape_of(logits)) != 2:
        raise ValueError(
            f"`logits` must be 2-D (batch_size, num_classes); received shape {rules.shape_of(logits)}.")
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 0:
        raise ValueError(f"`num_samples` must be an int >= 0; received {num_samples!r}.")
    _check_dtype(dtype, "an integer", "categorical")


def _categorical_rule(logits, num_samples, dtype="int32", seed=None):
    return rules.tensor((rules.shape_of(logits)[0], num_samples), dtypes.standardize_dtype(dtype))


@_seeded(_check_categorical)
@op(_categorical_rule, family="random")
def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from each row of unnormalized log-probabilities `logits`.

    Args:
        logits: ``(batch_size, num_classes)`` log-probabilities (up to a constant).
        num_samples: samples per row.
        dtype: an integer dtype.
        seed: None, an int or a `SeedGenerator`.

    Returns:
        ``(batch_size, num_samples)`` class indices.

    Example:
        >>> kerasnb.random.categorical([[0.0, 10.0]], 3, seed=0)
        array([[1, 1, 1]], dtype=int32)
    """


def _check_dropout(inputs, rate, noise_shape=None, seed=None):
    if not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise ValueError(f"`rate` must be a number in [0, 1); received {rate!r}.")
    shape = rules.shape_of(inputs)
    if noise_shape is not None and (len(noise_shape) != len(shape) or any(
            n is not None and n not in (1, d) and d is not None for n, d in zip(noise_shape, shape))):
        raise ValueError(
            f"`noise_shape` must have one entry per dim of `inputs` {shape}, each None, 1 or "
            f"that dim; received {tuple(noise_shape)}.")


def _dropout_rule(inputs, **options):
    return rules.unary_same(inputs)


@_seeded(_check_dropout)
@op(_dropout_rule, family="random")
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes entries of `inputs` with probability `rate` and scales the rest by ``1 / (1 - rate)``.

    Args:
        inputs: the tensor (its dtype is kept).
        rate: the drop probability, in ``[0, 1)``.
        noise_shape: the shape of the keep/drop mask, broadcast over `inputs`; None entries
            take the size of `inputs`.
        seed: None, an int or a `SeedGenerator`.

    Example:
        >>> kerasnb.random.dropout(np.ones((2, 4)), rate=0.5, noise_shape=(1, None), seed=0).shape
        (2, 4)
    """


def _check_shuffle(x, axis=0, seed=None):
    rules.canonical_axis(axis, len(rules.shape_of(x)))


def _shuffle_rule(x, **options):
    return rules.unary_same(x)


@_seeded(_check_shuffle)
@op(_shuffle_rule, family="random")
def shuffle(x, axis=0, seed=None):
    """`x` with its slices along `axis` in a random order.

    Example:
        >>> sorted(kerasnb.random.shuffle(np.arange(4), seed=0).tolist())
        [0, 1, 2, 3]
    """
