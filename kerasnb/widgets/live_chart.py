"""The training charts of `LivePlot`: a plotly figure dict and a static inline-SVG twin.

A chart is a list of panels, one per metric, each with up to three lines: the sampled
per-batch training values, the per-epoch training values and the per-epoch validation
values, all against epochs. `plotly_figure` turns it into the JSON that the
``application/vnd.plotly.v1+json`` renderers draw; `svg_chart` draws the same data as plain
SVG for GitHub, nbconvert and any frontend without plotly.

Example:
    >>> panel = Panel("loss", [Line("train", [1, 2], [0.9, 0.5], "train")])
    >>> sorted(chart_bundle([panel], "LivePlot chart: loss"))
    ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']
"""

import math
from typing import NamedTuple

from kerasnb.widgets.svg import fmt, frame, polylines, text

PLOTLY_MIME = "application/vnd.plotly.v1+json"

# style -> (colour, width, opacity, markers)
_STYLES = {"batch": ("#1f77b4", 1, 0.35, False), "train": ("#1f77b4", 2, 1.0, True),
           "val": ("#ff7f0e", 2, 1.0, True)}
_WIDTH, _HEIGHT = 340, 210
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 10, 24, 30


class Line(NamedTuple):
    """One line of a panel: its legend `label`, points, and `style` ("batch", "train", "val")."""

    label: str
    x: list
    y: list
    style: str


class Panel(NamedTuple):
    """One subplot: a metric `name` and its `Line`s."""

    name: str
    lines: list


def thin(x, y, max_points):
    """At most `max_points` evenly strided points of (x, y), always keeping the last one.

    Example:
        >>> thin(list(range(10)), list(range(10)), 4)
        ([0, 3, 6, 9], [0, 3, 6, 9])
    """
    if len(x) <= max_points:
        return list(x), list(y)
    stride = math.ceil(len(x) / max_points)
    keep = list(range(len(x) - 1, -1, -stride))[::-1]
    return [x[i] for i in keep], [y[i] for i in keep]


def _finite(values):
    return [v for v in values if v is not None and math.isfinite(v)]


# Plotly -----------------------------------------------------------------------------------


def plotly_figure(panels, max_points=500):
    """The plotly figure (a JSON-ready dict) of `panels`, one subplot per panel.

    Args:
        panels: a list of `Panel`s.
        max_points: the most points drawn per line.

    Returns:
        ``{"data": [...], "layout": {...}, "config": {...}}``.
    """
    columns = 1 if len(panels) < 2 else 2
    rows = max(math.ceil(len(panels) / columns), 1)
    data, layout = [], {
        "grid": {"rows": rows, "columns": columns, "pattern": "independent"},
        "height": 260 * rows + 40, "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "hovermode": "x unified"}
    shown = set()
    for index, panel in enumerate(panels):
        suffix = "" if index == 0 else str(index + 1)
        layout[f"xaxis{suffix}"] = {"title": {"text": "epoch"}, "rangemode": "tozero"}
        layout[f"yaxis{suffix}"] = {"title": {"text": panel.name}}
        for line in panel.lines:
            colour, width, opacity, markers = _STYLES[line.style]
            x, y = thin(line.x, line.y, max_points)
            data.append({
                "type": "scatter", "mode": "lines+markers" if markers else "lines",
                "name": line.label, "legendgroup": line.style,
                "showlegend": line.style not in shown, "x": x, "y": _nulls(y),
                "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "opacity": opacity,
                "line": {"color": colour, "width": width}, "marker": {"size": 5}})
            shown.add(line.style)
    return {"data": data, "layout": layout, "config": {"displaylogo": False}}


def _nulls(values):
    """JSON has no NaN: non-finite values become gaps."""
    return [v if v is not None and math.isfinite(v) else None for v in values]


# SVG --------------------------------------------------------------------------------------


def svg_chart(panels, max_points=500):
    """The panels as a row of standalone inline ``<svg>`` charts inside one ``<div>``.

    The markup is well-formed XML (escaped text, no scripts), so it renders the same on
    GitHub, in nbconvert HTML and in any notebook frontend.
    """
    body = "".join(_svg_panel(panel, max_points) for panel in panels)
    return ("<div class='kerasnb-live-chart' style='display:flex;flex-wrap:wrap;gap:8px'>"
            f"{body}</div>")


def _svg_panel(panel, max_points):
    lines = [line._replace(x=list(t[0]), y=list(t[1]))
             for line in panel.lines for t in [thin(line.x, line.y, max_points)]]
    xs = _finite([x for line in lines for x in line.x])
    ys = _finite([y for line in lines for y in line.y])
    x_max = max(xs + [1.0])
    y_low, y_high = _y_range(ys)
    width, height = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM

    def px(x):
        return _LEFT + width * x / x_max

    def py(y):
        return _TOP + height * (y_high - y) / (y_high - y_low)

    parts = [f"<rect x='{_LEFT}' y='{_TOP}' width='{width}' height='{height}' fill='none' "
             "stroke='#bbb'/>", text(_LEFT, 15, panel.name, weight="bold")]
    for tick in _linspace(y_low, y_high, 4):
        parts.append(f"<line x1='{_LEFT - 3}' y1='{py(tick):.1f}' x2='{_LEFT + width}' "
                     f"y2='{py(tick):.1f}' stroke='#eee'/>")
        parts.append(text(_LEFT - 5, py(tick) + 3, fmt(tick), anchor="end"))
    step = max(1, math.ceil(x_max / 6))
    for tick in range(0, int(x_max) + 1, step):
        parts.append(text(px(tick), _TOP + height + 13, str(tick), anchor="middle"))
    parts.append(text(_LEFT + width / 2, _HEIGHT - 4, "epoch", anchor="middle"))
    legend_x = _LEFT + width
    for line in reversed(lines):
        colour, stroke, opacity, markers = _STYLES[line.style]
        points = [(px(x), py(y) if y is not None else math.nan) for x, y in zip(line.x, line.y)]
        parts += polylines(points, colour, stroke, opacity)
        dots = [(a, b) for a, b in points if math.isfinite(b)]
        if markers and len(dots) <= 60:
            parts.extend(f"<circle cx='{a:.1f}' cy='{b:.1f}' r='2.5' fill='{colour}'/>"
                         for a, b in dots)
        parts.append(text(legend_x, 15, line.label, anchor="end", fill=colour))
        legend_x -= 6 * len(line.label) + 12
    return frame(_WIDTH, _HEIGHT, parts, f"{panel.name} per epoch")


def _y_range(values):
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or (abs(high) * 0.1 or 0.5)
    return low - pad, high + pad


def _linspace(low, high, count):
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def chart_bundle(panels, plain, max_points=500, static=True):
    """The MIME bundle of a chart: the plotly figure, a `plain` text line and, if `static`,
    the SVG twin."""
    bundle = {PLOTLY_MIME: plotly_figure(panels, max_points), "text/plain": plain}
    if static:
        bundle["text/html"] = svg_chart(panels, max_points)
    return bundle
