"""Small helpers for the static HTML views: escaping, elements, tables and sparklines.

Everything here returns well-formed XHTML fragments (every tag closed, every attribute
quoted), so a view parses with `xml.etree` as well as with a browser.

Example:
    >>> element("td", escape("a < b"), cls="num")
    '<td class="num">a &lt; b</td>'
"""

import html
import math

#: The stylesheet shared by every view; rules are scoped to ``.kerasnb-view``.
STYLE = """<style>
.kerasnb-view { font-family: var(--jp-code-font-family, ui-monospace, Menlo, Consolas, monospace);
  font-size: 12px; line-height: 1.35; }
.kerasnb-view table { border-collapse: collapse; margin: 2px 0; }
/* the class twice outranks JupyterLab's rules for output tables (right-aligned cells) */
.kerasnb-view.kerasnb-view th, .kerasnb-view.kerasnb-view td { padding: 2px 10px;
  text-align: left; vertical-align: top; white-space: nowrap;
  border-bottom: 1px solid rgba(128, 128, 128, 0.25); }
.kerasnb-view.kerasnb-view th { border-bottom: 1px solid rgba(128, 128, 128, 0.7);
  font-weight: 600; }
.kerasnb-view caption { text-align: left; font-weight: 600; padding: 2px 0; }
.kerasnb-view.kerasnb-view .num { text-align: right; }
.kerasnb-view .muted { opacity: 0.65; }
.kerasnb-view .title { font-weight: 600; margin: 2px 0; }
.kerasnb-view details > summary { cursor: pointer; }
.kerasnb-view.kerasnb-view td.nested { padding-left: 24px; border-bottom: none; }
.kerasnb-view pre { margin: 2px 0; }
</style>"""


def escape(value):
    """`value` as text safe inside an element or a quoted attribute."""
    return html.escape(str(value), quote=True)


def element(tag, content="", cls=None, **attrs):
    """One element: ``<tag class=... attr=...>content</tag>``.

    Args:
        tag: the tag name.
        content: inner HTML, already escaped (use `escape` for text).
        cls: the ``class`` attribute.
        **attrs: further attributes; ``None`` values are left out, ``_`` in names becomes ``-``.
    """
    if cls:
        attrs = {"class": cls, **attrs}
    rendered = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items() if v is not None)
    return f"<{tag}{rendered}>{content}</{tag}>"


def table(headers, rows, numeric=(), caption=None, cls=None, marked=()):
    """A table of text cells, styled by `view`'s stylesheet.

    Args:
        headers: the column titles (plain text), or None for a table without a header row.
        rows: lists of cells; a cell is shown as text (``str``), except a ``(html,)`` 1-tuple
            of a string, which is raw HTML. A row of a single cell, in a table of several
            columns, spans them all.
        numeric: indices of right-aligned columns.
        caption: a text above the table, or None.
        cls: the table's ``class`` attribute, or None.
        marked: indices of rows written in bold (e.g. the current choice).

    Example:
        >>> table(None, [["a<b"]], caption="F")
        '<table><caption>F</caption><tbody><tr><td>a&lt;b</td></tr></tbody></table>'
    """
    numeric = set(numeric)
    width = len(headers) if headers else max((len(r) for r in rows), default=0)

    def cell(tag, index, value, span=None):
        raw = isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], str)
        content = value[0] if raw else escape(value)
        return element(tag, content, cls="num" if index in numeric else None, colspan=span)

    def row(index, values):
        span = width if len(values) == 1 < width else None
        return element("tr", "".join(cell("td", i, v, span) for i, v in enumerate(values)),
                       style="font-weight:bold" if index in marked else None)

    head = element("caption", escape(caption)) if caption is not None else ""
    if headers:
        head += element("thead", element("tr", "".join(cell("th", i, h)
                                                       for i, h in enumerate(headers))))
    body = "".join(row(i, r) for i, r in enumerate(rows))
    return element("table", head + element("tbody", body), cls=cls)


def view(content, cls=None):
    """Wraps a view's HTML in the shared stylesheet and the scoping ``div``.

    Args:
        content: the view's HTML.
        cls: a further class of the ``div`` (e.g. ``"kerasnb-table"``), or None.
    """
    return element("div", STYLE + content, cls=f"kerasnb-view {cls}" if cls else "kerasnb-view")


def sparkline(values, width=90, height=18):
    """A tiny inline SVG line chart of `values` (non-finite values are skipped).

    Example:
        >>> sparkline([3, 2, 1]).startswith("<svg")
        True
    """
    points = [(i, float(v)) for i, v in enumerate(values) if math.isfinite(float(v))]
    if not points:
        return ""
    low, high = min(v for _, v in points), max(v for _, v in points)
    span_x = max(len(values) - 1, 1)
    span_y = (high - low) or 1.0
    pad = 2

    def xy(i, v):
        x = pad + (width - 2 * pad) * i / span_x
        y = pad + (height - 2 * pad) * (1 - (v - low) / span_y) if high > low else height / 2
        return f"{x:.1f},{y:.1f}"

    coords = " ".join(xy(i, v) for i, v in points)
    line = (f'<polyline points="{coords}" fill="none" stroke="currentColor" stroke-width="1.3" '
            'stroke-linejoin="round"/>')
    last_x, last_y = xy(*points[-1]).split(",")
    dot = f'<circle cx="{last_x}" cy="{last_y}" r="1.8" fill="currentColor"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">{line}{dot}</svg>')
