"""Small inline SVG charts (histogram, bars, lines) for the inspectors' views, and the SVG
pieces (`text`, `polylines`, `frame`) that the live chart's static twin is drawn with.

Every chart is a standalone ``<svg>`` element: well-formed XML with escaped text, no scripts,
so it renders the same in a live notebook, on GitHub and in nbconvert HTML.

Example:
    >>> svg = histogram_svg([1, 3, 2], [0.0, 1.0, 2.0, 3.0])
    >>> svg.startswith("<svg")
    True
"""

import html
import math

import numpy as np

_BAR = "#3b6fb6"
_NEGATIVE = "#c8553d"
_FONT = "font-family='sans-serif' font-size='10'"


def fmt(value):
    """A number in at most 4 significant digits ("nan", "inf" spelt out)."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def text(x, y, content, anchor="start", fill="#333", weight=None):
    """One ``<text>`` element at (x, y) in the charts' font; `content` is escaped."""
    bold = f" font-weight='{weight}'" if weight else ""
    return (f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}'{bold} "
            f"{_FONT}>{html.escape(str(content))}</text>")


def polylines(points, stroke, width=1.5, opacity=None):
    """``<polyline>`` elements through pixel `points` [(x, y), ...]; a point with a
    non-finite coordinate leaves a gap, as plotly does for missing values."""
    faded = f" opacity='{opacity}'" if opacity is not None else ""
    lines, segment = [], []
    for x, y in [*points, (math.nan, math.nan)]:
        if math.isfinite(x) and math.isfinite(y):
            segment.append(f"{x:.2f},{y:.2f}")
        elif segment:
            lines.append(f"<polyline points='{' '.join(segment)}' fill='none' stroke='{stroke}' "
                         f"stroke-width='{width}'{faded}/>")
            segment = []
    return lines


def frame(width, height, body, title):
    """A standalone ``<svg>`` of the `body` elements, named `title` for screen readers."""
    label = html.escape(title, quote=True)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' role='img' aria-label='{label}'>"
            f"<title>{html.escape(title)}</title>{''.join(body)}</svg>")


