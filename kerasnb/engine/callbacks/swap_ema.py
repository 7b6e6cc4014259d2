"""`SwapEMAWeights`: evaluate and predict with the optimizer's moving-average weights.

Example:
    >>> callback = SwapEMAWeights(swap_on_epoch=True)
"""

from kerasnb.engine.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swaps the model weights with the optimizer's EMA weights around evaluation/prediction.

    The optimizer must be created with ``use_ema=True``. With `swap_on_epoch`, the EMA
    weights are also swapped in at each epoch end (so checkpoints written then hold them)
    and swapped out again at the next epoch start; after the last epoch they stay in the
    model.

    Args:
        swap_on_epoch: also swap at epoch boundaries.

    Example:
        >>> model.compile(optimizer=keras.optimizers.SGD(use_ema=True), loss="mse")  # doctest: +SKIP
        >>> model.fit(x, y, callbacks=[SwapEMAWeights()])  # doctest: +SKIP
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            chosen = [opt for opt in optimizer.optimizers if getattr(opt, "use_ema", False)]
            if not chosen:
                raise ValueError("SwapEMAWeights needs at least one inner optimizer with "
                                 "`use_ema=True`; every inner optimizer has `use_ema=False`.")
        else:
            chosen = [optimizer]
        for opt in chosen:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError("SwapEMAWeights needs an optimizer created with `use_ema=True`; "
                                 f"received use_ema={getattr(opt, 'use_ema', None)}.")
        return chosen

    def _pairs(self):
        for opt in self._ema_optimizers():
            yield from zip(opt._trainable_variables, opt._model_variables_moving_average)

    def _swap(self):
        for variable, average in self._pairs():
            current = variable.numpy()
            variable.assign(average.value)
            average.assign(current)
        self._ema_weights_in_model = not self._ema_weights_in_model

    def _finalize(self):
        """Makes the averages equal to the (now EMA) model weights, so both agree."""
        for variable, average in self._pairs():
            average.assign(variable.value)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap()
            if self.params and epoch == self.params.get("epochs", 0) - 1:
                self._finalize()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap()

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap()

    def on_predict_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap()

    def on_predict_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap()
