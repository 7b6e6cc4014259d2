"""WeightInspector and LayerInspector: stats, recording, pictures, widget state and fallbacks."""

import base64
import struct
import xml.etree.ElementTree as ET
import zlib

import numpy as np
import pytest

import kerasnb as keras
from kerasnb.widgets import images, svg
from kerasnb.widgets.inspectors import LayerInspector, WeightInspector
from kerasnb.widgets.stats import histogram, tensor_stats
from kerasnb.widgets.weights import kernel_tiles


def _read_png(data):
    """Parses PNG bytes written with filter 0 back into (width, height, color type, pixels)."""
    assert data[:8] == images.PNG_SIGNATURE
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        pos += 12 + length
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, color, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8
    channels = {0: 1, 2: 3, 6: 4}[color]
    raw = np.frombuffer(zlib.decompress(chunks[1][1]), np.uint8).reshape(height, -1)
    assert (raw[:, 0] == 0).all()
    return width, height, color, raw[:, 1:].reshape(height, width, channels)


def _well_formed(markup):
    return ET.fromstring(f"<root>{markup}</root>")


def _dense_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="hidden"),
                              keras.layers.Dense(2, name="out")])
    kernel = np.array([[0.0, 1.0, -2.0, np.nan], [3.0, np.inf, 0.0, 0.5],
                       [-np.inf, 0.0, 4.0, 2.0]], "float32")
    model.layers[0].kernel.assign(kernel)
    model.layers[0].bias.assign(np.array([0.0, 0.0, 1.0, -1.0], "float32"))
    return model, kernel


# ---- PNG, colormap, downsampling -----------------------------------------------------------

@pytest.mark.parametrize("shape, color_type", [((5, 7), 0), ((4, 3, 3), 2), ((2, 6, 4), 6)])
def test_png_writer_round_trips_pixels(shape, color_type):
    pixels = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    width, height, color, back = _read_png(images.encode_png(pixels))
    assert (width, height, color) == (shape[1], shape[0], color_type)
    np.testing.assert_array_equal(back.reshape(shape), pixels)


def test_png_writer_rejects_bad_input():
    with pytest.raises(TypeError, match="uint8"):
        images.encode_png(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"received \(2, 2, 2\)"):
        images.encode_png(np.zeros((2, 2, 2), np.uint8))
    with pytest.raises(ValueError, match="height, width > 0"):
        images.encode_png(np.zeros((0, 3), np.uint8))


def test_colormap_is_monotonic_in_lightness_and_marks_nan():
    ramp = images.colorize(np.linspace(0, 1, 64)[None, :])[0].astype(float)
    luma = ramp @ np.array([0.299, 0.587, 0.114])
    assert (np.diff(luma) > 0).all()
    rgb = images.colorize(np.array([[np.nan, -np.inf, 1.0, 2.0, np.inf]]))[0]
    assert tuple(rgb[0]) == images.NAN_COLOR
    np.testing.assert_array_equal(rgb[1], rgb[2])  # -inf clips to the low end
    np.testing.assert_array_equal(rgb[3], rgb[4])  # +inf clips to the high end
    assert not np.array_equal(rgb[2], rgb[3])


def test_downsample_averages_blocks_ignoring_nan():
    values = np.arange(35.0).reshape(5, 7)
    values[0, 0] = np.nan
    small = images.downsample(values, max_cells=3)
    assert small.shape == (3, 3)  # blocks of 2 x 3
    assert small[0, 0] == np.nanmean(values[0:2, 0:3])
    assert small[2, 2] == values[4, 6]
    assert images.downsample(np.ones((4, 4)), 8).shape == (4, 4)
    with pytest.raises(ValueError, match="2-D"):
        images.downsample(np.ones(3))


def test_heatmap_png_is_bounded_and_upscaled():
    width, height, _, _ = _read_png(images.heatmap_png(np.random.rand(1000, 40), max_cells=64,
                                                       target=128))
    assert (height, width) == (63 * 2, 40 * 2)  # blocks of 16 rows -> 63 cells, then x2


