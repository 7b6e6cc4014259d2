"""`LambdaCallback`: a callback made of plain functions.

Example:
    >>> printer = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs))
"""

from kerasnb.engine.callbacks.callback import Callback


class LambdaCallback(Callback):
    """Builds a callback from functions, one per hook.

    Epoch hooks get ``(epoch, logs)``, batch hooks ``(batch, logs)``, train hooks ``(logs)``.
    Other hooks (``on_test_begin=...``, ``on_predict_batch_end=...``) can be passed as
    keyword arguments too.

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end, on_train_batch_begin,
        on_train_batch_end: the functions for those hooks, or `None`.
        **kwargs: more hooks or attributes set on the callback.

    Example:
        >>> losses = []
        >>> keep = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for hook, function in hooks.items():
            if function is not None:
                if not callable(function):
                    raise TypeError(f"`{hook}` must be callable or None; received {function!r}.")
                setattr(self, hook, function)
