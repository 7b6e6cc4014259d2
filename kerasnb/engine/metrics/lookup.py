"""`get` / `serialize` / `deserialize` for metrics, and the name resolution of `compile`.

Names resolve to metric classes (instantiated with their defaults): the class name
(``"MeanSquaredError"``), its snake-case form (``"mean_squared_error"``) or a short alias
(``"mse"``, ``"MAE"``, ``"bce"``, ...). Every class registered with
``@builtin("metrics")`` takes part, whichever module defines it.

Example:
    >>> get("mse").name
    'mean_squared_error'
    >>> deserialize(serialize(get("accuracy"))).name
    'accuracy'
"""

import importlib
import inspect

from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.metrics.reduction import MeanMetricWrapper
from kerasnb.engine.naming import to_snake_case
from kerasnb.engine.saving.serialization import (
    builtins_of, deserialize_keras_object, get_registered_object, serialize_keras_object)

ALIASES = {
    "bce": "BinaryCrossentropy", "BCE": "BinaryCrossentropy",
    "mse": "MeanSquaredError", "MSE": "MeanSquaredError",
    "mae": "MeanAbsoluteError", "MAE": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError", "MAPE": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError", "MSLE": "MeanSquaredLogarithmicError",
}


# The modules of kerasnb.engine.metrics that define built-in metrics.
FAMILIES = ("reduction", "accuracy", "correlation", "f_score", "r2_score", "iou",
            "probabilistic", "regression", "hinge", "confusion")


def _load_families():
    for family in FAMILIES:
        importlib.import_module(f"kerasnb.engine.metrics.{family}")


def metric_classes():
    """Every name a built-in metric class is known by, mapped to the class."""
    _load_families()
    classes = {name: obj for name, obj in builtins_of("metrics").items()
               if inspect.isclass(obj) and issubclass(obj, Metric)}
    names = dict(classes)
    names.update({to_snake_case(name): cls for name, cls in classes.items()})
    names.update({alias: classes[target] for alias, target in ALIASES.items() if target in classes})
    return names


def _unknown(identifier):
    names = ", ".join(repr(n) for n in sorted(metric_classes()))
    return ValueError(
        "Could not interpret metric identifier: `identifier` must be None, a metric name "
        f"({names}), a config dict, a Metric instance or class, or a function of "
        f"(y_true, y_pred); received {identifier!r}.")


def _by_name(name, custom_objects=None):
    found = metric_classes().get(name)
    if found is None:
        found = get_registered_object(name, custom_objects)
    if found is None:
        raise _unknown(name)
    return found


def serialize(metric):
    """The config of a `Metric` (or the reference of a metric function).

    Example:
        >>> serialize(get("accuracy"))["class_name"]
        'Accuracy'
    """
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """The metric of a `serialize` result, or of a name (as a default instance).

    Args:
        config: a config dict or a metric name.
        custom_objects: ``{name: class or function}`` for custom metrics.
    """
    if isinstance(config, str):
        found = _by_name(config, custom_objects)
        return found() if inspect.isclass(found) else found
    if isinstance(config, dict) and config.get("class_name") == "function":
        name = config.get("config")
        function = builtins_of("metrics").get(name)
        if function is None or inspect.isclass(function):
            function = get_registered_object(name, custom_objects)
        if function is None:
            raise _unknown(name)
        return function
    return deserialize_keras_object(config, custom_objects=custom_objects,
                                    module_objects=metric_classes())


def get(identifier):
    """The metric `identifier` stands for: None, a name, a config dict, a class (made a
    default instance), a `Metric` or a metric function (returned as is).

    Example:
        >>> type(get("binary_accuracy")).__name__
        'BinaryAccuracy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = _by_name(identifier)
    else:
        found = identifier
    if inspect.isclass(found):
        found = found()
    if not callable(found):
        raise _unknown(identifier)
    return found


def accuracy_kind(y_true, y_pred):
    """Which accuracy fits targets/outputs of these shapes: ``"binary"`` (one output unit),
    ``"sparse_categorical"`` (integer labels) or ``"categorical"`` (one-hot labels)."""
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if pred_shape[-1:] == (1,):
        return "binary"
    if len(true_shape) < len(pred_shape) or (
            true_shape[-1:] == (1,) and pred_shape[-1] is not None and pred_shape[-1] > 1):
        return "sparse_categorical"
    return "categorical"


def compile_metric(identifier, y_true, y_pred):
    """The `Metric` that ``compile(metrics=[identifier])`` uses for an output.

    ``"accuracy"``/``"acc"`` pick `BinaryAccuracy`, `SparseCategoricalAccuracy` or
    `CategoricalAccuracy` from the shapes of `y_true` and `y_pred`; functions are wrapped
    in `MeanMetricWrapper`. A string identifier becomes the metric's name (its log key).

    Example:
        >>> compile_metric("acc", np.zeros((4,)), np.zeros((4, 3))).name
        'acc'
    """
    if identifier is None:
        raise ValueError("`metrics` entries must be metric identifiers; received None.")
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        from kerasnb.engine.metrics import accuracy
        cls = {"binary": accuracy.BinaryAccuracy,
               "sparse_categorical": accuracy.SparseCategoricalAccuracy,
               "categorical": accuracy.CategoricalAccuracy}[accuracy_kind(y_true, y_pred)]
        return cls(name=identifier)
    metric = get(identifier)
    if isinstance(identifier, str):
        name = identifier
    else:
        name = getattr(metric, "name", None) or getattr(metric, "__name__", None) \
            or to_snake_case(type(metric).__name__)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric)
    metric.name = name
    return metric
