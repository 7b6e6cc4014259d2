"""What people see: the magics' tables rendered by a real JupyterLab in Chromium."""

import os

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from tests.browser.lab import chromium_page, jupyter, open_and_run_all

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "docs")


def test_backend_table_and_comparison_render_in_jupyterlab(tmp_path):
    cells = ["%load_ext kerasnb\n%keras_backend",
             "import numpy as np, kerasnb as keras\n"
             "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])",
             "%%keras_compare jax torch\nm(np.ones((4, 3), 'float32'))"]
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells],
                                metadata={"kernelspec": {"name": "python3",
                                                         "display_name": "Python 3"}}),
                   tmp_path / "magics.ipynb")
    with jupyter(str(tmp_path)) as url, chromium_page() as page:
        open_and_run_all(page, url, "magics.ipynb")
        tables = page.locator("table.kerasnb-table")
        assert tables.count() == 2
        backends = tables.nth(0)
        assert backends.locator("tbody tr").count() == 5
        current = backends.locator("tbody tr[style*='bold'] td").first
        assert current.inner_text() in ("jax", "torch", "tensorflow", "numpy")
        # text cells stay left-aligned, although JupyterLab right-aligns output tables
        assert current.evaluate("td => getComputedStyle(td).textAlign") == "left"
        comparison = tables.nth(1)
        assert comparison.locator("caption").inner_text() == "Backend comparison"
        rows = comparison.locator("tbody tr")
        assert [rows.nth(i).locator("td").first.inner_text() for i in range(2)] == ["jax", "torch"]
        assert comparison.is_visible() and comparison.bounding_box()["height"] > 40
        os.makedirs(DOCS, exist_ok=True)
        page.screenshot(path=os.path.join(DOCS, "magics_in_jupyterlab.png"))
