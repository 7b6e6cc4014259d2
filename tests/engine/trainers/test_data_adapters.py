"""Data adapters and EpochIterator: every source type, batching, shuffling, weights, errors."""

import threading
import warnings

import numpy as np
import pytest

from kerasnb.engine import config
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.random import set_random_seed
from kerasnb.engine.trainers.data_adapters import (
    EpochIterator, PyDataset, class_weight_to_sample_weights, get_data_adapter,
    pack_x_y_sample_weight, train_validation_split, unpack_x_y_sample_weight)
from tests.engine.layers.harness import compiled
from tests.engine.ops.checks import to_numpy


def epoch(iterator):
    """All ``(step, group)`` pairs of one epoch."""
    return list(iterator.enumerate_epoch())


def flat_batches(iterator):
    return [batch for _, group in iterator.enumerate_epoch() for batch in group]


def column(batches, part=0):
    """One part (0=x, 1=y, 2=sw) of each batch, as NumPy."""
    return [to_numpy(batch[part]) for batch in batches]


# ----------------------------------------------------------------------------- utils

def test_unpack_and_pack_round_trip():
    x, y, sw = np.ones(3), np.zeros(3), np.full(3, 2.0)
    assert unpack_x_y_sample_weight(x)[0] is x
    assert unpack_x_y_sample_weight((x,)) == (x, None, None)
    assert unpack_x_y_sample_weight([x, y]) == (x, y, None)
    assert unpack_x_y_sample_weight((x, y, sw)) == (x, y, sw)
    with pytest.raises(ValueError, match="4 elements"):
        unpack_x_y_sample_weight((x, y, sw, sw))
    assert pack_x_y_sample_weight(x) is x
    assert pack_x_y_sample_weight([x, x]) == ([x, x],)
    assert pack_x_y_sample_weight(x, y) == (x, y)
    assert pack_x_y_sample_weight(x, y, sw) == (x, y, sw)


def test_train_validation_split_takes_last_fraction_in_order():
    x = {"a": np.arange(10), "b": np.arange(20).reshape(10, 2)}
    y = np.arange(10) * 10
    (x_train, y_train, sw_train), (x_val, y_val, sw_val) = train_validation_split(
        (x, y, None), validation_split=0.25)
    split = int(np.floor(10 * 0.75))
    np.testing.assert_array_equal(x_train["a"], np.arange(split))
    np.testing.assert_array_equal(x_val["b"], np.arange(20).reshape(10, 2)[split:])
    np.testing.assert_array_equal(y_val, y[split:])
    assert sw_train is None and sw_val is None
    (x_train, y_train), (x_val, y_val) = train_validation_split(([1, 2, 3, 4], [5, 6, 7, 8]),
                                                                0.5)
    np.testing.assert_array_equal(x_train, [1, 2])
    np.testing.assert_array_equal(y_val, [7, 8])


