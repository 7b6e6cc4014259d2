"""The inspectors in a real Jupyter kernel: what a saved notebook keeps of them."""

import json
import xml.etree.ElementTree as ET

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

WIDGET = "application/vnd.jupyter.widget-view+json"
CELLS = [
    "import numpy as np, kerasnb as keras\n"
    "from kerasnb.widgets.inspectors import LayerInspector, WeightInspector\n"
    "keras.backend.set_backend('torch')\n"
    "rng = np.random.default_rng(0)\n"
    "x = rng.random((16, 6, 6, 1)).astype('float32'); y = rng.integers(0, 3, 16)\n"
    "model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3, name='conv'),\n"
    "    keras.layers.Flatten(), keras.layers.Dense(3, activation='softmax', name='probs')])\n"
    "model.compile('adam', 'sparse_categorical_crossentropy')\n"
    "inspector = WeightInspector(model)\n"
    "inspector",
    "model.fit(x, y, epochs=2, verbose=0, callbacks=[inspector]);",
    "LayerInspector(model, x, y=y)",
]


def test_saved_notebook_keeps_widget_text_and_final_html():
    notebook = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    weights = notebook.cells[0].outputs
    assert len(weights) == 1 and weights[0].output_type == "display_data"
    data = weights[0].data
    assert data["text/plain"] == "WeightInspector: 4 variables in 2 layers"
    assert set(data[WIDGET]) >= {"model_id", "version_major"}
    # fit ended by rewriting the displayed output: the static view shows the last epoch
    assert "<b>epoch 2</b> (2 of 2)" in data["text/html"]
    ET.fromstring(f"<root>{data['text/html']}</root>")
    assert notebook.cells[1].outputs == []

    layers = notebook.cells[2].outputs[0].data
    assert layers["text/plain"] == "LayerInspector: 3 layers, 16 samples"
    assert "<b>sample 0</b> of 16" in layers["text/html"] and WIDGET in layers
    size = len(json.dumps(nbformat.from_dict(notebook)))
    assert size < 100_000, size
