"""Seeds for the random ops: `SeedGenerator` state, seed drawing, and the global seed.

A seed reaches a backend as a ``(2,)`` int64 tensor ``[seed, counter]``, so random ops
trace under `jax.jit` and `tf.function`. A `SeedGenerator` keeps that pair in a
`Variable` (it follows backend switches and is mapped by the trainer) and bumps the
counter on each draw.
"""

import random as python_random

import numpy as np

from kerasnb.engine import backend, session
from kerasnb.engine.tensors import Variable
from kerasnb.engine.saving.serialization import builtin

__all__ = ["SeedGenerator", "draw_seed", "global_seed_generator", "set_random_seed"]

SEED_DTYPE = "int64"
_SEED_MASK = 2**63 - 1  # seeds are stored as non-negative int64
_global = {"generator": None}


def _check_int_seed(seed, name="seed"):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"`{name}` must be an int; received {seed!r}.")
    return int(seed) & _SEED_MASK


@builtin("random")
class SeedGenerator:
    """Random-op seed state that advances on every draw.

    Pass it as the `seed` of random ops to get new numbers on each call while staying
    reproducible: two generators built with the same int seed produce the same
    sequence (on a given backend).

    Args:
        seed: an int; None picks one at random.
        name: a name for the generator and its state variable.

    Example:
        >>> generator = SeedGenerator(42)
        >>> a = kerasnb.random.uniform((2,), seed=generator)
        >>> b = kerasnb.random.uniform((2,), seed=generator)  # different from `a`
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"SeedGenerator got unexpected keyword arguments: {sorted(kwargs)}.")
        start = python_random.randint(1, 10**9) if seed is None else _check_int_seed(seed)
        self._initial_seed = seed
        self.name = name or "seed_generator"
        self.state = Variable(np.array([start, 0], SEED_DTYPE), dtype=SEED_DTYPE, trainable=False,
                              name=f"{self.name}_state")

    def next(self):
        """The current ``[seed, counter]`` tensor; the stored counter then moves on by one."""
        seed = self.state.value
        self.state.assign_add(np.array([0, 1], SEED_DTYPE))
        return seed

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, state={self.state.numpy().tolist()}>"


def global_seed_generator():
    """The generator behind ``seed=None``, created on first use (see `set_random_seed`)."""
    if _global["generator"] is None:
        _global["generator"] = SeedGenerator(name="global_seed_generator")
    return _global["generator"]


def draw_seed(seed):
    """The ``(2,)`` int64 seed tensor that backends receive, from any accepted `seed`.

    Args:
        seed: None (the global generator), an int (always the same numbers), a
            `SeedGenerator` (advanced by one), or an already drawn ``(2,)`` int tensor.

    Example:
        >>> draw_seed(7)
        array([7, 0])
    """
    module = backend.get()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return module.convert_to_tensor(np.array([_check_int_seed(seed), 0], SEED_DTYPE))
    if getattr(seed, "shape", None) is not None and tuple(seed.shape) == (2,) and "int" in str(seed.dtype):
        return module.cast(module.convert_to_tensor(seed), SEED_DTYPE)
    raise ValueError(
        f"`seed` must be None, an int, a SeedGenerator or a (2,) integer seed tensor; received {seed!r}.")


def set_random_seed(seed):
    """Seeds every source of randomness: the global `SeedGenerator`, Python's and NumPy's.

    After this, ``seed=None`` random ops (and `random`, `np.random`) repeat the same
    sequence.

    Example:
        >>> set_random_seed(1337)
    """
    seed = _check_int_seed(seed)
    python_random.seed(seed)
    np.random.seed(seed % 2**32)
    _global["generator"] = SeedGenerator(seed, name="global_seed_generator")


@session.on_clear_session
def _forget_global_seed():
    _global["generator"] = None
