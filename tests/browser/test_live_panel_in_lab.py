"""The live training panel in a real JupyterLab and Notebook 7: it renders, its plotly chart
draws every line with its points (while `fit` runs and after), and Stop works."""

import json
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.browser.lab import (
    chromium_page, copy_without_outputs, jupyter, open_and_run_all, plotly_traces, start_run_all)

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "docs")
TUTORIAL = os.path.join(os.path.dirname(DOCS), "notebooks",
                        "04_live_training_and_inspectors.ipynb")
# one chart of loss and accuracy: per metric, the batch line, the epoch line and validation
LINES = ["train (batches)", "train", "validation"] * 2

# True once exactly one chart shows all 6 lines, each drawn through at least 2 points.
_LIVE_CHART_DRAWN = """() => {
    const plots = [...document.querySelectorAll('.jp-OutputArea .js-plotly-plot')];
    return plots.length === 1 && plots[0].querySelectorAll('.scatterlayer .trace').length === 6
        && [...plots[0].querySelectorAll('.scatterlayer .trace path.js-line')]
            .filter(p => (p.getAttribute('d') || '').includes('L')).length === 6;
}"""


_BATCH_LINE = "() => document.querySelector('.jp-OutputArea .scatterlayer .trace path.js-line')" \
    ".getAttribute('d')"


def _write(folder, name, cells):
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3"}}), folder / name)


def _assert_final_chart(traces, epochs):
    """Every line is drawn; the per-epoch lines have one marker per epoch."""
    assert len(traces) == len(LINES)
    for trace, line in zip(traces, LINES):
        assert trace["vertices"] >= 2, (line, traces)
        assert trace["markers"] == (0 if line == "train (batches)" else epochs), (line, traces)


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_stop_button_ends_a_long_fit_and_the_panel_turns_static(tmp_path, app):
    _write(tmp_path, "live.ipynb", [
        "import numpy as np, kerasnb as keras\n"
        "keras.config.set_backend('torch')\n"
        "x = np.random.default_rng(0).normal(size=(2048, 20)).astype('float32')\n"
        "y = (x[:, 0] > 0).astype('float32')\n"
        "model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation='relu'),"
        " keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n"
        "history = model.fit(x, y, validation_split=0.25, epochs=2000, batch_size=16)",
        "print('epochs run:', len(history.history['loss']))"])
    with jupyter(str(tmp_path), app) as url, chromium_page() as page:
        start_run_all(page, url, "live.ipynb", app)
        stop = page.get_by_role("button", name="Stop")
        stop.wait_for(timeout=120_000)
        page.wait_for_function(  # the progress line moves on while fit runs (an epoch: ~0.2 s)
            "() => /Epoch ([2-9]|\\d\\d+)\\/2000/.test(document.body.innerText)", timeout=240_000)
        page.wait_for_function(_LIVE_CHART_DRAWN, timeout=30_000)
        first = page.evaluate(_BATCH_LINE)
        page.wait_for_function(  # redrawn in place with newer batches
            f"() => ({_LIVE_CHART_DRAWN})() && ({_BATCH_LINE})() !== {json.dumps(first)}", timeout=30_000)
        assert page.locator(".widget-progress, .progress").first.is_visible()
        if app == "lab":
            page.wait_for_function(  # a rate and an ETA in the picture
                "() => /step \\d+\\/96 · ETA/.test(document.body.innerText)", timeout=60_000)
            page.screenshot(path=os.path.join(DOCS, "live_panel.png"))
        stop.click()
        page.wait_for_selector(".kerasnb-live-summary", timeout=120_000)
        summary = page.locator(".kerasnb-live-summary b").inner_text()
        assert summary.startswith("LivePlot: stopped at epoch ")
        page.wait_for_function("() => document.body.innerText.includes('epochs run:')",
                               timeout=60_000)
        ran = int(page.locator("pre", has_text="epochs run:").inner_text().split(":")[1])
        assert 1 <= ran < 2000
        assert page.get_by_role("button", name="Stop").count() == 0  # widgets closed
        page.wait_for_function(_LIVE_CHART_DRAWN, timeout=30_000)  # the static chart
        (final,) = plotly_traces(page)
        _assert_final_chart(final, ran)


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_tour_notebook_renders_panel_chart_and_inspectors(tmp_path, app):
    name = copy_without_outputs(TUTORIAL, str(tmp_path))
    with jupyter(str(tmp_path), app) as url, chromium_page(height=1400) as page:
        open_and_run_all(page, url, name, app)
        assert page.locator(".kerasnb-live-summary").count() == 2
        metrics = page.locator(".kerasnb-live-summary table.kerasnb-live-metrics").first
        aligned = metrics.locator("tbody tr").first.locator("td").evaluate_all(
            "cells => cells.map(td => getComputedStyle(td).textAlign)")
        assert aligned == ["left", "right", "right"]  # the name, then train and validation
        page.wait_for_function(
            "() => document.querySelectorAll('.jp-OutputArea .js-plotly-plot').length === 2")
        charts = plotly_traces(page)
        for traces, epochs in zip(charts, (12, 3)):  # the tour's two fits
            _assert_final_chart(traces, epochs)
        assert page.locator("svg").filter(has_text="conv").count() >= 1  # plot_model
        assert page.locator(".widget-dropdown select").count() >= 2      # both inspectors
        if app == "lab":
            page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(DOCS, "live_panel_done.png"))
