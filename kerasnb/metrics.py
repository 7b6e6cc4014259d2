"""`kerasnb.metrics` (`keras.metrics`): stateful metrics and metric functions.

Example:
    >>> m = kerasnb.metrics.SparseCategoricalAccuracy()
    >>> float(m([1, 2], [[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]]))
    0.5
"""

from kerasnb.engine.losses.hinge import (  # noqa: F401
    categorical_hinge, hinge, squared_hinge)
from kerasnb.engine.losses.probabilistic import (  # noqa: F401
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, kl_divergence, poisson, sparse_categorical_crossentropy)
from kerasnb.engine.losses.regression import (  # noqa: F401
    huber, log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error)
from kerasnb.engine.metrics.accuracy import (  # noqa: F401
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, binary_accuracy,
    categorical_accuracy, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy)
from kerasnb.engine.metrics.confusion import (  # noqa: F401
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
    RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives,
    TruePositives)
from kerasnb.engine.metrics.correlation import (  # noqa: F401
    ConcordanceCorrelation, PearsonCorrelation, concordance_correlation, pearson_correlation)
from kerasnb.engine.metrics.f_score import (  # noqa: F401
    F1Score, FBetaScore)
from kerasnb.engine.metrics.hinge import (  # noqa: F401
    CategoricalHinge, Hinge, SquaredHinge)
from kerasnb.engine.metrics.iou import (  # noqa: F401
    BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU)
from kerasnb.engine.metrics.lookup import (  # noqa: F401
    deserialize, get, serialize)
from kerasnb.engine.metrics.metric import (  # noqa: F401
    Metric)
from kerasnb.engine.metrics.probabilistic import (  # noqa: F401
    BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, Poisson,
    SparseCategoricalCrossentropy)
from kerasnb.engine.metrics.r2_score import (  # noqa: F401
    R2Score)
from kerasnb.engine.metrics.reduction import (  # noqa: F401
    Mean, MeanMetricWrapper, Sum)
from kerasnb.engine.metrics.regression import (  # noqa: F401
    CosineSimilarity, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredError, MeanSquaredLogarithmicError, RootMeanSquaredError)
