"""The live training chart: thinning, the plotly figure dict, and its static SVG twin."""

import json
import math
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest

from kerasnb.widgets.live_chart import (
    PLOTLY_MIME, Line, Panel, chart_bundle, fmt, plotly_figure, svg_chart, thin)

SVG = "{http://www.w3.org/2000/svg}"


def _panels():
    batch = Line("train (batches)", [0.25, 0.5, 0.75, 1.0, 1.5, 2.0],
                 [1.0, 0.8, float("nan"), 0.6, 0.5, 0.4], "batch")
    return [Panel("loss", [batch, Line("train", [1, 2], [0.6, 0.4], "train"),
                           Line("validation", [1, 2], [0.7, 0.5], "val")]),
            Panel("accuracy", [Line("train", [1, 2], [0.5, 0.75], "train")]),
            Panel("auc", [Line("validation", [2], [0.9], "val")])]


@pytest.mark.parametrize("count, limit, expected", [
    (3, 5, [0, 1, 2]), (10, 4, [0, 3, 6, 9]), (11, 4, [1, 4, 7, 10]), (1000, 2, [499, 999])])
def test_thin_keeps_at_most_the_limit_evenly_and_the_last_point(count, limit, expected):
    x, y = thin(list(range(count)), [v * 2 for v in range(count)], limit)
    assert x == expected and y == [v * 2 for v in expected]


def test_fmt():
    assert [fmt(v) for v in (0.123456, 12345.678, float("nan"), -math.inf, 3)] == \
        ["0.1235", "1.235e+04", "nan", "-inf", "3"]


def test_plotly_figure_has_one_subplot_per_metric_and_is_valid_json():
    figure = plotly_figure(_panels())
    go.Figure(data=figure["data"], layout=figure["layout"])  # plotly validates every property
    layout = figure["layout"]
    assert layout["grid"] == {"rows": 2, "columns": 2, "pattern": "independent"}
    assert [layout[f"yaxis{s}"]["title"]["text"] for s in ("", "2", "3")] == \
        ["loss", "accuracy", "auc"]
    traces = [(t["name"], t["xaxis"], t["yaxis"], t["showlegend"]) for t in figure["data"]]
    assert traces == [("train (batches)", "x", "y", True), ("train", "x", "y", True),
                      ("validation", "x", "y", True), ("train", "x2", "y2", False),
                      ("validation", "x3", "y3", False)]
    assert figure["data"][0]["y"][2] is None  # NaN becomes a gap
    json.dumps(figure, allow_nan=False)


def test_plotly_figure_thins_long_lines():
    many = Line("train (batches)", list(range(5000)), [1.0] * 5000, "batch")
    figure = plotly_figure([Panel("loss", [many])], max_points=100)
    assert len(figure["data"][0]["x"]) <= 100 and figure["data"][0]["x"][-1] == 4999


def test_svg_chart_is_well_formed_with_one_svg_per_metric():
    root = ET.fromstring(svg_chart(_panels()))
    charts = root.findall(f"{SVG}svg")
    assert len(charts) == 3
    assert [c.find(f"{SVG}title").text for c in charts] == \
        ["loss per epoch", "accuracy per epoch", "auc per epoch"]
    loss_lines = charts[0].findall(f"{SVG}polyline")
    # the batch line breaks at its NaN (a gap, as in the plotly figure), then train and val
    assert [len(line.get("points").split()) for line in loss_lines] == [2, 2, 2, 3]
    points = [p for line in loss_lines for p in line.get("points").split()]
    assert all(all(math.isfinite(float(v)) for v in p.split(",")) for p in points)
    assert len(charts[2].findall(f"{SVG}circle")) == 1  # a single point still shows


def test_svg_chart_escapes_metric_names():
    html_text = svg_chart([Panel("a<b & 'c'", [Line("train", [1], [1.0], "train")])])
    root = ET.fromstring(html_text)
    assert root.find(f"{SVG}svg/{SVG}title").text == "a<b & 'c' per epoch"


def test_live_bundle_leaves_out_the_svg_twin():
    bundle = chart_bundle(_panels(), "LivePlot chart", static=False)
    assert sorted(bundle) == [PLOTLY_MIME, "text/plain"]
    assert bundle[PLOTLY_MIME] == plotly_figure(_panels())


def test_empty_chart_still_renders():
    bundle = chart_bundle([], "LivePlot chart: no metrics yet")
    assert bundle["text/plain"] == "LivePlot chart: no metrics yet"
    assert ET.fromstring(bundle["text/html"]).tag == "div"
    assert bundle[PLOTLY_MIME]["data"] == []
