"""The notebook tour as files: saved with outputs, small, linked in order, sanitized for nbval.

Running the notebooks is nbval's job (`make test`) and the browser check's (`tests/browser`).
"""

import json
import pathlib
import re

import nbformat
import pytest
from nbval.plugin import get_sanitize_patterns

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_NOTEBOOK_BYTES = 1_000_000   # no embedded multi-MB bundles (plotly.js, widget state)
MAX_OUTPUT_BYTES = 300_000


def _expects_error(cell):
    return "raises-exception" in cell.metadata.get("tags", ())  # nbval and Lab's Run All read it


def test_the_tour_is_numbered_without_gaps():
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1)), [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_saved_executed_small_and_clean(path):
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.kernelspec.name == "python3"
    counts = []
    for cell in (c for c in notebook.cells if c.cell_type == "code"):
        assert cell.execution_count is not None, f"{path.name}: a cell was not run:\n{cell.source}"
        counts.append(cell.execution_count)
        errors = [o for o in cell.outputs if o.output_type == "error" or (
            o.output_type == "stream" and o.name == "stderr" and "Error" in o.text)]
        assert bool(errors) == _expects_error(cell), f"{path.name}: unexpected error state:\n{cell.source}"
        size = len(json.dumps(cell.outputs))
        assert size < MAX_OUTPUT_BYTES, f"{path.name}: {size} bytes of output from:\n{cell.source}"
        shown = json.dumps([o for o in cell.outputs if o.output_type != "error"])  # tracebacks name files
        assert "/work/" not in shown and "/root/" not in shown, f"{path.name}: a local path leaked"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), "cells run out of order"


@pytest.mark.parametrize("index", range(len(NOTEBOOKS)), ids=lambda i: NOTEBOOKS[i].stem)
def test_notebook_links_to_its_neighbours(index):
    footer = nbformat.read(NOTEBOOKS[index], as_version=4).cells[-1].source
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", footer)
    assert all((ROOT / "notebooks" / link).exists() for link in links), links
    if index + 1 < len(NOTEBOOKS):
        assert NOTEBOOKS[index + 1].name in links
    if index > 0:
        assert NOTEBOOKS[index - 1].name in links


def test_readme_and_the_first_notebook_link_every_notebook():
    readme = (ROOT / "README.md").read_text()
    first = "".join(c.source for c in nbformat.read(NOTEBOOKS[0], as_version=4).cells)
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.name})" in readme, path.name
        assert f"({path.name})" in first, path.name


def _sanitize(text):
    for pattern, replacement in get_sanitize_patterns((ROOT / "notebooks" / "sanitize.cfg").read_text()):
        text = re.sub(pattern, replacement, text)
    return text


def test_sanitize_file_hides_what_changes_between_runs_and_keeps_the_rest():
    one = "torch → jax: 39 variables moved (78.2 KB) in 3.6 ms; <History at 0x7f4d9c0f7350>"
    two = "torch → jax: 39 variables moved (78.2 KB) in 12.0 ms; <History at 0x7f00aa112233>"
    assert _sanitize(one) == _sanitize(two)
    assert "39 variables moved (78.2 KB)" in _sanitize(one)
    assert _sanitize("epoch 3 · 2210 samples/s · 0:00:04") == _sanitize("epoch 3 · 436 samples/s · 0:01:10")
    assert _sanitize("max |Δ| 9.54e-07") == _sanitize("max |Δ| 1.19e-06")
    assert _sanitize("max |Δ| 0.25") != _sanitize("max |Δ| 0.5")   # real differences still show
    assert _sanitize("loss 0.3741") == "loss 0.3741"


def test_make_test_runs_nbval_with_the_sanitize_file():
    makefile = (ROOT / "Makefile").read_text()
    assert "--nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg notebooks/" in makefile
