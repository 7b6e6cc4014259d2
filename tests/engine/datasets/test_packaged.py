"""kerasnb.datasets: scikit-learn's digits, iris and breast_cancer split like Keras datasets,
and Keras's download-only names."""

import numpy as np
import pytest
from sklearn import datasets as sk

import kerasnb
from kerasnb import datasets

CASES = [
    (datasets.digits, sk.load_digits, (8, 8), "uint8", "uint8", 1797),
    (datasets.iris, sk.load_iris, (4,), "float64", "int64", 150),
    (datasets.breast_cancer, sk.load_breast_cancer, (30,), "float64", "int64", 569),
]


@pytest.mark.parametrize("module, source, shape, x_dtype, y_dtype, count", CASES)
def test_shapes_dtypes_and_contents(module, source, shape, x_dtype, y_dtype, count):
    (x_train, y_train), (x_test, y_test) = module.load_data()
    train_count = int(count * 0.8)
    assert x_train.shape == (train_count,) + shape
    assert x_test.shape == (count - train_count,) + shape
    assert y_train.shape == (train_count,) and y_test.shape == (count - train_count,)
    assert x_train.dtype == x_dtype and y_train.dtype == y_dtype
    bunch = source()
    x = np.concatenate([x_train, x_test]).reshape(count, -1).astype("float64")
    y = np.concatenate([y_train, y_test])
    order = np.arange(count)
    np.random.RandomState(113).shuffle(order)  # Keras's split: seeded shuffle, then cut
    np.testing.assert_array_equal(x, bunch.data[order])
    np.testing.assert_array_equal(y, bunch.target[order])


@pytest.mark.parametrize("module", [c[0] for c in CASES])
def test_split_is_deterministic_and_follows_the_arguments(module):
    first, second = module.load_data(), module.load_data()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    (x_other, _), _ = module.load_data(seed=7)
    assert not np.array_equal(x_other, first[0][0])
    (x_half, _), (x_rest, _) = module.load_data(test_split=0.5)
    assert len(x_half) == len(x_rest) or len(x_half) == len(x_rest) - 1
    (x_all, _), (x_none, _) = module.load_data(test_split=0)
    assert len(x_none) == 0
    with pytest.raises(ValueError, match="test_split"):
        module.load_data(test_split=1.0)


def test_label_names():
    assert datasets.iris.get_label_names() == ["setosa", "versicolor", "virginica"]
    assert datasets.breast_cancer.get_label_names() == ["malignant", "benign"]


def test_digits_train_a_classifier():
    kerasnb.config.set_backend("jax")  # one trainable backend is enough: the data is the point
    (x_train, y_train), (x_test, y_test) = kerasnb.datasets.digits.load_data()
    model = kerasnb.Sequential([kerasnb.Input((8, 8)), kerasnb.layers.Flatten(),
                                kerasnb.layers.Dense(10)])
    model.compile(kerasnb.optimizers.Adam(0.01),
                  kerasnb.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_train / 16.0, y_train, epochs=8, batch_size=128, verbose=0)
    assert model.evaluate(x_test / 16.0, y_test, verbose=0)[1] > 0.85


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "cifar10", "cifar100", "imdb",
                                  "reuters", "boston_housing", "california_housing"])
def test_keras_download_datasets_explain_and_point_to_local_ones(name):
    module = getattr(datasets, name)
    with pytest.raises(NotImplementedError, match=f"datasets.{name} needs a download") as info:
        module.load_data()
    assert "kerasnb.datasets.digits" in str(info.value)
    if hasattr(module, "get_word_index"):
        with pytest.raises(NotImplementedError, match="needs a download"):
            module.get_word_index()
