"""Mixed precision trains on every trainable backend: a digits MLP under mixed_float16 and
mixed_bfloat16 keeps float32 variables, computes its hidden layers in 16 bits, outputs float32
from a ``dtype="float32"`` last layer, gets a LossScaleOptimizer for float16 only, and reaches
an accuracy close to float32's."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

import kerasnb
from kerasnb import layers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.optimizers.loss_scale import LossScaleOptimizer
from tests.engine.ops.checks import to_numpy


@pytest.fixture(autouse=True)
def _global_policy():
    yield
    kerasnb.config.set_dtype_policy(None)


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return x[:1400], y[:1400].astype("int32"), x[1400:], y[1400:].astype("int32")


def train(policy, digits):
    """Accuracy and the model after a short fit under global `policy`."""
    kerasnb.config.set_dtype_policy(policy)
    kerasnb.utils.set_random_seed(3)
    x, y, x_test, y_test = digits
    model = kerasnb.Sequential([kerasnb.Input((64,)), layers.Dense(32, activation="relu", name="hidden"),
                                layers.Dense(10, activation="softmax", dtype="float32", name="probs")])
    model.compile(optimizer=kerasnb.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=4, batch_size=128, verbose=0)
    return model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"], model


@pytest.fixture(scope="module")
def float32_accuracy(digits):
    """The accuracy of the same training in float32 (on tensorflow, the quickest here)."""
    with engine_backend.use_backend("tensorflow"):
        return train("float32", digits)[0]


def test_mixed_precision_trains_like_float32(trainable_backend, digits, float32_accuracy):
    reference = float32_accuracy
    assert reference > 0.85
    for policy, compute in (("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")):
        accuracy, model = train(policy, digits)
        assert accuracy > reference - 0.05, (policy, accuracy, reference)
        assert isinstance(model.optimizer, LossScaleOptimizer) == (policy == "mixed_float16")
        assert {v.dtype for v in model.weights} == {"float32"}
        hidden = model.get_layer("hidden")
        assert hidden.compute_dtype == compute and hidden.variable_dtype == "float32"
        assert str(to_numpy(hidden(digits[2][:4])).dtype) == compute
        assert to_numpy(model.predict(digits[2][:4], verbose=0)).dtype == np.float32
