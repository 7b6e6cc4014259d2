"""Every notebook of the tour, run from JupyterLab's "Run All" in Chromium: every cell runs,
no unexpected error shows, every widget renders; a screenshot of each goes to
docs/screenshots/."""

import glob
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import TimeoutError as PageTimeout

from tests.browser.lab import (
    chromium_page, copy_without_outputs, jupyter, run_all_until_done, shut_down_kernels)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
SCREENSHOTS = os.path.join(ROOT, "docs", "screenshots")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# the text/plain of a widget, shown when its view could not be rendered
WIDGET_REPRS = ("HBox(", "VBox(", "FloatProgress(", "IntProgress(", "Output(", "Tab(")
STUCK_WIDGET = "() => ![...document.querySelectorAll('.jp-OutputArea-output')].some(" \
    "node => node.textContent.trim() === 'Loading widget...')"

# Per code cell: what the notebook model holds and what the page shows.
_CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(cell => cell.model.type === 'code')
    .map(cell => ({
        source: cell.model.sharedModel.getSource(),
        tags: cell.model.getMetadata('tags') || [],
        count: cell.model.executionCount,
        outputs: cell.model.outputs.toJSON().map(output => ({
            type: output.output_type, name: output.name || null,
            text: [].concat(output.text || []).join('') + (output.ename ? output.ename + ': '
                + output.evalue : ''),
            mimes: Object.keys(output.data || {})})),
        shown: [...cell.node.querySelectorAll('.jp-OutputArea-output')].map(node => ({
            mime: node.getAttribute('data-mime-type'),
            text: node.textContent.trim().slice(0, 200),
            widget: node.querySelector('.jupyter-widgets') !== null
                && node.getBoundingClientRect().height > 0}))}))"""

# The cell to show: the last with the richest rendered output (widget, chart, picture, table);
# the notebook's top when all are text.
_SHOW_RICHEST = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const rank = cell => Math.max(0, ...[
        '.jupyter-widgets', '.js-plotly-plot', '.jp-RenderedSVG, .jp-RenderedImage', 'table']
        .map((selector, i) => cell.node.querySelector('.jp-OutputArea ' + selector) ? 4 - i : 0));
    const cells = panel.content.widgets;
    const best = cells.reduce((top, cell) => rank(cell) >= rank(top) ? cell : top, cells[0]);
    const shown = rank(best) > 0 ? best : cells[0];
    window.jupyterapp.shell.collapseLeft();
    panel.content.activeCellIndex = cells.indexOf(shown);
    shown.node.scrollIntoView({block: rank(best) > 0 ? 'center' : 'start'});
}"""


def _label(cell):
    return f"cell [{cell['count']}] {cell['source'].splitlines()[0][:60]!r}"


def _problems(cells):
    """What went wrong on the page, one line each (empty when the notebook ran cleanly)."""
    problems = []
    for cell in cells:
        expected = "raises-exception" in cell["tags"]
        if cell["count"] is None:
            problems.append(f"{_label(cell)} did not run")
        failures = [o["text"][-300:] for o in cell["outputs"] if o["type"] == "error" or (
            o["name"] == "stderr" and ("Traceback" in o["text"] or "Error" in o["text"]))]
        if failures and not expected:
            problems.append(f"{_label(cell)} failed: {failures}")
        if expected and not failures:
            problems.append(f"{_label(cell)} is tagged raises-exception but raised nothing")
        views = sum(WIDGET_VIEW in o["mimes"] for o in cell["outputs"])
        drawn = sum(shown["widget"] for shown in cell["shown"])
        if drawn < views:
            problems.append(f"{_label(cell)}: {views - drawn} of {views} widgets not drawn")
        for shown in cell["shown"]:
            if shown["text"] == "Loading widget..." or shown["text"].startswith(
                    "Error displaying widget") or (shown["mime"] == "text/plain"
                                                   and shown["text"].startswith(WIDGET_REPRS)):
                problems.append(f"{_label(cell)} shows {shown['text'][:80]!r} for a widget")
    return problems


def test_problems_name_each_failure():
    ran = {"source": "pass", "tags": [], "count": 1, "outputs": [], "shown": []}
    assert _problems([ran]) == []
    cells = [
        dict(ran, count=None),
        dict(ran, outputs=[{"type": "error", "name": None, "text": "ValueError: bad",
                            "mimes": []}]),
        dict(ran, tags=["raises-exception"]),
        dict(ran, outputs=[{"type": "display_data", "name": None, "text": "",
                            "mimes": [WIDGET_VIEW, "text/plain"]}],
             shown=[{"mime": "text/plain", "text": "VBox(children=(...))", "widget": False}])]
    found = _problems(cells)
    assert [line.split(" ", 3)[3] for line in found] == [
        "did not run", "failed: ['ValueError: bad']",
        "is tagged raises-exception but raised nothing", "1 of 1 widgets not drawn",
        "shows 'VBox(children=(...))' for a widget"]


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """One JupyterLab serving an output-free copy of notebooks/ (the repository's files are
    never opened by the browser)."""
    root = tmp_path_factory.mktemp("tour")
    for path in NOTEBOOKS:
        copy_without_outputs(path, str(root))
    with jupyter(str(root)) as url:
        yield url, root


@pytest.fixture
def lab(lab_server):
    """The shared JupyterLab; the test's kernels are shut down after it."""
    yield lab_server
    shut_down_kernels(lab_server[0])


def _run_and_check(page, url, name):
    """Runs notebook `name` from Lab's "Run All"; returns its problems."""
    run_all_until_done(page, url, name, workspace=name.split(".")[0])
    try:
        page.wait_for_function(STUCK_WIDGET, timeout=30_000)
    except PageTimeout:  # reported by _problems, with the cell it belongs to
        pass
    return _problems(page.evaluate(_CELLS))


def test_page_check_finds_a_failure_the_cells_it_skipped_and_drawn_widgets(lab):
    url, root = lab
    cells = ["import ipywidgets\nipywidgets.VBox([ipywidgets.IntSlider()])",
             "raise KeyError('tagged')", "print('runs on')",
             "raise ValueError('untagged')", "print('skipped')"]
    notebook = new_notebook(cells=[new_code_cell(c) for c in cells], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3"}})
    notebook.cells[1].metadata["tags"] = ["raises-exception"]
    nbformat.write(notebook, root / "failing.ipynb")
    with chromium_page() as page:
        found = _run_and_check(page, url, "failing.ipynb")
    assert len(found) == 2, found
    assert found[0].startswith("cell [4] \"raise ValueError('untagged')\" failed:")
    assert "ValueError: untagged" in found[0]
    assert found[1] == "cell [None] \"print('skipped')\" did not run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_runs_in_jupyterlab(lab, path):
    url, _ = lab
    name = os.path.basename(path)
    with chromium_page(height=1200) as page:
        problems = _run_and_check(page, url, name)
        page.evaluate(_SHOW_RICHEST)
        page.mouse.move(0, 0)  # no row left highlighted under the pointer
        page.wait_for_timeout(500)  # the scroll and the collapsed side bar repainted
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, name.replace(".ipynb", ".png")))
    assert problems == []
