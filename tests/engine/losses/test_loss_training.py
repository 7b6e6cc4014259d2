"""Loss gradients on the trainable backends, and losses inside jax.jit / tf.function."""

import numpy as np
import pytest

import kerasnb.losses as losses
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.ops import core
from tests.engine.layers.harness import compiled
from tests.engine.losses import references as ref
from tests.engine.losses.cases import CASES, LABELS, LOGITS, Y_PRED, Y_TRUE, tolerance
from tests.engine.ops.checks import to_numpy


GRADIENT_CASES = ["huber", "log_cosh", "cosine", "categorical_hinge", "bce_logits_smooth", "cce",
                  "scce_logits_column", "binary_focal_balanced_logits", "tversky_per_row",
                  "circle"]


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradients_are_finite(trainable_backend, name):
    cls, kwargs, y_true, y_pred, _ = CASES[name]
    loss = cls(**kwargs)
    module = engine_backend.get()
    value, grad = module.value_and_grad(lambda p: loss(y_true, p))(core.convert_to_tensor(y_pred))
    grad = to_numpy(grad)
    assert np.isfinite(to_numpy(value)) and np.isfinite(grad).all() and np.abs(grad).sum() > 0


def test_ctc_gradients_are_finite(trainable_backend):
    _, _, y_true, y_pred, _ = CASES["ctc"]
    value, grad = engine_backend.get().value_and_grad(lambda p: losses.CTC()(y_true, p))(
        core.convert_to_tensor(y_pred))
    assert np.isfinite(to_numpy(value)) and np.isfinite(to_numpy(grad)).all()


def test_mse_gradient_matches_analytic(trainable_backend):
    module = engine_backend.get()
    _, grad = module.value_and_grad(lambda p: losses.MeanSquaredError()(Y_TRUE, p))(
        core.convert_to_tensor(Y_PRED))
    np.testing.assert_allclose(to_numpy(grad), 2 * (Y_PRED - Y_TRUE) / Y_TRUE.size, rtol=1e-5)


@pytest.mark.parametrize("name", ["hinge01", "bce_logits_smooth", "scce", "categorical_focal",
                                  "circle", "ctc"])
def test_losses_compile(trainable_backend, name):
    cls, kwargs, y_true, y_pred, reference = CASES[name]
    loss = cls(**kwargs)
    step = compiled(lambda t, p, w: loss(t, p, sample_weight=w))
    weights = np.linspace(0.5, 1.5, len(y_true)).astype("float32")
    got = step(core.convert_to_tensor(y_true), core.convert_to_tensor(y_pred),
               core.convert_to_tensor(weights))
    values = reference(y_true, y_pred)
    if name == "circle":
        kept = values > 0
        expected = (values * weights)[kept].sum() / kept.sum()
    else:
        expected = (values * weights).mean()
    np.testing.assert_allclose(to_numpy(got), expected, **tolerance(name))


def test_ignore_class_compiles(trainable_backend):
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3)
    got = compiled(lambda t, p: loss(t, p))(core.convert_to_tensor(LABELS),
                                            core.convert_to_tensor(LOGITS))
    values = ref.scce(LABELS, LOGITS, from_logits=True, ignore_class=3)
    np.testing.assert_allclose(to_numpy(got), values[LABELS != 3].mean(), rtol=1e-5)


