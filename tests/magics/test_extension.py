"""The IPython extension, driven through a real `InteractiveShell`."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from IPython.core.completer import provisionalcompleter
from IPython.core.interactiveshell import InteractiveShell

import kerasnb
from kerasnb import magics
from kerasnb.engine import backend as engine_backend
from kerasnb.magics.tables import Table

TRAINABLE = ("jax", "torch", "tensorflow")


@pytest.fixture
def shell():
    """A shell with the extension loaded, unloaded again after the test."""
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "kerasnb")
    ip.run_cell("import numpy as np\nimport kerasnb as keras", store_history=False)
    yield ip
    ip.run_line_magic("unload_ext", "kerasnb")


def run(ip, source):
    """Runs a cell; returns (its Out value, the exception it raised or None)."""
    result = ip.run_cell(source, store_history=False)
    return result.result, result.error_in_exec or result.error_before_exec


def test_load_is_idempotent_and_unload_restores(shell):
    shell.run_line_magic("unload_ext", "kerasnb")
    kerasnb.config.set_backend("numpy")
    shell.run_line_magic("load_ext", "kerasnb")          # loaded at numpy
    magics.load_ipython_extension(shell)                  # a second load changes nothing
    assert "keras_backend" in shell.magics_manager.magics["line"]
    assert "keras_compare" in shell.magics_manager.magics["cell"]
    run(shell, "%keras_backend torch")
    shell.run_line_magic("unload_ext", "kerasnb")
    assert kerasnb.config.backend() == "numpy"
    assert "keras_backend" not in shell.magics_manager.magics["line"]
    assert not shell.Completer.custom_matchers
    _, error = run(shell, "%keras_backend")
    assert error is not None
    kerasnb.load_ipython_extension(shell)                 # the fixture unloads it again


def test_loading_announces_the_backend_once_and_why(shell, capsys, monkeypatch, tmp_path):
    shell.run_line_magic("unload_ext", "kerasnb")
    monkeypatch.setenv("KERASNB_BACKEND", "torch")
    kerasnb.config.set_backend("torch")
    capsys.readouterr()
    shell.run_line_magic("load_ext", "kerasnb")
    magics.load_ipython_extension(shell)                  # already loaded: no second line
    lines = [line for line in capsys.readouterr().out.splitlines() if "kerasnb is on" in line]
    assert len(lines) == 1 and "torch backend (chosen by $KERASNB_BACKEND)" in lines[0]
    shell.run_line_magic("unload_ext", "kerasnb")
    kerasnb.config.set_backend("numpy")                   # not the default any more
    shell.run_line_magic("load_ext", "kerasnb")
    assert "numpy backend (set in this session)" in capsys.readouterr().out


def test_default_backend_comes_from_env_then_config_then_first_installed(monkeypatch, tmp_path):
    for var in ("KERASNB_BACKEND", "KERAS_BACKEND"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KERASNB_HOME", str(tmp_path))
    assert engine_backend.default() == ("jax", "the first installed of jax, torch, tensorflow, numpy")
    (tmp_path / "config.json").write_text('{"backend": "TensorFlow"}')
    assert engine_backend.default() == ("tensorflow", str(tmp_path / "config.json"))
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    assert engine_backend.default() == ("numpy", "$KERAS_BACKEND")


def test_table_of_backends_marks_the_current_one(shell):
    kerasnb.config.set_backend("torch")
    table, error = run(shell, "%keras_backend")
    assert error is None and isinstance(table, Table)
    text = repr(table)
    for name in engine_backend.NAMES:
        assert name in text
    current = [line for line in text.splitlines() if line.endswith("←")]
    assert len(current) == 1 and current[0].startswith("torch")
    assert "2.13.0" in current[0] and "cpu" in current[0]
    root = ET.fromstring(table._repr_html_())
    assert root.find("table").get("class") == "kerasnb-table"
    assert root.find("table/caption").text == "kerasnb backends"
    rows = root.findall("table/tbody/tr")
    assert len(rows) == len(engine_backend.NAMES)
    assert [r.find("td").text for r in rows if r.get("style") == "font-weight:bold"] == ["torch"]


def test_switch_moves_live_models_and_prints_one_line(shell, capsys):
    kerasnb.config.set_backend("jax")
    run(shell, "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n"
               "m.compile(optimizer='adam', loss='mse')\n"
               "m.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0)\n"
               "before = m.predict(np.ones((2, 4)), verbose=0)")
    capsys.readouterr()
    _, error = run(shell, "%keras_backend torch")
    line = capsys.readouterr().out.strip()
    assert error is None and kerasnb.config.backend() == "torch"
    assert line.startswith("jax → torch: ") and line.endswith(" ms")
    moved = int(line.split(": ")[1].split()[0])
    assert moved >= 2 + 2 + 2 + 1  # kernel, bias, two Adam slots each, iterations
    import torch
    weights = shell.user_ns["m"].layers[0].kernel.value
    assert isinstance(weights, torch.Tensor)
    after, _ = run(shell, "m.predict(np.ones((2, 4)), verbose=0)")
    np.testing.assert_allclose(after, shell.user_ns["before"], rtol=1e-6)


def test_aliases_and_the_same_backend(shell, capsys):
    kerasnb.config.set_backend("torch")
    run(shell, "%keras_backend TF")
    assert kerasnb.config.backend() == "tensorflow"
    capsys.readouterr()
    run(shell, "%keras_backend tensorflow")
    assert capsys.readouterr().out.strip() == "Already on tensorflow; nothing moved."


def test_bad_name_is_one_line_and_keeps_the_backend(shell, capsys):
    kerasnb.config.set_backend("numpy")
    _, error = run(shell, "%keras_backend pytorch2")
    out = capsys.readouterr()
    message = (out.out + out.err).strip()
    assert message == ("UsageError: Unknown backend 'pytorch2': expected one of numpy, jax, "
                       "torch, tensorflow, openvino.")
    assert kerasnb.config.backend() == "numpy"


def test_missing_framework_names_the_pip_extra(shell, capsys, monkeypatch):
    kerasnb.config.set_backend("numpy")
    monkeypatch.setattr(engine_backend._state, "modules", {})
    monkeypatch.setattr(engine_backend, "is_installed", lambda name: name != "tensorflow")
    run(shell, "%keras_backend tensorflow")
    out = capsys.readouterr()
    lines = (out.out + out.err).strip().splitlines()
    assert len(lines) == 1 and "pip install 'kerasnb[tensorflow]'" in lines[0]
    assert kerasnb.config.backend() == "numpy"


def test_switch_is_refused_while_busy(shell, capsys):
    kerasnb.config.set_backend("numpy")
    with engine_backend.busy("fit()"):
        run(shell, "%keras_backend jax")
        _, error = run(shell, "%%keras_compare\n1")
    out = capsys.readouterr()
    assert "while fit() is running" in out.out + out.err
    assert error is not None and kerasnb.config.backend() == "numpy"


def test_tab_completion_of_backend_names(shell):
    for line, expected in [("%keras_backend t", ["tensorflow", "torch"]),
                           ("%%keras_backend n", ["numpy"]),
                           ("%%keras_compare jax to", ["torch"])]:
        with provisionalcompleter():  # the API Jupyter's kernel uses
            matches = [c.text for c in shell.Completer.completions(line, len(line))]
        assert sorted(matches) == expected
    body = "%%keras_backend jax\nx = tens"  # the cell's body is Python, not a backend name
    with provisionalcompleter():
        assert "tensorflow" not in [c.text for c in shell.Completer.completions(body, len(body))]


def test_cell_magic_runs_under_backend_and_restores(shell):
    kerasnb.config.set_backend("numpy")
    value, error = run(shell, "%%keras_backend jax\n"
                              "x = keras.ops.ones((2,))\n"
                              "keras.backend.backend(), type(x).__module__")
    assert error is None and value[0] == "jax" and value[1].startswith("jax")
    assert kerasnb.config.backend() == "numpy"
    _, error = run(shell, "%%keras_backend torch\nraise KeyError('inside')")
    assert isinstance(error, KeyError) and kerasnb.config.backend() == "numpy"
    value, _ = run(shell, "%%keras_backend torch\n41 + 1;")
    assert value is None


def test_compare_defaults_to_trainable_backends_and_measures_differences(shell):
    kerasnb.config.set_backend("numpy")
    run(shell, "keras.utils.set_random_seed(0)\n"
               "m = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation='tanh')])")
    table, error = run(shell, "%%keras_compare\nm(np.linspace(-1, 1, 15).reshape(3, 5))")
    assert error is None and list(table.values) == list(TRAINABLE)
    assert [row[0] for row in table.rows] == list(TRAINABLE)
    assert table.rows[0][3] == "reference"
    for row in table.rows[1:]:
        assert float(row[3]) < 1e-5
    assert table.rows[0][1].startswith("float32 (3, 4), mean")
    assert kerasnb.config.backend() == "numpy"
    assert ET.fromstring(table._repr_html_()).find("table/caption").text == "Backend comparison"


def test_compare_rewinds_state_and_reports_errors_per_backend(shell):
    kerasnb.config.set_backend("numpy")
    run(shell, "v = keras.Variable(np.zeros(3, 'float32'))")
    table, error = run(shell, "%%keras_compare torch, numpy jax\n"
                              "if keras.backend.backend() == 'numpy':\n"
                              "    raise ValueError('no gradients here')\n"
                              "v.assign_add(np.full(3, np.random.rand(), 'float32'))\n"
                              "v.value")
    assert error is None
    assert table.errors == {"numpy": "ValueError: no gradients here"}
    assert table.rows[1] == ["numpy", "ValueError: no gradients here", "", ""]
    assert table.rows[2][3] == "0"  # same start, same NumPy draw: identical results
    np.testing.assert_allclose(shell.user_ns["v"].numpy(), table.values["torch"].numpy())
    assert "numpy" in repr(table) and kerasnb.config.backend() == "numpy"


def test_compare_summaries_of_nests_and_objects(shell):
    table, _ = run(shell, "%%keras_compare jax torch\n{'a': keras.ops.ones((2,)), 'b': 3.0}")
    assert table.rows[0][1] == "dict of 2 arrays, 3 values" and table.rows[1][3] == "0"
    table, _ = run(shell, "%%keras_compare jax torch\nobject()")
    assert table.rows[1][1].startswith("<object object") and table.rows[1][3] == "not numeric"
    _, error = run(shell, "%%keras_compare jax caffe\n1")
    assert "Unknown backend 'caffe'" in str(error)


def test_switch_line_sizes_bytes_for_people():
    from kerasnb.backend import SwitchReport
    from kerasnb.magics.extension import describe_switch
    lines = [describe_switch(SwitchReport("jax", "torch", 16, n, 2.04))
             for n in (60, 4000, 12132140)]
    assert lines == ["jax → torch: 16 variables moved (60 B) in 2.0 ms",
                     "jax → torch: 16 variables moved (3.9 KB) in 2.0 ms",
                     "jax → torch: 16 variables moved (11.6 MB) in 2.0 ms"]
