"""The torch Adam kernel computes its step size on the host from the learning rate and the
iteration count: it follows schedules, resumed counts and float64 weights like the generic update."""

import numpy as np
import pytest

import kerasnb
from kerasnb.engine import backend as engine_backend


def _train(name, dtype="float32", steps=4, make=None, start=0):
    engine_backend.set_backend(name)
    rng = np.random.RandomState(1)
    variables = [kerasnb.Variable(rng.normal(size=(3, 2)).astype(dtype)),
                 kerasnb.Variable(rng.normal(size=(2,)).astype(dtype))]
    optimizer = make()
    optimizer.build(variables)
    optimizer.iterations.assign(start)
    for _ in range(steps):
        optimizer.apply([rng.normal(size=v.shape).astype(dtype) for v in variables], variables)
    return [v.numpy() for v in variables + optimizer.variables]


@pytest.mark.parametrize("make, dtype, start", [
    (lambda: kerasnb.optimizers.Adam(kerasnb.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)),
     "float32", 0),
    (lambda: kerasnb.optimizers.Adam(0.05), "float64", 0),
    (lambda: kerasnb.optimizers.Adam(0.05), "float32", 1000),
    (lambda: kerasnb.optimizers.AdamW(0.05, weight_decay=0.1), "float32", 0),
])
def test_kernel_follows_the_generic_update(make, dtype, start):
    got = _train("torch", dtype, make=make, start=start)
    reference = _train("numpy", dtype, make=make, start=start)
    for a, b in zip(got, reference):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_device_step_size_path_matches(monkeypatch):
    """On an accelerator the step size stays a tensor (no sync); same numbers."""
    from kerasnb.engine.backend.torch import optimizers as kernels
    make = lambda: kerasnb.optimizers.Adam(0.05)  # noqa: E731
    reference = _train("numpy", make=make, start=3)
    monkeypatch.setattr(kernels, "_host", lambda x: None)
    for a, b in zip(_train("torch", make=make, start=3), reference):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
