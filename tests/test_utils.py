"""kerasnb.utils: the seeding and session helpers everything later relies on."""

import random

import numpy as np

import kerasnb
from kerasnb.engine.backend import use_backend
from tests.conftest import OP_BACKENDS


def test_set_random_seed_makes_unseeded_draws_reproducible(backend):
    kerasnb.utils.set_random_seed(42)
    first = (kerasnb.ops.convert_to_numpy(kerasnb.random.normal((4,))), random.random(), np.random.rand())
    kerasnb.utils.set_random_seed(42)
    second = (kerasnb.ops.convert_to_numpy(kerasnb.random.normal((4,))), random.random(), np.random.rand())
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1:] == second[1:]
    kerasnb.utils.set_random_seed(43)
    assert not np.array_equal(kerasnb.ops.convert_to_numpy(kerasnb.random.normal((4,))), first[0])


def test_clear_session_releases_caches_and_keeps_working():
    # one clear_session (a full garbage collection and jax's caches) for every backend at once
    for name in OP_BACKENDS:
        with use_backend(name):
            kerasnb.ops.add(np.ones(2), 1.0)
    kerasnb.utils.clear_session()
    for name in OP_BACKENDS:
        with use_backend(name):
            result = kerasnb.ops.add(np.ones(2), 1.0)
            np.testing.assert_allclose(kerasnb.ops.convert_to_numpy(result), [2.0, 2.0], err_msg=name)
