"""`LossFunctionWrapper`: a `Loss` made from a function of ``(y_true, y_pred)``, the base of
every built-in loss class; and `pair`, the input preparation the loss functions share.

Example:
    >>> loss = LossFunctionWrapper(lambda t, p: kerasnb.ops.abs(t - p), name="abs")
    >>> float(loss([0.0, 2.0], [1.0, 1.0]))
    1.0
"""

from kerasnb.engine import config
from kerasnb.engine.losses.loss import Loss, match_rank
from kerasnb.engine.ops import core
from kerasnb.engine.saving.serialization import (
    builtin, deserialize_keras_object, serialize_keras_object)


def as_float(x):
    """`x` as a tensor, cast to ``floatx()`` unless it already has a float dtype."""
    x = core.convert_to_tensor(x)
    return x if "float" in core.dtype(x) else core.cast(x, config.floatx())


def pair(y_true, y_pred, match=True):
    """`y_pred` as a float tensor, `y_true` cast to its dtype, and (if `match`) their ranks
    aligned on a trailing size-1 axis. Returns ``(y_true, y_pred)``."""
    y_pred = as_float(y_pred)
    y_true = core.convert_to_tensor(y_true)
    if core.dtype(y_true) != core.dtype(y_pred):
        y_true = core.cast(y_true, core.dtype(y_pred))
    if match:
        y_true, y_pred = match_rank(y_true, y_pred)
    return y_true, y_pred


@builtin("losses")
class LossFunctionWrapper(Loss):
    """A loss computing ``fn(y_true, y_pred, **kwargs)`` per sample, then reducing it.

    Args:
        fn: a function of ``(y_true, y_pred)`` giving per-sample losses.
        reduction: see `Loss`.
        name: the loss's name; defaults to the snake-case class name.
        dtype: see `Loss`.
        **kwargs: extra keyword arguments for `fn`.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = match_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        if type(self) is LossFunctionWrapper:
            config["fn"] = serialize_keras_object(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        if cls is LossFunctionWrapper and "fn" in config:
            config = dict(config, fn=deserialize_keras_object(config["fn"]))
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} fn={getattr(self.fn, '__name__', self.fn)}>"
