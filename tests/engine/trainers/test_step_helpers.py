"""The trainer's per-step helpers: reading the state for a compiled step, the interrupt guard."""

import numpy as np
import pytest

from kerasnb.engine import backend
from kerasnb.engine.scope import StatelessScope
from kerasnb.engine.tensors import Variable
from kerasnb.engine.trainers import trainer as trainer_module


def test_current_values_are_what_variable_value_gives():
    backend.set_backend("torch")
    module = backend.get()
    variables = [Variable(np.arange(3.0)), Variable(2.0)]
    fast = trainer_module._current_values(variables, module)
    assert all(a is v.value for a, v in zip(fast, variables))
    with StatelessScope([(variables[0], np.zeros(3))]):  # a mapped value wins, as for `value`
        scoped = trainer_module._current_values(variables, module)
    np.testing.assert_array_equal(np.asarray(scoped[0]), np.zeros(3))
    backend.set_backend("numpy")
    elsewhere = Variable(np.ones(2))  # stored as a NumPy array
    backend.set_backend("torch")
    moved = trainer_module._current_values([elsewhere], backend.get())[0]
    assert type(moved).__module__.startswith("torch") and moved.tolist() == [1.0, 1.0]


def test_guarded_step_raises_a_held_interrupt_at_its_end():
    guard = trainer_module._InterruptGuard()
    with pytest.raises(KeyboardInterrupt):
        with guard.step():
            assert guard.critical
            guard._handle(2, None)  # SIGINT inside the step: held
            assert guard.pending
    assert not guard.critical and not guard.pending
    with guard.step():
        pass  # nothing held: no interrupt
    with pytest.raises(ValueError):  # another error in the step goes through as it is
        with guard.step():
            guard._handle(2, None)
            raise ValueError("step failed")
    assert not guard.critical
    with pytest.raises(KeyboardInterrupt):  # outside a step an interrupt is raised at once
        guard._handle(2, None)
