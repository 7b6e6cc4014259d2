"""keras.utils.split_dataset on arrays, tf.data and torch datasets."""

import random

import numpy as np
import pytest

from kerasnb.engine.utils import dataset_utils
from kerasnb.utils import split_dataset


def elements(ds):
    return [tuple(np.asarray(v).tolist() for v in e) if isinstance(e, tuple)
            else np.asarray(e).tolist() for e in ds]


def test_array_split_sizes(backend):
    x = np.arange(10)
    for left_size, right_size, sizes in [(0.8, None, (8, 2)), (None, 3, (7, 3)), (2, 5, (2, 5)),
                                         (0.25, 0.25, (2, 2))]:
        left, right = split_dataset(x, left_size=left_size, right_size=right_size,
                                    preferred_backend="tensorflow")
        assert (len(elements(left)), len(elements(right))) == sizes
        assert elements(left) == list(range(sizes[0]))
        assert elements(right) == list(range(10 - sizes[1], 10))


def test_tuples_shuffle_like_pythons_random_with_the_seed():
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    left, right = split_dataset((x, y), left_size=0.6, shuffle=True, seed=5,
                                preferred_backend="tensorflow")
    order = list(range(10))
    random.Random(5).shuffle(order)
    assert [e[1] for e in elements(left)] == order[:6]
    assert [e[1] for e in elements(right)] == order[6:]
    assert [e[0] for e in elements(left)] == [x[i].tolist() for i in order[:6]]


def test_batched_tf_dataset_is_split_by_example_and_rebatched():
    import tensorflow as tf
    ds = tf.data.Dataset.from_tensor_slices({"a": np.arange(10), "b": np.ones((10, 2))}).batch(3)
    left, right = split_dataset(ds, left_size=4)
    assert [len(b["a"]) for b in left] == [3, 1]
    assert np.concatenate([b["a"] for b in right]).tolist() == [4, 5, 6, 7, 8, 9]


def test_torch_subsets():
    import torch
    x, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    left, right = split_dataset([x, y], right_size=2, preferred_backend="torch")
    assert isinstance(left, torch.utils.data.Subset) and len(left) == 4 and len(right) == 2
    assert right[0][1].item() == 4 and right[0][0].tolist() == [8.0, 9.0]
    source = torch.utils.data.TensorDataset(torch.arange(5))
    left, right = split_dataset(source, left_size=0.4, shuffle=True, seed=0)
    values = sorted(int(e[0]) for e in list(left) + list(right))
    assert values == [0, 1, 2, 3, 4] and len(left) == 2


def test_without_tensorflow_the_parts_are_arrays(monkeypatch):
    monkeypatch.setattr(dataset_utils, "tf_available", lambda: False)
    left, right = split_dataset((np.arange(6), np.arange(6) * 2), left_size=4,
                                preferred_backend="jax")
    assert left[0].tolist() == [0, 1, 2, 3] and right[1].tolist() == [8, 10]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(), ValueError, "left_size"),
    (dict(left_size="half"), TypeError, "left_size"),
    (dict(left_size=1.5), ValueError, "left_size"),
    (dict(right_size=10), ValueError, "right_size"),
    (dict(left_size=0.7, right_size=0.5), ValueError, "at most 1"),
    (dict(left_size=6, right_size=6), ValueError, "exceeds"),
    (dict(left_size=0.01), ValueError, "empty"),
    (dict(left_size=2, preferred_backend="mxnet"), ValueError, "preferred_backend"),
])
def test_bad_sizes(kwargs, error, match):
    with pytest.raises(error, match=match):
        split_dataset(np.arange(10), **kwargs)


def test_bad_datasets():
    with pytest.raises(TypeError, match="dataset"):
        split_dataset({"a": np.arange(3)}, left_size=1)
    with pytest.raises(ValueError, match="one length"):
        split_dataset((np.arange(3), np.arange(4)), left_size=1, preferred_backend="numpy")
    with pytest.raises(ValueError, match="NumPy arrays"):
        split_dataset([np.arange(3), [1, 2, 3]], left_size=1, preferred_backend="numpy")
