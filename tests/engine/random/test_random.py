"""kerasnb.random: distributions, seeding, SeedGenerator state, dropout, shuffle, on every backend."""

import math
import random as python_random

import numpy as np
import pytest

import kerasnb.ops as ops
import kerasnb.random as krandom
from kerasnb.engine import backend as engine_backend
from kerasnb.engine import session
from kerasnb.engine.random import draw_seed, global_seed_generator, set_random_seed
from kerasnb.engine.tensors import KerasTensor
from tests.engine.ops.checks import to_numpy

N = 4000


def _truncated_normal_std():
    """The standard deviation of a standard normal truncated to [-2, 2]."""
    pdf = math.exp(-2.0) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    return math.sqrt(1 - 2 * 2 * pdf / mass)


# name: (sampler call, expected mean, expected std, (low, high) bounds or None)
DISTRIBUTIONS = {
    "normal": (lambda s: krandom.normal((N,), mean=2.0, stddev=3.0, seed=s), 2.0, 3.0, None),
    "uniform": (lambda s: krandom.uniform((N,), minval=-1.0, maxval=3.0, seed=s), 1.0, 4 / math.sqrt(12), (-1, 3)),
    "truncated_normal": (lambda s: krandom.truncated_normal((N,), mean=1.0, stddev=2.0, seed=s),
                         1.0, 2 * _truncated_normal_std(), (-3, 5)),
    "gamma": (lambda s: krandom.gamma((N,), alpha=3.0, seed=s), 3.0, math.sqrt(3.0), (0, math.inf)),
    "beta": (lambda s: krandom.beta((N,), alpha=2.0, beta=5.0, seed=s), 2 / 7, math.sqrt(10 / (49 * 8)), (0, 1)),
    "binomial": (lambda s: krandom.binomial((N,), counts=10, probabilities=0.3, seed=s),
                 3.0, math.sqrt(2.1), (0, 10)),
    "randint": (lambda s: krandom.randint((N,), 0, 10, seed=s), 4.5, math.sqrt(99 / 12), (0, 9)),
}


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_distribution_statistics(backend, name):
    sample, mean, std, bounds = DISTRIBUTIONS[name]
    values = to_numpy(sample(11))
    assert values.shape == (N,) and values.dtype == (np.int32 if name == "randint" else np.float32)
    assert abs(values.mean() - mean) < 6 * std / math.sqrt(N)
    assert abs(values.std() - std) < 0.1 * std
    if bounds is not None:
        assert bounds[0] <= values.min() and values.max() <= bounds[1]


def test_dtypes_and_shapes(backend):
    assert krandom.normal((2, 3), seed=1).shape == (2, 3)
    assert to_numpy(krandom.normal((2, 3), seed=1)).dtype == np.float32
    assert to_numpy(krandom.uniform((4,), dtype="float64", seed=1)).dtype == np.float64
    assert to_numpy(krandom.truncated_normal((4,), dtype="float16", seed=1)).dtype == np.float16
    assert to_numpy(krandom.randint((4,), 0, 3, dtype="int64", seed=1)).dtype == np.int64
    assert to_numpy(krandom.categorical(np.zeros((2, 3)), 5, dtype="int64", seed=1)).shape == (2, 5)
    assert to_numpy(krandom.dropout(np.ones(4, "float16"), 0.5, seed=1)).dtype == np.float16


def test_integer_seeds_are_reproducible(backend):
    first = to_numpy(krandom.normal((8,), seed=42))
    np.testing.assert_array_equal(first, to_numpy(krandom.normal((8,), seed=42)))
    assert not np.array_equal(first, to_numpy(krandom.normal((8,), seed=43)))


def test_seed_generator_advances_and_repeats(backend):
    generator = krandom.SeedGenerator(7)
    first, second = (to_numpy(krandom.uniform((8,), seed=generator)) for _ in range(2))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(generator.state.numpy(), [7, 2])
    again = krandom.SeedGenerator(7)
    np.testing.assert_array_equal(first, to_numpy(krandom.uniform((8,), seed=again)))
    np.testing.assert_array_equal(second, to_numpy(krandom.uniform((8,), seed=again)))
    assert krandom.SeedGenerator.from_config(generator.get_config()).get_config() == {
        "seed": 7, "name": "seed_generator"}


def test_global_seed(backend):
    set_random_seed(5)
    first = (to_numpy(krandom.normal((4,))), python_random.random(), np.random.rand())
    set_random_seed(5)
    second = (to_numpy(krandom.normal((4,))), python_random.random(), np.random.rand())
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1:] == second[1:]
    assert not np.array_equal(first[0], to_numpy(krandom.normal((4,))))


def test_clear_session_forgets_the_global_seed():
    set_random_seed(5)
    seeded = global_seed_generator()
    session.clear_session(free_memory=False)
    assert global_seed_generator() is not seeded


@pytest.mark.parametrize("source,target", [("numpy", "jax"), ("jax", "torch"), ("torch", "tensorflow"),
                                           ("tensorflow", "numpy")])
