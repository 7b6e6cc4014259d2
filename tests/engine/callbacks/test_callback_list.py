"""CallbackList dispatch, logs conversion, History, the default progress display hook."""

import numpy as np
import pytest

import kerasnb.callbacks as callbacks
from kerasnb.engine import callbacks as engine_callbacks
from kerasnb.engine.ops import core
from tests.engine.callbacks.fakes import FakeModel, run_fit

HOOKS = ["on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_batch_begin",
         "on_train_batch_end", "on_batch_end", "on_test_begin", "on_test_end",
         "on_epoch_end", "on_train_end"]


class Recorder(callbacks.Callback):
    """Records every hook call, keeping the default train-batch -> batch forwarding."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(name):
        def hook(self, *args, **kwargs):
            self.calls.append((name,) + args)
            default = getattr(callbacks.Callback, name)
            return default(self, *args, **kwargs)
        return hook

    for _name in HOOKS:
        locals()[_name] = _record(_name)
    del _name


def test_hook_order_of_a_fit_loop():
    recorder = Recorder()
    run_fit(FakeModel(), [recorder], losses=[1.0, 0.5], steps=1, val_losses=[2.0, 1.0])
    names = [call[0] for call in recorder.calls]
    epoch = ["on_epoch_begin", "on_train_batch_begin", "on_batch_begin", "on_train_batch_end",
             "on_batch_end", "on_test_begin", "on_test_end", "on_epoch_end"]
    assert names == ["on_train_begin"] + epoch * 2 + ["on_train_end"]
    assert recorder.calls[-2] == ("on_epoch_end", 1, {"loss": 0.5, "val_loss": 1.0})


def test_batch_hooks_reach_only_callbacks_that_override_them():
    class OnlyEpochs(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.last = epoch

    class GenericBatch(callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = []

        def on_batch_end(self, batch, logs=None):
            self.batches.append((batch, logs["loss"]))

    quiet, generic = OnlyEpochs(), GenericBatch()
    lambda_cb = callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: None)
    cbs = callbacks.CallbackList([quiet, [generic, lambda_cb]])
    assert cbs._listeners["on_train_batch_end"] == [generic]
    assert cbs._listeners["on_train_batch_begin"] == [lambda_cb]
    assert cbs._listeners["on_test_batch_end"] == []
    cbs.on_train_batch_end(3, {"loss": 2})
    cbs.on_epoch_end(4)
    assert generic.batches == [(3, 2.0)] and quiet.last == 4


def test_logs_become_sorted_python_floats(backend):
    seen = {}
    lam = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.update(logs=logs))
    logs = {"z": core.convert_to_tensor(np.float32(1.5)), "a": np.float64(2.0),
            "nested": {"m": 3}, "vector": np.array([1.0, 2.0])}
    callbacks.CallbackList([lam]).on_epoch_end(0, logs)
    assert list(seen["logs"]) == ["a", "m", "vector", "z"]
    assert type(seen["logs"]["z"]) is float and seen["logs"]["z"] == 1.5
    assert type(seen["logs"]["m"]) is float
    np.testing.assert_array_equal(seen["logs"]["vector"], [1.0, 2.0])


def test_history_is_added_once_and_set_on_the_model():
    model = FakeModel()
    history = run_fit(model, [], losses=[3.0, 2.0, 1.0], val_losses=[4.0, 3.0, 2.0])
    assert isinstance(history, callbacks.History)
    assert history.epoch == [0, 1, 2]
    assert history.history == {"loss": [3.0, 2.0, 1.0], "val_loss": [4.0, 3.0, 2.0]}
    mine = callbacks.History()
    cbs = callbacks.CallbackList([mine], add_history=True, model=model)
    assert [c for c in cbs.callbacks if isinstance(c, callbacks.History)] == [mine]
    assert model.history is mine


def test_params_and_model_reach_every_callback():
    model, recorder = FakeModel(), Recorder()
    callbacks.CallbackList([recorder], model=model, verbose=0, epochs=3, steps=5)
    assert recorder.model is model
    assert recorder.params == {"verbose": 0, "epochs": 3, "steps": 5}


def test_progbar_default_and_registered_display():
    plain = callbacks.CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=1)
    assert isinstance(plain.callbacks[-1], callbacks.ProgbarLogger)
    assert engine_callbacks.progress_display() is None

    class Display(callbacks.Callback):
        pass

    engine_callbacks.set_progress_display(Display)
    try:
        assert engine_callbacks.progress_display() is Display
        shown = callbacks.CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=1)
        assert isinstance(shown.callbacks[-1], Display)
        assert shown.callbacks[-1].params["steps"] == 1
        mine = callbacks.ProgbarLogger()
        explicit = callbacks.CallbackList([mine], add_progbar=True)
        assert explicit.callbacks == [mine]
    finally:
        engine_callbacks.set_progress_display(None)
    with pytest.raises(TypeError, match="factory"):
        engine_callbacks.set_progress_display("widget")


def test_bad_callbacks_are_refused():
    with pytest.raises(TypeError, match="callbacks"):
        callbacks.CallbackList([print])
    with pytest.raises(TypeError, match="on_epoch_end"):
        callbacks.LambdaCallback(on_epoch_end=3)


def test_lambda_callback_extra_hooks_and_append():
    events = []
    lam = callbacks.LambdaCallback(on_test_begin=lambda logs: events.append("test"),
                                   on_train_end=lambda logs: events.append("end"))
    cbs = callbacks.CallbackList([], model=FakeModel(), epochs=1)
    cbs.append(lam)
    cbs.on_test_begin()
    cbs.on_train_end()
    assert events == ["test", "end"] and lam.params == {"epochs": 1}


class CountedValue:
    """A log value that counts how often it is converted to float (a device sync)."""

    conversions = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        CountedValue.conversions += 1
        return self.value


def test_progbar_and_tensorboard_convert_batch_logs_only_when_they_use_them(tmp_path, capsys):
    CountedValue.conversions = 0
    quiet = callbacks.CallbackList(
        [callbacks.TensorBoard(str(tmp_path), write_graph=False)], add_progbar=True,
        model=FakeModel(), verbose=1, epochs=1, steps=5)
    quiet.on_train_begin()
    quiet.on_epoch_begin(0)
    for batch in range(5):
        quiet.on_train_batch_begin(batch)
        quiet.on_train_batch_end(batch, {"loss": CountedValue(1.0)})
    assert CountedValue.conversions == 0  # stdout is no terminal, TensorBoard logs per epoch
    seen = []
    listening = callbacks.CallbackList([callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(logs["loss"]))], add_progbar=True,
        verbose=1, epochs=1, steps=2)
    listening.on_train_batch_end(0, {"loss": CountedValue(2.0)})
    assert CountedValue.conversions == 1 and seen == [2.0]
