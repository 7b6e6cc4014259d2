"""Shared fixtures: run a test once per installed backend, and restore global state."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERASNB_HOME", os.path.join(os.path.dirname(__file__), ".kerasnb-home"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # one compute thread per worker: N workers with N threads each oversubscribe the cores,
    # and spinning OpenMP threads (torch) then slow training steps down many times over
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

from kerasnb.engine import backend as engine_backend  # noqa: E402
from kerasnb.engine import config  # noqa: E402

OP_BACKENDS = ("numpy", "jax", "torch", "tensorflow")
TRAINABLE = ("jax", "torch", "tensorflow")


@pytest.fixture(autouse=True)
def _restore_globals():
    """Each test starts from the same seeds and ends with the backend, settings and backend
    environment variables as they were."""
    from kerasnb.engine.random import set_random_seed
    saved_backend = engine_backend.current()
    saved = dict(config._settings)
    saved_env = {name: os.environ.get(name) for name in ("KERAS_BACKEND", "KERASNB_BACKEND")}
    set_random_seed(1337)
    yield
    config._settings.update(saved)
    engine_backend.set_backend(saved_backend)
    now = {name: os.environ.get(name) for name in saved_env}
    assert now == saved_env, f"the test left os.environ {now}, not {saved_env}: kernels inherit it"


@pytest.fixture(params=OP_BACKENDS)
def backend(request):
    """Runs the test under each op backend; yields its name."""
    engine_backend.set_backend(request.param)
    yield request.param


@pytest.fixture(params=TRAINABLE)
def trainable_backend(request):
    """Runs the test under each backend that has autodiff; yields its name."""
    engine_backend.set_backend(request.param)
    yield request.param