def test_train_validation_split_on_backend_tensors(backend):
    x = core.convert_to_tensor(np.arange(12.0).reshape(6, 2))
    train, val = train_validation_split((x,), 0.5)
    np.testing.assert_array_equal(to_numpy(train[0]), np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(to_numpy(val[0]), np.arange(6.0, 12.0).reshape(3, 2))


def test_train_validation_split_errors():
    def gen():
        yield np.ones(2)
    with pytest.raises(ValueError, match="only supported for arrays.*generator"):
        train_validation_split((gen(), None), 0.2)
    with pytest.raises(ValueError, match="3 samples"):
        train_validation_split((np.ones(3),), 0.9)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        train_validation_split((np.ones(3),), 1.5)


def _reference_class_weights(labels, class_weight):
    return np.array([class_weight.get(int(label), 1.0) for label in labels], dtype="float32")


@pytest.mark.parametrize("layout", ["int", "column", "one_hot"])
def test_class_weight_to_sample_weights(layout):
    labels = np.array([0, 2, 1, 2, 0, 3])
    class_weight = {0: 0.5, 2: 4.0, 1: 2.0}
    y = {"int": labels, "column": labels[:, None].astype("float32"),
         "one_hot": np.eye(4)[labels]}[layout]
    weights = class_weight_to_sample_weights(y, class_weight)
    assert weights.dtype == np.float32 and weights.shape == (6,)
    np.testing.assert_array_equal(weights, _reference_class_weights(labels, class_weight))


def test_class_weight_errors():
    y = np.array([0, 1])
    with pytest.raises(TypeError, match="must be a dict"):
        class_weight_to_sample_weights(y, [1.0, 2.0])
    with pytest.raises(ValueError, match="single output"):
        EpochIterator(np.ones((2, 1)), [y, y], class_weight={0: 1.0})
    with pytest.raises(ValueError, match="class_weight` and `sample_weight"):
        EpochIterator(np.ones((2, 1)), y, sample_weight=np.ones(2), class_weight={0: 1.0})


# ----------------------------------------------------------------------------- arrays

def test_arrays_partial_last_batch_and_nested_structures():
    n = 10
    x = {"image": np.arange(n * 3.0).reshape(n, 3), "id": np.arange(n)}
    y = [np.arange(n) * 2, np.arange(n) * 3]
    sw = np.linspace(0.0, 1.0, n)
    iterator = EpochIterator(x, y, sample_weight=sw, batch_size=4)
    assert iterator.num_batches == 3
    batches = flat_batches(iterator)
    assert [len(b[0]["id"]) for b in batches] == [4, 4, 2]
    for index, (bx, by, bsw) in enumerate(batches):
        rows = slice(4 * index, min(4 * index + 4, n))
        np.testing.assert_array_equal(bx["image"], x["image"][rows])
        np.testing.assert_array_equal(by[1], y[1][rows])
        # one weight array is shared by every output
        np.testing.assert_array_equal(bsw[0], sw[rows])
        np.testing.assert_array_equal(bsw[1], sw[rows])


def test_default_batch_size_is_32_or_derived_from_steps():
    assert EpochIterator(np.zeros((70, 1))).num_batches == 3
    iterator = EpochIterator(np.zeros((10, 1)), steps_per_epoch=3)
    assert [len(b[0]) for b in flat_batches(iterator)] == [4, 4, 2]


def test_python_lists_of_numbers():
    iterator = EpochIterator([[1, 2], [3, 4], [5, 6]], [0.0, 1.0, 0.0], batch_size=2)
    (x0, y0, sw0), (x1, y1, _) = flat_batches(iterator)
    np.testing.assert_array_equal(x0, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(y1, [0.0])
    assert sw0 is None and isinstance(x1, np.ndarray)


def test_objects_with_array_interface_such_as_dataframes():
    class Frame:  # a stand-in for pandas.DataFrame: only `__array__`
        def __init__(self, values):
            self.values = values

        def __array__(self, dtype=None, copy=None):
            return np.asarray(self.values, dtype=dtype)

    values = np.arange(8.0).reshape(4, 2)
    batches = flat_batches(EpochIterator(Frame(values), batch_size=3))
    np.testing.assert_array_equal(np.concatenate(column(batches)), values)


def test_backend_tensors_become_numpy_batches(backend):
    x = core.convert_to_tensor(np.arange(10.0).reshape(5, 2))
    y = core.convert_to_tensor(np.arange(5))
    batches = flat_batches(EpochIterator(x, y, batch_size=2))
    assert all(isinstance(b[0], np.ndarray) for b in batches)
    np.testing.assert_array_equal(np.concatenate(column(batches, 1)), np.arange(5))


def test_shuffle_follows_numpy_global_rng_and_changes_each_epoch():
    n, batch = 11, 4
    data = np.arange(n)
    set_random_seed(42)
    iterator = EpochIterator(data, batch_size=batch, shuffle=True)
    first = np.concatenate(column(flat_batches(iterator)))
    second = np.concatenate(column(flat_batches(iterator)))
    np.random.seed(42)  # the reference: one permutation per epoch from the global RNG
    np.testing.assert_array_equal(first, np.random.permutation(n))
    np.testing.assert_array_equal(second, np.random.permutation(n))
    assert not np.array_equal(first, second)
    set_random_seed(42)
    again = np.concatenate(column(flat_batches(EpochIterator(data, batch_size=batch,
                                                             shuffle=True))))
    np.testing.assert_array_equal(again, first)


def test_shuffle_batch_permutes_within_consecutive_batches():
    set_random_seed(3)
    batches = column(flat_batches(EpochIterator(np.arange(10), batch_size=4, shuffle="batch")))
    for index, batch in enumerate(batches):
        np.testing.assert_array_equal(np.sort(batch), np.arange(4 * index, min(4 * index + 4, 10)))
    assert any(not np.array_equal(b, np.sort(b)) for b in batches)


def test_steps_per_execution_groups_batches():
    iterator = EpochIterator(np.arange(7.0), batch_size=1, steps_per_execution=3)
    steps = epoch(iterator)
    assert [(step, len(group)) for step, group in steps] == [(0, 3), (3, 3), (6, 1)]
    np.testing.assert_array_equal(np.concatenate([b[0] for _, g in steps for b in g]),
                                  np.arange(7.0))


def test_steps_per_epoch_continues_arrays_across_epochs():
    iterator = EpochIterator(np.arange(5), batch_size=1, steps_per_epoch=3)
    assert [int(b[0][0]) for b in flat_batches(iterator)] == [0, 1, 2]
    with pytest.warns(UserWarning, match="ran out of data"):
        assert [int(b[0][0]) for b in flat_batches(iterator)] == [3, 4]
    assert [int(b[0][0]) for b in flat_batches(iterator)] == [0, 1, 2]


def test_max_steps_per_epoch_caps_the_epoch():
    config.set_max_steps_per_epoch(2)
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 2"):
        iterator = EpochIterator(np.arange(10), batch_size=1)
    assert iterator.num_batches == 2 and len(flat_batches(iterator)) == 2


def test_array_errors_name_the_problem():
    with pytest.raises(ValueError, match="x has 100 samples but y has 90"):
        EpochIterator(np.zeros((100, 2)), np.zeros(90))
    with pytest.raises(ValueError, match=r"x\['a'\] has 4 samples but sample_weight has 3"):
        EpochIterator({"a": np.zeros(4)}, sample_weight=np.zeros(3))
    with pytest.raises(ValueError, match="scalar"):
        EpochIterator(np.float32(1.0))
    with pytest.raises(ValueError, match="`shuffle` must be True, False or 'batch'"):
        EpochIterator(np.zeros(3), shuffle="yes")
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        EpochIterator(np.zeros(3), batch_size=0)
    with pytest.raises(ValueError, match="Unrecognized data type.*builtins.str.*Supported"):
        EpochIterator("images/")
    with pytest.raises(ValueError, match="one `sample_weight` array per output"):
        EpochIterator(np.zeros(3), [np.zeros(3), np.zeros(3)],
                      sample_weight=[np.ones(3)])


# ----------------------------------------------------------------------------- generators

def _batches_generator(count, with_weights=False):
    for index in range(count):
        x = np.full((2, 1), float(index))
        yield (x, x * 2, np.ones(2)) if with_weights else (x, x * 2)


def test_generator_one_pass_learns_its_size():
    iterator = EpochIterator(_batches_generator(5, with_weights=True), steps_per_execution=2)
    assert iterator.num_batches is None
    steps = epoch(iterator)
    assert [(s, len(g)) for s, g in steps] == [(0, 2), (2, 2), (4, 1)]
    x, y, sw = steps[2][1][0]
    np.testing.assert_array_equal(y, np.full((2, 1), 8.0))
    np.testing.assert_array_equal(sw, np.ones(2))
    assert iterator.num_batches == 5
    with pytest.warns(UserWarning, match="ran out of data"):
        assert epoch(iterator) == []


def test_generator_with_steps_per_epoch_continues_then_runs_out():
    iterator = EpochIterator(_batches_generator(5), steps_per_epoch=2)
    seen = [[float(b[0][0, 0]) for b in flat_batches(iterator)] for _ in range(2)]
    assert seen == [[0.0, 1.0], [2.0, 3.0]]
    with pytest.warns(UserWarning, match="ran out of data"):
        assert [float(b[0][0, 0]) for b in flat_batches(iterator)] == [4.0]


def test_peek_keeps_a_generator_batch_and_rereads_reiterable_sources():
    iterator = EpochIterator(_batches_generator(3), steps_per_execution=2)
    peeked = iterator.peek()
    assert iterator.peek() is peeked
    np.testing.assert_array_equal(peeked[1], np.zeros((2, 1)))
    assert [float(b[0][0, 0]) for b in flat_batches(iterator)] == [0.0, 1.0, 2.0]
    arrays = EpochIterator(np.arange(5.0), batch_size=2)
    np.testing.assert_array_equal(arrays.peek()[0], [0.0, 1.0])
    assert len(flat_batches(arrays)) == 3
    assert EpochIterator(iter([])).peek() is None


def test_plain_iterators_and_x_only_batches():
    iterator = EpochIterator(iter([np.ones((3, 2)), np.zeros((1, 2))]))
    batches = flat_batches(iterator)
    assert [b[0].shape for b in batches] == [(3, 2), (1, 2)]
    assert all(b[1] is None and b[2] is None for b in batches)


def test_generator_refuses_y_and_class_weight_and_ignores_shuffle():
    """fit's default shuffle=True does not apply to a generator (it yields its own order)."""
    with pytest.raises(ValueError, match="`y` must not be passed"):
        EpochIterator(_batches_generator(2), y=np.ones(2))
    with pytest.raises(ValueError, match="class_weight` is not supported.*generator"):
        EpochIterator(_batches_generator(2), class_weight={0: 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(flat_batches(EpochIterator(_batches_generator(2), shuffle=True))) == 2


def test_generator_of_backend_tensors(backend):
    def gen():
        for index in range(3):
            yield core.convert_to_tensor(np.full((2,), float(index)))
    batches = flat_batches(EpochIterator(gen()))
    # tensors of the active backend pass through untouched
    native = type(core.convert_to_tensor(np.zeros(1)))
    assert all(type(b[0]) is native for b in batches)
    np.testing.assert_array_equal(np.stack(column(batches)), [[0.0] * 2, [1.0] * 2, [2.0] * 2])


# ----------------------------------------------------------------------------- PyDataset

class Ramp(PyDataset):
    """Batch i holds the samples ``2i, 2i+1`` and their squares; logs its calls."""

    def __init__(self, batches=4, **kwargs):
        super().__init__(**kwargs)
        self.batches = batches
        self.events = []
        self.threads = set()

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        self.threads.add(threading.get_ident())
        x = np.arange(2.0 * index, 2.0 * index + 2)
        return x, (x ** 2).astype("int64") % 3

    def on_epoch_begin(self):
        self.events.append("begin")

    def on_epoch_end(self):
        self.events.append("end")


def test_py_dataset_in_order_with_epoch_hooks():
    dataset = Ramp()
    iterator = EpochIterator(dataset)
    assert iterator.num_batches == 4
    for _ in range(2):
        batches = flat_batches(iterator)
        np.testing.assert_array_equal(np.concatenate(column(batches)), np.arange(8.0))
    assert dataset.events == ["begin", "end", "begin", "end"]


def test_py_dataset_shuffle_is_reproducible_with_set_random_seed():
    def first_samples():
        set_random_seed(5)
        return [float(b[0][0]) for b in flat_batches(EpochIterator(Ramp(6), shuffle=True))]
    order = first_samples()
    assert sorted(order) == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0] and order != sorted(order)
    assert first_samples() == order


def test_py_dataset_prefetches_with_threads_in_order():
    dataset = Ramp(12, workers=3, max_queue_size=4)
    batches = flat_batches(EpochIterator(dataset, steps_per_execution=5))
    np.testing.assert_array_equal(np.concatenate(column(batches)), np.arange(24.0))
    assert threading.get_ident() not in dataset.threads


def test_py_dataset_class_weight_and_endless_dataset():
    class Endless(PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            return np.full((2, 1), float(index)), np.array([index % 2, 1])

    class_weight = {0: 3.0, 1: 0.5}
    iterator = EpochIterator(Endless(), steps_per_epoch=3, class_weight=class_weight)
    assert iterator.num_batches == 3
    first = flat_batches(iterator)
    second = flat_batches(iterator)
    assert [float(b[0][0, 0]) for b in first + second] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    for x, y, sw in first:
        np.testing.assert_array_equal(sw, _reference_class_weights(y, class_weight))


def test_py_dataset_without_super_init_warns():
    class Lazy(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.ones(2)

    with pytest.warns(UserWarning, match="super\\(\\).__init__"):
        assert Lazy().workers == 1


def test_py_dataset_refuses_y():
    with pytest.raises(ValueError, match="PyDataset.*`y` must not be passed"):
        EpochIterator(Ramp(), y=np.ones(8))


def test_reset_closes_a_running_epoch():
    dataset = Ramp()
    iterator = EpochIterator(dataset, steps_per_epoch=3)
    steps = iterator.enumerate_epoch()
    next(steps)
    iterator.reset()
    assert dataset.events == ["begin", "end"]
    assert float(flat_batches(iterator)[0][0][0]) == 0.0  # started over


# ----------------------------------------------------------------------------- tf.data

def test_tf_dataset_batches_native_or_numpy(backend):
    import tensorflow as tf
    x = np.arange(20.0, dtype="float32").reshape(10, 2)
    y = np.array([0, 1, 1, 0, 2, 2, 1, 0, 0, 1])
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    class_weight = {1: 2.0, 2: 5.0}
    iterator = EpochIterator(dataset, class_weight=class_weight, steps_per_execution=2)
    assert iterator.num_batches == 3
    batches = flat_batches(iterator)
    native = backend == "tensorflow"
    assert all(type(b[0]).__module__.startswith("tensorflow") == native for b in batches)
    np.testing.assert_array_equal(np.concatenate(column(batches)), x)
    np.testing.assert_array_equal(np.concatenate(column(batches, 2)),
                                  _reference_class_weights(y, class_weight))
    if backend != "numpy":
        total = compiled(lambda t: knp.sum(t))(batches[0][0])
        np.testing.assert_allclose(to_numpy(total), x[:4].sum())


def test_tf_dataset_unknown_cardinality_and_refused_arguments():
    import tensorflow as tf
    dataset = tf.data.Dataset.range(10).filter(lambda v: v % 2 == 0).batch(2)
    iterator = EpochIterator(dataset)
    assert iterator.num_batches is None
    assert len(flat_batches(iterator)) == 3 and iterator.num_batches == 3
    assert len(flat_batches(iterator)) == 3  # a dataset can be read again
    with pytest.raises(ValueError, match="tf.data.Dataset.*`sample_weight` must not"):
        EpochIterator(dataset, sample_weight=np.ones(5))


# ----------------------------------------------------------------------------- torch

def test_torch_dataloader_batches_native_or_numpy(backend):
    import torch
    x = torch.arange(14.0).reshape(7, 2)
    y = torch.arange(7)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=3)
    iterator = EpochIterator(loader)
    assert iterator.num_batches == 3
    batches = flat_batches(iterator)
    native = backend == "torch"
    assert all(isinstance(b[0], torch.Tensor) == native for b in batches)
    np.testing.assert_array_equal(np.concatenate(column(batches, 1)), np.arange(7))
    assert [len(b[0]) for b in flat_batches(iterator)] == [3, 3, 1]


def test_torch_iterable_dataset_and_refused_class_weight():
    import torch

    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            return iter(torch.arange(5.0))

    loader = torch.utils.data.DataLoader(Stream(), batch_size=2)
    iterator = EpochIterator(loader)
    assert iterator.num_batches is None
    assert [len(b[0]) for b in flat_batches(iterator)] == [2, 2, 1]
    with pytest.raises(ValueError, match="class_weight` is not supported.*DataLoader"):
        EpochIterator(loader, class_weight={0: 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get_data_adapter(loader).num_batches is None


# ----------------------------------------------------------------------------- Keras oracle

KERAS_ORACLE = """
import json, warnings
import numpy as np, keras
from keras.src.trainers.epoch_iterator import EpochIterator
warnings.simplefilter("ignore")
x, y = np.arange(23), np.arange(23) % 3
keras.utils.set_random_seed(9)
shuffled = EpochIterator(x, y, batch_size=5, shuffle=True, class_weight={1: 2.0, 2: 0.5})
epochs = [[[np.asarray(part).tolist() for part in batch] for _, _, group in
           shuffled.enumerate_epoch() for batch in group] for _ in range(2)]
stepped = EpochIterator(x, batch_size=4, steps_per_epoch=4)
starts = [[int(np.asarray(b)[0]) for _, _, g in stepped.enumerate_epoch() for b in g]
          for _ in range(3)]
print(json.dumps({"epochs": epochs, "starts": starts}))
"""


def test_matches_keras_shuffle_order_class_weights_and_step_continuation():
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, KERAS_BACKEND="numpy", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", KERAS_ORACLE], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    expected = json.loads(done.stdout.strip().splitlines()[-1])
    x, y = np.arange(23), np.arange(23) % 3
    set_random_seed(9)
    shuffled = EpochIterator(x, y, batch_size=5, shuffle=True, class_weight={1: 2.0, 2: 0.5})
    epochs = [[[part.tolist() for part in batch] for batch in flat_batches(shuffled)]
              for _ in range(2)]
    assert epochs == expected["epochs"]
    stepped = EpochIterator(x, batch_size=4, steps_per_epoch=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        starts = [[int(b[0][0]) for b in flat_batches(stepped)] for _ in range(3)]
    assert starts == expected["starts"]
