"""keras.utils.timeseries_dataset_from_array against loop-built windows."""

import numpy as np
import pytest

import kerasnb
from kerasnb.engine.utils import dataset_utils
from kerasnb.utils import timeseries_dataset_from_array


def reference(data, targets, length, stride, rate, start, end):
    windows, labels = [], []
    i = start
    while i + (length - 1) * rate < end and (targets is None or i < len(targets)):
        windows.append([data[i + k * rate] for k in range(length)])
        if targets is not None:
            labels.append(targets[i])
        i += stride
    return np.array(windows), np.array(labels)


def collect(ds):
    xs, ys = [], []
    for batch in ds:
        if isinstance(batch, tuple):
            xs.append(np.asarray(batch[0]))
            ys.append(np.asarray(batch[1]))
        else:
            xs.append(np.asarray(batch))
    return xs, ys


@pytest.mark.parametrize("length, stride, rate, start, end, batch", [
    (3, 1, 1, None, None, 4),
    (3, 2, 2, 2, 18, 5),
    (5, 3, 1, 4, None, 2),
    (2, 1, 3, None, 15, 100),
])
def test_windows_and_targets_match_the_reference(length, stride, rate, start, end, batch):
    data = np.arange(60, dtype="float32").reshape(20, 3)
    targets = np.arange(20) * 10
    ds = timeseries_dataset_from_array(data, targets, length, sequence_stride=stride,
                                       sampling_rate=rate, batch_size=batch,
                                       start_index=start, end_index=end)
    xs, ys = collect(ds)
    expected_x, expected_y = reference(data, targets, length, stride, rate, start or 0, end or 20)
    np.testing.assert_array_equal(np.concatenate(xs), expected_x)
    np.testing.assert_array_equal(np.concatenate(ys), expected_y)
    assert all(len(x) == batch for x in xs[:-1])
    assert xs[0].dtype == np.float32 and ys[0].dtype == targets.dtype


def test_no_targets_unbatched_and_short_targets():
    data = np.arange(10)
    xs, ys = collect(timeseries_dataset_from_array(data, None, 4, batch_size=None))
    assert not ys and np.stack(xs).tolist() == [list(range(i, i + 4)) for i in range(7)]
    xs, ys = collect(timeseries_dataset_from_array(data, np.arange(3), 4, batch_size=10))
    assert np.concatenate(ys).tolist() == [0, 1, 2] and len(np.concatenate(xs)) == 3


def test_shuffle_covers_every_window_and_depends_on_the_seed():
    data = np.arange(50)
    def windows(seed):
        xs, ys = collect(timeseries_dataset_from_array(data, data, 5, batch_size=8, shuffle=True,
                                                       seed=seed))
        x, y = np.concatenate(xs), np.concatenate(ys)
        np.testing.assert_array_equal(x[:, 0], y)  # each window keeps its own target
        return x[:, 0].tolist()
    first = windows(1)
    assert sorted(first) == list(range(46)) and first != sorted(first)
    assert windows(1) == first and windows(2) != first


def test_without_tensorflow_a_pydataset(monkeypatch):
    monkeypatch.setattr(dataset_utils, "tf_available", lambda: False)
    ds = timeseries_dataset_from_array(np.arange(10.0), np.arange(10), 3, batch_size=4)
    assert isinstance(ds, kerasnb.utils.PyDataset) and len(ds) == 2
    x, y = ds[1]
    assert x.tolist() == [[i, i + 1, i + 2] for i in range(4, 8)] and y.tolist() == [4, 5, 6, 7]


def test_fit_on_windows(trainable_backend):
    series = np.sin(np.arange(80) / 5.0).astype("float32")[:, None]
    ds = timeseries_dataset_from_array(series[:-3], series[3:, 0], 6, batch_size=16)
    model = kerasnb.Sequential([kerasnb.Input((6, 1)), kerasnb.layers.Flatten(),
                                kerasnb.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(ds, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


@pytest.mark.parametrize("kwargs, match", [
    (dict(start_index=-1), "start_index"),
    (dict(start_index=20), "start_index"),
    (dict(start_index=5, end_index=5), "end_index"),
    (dict(end_index=20), "end_index"),
    (dict(sampling_rate=0), "sampling_rate"),
    (dict(sampling_rate=20), "sampling_rate"),
    (dict(sequence_stride=0), "sequence_stride"),
    (dict(sequence_length=0), "sequence_length"),
    (dict(batch_size=0), "batch_size"),
])
def test_bad_arguments(kwargs, match):
    arguments = dict(data=np.arange(20), targets=None, sequence_length=3)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        timeseries_dataset_from_array(**arguments)
    with pytest.raises(NotImplementedError, match="grain"):
        timeseries_dataset_from_array(np.arange(20), None, 3, format="grain")
