"""The backends' step compilers (`backend/<name>/trainer.py`)."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from kerasnb.engine.backend.tensorflow import trainer as tf_trainer  # noqa: E402


def test_batch_signature_tells_structures_dtypes_and_shapes_apart():
    x = np.zeros((4, 3), "float32")
    key = tf_trainer.batch_signature
    assert key((x, None)) == key((x.copy(), None))
    different = [(x[:2], None), (x.astype("float64"), None), [x, None], (x, x),
                 ({"a": x}, None), ({"b": x}, None), (tf.constant(x), None)]
    keys = {key((x, None))} | {key(d) for d in different}
    assert len(keys) == 1 + len(different)
    assert key(({"b": x, "a": x[:1]},)) == key(({"a": x[:1], "b": x},))  # dict order is irrelevant


def _counting_step():
    """A pure step and a list that grows each time TensorFlow traces it."""
    traces = []

    def fn(state, data):
        traces.append(1)
        x, scale = data["x"], data["scale"]
        total = tf.reduce_sum(x) * scale + state[0]
        return [total, tf.shape(x)[0]], [state[0] + 1.0]

    return fn, traces


def test_cached_traces_compute_what_the_tf_function_computes():
    fn, traces = _counting_step()
    run = tf_trainer.compile_step(fn)
    reference = tf.function(fn, autograph=False, reduce_retracing=True)
    state = ref_state = [tf.constant(0.0)]
    rng = np.random.default_rng(0)
    for rows in (4, 2, 4, 2, 4):  # a full and a short batch, alternating
        data = {"x": rng.standard_normal((rows, 3)).astype("float32"),
                "scale": np.float32(2.0) * np.ones((), "float32")}
        (total, count), state = run(state, data)
        (ref_total, ref_count), ref_state = reference(ref_state, data)
        np.testing.assert_allclose(total.numpy(), ref_total.numpy(), rtol=1e-6)
        assert int(count) == int(ref_count) == rows
    np.testing.assert_allclose(state[0].numpy(), ref_state[0].numpy())
    assert float(state[0]) == 5.0
    assert len(traces) <= 4  # run traced at most twice (full and short batch), as did tf.function


def test_state_changed_between_steps_is_copied_in():
    fn, _ = _counting_step()
    run = tf_trainer.compile_step(fn)
    data = {"x": np.ones((2, 3), "float32"), "scale": np.ones((), "float32")}
    _, state = run([tf.constant(0.0)], data)
    (total, _), state = run([tf.constant(10.0)], data)  # not the state the step returned
    assert float(total) == 16.0 and float(state[0]) == 11.0


def test_leaves_without_dtype_use_the_tf_function_dispatch():
    def fn(state, data):
        x, scale = data
        return [tf.reduce_sum(x) * scale], [state[0]]

    run = tf_trainer.compile_step(fn)
    x = np.ones((2, 2), "float32")
    assert float(run([tf.constant(0.0)], (x, 3.0))[0][0]) == 12.0
    assert float(run([tf.constant(0.0)], (x, 5.0))[0][0]) == 20.0  # a Python number: retraced


def test_jax_steps_take_numpy_only_when_jitted():
    pytest.importorskip("jax")
    from kerasnb.engine.backend.jax import trainer as jax_trainer
    assert jax_trainer.accepts_numpy(True) and not jax_trainer.accepts_numpy(False)
    assert tf_trainer.accepts_numpy(False)


def test_jitted_jax_step_computes_what_the_plain_step_computes():
    jax = pytest.importorskip("jax")
    from kerasnb.engine.backend.jax import trainer as jax_trainer

    def fn(state, data):
        weights, count, total = state
        x, y = data
        loss = jax.numpy.mean((x @ weights - y) ** 2)
        new = [weights - 0.1 * x.T @ (x @ weights - y), count + 1, total + loss]
        return [loss, total / count], new  # scalar logs shaped like scalar state

    rng = np.random.default_rng(0)
    data = (rng.standard_normal((5, 3)).astype("float32"), rng.standard_normal((5, 2)).astype("float32"))
    state = [np.ones((3, 2), "float32"), np.float32(1.0), np.float32(0.5)]
    expected_logs, expected_state = fn([jax.numpy.asarray(s) for s in state], data)
    run = jax_trainer.compile_step(fn)
    logs, new_state = run([jax.numpy.asarray(s) for s in state], data)
    for got, want in zip(logs + new_state, expected_logs + expected_state):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)
    logs, again = run(new_state, data)  # the donated state of the first call is not needed
    assert float(again[1]) == 3.0


@pytest.mark.parametrize("name", ["jax", "tensorflow"])
def test_take_rows_matches_numpy_indexing(name):
    import importlib
    module = importlib.import_module(f"kerasnb.engine.backend.{name}.trainer")
    array = np.arange(5 * 2 * 3, dtype="float32").reshape(5, 2, 3)
    index = np.array([4, 0, 0, 2], "int32")
    np.testing.assert_array_equal(np.asarray(module.take_rows(array, index)), array[index])
