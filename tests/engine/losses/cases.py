"""The loss cases shared by the loss tests: inputs, constructor arguments and the NumPy
reference of each built-in loss."""

import numpy as np

import kerasnb.losses as losses
from tests.engine.losses import references as ref

RNG = np.random.default_rng(7)
Y_TRUE = RNG.random((5, 4)).astype("float32")
Y_PRED = RNG.random((5, 4)).astype("float32") + 0.05
LOGITS = (RNG.normal(size=(5, 4)) * 4).astype("float32")
BINARY = (RNG.random((5, 4)) > 0.5).astype("float32")
LABELS = np.array([0, 3, 1, 3, 2])
ONE_HOT = np.eye(4, dtype="float32")[LABELS]
EMBEDDINGS = RNG.normal(size=(6, 3)).astype("float32")
EMBEDDINGS /= np.linalg.norm(EMBEDDINGS, axis=1, keepdims=True)
EMBEDDING_LABELS = np.array([1, 1, 2, 2, 0, 3])

# (loss class, constructor kwargs, y_true, y_pred, reference of the per-sample values)
CASES = {
    "mse": (losses.MeanSquaredError, {}, Y_TRUE, Y_PRED, ref.mse),
    "mae": (losses.MeanAbsoluteError, {}, Y_TRUE, LOGITS, ref.mae),
    "mape": (losses.MeanAbsolutePercentageError, {}, Y_TRUE, Y_PRED, ref.mape),
    "msle": (losses.MeanSquaredLogarithmicError, {}, Y_TRUE, LOGITS, ref.msle),
    "huber": (losses.Huber, {"delta": 0.7}, Y_TRUE, LOGITS, lambda t, p: ref.huber(t, p, 0.7)),
    "log_cosh": (losses.LogCosh, {}, Y_TRUE, LOGITS, ref.log_cosh),
    "cosine": (losses.CosineSimilarity, {}, Y_TRUE, LOGITS, ref.cosine),
    "cosine_axis0": (losses.CosineSimilarity, {"axis": 0}, Y_TRUE, LOGITS,
                     lambda t, p: ref.cosine(t, p, axis=0)),
    "hinge01": (losses.Hinge, {}, BINARY, LOGITS, ref.hinge),
    "hinge_signed": (losses.Hinge, {}, 2 * BINARY - 1, LOGITS, ref.hinge),
    "squared_hinge": (losses.SquaredHinge, {}, BINARY, LOGITS, ref.squared_hinge),
    "categorical_hinge": (losses.CategoricalHinge, {}, ONE_HOT, LOGITS, ref.categorical_hinge),
    "bce": (losses.BinaryCrossentropy, {}, BINARY, Y_PRED, ref.bce),
    "bce_logits_smooth": (losses.BinaryCrossentropy,
                          {"from_logits": True, "label_smoothing": 0.2}, BINARY, LOGITS,
                          lambda t, p: ref.bce(t, p, True, 0.2)),
    "bce_axis0": (losses.BinaryCrossentropy, {"axis": 0}, BINARY, Y_PRED * 0.9,
                  lambda t, p: ref.bce(t, p, axis=0)),
    "cce": (losses.CategoricalCrossentropy, {}, ONE_HOT, Y_PRED, ref.cce),
    "cce_logits_smooth": (losses.CategoricalCrossentropy,
                          {"from_logits": True, "label_smoothing": 0.1}, ONE_HOT, LOGITS,
                          lambda t, p: ref.cce(t, p, True, 0.1)),
    "scce": (losses.SparseCategoricalCrossentropy, {}, LABELS, Y_PRED, ref.scce),
    "scce_logits_column": (losses.SparseCategoricalCrossentropy, {"from_logits": True},
                           LABELS[:, None], LOGITS, lambda t, p: ref.scce(t, p, True)),
    "binary_focal": (losses.BinaryFocalCrossentropy, {"gamma": 1.5}, BINARY, Y_PRED * 0.9,
                     lambda t, p: ref.binary_focal(t, p, gamma=1.5)),
    "binary_focal_balanced_logits": (
        losses.BinaryFocalCrossentropy,
        {"apply_class_balancing": True, "alpha": 0.4, "from_logits": True,
         "label_smoothing": 0.1}, BINARY, LOGITS,
        lambda t, p: ref.binary_focal(t, p, True, 0.4, 2.0, True, 0.1)),
    "categorical_focal": (losses.CategoricalFocalCrossentropy, {"alpha": 0.3, "gamma": 1.0},
                          ONE_HOT, Y_PRED, lambda t, p: ref.categorical_focal(t, p, 0.3, 1.0)),
    "categorical_focal_logits": (
        losses.CategoricalFocalCrossentropy, {"from_logits": True, "label_smoothing": 0.1},
        ONE_HOT, LOGITS, lambda t, p: ref.categorical_focal(t, p, from_logits=True,
                                                            label_smoothing=0.1)),
    "generalized_ce": (losses.CategoricalGeneralizedCrossEntropy, {"q": 0.3}, LABELS,
                       Y_PRED / Y_PRED.sum(-1, keepdims=True),
                       lambda t, p: ref.generalized_ce(t, p, 0.3)),
    "kld": (losses.KLDivergence, {}, Y_TRUE / Y_TRUE.sum(-1, keepdims=True),
            Y_PRED / Y_PRED.sum(-1, keepdims=True), ref.kld),
    "poisson": (losses.Poisson, {}, Y_TRUE * 3, Y_PRED, ref.poisson),
    "dice_per_row": (losses.Dice, {"axis": 1}, BINARY, Y_PRED, lambda t, p: ref.dice(t, p, 1)),
    "tversky_per_row": (losses.Tversky, {"alpha": 0.2, "beta": 0.8, "axis": (1,)}, BINARY,
                        Y_PRED, lambda t, p: ref.tversky(t, p, 0.2, 0.8, axis=(1,))),
    "circle": (losses.Circle, {"gamma": 2.0, "margin": 0.3}, EMBEDDING_LABELS, EMBEDDINGS,
               lambda t, p: ref.circle(t, p, gamma=2.0, margin=0.3)),
    "ctc": (losses.CTC, {}, np.array([[1, 2, 0], [2, 2, 1], [3, 0, 0]]),
            RNG.normal(size=(3, 7, 4)).astype("float32"), ref.ctc),
}
FUNCTIONS = {
    "mse": losses.mean_squared_error, "mae": losses.mean_absolute_error,
    "mape": losses.mean_absolute_percentage_error,
    "msle": losses.mean_squared_logarithmic_error, "huber": losses.huber,
    "log_cosh": losses.log_cosh, "cosine": losses.cosine_similarity, "hinge01": losses.hinge,
    "squared_hinge": losses.squared_hinge, "categorical_hinge": losses.categorical_hinge,
    "bce": losses.binary_crossentropy, "cce": losses.categorical_crossentropy,
    "scce": losses.sparse_categorical_crossentropy,
    "binary_focal": losses.binary_focal_crossentropy,
    "categorical_focal": losses.categorical_focal_crossentropy,
    "generalized_ce": losses.categorical_generalized_cross_entropy,
    "kld": losses.kl_divergence, "poisson": losses.poisson, "dice_per_row": losses.dice,
    "tversky_per_row": losses.tversky, "circle": losses.circle, "ctc": losses.ctc,
}


def tolerance(name):
    return {"rtol": 1e-4, "atol": 1e-4} if name in ("mape", "ctc", "circle") else {
        "rtol": 1e-5, "atol": 1e-5}


