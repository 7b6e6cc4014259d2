"""The automatic progress display outside a kernel: registration, and what each `verbose`
shows (in a kernel: tests/widgets/test_live_kernel.py)."""

import numpy as np

import kerasnb as keras
from kerasnb.engine.callbacks import progress_display
from kerasnb.widgets.live_display import LiveDisplay, disable_live_display, enable_live_display


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((256, 4), dtype=np.float32)
    return x, (x.sum(1) > 2).astype("int32")


def test_live_display_is_chosen_only_in_a_kernel(trainable_backend, capsys):
    x, y = _data()
    model = _model()
    enable_live_display()
    try:
        assert progress_display() is LiveDisplay
        model.fit(x, y, epochs=1, batch_size=32, verbose=1)
        model.predict(x, verbose=1)
        out = capsys.readouterr().out.splitlines()
        assert [line.split(" ")[0] for line in out] == ["8/8", "8/8"]
    finally:
        disable_live_display()
    assert progress_display() is None


def test_verbose_outside_a_kernel(capsys):
    keras.config.set_backend("torch")
    x, y = _data()
    model = _model()
    enable_live_display()
    try:
        assert progress_display() is LiveDisplay
        model.fit(x, y, epochs=2, batch_size=32, verbose=2)
        lines = capsys.readouterr().out.splitlines()
        assert [line.split(" - ")[0] for line in lines] == ["Epoch 1/2", "8/8", "Epoch 2/2", "8/8"]
        model.fit(x, y, epochs=2, batch_size=32, verbose=0)
        assert capsys.readouterr().out == ""
        model.fit(x, y, epochs=1, batch_size=32, verbose=1)
        assert capsys.readouterr().out.startswith("8/8 ")
        model.evaluate(x, y, verbose=1)
        assert "loss: " in capsys.readouterr().out
    finally:
        disable_live_display()
    assert progress_display() is None
