"""The magics in a real Jupyter kernel: a notebook run by nbclient, completion over ZMQ."""

import re

from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

CELLS = [
    "%load_ext kerasnb\n%load_ext kerasnb\n%keras_backend numpy",
    "import numpy as np, kerasnb as keras\n"
    "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"
    "%keras_backend torch",
    "%keras_backend",
    "%keras_backend nope",
    "%%keras_backend jax\nkeras.backend.backend()",
    "%%keras_compare numpy torch\nm(np.ones((4, 3), 'float32'))",
    "keras.backend.backend()",
]


def _outputs(cell):
    texts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            texts.append(("stream" if out.name == "stdout" else out.name, out.text))
        elif out.output_type == "error":
            texts.append(("error", f"{out.ename}: {out.evalue}"))
        else:
            texts.append(("data", out.data))
    return texts


def test_notebook_with_magics_runs_in_a_real_kernel():
    notebook = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    NotebookClient(notebook, timeout=300, allow_errors=True, kernel_name="python3").execute()
    out = [_outputs(cell) for cell in notebook.cells]

    first = out[0][0][1].splitlines()
    assert re.fullmatch(r"kerasnb is on the (numpy|jax|torch|tensorflow) backend \(chosen by .+\)\. "
                        r"%keras_backend lists the backends; %keras_backend NAME switches\.",
                        first[0])
    assert first[1] == "The kerasnb extension is already loaded. To reload it, use:"
    assert re.fullmatch(r"(jax|torch|tensorflow) → numpy: 0 variables moved \(0 B\) in [\d.]+ ms",
                        first[-1]) or first[-1] == "Already on numpy; nothing moved."
    line = out[1][0][1]
    assert line.startswith("numpy → torch: 2 variables moved (32 B) in ") and line.endswith(" ms\n")

    table = out[2][0][1]
    assert '<table class="kerasnb-table">' in table["text/html"]
    assert table["text/plain"].splitlines()[4].startswith("torch") and "←" in table["text/plain"]

    assert out[3] == [("stderr", "UsageError: Unknown backend 'nope': expected one of numpy, "
                                 "jax, torch, tensorflow, openvino.\n")]
    assert out[4][0][1]["text/plain"] == "'jax'"

    compare = out[5][0][1]
    rows = compare["text/plain"].splitlines()
    assert rows[0] == "Backend comparison" and rows[2].startswith("numpy") and \
        rows[3].startswith("torch")
    assert float(rows[3].split()[-1]) < 1e-6
    assert compare["text/html"].count("<tr") == 3
    assert out[6][0][1]["text/plain"] == "'torch'"


def test_backend_names_complete_through_the_kernel_protocol():
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive("%load_ext kerasnb", timeout=120)
        code = "%keras_backend te"
        reply = client.complete(code, len(code), reply=True, timeout=60)["content"]
        assert reply["matches"] == ["tensorflow"]
        assert (reply["cursor_start"], reply["cursor_end"]) == (len(code) - 2, len(code))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
