"""Losses (`keras.losses`)."""

from kerasnb.engine.losses.hinge import (  # noqa: F401
    CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge)
from kerasnb.engine.losses.lookup import deserialize, get, serialize  # noqa: F401
from kerasnb.engine.losses.loss import Loss  # noqa: F401
from kerasnb.engine.losses.metric_learning import Circle, circle  # noqa: F401
from kerasnb.engine.losses.probabilistic import (  # noqa: F401
    CTC, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy, KLDivergence, Poisson,
    SparseCategoricalCrossentropy, binary_crossentropy, binary_focal_crossentropy,
    categorical_crossentropy, categorical_focal_crossentropy,
    categorical_generalized_cross_entropy, ctc, kl_divergence, poisson,
    sparse_categorical_crossentropy)
from kerasnb.engine.losses.regression import (  # noqa: F401
    CosineSimilarity, Huber, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredError, MeanSquaredLogarithmicError, cosine_similarity, huber, log_cosh,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error)
from kerasnb.engine.losses.segmentation import Dice, Tversky, dice, tversky  # noqa: F401
from kerasnb.engine.losses.wrapper import LossFunctionWrapper  # noqa: F401