def test_tile_grid_png_size_follows_grid_layout():
    tiles = np.random.rand(11, 3, 3)
    width, height, _, pixels = _read_png(images.tile_grid_png(tiles, max_columns=4, gap=1,
                                                              target=30))
    assert images.grid_shape(11, 4) == (3, 4)
    assert (height, width) == (3 * 31 - 1, 4 * 31 - 1)  # 3x3 tiles x10 = 30 px, 1 px gaps
    assert (pixels[30, :] == 255).all() and (pixels[:, 30] == 255).all()
    empty = pixels[2 * 31:, 3 * 31:]  # the 12th cell of the grid stays blank
    assert (empty == 255).all()


# ---- SVG -----------------------------------------------------------------------------------

def test_svg_charts_are_well_formed_xml_with_one_mark_per_value():
    hist = ET.fromstring(svg.histogram_svg([1, 0, 5, 2], [0, 1, 2, 3, 4], title="a<b & c"))
    ns = "{http://www.w3.org/2000/svg}"
    assert len(hist.findall(f"{ns}rect")) == 4
    assert hist.find(f"{ns}title").text == "a<b & c"
    bars = ET.fromstring(svg.column_bars_svg([1.0, -2.0, np.nan, np.inf]))
    assert len(bars.findall(f"{ns}rect")) == 4
    wide = ET.fromstring(svg.column_bars_svg(np.arange(5000.0), width=120))
    assert len(wide.findall(f"{ns}rect")) <= 108  # averaged to the plot width
    labeled = ET.fromstring(svg.labeled_bars_svg(["<cat>", "dog"], [0.75, 0.25]))
    assert [t.text for t in labeled.findall(f"{ns}text")][:2] == ["<cat>", "0.75"]
    line = ET.fromstring(svg.line_svg([1.0, np.nan, 2.0, 3.0], labels=("initial", "epoch 3"),
                                      marker=2))
    assert len(line.findall(f"{ns}polyline")) == 2  # the NaN splits the line
    assert len(line.findall(f"{ns}circle")) == 1
    with pytest.raises(ValueError, match="edges"):
        svg.histogram_svg([1, 2], [0, 1])
    with pytest.raises(ValueError, match="same length"):
        svg.labeled_bars_svg(["a"], [1, 2])


# ---- statistics ----------------------------------------------------------------------------

def test_tensor_stats_against_numpy_with_nan_inf_and_zeros():
    values = np.array([[0.0, 1.5, -2.0], [np.nan, np.inf, 0.0], [-np.inf, 3.0, np.nan]])
    finite = np.array([0.0, 1.5, -2.0, 0.0, 3.0])
    stats = tensor_stats(values)
    assert stats["shape"] == (3, 3) and stats["size"] == 9
    assert stats["mean"] == pytest.approx(finite.mean())
    assert stats["std"] == pytest.approx(finite.std())
    assert (stats["min"], stats["max"]) == (-2.0, 3.0)
    assert stats["l2_norm"] == pytest.approx(np.linalg.norm(finite))
    assert stats["zero_fraction"] == pytest.approx(2 / 9)
    assert (stats["nan_count"], stats["inf_count"]) == (2, 2)
    empty = tensor_stats(np.full(3, np.nan))
    assert np.isnan(empty["mean"]) and empty["nan_count"] == 3


def test_histogram_counts_finite_values_over_their_range():
    values = np.array([0.0, 0.1, 0.5, 1.0, np.nan, np.inf])
    counts, edges = histogram(values, bins=4)
    np.testing.assert_array_equal(counts, [2, 0, 1, 1])
    np.testing.assert_allclose(edges, [0, 0.25, 0.5, 0.75, 1.0])
    counts, edges = histogram(np.full(5, 2.0), bins=2)
    assert counts.sum() == 5 and (edges[0], edges[-1]) == (1.5, 2.5)
    with pytest.raises(ValueError, match="`bins`"):
        histogram(values, bins=0)


# ---- WeightInspector ---------------------------------------------------------------------

