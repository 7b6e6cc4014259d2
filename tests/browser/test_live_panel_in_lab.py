"""The live training panel in a real JupyterLab: it renders, updates, and Stop works."""

import os

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from tests.browser.lab import chromium_page, jupyterlab, open_and_run_all, start_run_all

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "docs")
TUTORIAL = os.path.join(os.path.dirname(DOCS), "notebooks",
                        "04_live_training_and_inspectors.ipynb")


def _write(folder, name, cells):
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3"}}), folder / name)


def test_stop_button_ends_a_long_fit_and_the_panel_turns_static(tmp_path):
    _write(tmp_path, "live.ipynb", [
        "import numpy as np, kerasnb as keras\n"
        "keras.config.set_backend('torch')\n"
        "x = np.random.default_rng(0).normal(size=(2048, 20)).astype('float32')\n"
        "y = (x[:, 0] > 0).astype('float32')\n"
        "model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation='relu'),"
        " keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n"
        "history = model.fit(x, y, validation_split=0.25, epochs=500, batch_size=16)",
        "print('epochs run:', len(history.history['loss']))"])
    with jupyterlab(str(tmp_path)) as url, chromium_page() as page:
        start_run_all(page, url, "live.ipynb")
        stop = page.get_by_role("button", name="Stop")
        stop.wait_for(timeout=120_000)
        page.wait_for_function(  # the progress line moves on while fit runs
            "() => /Epoch [3-9]\\/500/.test(document.body.innerText)", timeout=120_000)
        assert page.locator(".js-plotly-plot").count() == 1
        assert page.locator(".widget-progress, .progress").first.is_visible()
        os.makedirs(DOCS, exist_ok=True)
        page.screenshot(path=os.path.join(DOCS, "live_panel.png"))
        stop.click()
        page.wait_for_selector(".kerasnb-live-summary", timeout=120_000)
        summary = page.locator(".kerasnb-live-summary b").inner_text()
        assert summary.startswith("LivePlot: stopped at epoch ")
        page.wait_for_function("() => document.body.innerText.includes('epochs run:')",
                               timeout=60_000)
        ran = int(page.locator("pre", has_text="epochs run:").inner_text().split(":")[1])
        assert 1 <= ran < 500
        assert page.get_by_role("button", name="Stop").count() == 0  # widgets closed


def test_tour_notebook_renders_panel_chart_and_inspectors(tmp_path):
    from tests.browser.lab import copy_without_outputs
    name = copy_without_outputs(TUTORIAL, str(tmp_path))
    with jupyterlab(str(tmp_path)) as url, chromium_page(height=1400) as page:
        open_and_run_all(page, url, name)
        assert page.locator(".kerasnb-live-summary").count() == 2
        assert page.locator(".js-plotly-plot").count() == 2
        assert page.locator("svg").filter(has_text="conv").count() >= 1  # plot_model
        assert page.locator(".widget-dropdown select").count() >= 2      # both inspectors
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(DOCS, "live_panel_done.png"))
