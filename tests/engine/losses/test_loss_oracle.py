"""Losses against the real Keras 3 (test oracle only)."""


import numpy as np
import pytest

import kerasnb.losses as losses
from tests.engine.losses.cases import CASES, LABELS, Y_PRED, tolerance
from tests.engine.ops.checks import to_numpy
from tests.oracle import real_keras


@pytest.mark.parametrize("name", ["huber", "bce_logits_smooth", "binary_focal_balanced_logits",
                                  "categorical_focal_logits", "scce", "tversky_per_row",
                                  "circle", "ctc", "cosine", "kld"])
def test_against_real_keras(backend, name):
    keras = real_keras()
    cls, kwargs, y_true, y_pred, _ = CASES[name]
    weights = np.linspace(0.0, 2.0, len(y_true)).astype("float32")
    for reduction in ("sum_over_batch_size", "mean_with_sample_weight", "none"):
        oracle = getattr(keras.losses, cls.__name__)(reduction=reduction, **kwargs)
        expected = keras.ops.convert_to_numpy(oracle(y_true, y_pred, sample_weight=weights))
        got = to_numpy(cls(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=weights))
        np.testing.assert_allclose(got, expected, **tolerance(name))
    oracle_ignore = keras.losses.SparseCategoricalCrossentropy(ignore_class=1)
    np.testing.assert_allclose(
        to_numpy(losses.SparseCategoricalCrossentropy(ignore_class=1)(LABELS, Y_PRED)),
        keras.ops.convert_to_numpy(oracle_ignore(LABELS, Y_PRED)), rtol=1e-5)
