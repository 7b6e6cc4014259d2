"""fit's device-staged array data (jax under XLA, tensorflow): the train step gathers each
batch from arrays copied to the device once; it must train like host batches (same
batches, same updates, up to float rounding of a differently fused program)."""

import numpy as np
import pytest

import kerasnb
from kerasnb import layers
from kerasnb.engine.trainers import trainer as trainer_module

COMPILED = ["jax", "tensorflow"]


def _train(backend, limit, monkeypatch, inputs="array", **fit_kwargs):
    """History and weights of a fixed fit with `DEVICE_DATA_LIMIT` = `limit`; the number
    of batches gathered on the device."""
    kerasnb.config.set_backend(backend)
    monkeypatch.setattr(trainer_module, "DEVICE_DATA_LIMIT", limit)
    gathered = []
    real_gather = trainer_module._gather
    monkeypatch.setattr(trainer_module, "_gather",
                        lambda *args: gathered.append(1) or real_gather(*args))
    kerasnb.utils.set_random_seed(7)
    rng = np.random.RandomState(0)
    x, y = rng.normal(size=(70, 5)), rng.randint(0, 3, 70)  # float64 x becomes float32
    if inputs == "dict":
        x_in = kerasnb.Input((5,), name="a")
        hidden = layers.Dropout(0.2)(layers.Dense(8, activation="relu")(x_in))
        model = kerasnb.Model({"a": x_in}, layers.Dense(3)(hidden))
        x = {"a": x}
    else:
        model = kerasnb.Sequential([kerasnb.Input((5,)), layers.Dense(8, activation="relu"),
                                    layers.Dropout(0.2), layers.Dense(3)])
    model.compile(optimizer="adam", metrics=["accuracy"],
                  loss=kerasnb.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, **fit_kwargs)
    return history.history, model.get_weights(), len(gathered)


@pytest.mark.parametrize("backend", COMPILED)
@pytest.mark.parametrize("inputs, fit_kwargs", [
    ("array", {}),
    ("array", {"shuffle": False}),
    ("array", {"shuffle": "batch", "class_weight": {0: 1.0, 1: 3.0, 2: 0.5}}),
    ("array", {"sample_weight": np.linspace(0.5, 2.0, 70), "steps_per_epoch": 1}),
    ("array", {"validation_split": 0.2}),
    ("dict", {}),
])
def test_device_gather_trains_like_host_batches(backend, inputs, fit_kwargs, monkeypatch):
    np.random.seed(11)  # the shuffles
    host_history, host_weights, host_gathers = _train(backend, 0, monkeypatch, inputs, **fit_kwargs)
    np.random.seed(11)
    history, weights, gathers = _train(backend, 2 ** 30, monkeypatch, inputs, **fit_kwargs)
    assert host_gathers == 0 and gathers > 0
    assert sorted(history) == sorted(host_history)
    for key, values in history.items():  # XLA may fuse the gather and round differently
        np.testing.assert_allclose(values, host_history[key], rtol=1e-5)
    for ours, reference in zip(weights, host_weights):
        np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-6)


def test_device_gather_only_for_compiled_numeric_arrays(monkeypatch):
    for backend in ("torch", "jax"):
        kerasnb.config.set_backend(backend)
        model = kerasnb.Sequential([kerasnb.Input((2,)), layers.Dense(1)])
        model.compile("sgd", "mse", run_eagerly=backend == "jax")  # eager jax: host batches
        iterator = trainer_module.EpochIterator(np.ones((4, 2)), np.ones(4), batch_size=2)
        assert not trainer_module._gathers_on_device(model, iterator)
    kerasnb.config.set_backend("jax")
    model.compile("sgd", "mse")
    arrays = trainer_module.EpochIterator(np.ones((4, 2)), np.ones(4), batch_size=2)
    assert trainer_module._gathers_on_device(model, arrays)
    monkeypatch.setattr(trainer_module, "DEVICE_DATA_LIMIT", 8 * 8 + 8 * 4 - 1)  # just too big
    assert not trainer_module._gathers_on_device(model, arrays)
    generator = trainer_module.EpochIterator(iter([(np.ones((2, 2)), np.ones(2))]))
    assert not trainer_module._gathers_on_device(model, generator)


def test_only_array_data_is_read_by_index():
    iterator = trainer_module.EpochIterator(iter([(np.ones((2, 2)), np.ones(2))]))
    with pytest.raises(TypeError, match="Only array data can be read by index"):
        iterator.yield_indices()
    arrays = trainer_module.EpochIterator(np.arange(5.0), batch_size=2)
    arrays.yield_indices()
    assert [group for _, group in arrays.enumerate_epoch()] == [
        [slice(0, 2)], [slice(2, 4)], [slice(4, 5)]]


@pytest.mark.parametrize("backend", COMPILED)
def test_later_fits_on_similar_sizes_reuse_the_compiled_step(backend, monkeypatch):
    kerasnb.config.set_backend(backend)
    traced = []
    real_gather = trainer_module._gather
    monkeypatch.setattr(trainer_module, "_gather",
                        lambda *args: traced.append(1) or real_gather(*args))
    model = kerasnb.Sequential([kerasnb.Input((3,)), layers.Dense(2)])
    model.compile("sgd", "mse")
    rng = np.random.RandomState(0)
    model.fit(rng.normal(size=(70, 3)), rng.normal(size=(70, 2)), batch_size=32, verbose=0)
    first = len(traced)  # traces for the full and the short batch
    assert first > 0
    model.fit(rng.normal(size=(102, 3)), rng.normal(size=(102, 2)), batch_size=32, verbose=0)
    assert len(traced) == first  # 70 and 102 rows are both staged as 128 (same short batch)


def test_rows_are_padded_to_a_power_of_two():
    x, y = np.ones((5, 2), "float32"), np.arange(5)
    px, py, none = trainer_module._padded_rows((x, y, None))
    assert px.shape == (8, 2) and py.shape == (8,) and none is None
    np.testing.assert_array_equal(px[:5], x) and np.testing.assert_array_equal(px[5:], 0)
    exact = np.ones((4, 1))
    assert trainer_module._padded_rows((exact, None, None))[0] is exact
