"""`kerasnb.losses` (`keras.losses`): loss classes and functions, by object or by name.

Example:
    >>> import kerasnb
    >>> float(kerasnb.losses.MeanSquaredError()([[0.0, 2.0]], [[1.0, 1.0]]))
    1.0
"""

from kerasnb.engine.losses import (  # noqa: F401
    CTC, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy, CategoricalHinge, Circle,
    CosineSimilarity, Dice, Hinge, Huber, KLDivergence, LogCosh, Loss, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
    SparseCategoricalCrossentropy, SquaredHinge, Tversky, binary_crossentropy,
    binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    categorical_generalized_cross_entropy, categorical_hinge, circle, cosine_similarity, ctc,
    deserialize, dice, get, hinge, huber, kl_divergence, log_cosh, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, poisson,
    serialize, sparse_categorical_crossentropy, squared_hinge, tversky)
