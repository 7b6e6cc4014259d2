"""The notebook HTML views of models, layers, variables, KerasTensors and History."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from kerasnb import Input, Model, Sequential, layers, ops
from kerasnb.engine.callbacks.history import History
from kerasnb.engine.tensors import Variable


def parse(html):
    """The view as an element tree; fails unless every tag is closed and properly nested."""
    return ET.fromstring(html)


def text(element):
    return "".join(element.itertext()).strip()


def rows_of(table):
    return [[text(td) for td in tr.findall("td")] for tr in table.find("tbody").findall("tr")]


def two_inputs():
    a, b = Input((4,), name="a"), Input((3,), name="b")
    joined = layers.Concatenate(name="join")([a, b])
    hidden = layers.Dense(5, activation="relu", name="hidden")(joined)
    return Model([a, b], layers.Dense(2, name="out")(hidden), name="two")


def test_model_view_is_wellformed_and_its_numbers_match_count_params(backend):
    model = two_inputs()
    root = parse(model._repr_html_())
    layer_table, totals = root.findall("table")
    headers = [text(th) for th in layer_table.iter("th")]
    assert headers == ["Layer (type)", "Output shape", "Param #", "% params", "Trainable", "Dtype",
                       "Connected to"]
    rows = rows_of(layer_table)
    assert [r[0] for r in rows] == ["a (InputLayer)", "b (InputLayer)", "join (Concatenate)",
                                    "hidden (Dense)", "out (Dense)"]
    params = [int(r[2].replace(",", "")) for r in rows]
    assert params == [0, 0, 0, 7 * 5 + 5, 5 * 2 + 2] and sum(params) == model.count_params()
    shares = [float(r[3].rstrip("%")) for r in rows]
    assert shares[3] == pytest.approx(100 * 40 / 52, abs=0.05) and sum(shares) == pytest.approx(100, abs=0.2)
    assert rows[2][1] == "(None, 7)" and rows[2][6] == "a[0][0], b[0][0]" and rows[0][6] == "-"
    assert rows[3][4:6] == ["yes", "float32"]
    total, trainable, frozen = rows_of(totals)
    assert total == ["Total params", f"{model.count_params():,} (208.00 B)"]
    assert trainable[1].startswith("52 ") and frozen[1] == "0 (0.00 B)"


def test_frozen_layers_and_non_trainable_totals():
    x = Input((4,), name="x")
    model = Model(x, layers.Dense(2, name="out")(layers.BatchNormalization(name="norm")(x)))
    layer_table, totals = parse(model._repr_html_()).findall("table")
    assert rows_of(layer_table)[1][2] == "16"  # gamma, beta, moving mean and variance
    assert [r[1] for r in rows_of(totals)] == ["26 (104.00 B)", "18 (72.00 B)", "8 (32.00 B)"]
    model.get_layer("out").trainable = False
    assert [r[4] for r in rows_of(parse(model._repr_html_()).find("table"))] == ["yes", "yes", "no"]


def test_nested_model_folds_out_of_a_details_element():
    inner = Sequential([Input((4,)), layers.Dense(3, name="d1"), layers.Dense(2, name="d2")], name="inner")
    x = Input((4,), name="x")
    model = Model(x, layers.Dense(1, name="head")(inner(x)), name="outer")
    root = parse(model._repr_html_())
    layer_table = root.find("table")
    body_rows = layer_table.find("tbody").findall("tr")
    assert [text(r.find("td")) for r in body_rows[:2]] == ["x (InputLayer)", "inner (Sequential)"]
    fold = body_rows[2].find("td")
    assert fold.get("colspan") == "7" and fold.get("class") == "nested"
    details = fold.find("details")
    assert text(details.find("summary")) == "inner: 2 layers"
    nested_rows = rows_of(details.find("table"))
    assert [r[0] for r in nested_rows] == ["d1 (Dense)", "d2 (Dense)"]
    assert [int(r[2]) for r in nested_rows] == [15, 8]
    assert float(nested_rows[0][3].rstrip("%")) == pytest.approx(100 * 15 / model.count_params(), abs=0.05)
    assert text(body_rows[3].find("td")) == "head (Dense)"


def test_unbuilt_model_says_so_and_has_no_totals():
    model = Sequential([layers.Dense(2, name="d")], name="lazy")
    root = parse(model._repr_html_())
    assert "not built yet" in text(root)
    assert len(root.findall("table")) == 1
    assert rows_of(root.find("table"))[0][:3] == ["d (Dense)", "?", "unbuilt"]


def test_repr_stays_short_text():
    model = two_inputs()
    assert repr(model) == "<Functional name=two, built=True>"
    assert repr(model.get_layer("out")) == "<Dense name=out, built=True>"


def test_summary_text_expands_nested_models():
    inner = Sequential([Input((4,)), layers.Dense(3, name="d1")], name="inner")
    x = Input((4,), name="x")
    model = Model(x, inner(x), name="outer")
    lines = []
    model.summary(print_fn=lines.append, expand_nested=True)
    assert re.search(r"^  d1 \(Dense\) +\(None, 3\) +15 ", lines[0], re.M)
    lines.clear()
    model.summary(print_fn=lines.append)
    assert "d1 (Dense)" not in lines[0]


def test_layer_view_lists_weights_and_totals(backend):
    dense = layers.Dense(3, name="proj")
    dense(np.zeros((2, 4), "float32"))
    root = parse(dense._repr_html_())
    assert text(root.find("div[@class='title']")) == "proj (Dense)"
    summary_table, weights, totals = root.findall("table")
    assert rows_of(summary_table)[0][1:] == ["15", "yes", "float32"]
    assert rows_of(weights) == [["proj/kernel", "(4, 3)", "float32", "12", "yes"],
                                ["proj/bias", "(3,)", "float32", "3", "yes"]]
    assert rows_of(totals)[0][1] == "15 (60.00 B)"
    unbuilt = parse(layers.Dense(2, name="later")._repr_html_())
    assert "not built" in text(unbuilt) and "first call" in text(unbuilt)


def test_variable_view_shows_stats_and_a_preview(backend):
    values = np.array([[1.0, -2.0, np.nan], [4.0, 0.5, np.inf]], "float32")
    variable = Variable(values, name="w", trainable=False)
    root = parse(variable._repr_html_())
    assert text(root.find("div[@class='title']")) == "Variable w"
    stats = dict(rows_of(root.find("table")))
    assert stats["shape"] == "(2, 3)" and stats["dtype"] == "float32" and stats["trainable"] == "no"
    finite = values[np.isfinite(values)]
    assert float(stats["mean"]) == pytest.approx(finite.mean(), rel=1e-3)
    assert float(stats["min"]) == -2.0 and float(stats["max"]) == 4.0
    assert stats["NaN / Inf"] == "1 / 1" and stats["size"] == "6 (24.00 B)"
    assert "-2." in text(root.find("pre"))


def test_keras_tensor_view_names_its_producer():
    x = Input((4,), name="x")
    y = layers.Dense(2, name="proj")(x)
    z = ops.add(y, 1.0)
    produced = dict(rows_of(parse(y._repr_html_()).find("table")))["produced by"]
    assert produced == "proj (Dense), call 0, output 0"
    rows = dict(rows_of(parse(z._repr_html_()).find("table")))
    assert rows["produced by"] == "op add" and rows["shape"] == "(None, 2)"
    assert dict(rows_of(parse(x._repr_html_()).find("table")))["produced by"].startswith("x (InputLayer)")


def history_with(epochs):
    history = History()
    history.on_train_begin()
    for epoch in range(epochs):
        history.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0 / (epoch + 1)})
    return history


def test_history_view_has_one_row_per_epoch_and_a_sparkline_per_key():
    root = parse(history_with(3)._repr_html_())
    table = root.find("table")
    assert [text(th) for th in table.iter("th")] == ["epoch", "loss", "val_loss"]
    trend, *rows = table.find("tbody").findall("tr")
    assert len(trend.findall("td/{http://www.w3.org/2000/svg}svg")) == 2
    polyline = trend.find("td/{http://www.w3.org/2000/svg}svg/{http://www.w3.org/2000/svg}polyline")
    assert len(polyline.get("points").split()) == 3
    assert [[text(td) for td in r] for r in rows] == [["1", "1", "2"], ["2", "0.5", "1"],
                                                      ["3", "0.3333", "0.6667"]]
    long = parse(history_with(45)._repr_html_())
    cells = [text(tr.find("td")) for tr in long.find("table/tbody").findall("tr")]
    assert len(cells) == 1 + 10 + 1 + 20 and cells[11] == "... 15 more" and cells[-1] == "45"
    assert "no epochs" in text(parse(History()._repr_html_()))


def test_history_of_a_real_fit(trainable_backend):
    model = Sequential([Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=2, batch_size=8, validation_split=0.25, verbose=0)
    root = parse(history._repr_html_())
    assert [text(th) for th in root.iter("th")][0] == "epoch"
    rows = rows_of(root.find("table"))[1:]
    assert len(rows) == 2
    header = [text(th) for th in root.iter("th")]
    loss = header.index("loss")
    assert float(rows[1][loss]) == pytest.approx(history.history["loss"][1], rel=1e-3)
    parse(model._repr_html_())
