"""`stateless_apply` under the backend's compiler (jax.jit, tf.function; torch eagerly) gives
the same values as eager `apply`, for every optimizer case, and leaves the real state alone."""

import pytest

from tests.engine.optimizers.cases import OTHER_CASES, SGD_ADAM_CASES
from tests.engine.optimizers.harness import assert_close, run_eager, run_stateless
from tests.engine.optimizers.oracle import problem

NAMES, INITIAL, GRADS = problem(steps=4, seed=2)
CASES = SGD_ADAM_CASES + OTHER_CASES


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_compiled_stateless_equals_eager(trainable_backend, index):
    class_name, kwargs, setup = CASES[index]
    setup = {**setup, "finalize": False}
    eager, eager_state, _ = run_eager(class_name, kwargs, setup, NAMES, INITIAL, GRADS)
    got, state, opt = run_stateless(class_name, kwargs, setup, NAMES, INITIAL, GRADS)
    assert_close(got, eager, rtol=1e-5, atol=1e-6, what="variables")
    assert_close(state, eager_state, rtol=1e-5, atol=1e-6, what="state")
    assert all(float(v.numpy().sum()) == 0 for v in opt.variables if v.path.endswith("iteration"))
