"""Errors raised through public entry points show the user's frames, not kerasnb's."""

import os
import traceback

import numpy as np
import pytest

import kerasnb as keras
from kerasnb import layers
from kerasnb.engine import tracebacks

PACKAGE = os.path.dirname(os.path.abspath(keras.__file__)) + os.sep


def _files(error):
    return [frame.filename for frame in traceback.extract_tb(error.__traceback__)]


def _internal(files):
    return [f for f in files if f.startswith(PACKAGE) and not f.endswith("tracebacks.py")]


@pytest.fixture
def filtering():
    yield
    keras.config.enable_traceback_filtering()


def _bad_fit():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 4)), np.ones((7, 2)), verbose=0)


def test_fit_error_keeps_the_message_and_only_the_callers_frames(filtering):
    with pytest.raises(ValueError) as caught:
        _bad_fit()
    files = _files(caught.value)
    assert __file__ in files and not _internal(files)
    assert "8" in str(caught.value) and "7" in str(caught.value)   # the sentence itself is intact


def test_disabling_filtering_shows_the_internal_frames(filtering):
    keras.config.disable_traceback_filtering()
    with pytest.raises(ValueError) as caught:
        _bad_fit()
    assert _internal(_files(caught.value))


def test_frames_of_user_code_called_by_kerasnb_are_kept(filtering):
    class Broken(layers.Layer):
        def call(self, x):
            raise RuntimeError("broken layer")

    with pytest.raises(RuntimeError, match="broken layer") as caught:
        keras.Sequential([Broken()])(np.ones((2, 3)))
    names = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert "call" in names and not _internal(_files(caught.value))


def test_cause_and_type_are_unchanged():
    cause = KeyError("inner")

    @tracebacks.filter_traceback
    def entry():
        raise TypeError("outer") from cause

    with pytest.raises(TypeError, match="outer") as caught:
        entry()
    assert caught.value.__cause__ is cause and caught.value.__context__ is not caught.value
