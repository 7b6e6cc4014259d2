"""The terminal progress bar: averaging, TTY vs file output, verbose modes, ProgbarLogger."""

import io
import re

import pytest

from kerasnb.engine.callbacks import Progbar, ProgbarLogger
from tests.engine.callbacks.fakes import FakeModel, run_fit


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def _values(line):
    """The `` - name: value`` part of a finished line."""
    return re.findall(r" - ([a-z_]+): (\S+)", line)


def test_averaged_and_stateful_values_on_a_terminal(monkeypatch):
    out = FakeTTY()
    monkeypatch.setattr("sys.stdout", out)
    bar = Progbar(target=4, interval=0.0, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.1)])
    bar.update(3, [("loss", 4.0), ("acc", 0.3)])  # loss weighted by the 2 new steps
    frames = out.getvalue().split("\r")[1:]
    assert len(frames) == 2 and not out.getvalue().endswith("\n")
    expected = (1.0 * 1 + 4.0 * 2) / 3
    assert _values(frames[1]) == [("loss", f"{expected:.4f}"), ("acc", "0.3000")]
    assert frames[1].startswith("3/4 " + "━" * 15 + "─" * 5)
    bar.update(4, [("loss", 0.5), ("acc", 0.4)])
    final = out.getvalue().split("\r")[-1]
    assert final.endswith("\n") and _values(final) == [("loss", "0.5000"), ("acc", "0.4000")]


def test_terminal_redraws_are_throttled(monkeypatch):
    out = FakeTTY()
    monkeypatch.setattr("sys.stdout", out)
    bar = Progbar(target=100, interval=3600)
    for step in range(1, 100):
        bar.update(step, [("loss", 1.0)])
    assert out.getvalue().count("\r") == 1  # the first update, then nothing within the interval
    bar.update(100, [("loss", 1.0)])
    assert out.getvalue().count("\r") == 2 and out.getvalue().endswith("\n")


def test_a_file_gets_one_line_per_finished_bar(capsys):
    bar = Progbar(target=3, interval=0.0)
    for step in range(1, 4):
        bar.update(step, [("loss", 2.0 * step)])
    text = capsys.readouterr().out
    assert "\r" not in text and text.count("\n") == 1
    assert text.startswith("3/3 " + "━" * 20) and _values(text) == [("loss", "6.0000")]


def test_small_values_use_scientific_notation(capsys):
    Progbar(target=1, verbose=2).update(1, [("loss", 1e-5)])
    assert _values(capsys.readouterr().out) == [("loss", "1.0000e-05")]


@pytest.mark.parametrize("stateful", [None, ["acc"]])
def test_verbose_2_values_match_keras(capsys, stateful):
    from keras.utils import Progbar as KerasProgbar
    steps = [(1, [("loss", 3.0), ("acc", 0.2)]), (2, [("loss", 1.0), ("acc", 0.6)]),
             (3, [("loss", 2.0), ("acc", 0.7)])]
    lines = []
    for cls in (Progbar, KerasProgbar):
        bar = cls(target=5, verbose=2, stateful_metrics=stateful)
        for current, values in steps:
            bar.update(current, values)
        bar.update(5, [("loss", 0.25)], finalize=True)
        lines.append(capsys.readouterr().out)
    assert _values(lines[0]) == _values(lines[1])
    assert lines[0].startswith("5/5 - ") and lines[0].count("\n") == 1


def test_add_and_unknown_target(capsys):
    bar = Progbar(target=None, verbose=1)
    bar.add(2, [("loss", 1.0)])
    bar.add(3, [("loss", 1.0)])
    assert capsys.readouterr().out == ""  # unknown target: never finished by itself
    bar.update(5, finalize=True)
    assert capsys.readouterr().out.startswith("      5/Unknown")


def test_bad_arguments():
    with pytest.raises(ValueError, match="stateful_metrics"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    with pytest.raises(ValueError, match="verbose"):
        Progbar(3, verbose=3)


def test_progbar_logger_in_a_fit_loop(capsys):
    run_fit(FakeModel(), [], losses=[1.5, 0.5], steps=3, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert lines[1].startswith("3/3 ") and _values(lines[1]) == [("loss", "1.5000")]
    assert _values(lines[3]) == [("loss", "0.5000")]


def test_progbar_logger_verbose_2_and_unknown_steps(capsys):
    run_fit(FakeModel(), [], losses=[1.0], steps=2, verbose=2)
    assert re.fullmatch(r"2/2 - \d+s - \d+[mu]?s/step - loss: 1\.0000\n", capsys.readouterr().out)
    logger = ProgbarLogger()
    logger.set_params({"verbose": "auto", "epochs": 1, "steps": None})
    logger.on_epoch_begin(0)
    for batch in range(4):
        logger.on_train_batch_end(batch, {"loss": 2.0})
    logger.on_epoch_end(0, {"loss": 2.0})
    assert logger.target == 4 and capsys.readouterr().out.startswith("4/4 ")


def test_progbar_logger_redraws_live_on_a_terminal(monkeypatch):
    out = FakeTTY()
    monkeypatch.setattr("sys.stdout", out)
    run_fit(FakeModel(), [], losses=[0.75], steps=4, verbose=1)
    frames = out.getvalue().split("\r")
    assert frames[0] == "" and frames[1].startswith("1/4 " + "━" * 5 + "─" * 15)
    assert _values(frames[1]) == [("loss", "0.7500")]  # the first step always draws
    assert frames[-1].startswith("4/4 ") and frames[-1].endswith("\n")
