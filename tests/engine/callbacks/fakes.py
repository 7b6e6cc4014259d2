"""A stand-in model, optimizer and fit loop that drive callbacks the way the trainer does."""

import numpy as np

from kerasnb.engine.callbacks import CallbackList
from kerasnb.engine.tensors import Variable


class FakeOptimizer:
    """Has the optimizer surface callbacks use: learning_rate, iterations, variables."""

    def __init__(self, learning_rate=0.1, name="sgd"):
        self.name = name
        self._learning_rate = Variable(np.float32(learning_rate), name="learning_rate")
        self.iterations = Variable(np.int64(0), dtype="int64", name="iterations")
        self.momentum = Variable(np.zeros(3, "float32"), name="momentum")
        self.built = True

    @property
    def learning_rate(self):
        return self._learning_rate.value

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate.assign(np.float32(value))

    @property
    def variables(self):
        return [self.iterations, self.momentum]


class FakeLayer:
    def __init__(self, name, weights):
        self.name = name
        self.weights = []
        for key, value in weights.items():
            variable = Variable(value, name=key)
            variable.path = f"{name}/{key}"
            self.weights.append(variable)


class FakeModel:
    """Weights are Variables in `layers`; save/load write .npz files under the given names."""

    def __init__(self, learning_rate=0.1):
        self.name = "fake"
        self.built = True
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.metrics = []
        self.layers = [FakeLayer("dense", {"kernel": np.arange(6, dtype="float32").reshape(2, 3),
                                           "bias": np.zeros(3, "float32")})]
        self.saved = []

    @property
    def trainable_variables(self):
        return [w for layer in self.layers for w in layer.weights]

    def get_weights(self):
        return [w.numpy() for w in self.trainable_variables]

    def set_weights(self, weights):
        for variable, value in zip(self.trainable_variables, weights):
            variable.assign(value)

    def save_weights(self, filepath, overwrite=True):
        with open(filepath, "wb") as file:
            np.savez(file, *self.get_weights())
        self.saved.append(filepath)

    def save(self, filepath, overwrite=True):
        self.save_weights(filepath, overwrite)

    def load_weights(self, filepath):
        with np.load(filepath) as stored:
            self.set_weights([stored[f"arr_{i}"] for i in range(len(stored.files))])


def run_fit(model, callbacks, losses, steps=2, val_losses=None, fail_at_epoch=None, verbose=0):
    """A training loop like the trainer's: epoch e reports ``losses[e]``; weights become ``e+1``.

    Returns the History. With `fail_at_epoch`, raises RuntimeError at that epoch's start.
    """
    epochs = len(losses)
    callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                 model=model, verbose=verbose, epochs=epochs, steps=steps)
    model.stop_training = False
    model._initial_epoch = None
    callback_list.on_train_begin()
    start = model._initial_epoch or 0
    for epoch in range(start, epochs):
        if epoch == fail_at_epoch:
            raise RuntimeError("interrupted")
        callback_list.on_epoch_begin(epoch)
        for step in range(steps):
            callback_list.on_train_batch_begin(step)
            model.set_weights([np.full(w.shape, epoch + 1, "float32") for w in model.get_weights()])
            model.optimizer.iterations.assign_add(np.int64(1))
            model.optimizer.momentum.assign(np.full(3, epoch * 10 + step, "float32"))
            callback_list.on_train_batch_end(step, {"loss": losses[epoch]})
            if model.stop_training:
                break
        logs = {"loss": losses[epoch]}
        if val_losses is not None:
            callback_list.on_test_begin()
            callback_list.on_test_end({"loss": val_losses[epoch]})
            logs["val_loss"] = val_losses[epoch]
        callback_list.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callback_list.on_train_end()
    return model.history