def test_seed_generator_state_survives_a_backend_switch(source, target):
    engine_backend.set_backend(target)
    reference = krandom.SeedGenerator(3)
    krandom.uniform((4,), seed=reference)
    expected = to_numpy(krandom.uniform((4,), seed=reference))
    engine_backend.set_backend(source)
    generator = krandom.SeedGenerator(3)
    krandom.uniform((4,), seed=generator)
    engine_backend.set_backend(target)
    assert engine_backend.get().is_tensor(generator.state.value)
    np.testing.assert_array_equal(to_numpy(krandom.uniform((4,), seed=generator)), expected)
    np.testing.assert_array_equal(generator.state.numpy(), [3, 2])


def test_dropout(backend):
    x = np.ones((100, 40), "float32")
    out = to_numpy(krandom.dropout(x, 0.3, seed=2))
    assert abs((out == 0).mean() - 0.3) < 0.03
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)
    rows = to_numpy(krandom.dropout(x, 0.5, noise_shape=(1, None), seed=2))
    np.testing.assert_array_equal(rows, np.broadcast_to(rows[:1], rows.shape))
    np.testing.assert_array_equal(to_numpy(krandom.dropout(x, 0.0, seed=2)), x)
    assert krandom.dropout(KerasTensor((None, 40)), 0.5).shape == (None, 40)


def test_dropout_gradient_is_the_scaled_mask(trainable_backend):
    module = engine_backend.get()
    x = module.convert_to_tensor(np.linspace(-1.0, 1.0, 12).reshape(3, 4))
    _, grad = module.value_and_grad(lambda t: ops.sum(krandom.dropout(t, 0.25, seed=8)))(x)
    scaled_mask = to_numpy(krandom.dropout(np.ones((3, 4)), 0.25, seed=8))
    np.testing.assert_allclose(to_numpy(grad), scaled_mask)
    assert set(np.unique(scaled_mask)) <= {0.0, 1 / 0.75}


def test_dropout_checks_its_arguments():
    with pytest.raises(ValueError, match="`rate` must be a number in \\[0, 1\\); received 1.0"):
        krandom.dropout(np.ones(3), 1.0)
    with pytest.raises(ValueError, match="`noise_shape` must have one entry per dim of `inputs` \\(3,\\)"):
        krandom.dropout(np.ones(3), 0.5, noise_shape=(1, 3))


def test_shuffle(backend):
    x = np.arange(60).reshape(3, 20)
    out = to_numpy(krandom.shuffle(x, axis=1, seed=4))
    order = np.argsort(out[0])
    np.testing.assert_array_equal(out[:, order], x)  # the same permutation of every row
    assert not np.array_equal(out, x)
    np.testing.assert_array_equal(np.sort(to_numpy(krandom.shuffle(np.arange(30), seed=4))), np.arange(30))
    with pytest.raises(ValueError, match="`axis` 2 is out of range"):
        krandom.shuffle(x, axis=2)


def test_categorical(backend):
    logits = np.log(np.array([[0.25, 0.75, 1e-30], [1.0, 1.0, 1.0]], "float32"))
    samples = to_numpy(krandom.categorical(logits, N, seed=9))
    assert samples.shape == (2, N) and samples.dtype == np.int32
    assert set(np.unique(samples[0])) <= {0, 1} and set(np.unique(samples[1])) == {0, 1, 2}
    assert abs((samples[0] == 1).mean() - 0.75) < 6 * math.sqrt(0.75 * 0.25 / N)
    assert krandom.categorical(KerasTensor((None, 5)), 3).shape == (None, 3)
    with pytest.raises(ValueError, match="`logits` must be 2-D.*received shape \\(3,\\)"):
        krandom.categorical(np.zeros(3), 2)


def test_randint_range(backend):
    values = to_numpy(krandom.randint((500,), -3, 4, dtype="int16", seed=0))
    assert values.dtype == np.int16 and values.min() == -3 and values.max() == 3


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="`normal` needs a floating-point `dtype`; received 'int32'"):
        krandom.normal((2,), dtype="int32")
    with pytest.raises(ValueError, match="`randint` needs an integer `dtype`; received 'float32'"):
        krandom.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="`shape` must be a tuple of ints >= 0; received \\(2, -1\\)"):
        krandom.uniform((2, -1))
    with pytest.raises(ValueError, match="`seed` must be None, an int, a SeedGenerator"):
        krandom.uniform((2,), seed="abc")
    with pytest.raises(ValueError, match="`seed` must be an int; received 'abc'"):
        krandom.SeedGenerator("abc")


def test_symbolic_parameters():
    out = krandom.normal((2, 3), mean=KerasTensor(()), dtype="float64")
    assert isinstance(out, KerasTensor) and (out.shape, out.dtype) == ((2, 3), "float64")


def _compiled(name, fn):
    if name == "jax":
        import jax
        return jax.jit(fn)
    import tensorflow as tf
    return tf.function(fn)


@pytest.mark.parametrize("name", ["jax", "tensorflow"])
def test_seed_tensors_trace_under_compilation(name):
    engine_backend.set_backend(name)
    seed = draw_seed(123)
    sample = _compiled(name, lambda s: (krandom.normal((5,), seed=s), krandom.dropout(np.ones(5), 0.5, seed=s)))
    for got, expected in zip(sample(seed), (krandom.normal((5,), seed=123), krandom.dropout(np.ones(5), 0.5, seed=123))):
        np.testing.assert_allclose(to_numpy(got), to_numpy(expected), rtol=1e-6)
