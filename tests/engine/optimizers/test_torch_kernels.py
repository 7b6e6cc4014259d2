"""The eager torch path's in-place multi-tensor Adam: same numbers as the generic update,
and in-place writes never reach memory that something else holds."""

import numpy as np

import kerasnb
from kerasnb.engine import backend as engine_backend


def _run_adam(name, steps=3, **kwargs):
    engine_backend.set_backend(name)
    rng = np.random.RandomState(0)
    variables = [kerasnb.Variable(rng.normal(size=(4, 3)).astype("float32")),
                 kerasnb.Variable(rng.normal(size=(3,)).astype("float32"))]
    optimizer = kerasnb.optimizers.Adam(learning_rate=0.1, **kwargs)
    for step in range(steps):
        grads = [rng.normal(size=v.shape).astype("float32") for v in variables]
        optimizer.apply(grads, variables)
    return [v.numpy() for v in variables], [v.numpy() for v in optimizer.variables]


def test_kernel_matches_the_generic_update():
    kernel = _run_adam("torch")
    generic = _run_adam("numpy")
    amsgrad = _run_adam("torch", amsgrad=True)  # no kernel: the generic path on torch
    for ours, reference in ((kernel, generic), (amsgrad, _run_adam("numpy", amsgrad=True))):
        for a, b in zip(ours[0] + ours[1], reference[0] + reference[1]):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_in_place_updates_do_not_reach_other_holders():
    engine_backend.set_backend("torch")
    source = np.ones((2, 2), dtype="float32")
    variable = kerasnb.Variable(np.zeros((2, 2), dtype="float32"))
    variable.assign(source)                   # from a user's array
    twin = kerasnb.Variable(np.zeros((2, 2), dtype="float32"))
    twin.assign(variable.value)               # shares the tensor object
    snapshot = variable.numpy()               # a NumPy copy, not a view
    optimizer = kerasnb.optimizers.Adam(learning_rate=0.5)
    for _ in range(2):
        optimizer.apply([np.ones((2, 2), dtype="float32")], [variable])
    assert not np.allclose(variable.numpy(), 1.0)
    np.testing.assert_array_equal(source, 1.0)
    np.testing.assert_array_equal(twin.numpy(), 1.0)
    np.testing.assert_array_equal(snapshot, 1.0)