def test_weight_inspector_stats_match_numpy_for_known_weights():
    model, kernel = _dense_model()
    inspector = WeightInspector(model)
    assert inspector.paths == ["hidden/kernel", "hidden/bias", "out/kernel", "out/bias"]
    stats = inspector.stats("hidden/kernel")
    finite = kernel[np.isfinite(kernel)].astype(np.float64)
    assert stats["shape"] == (3, 4)
    assert stats["mean"] == pytest.approx(finite.mean())
    assert stats["std"] == pytest.approx(finite.std())
    assert stats["l2_norm"] == pytest.approx(np.sqrt((finite ** 2).sum()))
    assert (stats["nan_count"], stats["inf_count"]) == (1, 2)
    assert stats["zero_fraction"] == pytest.approx(3 / 12)
    assert inspector.stats("hidden/bias")["zero_fraction"] == 0.5
    out = keras.ops.convert_to_numpy(model.layers[1].kernel)
    assert inspector.stats("out/kernel")["max"] == pytest.approx(out.max())


def test_weight_inspector_text_is_short_and_deterministic():
    first, second = WeightInspector(_dense_model()[0]), WeightInspector(_dense_model()[0])
    assert repr(first) == repr(second) == "WeightInspector: 4 variables in 2 layers"
    bundle = first._repr_mimebundle_()
    assert bundle["text/plain"] == repr(first)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    single = WeightInspector(keras.Sequential([keras.Input((2,)),
                                               keras.layers.Dense(1, use_bias=False)]))
    assert repr(single) == "WeightInspector: 1 variable in 1 layer"