def histogram_svg(counts, edges, width=320, height=130, title="histogram"):
    """Bars of histogram `counts` over bin `edges`, with the range written under the axis.

    Args:
        counts: the count in each bin.
        edges: the bin edges (one more than `counts`).
        width, height: the size in pixels.
        title: the chart's accessible title.

    Returns:
        An SVG string.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if len(edges) != len(counts) + 1:
        raise ValueError(f"`edges` must have len(counts) + 1 = {len(counts) + 1} entries; "
                         f"received {len(edges)}.")
    left, right, top, bottom = 6, 6, 14, 18
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = counts.max() if counts.size and counts.max() > 0 else 1.0
    step = plot_w / max(len(counts), 1)
    body = [f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' "
            f"stroke='#999'/>"]
    for i, count in enumerate(counts):
        bar_h = plot_h * count / peak
        body.append(f"<rect x='{left + i * step:.2f}' y='{top + plot_h - bar_h:.2f}' "
                    f"width='{max(step - 1, 0.5):.2f}' height='{bar_h:.2f}' fill='{_BAR}'/>")
    body.append(text(left, height - 4, fmt(edges[0])))
    body.append(text(width - right, height - 4, fmt(edges[-1]), anchor="end"))
    body.append(text(left, 10, f"max count {int(peak)}"))
    return frame(width, height, body, title)


def column_bars_svg(values, width=320, height=130, title="values"):
    """One vertical bar per entry of a 1-D vector, rising or falling from zero.

    Vectors longer than the plot's width in pixels are averaged in blocks first.

    Args:
        values: a 1-D array.
        width, height: the size in pixels.
        title: the chart's accessible title.

    Returns:
        An SVG string.
    """
    values = np.nan_to_num(np.asarray(values, dtype=np.float64).ravel(), nan=0.0,
                           posinf=0.0, neginf=0.0)
    left, right, top, bottom = 6, 6, 12, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    size = values.size
    if size > plot_w:
        block = math.ceil(size / plot_w)
        padded = np.zeros(math.ceil(size / block) * block)
        padded[:size] = values
        values = padded.reshape(-1, block).mean(axis=1)
    lo, hi = min(values.min(initial=0.0), 0.0), max(values.max(initial=0.0), 0.0)
    span = hi - lo or 1.0
    zero_y = top + plot_h * hi / span
    step = plot_w / max(values.size, 1)
    body = [f"<line x1='{left}' y1='{zero_y:.2f}' x2='{left + plot_w}' y2='{zero_y:.2f}' "
            f"stroke='#999'/>"]
    for i, value in enumerate(values):
        bar_h = plot_h * abs(value) / span
        y = zero_y - bar_h if value >= 0 else zero_y
        color = _BAR if value >= 0 else _NEGATIVE
        body.append(f"<rect x='{left + i * step:.2f}' y='{y:.2f}' "
                    f"width='{max(step - 0.5, 0.5):.2f}' height='{bar_h:.2f}' fill='{color}'/>")
    body.append(text(left, 10, f"max {fmt(hi)}"))
    body.append(text(left, height - 3, f"min {fmt(lo)} · {size} values"))
    return frame(width, height, body, title)


def labeled_bars_svg(labels, values, width=320, title="scores"):
    """Horizontal bars with a label and value per row (e.g. the top classes of a prediction).

    Args:
        labels: the row labels.
        values: one non-negative number per label; bars scale to the largest.
        width: the size in pixels (the height follows the number of rows).
        title: the chart's accessible title.

    Returns:
        An SVG string.
    """
    values = [float(v) for v in values]
    if len(labels) != len(values):
        raise ValueError(f"`labels` and `values` must have the same length; received "
                         f"{len(labels)} and {len(values)}.")
    row_h, label_w, value_w = 18, 90, 56
    height = row_h * len(values) + 4
    peak = max([abs(v) for v in values if math.isfinite(v)] + [1e-12])
    body = []
    for i, (label, value) in enumerate(zip(labels, values)):
        y = 2 + i * row_h
        bar_w = (width - label_w - value_w) * (abs(value) / peak if math.isfinite(value) else 0)
        body.append(text(label_w - 4, y + 12, label, anchor="end"))
        body.append(f"<rect x='{label_w}' y='{y + 3}' width='{bar_w:.2f}' height='{row_h - 6}' "
                    f"fill='{_BAR if value >= 0 else _NEGATIVE}'/>")
        body.append(text(label_w + bar_w + 4, y + 12, fmt(value)))
    return frame(width, height, body, title)


def line_svg(values, labels=None, marker=None, width=200, height=90, title="trend"):
    """A line over equally spaced points, with an optional highlighted point.

    Args:
        values: the y values (non-finite ones leave a gap).
        labels: the x labels of the first and last points (default their indices).
        marker: the index of a point to highlight, or `None`.
        width, height: the size in pixels.
        title: the chart's title, written above the line.

    Returns:
        An SVG string.
    """
    values = np.asarray(values, dtype=np.float64)
    left, right, top, bottom = 6, 6, 16, 14
    plot_w, plot_h = width - left - right, height - top - bottom
    finite = values[np.isfinite(values)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    span = hi - lo or 1.0
    step = plot_w / max(values.size - 1, 1)

    def point(i):
        return left + i * step, top + plot_h * (hi - values[i]) / span

    body = [text(left, 11, title)]
    body += polylines([point(i) for i in range(values.size)], _BAR)
    if marker is not None and 0 <= marker < values.size and np.isfinite(values[marker]):
        x, y = point(marker)
        body.append(f"<circle cx='{x:.2f}' cy='{y:.2f}' r='3' fill='{_NEGATIVE}'/>")
    first, last = labels if labels is not None else (0, max(values.size - 1, 0))
    body.append(text(left, height - 2, first))
    body.append(text(width - right, height - 2, last, anchor="end"))
    body.append(text(width - right, 11, f"{fmt(lo)} … {fmt(hi)}", anchor="end", fill="#777"))
    return frame(width, height, body, title)
