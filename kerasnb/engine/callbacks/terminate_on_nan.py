"""`TerminateOnNaN`: stop training when the loss becomes NaN or infinite.

Example:
    >>> callback = TerminateOnNaN(raise_error=True)
"""

import math

from kerasnb.engine.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops `fit` at the first batch whose ``loss`` is NaN or infinite.

    Args:
        raise_error: raise a `RuntimeError` at once instead of asking the trainer to stop
            after the current batch.

    Example:
        >>> model.fit(x, y, callbacks=[TerminateOnNaN()])  # doctest: +SKIP
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                               "Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