def test_weight_inspector_records_each_epoch_of_fit(trainable_backend):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 5)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
    model = keras.Sequential([keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    inspector = WeightInspector(model)  # unbuilt: the first snapshot is taken by fit
    assert inspector.snapshots == []
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[inspector])
    assert [s["label"] for s in inspector.snapshots] == ["initial", "epoch 1", "epoch 2",
                                                         "epoch 3"]
    path = model.layers[0].kernel.path
    final = keras.ops.convert_to_numpy(model.layers[0].kernel).astype(np.float64)
    assert inspector.stats(path)["l2_norm"] == pytest.approx(np.linalg.norm(final), rel=1e-6)
    norms = inspector.trend("l2_norm", path)
    assert len(norms) == 4 and len(set(norms)) == 4  # the weights moved every epoch
    counts = inspector.snapshots[2]["variables"][path]["counts"]
    assert counts.sum() == 15
    model.fit(x, y, epochs=1, verbose=0, callbacks=[inspector])
    assert len(inspector.snapshots) == 5  # a second fit keeps appending


def test_weight_inspector_keeps_pictures_small_not_copies():
    model = keras.Sequential([keras.Input((1000,)), keras.layers.Dense(600, name="big")])
    inspector = WeightInspector(model, max_cells=64)
    picture = inspector.snapshots[0]["variables"]["big/kernel"]["picture"]
    assert picture.shape == (63, 60) and picture.dtype == np.float32
    kernel = keras.ops.convert_to_numpy(model.layers[0].kernel)
    assert picture[0, 0] == pytest.approx(kernel[:16, :10].mean(), rel=1e-5)


def test_kernel_tiles_and_conv_grid_sizes():
    conv1d = np.random.rand(3, 5, 7)
    np.testing.assert_array_equal(kernel_tiles(conv1d), np.moveaxis(conv1d, -1, 0))
    conv2d = np.random.rand(3, 3, 2, 20)
    tiles = kernel_tiles(conv2d, max_filters=16)
    assert tiles.shape == (16, 3, 3)
    np.testing.assert_allclose(tiles[4], conv2d[:, :, :, 4].mean(axis=-1))
    conv3d = np.random.rand(2, 4, 3, 6, 5)
    tiles = kernel_tiles(conv3d)
    assert tiles.shape == (5, 4, 3)
    np.testing.assert_allclose(tiles[1], conv3d[..., 1].mean(axis=(0, 3)))
    with pytest.raises(ValueError, match="rank >= 3"):
        kernel_tiles(np.ones((2, 2)))

    model = keras.Sequential([keras.Input((9, 9, 2)), keras.layers.Conv2D(20, 3, name="conv")])
    view = WeightInspector(model, max_filters=12).select("conv/kernel").html()
    assert "first 12 of 20 filters" in view
    src = view.split("src='data:image/png;base64,")[1].split("'")[0]
    width, height, _, _ = _read_png(base64.b64decode(src))
    assert (height, width) == (2 * 49 - 1, 8 * 49 - 1)  # 12 tiles of 3x3 x16 = 48 px, 8 wide


def test_weight_inspector_fallback_html_is_well_formed():
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(3, 3, name="conv2d"),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    inspector = WeightInspector(model)
    inspector.record("after <edit>")
    for path in inspector.paths:
        root = _well_formed(inspector.select(path).html())
        assert path in "".join(root.itertext())
    root = _well_formed(inspector.select("conv2d/kernel")._repr_mimebundle_()["text/html"])
    stats = {row[0].text: row[1].text for row in root.iter("tr") if len(row) == 2}
    assert stats["shape"] == "(3, 3, 1, 3)" and stats["dtype"] == "float32"
    assert root.find(".//{http://www.w3.org/2000/svg}svg") is not None
    assert root.find(".//img").get("src").startswith("data:image/png;base64,")
    assert "after &lt;edit&gt;" in inspector.html()


def test_weight_inspector_controls_update_the_view():
    model, _ = _dense_model()
    inspector = WeightInspector(model)
    inspector.record("later")
    widget = inspector.widget
    assert inspector._slider.max == 1 and inspector._slider.value == 1
    assert "later" in inspector._view.value
    inspector._slider.value = 0
    assert "<b>initial</b>" in inspector._view.value
    inspector._selector.value = "out/bias"
    assert "<b>out/bias</b>" in inspector._view.value
    assert inspector.html() == inspector._view.value
    inspector.record("newest")  # the slider does not jump: it was not on the latest
    assert inspector._slider.max == 2 and inspector._slider.value == 0
    inspector.select(epoch=-1)
    assert inspector._slider.value == 2 and "newest" in inspector._view.value
    assert widget is inspector.widget


def test_weight_inspector_errors_name_the_argument():
    model, _ = _dense_model()
    inspector = WeightInspector(model)
    with pytest.raises(ValueError, match="`variable` must be one of"):
        inspector.select("nope")
    with pytest.raises(ValueError, match="`epoch` must index the 1 snapshots"):
        inspector.select(epoch=3)
    with pytest.raises(ValueError, match="`bins`"):
        WeightInspector(model, bins=0)
    with pytest.raises(TypeError, match="`model`"):
        WeightInspector(object())
    with pytest.raises(ValueError, match="another model"):
        inspector.set_model(_dense_model()[0])


# ---- LayerInspector ------------------------------------------------------------------------

def _conv_model():
    return keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
        keras.layers.MaxPooling2D(name="pool"), keras.layers.Flatten(name="flat"),
        keras.layers.Dense(5, activation="softmax", name="probs")])


def test_layer_inspector_activations_equal_layer_outputs(backend):
    model = _conv_model()
    x = np.random.default_rng(1).random((4, 8, 8, 1)).astype("float32")
    inspector = LayerInspector(model, x)
    assert inspector.layer_names == ["conv", "pool", "flat", "probs"]
    found = inspector.activations(2)
    h = x[2:3]
    for layer in model.layers:
        h = layer(h)
        np.testing.assert_allclose(found[layer.name], keras.ops.convert_to_numpy(h)[0],
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(inspector.prediction(2), found["probs"])


def test_layer_inspector_on_a_functional_graph_with_branches():
    inputs = keras.Input((6,))
    left = keras.layers.Dense(3, name="left")(inputs)
    right = keras.layers.Dense(2, activation="tanh", name="right")(inputs)
    merged = keras.layers.Concatenate(name="merge")([left, right])
    model = keras.Model(inputs, keras.layers.Dense(1, name="head")(merged))
    x = np.random.default_rng(2).normal(size=(3, 6)).astype("float32")
    inspector = LayerInspector(model, x)
    found = inspector.activations(1)
    lft, rgt = model.get_layer("left")(x[1:2]), model.get_layer("right")(x[1:2])
    both = keras.ops.convert_to_numpy(model.get_layer("merge")([lft, rgt]))
    np.testing.assert_allclose(found["merge"], both[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(found["head"], keras.ops.convert_to_numpy(model(x[1:2]))[0],
                               rtol=1e-5, atol=1e-6)
    assert "output" in inspector.html()  # a scalar prediction is written, not charted


def test_layer_inspector_builds_an_unbuilt_sequential_and_rejects_subclassed():
    model = keras.Sequential([keras.layers.Dense(3, name="a"), keras.layers.Dense(2, name="b")])
    inspector = LayerInspector(model, np.ones((2, 4), "float32"))
    assert inspector.layer_names == ["a", "b"]

    class Custom(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    custom = Custom()
    custom(np.ones((1, 4), "float32"))
    with pytest.raises(ValueError, match="Functional or Sequential"):
        LayerInspector(custom, np.ones((2, 4), "float32"))


def test_layer_inspector_prediction_lists_top_classes():
    model = _conv_model()
    x = np.random.default_rng(3).random((3, 8, 8, 1)).astype("float32")
    names = ["ant", "bee", "cat", "dog", "eel"]
    inspector = LayerInspector(model, x, y=np.eye(5)[[4, 0, 1]], class_names=names, top_k=3)
    probs = inspector.prediction(0)
    best = [names[i] for i in np.argsort(-probs)[:3]]
    view = inspector.html()
    assert f"predicted {best[0]} · true eel (probabilities)" in view
    ns = "{http://www.w3.org/2000/svg}"
    chart = next(e for e in _well_formed(view).iter(f"{ns}svg")
                 if e.find(f"{ns}title").text == "top classes")
    texts = [t.text for t in chart.findall(f"{ns}text")]
    assert texts[0::2] == best  # label, value, label, value, ...
    assert [float(v) for v in texts[1::2]] == pytest.approx(np.sort(probs)[::-1][:3], abs=1e-3)
    activations = next(t for t in _well_formed(view).iter("table")
                       if t.find("caption").text == "activations")
    shapes = [row[2].text for row in activations.findall("tbody/tr")]
    assert shapes == [str(inspector.activations(0)[name].shape) for name in inspector.layer_names]


def test_layer_inspector_controls_update_the_view_and_fallback():
    model = _conv_model()
    x = np.random.default_rng(4).random((6, 8, 8, 1)).astype("float32")
    inspector = LayerInspector(model, x)
    assert repr(inspector) == "LayerInspector: 4 layers, 6 samples"
    before = inspector.widget.children[1].value
    assert "<b>sample 0</b>" in before
    inspector._slider.value = 3
    after = inspector._view.value
    assert "<b>sample 3</b> of 6" in after and after != before
    inspector._selector.value = "conv"
    assert "first 4 of 4 channels" in inspector._view.value
    inspector._selector.value = "probs"
    assert "probs output" in inspector._view.value
    bundle = inspector._repr_mimebundle_()
    assert bundle["text/plain"] == repr(inspector)
    _well_formed(bundle["text/html"])
    assert "<b>sample 3</b>" in bundle["text/html"]
    inspector.select(sample=5, layer="input")
    assert inspector._slider.value == 5 and inspector._selector.value == "input"
    with pytest.raises(ValueError, match=r"`sample` must be an int in \[0, 6\)"):
        inspector.select(sample=6)
    with pytest.raises(ValueError, match="`layer` must be one of"):
        inspector.select(layer="nope")
    with pytest.raises(ValueError, match="one label per sample"):
        LayerInspector(model, x, y=np.zeros(2))

